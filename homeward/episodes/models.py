"""Missing episodes: one period a child was missing or away, from last seen to return."""

from django.contrib.postgres.fields import RangeBoundary, RangeOperators
from django.db import models

from homeward.core.codes import Category, LegalStatus, MissingFrom, Risk
from homeward.core.constraints import PostgreSQLExclusionConstraint, TimeRange
from homeward.core.models import CouncilRecord, EnteredInError, Imported


class Episode(EnteredInError, CouncilRecord, Imported):
    """One period missing (or away from placement): from last seen to return, or still open."""

    child = models.ForeignKey("children.Child", on_delete=models.PROTECT, related_name="episodes")
    category = models.CharField(max_length=10, choices=Category.choices)
    last_seen_at = models.DateTimeField()
    last_seen_location = models.CharField(max_length=200, blank=True, db_default="")
    police_reference = models.CharField(max_length=64, blank=True, db_default="")
    reported_at = models.DateTimeField(null=True, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    # Known to the day only (an SSDA903 missing period, or an SSD one given without times):
    # last seen is the start day's midnight and the return the end day's (one second
    # after last seen for a period that starts and ends on one day), Europe/London; the
    # times mean nothing. The DfE lets such periods share a day (several on one day have
    # the same dates), which the import's checks allow (bundle_checks.shares_a_day); the
    # database's rule that a child's episodes never overlap leaves them out.
    day_precision = models.BooleanField(default=False, db_default=False)
    risk = models.CharField(max_length=20, choices=Risk.choices, blank=True)
    # When the police grading was last set or changed in Homeward: the list of children
    # missing now shows how fresh it is. Kept on the record rather than read from the
    # audit log, which may be pruned and is not shaped for listing many episodes at once.
    risk_reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)
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
        # The rules that hold across a child's episodes, held by the database itself as well
        # as checked by the services and the import (which say what is wrong in words): so
        # that no writer, however it gets there, can store a child missing twice at once.
        constraints = [
            models.UniqueConstraint(fields=["council", "local_id"], name="episode_unique_local_id"),
            models.CheckConstraint(
                condition=models.Q(returned_at__isnull=True)
                | models.Q(returned_at__gt=models.F("last_seen_at")),
                name="episode_returns_after_last_seen",
            ),
            # At most one open episode a child (on every database). An episode entered in
            # error (core.models.EnteredInError) is in neither rule: it blocks nothing.
            models.UniqueConstraint(
                fields=["child"],
                condition=models.Q(returned_at__isnull=True, entered_in_error_at__isnull=True),
                name="episode_one_open_per_child",
            ),
            # No two episodes of a child overlap: [last seen, return), an open one running on
            # for ever (PostgreSQL only; SQLite serialises its writers instead). Episodes known
            # to the day only are left to the checks, which hold them apart from timed ones
            # but let them share days with each other (see `day_precision`). Checked at
            # each write, except that an import defers it to the end of its writing: episodes
            # that change places in one bundle overlap only half-way through.
            PostgreSQLExclusionConstraint(
                name="episode_periods_never_overlap",
                deferrable=models.Deferrable.IMMEDIATE,
                condition=models.Q(entered_in_error_at__isnull=True, day_precision=False),
                expressions=[
                    ("child", RangeOperators.EQUAL),
                    (
                        TimeRange("last_seen_at", "returned_at", RangeBoundary()),
                        RangeOperators.OVERLAPS,
                    ),
                ],
            ),
        ]
        indexes = [
            models.Index(fields=["council", "last_seen_at"], name="episode_council_seen"),
            models.Index(fields=["council", "returned_at"], name="episode_council_returned"),
            models.Index(fields=["child", "last_seen_at"], name="episode_child_seen"),
            # A police notification's episode, by the reference a coordinator recorded
            # (police/applying.py, episode_known_by): asked for every notification.
            models.Index(fields=["council", "police_reference"], name="episode_police_reference"),
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
