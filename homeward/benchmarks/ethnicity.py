"""Population aged 0-17 by ethnic group: a council's own, loaded by its data officer; and
England's looked-after children who went missing, by ethnic group, from DfE's file.

The council's population by DfE major ethnic group is in no file Homeward ships, so its
data officer loads it on the Reports page (reports.population), or an administrator with
`homeward load-population-by-ethnicity FILE.csv --source TEXT` (docs/benchmarks.md):
columns `ethnic_group` (white, mixed, asian, black, other, or DfE's names for them) and
`population_0_17`, one row per group, all five. All of the file or nothing; a load
replaces the council's figures, each change audited with who loaded it.
"""

import csv
import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.db import transaction

from homeward.audit.services import record_change, values_before_change
from homeward.benchmarks.models import EthnicGroup, PopulationByEthnicity
from homeward.borders.csvfile import FileProblem, FileRejected, read_rows

COLUMNS = ("ethnic_group", "population_0_17")
NAMES = {
    **{group.value: group.value for group in EthnicGroup},
    **{group.label.lower(): group.value for group in EthnicGroup},
    # As DfE and the census head them.
    "mixed or multiple ethnic groups": "mixed",
    "black, black british, caribbean or african": "black",
    "other ethnic group": "other",
    "any other ethnic group": "other",
}
UNKNOWN_GROUP = (
    "'{value}' is not one of DfE's major ethnic groups. Use white, mixed, asian, black or other."
)
NOT_A_COUNT = "'{value}' is not a whole number of children. Write it in figures, e.g. 41250."
TWICE = "The {group} group is in the file twice (row {row}). Give each group once."
ABSENT = "The file has no row for the {groups} group(s). Give all five groups."
NO_SOURCE = "Say where the figures come from (--source), e.g. 'Census 2021, ONS table TS021'."

ENGLAND_FILE = Path(__file__).parent / "data" / "cla_missing_national_characteristics_2020_2024.csv"
ENGLAND_SOURCE = (
    "DfE, Children looked after in England including adoption: children missing from "
    "placement by ethnic origin. Open Government Licence v3.0."
)
BY_ETHNIC_ORIGIN = "children missing from placement by ethnic origin"
# DfE's totals of the major groups, by the number they start with.
ENGLAND_GROUPS = {"1.": "white", "2.": "mixed", "3.": "asian", "4.": "black", "5.": "other"}
ENGLAND_NOT_KNOWN = "6."
ENGLAND_TOTAL = "total children who were missing during the year"


@dataclass(frozen=True)
class PopulationLoaded:
    council_code: str
    total: int
    changed: int

    def __str__(self) -> str:
        return (
            f"Loaded the population aged 0-17 of council {self.council_code} in 5 ethnic groups "
            f"({self.total:,} children); {self.changed} group(s) changed."
        )


def population_load(
    *, data: bytes, name: str, council_code: str, source: str, by=None
) -> PopulationLoaded:
    """Load a council's population aged 0-17 by major ethnic group: all of it, or nothing
    with every problem (file, row, column, reason)."""
    rows = read_rows(data, name=name, columns=COLUMNS, required=COLUMNS)
    problems, wanted, first_row = [], {}, {}
    if not source.strip():
        problems.append(FileProblem(name, 1, "", NO_SOURCE))
    for number, row in rows:
        group = NAMES.get(" ".join(row["ethnic_group"].lower().split()))
        if group is None:
            reason = UNKNOWN_GROUP.format(value=row["ethnic_group"])
            problems.append(FileProblem(name, number, "ethnic_group", reason))
        elif group in first_row:
            reason = TWICE.format(group=group, row=first_row[group])
            problems.append(FileProblem(name, number, "ethnic_group", reason))
        raw = row["population_0_17"].replace(",", "")
        if not raw.isdigit():
            reason = NOT_A_COUNT.format(value=row["population_0_17"])
            problems.append(FileProblem(name, number, "population_0_17", reason))
        elif group is not None and group not in first_row:
            wanted[group] = int(raw)
        if group is not None:
            first_row.setdefault(group, number)
    absent = [g.value for g in EthnicGroup if g.value not in first_row]
    if absent and rows:
        problems.append(
            FileProblem(name, 1, "ethnic_group", ABSENT.format(groups=", ".join(absent)))
        )
    elif not rows:
        problems.append(FileProblem(name, 2, "", ABSENT.format(groups="any")))
    if problems:
        raise FileRejected(problems)
    return _written(wanted, council_code, source.strip(), by)


