"""Signing people out after 30 idle minutes without writing their session on every page."""

import time

# A session is written back (and its expiry moved on) at most this often. Writing it on
# every request, as SESSION_SAVE_EVERY_REQUEST does, costs a database write and commit per
# page view: under load that was a large share of each request.
REFRESH_AFTER_SECONDS = 60
KEY = "homeward_refreshed_at"


class KeepSessionAliveMiddleware:
    """Move a signed-in session's expiry on when it is used, at most once a minute."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            if now - request.session.get(KEY, 0) >= REFRESH_AFTER_SECONDS:
                request.session[KEY] = now
        return response
