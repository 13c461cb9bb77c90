"""Where each role lands after signing in (with a password or through the provider).

Each role lands where its work is. A person with several roles lands where the first of
them in LANDING_ORDER lands: the roles are in order of the breadth of their work, so a
coordinator who is also an analyst starts on the home page, not on the reports. A role's
page that an installation's access settings (HOMEWARD_ACCESS) take away from it is skipped,
and with none left the person lands on the first page they may use (access.rules), or on
the home page, which then says that there is none and whom to ask.

A `next` URL wins over all of this (Django's LoginView, and the provider's callback, keep
it), except the home page itself: that is where anyone who just opens Homeward's address is
sent to sign in from, so it says nothing about where they meant to go.
"""

from django.urls import reverse

from homeward.access.rules import (
    CASE_PAGES,
    REPORT_PAGES,
    landing_page_for,
    pages_for,
)
from homeward.accounts import roles

# Each role, in the order that decides for a person who holds several, and its page with the
# part of the service it belongs to (access.rules.pages_for).
LANDING_ORDER = [
    (roles.ADMINISTRATOR, "dashboard:home", CASE_PAGES),
    (roles.MISSING_COORDINATOR, "dashboard:home", CASE_PAGES),
    (roles.EXPLOITATION_LEAD, "exploitation:repeat-missing", CASE_PAGES),
    (roles.PRACTITIONER, "children:mine", CASE_PAGES),
    (roles.POLICE_LIAISON, "episodes:missing-now", CASE_PAGES),
    (roles.ANALYST, "reports:index", REPORT_PAGES),
    (roles.SCRUTINY, "reports:index", REPORT_PAGES),
]


def landing_page_name(user) -> str:
    """The URL name of the page this person lands on after signing in."""
    held = set(user.groups.values_list("name", flat=True)) if user.is_authenticated else set()
    allowed = set(pages_for(user))
    for role, page, part in LANDING_ORDER:
        if role in held and part in allowed:
            return page
    return landing_page_for(user) or CASE_PAGES


def landing_url(user) -> str:
    return reverse(landing_page_name(user))


def chosen_next(url: str | None) -> str:
    """The `next` URL a person asked for, or "" when they asked for nothing in particular."""
    if not url or url == reverse(CASE_PAGES):
        return ""
    return url
