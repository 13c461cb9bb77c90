"""The service navigation every page shows, with the current page marked."""

from django import template

from homeward.access.rules import (
    CASE_PAGES,
    ESCALATION_PAGES,
    PANEL_PAGES,
    PEOPLE_PAGES,
    RECORD_EPISODE,
    REPORT_PAGES,
    ROW_PAGES,
    has_allocated_children,
    may,
    pages_for,
)
from homeward.web.templatetags.links import cached_reverse

register = template.Library()

CASEWORK_PAGES = [
    ("dashboard:home", "Home"),
    ("children:mine", "Your children"),
    ("episodes:missing-now", "Missing now"),
    ("notifications:index", "Notifications"),
    ("interviews:due", "Interviews"),
    ("exploitation:repeat-missing", "Repeat missing"),
    ("borders:register", "Placed in"),
    ("children:search", "Find a child"),
    ("episodes:start", "Record an episode"),
]
# The other parts of the service, each linked when the rule lets the person use it.
OTHER_PAGES = [
    (ESCALATION_PAGES, "Escalations"),
    (PANEL_PAGES, "Panel"),
    (ROW_PAGES, "Downloads"),
    (REPORT_PAGES, "Reports"),
    (PEOPLE_PAGES, "People"),
]


@register.inclusion_tag("govuk/navigation.html", takes_context=True)
def service_navigation(context):
    """Links to the pages this person may open (access.rules.pages_for), the current one marked."""
    request = context.get("request")
    user = getattr(request, "user", None)
    allowed = set(pages_for(user))
    pages = [
        (name, label)
        for name, label in (CASEWORK_PAGES if CASE_PAGES in allowed else [])
        if (name not in ("episodes:start", "notifications:index") or may(user, RECORD_EPISODE))
        and (name != "children:mine" or has_allocated_children(user))
    ]
    pages += [(name, label) for name, label in OTHER_PAGES if name in allowed]
    current = request.resolver_match.view_name if request and request.resolver_match else ""
    items = []
    for name, label in pages:
        href = cached_reverse(name)
        if href is None:
            continue
        items.append({"href": href, "label": label, "active": _is_current(name, current)})
    return {"items": items, "user": user}


def _is_current(name: str, current: str) -> bool:
    if name in ("panel:index", "people:index", "escalations:index"):
        return current.startswith(name.split(":")[0] + ":")
    if name == "notifications:index":
        return current.startswith("notifications:")
    if name == "borders:register":  # the register, its entries and forms
        return current.startswith("borders:") and "contact" not in current
    return name == current or (name == "children:search" and current == "children:detail")
