"""Who a child is allocated to, on the child's page."""

from django import template

from homeward.access.rules import may_manage_people
from homeward.children.allocations import allocations_of_child

register = template.Library()


@register.inclusion_tag("accounts/people/child_allocations.html", takes_context=True)
def allocations_on_child_page(context, child):
    """The child's current allocations; the links to change them for administrators only."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "child": child,
        "allocations": allocations_of_child(child),
        "manages": may_manage_people(user),
    }
