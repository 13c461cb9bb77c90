"""Forces and their tokens: who may post notifications to the API, and for which councils.

A token is shown once, when it is issued or rotated; only its sha-256 is kept. A token holds
32 random bytes (`secrets.token_urlsafe`), so a fast hash is enough: unlike a password there
is nothing to guess it from, and a slow hash would only slow every API call. Its first
characters (the prefix) are kept in clear, to find it by and to tell tokens apart.
"""

import dataclasses
import datetime as dt
import hashlib
import hmac
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone

from homeward.audit.models import Action
from homeward.audit.services import audit_record, change_details, field_values
from homeward.core.problems import when
from homeward.councils.models import Council
from homeward.police.models import Force, ForceToken

# "hwf_" (a Homeward force token), 8 hex characters, "_", 43 url-safe characters.
PREFIX_START = "hwf_"
PREFIX_LENGTH = len(PREFIX_START) + 8
SECRET_BYTES = 32
TOKEN_LENGTH = PREFIX_LENGTH + 1 + 43
NOTED_EVERY = dt.timedelta(minutes=1)  # how often a token's last use is written down

NAME_NEEDED = "Enter the force's name, as the force writes it (for example Thames Valley Police)."
NAME_TAKEN = "There is already a force called {name}. Choose it from the list of forces."
ALREADY_REVOKED = (
    "Token {prefix} was revoked on {when}: nothing was changed. Issue a new token instead."
)


@dataclasses.dataclass(frozen=True)
class Issued:
    """A token just issued, and its secret: given to the force once, never stored."""

    token: ForceToken
    secret: str


@transaction.atomic
def force_create(*, name: str, councils, by) -> Force:
    """Add a police force that may send notifications about the given councils' children."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": [NAME_NEEDED]})
    if Force.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": [NAME_TAKEN.format(name=name)]})
    force = Force.objects.create(name=name)
    force.councils.set(councils)
    _audit_force(force, by=by, before={})
    return force


@transaction.atomic
def force_update(*, force: Force, councils, by) -> Force:
    """Change which councils' children a force may send notifications about."""
    locked = Force.objects.select_for_update().get(pk=force.pk)
    before = _force_values(locked)
    locked.councils.set(councils)
    _audit_force(locked, by=by, before=before)
    return locked


@transaction.atomic
def force_token_issue(*, force: Force, label: str = "", by) -> Issued:
    """A new token for a force's system; its secret is returned here, once."""
    prefix, secret = _new_secret()
    token = ForceToken.objects.create(
        force=force,
        prefix=prefix,
        secret_hash=token_hash(secret),
        label=" ".join(label.split())[:100],
        issued_at=timezone.now(),
        issued_by=by,
    )
    _audit_token(token, by=by, before={})
    return Issued(token=token, secret=secret)


@transaction.atomic
def force_token_revoke(*, token: ForceToken, by) -> ForceToken:
    """Stop a token from working, from the next call on."""
    locked = ForceToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is not None:
        revoked = when(locked.revoked_at)
        raise ValidationError(ALREADY_REVOKED.format(prefix=locked.prefix, when=revoked))
    before = _token_values(locked)
    locked.revoked_at = timezone.now()
    locked.revoked_by = by
    locked.save(update_fields=["revoked_at", "revoked_by"])
    _audit_token(locked, by=by, before=before)
    return locked


