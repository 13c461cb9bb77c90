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
