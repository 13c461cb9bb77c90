"""Return home interviews, offered after every return and due within 72 hours."""

from django.conf import settings
from django.db import models

from homeward.core.codes import InterviewConductor, InterviewFactor, InterviewOutcome, NotHeldReason
from homeward.core.models import CouncilRecord, EnteredInError, Imported, Tracked


class ReturnInterview(EnteredInError, CouncilRecord, Imported):
    """A return home interview offered (and perhaps held) after an episode ended."""

    episode = models.ForeignKey(
        "episodes.Episode", on_delete=models.PROTECT, related_name="interviews"
    )
    offered_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=InterviewOutcome.choices)
    completed_at = models.DateTimeField(null=True, blank=True)
    conducted_by = models.CharField(max_length=200, blank=True)
    conducted_by_type = models.CharField(
        "Held by", max_length=20, choices=InterviewConductor.choices, blank=True, db_default=""
    )
    not_held_reason = models.CharField(
        max_length=20, choices=NotHeldReason.choices, blank=True, db_default=""
    )
    factors = models.CharField(
        max_length=400,
        blank=True,
        db_default="",
        help_text="Factor codes separated by ';', in the order "
        + ", ".join(InterviewFactor.values),
    )
    findings = models.TextField(blank=True)

    class Meta:
        ordering = ["episode", "offered_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "local_id"], name="interview_unique_local_id"
            )
        ]

    def __str__(self) -> str:
        return f"Return home interview {self.local_id} ({self.get_outcome_display()})"


class InterviewClosure(Tracked):
    """A return a coordinator closed without an interview outcome, and why (for example
    "another council's team is interviewing"): no longer owed an interview while the
    closure stands. Undone, it is kept with who undid it and when, and the return is owed
    again; `created_by` and `created_at` are who closed it and when."""

    episode = models.ForeignKey(
        "episodes.Episode", on_delete=models.PROTECT, related_name="interview_closures"
    )
    reason = models.TextField()
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
            # A return is closed once at a time: undo the closure before closing it again.
            models.UniqueConstraint(
                fields=["episode"],
                condition=models.Q(undone_at__isnull=True),
                name="interview_closed_once_at_a_time",
            )
        ]

    def __str__(self) -> str:
        return f"interview owed after episode {self.episode_id} closed"

    @property
    def audit_label(self) -> str:
        return f"interview owed after episode {self.episode.local_id} closed"

    @property
    def is_undone(self) -> bool:
        return self.undone_at is not None
