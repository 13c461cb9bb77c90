"""Every email Homeward sends: the outbox, and the record of what went to whom and when.

An email is queued once under a key that names what it is about (`digest:12:2026-12-01`,
`high-risk:4711:12`), so that a second attempt to queue it finds the first: the unique key
is what makes `homeward send-alerts` safe to run twice. `outbox.emails_send_due` sends it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class EmailStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to be sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


# What each email is for, as Emails sent shows it to a coordinator: the purposes the digest,
# the alerts (alerts.immediate) and the placing-council notices (notices.services) queue.
PURPOSES_IN_WORDS = {
    "digest": "Morning digest",
    "high-risk": "Alert: a child missing at high risk",
    "interview-breach": "Alert: a return interview nearly overdue",
    "placing_council_notice": "Notification to the child's placing council",
    "placing_council_chase": "Reminder to the child's placing council",
}


class Email(models.Model):
    """One email: whom it is for, what it says, and how sending it went."""

    purpose = models.CharField(max_length=40, help_text="What the email is for, like digest.")
    key = models.CharField(max_length=200, unique=True)
    to = models.EmailField(max_length=254)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    council = models.ForeignKey(
        "councils.Council", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    child = models.ForeignKey(
        "children.Child", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    episode = models.ForeignKey(
        "episodes.Episode", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(
        max_length=10, choices=EmailStatus.choices, default=EmailStatus.QUEUED
    )
    attempts = models.PositiveIntegerField(default=0)
    # When the next attempt may be made; empty once sent, or once the retries ran out.
    next_attempt_at = models.DateTimeField(null=True, blank=True, default=timezone.now)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="email_due"),
            models.Index(fields=["-created_at", "-id"], name="email_newest"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=EmailStatus.values), name="email_status_known"
            ),
            # Sent means a time it was sent and nothing more to attempt; never sent, no time.
            models.CheckConstraint(
                condition=(
                    Q(status=EmailStatus.SENT, sent_at__isnull=False, next_attempt_at__isnull=True)
                    | (~Q(status=EmailStatus.SENT) & Q(sent_at__isnull=True))
                ),
                name="email_sent_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Email {self.pk} ({self.purpose}) to {self.to}"

    @property
    def purpose_in_words(self) -> str:
        """What the email is for, in words (its code when Homeward has no words for it)."""
        return PURPOSES_IN_WORDS.get(self.purpose, self.purpose)

    @property
    def audit_label(self) -> str:
        return f"email {self.pk} ({self.purpose})"


class AlertPreference(models.Model):
    """Which alerts a person chose to receive; without a row, their roles' defaults
    (alerts.preferences.DEFAULTS) apply."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_preference"
    )
    digest = models.BooleanField()
    high_risk = models.BooleanField()
    interview_breach = models.BooleanField()
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Alert choices of user {self.user_id}"

    @property
    def audit_label(self) -> str:
        return f"alert choices of user {self.user_id}"
