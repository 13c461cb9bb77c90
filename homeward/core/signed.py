"""Values a page carries and gets back unchanged: signed, bound to one record, and expiring.

An edit page carries what the person was shown (so that a save changes only what they
changed, and a clash can say what the other person changed). The value is signed with
SECRET_KEY under a salt naming its purpose, and names the record it was made for, so it
cannot be taken from one record's page to another's, nor kept and replayed for ever.
"""

from django.conf import settings
from django.core import signing

FORM_TOO_OLD = (
    "This page was opened more than {hours} hours ago. Open it again and re-enter your change."
)
FORM_NOT_FOR_THIS_RECORD = (
    "This page was not opened for this record, so nothing was saved. Open the record again "
    "and make your change."
)


class Refused(Exception):
    """The signed value cannot be used; the message says what to do."""


def record_key(record) -> str:
    return f"{record._meta.label_lower}:{record.pk}"


def sign_for(record, value, *, purpose: str) -> str:
    """`value` signed for `record` and `purpose`."""
    return signing.dumps({"record": record_key(record), "value": value}, salt=f"homeward.{purpose}")


def unsign_for(record, token: str, *, purpose: str):
    """The value signed for `record` and `purpose`; refuses one too old, forged or for another."""
    hours = settings.HOMEWARD_FORM_MAX_HOURS
    try:
        signed = signing.loads(token, salt=f"homeward.{purpose}", max_age=hours * 3600)
    except signing.SignatureExpired:
        raise Refused(FORM_TOO_OLD.format(hours=hours)) from None
    except signing.BadSignature:
        raise Refused(FORM_NOT_FOR_THIS_RECORD) from None
    if not isinstance(signed, dict) or signed.get("record") != record_key(record):
        raise Refused(FORM_NOT_FOR_THIS_RECORD)
    return signed["value"]
