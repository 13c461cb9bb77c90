"""A year's SSDA903 tables read into Homeward's records (docs/returns.md, "Importing SSDA903").

The DfE's CSV layout: `header.csv` (CHILD, SEX, DOB, ETHNIC, UPN, MOTHER, MC_DOB),
`episodes.csv` (CHILD, DECOM, RNE, LS, CIN, PLACE, PLACE_PROVIDER, DEC, REC,
REASON_PLACE_CHANGE, HOME_POST, PL_POST, URN) and `missing.csv` (CHILD, DOB, MISSING,
MIS_START, MIS_END), dates DD/MM/YYYY. They become a data bundle (translated.py): children,
their looked-after placements, and their missing and away periods, which are known to the
day only (Episode.day_precision).
"""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from homeward.children.models import Child
from homeward.exchange.cells import CellError, read_date
from homeward.exchange.ssd import PLACE_TYPES
from homeward.exchange.translated import (
    EPISODE_HEADER,
    NO_FILES,
    NOT_A_FOLDER,
    NOT_CHECKED,
    SourceRow,
    Translation,
    Where,
    day_period,
    last_day,
    other_files,
    placed_on,
    read_tables,
    rows_of,
)

IGNORED = "{file}: ignored column(s) Homeward does not know: {columns}"
HEADER = "header.csv"
EPISODES = "episodes.csv"
MISSING = "missing.csv"

COLUMNS = {
    HEADER: ("child", "sex", "dob", "ethnic", "upn", "mother", "mc_dob"),
    EPISODES: (
        "child",
        "decom",
        "rne",
        "ls",
        "cin",
        "place",
        "place_provider",
        "dec",
        "rec",
        "reason_place_change",
        "home_post",
        "pl_post",
        "urn",
    ),
    MISSING: ("child", "dob", "missing", "mis_start", "mis_end"),
}
REQUIRED = {
    HEADER: ("child", "sex", "dob", "ethnic"),
    EPISODES: ("child", "decom", "rne", "place", "dec", "urn"),
    MISSING: ("child", "missing", "mis_start", "mis_end"),
}
FILES = tuple(COLUMNS)

HEADERS = {
    "children.csv": ("child_id", "first_name", "last_name", "date_of_birth", "sex", "ethnicity"),
    "placements.csv": (
        "placement_id",
        "child_id",
        "start_date",
        "end_date",
        "placement_type",
        "place_code",
        "provider_urn",
    ),
    "episodes.csv": EPISODE_HEADER,
}
SEXES = {"1": "male", "2": "female"}
CATEGORIES = {"M": "missing", "A": "away"}
# A child new to Homeward has no name in the 903: these stand until the council's own
# records (an SSD extract or children.csv) give it.
UNNAMED_FIRST = "Not known"
UNNAMED_LAST = "Not known (903 child {child})"

UNKNOWN = "'{value}' is not a {what} the SSDA903 uses. Use one of: {choices}."
NO_CHILD = "Child '{child}' is not in header.csv nor already recorded in Homeward."
AFTER_THE_YEAR = (
    "{value} is after the collection year {year} (1 April {start} to 31 March {year}): "
    "check the date, or import this file with the year it belongs to."
)
OTHER_BIRTH_DATE = (
    "The date of birth here ({here}) is not the one header.csv gives child {child} "
    "({there}). Correct whichever is wrong."
)
ONE_DAY_PLACEMENT = (
    "A 903 episode cannot start and end on the same day (DECOM and DEC are both {day})."
)


