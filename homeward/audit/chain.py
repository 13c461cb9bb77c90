"""The hash that chains each audit entry to the one before it, and the seals of its two ends.

An entry's hash needs no key, so someone who can write to the database could recompute a
whole chain. The chain's two ends are therefore sealed with a key kept in the server's
settings (HMAC-SHA256 under `audit_key()`): the head (the last sequence and hash, moved on
in the same transaction as every entry) and each anchor (where the chain starts after a
prune). Without the key, nobody can rewind the head or move the start of the chain.
"""

import hashlib
import hmac
import json
from datetime import UTC

from django.core.serializers.json import DjangoJSONEncoder

from homeward.core.keys import audit_key

# The fields the hash covers, in the order they are written to the canonical form.
HASHED_FIELDS = (
    "sequence",
    "at",
    "user_id",
    "username",
    "ip",
    "action",
    "object_type",
    "object_id",
    "label",
    "details",
    "previous_hash",
)


def json_safe(value):
    """The value as it will come back from a JSON column: dates and decimals become text."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def canonical(entry) -> str:
    """The entry's hashed fields as canonical JSON (sorted keys, no spaces, UTC time)."""
    fields = {name: getattr(entry, name) for name in HASHED_FIELDS}
    fields["at"] = entry.at.astimezone(UTC).isoformat(timespec="microseconds")
    fields["details"] = json_safe(entry.details)
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(entry) -> str:
    """sha256 over the entry's canonical form, which includes the previous entry's hash."""
    return hashlib.sha256(canonical(entry).encode()).hexdigest()


def _seal(*parts) -> str:
    message = "|".join(str(part) for part in parts).encode()
    return hmac.new(audit_key(), message, hashlib.sha256).hexdigest()


def head_seal(sequence: int, last_hash: str, recreated_at: int | None = None) -> str:
    """The seal of the chain's head at entry `sequence` with hash `last_hash`."""
    return _seal("head", sequence, last_hash, "" if recreated_at is None else recreated_at)


def anchor_seal(sequence: int, last_hash: str) -> str:
    """The seal of an anchor: the chain starts after entry `sequence`, whose hash was this."""
    return _seal("anchor", sequence, last_hash)


def sealed(seal: str, expected: str) -> bool:
    return hmac.compare_digest(seal or "", expected)
