"""Children and their placements."""

from django.conf import settings
from django.db import models

from homeward.core.codes import ETHNICITY_CODES, PlacementType, Sex
from homeward.core.models import CouncilRecord, EnteredInError, Imported, Tracked


def ethnicity_in_words(code: str) -> str:
    """A DfE ethnicity code in words: 'White British (WBRI)'."""
    if not code:
        return "Not recorded"
    return f"{ETHNICITY_CODES.get(code, code)} ({code})"


class ChildrenInUse(models.Manager):
    """Children in use: not duplicates merged into another record (`all_records` has those)."""

    def get_queryset(self):
        return super().get_queryset().filter(merged_into__isnull=True)


class Child(CouncilRecord, Imported):
    """A child known to the council, whether living at home, in care, or placed here by another."""

    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    # Middle names and any other names the child is known by (police records often have one).
    other_names = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=10, choices=Sex.choices)
    ethnicity = models.CharField(max_length=4, blank=True)
    responsible_la = models.ForeignKey(
        "councils.Council", on_delete=models.PROTECT, related_name="+"
    )
    police_id = models.CharField(max_length=64, blank=True)
    # Where the child lives, as police notifications give it: matched on (police/matching.py).
    # A postcode is stored upper-case with one space ("OX4 1AB"), or an outward code alone.
    postcode = models.CharField(max_length=8, blank=True)
    address = models.CharField(max_length=200, blank=True)
    home_locality = models.ForeignKey(
        "councils.Locality", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A duplicate record of a child merged into the surviving one (in_error.services):
    # kept, pointing at the survivor, and left out of every list and count.
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
        editable=False,
    )

    objects = ChildrenInUse()
    all_records = models.Manager()

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(fields=["council", "local_id"], name="child_unique_local_id")
        ]
        indexes = [
            models.Index(fields=["council", "last_name", "first_name"]),
            # Searching by date of birth (children.selectors.children_search, likely_matches).
            models.Index(fields=["council", "date_of_birth"], name="child_date_of_birth"),
            # Police notifications find the children living at a postcode (police/matching.py).
            models.Index(fields=["council", "postcode"], name="child_postcode"),
            # A police notification's child is found by police id first (police/matching.py):
            # without this, every report read the council's children one by one.
            models.Index(fields=["council", "police_id"], name="child_police_id"),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def audit_label(self) -> str:
        """How the audit log names a child: never by name."""
        return f"child {self.local_id}"

    @property
    def ethnicity_words(self) -> str:
        return ethnicity_in_words(self.ethnicity)

    @property
    def is_placed_in(self) -> bool:
        """Another council's child living in this council's area."""
        return self.responsible_la_id != self.council_id


class Placement(EnteredInError, CouncilRecord, Imported):
    """Where a looked-after (or placed-in) child lives, from start to end."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="placements")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    placement_type = models.CharField(max_length=20, choices=PlacementType.choices)
    place_code = models.CharField("SSDA903 PLACE code", max_length=4, blank=True)
    provider_urn = models.CharField("Ofsted URN", max_length=20, blank=True)
    provider_name = models.CharField(max_length=200, blank=True)
    locality = models.ForeignKey(
        "councils.Locality", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    placing_la = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="+")
    host_la = models.ForeignKey(
        "councils.Council",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The council in whose area the child lives.",
    )

    class Meta:
        ordering = ["child", "start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "local_id"], name="placement_unique_local_id"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_placement_type_display()} from {self.start_date:%d %b %Y}"


class Allocation(Tracked):
    """A child allocated to a worker, a team, or both, from `allocated_on` until `ended_on`."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="allocations")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="allocations",
    )
    team = models.CharField(max_length=100, blank=True)
    allocated_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["child", "-allocated_on"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(worker__isnull=True, team=""),
                name="allocation_to_someone",
            )
        ]

    def __str__(self) -> str:
        return f"{self.child.audit_label} to {self.worker or self.team}"
