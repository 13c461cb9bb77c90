"""What the borders add to other pages: the child's page, an episode, Missing now."""

from django import template

from homeward.access.rules import RECORD_EPISODE, may, may_keep_register
from homeward.borders.selectors import (
    child_contacts,
    child_register_entries,
    episode_is_unregistered,
    unregistered_children,
)

register = template.Library()


@register.inclusion_tag("borders/on_child_page.html", takes_context=True)
def borders_on_child_page(context, child):
    """The flag, the register entries and contacts of a placed-in child; for one of ours, the
    link to record an episode in another council's area."""
    user = getattr(context.get("request"), "user", None)
    placed_in = child.is_placed_in
    flagged = unregistered_children(user=user, child=child)[:1] if placed_in else []
    return {
        "child": child,
        "flagged": flagged[0] if flagged else None,
        "entries": child_register_entries(user=user, child=child) if placed_in else [],
        "contacts": child_contacts(child=child) if placed_in else [],
        "keeps": may_keep_register(user),
        "records_elsewhere": not placed_in and may(user, RECORD_EPISODE),
    }


@register.simple_tag
def not_on_register(episode) -> bool:
    """Whether this episode is flagged: its placed-in child was on no register entry that day."""
    return episode_is_unregistered(episode=episode)
