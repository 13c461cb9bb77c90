"""Published comparator figures: DfE looked-after children who went missing, statistical
neighbours, and ONS populations aged 0-17. Reference data, loaded from DfE's own files."""

from django.conf import settings
from django.db import models


class Level(models.TextChoices):
    ENGLAND = "england", "England"
    REGION = "region", "Region"
    COUNCIL = "council", "Council"


class Status(models.TextChoices):
    """DfE's symbols for a figure that is not a number. None of them means zero."""

    PUBLISHED = "", "Published"
    SUPPRESSED = "c", "Suppressed (small number)"
    NOT_APPLICABLE = "z", "Not applicable"
    UNAVAILABLE = "x", "Not available"
    LOW = "k", "Rounds to zero but is not zero"


class PublishedFigure(models.Model):
    """One DfE figure for one area and one year ending 31 March."""

    source = models.CharField(max_length=100, help_text="The file it was loaded from.")
    year_ending = models.PositiveSmallIntegerField(help_text="2024 = year ending 31 March 2024.")
    level = models.CharField(max_length=10, choices=Level.choices)
    area_code = models.CharField(
        max_length=9, help_text="Council: old_la_code (931). Region: E12…/E13…. England."
    )
    area_name = models.CharField(max_length=100)
    region_code = models.CharField(max_length=9, blank=True, help_text="A council's region.")
    measure = models.CharField(max_length=40)
    value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    status = models.CharField(max_length=1, choices=Status.choices, blank=True)

    class Meta:
        ordering = ["year_ending", "level", "area_code", "measure"]
        constraints = [
            models.UniqueConstraint(
                fields=["year_ending", "level", "area_code", "measure"],
                name="published_figure_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.area_name} {self.measure} {self.year_ending}: {self.value or self.status}"


class StatisticalNeighbour(models.Model):
    """One of a council's ten statistical neighbours in one DfE model (2021, 2025, …)."""

    model_year = models.PositiveSmallIntegerField()
    council_code = models.CharField(max_length=3)
    rank = models.PositiveSmallIntegerField()
    neighbour_code = models.CharField(max_length=3)
    closeness = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ["model_year", "council_code", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["model_year", "council_code", "rank"], name="neighbour_rank_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.council_code} neighbour {self.rank}: {self.neighbour_code}"


class Population0to17(models.Model):
    """ONS mid-year estimate of children aged 0 to 17 for one area and year."""

    year = models.PositiveSmallIntegerField()
    level = models.CharField(max_length=10, choices=Level.choices)
    area_code = models.CharField(max_length=9)
    area_name = models.CharField(max_length=100)
    value = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(max_length=1, choices=Status.choices, blank=True)

    class Meta:
        ordering = ["year", "level", "area_code"]
        verbose_name = "population aged 0-17"
        verbose_name_plural = "populations aged 0-17"
        constraints = [
            models.UniqueConstraint(fields=["year", "level", "area_code"], name="population_once")
        ]

    def __str__(self) -> str:
        return f"{self.area_name} {self.year}: {self.value or self.status}"


class EthnicGroup(models.TextChoices):
    """DfE's major ethnic groups (the first letter of a child's ethnicity code)."""

    WHITE = "white", "White"
    MIXED = "mixed", "Mixed or multiple ethnic groups"
    ASIAN = "asian", "Asian or Asian British"
    BLACK = "black", "Black, African, Caribbean or Black British"
    OTHER = "other", "Other ethnic group"


class PopulationByEthnicity(models.Model):
    """A council's own population aged 0-17 in one DfE major ethnic group, loaded by an
    administrator from a file they made (e.g. from Census 2021): neither DfE nor ONS publish
    it in the files Homeward ships (docs/benchmarks.md, *Population by ethnic group*)."""

    council_code = models.CharField(max_length=3)
    ethnic_group = models.CharField(max_length=10, choices=EthnicGroup.choices)
    population_0_17 = models.PositiveIntegerField()
    source = models.CharField(
        max_length=200, help_text="Where the figures come from, as the paper cites them."
    )
    loaded_at = models.DateTimeField(auto_now=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        help_text="Who loaded the figures on the web; empty when the server's operator did.",
    )

    class Meta:
        ordering = ["council_code", "ethnic_group"]
        verbose_name_plural = "populations by ethnic group"
        constraints = [
            models.UniqueConstraint(
                fields=["council_code", "ethnic_group"], name="population_by_ethnicity_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.council_code} {self.ethnic_group}: {self.population_0_17}"

    def audit_label(self) -> str:
        return f"population aged 0-17 ({self.get_ethnic_group_display()}) of {self.council_code}"
