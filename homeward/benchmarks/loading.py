"""Reading DfE and ONS files into comparator figures, and loading a release all or nothing.

Three shapes of file, as DfE and ONS publish them (the shipped copies in `data/` are
examples): looked-after children who went missing per council, region and England; a
statistical-neighbour model (the 2021 and 2025 layouts both read); and the ONS 0-17
population. Every problem in every file is found before anything is written, and each
names the file, the row (the header is row 1), the column and what is wrong.
"""

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.apps import apps as django_apps
from django.db import transaction

DATA = Path(__file__).parent / "data"
SHIPPED_MISSING = [
    DATA / "cla_missing_by_la_2018_2022.csv",
    DATA / "cla_missing_by_la_2020_2024.csv",
]
SHIPPED_NEIGHBOURS = {
    2021: DATA / "statistical_neighbours_2021.csv",
    2025: DATA / "statistical_neighbours_2025.csv",
}
SHIPPED_POPULATION = DATA / "ons_population_0_17_2012_2024.csv"
BATCH = 2000
ENGLAND = "E92000001"

# DfE's `cla_group` text (lower case, spaces collapsed) -> Homeward's stable measure key.
AWAY = "away from placement without authorisation"
MEASURES = {
    "children looked after during the year": "children_looked_after",
    "children who had a missing incident during the year": "children_missing",
    "number of missing incidents during the year": "missing_incidents",
    "children who went missing more than once during the year": "children_missing_more_than_once",
    "percentage of children who had a missing incident during the year": "pct_missing",
    "average number of missing incidents per looked after child who went missing": (
        "incidents_per_missing_child"
    ),
    "children missing at 31 march": "children_missing_at_31_march",
    f"children who were {AWAY} during the year": "children_away",
    f"number of {AWAY} incidents during the year": "away_incidents",
    f"children who were {AWAY} more than once during the year": "children_away_more_than_once",
    f"percentage of children who were {AWAY} during the year": "pct_away",
    # DfE's label says "per looked after child", but the figure is incidents per child who
    # was away (England 2024: 10,780 incidents / 2,720 children = 4.0, as published).
    f"average number of {AWAY} incidents per looked after child": "incidents_per_away_child",
    f"children {AWAY} at 31 march": "children_away_at_31_march",
}
LEVELS = {"national": "england", "regional": "region", "local authority": "council"}
SYMBOLS = {"c", "z", "x", "k"}
COUNCIL_CODE = re.compile(r"^\d{3}$")
AREA_CODE = re.compile(r"^E\d{8}$")
YEAR = re.compile(r"^(19|20)\d{2}$")

MISSING_COLUMNS = [
    "time_period",
    "geographic_level",
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "old_la_code",
    "la_name",
    "cla_group",
    "number",
]
POPULATION_COLUMNS = [
    "time_period",
    "geographic_level",
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "old_la_code",
    "la_name",
    "population_estimate",
]


@dataclass(frozen=True)
class FileProblem:
    """One thing wrong with a file: where (file, row, column) and what."""

    file: str
    row: int | None
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}, row {self.row}" if self.row else self.file
        return (
            f"{where}, {self.column}: {self.reason}" if self.column else f"{where}: {self.reason}"
        )


class ReleaseRejected(Exception):
    """A release with problems: nothing was loaded."""

    def __init__(self, problems: list[FileProblem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s); nothing was loaded.")


@dataclass
class Release:
    """What was read from a release's files, ready to write."""

    figures: list[dict]
    neighbours: list[dict]
    neighbour_model_year: int | None
    population: list[dict]


def _rows(path: Path, required: list[str], problems: list[FileProblem]):
    """Yield (row number, cells keyed by lower-case column) or record why the file is unreadable."""
    name = path.name
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f)
            header = [h.strip().lower() for h in next(reader, [])]
            absent = [c for c in required if c not in header]
            if absent:
                problems.append(
                    FileProblem(name, 1, ", ".join(absent), "the header lacks these columns.")
                )
                return
            for number, cells in enumerate(reader, start=2):
                if any(c.strip() for c in cells):
                    yield number, dict(zip(header, (c.strip() for c in cells), strict=False))
    except FileNotFoundError:
        problems.append(FileProblem(name, None, "", f"there is no file at {path}."))
    except UnicodeDecodeError:
        problems.append(FileProblem(name, None, "", "it is not UTF-8 text. Save it as CSV UTF-8."))


def _number(raw: str) -> tuple[Decimal | None, str] | None:
    """(value, status) for a DfE cell; None if it is neither a number nor a DfE symbol."""
    if raw.lower() in SYMBOLS:
        return None, raw.lower()
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None
    return (value, "") if value.is_finite() and value >= 0 else None