@transaction.atomic
def _written(wanted: dict, council_code: str, source: str, by) -> PopulationLoaded:
    existing = {
        p.ethnic_group: p for p in PopulationByEthnicity.objects.filter(council_code=council_code)
    }
    changed = 0
    for group, population in wanted.items():
        record = existing.get(group)
        if record is None:
            record = PopulationByEthnicity.objects.create(
                council_code=council_code,
                ethnic_group=group,
                population_0_17=population,
                source=source,
                loaded_by=by,
            )
            record_change(record=record, by=by)
            changed += 1
        elif (record.population_0_17, record.source) != (population, source):
            before = values_before_change(record)
            record.population_0_17, record.source, record.loaded_by = population, source, by
            record.save()
            record_change(record=record, by=by, before=before)
            changed += 1
    return PopulationLoaded(council_code, sum(wanted.values()), changed)


def council_population(council_code: str) -> dict | None:
    """The council's loaded population aged 0-17 by group, with its source; None if none."""
    rows = list(PopulationByEthnicity.objects.filter(council_code=council_code))
    if not rows:
        return None
    return {
        "groups": {r.ethnic_group: r.population_0_17 for r in rows},
        "total": sum(r.population_0_17 for r in rows),
        "source": rows[0].source,
    }


def population_loaded(council_code: str) -> dict | None:
    """What is loaded now for a council, as its loading page shows it: each group (in DfE's
    order) with its label and count, the total, the source, and when and by whom it was last
    changed (by None: the server's operator, with the command); None if nothing is loaded."""
    rows = list(
        PopulationByEthnicity.objects.filter(council_code=council_code).select_related("loaded_by")
    )
    if not rows:
        return None
    by_group = {r.ethnic_group: r for r in rows}
    latest = max(rows, key=lambda r: r.loaded_at)
    return {
        "groups": [
            {"group": g.value, "label": g.label, "count": by_group[g.value].population_0_17}
            for g in EthnicGroup
            if g.value in by_group
        ],
        "total": sum(r.population_0_17 for r in rows),
        "source": latest.source,
        "loaded_at": latest.loaded_at,
        "loaded_by": latest.loaded_by,
    }


def england_missing(day: dt.date) -> dict | None:
    """England's looked-after children who went missing from placement, per major ethnic
    group, for the latest year ending 31 March that has ended by `day` (the earliest year in
    the file for a day before it); None when the file holds no such year."""
    years = _england_years()
    if not years:
        return None
    ended = day.year if day >= dt.date(day.year, 3, 31) else day.year - 1
    year = max((y for y in years if y <= ended), default=min(years))
    return {"year_ending": year, **years[year], "source": ENGLAND_SOURCE}


@cache
def _england_years() -> dict[int, dict]:
    years: dict[int, dict] = {}
    with ENGLAND_FILE.open(encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            if row["missing_status"].strip().lower() != BY_ETHNIC_ORIGIN:
                continue
            year = years.setdefault(int(row["time_period"]), {"groups": {}, "total": None})
            label = row["characteristic"].strip()
            value = int(row["number"]) if row["number"].strip().isdigit() else None
            if label.lower() == ENGLAND_TOTAL:
                year["total"] = value
            elif label.startswith(ENGLAND_NOT_KNOWN) and "total" in label.lower():
                year["groups"]["not_known"] = value
            elif label[:2] in ENGLAND_GROUPS and "total" in label.lower():
                year["groups"][ENGLAND_GROUPS[label[:2]]] = value
    return years
