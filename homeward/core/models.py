"""Base model every case record shares: who created and changed it, when, and its version."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Tracked(models.Model):
    """A record that remembers who created and last changed it.

    `version` goes up by one on every change, so that two people editing the same record
    at once cannot silently overwrite each other (see `core.concurrency`).
    """

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Nobody looks records up by who made them, so these keys carry no index of their own:
    # every index is paid for on each of a million imported rows.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True


class CouncilRecord(Tracked):
    """A case record that belongs to one council and is known there by a local id."""

    # The unique (council, local_id) index already serves look-ups by council.
    council = models.ForeignKey(
        "councils.Council", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    local_id = models.CharField(max_length=64)

    class Meta:
        abstract = True


class Imported(models.Model):
    """A record a data bundle can write: when an import last wrote it or found it unchanged.

    A record changed in Homeward after that (`changed_at` later), or never written by an
    import (`imported_at` empty), holds a local correction that a later bundle must not
    silently revert (docs/bundle.md, "Updating records").
    """

    imported_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True


class RecordsInUse(models.Manager):
    """The records in use: not those entered in error, which `all_records` still reads."""

    def get_queryset(self):
        return super().get_queryset().filter(entered_in_error_at__isnull=True)


class AllRecords(models.Manager):
    """Every record, those entered in error too: for the history, undo and merges."""


class EnteredInError(models.Model):
    """A record that can be marked entered in error: never deleted, left out of every list
    and count, kept in the child's history with who marked it, when and why.

    `objects` (the default manager, and so every related list such as `child.episodes`)
    leaves records in error out; `all_records` reads them too, for the history and undo.
    A record is in error exactly when `entered_in_error_at` is set, so the database's own
    rules (one open episode a child, no overlaps) can leave such records out.
    """

    entered_in_error_at = models.DateTimeField(null=True, blank=True, editable=False)
    entered_in_error_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        editable=False,
    )
    # A database default too: the bundle import inserts rows with SQL of its own.
    entered_in_error_reason = models.TextField(
        blank=True, default="", db_default="", editable=False
    )

    objects = RecordsInUse()
    all_records = AllRecords()

    class Meta:
        abstract = True

    @property
    def is_in_error(self) -> bool:
        return self.entered_in_error_at is not None
