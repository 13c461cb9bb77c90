"""The timeout warning: how long a signed-in page has before the session ends, and the
"Stay signed in" button that moves the idle sign-out on (GOV.UK's timeout warning pattern).

The page is told its seconds left in data attributes (the content security policy allows no
inline script); the dialog itself is `static/homeward/timeout-warning.js`.
"""

import time

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.http import require_POST

from homeward.accounts.idle import KEY, REFRESH_AFTER_SECONDS, SIGNED_IN_AT


def seconds_left(request, now: int | None = None) -> int:
    """Seconds until this person is signed out if they do nothing: idle, or the longest a
    session lasts, whichever comes first."""
    now = int(time.time()) if now is None else now
    session = request.session
    refreshed = session.get(KEY, 0)
    # A page served now moves the expiry on unless it was moved on less than a minute ago.
    if now - refreshed >= REFRESH_AFTER_SECONDS:
        refreshed = now
    idle = settings.SESSION_COOKIE_AGE - (now - refreshed)
    longest = settings.HOMEWARD_SESSION_MAX_HOURS * 3600 - (now - session.get(SIGNED_IN_AT, now))
    return max(0, min(idle, longest))


@require_POST
def stay_signed_in(request):
    """Move the idle sign-out on (POST, with the CSRF token): the session is used now."""
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False}, status=401)
    request.session[KEY] = int(time.time())  # saving the session moves its expiry on
    return JsonResponse({"signed_in": True, "seconds_left": seconds_left(request)})
