"""Police notifications: what a force sends about a child's missing episode, kept as evidence.

A notification is one event (`missing`, `update`, `found`, `away`) about one episode, from one
force. It is kept whatever becomes of it: applied to an episode, held until an earlier event
arrives, waiting for a person in the review queue, or refused as unreadable (a problem).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from homeward.core.codes import Risk
from homeward.core.models import Tracked


class Force(models.Model):
    """A police force that sends notifications, and the councils whose children it may report."""

    name = models.CharField(max_length=100, unique=True)
    councils = models.ManyToManyField("councils.Council", related_name="+", blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ForceToken(models.Model):
    """A credential a force's system presents to the API. Only a hash of the secret is kept:
    the secret is shown once, when the token is issued or rotated."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="tokens")
    # The first characters of the token, kept in clear so that a person can tell tokens apart.
    prefix = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=128)
    label = models.CharField(max_length=100, blank=True)
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return f"{self.force} token {self.prefix}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Event(models.TextChoices):
    MISSING = "missing", "Reported missing"
    UPDATE = "update", "Update"
    FOUND = "found", "Found"
    AWAY = "away", "Away from placement"


class Source(models.TextChoices):
    API = "api", "The force's system (API)"
    CSV = "csv", "A CSV file"
    UPLOAD = "upload", "A file uploaded by a coordinator"


class State(models.TextChoices):
    APPLIED = "applied", "Applied"
    HELD = "held", "Held until an earlier event arrives"
    REVIEW = "review", "Waiting for review"
    PROBLEM = "problem", "Could not be read"
    SET_ASIDE = "set_aside", "Set aside by a person"


class ReviewReason(models.TextChoices):
    UNSURE = "unsure", "Not sure which child"
    NEW_CHILD = "new_child", "No child matches: a new child is proposed"
    CONFLICT = "conflict", "Disagrees with a coordinator's correction"
    MORE_NEEDED = "more_needed", "More information asked for"


class LinkMethod(models.TextChoices):
    POLICE_ID = "police_id", "Police id"
    LOCAL_ID = "local_id", "Council's child id"
    AUTOMATIC = "automatic", "Matched automatically"
    PERSON = "person", "Linked by a person"
    REFERENCE = "reference", "Police reference already known"


# Links made without a person: each is checked by one.
AUTOMATIC_LINKS = (LinkMethod.AUTOMATIC, LinkMethod.POLICE_ID, LinkMethod.LOCAL_ID)


class Notification(Tracked):
    """One event from one force about one child's episode, as it arrived and what became of it."""

    council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="+")
    force_name = models.CharField(max_length=100)
    force = models.ForeignKey(
        Force, null=True, blank=True, on_delete=models.PROTECT, related_name="notifications"
    )
    token = models.ForeignKey(
        ForceToken, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(max_length=10, choices=Source.choices)
    received_at = models.DateTimeField(default=timezone.now)
    # Where a CSV row came from (file name and row number), to say which row a problem is in.
    source_name = models.CharField(max_length=200, blank=True)
    source_row = models.PositiveIntegerField(null=True, blank=True)
    # The sha-256 of what arrived, in a canonical form: the same event sent twice is one.
    fingerprint = models.CharField(max_length=64)
    raw = models.JSONField(default=dict)
    # What could be read, in Homeward's terms (dates as ISO 8601 in UTC); empty if unreadable.
    fields = models.JSONField(default=dict)
    problems = models.JSONField(default=list)
    police_ref = models.CharField(max_length=64, blank=True)
    event = models.CharField(max_length=10, choices=Event.choices, blank=True)
    event_at = models.DateTimeField(null=True, blank=True)
    risk = models.CharField(max_length=20, choices=Risk.choices, blank=True)
    state = models.CharField(max_length=10, choices=State.choices)
    review_reason = models.CharField(max_length=12, choices=ReviewReason.choices, blank=True)
    # In words a coordinator understands: what applying it did, or why it waits.
    outcome = models.TextField(blank=True)
    child = models.ForeignKey(
        "children.Child", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    episode = models.ForeignKey(
        "episodes.Episode",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notifications",
    )
    link_method = models.CharField(max_length=10, choices=LinkMethod.choices, blank=True)
    # A link Homeward made without a person stays on the Notifications page's list of links to
    # check until a person says it is right (or moves the episode to the right child).
    link_checked_at = models.DateTimeField(null=True, blank=True)
    link_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    match_score = models.FloatField(null=True, blank=True)
    # The children it might be, best first, each with its score and how each field agreed.
    candidates = models.JSONField(default=list)
    # The episode values a coordinator had corrected that this notification disagrees with.
    conflicts = models.JSONField(default=list)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "fingerprint"], name="notification_received_once"
            )
        ]
        indexes = [
            models.Index(fields=["council", "state", "received_at"], name="notification_queue"),
            models.Index(fields=["council", "police_ref"], name="notification_ref"),
            # The links to check (counted on every visit to the Notifications page): few, among
            # every notification ever applied.
            models.Index(
                fields=["council", "applied_at"],
                name="notification_link_to_check",
                condition=models.Q(state="applied", link_checked_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_event_display()} {self.police_ref} from {self.force_name}"


class EpisodeReference(models.Model):
    """A police reference an episode is known by: the first report's, a new log per shift, a
    neighbouring force's when the child crossed a border. One reference, one episode."""

    council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="+")
    episode = models.ForeignKey(
        "episodes.Episode", on_delete=models.PROTECT, related_name="police_refs"
    )
    police_ref = models.CharField(max_length=64)
    force_name = models.CharField(max_length=100, blank=True)
    added_at = models.DateTimeField(default=timezone.now)
    notification = models.ForeignKey(
        Notification, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["council", "police_ref"], name="police_ref_one_episode")
        ]

    def __str__(self) -> str:
        return self.police_ref


class RiskGrading(models.Model):
    """One grading of an episode's risk by a force: the force's own word, kept verbatim, and
    the grade it maps to. The episode shows the latest."""

    episode = models.ForeignKey(
        "episodes.Episode", on_delete=models.PROTECT, related_name="risk_gradings"
    )
    verbatim = models.CharField(max_length=100)
    mapped = models.CharField(max_length=20, choices=Risk.choices, blank=True)
    graded_at = models.DateTimeField()
    force_name = models.CharField(max_length=100, blank=True)
    notification = models.ForeignKey(
        Notification, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["graded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.verbatim} at {self.graded_at:%Y-%m-%d %H:%M}"


class PoliceValues(models.Model):
    """The values the police last gave an episode's fields, so that a later notification can
    tell a coordinator's correction (a value that differs from the police's) and not
    overwrite it."""

    episode = models.OneToOneField(
        "episodes.Episode", on_delete=models.PROTECT, related_name="police_values"
    )
    values = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"Police values of episode {self.episode_id}"
