"""The child's page's part about mistakes put right: records entered in error, merged
duplicates, and (for those who may) links to mark, merge and undo."""

from django import template

from homeward.access.rules import CORRECT_ERRORS, may
from homeward.in_error.selectors import (
    cancelled_panel_meetings,
    describe,
    in_error_for_child,
    merged_into_child,
    records_to_mark,
)

register = template.Library()


@register.inclusion_tag("in_error/on_child_page.html", takes_context=True)
def in_error_on_child_page(context, child):
    user = context["request"].user
    corrects = may(user, CORRECT_ERRORS)
    return {
        "child": child,
        "in_error": in_error_for_child(user=user, child=child),
        "merges": merged_into_child(child=child),
        "corrects": corrects,
        "to_mark": [
            (kind, record.pk, describe(record))
            for kind, record in (records_to_mark(user=user, child=child) if corrects else [])
        ],
    }


@register.inclusion_tag("in_error/cancelled_meetings.html", takes_context=True)
def cancelled_meetings(context):
    """The panel's cancelled meetings, each with a link to hold it again (undo)."""
    return {"meetings": cancelled_panel_meetings(user=context["request"].user)}