def _area(level: str, cells: dict, number: int, problems: list, name: str) -> tuple[str, str]:
    """The area code and name a row is about, by its geographic level."""
    column, pattern, name_column = {
        "council": ("old_la_code", COUNCIL_CODE, "la_name"),
        "region": ("region_code", AREA_CODE, "region_name"),
        "england": ("country_code", AREA_CODE, "country_name"),
    }[level]
    code = cells.get(column, "")
    if not pattern.match(code):
        problems.append(FileProblem(name, number, column, f"'{code}' is not a {level} code."))
    return code, cells.get(name_column, "")


def read_missing(path: Path, problems: list[FileProblem]) -> list[dict]:
    """PublishedFigure rows from a DfE 'looked-after children who went missing' file."""
    name = path.name
    figures, seen = [], set()
    for number, cells in _rows(Path(path), MISSING_COLUMNS, problems):
        before = len(problems)
        year = cells["time_period"]
        if not YEAR.match(year):
            problems.append(FileProblem(name, number, "time_period", f"'{year}' is not a year."))
        level = LEVELS.get(cells["geographic_level"].lower())
        if level is None:
            problems.append(
                FileProblem(
                    name,
                    number,
                    "geographic_level",
                    f"'{cells['geographic_level']}' is not National, Regional or Local authority.",
                )
            )
        group = " ".join(cells["cla_group"].lower().split())
        measure = MEASURES.get(group)
        if measure is None:
            problems.append(
                FileProblem(
                    name,
                    number,
                    "cla_group",
                    f"'{cells['cla_group']}' is not a measure Homeward knows.",
                )
            )
        parsed = _number(cells["number"])
        if parsed is None:
            problems.append(
                FileProblem(
                    name,
                    number,
                    "number",
                    f"'{cells['number']}' is neither a number nor c, z, x or k.",
                )
            )
        code, area_name = _area(level, cells, number, problems, name) if level else ("", "")
        if len(problems) > before:
            continue
        key = (int(year), level, code, measure)
        if key in seen:
            problems.append(FileProblem(name, number, "cla_group", "this figure appears twice."))
            continue
        seen.add(key)
        figures.append(
            {
                "source": name,
                "year_ending": int(year),
                "level": level,
                "area_code": code,
                "area_name": area_name,
                "region_code": cells["region_code"] if level == "council" else "",
                "measure": measure,
                "value": parsed[0],
                "status": parsed[1],
            }
        )
    return figures


def _neighbour_columns(header: list[str]) -> dict[int, tuple[int, int | None]]:
    """rank -> (index of the neighbour's code, index of its closeness), from either layout."""
    columns = {}
    for i, raw in enumerate(header):
        match = re.fullmatch(r"SN_?(\d+)", raw.strip().upper())
        if match:
            after = header[i + 1].strip().upper() if i + 1 < len(header) else ""
            closeness = i + 1 if re.fullmatch(r"SN_?\d*P", after) else None
            columns[int(match.group(1))] = (i, closeness)
    return columns


def read_neighbours(path: Path, model_year: int, problems: list[FileProblem]) -> list[dict]:
    """StatisticalNeighbour rows from a DfE statistical-neighbour model (2021 or 2025 layout)."""
    path, name = Path(path), Path(path).name
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            rows = list(csv.reader(f))
    except (FileNotFoundError, UnicodeDecodeError) as error:
        problems.append(FileProblem(name, None, "", f"it cannot be read ({error})."))
        return []
    columns = _neighbour_columns(rows[0] if rows else [])
    if sorted(columns) != list(range(1, 11)):
        problems.append(
            FileProblem(name, 1, "SN_1…SN_10", "the header must name ten neighbour columns.")
        )
        return []
    neighbours, councils = [], set()
    for number, cells in enumerate(rows[1:], start=2):
        # Blank separators and notes ("Old SNs:") have nothing in the first column.
        code = cells[0].strip() if cells else ""
        if not code:
            continue
        if not COUNCIL_CODE.match(code):
            problems.append(
                FileProblem(name, number, "old_la_code", f"'{code}' is not a council code.")
            )
            continue
        if code in councils:
            problems.append(
                FileProblem(name, number, "old_la_code", f"council {code} appears twice.")
            )
            continue
        councils.add(code)
        for rank, (at, closeness_at) in sorted(columns.items()):
            neighbour = cells[at].strip() if at < len(cells) else ""
            if not COUNCIL_CODE.match(neighbour):
                problems.append(
                    FileProblem(
                        name, number, rows[0][at].strip(), f"'{neighbour}' is not a council code."
                    )
                )
                continue
            closeness = cells[closeness_at] if closeness_at and closeness_at < len(cells) else ""
            neighbours.append(
                {
                    "model_year": model_year,
                    "council_code": code,
                    "rank": rank,
                    "neighbour_code": neighbour,
                    "closeness": " ".join(closeness.split()).capitalize(),
                }
            )
    return neighbours


