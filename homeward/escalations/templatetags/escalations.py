"""The escalations on a child's page, for the roles that act on them."""

from django import template
from django.utils import timezone

from homeward.access.rules import may_see_escalations
from homeward.escalations.selectors import escalations_for_child

register = template.Library()


@register.inclusion_tag("escalations/on_child_page.html", takes_context=True)
def child_escalations(context, child):
    """The child's escalations this person may see, open first with their due dates."""
    request = context.get("request")
    user = getattr(request, "user", None)
    shown = may_see_escalations(user) if user is not None else False
    escalations = escalations_for_child(user=user, child=child) if shown else []
    return {"shown": shown, "escalations": escalations, "today": timezone.localdate()}
