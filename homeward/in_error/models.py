"""A merge of two records of one child, with what moved, so that it can be undone."""

from django.conf import settings
from django.db import models

from homeward.core.models import Tracked


class ChildMerge(Tracked):
    """A duplicate record of a child merged into the surviving one.

    `moved` lists, per kind of record, the ids that moved from the duplicate to the
    survivor, so that undoing the merge moves back exactly those and nothing recorded since.
    """

    survivor = models.ForeignKey(
        "children.Child", on_delete=models.PROTECT, related_name="merges_kept"
    )
    duplicate = models.ForeignKey(
        "children.Child", on_delete=models.PROTECT, related_name="merges_gone"
    )
    moved = models.JSONField(default=dict)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # A duplicate is merged once at a time: undo the merge before merging it again.
            models.UniqueConstraint(
                fields=["duplicate"],
                condition=models.Q(undone_at__isnull=True),
                name="child_merge_once_at_a_time",
            )
        ]

    def __str__(self) -> str:
        return f"child {self.duplicate_id} merged into child {self.survivor_id}"

    @property
    def audit_label(self) -> str:
        return f"merge of child {self.duplicate.local_id} into child {self.survivor.local_id}"
