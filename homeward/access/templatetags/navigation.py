"""The service navigation every page shows, with the current page marked."""

from django import template

from homeward.access.rules import RECORD_EPISODE, access_for
from homeward.web.templatetags.links import cached_reverse

register = template.Library()

CASEWORK_PAGES = [
    ("dashboard:home", "Home"),
    ("episodes:missing-now", "Missing now"),
    ("interviews:due", "Interviews"),
    ("exploitation:repeat-missing", "Repeat missing"),
    ("children:search", "Find a child"),
    ("episodes:start", "Record an episode"),
]
# Built by another part of Homeward; linked only once it exists.
OTHER_PAGES = [("reports:index", "Reports")]


@register.inclusion_tag("govuk/navigation.html", takes_context=True)
def service_navigation(context):
    """Links to the pages this person may open, the current one marked."""
    request = context.get("request")
    user = getattr(request, "user", None)
    access = access_for(user)
    pages = [
        (name, label)
        for name, label in (CASEWORK_PAGES if access.uses_case_pages else [])
        if name != "episodes:start" or RECORD_EPISODE in access.actions
    ]
    current = request.resolver_match.view_name if request and request.resolver_match else ""
    items = []
    if access.panel:
        pages = [*pages, ("panel:index", "Panel")]
    if access.rows:
        pages = [*pages, ("exchange:exports", "Downloads")]
    for name, label in [*pages, *OTHER_PAGES]:
        href = cached_reverse(name)
        if href is None:
            continue
        items.append({"href": href, "label": label, "active": _is_current(name, current)})
    return {"items": items, "user": user}


def _is_current(name: str, current: str) -> bool:
    if name == "panel:index":
        return current.startswith("panel:index")
    return name == current or (name == "children:search" and current == "children:detail")
