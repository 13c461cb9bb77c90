"""Writing to the audit log. Views call `audit_record` in one line."""

from django.contrib.auth.models import AnonymousUser
from django.db import connection, models, transaction
from django.db.models import F
from django.utils import timezone

from homeward.accounts.network import client_ip
from homeward.audit.chain import entry_hash, head_seal, json_safe
from homeward.audit.models import Action, AuditEntry, AuditHead

LABEL_LENGTH = 200


def audit_record(
    *,
    request=None,
    user=None,
    action: str,
    obj: models.Model | None = None,
    label: str | None = None,
    details: dict | None = None,
    username: str | None = None,
) -> AuditEntry:
    """Append one entry to the audit log, chained to the last one.

    `user` defaults to the request's signed-in user, and the address to the request's
    client address. The label comes from `obj.audit_label` when the model defines one
    (it must never carry a child's name), otherwise "<model> <id>".
    """
    if action not in Action.values:
        raise ValueError(f"'{action}' is not an audit action; add it to audit.models.Action.")
    user = _who(request, user)
    with transaction.atomic():
        head = _locked_head()
        entry = AuditEntry(
            sequence=head.last_sequence + 1,
            at=timezone.now(),
            user=user,
            username=(username or (user.get_username() if user else ""))[:150],
            ip=client_ip(request) if request is not None else None,
            action=action,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            label=(label or _label_for(obj))[:LABEL_LENGTH],
            details=json_safe(details or {}),
            previous_hash=head.last_hash,
        )
        entry.hash = entry_hash(entry)
        entry.save()
        AuditHead.objects.filter(pk=head.pk).update(
            last_sequence=entry.sequence,
            last_hash=entry.hash,
            signature=head_seal(entry.sequence, entry.hash, head.recreated_at),
        )
    return entry


def change_details(before: dict, after: dict) -> dict:
    """The fields that differ, as {"field": {"before": …, "after": …}}, for a change entry."""
    return {
        field: {"before": before.get(field), "after": after.get(field)}
        for field in sorted(set(before) | set(after))
        if before.get(field) != after.get(field)
    }


def field_values(obj: models.Model, names=None) -> dict:
    """A record's field values (foreign keys as ids), for the before and after of a change."""
    fields = [f for f in obj._meta.concrete_fields if names is None or f.name in names]
    return {field.name: field.value_from_object(obj) for field in fields}


def _who(request, user):
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return None
    return user


def _label_for(obj) -> str:
    if obj is None:
        return ""
    label = getattr(obj, "audit_label", None)
    if label:
        return label() if callable(label) else str(label)
    return f"{obj._meta.verbose_name} {obj.pk}"


def _locked_head() -> AuditHead:
    """The chain's head row, locked until this transaction ends (created on first use)."""
    if connection.vendor == "sqlite":
        # SQLite locks the whole database, and only once a transaction first writes; write
        # first, so that two writers wait for each other instead of one failing as busy.
        AuditHead.objects.filter(pk=1).update(last_sequence=F("last_sequence"))
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is not None:
        return head
    # The head is made by the migrations; missing with entries in the log, it was deleted,
    # perhaps with entries cut from the end. It is made again from the last entry, marked so
    # that `homeward audit verify` says so for good.
    last = AuditEntry.objects.order_by("-sequence").first()
    sequence, last_hash = (last.sequence, last.hash) if last else (0, AuditHead().last_hash)
    recreated_at = sequence if last else None
    AuditHead.objects.get_or_create(
        pk=1,
        defaults={
            "last_sequence": sequence,
            "last_hash": last_hash,
            "recreated_at": recreated_at,
            "signature": head_seal(sequence, last_hash, recreated_at),
        },
    )
    return AuditHead.objects.select_for_update().get(pk=1)
