"""Return home interviews, offered after every return and due within 72 hours."""

from django.db import models

from homeward.core.codes import InterviewOutcome
from homeward.core.models import CouncilRecord, EnteredInError, Imported


class ReturnInterview(EnteredInError, CouncilRecord, Imported):
    """A return home interview offered (and perhaps held) after an episode ended."""

    episode = models.ForeignKey(
        "episodes.Episode", on_delete=models.PROTECT, related_name="interviews"
    )
    offered_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=InterviewOutcome.choices)
    completed_at = models.DateTimeField(null=True, blank=True)
    conducted_by = models.CharField(max_length=200, blank=True)
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
