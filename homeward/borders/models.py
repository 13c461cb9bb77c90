"""Across council borders: who to tell at each council, and the children placed here.

`CouncilContact` is the directory of councils' addresses for missing-children notifications
(docs/borders.md); `ChildContact` holds a placed-in child's own independent reviewing officer
and social worker at the placing council, where known.
"""

from django.db import models

from homeward.core.models import Tracked


class ContactPurpose(models.TextChoices):
    MISSING = "missing", "Missing children notifications"
    OUT_OF_HOURS = "out_of_hours", "Out of hours"
    IRO = "iro", "Independent reviewing officers"


class CouncilContact(Tracked):
    """A council's address for one purpose: whom Homeward tells when its children go missing."""

    council = models.ForeignKey(
        "councils.Council", on_delete=models.PROTECT, related_name="contacts"
    )
    purpose = models.CharField(max_length=20, choices=ContactPurpose.choices)
    # Kept lower-case (borders.services), so one address is never listed twice.
    email = models.EmailField(max_length=254)
    name = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["council__name", "purpose", "email"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "purpose", "email"], name="council_contact_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(purpose__in=ContactPurpose.values),
                name="council_contact_purpose_known",
            ),
            models.CheckConstraint(condition=~models.Q(email=""), name="council_contact_has_email"),
        ]

    def __str__(self) -> str:
        return f"{self.council.name}: {self.get_purpose_display()} ({self.email})"

    @property
    def audit_label(self) -> str:
        return f"contact {self.pk} of council {self.council.code}"


class ChildContactRole(models.TextChoices):
    IRO = "iro", "Independent reviewing officer"
    SOCIAL_WORKER = "social_worker", "Social worker"


class ChildContact(Tracked):
    """A placed-in child's own worker at the placing council: their IRO or social worker."""

    child = models.ForeignKey(
        "children.Child", on_delete=models.PROTECT, related_name="border_contacts"
    )
    role = models.CharField(max_length=20, choices=ChildContactRole.choices)
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(max_length=254)

    class Meta:
        ordering = ["child", "role", "email"]
        constraints = [
            models.UniqueConstraint(fields=["child", "role", "email"], name="child_contact_unique"),
            models.CheckConstraint(
                condition=models.Q(role__in=ChildContactRole.values),
                name="child_contact_role_known",
            ),
            models.CheckConstraint(condition=~models.Q(email=""), name="child_contact_has_email"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} ({self.email})"

    @property
    def audit_label(self) -> str:
        """Never the child's name: the child's local id."""
        return f"{self.role} contact of child {self.child.local_id}"


class LegalBasis(models.TextChoices):
    """Why the placing council looks after the child (as a regulation 41 notice says)."""

    CARE_ORDER = "care_order", "Care order (section 31)"
    INTERIM_CARE_ORDER = "interim_care_order", "Interim care order (section 38)"
    ACCOMMODATED = "accommodated", "Accommodated by agreement (section 20)"
    PLACEMENT_ORDER = "placement_order", "Placement order"
    REMAND = "remand", "Remanded to local authority accommodation"
    OTHER = "other", "Other or not known"


class PlacedInEntry(Tracked):
    """One child on the placed-in register: another council's child placed in this area, as
    the children's home's notice of admission (and later discharge) told us (regulation 41).

    Linked to the child's record when one is known; until then it keeps the child's details
    as the notice gave them, to match or create the record from.
    """

    council = models.ForeignKey(
        "councils.Council", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    child = models.ForeignKey(
        "children.Child",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="placed_in_entries",
    )
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    placing_council = models.ForeignKey(
        "councils.Council", on_delete=models.PROTECT, related_name="+"
    )
    legal_basis = models.CharField(max_length=30, choices=LegalBasis.choices)
    provider_name = models.CharField("Home", max_length=200)
    provider_urn = models.CharField("Ofsted URN", max_length=20, blank=True)
    admitted_on = models.DateField()
    discharged_on = models.DateField(null=True, blank=True)
    # When the home's notice of admission reached the council.
    notified_on = models.DateField()
    social_worker_name = models.CharField(max_length=200, blank=True)
    social_worker_email = models.EmailField(max_length=254, blank=True)
    iro_name = models.CharField(max_length=200, blank=True)
    iro_email = models.EmailField(max_length=254, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-admitted_on", "last_name", "first_name"]
        verbose_name = "placed-in register entry"
        verbose_name_plural = "placed-in register entries"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(discharged_on__isnull=True)
                | models.Q(discharged_on__gte=models.F("admitted_on")),
                name="placed_in_discharged_after_admitted",
            ),
            models.CheckConstraint(
                condition=models.Q(legal_basis__in=LegalBasis.values),
                name="placed_in_legal_basis_known",
            ),
            # Another council's child: a council does not place children in its own area
            # through this register.
            models.CheckConstraint(
                condition=~models.Q(placing_council=models.F("council")),
                name="placed_in_by_another_council",
            ),
        ]
        indexes = [models.Index(fields=["council", "child"], name="placed_in_child")]

    def __str__(self) -> str:
        return f"Placed in from {self.admitted_on:%-d %b %Y}"

    @property
    def audit_label(self) -> str:
        """Never the child's name: the entry's id."""
        return f"placed-in register entry {self.pk}"

    @property
    def is_current(self) -> bool:
        return self.discharged_on is None


class EpisodeElsewhere(Tracked):
    """One of our children's episodes that happened in another council's area, as the host
    council told us: the episode is ours (our child's timeline and reports count it); this
    says where it happened and how we heard."""

    episode = models.OneToOneField(
        "episodes.Episode", on_delete=models.PROTECT, related_name="elsewhere"
    )
    host_council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="+")
    told_at = models.DateTimeField(help_text="When the host council told us.")
    notes = models.TextField(blank=True)

    class Meta:
        verbose_name = "episode in another council's area"

    def __str__(self) -> str:
        return f"In {self.host_council.name}"

    @property
    def audit_label(self) -> str:
        return f"episode {self.episode_id} elsewhere"
