"""The episode's and the child's pages' part about telling the placing council."""

from django import template
from django.utils import timezone

from homeward.access.rules import RECORD_EPISODE, may
from homeward.notices.selectors import (
    changed_since_sent,
    due_now,
    is_overdue,
    notices_of_child,
    notices_of_episode,
    sent_at_of,
)

register = template.Library()


def _marked(notices, now):
    notices = list(notices)
    for notice in notices:
        notice.sent_at = sent_at_of(notice)
        notice.overdue = is_overdue(notice, now)
        notice.changed = changed_since_sent(notice)
    return notices


@register.inclusion_tag("notices/on_record_page.html", takes_context=True)
def notices_on_episode_page(context, episode):
    user, now = context["request"].user, timezone.now()
    return {
        "notices": _marked(notices_of_episode(user=user, episode=episode), now),
        "due": due_now(episode=episode, now=now),
        "sends": may(user, RECORD_EPISODE),
    }


@register.inclusion_tag("notices/on_record_page.html", takes_context=True)
def notices_on_child_page(context, child):
    user, now = context["request"].user, timezone.now()
    return {
        "notices": _marked(notices_of_child(user=user, child=child), now),
        "by_child": True,
        "sends": False,
    }
