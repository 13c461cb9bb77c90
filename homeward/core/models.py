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
