"""{% timeout_warning %}: the timeout warning dialog, on every signed-in page."""

from django import template
from django.conf import settings

from homeward.accounts.timeout import seconds_left

register = template.Library()


@register.inclusion_tag("accounts/timeout_warning.html", takes_context=True)
def timeout_warning(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return {"shown": False}
    return {
        "shown": True,
        "seconds_left": seconds_left(request),
        "warn_seconds": settings.HOMEWARD_TIMEOUT_WARNING_SECONDS,
        "request": request,
    }
