"""Keys derived for one purpose each, so that one use of a key reveals nothing of another."""

import base64
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


def recovery_code_digest(code: str) -> str:
    """What is stored of a recovery code: "#" and 15 characters of its HMAC, never the code.

    Keyed (from SECRET_KEY), so that a copy of the database does not let anyone try every
    possible code; 15 characters because django-otp's token column holds 16. The "#" tells
    a stored digest from a code, which never has one.
    """
    normal = code.replace(" ", "").replace("-", "").lower()
    key = hmac.new(settings.SECRET_KEY.encode(), b"homeward.recovery-code", hashlib.sha256)
    digest = hmac.new(key.digest(), normal.encode(), hashlib.sha256).digest()
    return "#" + base64.b32encode(digest).decode().lower()[:15]
