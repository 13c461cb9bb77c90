"""Bringing people in and out: accounts, their roles and workplace, sign-in links, set-up codes.

Every change is audited as done by the administrator to the person ("user NAME"); no
password, link or code is ever written to the audit log.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from homeward.accounts import roles
from homeward.accounts.models import StaffProfile
from homeward.accounts.two_factor import has_device, two_factor_invite, two_factor_reset
from homeward.audit.models import Action
from homeward.audit.services import audit_record, change_details
from homeward.core.concurrency import save_changes

USERNAME_TAKEN = "There is already an account called {username}. Choose another username."
NOT_YOURSELF = (
    "You cannot deactivate your own account. Ask another administrator to do it if you are leaving."
)
LAST_ADMINISTRATOR = (
    "{username} is the last active administrator, so they stay an active administrator: "
    "make someone else an administrator first, or nobody could manage people."
)
NO_EMAIL = (
    "{username} has no email address, so no link can be sent. Add their email address "
    "first (Change roles and workplace)."
)
LINK_SUBJECT = "Set your Homeward password"
LINK_BODY = """Hello {name},

{opening}

Set your password here (the link works once, for {hours} hours):

{link}

Your username is {username}.

If you did not expect this email, ignore it: nothing changes until the link is used.
"""
NEW_ACCOUNT = "A Homeward account has been made for you by your council's administrator."
RESET = "Someone asked to set a new password for your Homeward account."


def person_label(user) -> str:
    """How the audit log names the person a change was made to."""
    return f"user {user.get_username()}"


def profile_of(user) -> StaffProfile:
    """The person's staff profile, made (for the installation's council) if they have none."""
    profile, _ = StaffProfile.objects.get_or_create(user=user)
    return profile


def person_values(user) -> dict:
    """What an administrator sets about a person, as plain values for the audit log."""
    profile = StaffProfile.objects.filter(user=user).first()
    return {
        "username": user.get_username(),
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "active": user.is_active,
        "roles": sorted(user.groups.filter(name__in=roles.ROLES).values_list("name", flat=True)),
        "team": profile.team if profile else "",
        "council": profile.council.code if profile and profile.council else None,
        "localities": sorted(profile.localities.values_list("name", flat=True)) if profile else [],
    }


@transaction.atomic
def person_create(
    *,
    username: str,
    email: str,
    first_name: str,
    last_name: str,
    role_names: list[str],
    team: str,
    localities,
    council,
    by,
):
    """A new account with no password yet: they set one by the link emailed to them."""
    model = get_user_model()
    if model.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": USERNAME_TAKEN.format(username=username)})
    user = model(username=username, email=email, first_name=first_name, last_name=last_name)
    user.set_unusable_password()
    user.save()
    user.groups.set(Group.objects.filter(name__in=role_names))
    profile = StaffProfile.objects.create(
        user=user, team=team.strip(), council=council, created_by=by, changed_by=by
    )
    profile.localities.set(localities)
    audit_record(
        user=by,
        action=Action.CHANGE,
        obj=user,
        label=person_label(user),
        details=change_details({}, person_values(user)),
    )
    return user


@transaction.atomic
def person_update(*, record: StaffProfile, expected_version: int, by, **changes) -> StaffProfile:
    """Change a person's roles, workplace or name, refusing if another administrator changed
    them since the page was opened (`ChangedByAnotherUser`), or if it would leave no
    active administrator."""
    user = record.user
    before = person_values(user)
    if roles.ADMINISTRATOR not in changes["role_names"]:
        _keep_an_administrator(user)
    # The version check (and the lock) first: nothing is changed if it is refused.
    profile = save_changes(
        record,
        expected_version=expected_version,
        changes={"team": changes["team"].strip(), "council": changes["council"]},
        by=by,
    )
    profile.localities.set(changes["localities"])
    for name in ("email", "first_name", "last_name"):
        setattr(user, name, changes[name])
    user.save(update_fields=["email", "first_name", "last_name"])
    user.groups.set(Group.objects.filter(name__in=changes["role_names"]))
    details = change_details(before, person_values(user))
    if details:
        audit_record(
            user=by, action=Action.CHANGE, obj=user, label=person_label(user), details=details
        )
    return profile


@transaction.atomic
def person_set_active(*, user, active: bool, by) -> None:
    """Deactivate a leaver (they can no longer sign in, and a session they have stops at its
    next request; their records and audit stay) or reactivate them."""
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    if user.is_active == active:
        return
    if not active:
        if user.pk == by.pk:
            raise ValidationError(NOT_YOURSELF)
        _keep_an_administrator(user)
    before = person_values(user)
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit_record(
        user=by,
        action=Action.CHANGE,
        obj=user,
        label=person_label(user),
        details=change_details(before, person_values(user)),
    )


def _keep_an_administrator(user) -> None:
    """Refuse a change that would leave nobody active who can manage people."""
    if not (user.is_active and user.groups.filter(name=roles.ADMINISTRATOR).exists()):
        return
    others = (
        get_user_model()
        .objects.select_for_update()
        .filter(is_active=True, groups__name=roles.ADMINISTRATOR)
        .exclude(pk=user.pk)
    )
    if not others.exists():
        raise ValidationError(LAST_ADMINISTRATOR.format(username=user.get_username()))


def password_link(*, request, user) -> str:
    """A link to set this person's password: it works once (it is signed with their current
    password, which it replaces) and for settings.PASSWORD_RESET_TIMEOUT seconds."""
    path = reverse(
        "people:set-password",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return request.build_absolute_uri(path)


def password_link_send(*, request, user, by=None, new_account: bool = False) -> None:
    """Email the person a one-time link to set their password, and audit that it was sent
    (never the link). Raises ValidationError when they have no email address, and the mail
    backend's error (smtplib.SMTPException, OSError) when the mail server refuses it."""
    if not user.email:
        raise ValidationError(NO_EMAIL.format(username=user.get_username()))
    body = LINK_BODY.format(
        name=user.first_name or user.get_username(),
        opening=NEW_ACCOUNT if new_account else RESET,
        hours=settings.PASSWORD_RESET_TIMEOUT // 3600,
        link=password_link(request=request, user=user),
        username=user.get_username(),
    )
    send_mail(LINK_SUBJECT, body, None, [user.email])
    audit_record(
        request=request,
        user=by,
        action=Action.PASSWORD_LINK_SENT,
        obj=user,
        label=person_label(user),
        details={"to": user.email, "new_account": new_account},
    )


def people_with_email(email: str):
    """The active accounts with this email address (for *Forgotten your password?*)."""
    return get_user_model().objects.filter(email__iexact=email.strip(), is_active=True)


def password_set_audit(*, request, user) -> None:
    """Audit a password set with an emailed link (never the password)."""
    audit_record(
        request=request, user=user, action=Action.PASSWORD_SET, obj=user, label=person_label(user)
    )


def two_factor_reissue(*, user, by) -> str:
    """A one-time code to set up two-factor sign-in again, removing any device they had."""
    if has_device(user):
        return two_factor_reset(user=user, by=by)
    return two_factor_invite(user=user, by=by)
