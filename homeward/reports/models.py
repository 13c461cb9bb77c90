"""Committee papers the author edits and issues (docs/report-json.md, "paper").

A `PaperDraft` holds what the author adds to the paper the rules write for one period and
scope: their edits to the findings and recommendations, the implications, background papers,
context notes, and who wrote it. Every change is kept in `PaperChange` (who, when, before and
after). "Issue the paper" freezes it as an `IssuedPaper`: the whole report, figures and words,
as they were; later data changes never rewrite it, and a re-issue is a new number.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from homeward.core.models import Tracked

ISSUED_IS_A_RECORD = "An issued paper is a record: it cannot be changed. Issue it again instead."


class PaperDraft(Tracked):
    """The author's work on the paper for one council, period, locality and version."""

    council_code = models.CharField(max_length=8)
    period_from = models.DateField()
    period_to = models.DateField()
    locality = models.CharField(max_length=200, blank=True, default="")
    publication = models.BooleanField(default=False)
    # The author's edits to the findings, in the order made ({"id", "text", "recommendation"}
    # | {"id", "drop": true} | {"id", "add": true, ...}), applied by findings.apply_edits.
    edits = models.JSONField(default=list, blank=True)
    context_notes = models.JSONField(default=list, blank=True)  # [{"from", "to", "text"}]
    author_name = models.CharField(max_length=200, blank=True, default="")
    author_role = models.CharField(max_length=200, blank=True, default="")
    contact_name = models.CharField(max_length=200, blank=True, default="")
    contact_role = models.CharField(max_length=200, blank=True, default="")
    contact_details = models.CharField(max_length=300, blank=True, default="")
    financial_implications = models.TextField(blank=True, default="")
    legal_implications = models.TextField(blank=True, default="")
    equalities_implications = models.TextField(blank=True, default="")
    risk_implications = models.TextField(blank=True, default="")
    background_papers = models.TextField(blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["council_code", "period_from", "period_to", "locality", "publication"],
                name="one_paper_draft_per_scope",
            ),
            models.CheckConstraint(
                condition=Q(period_to__gte=F("period_from")), name="paper_period_in_order"
            ),
        ]

    @property
    def audit_label(self) -> str:
        return f"committee paper {self.pk} ({self.period_from} to {self.period_to})"


class PaperChange(models.Model):
    """One change the author made to a draft: what, who, when, and the before and after."""

    draft = models.ForeignKey(PaperDraft, on_delete=models.PROTECT, related_name="changes")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    what = models.CharField(max_length=200)  # in words: "Changed finding rhi-72h-below-target"
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return self.what


class IssuedPaper(models.Model):
    """A paper as issued: the whole report (figures, findings, words) frozen at issue."""

    draft = models.ForeignKey(PaperDraft, on_delete=models.PROTECT, related_name="issued")
    number = models.PositiveIntegerField()
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    report = models.JSONField()

    class Meta:
        ordering = ["draft", "number"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "number"], name="one_issue_per_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="issue_numbers_from_one"),
        ]

    def __str__(self) -> str:
        return self.audit_label

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError(ISSUED_IS_A_RECORD)
        super().save(*args, **kwargs)

    @property
    def audit_label(self) -> str:
        return f"committee paper {self.draft_id}, issue {self.number}"
