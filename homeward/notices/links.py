"""The link by which a notice's recipient acknowledges receipt, without an account.

Signed with SECRET_KEY under its own salt, naming the notice and nothing else (no child, no
episode), so the link itself reveals nothing; it expires after HOMEWARD_NOTICE_LINK_DAYS
and works once (the notice's acknowledgement is recorded only while it has none).
"""

import datetime as dt

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "homeward.notices.acknowledge"

LINK_NOT_VALID = (
    "This link is not a valid acknowledgement link. Check that you copied the whole link "
    "from the email, or reply to the council that sent it."
)
LINK_EXPIRED = (
    "This link has expired. If you have not yet acknowledged the notification, reply to the "
    "council that sent it; a reminder will carry a new link."
)
LINK_USED = "This notification has already been acknowledged. There is nothing more to do."


class LinkRefused(Exception):
    """The link cannot be used; the message says why, without saying what it was for."""


def link_days() -> int:
    return settings.HOMEWARD_NOTICE_LINK_DAYS


def link_until(now: dt.datetime) -> dt.datetime:
    """When a link made at `now` stops working."""
    return now + dt.timedelta(days=link_days())


def acknowledgement_token(notice) -> str:
    """A token naming this notice, signed and time-stamped now."""
    return signing.dumps({"notice": notice.pk}, salt=SALT)


def acknowledgement_path(notice) -> str:
    return reverse("notices:acknowledge", kwargs={"token": acknowledgement_token(notice)})


def notice_pk_from(token: str) -> int:
    """The notice a token names; refuses a forged, altered or expired one."""
    try:
        signed = signing.loads(token, salt=SALT, max_age=link_days() * 86400)
    except signing.SignatureExpired:
        raise LinkRefused(LINK_EXPIRED) from None
    except signing.BadSignature:
        raise LinkRefused(LINK_NOT_VALID) from None
    if not isinstance(signed, dict) or not isinstance(signed.get("notice"), int):
        raise LinkRefused(LINK_NOT_VALID)
    return signed["notice"]