@transaction.atomic
def force_token_rotate(*, token: ForceToken, by) -> Issued:
    """Replace a token with a new one for the same force and purpose: the old one stops
    working at once, and the new one's secret is returned here, once."""
    revoked = force_token_revoke(token=token, by=by)
    return force_token_issue(force=revoked.force, label=revoked.label, by=by)


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def token_for(presented: str) -> ForceToken | None:
    """The token whose secret this is, active or revoked, or None. Its use is noted on it
    (last used) when it is active; the API audits the call itself. Its `serves_installation`
    says whether its force sends notifications about this installation's council's children:
    the API's question on nearly every call, asked in the same query."""
    if len(presented) != TOKEN_LENGTH or not presented.startswith(PREFIX_START):
        return None
    token = _token_with_force(presented[:PREFIX_LENGTH])
    if token is None or not hmac.compare_digest(token.secret_hash, token_hash(presented)):
        return None
    now = timezone.now()
    if token.is_active and (token.last_used_at is None or now - token.last_used_at >= NOTED_EVERY):
        # Shown to the minute, so noted at most once a minute: a write (and the token row's
        # lock) on every call made a force's calls wait for each other.
        token.last_used_at = now
        ForceToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def _token_with_force(prefix: str) -> ForceToken | None:
    """The token with this prefix, its force, and whether the force serves this installation.

    Written as SQL, not built by the ORM: asked on every API call, the query costs a fraction
    of the time Django takes to build it (bench.notification_profile)."""
    with connection.cursor() as cursor:
        cursor.execute(_token_sql(), [settings.HOMEWARD_COUNCIL, prefix])
        row = cursor.fetchone()
    if row is None:
        return None
    split = len(ForceToken._meta.concrete_fields)
    token = _from_row(ForceToken, row[:split])
    ForceToken.force.field.set_cached_value(token, _from_row(Force, row[split:-1]))
    token.serves_installation = bool(row[-1])
    return token


def _token_sql() -> str:
    quote = connection.ops.quote_name
    token, force, council = ForceToken._meta, Force._meta, Council._meta
    through = Force.councils.through._meta
    columns = [f"t.{quote(field.column)}" for field in token.concrete_fields] + [
        f"f.{quote(field.column)}" for field in force.concrete_fields
    ]
    serves = (
        f"SELECT 1 FROM {quote(through.db_table)} s "  # nosec B608: names only
        f"INNER JOIN {quote(council.db_table)} c "
        f"ON c.{quote(council.pk.column)} = s.{quote(through.get_field('council').column)} "
        f"WHERE s.{quote(through.get_field('force').column)} = f.{quote(force.pk.column)} "
        f"AND c.{quote(council.get_field('code').column)} = %s"
    )
    return (
        f"SELECT {', '.join(columns)}, EXISTS ({serves}) "  # nosec B608: names only
        f"FROM {quote(token.db_table)} t INNER JOIN {quote(force.db_table)} f "
        f"ON f.{quote(force.pk.column)} = t.{quote(token.get_field('force').column)} "
        f"WHERE t.{quote(token.get_field('prefix').column)} = %s"
    )


def _from_row(model, values) -> models.Model:
    """An instance of `model` from its concrete fields' columns, converted as the ORM would
    (SQLite, for one, gives its dates and times back as text)."""
    fields = model._meta.concrete_fields
    converted = []
    for field, value in zip(fields, values, strict=True):
        column = field.get_col(model._meta.db_table)
        for convert in connection.ops.get_db_converters(column) + column.get_db_converters(
            connection
        ):
            value = convert(value, column, connection)
        converted.append(value)
    return model.from_db(connection.alias, [field.attname for field in fields], converted)


def _new_secret() -> tuple[str, str]:
    while True:
        prefix = PREFIX_START + secrets.token_hex(4)
        if not ForceToken.objects.filter(prefix=prefix).exists():
            return prefix, f"{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}"


def _force_values(force: Force) -> dict:
    codes = sorted(force.councils.values_list("code", flat=True))
    return {"name": force.name, "councils": codes}


def _audit_force(force: Force, *, by, before: dict) -> None:
    details = change_details(before, _force_values(force))
    audit_record(
        user=by, action=Action.CHANGE, obj=force, label=f"force {force.name}"[:200], details=details
    )


def _token_values(token: ForceToken) -> dict:
    # Never the hash: the audit log is read by more people than the token table.
    return field_values(
        token,
        names=["force", "prefix", "label", "issued_at", "issued_by", "revoked_at", "revoked_by"],
    )


def _audit_token(token: ForceToken, *, by, before: dict) -> None:
    details = change_details(before, _token_values(token))
    label = f"{token.force.name} token {token.prefix}"
    audit_record(user=by, action=Action.CHANGE, obj=token, label=label[:200], details=details)
