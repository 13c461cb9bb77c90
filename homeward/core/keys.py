"""Keys derived for one purpose each, so that one use of a key reveals nothing of another."""

import hashlib
import hmac

from django.conf import settings


def pseudonym_key() -> bytes:
    """The key analysts' pseudonyms are made with: HOMEWARD_PSEUDONYM_KEY, or one from SECRET_KEY.

    Derived rather than SECRET_KEY itself, so that pseudonyms share nothing with the
    signatures of forms and sessions; set apart, SECRET_KEY can be rotated without
    changing every pseudonym analysts hold.
    """
    own = settings.HOMEWARD_PSEUDONYM_KEY
    if own:
        return own.encode()
    return hmac.new(settings.SECRET_KEY.encode(), b"homeward.pseudonym", hashlib.sha256).digest()


def audit_key() -> bytes:
    """The key that seals the audit chain's anchor and head: HOMEWARD_AUDIT_KEY, or from SECRET_KEY.

    Someone who can write to the database but cannot read the server's settings cannot
    seal an anchor or a head of their own.
    """
    own = settings.HOMEWARD_AUDIT_KEY
    if own:
        return own.encode()
    return hmac.new(settings.SECRET_KEY.encode(), b"homeward.audit", hashlib.sha256).digest()
