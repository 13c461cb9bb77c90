"""Writing to the audit log.

Changes are audited by the service that makes them, inside the change's own transaction
(`record_change`), so that a change and its entry commit together or not at all. Looks and
searches are audited by the page that shows them (`record_look`, `record_looks`,
`record_search`, `record_report_look`).
"""

import contextlib
import contextvars
import datetime as dt
import json

from django.contrib.auth.models import AnonymousUser
from django.db import connection, models, transaction
from django.db.models import F
from django.utils import timezone

from homeward.accounts.network import client_ip
from homeward.audit.chain import entry_hash, head_seal, json_safe
from homeward.audit.models import Action, AuditEntry, AuditHead
from homeward.core.concurrency import save_changes

LABEL_LENGTH = 200
NOT_IN_A_TRANSACTION = (
    "A change is audited inside the transaction that saves it: call record_change from a "
    "service wrapped in transaction.atomic."
)

# The address of the request being served, for entries written by services that never see the
# request (set by `homeward.audit.middleware.AuditAddressMiddleware`).
_address: contextvars.ContextVar[str | None] = contextvars.ContextVar("audit_address", default=None)
# The entries of the `entries_together` block being run, if any, to be written at its end.
_pending: contextvars.ContextVar[list | None] = contextvars.ContextVar(
    "audit_pending", default=None
)


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
    (it must never carry a child's name), otherwise "<model> <id>". Inside
    `entries_together`, the entry is chained and written when that block ends.
    """
    if action not in Action:  # by value; not Action.values, a list made again each call
        raise ValueError(f"'{action}' is not an audit action; add it to audit.models.Action.")
    user = _who(request, user)
    entry = AuditEntry(
        user=user,
        username=(username or (user.get_username() if user else ""))[:150],
        ip=client_ip(request) if request is not None else _address.get(),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        label=(label or _label_for(obj))[:LABEL_LENGTH],
        details=json_safe(details or {}),
    )
    pending = _pending.get()
    if pending is not None:
        pending.append(entry)
    else:
        _chain_and_write([entry])
    return entry


@contextlib.contextmanager
def entries_together():
    """Entries audited in this block are chained and written together when it ends, under one
    hold of the chain's head, instead of one hold an entry; and the head is held only from
    then until the transaction commits, not from the first entry on. Used inside a
    transaction that writes several audited changes (a police notification, a file of them).

    A block inside another hands its entries to the outer one when it ends, and drops them
    when it ends with an exception: so work undone by a caller that catches the exception
    (a savepoint rolled back) leaves no entry, as long as the block is inside that savepoint.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(NOT_IN_A_TRANSACTION)
    outer = _pending.get()
    pending: list[AuditEntry] = []
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    if outer is not None:
        outer.extend(pending)
    elif pending:
        if not transaction.get_connection().in_atomic_block:
            raise RuntimeError(NOT_IN_A_TRANSACTION)
        _chain_and_write(pending)


def _chain_and_write(entries: list[AuditEntry]) -> None:
    """Chain the entries after the head, in order, and write them and the new head."""
    with transaction.atomic(savepoint=False):
        head = _locked_head()
        sequence, previous = head.last_sequence, head.last_hash
        at = timezone.now()  # under the head's lock: times rise with the sequence
        for entry in entries:
            sequence += 1
            entry.sequence, entry.at, entry.previous_hash = sequence, at, previous
            entry.hash = previous = entry_hash(entry)
        _write(entries, head=head, last_sequence=sequence, last_hash=previous)


def _write(entries: list[AuditEntry], *, head: AuditHead, last_sequence: int, last_hash: str):
    """Insert the chained entries and move the head on to the last of them: on PostgreSQL in
    one statement (a data-modifying WITH), on SQLite in as many as its limit on parameters
    needs, the head after them.

    Written as SQL rather than by bulk_create, which on PostgreSQL sends each column as an
    array: escaping the entries' JSON details into an array literal cost more than all the
    rest of writing them. Each value is prepared by its field, as Django saves it.
    """
    fields = [field for field in AuditEntry._meta.concrete_fields if not field.primary_key]
    seal = head_seal(last_sequence, last_hash, head.recreated_at)
    head_values = [last_sequence, last_hash, seal, head.pk]
    size = connection.ops.bulk_batch_size(fields, entries)
    head_with_entries = connection.vendor == "postgresql"  # SQLite has no UPDATE in a WITH
    with connection.cursor() as cursor:
        for start in range(0, len(entries), size):
            batch = entries[start : start + size]
            statement = _insert_sql(fields, rows=len(batch))
            values = [
                field.get_db_prep_save(field.pre_save(entry, True), connection)
                for entry in batch
                for field in fields
            ]
            if head_with_entries and start + size >= len(entries):
                statement = f"WITH moved AS ({_MOVE_HEAD}) {statement}"
                values = head_values + values
            cursor.execute(statement, values)
            for entry, (pk,) in zip(batch, cursor.fetchall(), strict=True):
                entry.pk = pk
                entry._state.adding, entry._state.db = False, connection.alias
        if not head_with_entries:
            cursor.execute(_MOVE_HEAD, head_values)


_MOVE_HEAD = (
    f"UPDATE {AuditHead._meta.db_table} "  # nosec B608: names only
    "SET last_sequence = %s, last_hash = %s, signature = %s WHERE id = %s"
)


def _insert_sql(fields, *, rows: int) -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    row = f"({', '.join(['%s'] * len(fields))})"
    return (
        f"INSERT INTO {quote(AuditEntry._meta.db_table)} ({columns}) "  # nosec B608: names only
        f"VALUES {', '.join([row] * rows)} RETURNING {quote(AuditEntry._meta.pk.column)}"
    )


@contextlib.contextmanager
def acting_from(address: str | None):
    """Entries written inside this block without a request record `address` as where from."""
    token = _address.set(address)
    try:
        yield
    finally:
        _address.reset(token)


def record_change(
    *, record: models.Model, by, before: dict | None = None, as_saved: bool = False
) -> AuditEntry:
    """Audit a change to `record` with each changed field's before and after (no before: new).

    Called by the service that saved the change, inside its transaction, so that the change
    and its entry commit together or not at all: if the entry cannot be written, the change
    is rolled back too. The record is read again for its values as stored, unless the caller
    says it holds them already (`as_saved`: every field as the caller last saved or read
    it), when its values are taken as the database gives them back (`stored_values`).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(NOT_IN_A_TRANSACTION)
    if as_saved:
        after = stored_values(record)
    else:
        record.refresh_from_db()
        after = field_values(record)
    details = change_details(before or {}, after)
    return audit_record(user=by, action=Action.CHANGE, obj=record, details=details)


def stored_values(record: models.Model) -> dict:
    """A saved record's field values as reading it back would give them, without reading it:
    times in UTC (as the database gives every time back) and JSON through JSON."""
    values = field_values(record)
    for field in record._meta.concrete_fields:
        value = values[field.name]
        if isinstance(field, models.JSONField):
            if value is not None:
                values[field.name] = json.loads(json.dumps(value, cls=field.encoder))
            continue
        value = field.to_python(value)  # a whole number in a float field as a float, say
        if isinstance(value, dt.datetime) and timezone.is_aware(value):
            value = value.astimezone(dt.UTC)
        values[field.name] = value
    return values


def save_audited(
    record: models.Model, *, before: dict, expected_version: int, changes: dict, by
) -> models.Model:
    """Save a correction only if nobody changed the record since it was read (refused with
    `ChangedByAnotherUser` otherwise), and audit it with its values `before`."""
    saved = save_changes(record, expected_version=expected_version, changes=changes, by=by)
    record_change(record=saved, by=by, before=before)
    return saved


def values_before_change(record: models.Model) -> dict:
    """A record's stored values, locked until the change being made to it commits."""
    return field_values(locked_for_change(record))


def locked_for_change(record: models.Model) -> models.Model:
    """The record as stored, read again and locked until the change being made to it commits
    (its `field_values` are the change's before; see `save_changes(locked)`)."""
    return type(record).objects.select_for_update().get(pk=record.pk)


def record_look(*, request, child: models.Model) -> AuditEntry:
    """Audit a page that shows a child's details: a look at the child, in *Who has looked*."""
    return audit_record(
        request=request, action=Action.VIEW_CHILD, obj=child, details=_page(request)
    )


def record_looks(*, request, children) -> None:
    """Audit a page that shows several children's details: one look at each child shown,
    written together (so a page of fifty children costs the queries of one look)."""
    with transaction.atomic(), entries_together():
        for child in children:
            record_look(request=request, child=child)


def record_search(*, request) -> AuditEntry | None:
    """Audit a search as typed (the audit log is protected; docs/security.md)."""
    terms = {key: value for key, value in request.GET.items() if key != "page"}
    if not terms:
        return None
    return audit_record(request=request, action=Action.SEARCH, details={"query": terms})


def record_report_look(*, request, label: str) -> AuditEntry:
    """Audit a report read on its page (about no child), with the query that chose it."""
    return audit_record(
        request=request,
        action=Action.VIEW_REPORT,
        label=label,
        details={"query": request.GET.urlencode()},
    )


def _page(request) -> dict:
    """Which page showed the child, so that a look can be told from another."""
    match = getattr(request, "resolver_match", None)
    return {"page": match.view_name} if match is not None else {}


def audit_refused(
    *, request, obj: models.Model | None, told: str | dict, tried: dict | None = None
) -> AuditEntry:
    """Record a change someone tried and was refused: what they were told, what they tried.

    A refusal can be someone trying times that would reveal another record, so it is
    recorded like the change it would have been.
    """
    details = {"refused": told, "tried": tried or {}}
    return audit_record(request=request, action=Action.REFUSED, obj=obj, details=details)


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
    head = _read_head()
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


# What chaining needs of the head, read as SQL: building the query cost more than running it.
_HEAD_FIELDS = ("id", "last_sequence", "last_hash", "recreated_at")


def _read_head() -> AuditHead | None:
    """The head row, locked (on PostgreSQL; SQLite's write lock is taken already)."""
    columns = ", ".join(_HEAD_FIELDS)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        head = AuditHead._meta.db_table
        cursor.execute(f"SELECT {columns} FROM {head} WHERE id = 1{lock}")  # nosec B608: names only
        row = cursor.fetchone()
    return None if row is None else AuditHead.from_db(connection.alias, _HEAD_FIELDS, row)
