"""The multi-agency panel (Children at Risk of Child Exploitation and Missing).

A meeting discusses children; each discussion rates the child's risk and agrees actions,
each with an owner and a due date, until someone marks it done.
"""

from django.db import models

from homeward.core.models import CouncilRecord, EnteredInError


class PanelRisk(models.TextChoices):
    """The panel's rating of a child's risk of exploitation now: one four-point scale.

    The scale most multi-agency child exploitation panels use (low, medium, high and very
    high, also written "significant"); it is the panel's own judgement after hearing every
    agency, and distinct from the police risk grading of an episode and the screening outcome.
    """

    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    VERY_HIGH = "very_high", "Very high"


class PanelMeeting(EnteredInError, CouncilRecord):
    """One meeting of the panel: when it was held, who chaired it and which agencies came."""

    held_on = models.DateField()
    chair = models.CharField(max_length=200)
    agencies = models.CharField(
        max_length=500, blank=True, help_text="The agencies present, as the minutes list them."
    )
    notes = models.TextField(blank=True)

    class Meta:
        db_table = "exploitation_panelmeeting"  # the panel's tables keep their first names
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "local_id"], name="panel_meeting_unique_local_id"
            )
        ]

    def __str__(self) -> str:
        return f"Panel meeting on {self.held_on:%-d %B %Y}"

    @property
    def audit_label(self) -> str:
        return f"panel meeting {self.local_id}"


class PanelDiscussion(EnteredInError, CouncilRecord):
    """A child discussed at a meeting: why, the risk rating, what was decided, when again."""

    meeting = models.ForeignKey(PanelMeeting, on_delete=models.PROTECT, related_name="discussions")
    child = models.ForeignKey(
        "children.Child", on_delete=models.PROTECT, related_name="panel_discussions"
    )
    reason = models.TextField(help_text="Why the child was referred to or discussed at the panel.")
    risk = models.CharField(max_length=20, choices=PanelRisk.choices)
    summary = models.TextField(blank=True, help_text="What was discussed and decided.")
    next_review_on = models.DateField(null=True, blank=True)

    class Meta:
        db_table = "exploitation_paneldiscussion"
        ordering = ["meeting", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "local_id"], name="panel_discussion_unique_local_id"
            ),
            models.UniqueConstraint(
                fields=["meeting", "child"], name="panel_discussion_once_per_meeting"
            ),
        ]

    def __str__(self) -> str:
        return f"Panel discussion {self.local_id} ({self.get_risk_display()})"

    @property
    def audit_label(self) -> str:
        return f"panel discussion {self.local_id}"


class PanelAction(CouncilRecord):
    """Something the panel agreed someone will do for a child, by a date."""

    discussion = models.ForeignKey(
        PanelDiscussion, on_delete=models.PROTECT, related_name="actions"
    )
    description = models.TextField()
    owner = models.CharField(max_length=200, help_text="A person, an agency, or both.")
    due_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        db_table = "exploitation_panelaction"
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "local_id"], name="panel_action_unique_local_id"
            )
        ]
        indexes = [models.Index(fields=["completed_on", "due_on"], name="panel_action_open")]

    def __str__(self) -> str:
        return f"Panel action {self.local_id}"

    @property
    def audit_label(self) -> str:
        return f"panel action {self.local_id}"

    @property
    def is_open(self) -> bool:
        return self.completed_on is None