def read_population(path: Path, problems: list[FileProblem]) -> list[dict]:
    """Population0to17 rows from the ONS 0-17 mid-year estimates file."""
    name = Path(path).name
    population, seen = [], set()
    for number, cells in _rows(Path(path), POPULATION_COLUMNS, problems):
        before = len(problems)
        year = cells["time_period"]
        if not YEAR.match(year):
            problems.append(FileProblem(name, number, "time_period", f"'{year}' is not a year."))
        level = LEVELS.get(cells["geographic_level"].lower())
        if level is None:
            problems.append(
                FileProblem(
                    name,
                    number,
                    "geographic_level",
                    f"'{cells['geographic_level']}' is not National, Regional or Local authority.",
                )
            )
        raw = cells["population_estimate"]
        parsed = _number(raw)
        if parsed is None or (parsed[0] is not None and parsed[0] != int(parsed[0])):
            problems.append(
                FileProblem(
                    name,
                    number,
                    "population_estimate",
                    f"'{raw}' is neither a whole number nor c, z, x or k.",
                )
            )
        code, area_name = _area(level, cells, number, problems, name) if level else ("", "")
        if len(problems) > before:
            continue
        if (int(year), level, code) in seen:
            problems.append(
                FileProblem(name, number, "time_period", "this area and year appear twice.")
            )
            continue
        seen.add((int(year), level, code))
        value = None if parsed[0] is None else int(parsed[0])
        population.append(
            {
                "year": int(year),
                "level": level,
                "area_code": code,
                "area_name": area_name,
                "value": value,
                "status": parsed[1],
            }
        )
    return population


def newest_per_year(releases: Iterable[list[dict]], year_key: str = "year_ending") -> list[dict]:
    """Rows of several releases, oldest first, each year taken from the last release holding it."""
    by_year: dict[int, list[dict]] = {}
    for rows in releases:
        years: dict[int, list[dict]] = {}
        for row in rows:
            years.setdefault(row[year_key], []).append(row)
        by_year.update(years)
    return [row for year in sorted(by_year) for row in by_year[year]]


def read_release(
    *,
    missing: Path | None = None,
    neighbours: Path | None = None,
    model_year: int | None = None,
    population: Path | None = None,
) -> Release:
    """Read and check a release's files; raise ReleaseRejected listing every problem."""
    problems: list[FileProblem] = []
    if neighbours and not model_year:
        problems.append(
            FileProblem(
                Path(neighbours).name,
                None,
                "",
                "say which model it is with --model-year (e.g. 2025).",
            )
        )
    release = Release(
        figures=read_missing(missing, problems) if missing else [],
        neighbours=read_neighbours(neighbours, model_year or 0, problems) if neighbours else [],
        neighbour_model_year=model_year if neighbours else None,
        population=read_population(population, problems) if population else [],
    )
    if problems:
        raise ReleaseRejected(problems)
    return release


def write_release(release: Release, apps=django_apps) -> dict[str, int]:
    """Replace the years (and neighbour model) the release covers, in one transaction."""
    figure = apps.get_model("benchmarks", "PublishedFigure")
    neighbour = apps.get_model("benchmarks", "StatisticalNeighbour")
    people = apps.get_model("benchmarks", "Population0to17")
    with transaction.atomic():
        if release.figures:
            years = {row["year_ending"] for row in release.figures}
            figure.objects.filter(year_ending__in=years).delete()
            figure.objects.bulk_create((figure(**r) for r in release.figures), batch_size=BATCH)
        if release.neighbour_model_year:
            neighbour.objects.filter(model_year=release.neighbour_model_year).delete()
            neighbour.objects.bulk_create(
                (neighbour(**r) for r in release.neighbours), batch_size=BATCH
            )
        if release.population:
            years = {row["year"] for row in release.population}
            people.objects.filter(year__in=years).delete()
            people.objects.bulk_create((people(**r) for r in release.population), batch_size=BATCH)
    return {
        "figures": len(release.figures),
        "neighbours": len(release.neighbours),
        "population": len(release.population),
    }


def load_release(**files) -> dict[str, int]:
    """Read, check and load a newer DfE release: all of it or nothing."""
    return write_release(read_release(**files))


def load_shipped(apps=django_apps) -> dict[str, int]:
    """Load the copies shipped in `data/`, the newer release winning where years overlap."""
    problems: list[FileProblem] = []
    figures = newest_per_year(read_missing(path, problems) for path in SHIPPED_MISSING)
    population = read_population(SHIPPED_POPULATION, problems)
    neighbours = {
        year: read_neighbours(path, year, problems) for year, path in SHIPPED_NEIGHBOURS.items()
    }
    if problems:
        raise ReleaseRejected(problems)
    counts = write_release(Release(figures, [], None, population), apps)
    for year, rows in neighbours.items():
        counts["neighbours"] += write_release(Release([], rows, year, []), apps)["neighbours"]
    return counts