@dataclass
class _Reader:
    translation: Translation
    year: int
    children: set[str]
    known: set[str]
    unchecked: dict[str, int]

    def day(self, row: SourceRow, column: str, *, required: bool = False) -> dt.date | None:
        raw = row.get(column)
        if not raw:
            if required:
                self.translation.problem(row.at(column), f"Enter the {column.upper()} date.")
            return None
        try:
            value = read_date(raw)
        except CellError as error:
            self.translation.problem(row.at(column), str(error))
            return None
        if value > dt.date(self.year, 3, 31):
            message = AFTER_THE_YEAR.format(value=raw, year=self.year, start=self.year - 1)
            self.translation.problem(row.at(column), message)
        return value

    def child(self, row: SourceRow) -> str:
        child = row.get("child")
        if child not in self.children and child not in self.known:
            if HEADER in self.translation.unreadable:
                self.unchecked[row.file] = self.unchecked.get(row.file, 0) + 1
            else:
                self.translation.problem(row.at("child"), NO_CHILD.format(child=child))
        return child


def translate(folder: Path, *, council_id: int, year: int) -> Translation:
    """A year's 903 tables in `folder` as a data bundle, with every problem of the files."""
    translation = Translation(f"The SSDA903 tables for {year}", HEADERS, tables="SSDA903 tables")
    if not folder.is_dir():
        translation.problem(Where("", 0), NOT_A_FOLDER.format(path=folder))
        return translation
    other_files(folder, FILES, translation)
    # The DfE writes its column names in upper case: a header written so is read as it is.
    read = {name: dict.fromkeys(columns, "") for name, columns in COLUMNS.items()}
    tables = read_tables(folder, read, REQUIRED, translation, spelled=str.upper)
    for name, rows in tables.items():  # the DfE's layout is fixed: say what else was there
        unknown = [
            column for column in (rows[0].cells if rows else ()) if column not in COLUMNS[name]
        ]
        if unknown:
            translation.notes.append(IGNORED.format(file=name, columns=", ".join(unknown)))
    if not tables:
        translation.problem(Where("", 0), NO_FILES.format(path=folder, names=", ".join(FILES)))
        return translation
    names = {
        ref: (first, last)
        for ref, first, last in Child.all_records.filter(council_id=council_id).values_list(
            "local_id", "first_name", "last_name"
        )
    }
    reader = _Reader(
        translation,
        year,
        {row.get("child") for row in rows_of(tables, HEADER)},
        set(names),
        {},
    )
    births = _children(reader, tables, names)
    placements = _placements(reader, tables)
    _missing(reader, tables, placements, births)
    for file, count in reader.unchecked.items():
        message = NOT_CHECKED.format(count=count, what="child", file=HEADER)
        translation.problem(Where(file, 0), message)
    return translation


def _children(reader: _Reader, tables, names: dict) -> dict[str, dt.date]:
    births = {}
    unnamed = 0
    for row in rows_of(tables, HEADER):
        child = row.get("child")
        sex = row.get("sex")
        if sex not in SEXES:
            message = UNKNOWN.format(value=sex, what="SEX code", choices="1 (male), 2 (female)")
            reader.translation.problem(row.at("sex"), message)
        born = reader.day(row, "dob", required=True)
        if born:
            births[child] = born
        first, last = names.get(child, (None, None))
        if first is None:
            unnamed += 1
            first, last = UNNAMED_FIRST, UNNAMED_LAST.format(child=child)
        values = {
            "child_id": child,
            "first_name": first,
            "last_name": last,
            "date_of_birth": born.isoformat() if born else row.get("dob"),
            "sex": SEXES.get(sex, sex),
            "ethnicity": row.get("ethnic").upper(),
        }
        cells = {
            "child_id": row.at("child"),
            "date_of_birth": row.at("dob"),
            "sex": row.at("sex"),
            "ethnicity": row.at("ethnic"),
        }
        reader.translation.add("children.csv", values, row.at(), cells)
    if unnamed:
        reader.translation.notes.append(
            f"{HEADER}: {unnamed} child(ren) new to Homeward, whom the 903 does not name: "
            f"recorded as '{UNNAMED_FIRST}' '{UNNAMED_LAST.format(child='…')}' until the "
            "council's own records (an SSD extract or children.csv) give their names."
        )
    return births


@dataclass
class _Placement:
    ref: str
    child: str
    start: dt.date | None
    end: dt.date | None
    code: str
    rows: list[SourceRow]


