"""Signing people out after 30 idle minutes, and 12 hours after they signed in however busy."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver

# A session is written back (and its expiry moved on) at most this often. Writing it on
# every request, as SESSION_SAVE_EVERY_REQUEST does, costs a database write and commit per
# page view: under load that was a large share of each request.
REFRESH_AFTER_SECONDS = 60
KEY = "homeward_refreshed_at"
# Pages a screen fetches by itself, which are not the person at work: the self-refresh of
# Missing now and of the home page's list, and their check for changes, must not keep an
# unattended screen signed in.
NOT_ACTIVITY = {
    "episodes:missing-now-table",
    "dashboard:missing-now-table",
    "episodes:missing-now-changed",
}
SIGNED_IN_AT = "homeward_signed_in_at"


class KeepSessionAliveMiddleware:
    """Move a signed-in session's expiry on when it is used, at most once a minute."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        match = getattr(request, "resolver_match", None)
        if match is not None and match.view_name in NOT_ACTIVITY:
            return response
        if user is not None and user.is_authenticated:
            now = int(time.time())
            if now - request.session.get(KEY, 0) >= REFRESH_AFTER_SECONDS:
                request.session[KEY] = now
        return response


SIGNED_IN_TOO_LONG = (
    "You have been signed in for {hours} hours, the longest a session lasts. "
    "Sign in again to carry on."
)


class EndLongSessionsMiddleware:
    """Sign a person out HOMEWARD_SESSION_MAX_HOURS after they signed in, however busy.

    The idle timeout alone would keep a session open for ever on a screen that refreshes
    itself, or in a stolen cookie that is used often enough.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            started = request.session.get(SIGNED_IN_AT)
            if started is None:  # a session from before this rule: it starts now
                started = request.session[SIGNED_IN_AT] = now
            hours = settings.HOMEWARD_SESSION_MAX_HOURS
            if now - started >= hours * 3600:
                logout(request)
                messages.info(request, SIGNED_IN_TOO_LONG.format(hours=hours))
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)


@receiver(user_logged_in, dispatch_uid="homeward.accounts.signed_in_at")
def remember_when_signed_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = int(time.time())
