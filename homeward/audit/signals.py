"""Sign-in, failed sign-in and sign-out go into the audit log."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from homeward.audit.models import Action
from homeward.audit.services import audit_record


@receiver(user_logged_in, dispatch_uid="homeward.audit.sign_in")
def record_sign_in(sender, request, user, **kwargs):
    # A sign-in through the identity provider says so (homeward.accounts.oidc sets these).
    audit_record(
        request=request,
        user=user,
        action=getattr(user, "sign_in_action", Action.SIGN_IN),
        details=getattr(user, "sign_in_details", None),
    )


@receiver(user_login_failed, dispatch_uid="homeward.audit.sign_in_failed")
def record_sign_in_failed(sender, credentials, request=None, **kwargs):
    if "nonce" in credentials and "password" not in credentials:
        return  # through the identity provider: homeward.accounts.oidc audits why it failed
    # The password is never recorded; Django has already masked it in `credentials`.
    audit_record(
        request=request,
        action=Action.SIGN_IN_FAILED,
        username=str(credentials.get("username", "")),
    )


@receiver(user_logged_out, dispatch_uid="homeward.audit.sign_out")
def record_sign_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(request=request, user=user, action=Action.SIGN_OUT)
