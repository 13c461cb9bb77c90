"""Nothing typed is lost when a session ends: a form posted after the sign-out is kept, and
shown filled in again once the same person has signed in again.

The values are kept in the server-side session (never in a cookie), with the person whose
session ended, the form's address and the time; `django.contrib.auth.login` carries the
session's data over when it renews the key, so they are there after signing in. Only that
person, only that page, only for `KEPT_FOR_SECONDS`: signing in as anyone else discards them.
Nothing is saved: the form comes back filled in, to be checked and saved again. Passwords and
the CSRF token are never kept, and nothing typed is logged or audited.

Who the session belonged to is remembered in a signed cookie holding their id alone
(`SIGNED_IN_AS`), set while they are signed in and removed when they sign out themselves.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import QueryDict
from django.shortcuts import resolve_url
from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme

from homeward.web.errors import csrf_failure as refused_form

KEY = "homeward_kept_form"
SIGNED_IN_AS = "homeward_signed_in_as"
SALT = "homeward.web.kept"
KEPT_FOR_SECONDS = 30 * 60
# More than this much typed is not kept: a session is no place for a large upload.
MOST_CHARACTERS = 100_000
# Never kept, whatever the form: secrets, and the token that must be fresh.
NEVER_KEPT = ("password", "csrfmiddlewaretoken", "token", "otp")
# Signing in, out and the second factor keep nothing: what is typed there is a secret.
NOT_FOR_PAGES_OF = "accounts"

KEPT_WHILE_SIGNED_OUT = (
    "You were signed out, so what you typed has not been saved. Sign in again to see it "
    "filled in again (it is kept for {minutes} minutes)."
)
KEPT_SHOWN = "You were signed out. What you typed has been kept — check it and save again."


class KeepTypedFormsMiddleware:
    """Keep a form posted by someone whose session has just ended, and remember who is
    signed in (so that a later POST after the session has ended can be kept for them)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        was = request.user.pk if request.user.is_authenticated else None
        if was is not None:
            _discard_if_not_theirs(request, was)
        response = self.get_response(request)
        if _sent_to_sign_in(request, response):
            who = was or signed_in_as(request)
            if who is not None and _keeps(request):
                _keep(request, who)
        _remember_who(request, response)
        return response


def signed_in_as(request) -> int | None:
    """The id of the person last signed in on this browser, if their session ended without
    their signing out."""
    age = settings.HOMEWARD_SESSION_MAX_HOURS * 3600 + settings.SESSION_COOKIE_AGE
    value = request.get_signed_cookie(SIGNED_IN_AS, default=None, salt=SALT, max_age=age)
    return int(value) if value and value.isdigit() else None


def _remember_who(request, response) -> None:
    if request.user.is_authenticated:
        if signed_in_as(request) != request.user.pk:
            response.set_signed_cookie(
                SIGNED_IN_AS,
                str(request.user.pk),
                salt=SALT,
                max_age=settings.HOMEWARD_SESSION_MAX_HOURS * 3600 + settings.SESSION_COOKIE_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",  # never sent with another site's POST
            )
    # The cookie is looked for first: most requests without a person signed in (every call of
    # a force's system to the API) carry none, and their path need not be resolved again.
    elif SIGNED_IN_AS in request.COOKIES and _view_name(request) == "accounts:sign-out":
        response.delete_cookie(SIGNED_IN_AS, samesite="Lax")


def _sent_to_sign_in(request, response) -> bool:
    if request.method != "POST" or request.user.is_authenticated or response.status_code != 302:
        return False
    return response["Location"].split("?")[0] == resolve_url(settings.LOGIN_URL)


def _keeps(request) -> bool:
    name = _view_name(request)
    return name is not None and not name.startswith(NOT_FOR_PAGES_OF + ":")


def _view_name(request) -> str | None:
    try:
        return resolve(request.path_info).view_name
    except Resolver404:
        return None


def _keep(request, who: int) -> None:
    fields = [
        [name, value]
        for name, values in request.POST.lists()
        if not any(secret in name.lower() for secret in NEVER_KEPT)
        for value in values
    ]
    if sum(len(name) + len(value) for name, value in fields) > MOST_CHARACTERS:
        return
    request.session[KEY] = {
        "user": who,
        "path": request.path,
        "at": int(time.time()),
        "fields": fields,
    }
    minutes = KEPT_FOR_SECONDS // 60
    messages.info(request, KEPT_WHILE_SIGNED_OUT.format(minutes=minutes))


def _discard_if_not_theirs(request, user_pk: int) -> None:
    kept = request.session.get(KEY)
    if kept is not None and (kept["user"] != user_pk or _too_old(kept)):
        del request.session[KEY]


def _too_old(kept: dict) -> bool:
    return time.time() - kept["at"] > KEPT_FOR_SECONDS


def posted_or_kept(request) -> QueryDict | None:
    """What a form page binds its form to: what was posted, or on the first visit after
    signing in again, what this person typed on this page before they were signed out
    (bound, so that it is shown exactly as typed; it is not saved until they save it)."""
    if request.method == "POST":
        return request.POST
    kept = request.session.get(KEY)
    if kept is None or not request.user.is_authenticated or kept["path"] != request.path:
        return None
    del request.session[KEY]
    if kept["user"] != request.user.pk or _too_old(kept):
        return None
    data = QueryDict(mutable=True)
    for name, value in kept["fields"]:
        data.appendlist(name, value)
    messages.info(request, KEPT_SHOWN)
    return data


def csrf_failure(request, reason=""):
    """A form posted with a token that is no longer good: for someone whose session has
    ended, sign-in again (the middleware keeps what they typed); for anyone else, refused.

    A person still signed in is refused exactly as before, so CSRF protects them unchanged.
    The form must come from this site (its Origin or Referer), and the cookie that says who
    was signed in is never sent with another site's POST.
    """
    if (
        not request.user.is_authenticated
        and signed_in_as(request) is not None
        and _keeps(request)
        and _from_this_site(request)
    ):
        return redirect_to_login(request.get_full_path())
    return refused_form(request, reason=reason)


def _from_this_site(request) -> bool:
    came_from = request.headers.get("Origin") or request.headers.get("Referer")
    if not came_from or came_from == "null":
        return False
    return url_has_allowed_host_and_scheme(
        came_from, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
