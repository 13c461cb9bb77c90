"""Councils (English local authorities) and the localities a council reports by."""

from django.db import models

from homeward.core.models import Imported, Tracked


class Council(models.Model):
    """An English council with children's services, keyed by its DfE three-digit code."""

    code = models.CharField(max_length=3, unique=True)
    gss_code = models.CharField(max_length=9, blank=True)
    name = models.CharField(max_length=100)
    region_code = models.CharField(max_length=9, blank=True)
    region_name = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Locality(Tracked, Imported):
    """An area a council reports by (a Local Police Area or district), with its 0-17 population."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="localities")
    name = models.CharField(max_length=100)
    population_0_17 = models.PositiveIntegerField()

    class Meta:
        ordering = ["council", "name"]
        verbose_name_plural = "localities"
        constraints = [
            models.UniqueConstraint(fields=["council", "name"], name="locality_unique_per_council")
        ]

    def __str__(self) -> str:
        return self.name
