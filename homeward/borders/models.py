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
