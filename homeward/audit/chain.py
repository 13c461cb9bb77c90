"""The hash that chains each audit entry to the one before it."""

import hashlib
import json
from datetime import UTC

from django.core.serializers.json import DjangoJSONEncoder

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
