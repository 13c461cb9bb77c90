"""The audit log: an append-only, hash-chained record of who looked at or changed what.

Rows are never changed or deleted through the ORM (save on an existing row, delete, and
queryset update/delete all raise), and on PostgreSQL a trigger refuses UPDATE and DELETE
on the table too. Only `homeward audit prune` removes entries older than the retention
period, inside one transaction, leaving an anchor so what remains still verifies.
"""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

APPEND_ONLY = "Audit entries are append-only: they cannot be changed or deleted."


class AppendOnlyError(RuntimeError):
    pass


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(APPEND_ONLY)

    def delete(self):
        raise AppendOnlyError(APPEND_ONLY)

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError(APPEND_ONLY)

    def bulk_create(self, objs, *args, **kwargs):
        # Entries are chained one by one by `audit_record`; a bulk insert would skip the chain.
        raise AppendOnlyError("Audit entries are written one at a time by audit_record.")

    def update_or_create(self, *args, **kwargs):
        raise AppendOnlyError(APPEND_ONLY)


class AppendOnly(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(APPEND_ONLY)


class Action(models.TextChoices):
    VIEW_CHILD = "view_child", "viewed a child's record"
    SEARCH = "search", "searched"
    EXPORT = "export", "exported records"
    REPORT_DOWNLOAD = "report_download", "downloaded a report"
    VIEW_REPORT = "view_report", "read a report on its page"
    CHANGE = "change", "changed a record"
    REFUSED = "refused", "was refused a change"
    IMPORT = "import", "imported a bundle"
    SIGN_IN = "sign_in", "signed in with a password"
    SIGN_IN_FAILED = "sign_in_failed", "failed to sign in"
    SIGN_IN_OIDC = "sign_in_oidc", "signed in through the council's identity provider"
    SIGN_IN_REFUSED = "sign_in_refused", "was refused sign-in through the identity provider"
    SIGN_OUT = "sign_out", "signed out"
    TWO_FACTOR_VERIFIED = "two_factor_verified", "passed two-factor authentication"
    TWO_FACTOR_FAILED = "two_factor_failed", "entered a wrong two-factor code"
    TWO_FACTOR_SET_UP = "two_factor_set_up", "set up two-factor authentication"
    TWO_FACTOR_RESET = "two_factor_reset", "had two-factor authentication reset"
    TWO_FACTOR_INVITED = "two_factor_invited", "was given a two-factor set-up code"
    PASSWORD_LINK_SENT = "password_link_sent", "was sent a link to set their password"
    PASSWORD_SET = "password_set", "set their password with an emailed link"
    VIEW_AUDIT = "view_audit", "looked at the audit log"
    PRUNE = "prune", "pruned audit entries past retention"
    API_CALL = "api_call", "called the police notifications API"


GENESIS_HASH = "0" * 64


class AuditEntry(AppendOnly):
    """One thing someone did: who, when, from where, what, to which record."""

    sequence = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField(default=timezone.now)
    # PROTECT: a person with audit entries is deactivated, never deleted.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Kept as text too, so the entry still says who after a rename, and for failed sign-ins.
    username = models.CharField(max_length=150, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    action = models.CharField(max_length=32, choices=Action.choices)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    # A short description that never carries a child's name (for example "child C123").
    label = models.CharField(max_length=200, blank=True)
    details = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    # Each unique (a constraint, not `unique=True`: that adds on PostgreSQL an index for LIKE
    # searches, which no query makes and every entry written would keep up to date).
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object")]
        constraints = [
            # Named as PostgreSQL named the fields' own unique constraints, which they are.
            models.UniqueConstraint(
                fields=["previous_hash"], name="audit_auditentry_previous_hash_key"
            ),
            models.UniqueConstraint(fields=["hash"], name="audit_auditentry_hash_key"),
        ]

    def __str__(self):
        return f"#{self.sequence} {self.at:%Y-%m-%d %H:%M} {self.username} {self.action}"


class AuditHead(models.Model):
    """The end of the chain: one row, locked by every writer so the chain cannot fork.

    It also lets `audit verify` notice entries deleted from the end of the chain, and is
    sealed with the audit key so that it cannot be rewound without it.
    """

    last_sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    # Set when Homeward found the head row missing with entries in the log and made it again
    # from the last entry there: entries after that one may have been cut. Kept for good.
    recreated_at = models.PositiveBigIntegerField(null=True, blank=True)
    # HMAC of the three above under the audit key (audit.chain.head_seal).
    signature = models.CharField(max_length=64, blank=True, default="", db_default="")

    def __str__(self):
        return f"audit chain head at entry {self.last_sequence}"


class AuditAnchor(AppendOnly):
    """Where the chain starts after a prune: the last pruned entry's sequence and hash."""

    at = models.DateTimeField(default=timezone.now)
    pruned_before = models.DateTimeField()
    last_sequence = models.PositiveBigIntegerField(unique=True)
    last_hash = models.CharField(max_length=64)
    count = models.PositiveBigIntegerField()
    # HMAC of last_sequence and last_hash under the audit key (audit.chain.anchor_seal).
    signature = models.CharField(max_length=64, blank=True, default="", db_default="")

    def __str__(self):
        return f"audit entries up to {self.last_sequence} pruned"
