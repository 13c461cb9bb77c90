"""Missing episodes: one period a child was missing or away, from last seen to return."""

from django.db import models

from homeward.core.codes import Category, LegalStatus, MissingFrom, Risk
from homeward.core.models import CouncilRecord, EnteredInError


class Episode(EnteredInError, CouncilRecord):
    """One period missing (or away from placement): from last seen to return, or still open."""

    child = models.ForeignKey("children.Child", on_delete=models.PROTECT, related_name="episodes")
    category = models.CharField(max_length=10, choices=Category.choices)
    last_seen_at = models.DateTimeField()
    reported_at = models.DateTimeField(null=True, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    risk = models.CharField(max_length=20, choices=Risk.choices, blank=True)
    missing_from = models.CharField(max_length=10, choices=MissingFrom.choices)
    placement = models.ForeignKey(
        "children.Placement", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    locality = models.ForeignKey(
        "councils.Locality", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    legal_status = models.CharField(max_length=20, choices=LegalStatus.choices)
    found_location = models.CharField(max_length=200, blank=True)
    reported_by = models.CharField(max_length=200, blank=True)
    placing_la_notified_at = models.DateTimeField(null=True, blank=True)
    seen_with = models.ManyToManyField(
        "children.Child", through="Companion", related_name="+", blank=True
    )

    class Meta:
        ordering = ["-last_seen_at"]
        constraints = [
            models.UniqueConstraint(fields=["council", "local_id"], name="episode_unique_local_id")
        ]
        indexes = [
            models.Index(fields=["council", "last_seen_at"], name="episode_council_seen"),
            models.Index(fields=["council", "returned_at"], name="episode_council_returned"),
            models.Index(fields=["child", "last_seen_at"], name="episode_child_seen"),
            models.Index(
                fields=["council"],
                name="episode_open",
                condition=models.Q(returned_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} episode {self.local_id}"

    @property
    def is_open(self) -> bool:
        return self.returned_at is None


class Companion(models.Model):
    """Another child this child was missing with ("seen with")."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="companions")
    child = models.ForeignKey("children.Child", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["episode", "child"], name="companion_once_per_episode")
        ]

    def __str__(self) -> str:
        return f"{self.child} with episode {self.episode_id}"
