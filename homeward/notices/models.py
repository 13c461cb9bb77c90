"""What a placing council was told of its child's episode here, and their receipt.

A placed-in child's missing episode is the placing council's to know (and the child's
IRO's): Homeward sends it a notice for the episode, a follow-up when the child returns, and
the return home interview's outcome, each with a link by which the recipient acknowledges
receipt. Unacknowledged, a notice is chased. Each notice keeps whom it was for and the
emails the outbox sent for it (alerts.Email), so "when was the placing council told" is
read from what was sent, not typed.
"""

from django.db import models
from django.db.models import Q

from homeward.core.models import Tracked


class NoticeKind(models.TextChoices):
    MISSING = "missing", "Missing"
    CHASE = "chase", "Reminder (not yet acknowledged)"
    RETURNED = "returned", "Returned"
    INTERVIEW_OUTCOME = "interview_outcome", "Return home interview outcome"
    CORRECTION = "correction", "Correction (changed since sent)"


class AcknowledgedHow(models.TextChoices):
    """How a recipient acknowledged a notice other than by its link (blank: by the link)."""

    PHONE = "phone", "By phone"
    EMAIL = "email", "By email"
    IN_PERSON = "in_person", "In person"
    OTHER = "other", "Some other way"


class PlacingCouncilNotice(Tracked):
    """One notification to a placing council (and the child's IRO) about one episode."""

    # The host council: this installation's, whose coordinators send it.
    council = models.ForeignKey(
        "councils.Council", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    episode = models.ForeignKey(
        "episodes.Episode", on_delete=models.PROTECT, related_name="placing_council_notices"
    )
    kind = models.CharField(max_length=20, choices=NoticeKind.choices)
    # The child a missing, returned or interview outcome notice told of: an episode moved to
    # another child (a wrong link undone) owes that child's placing council notices of its own.
    child = models.ForeignKey(
        "children.Child", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    placing_council = models.ForeignKey(
        "councils.Council", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The interview whose outcome an interview_outcome notice carries.
    interview = models.ForeignKey(
        "interviews.ReturnInterview",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The notice a chase reminds of, and which reminder it is (1, 2, ...): one per interval.
    chased = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="chases"
    )
    chase_number = models.PositiveSmallIntegerField(default=0)
    # The notice (missing, returned, interview outcome) a correction corrects; which
    # correction of it this is (in `chase_number`: 1, 2, ...), so that each is sent once
    # however many send it at once.
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    # What a missing, returned or interview outcome notice (or a correction) told them of the
    # episode, as it was sent ({"child", "in_error", "lines": [[label, value], ...]}, and
    # "interview_in_error" for an outcome's), so that a later change to the episode shows as
    # "changed since sent"; a correction keeps what it corrected in "was".
    facts = models.JSONField(default=dict, blank=True)
    # Whom it went to: [{"email", "name", "purpose"}], as they were when it was sent.
    recipients = models.JSONField(default=list, blank=True)
    subject = models.CharField(max_length=200, blank=True)
    prepared_at = models.DateTimeField()
    # Told some other way (a phone call, a secure email sent outside Homeward): how, and when.
    told_other_way = models.TextField(blank=True)
    told_at = models.DateTimeField(null=True, blank=True)
    # The outbox's records of the emails sent for it, one to each recipient.
    emails = models.ManyToManyField("alerts.Email", related_name="+", blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by_name = models.CharField(max_length=200, blank=True)
    # Acknowledged another way (a phone call, an email reply), as a coordinator recorded it:
    # how, and their note. Blank when acknowledged by the link (or not at all).
    acknowledged_how = models.CharField(max_length=20, choices=AcknowledgedHow.choices, blank=True)
    acknowledged_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-prepared_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "kind", "child"],
                condition=Q(kind__in=["missing", "returned"]),
                name="notice_once_per_episode_child",
            ),
            models.UniqueConstraint(
                fields=["interview", "child"],
                condition=Q(kind="interview_outcome"),
                name="notice_once_per_interview_child",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["missing", "returned", "interview_outcome"])
                | Q(child__isnull=False),
                name="notice_names_its_child",
            ),
            models.UniqueConstraint(
                fields=["chased", "chase_number"],
                condition=Q(kind="chase"),
                name="notice_chase_once_per_interval",
            ),
            models.CheckConstraint(
                condition=Q(kind="chase", chased__isnull=False, chase_number__gte=1)
                | (~Q(kind="chase") & Q(chased__isnull=True)),
                name="notice_chase_names_its_notice",
            ),
            models.UniqueConstraint(
                fields=["corrects", "chase_number"],
                condition=Q(kind="correction"),
                name="notice_correction_once_per_number",
            ),
            models.CheckConstraint(
                condition=Q(kind="correction", corrects__isnull=False, chase_number__gte=1)
                | (~Q(kind="correction") & Q(corrects__isnull=True)),
                name="notice_correction_names_its_notice",
            ),
            models.CheckConstraint(
                condition=~Q(kind="interview_outcome") | Q(interview__isnull=False),
                name="notice_outcome_names_interview",
            ),
            # Told another way means when; acknowledged means by whom.
            models.CheckConstraint(
                condition=Q(told_other_way="") | Q(told_at__isnull=False),
                name="notice_told_other_way_has_time",
            ),
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True) | ~Q(acknowledged_by_name=""),
                name="notice_acknowledged_by_someone",
            ),
        ]
        indexes = [
            models.Index(
                fields=["council", "prepared_at"],
                name="notice_unacknowledged",
                condition=Q(acknowledged_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} notice {self.pk} for episode {self.episode_id}"

    @property
    def audit_label(self) -> str:
        return f"placing council notice {self.pk} ({self.kind}) for episode {self.episode_id}"