def _placements(reader: _Reader, tables) -> list[_Placement]:
    """One placement for each 903 episode, but that an episode which changes the legal
    status only (RNE L) goes on with the placement before it."""
    by_child: dict[str, list[tuple[dt.date, dt.date | None, SourceRow]]] = {}
    for row in rows_of(tables, EPISODES):
        child = reader.child(row)
        start = reader.day(row, "decom", required=True)
        end = reader.day(row, "dec")
        code = row.get("place").upper()
        if code not in PLACE_TYPES:
            message = UNKNOWN.format(
                value=code, what="PLACE code", choices=", ".join(sorted(PLACE_TYPES))
            )
            reader.translation.problem(row.at("place"), message)
        if start and end and start == end:
            reader.translation.problem(row.at("dec"), ONE_DAY_PLACEMENT.format(day=row.get("dec")))
        if start:
            by_child.setdefault(child, []).append((start, end, row))
    placements = []
    for child, rows in by_child.items():
        current: _Placement | None = None
        for start, end, row in sorted(rows, key=lambda found: (found[0], found[2].number)):
            code = row.get("place").upper()
            if (
                current is not None
                and row.get("rne").upper() == "L"
                and current.code == code
                and current.end == start
            ):
                current.end = end
                current.rows.append(row)
                continue
            ref = f"903-{child}-{start:%Y%m%d}"
            current = _Placement(ref, child, start, end, code, [row])
            placements.append(current)
    for placement in placements:
        first, last = placement.rows[0], placement.rows[-1]
        values = {
            "placement_id": placement.ref,
            "child_id": placement.child,
            "start_date": placement.start.isoformat(),
            "end_date": last_day(placement.end),
            "placement_type": PLACE_TYPES.get(placement.code, ""),
            "place_code": placement.code,
            "provider_urn": first.get("urn"),
        }
        cells = {
            "placement_id": first.at("decom"),
            "child_id": first.at("child"),
            "start_date": first.at("decom"),
            "end_date": last.at("dec"),
            "placement_type": first.at("place"),
            "place_code": first.at("place"),
            "provider_urn": first.at("urn"),
        }
        reader.translation.add("placements.csv", values, first.at(), cells)
    return placements


def _missing(reader: _Reader, tables, placements: list[_Placement], births: dict) -> None:
    seen: dict[tuple[str, str, dt.date], int] = {}
    for row in rows_of(tables, MISSING):
        child = reader.child(row)
        kind = row.get("missing").upper()
        if kind not in CATEGORIES:
            message = UNKNOWN.format(value=kind, what="MISSING code", choices="M, A")
            reader.translation.problem(row.at("missing"), message)
        born = reader.day(row, "dob")
        if born and child in births and births[child] != born:
            message = OTHER_BIRTH_DATE.format(
                here=row.get("dob"), child=child, there=f"{births[child]:%d/%m/%Y}"
            )
            reader.translation.problem(row.at("dob"), message)
        start = reader.day(row, "mis_start", required=True)
        end = reader.day(row, "mis_end")
        if start is None:
            continue
        # Several periods of a child on one day are kept apart, in the file's order.
        key = (child, kind, start)
        seen[key] = seen.get(key, 0) + 1
        ref = f"903-{child}-{kind}-{start:%Y%m%d}-{seen[key]}"
        last_seen, returned = day_period(start, end)
        placement = next(
            (p.ref for p in placements if p.child == child and placed_on(start, p.start, p.end)),
            "",
        )
        values = {
            "episode_id": ref,
            "child_id": child,
            "category": CATEGORIES.get(kind, kind),
            "last_seen_at": last_seen,
            "returned_at": returned,
            "day_precision": "yes",
            "missing_from": "placement",
            "placement_id": placement,
            "legal_status": "looked_after",
        }
        cells = {
            "episode_id": row.at("mis_start"),
            "child_id": row.at("child"),
            "category": row.at("missing"),
            "last_seen_at": row.at("mis_start"),
            "returned_at": row.at("mis_end"),
        }
        reader.translation.add("episodes.csv", values, row.at(), cells)
