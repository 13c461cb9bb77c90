"""Two-factor pages: verify a code after the password, or set up an authenticator app."""

import base64

import segno
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login

from homeward.accounts.forms import WRONG_CODE, WRONG_SET_UP_CODE, CodeForm, EnrolmentCodeForm
from homeward.accounts.two_factor import (
    ENROLMENT_CODE_REFUSED,
    device_for_set_up,
    enrolment_code_check,
    enrolment_still_valid,
    has_device,
    two_factor_confirm,
    two_factor_verify,
)

# The set-up code accepted in this session (its id), until a device is set up with it.
ENROLMENT_SESSION_KEY = "homeward_enrolment_code"


@never_cache
@login_required
def two_factor(request):
    if not has_device(request.user):
        return redirect("accounts:two-factor-set-up")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = two_factor_verify(request=request, code=form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next(request))
        form.add_error("code", WRONG_CODE)
    return render(request, "accounts/two_factor.html", {"form": form, "next": _next(request)})


@never_cache
@login_required
def two_factor_set_up(request):
    # Someone with only the password must not be able to add their own device.
    if has_device(request.user):
        return redirect("accounts:two-factor")
    # Nor may they set one up without the one-time code an administrator gave them.
    if not enrolment_still_valid(request.user, request.session.get(ENROLMENT_SESSION_KEY)):
        return _enrol(request)
    device = device_for_set_up(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor_confirm(request=request, device=device, code=form.cleaned_data["code"])
        if codes is not None:
            request.session.pop(ENROLMENT_SESSION_KEY, None)
            otp_login(request, device)
            # Shown in this response only: never stored in the session, never shown again.
            return render(
                request, "accounts/recovery_codes.html", {"codes": codes, "next": _next(request)}
            )
        form.add_error("code", WRONG_SET_UP_CODE)
    uri = device.config_url
    context = {
        "form": form,
        "otpauth_uri": uri,
        "secret": base64.b32encode(device.bin_key).decode().rstrip("="),
        "qr_svg": _qr_svg(uri),
        "next": _next(request),
    }
    return render(request, "accounts/two_factor_set_up.html", context)


def _enrol(request):
    """Ask for the set-up code; once it is right, the set-up page shows the key."""
    form = EnrolmentCodeForm(request.POST if "set_up_code" in request.POST else None)
    if form.is_bound and form.is_valid():
        enrolment = enrolment_code_check(request=request, code=form.cleaned_data["set_up_code"])
        if enrolment is not None:
            request.session[ENROLMENT_SESSION_KEY] = enrolment.pk
            return redirect(request.get_full_path())
        form.add_error(
            "set_up_code", ENROLMENT_CODE_REFUSED.format(hours=settings.HOMEWARD_2FA_SET_UP_HOURS)
        )
    context = {"form": form, "next": _next(request)}
    return render(request, "accounts/two_factor_enrol.html", context)


def _qr_svg(uri: str) -> str:
    # segno writes the SVG itself and escapes the URI it encodes (which holds only the
    # issuer, the username and the key), so it is safe to put into the page as it is.
    svg = segno.make(uri, error="m").svg_inline(scale=4, omitsize=False)
    return mark_safe(svg)  # noqa: S308  # nosec B308 B703


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"
