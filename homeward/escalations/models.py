"""Escalations: a pattern in a child's episodes that a person must act on, by a date."""

from django.conf import settings
from django.db import models

from homeward.core.models import CouncilRecord


class EscalationKind(models.TextChoices):
    """What an escalation asks someone to do."""

    STRATEGY_DISCUSSION = "strategy_discussion", "Strategy discussion to hold"
    CE_SCREENING = "ce_screening", "Exploitation screening due"
    PLAN_REVIEW = "plan_review", "Placing council's plan to review with the panel chair"


class EscalationOutcome(models.TextChoices):
    """How an escalation was closed; the sentence given with it says more."""

    DONE = "done", "Done: held, completed or reviewed"
    IN_HAND = "in_hand", "Already in hand elsewhere"
    NOT_NEEDED = "not_needed", "Decided it is not needed"
    IN_ERROR = "in_error", "Raised in error"


class Escalation(CouncilRecord):
    """One escalation of a child: the rule that raised it, why, who owns it and by when."""

    child = models.ForeignKey(
        "children.Child", on_delete=models.PROTECT, related_name="escalations"
    )
    rule = models.CharField(max_length=30)  # a rules.RULES code
    kind = models.CharField(max_length=30, choices=EscalationKind.choices)
    # The episode that completed the pattern: an escalation is raised once for it, ever.
    trigger = models.ForeignKey("episodes.Episode", on_delete=models.PROTECT, related_name="+")
    # Why: the episodes of the pattern, and any of it recorded while the escalation was open.
    episodes = models.ManyToManyField("episodes.Episode", related_name="+")
    raised_at = models.DateTimeField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="escalations_owned",
    )
    due_on = models.DateField()
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    outcome = models.CharField(
        max_length=20, choices=EscalationOutcome.choices, blank=True, default=""
    )
    outcome_notes = models.TextField(blank=True, default="")
    # The panel discussion it was referred to ("Refer to the panel"), and when and by whom.
    panel_discussion = models.ForeignKey(
        "panel.PanelDiscussion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    referred_at = models.DateTimeField(null=True, blank=True)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "local_id"], name="escalation_unique_local_id"
            ),
            # Never raised twice for the same trigger, however many raise it at once.
            models.UniqueConstraint(
                fields=["child", "rule", "trigger"], name="escalation_once_per_trigger"
            ),
            # One open escalation of a rule a child: a later episode of the pattern joins it.
            models.UniqueConstraint(
                fields=["child", "rule"],
                condition=models.Q(closed_at__isnull=True),
                name="escalation_one_open_per_rule",
            ),
            # Closed means closed with an outcome and a sentence; open means neither.
            models.CheckConstraint(
                condition=(
                    models.Q(closed_at__isnull=True, outcome="", outcome_notes="")
                    | (
                        models.Q(closed_at__isnull=False)
                        & ~models.Q(outcome="")
                        & ~models.Q(outcome_notes="")
                    )
                ),
                name="escalation_closed_with_outcome",
            ),
        ]
        indexes = [
            models.Index(
                fields=["council", "due_on"],
                name="escalation_open_due",
                condition=models.Q(closed_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"Escalation {self.local_id} ({self.get_kind_display()})"

    @property
    def audit_label(self) -> str:
        return f"escalation {self.local_id}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def status(self) -> str:
        return "open" if self.is_open else "closed"
