"""The Standard Safeguarding Dataset (SSD) read into Homeward's records (docs/ssd.md).

Data to Insight's SSD (data-to-insight/ssd-data-model, data/objects/*.yml) is the extract a
council runs against its case-management system. Its tables, exported as CSV and named as
the SSD names them, are read by the SSD's own column names; each is given below with its
item reference. They become a data bundle (translated.py): children, placements, episodes
and their return home interviews; the allocations, which the bundle has no file for, are
written in the same transaction.
"""

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model

from homeward.audit.services import record_change, save_audited, values_before_change
from homeward.children.models import Allocation, Child
from homeward.core.clock import LONDON
from homeward.exchange.cells import CellError, read_date, read_datetime
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
    within,
)
from homeward.interviews.models import ReturnInterview
from homeward.interviews.selectors import attempts_required

PERSON = "ssd_person.csv"
LEGAL_STATUS = "ssd_legal_status.csv"
CLA_EPISODES = "ssd_cla_episodes.csv"
PLACEMENTS = "ssd_cla_placement.csv"
MISSING = "ssd_missing.csv"
LINKED = "ssd_linked_identifiers.csv"
INVOLVEMENTS = "ssd_involvements.csv"
PROFESSIONALS = "ssd_professionals.csv"

# Each table's columns Homeward reads, with the SSD's item reference, and those it needs.
COLUMNS = {
    PERSON: {
        "pers_person_id": "PERS001A",
        "pers_forename": "PERS015A",
        "pers_surname": "PERS016A",
        "pers_sex": "PERS002A",
        "pers_ethnicity": "PERS004A",
        "pers_dob": "PERS005A",
        "pers_upn": "PERS006A",
    },
    LEGAL_STATUS: {
        "lega_legal_status_id": "LEGA001A",
        "lega_person_id": "LEGA002A",
        "lega_legal_status": "LEGA003A",
        "lega_legal_status_start_date": "LEGA004A",
        "lega_legal_status_end_date": "LEGA005A",
    },
    CLA_EPISODES: {
        "clae_cla_episode_id": "CLAE001A",
        "clae_person_id": "CLAE002A",
        "clae_cla_episode_start_date": "CLAE003A",
        "clae_cla_episode_ceased": "CLAE005A",
        "clae_cla_id": "CLAE010A",
        "clae_cla_placement_id": "CLAE013A",
    },
    PLACEMENTS: {
        "clap_cla_placement_id": "CLAP001A",
        "clap_cla_episode_id": "CLAP002A",
        "clap_cla_placement_start_date": "CLAP003A",
        "clap_cla_placement_type": "CLAP004A",
        "clap_cla_placement_urn": "CLAP005A",
        "clap_cla_placement_la": "CLAP006A",
        "clap_cla_placement_end_date": "CLAP009A",
        "clap_cla_id": "CLAP012A",
    },
    MISSING: {
        "miss_table_id": "MISS001A",
        "miss_la_person_id": "MISS002A",
        "miss_mis_epi_start": "MISS003A",
        "miss_mis_epi_type": "MISS004A",
        "miss_mis_epi_end": "MISS005A",
        "miss_mis_epi_rhi_offered": "MISS006A",
        "miss_mis_epi_rhi_accepted": "MISS007A",
    },
    LINKED: {
        "link_table_id": "LINK001A",
        "link_person_id": "LINK002A",
        "link_identifier_type": "LINK003A",
        "link_identifier_value": "LINK004A",
        "link_valid_from_date": "LINK005A",
        "link_valid_to_date": "LINK006A",
    },
    INVOLVEMENTS: {
        "invo_involvements_id": "INVO005A",
        "invo_professional_id": "INVO006A",
        "invo_professional_team": "INVO009A",
        "invo_involvement_start_date": "INVO002A",
        "invo_involvement_end_date": "INVO003A",
        "invo_person_id": "INVO011A",
    },
    PROFESSIONALS: {
        "prof_professional_id": "PROF001A",
        "prof_staff_id": "PROF010A",
        "prof_professional_department": "PROF012A",
    },
}
REQUIRED = {
    PERSON: ("pers_person_id", "pers_forename", "pers_surname", "pers_sex", "pers_dob"),
    LEGAL_STATUS: (
        "lega_person_id",
        "lega_legal_status",
        "lega_legal_status_start_date",
        "lega_legal_status_end_date",
    ),
    CLA_EPISODES: (
        "clae_cla_episode_id",
        "clae_person_id",
        "clae_cla_episode_start_date",
        "clae_cla_episode_ceased",
    ),
    PLACEMENTS: (
        "clap_cla_placement_id",
        "clap_cla_episode_id",
        "clap_cla_placement_start_date",
        "clap_cla_placement_type",
        "clap_cla_placement_end_date",
    ),
    MISSING: (
        "miss_table_id",
        "miss_la_person_id",
        "miss_mis_epi_start",
        "miss_mis_epi_type",
        "miss_mis_epi_end",
        "miss_mis_epi_rhi_offered",
        "miss_mis_epi_rhi_accepted",
    ),
    LINKED: ("link_person_id", "link_identifier_type", "link_identifier_value"),
    INVOLVEMENTS: (
        "invo_professional_id",
        "invo_involvement_start_date",
        "invo_involvement_end_date",
        "invo_person_id",
    ),
    PROFESSIONALS: ("prof_professional_id",),
}
FILES = tuple(COLUMNS)
# Read for the allocations, which the bundle has no file for (`involvements`).
WORKFORCE = (INVOLVEMENTS, PROFESSIONALS)

HEADERS = {
    "children.csv": (
        "child_id",
        "first_name",
        "last_name",
        "date_of_birth",
        "sex",
        "ethnicity",
        "police_id",
    ),
    "placements.csv": (
        "placement_id",
        "child_id",
        "start_date",
        "end_date",
        "placement_type",
        "place_code",
        "provider_urn",
        "host_la",
    ),
    "episodes.csv": EPISODE_HEADER,
    "interviews.csv": (
        "interview_id",
        "episode_id",
        "offered_at",
        "outcome",
        "completed_at",
        "conducted_by",
    ),
}

SEXES = {"M": "male", "F": "female", "U": "unknown"}
CATEGORIES = {"M": "missing", "A": "away"}
YES = {"Y", "YES"}
NO = {"N", "NO"}
# The SSDA903 legal statuses under which a child is looked after (LEGA003A); the SSD carries
# others too (special guardianship, child arrangements, private fostering…), which are not.
LOOKED_AFTER_STATUSES = frozenset(
    {"C1", "C2", "D1", "E1", "J1", "J2", "J3", "L1", "L2", "L3", "V2", "V3", "V4"}
)
# A linked identifier (LINK003A) is the police's id for the child when its type says so.
POLICE_WORDS = ("police", "pnc")
# The SSDA903 PLACE codes (CLAP004A) and the placement type Homeward files each under.
PLACE_TYPES = {
    "A3": "other",
    "A4": "other",
    "A5": "other",
    "A6": "other",
    "H5": "semi_independent",
    "K1": "secure",
    "K2": "childrens_home",
    "P1": "with_parents",
    "P2": "other",
    "P3": "other",
    "R1": "other",
    "R2": "other",
    "R3": "other",
    "R5": "secure",
    "S1": "other",
    "T0": "other",
    "T1": "other",
    "T2": "other",
    "T3": "other",
    "T4": "other",
    "U1": "kinship",
    "U2": "kinship",
    "U3": "kinship",
    "U4": "foster",
    "U5": "foster",
    "U6": "foster",
    "Z1": "other",
}
NOT_RECORDED = "Not recorded in the SSD"

UNKNOWN = "'{value}' is not one of the {what} codes the SSD uses ({ref}). Use one of: {choices}."
NO_PERSON = "Person '{ref}' is not in ssd_person.csv nor already recorded in Homeward."
PLACEMENT_OF_NOBODY = (
    "This placement names no looked-after episode in ssd_cla_episodes.csv (CLAP002A, "
    "CLAP012A), and no episode names it (CLAE013A): whose placement it is cannot be told."
)
RHI_STILL_MISSING = (
    "A return home interview is given as offered, but this episode has no end "
    "(MISS005A): a child is offered one after they return."
)
ACCEPTED_NOT_OFFERED = (
    "The return interview is given as accepted but not offered (MISS006A): check both answers."
)
OFFERED_NO_ANSWER = (
    "{file}, row {row}: the return interview is given as offered (MISS006A) with no answer to "
    "whether it was accepted (MISS007A): interview {interview} is recorded as offered at the "
    "return (the SSD gives no time of the offer), its outcome not yet known (no contact made "
    "yet), {owed}"
)
STILL_OWED = "and the return is still owed an interview until its outcome is recorded."
NO_LONGER_OWED = (
    "which is the one offer with no contact made that the council requires: the return is no "
    "longer owed an interview."
)
ANSWERS_BLANKED = (
    "{file}, row {row}: the return interview's answers (MISS006A, MISS007A) are empty, but "
    "interview {interview} ({outcome}), recorded from an earlier extract, is kept as it was: "
    "an import never deletes a record. If it should not stand, mark it entered in error on "
    "the child's page."
)
ONE_DAY_PLACEMENT = (
    "A placement cannot start and end on the same day (CLAP003A and CLAP009A are both {day})."
)
NOT_A_DAY = "'{value}' is not a date. Write it as YYYY-MM-DD or DD/MM/YYYY."
NO_ONE_TO_ALLOCATE = (
    "This involvement names no team (INVO009A, or PROF012A of the professional) and its "
    "professional's staff id (PROF010A) is no Homeward user: it cannot be an allocation."
)
HOST_NOT_A_COUNCIL = (
    "'{value}' is not the DfE code of a council Homeward knows (CLAP006A). Homeward records "
    "where a child is placed by the council's three-digit code; a placement outside England "
    "cannot yet be imported."
)


def _choices(codes) -> str:
    return ", ".join(sorted(codes))


@dataclass
class _Moment:
    """A date or time read from an SSD cell: `timed` when it had a time other than midnight."""

    value: dt.datetime
    timed: bool

    @property
    def day(self) -> dt.date:
        return self.value.astimezone(LONDON).date()


def _moment(raw: str) -> _Moment:
    try:
        day = read_date(raw)
        return _Moment(dt.datetime(day.year, day.month, day.day, tzinfo=LONDON), False)
    except CellError:
        pass
    # SQL Server writes "2024-03-01 14:30:00.000"; a time of midnight is a date alone.
    value = read_datetime(raw.replace(" ", "T", 1) if "/" not in raw else raw)
    local = value.astimezone(LONDON)
    return _Moment(value, local.time() != dt.time())


@dataclass
class _Reader:
    translation: Translation
    tables: dict[str, list[SourceRow] | None]
    today: dt.date
    known_children: set[str]
    council_id: int = 0
    people: set[str] = field(default_factory=set)
    # Rows naming a person not known, when ssd_person.csv could not be read, by file.
    unchecked: dict[str, int] = field(default_factory=dict)

    def day(self, row: SourceRow, column: str) -> dt.date | None:
        raw = row.get(column)
        if not raw:
            return None
        try:
            return _moment(raw).day
        except CellError:
            self.translation.problem(row.at(column), NOT_A_DAY.format(value=raw))
            return None

    def moment(self, row: SourceRow, column: str) -> _Moment | None:
        raw = row.get(column)
        if not raw:
            return None
        try:
            return _moment(raw)
        except CellError as error:
            self.translation.problem(row.at(column), str(error))
            return None

    def person(self, row: SourceRow, column: str) -> str | None:
        ref = row.get(column)
        if ref and ref not in self.people and ref not in self.known_children:
            if PERSON in self.translation.unreadable:
                self.unchecked[row.file] = self.unchecked.get(row.file, 0) + 1
            else:
                self.translation.problem(row.at(column), NO_PERSON.format(ref=ref))
            return None
        return ref


def translate(folder: Path, *, council_id: int, today: dt.date) -> Translation:
    """The SSD tables in `folder` as a data bundle, with every problem of the SSD itself."""
    translation = Translation("The SSD", HEADERS, tables="SSD tables")
    if not folder.is_dir():
        translation.problem(Where("", 0), NOT_A_FOLDER.format(path=folder))
        return translation
    other_files(folder, FILES, translation)
    records = {name: REQUIRED[name] for name in FILES if name not in WORKFORCE}
    tables = read_tables(folder, COLUMNS, records, translation, null_as_empty=True)
    if not tables:
        translation.problem(Where("", 0), NO_FILES.format(path=folder, names=", ".join(FILES)))
        return translation
    known = set(Child.all_records.filter(council_id=council_id).values_list("local_id", flat=True))
    reader = _Reader(translation, tables, today, known, council_id)
    reader.people = {row.get("pers_person_id") for row in rows_of(tables, PERSON)}
    _children(reader)
    placements = _placements(reader)
    _episodes(reader, placements)
    _upn_note(reader)
    for file, count in reader.unchecked.items():
        message = NOT_CHECKED.format(count=count, what="person", file=PERSON)
        translation.problem(Where(file, 0), message)
    return translation


def _children(reader: _Reader) -> None:
    police = _police_ids(reader)
    with_police = LINKED in reader.tables
    header = HEADERS["children.csv"]
    if not with_police:
        reader.translation.headers["children.csv"] = header[:-1]
    reader.translation.leave_out_absent(
        "children.csv", reader.tables.get(PERSON), {"ethnicity": "pers_ethnicity"}
    )
    for row in rows_of(reader.tables, PERSON):
        sex = row.get("pers_sex").upper()
        if sex and sex not in SEXES:
            message = UNKNOWN.format(value=sex, what="sex", ref="PERS002A", choices="F, M, U")
            reader.translation.problem(row.at("pers_sex"), message)
        born = reader.day(row, "pers_dob")
        ref = row.get("pers_person_id")
        values = {
            "child_id": ref,
            "first_name": row.get("pers_forename"),
            "last_name": row.get("pers_surname"),
            "date_of_birth": born.isoformat() if born else row.get("pers_dob"),
            "sex": SEXES.get(sex, sex),
            "ethnicity": row.get("pers_ethnicity").upper(),
        }
        cells = {
            "child_id": row.at("pers_person_id"),
            "first_name": row.at("pers_forename"),
            "last_name": row.at("pers_surname"),
            "date_of_birth": row.at("pers_dob"),
            "sex": row.at("pers_sex"),
            "ethnicity": row.at("pers_ethnicity"),
        }
        if with_police:
            value, where = police.get(ref, ("", row.at()))
            values["police_id"] = value
            cells["police_id"] = where
        reader.translation.add("children.csv", values, row.at(), cells)


def _police_ids(reader: _Reader) -> dict[str, tuple[str, Where]]:
    """Each person's police id: of the identifiers whose type names the police, the one in
    force today that began last."""
    found: dict[str, tuple[dt.date, str, Where]] = {}
    for row in rows_of(reader.tables, LINKED):
        kind = row.get("link_identifier_type").lower()
        if not any(word in kind for word in POLICE_WORDS):
            continue
        ref = reader.person(row, "link_person_id")
        ends = reader.day(row, "link_valid_to_date")
        begins = reader.day(row, "link_valid_from_date") or dt.date.min
        if not ref or (ends is not None and ends < reader.today):
            continue
        where = row.at("link_identifier_value")
        if ref not in found or begins >= found[ref][0]:
            found[ref] = (begins, row.get("link_identifier_value"), where)
    return {ref: (value, where) for ref, (_, value, where) in found.items()}


@dataclass(frozen=True)
class _Placement:
    ref: str
    child: str
    start: dt.date | None
    end: dt.date | None


def _placements(reader: _Reader) -> list[_Placement]:
    episodes = {}
    periods = {}
    named_by = {}
    for row in rows_of(reader.tables, CLA_EPISODES):
        reader.person(row, "clae_person_id")
        # The id as written, known or not: a person who is not is that row's one problem.
        person = row.get("clae_person_id")
        episodes[row.get("clae_cla_episode_id")] = person
        if row.get("clae_cla_id"):
            periods[row.get("clae_cla_id")] = person
        if row.get("clae_cla_placement_id"):
            named_by[row.get("clae_cla_placement_id")] = person
    placements = []
    reader.translation.leave_out_absent(
        "placements.csv",
        reader.tables.get(PLACEMENTS),
        {"provider_urn": "clap_cla_placement_urn", "host_la": "clap_cla_placement_la"},
    )
    for row in rows_of(reader.tables, PLACEMENTS):
        ref = row.get("clap_cla_placement_id")
        child = (
            episodes.get(row.get("clap_cla_episode_id"))
            or periods.get(row.get("clap_cla_id"))
            or named_by.get(ref)
        )
        if not child:
            reader.translation.problem(row.at("clap_cla_episode_id"), PLACEMENT_OF_NOBODY)
            continue
        code = row.get("clap_cla_placement_type").upper()
        if code and code not in PLACE_TYPES:
            message = UNKNOWN.format(
                value=code, what="placement type", ref="CLAP004A", choices=_choices(PLACE_TYPES)
            )
            reader.translation.problem(row.at("clap_cla_placement_type"), message)
        start = reader.day(row, "clap_cla_placement_start_date")
        end = reader.day(row, "clap_cla_placement_end_date")
        if start and end and start == end:
            reader.translation.problem(
                row.at("clap_cla_placement_end_date"),
                ONE_DAY_PLACEMENT.format(day=row.get("clap_cla_placement_end_date")),
            )
        host = row.get("clap_cla_placement_la")
        if host and not (host.isdigit() and len(host) == 3):
            reader.translation.problem(
                row.at("clap_cla_placement_la"), HOST_NOT_A_COUNCIL.format(value=host)
            )
        values = {
            "placement_id": ref,
            "child_id": child,
            "start_date": start.isoformat() if start else row.get("clap_cla_placement_start_date"),
            "end_date": last_day(end) if end else row.get("clap_cla_placement_end_date"),
            "placement_type": PLACE_TYPES.get(code, ""),
            "place_code": code,
            "provider_urn": row.get("clap_cla_placement_urn"),
            "host_la": host,
        }
        cells = {
            "placement_id": row.at("clap_cla_placement_id"),
            "child_id": row.at("clap_cla_episode_id"),
            "start_date": row.at("clap_cla_placement_start_date"),
            "end_date": row.at("clap_cla_placement_end_date"),
            "placement_type": row.at("clap_cla_placement_type"),
            "place_code": row.at("clap_cla_placement_type"),
            "provider_urn": row.at("clap_cla_placement_urn"),
            "host_la": row.at("clap_cla_placement_la"),
        }
        reader.translation.add("placements.csv", values, row.at(), cells)
        placements.append(_Placement(ref, child, start, end))
    return placements


def _looked_after(reader: _Reader) -> dict[str, list[tuple[dt.date, dt.date | None]]]:
    """Each person's looked-after periods: their CLA episodes, and their legal statuses
    under which a child is looked after."""
    spans: dict[str, list[tuple[dt.date, dt.date | None]]] = {}
    for row in rows_of(reader.tables, CLA_EPISODES):
        start = reader.day(row, "clae_cla_episode_start_date")
        if start:
            end = reader.day(row, "clae_cla_episode_ceased")
            spans.setdefault(row.get("clae_person_id"), []).append((start, end))
    for row in rows_of(reader.tables, LEGAL_STATUS):
        start = reader.day(row, "lega_legal_status_start_date")
        status = row.get("lega_legal_status").upper()
        if start and status in LOOKED_AFTER_STATUSES:
            end = reader.day(row, "lega_legal_status_end_date")
            spans.setdefault(row.get("lega_person_id"), []).append((start, end))
        reader.person(row, "lega_person_id")
    return spans


def _episodes(reader: _Reader, placements: list[_Placement]) -> None:
    looked_after = _looked_after(reader)
    not_looked_after = 0
    blank_answers: dict[str, SourceRow] = {}
    for row in rows_of(reader.tables, MISSING):
        ref = row.get("miss_table_id")
        child = reader.person(row, "miss_la_person_id") or row.get("miss_la_person_id")
        kind = row.get("miss_mis_epi_type").upper()
        if kind not in CATEGORIES:
            message = UNKNOWN.format(
                value=kind, what="episode type", ref="MISS004A", choices="A, M"
            )
            reader.translation.problem(row.at("miss_mis_epi_type"), message)
        start = reader.moment(row, "miss_mis_epi_start")
        end = reader.moment(row, "miss_mis_epi_end")
        if start is None:
            seen, back, by_day = row.get("miss_mis_epi_start"), "", False
        elif not start.timed:
            seen, back = day_period(start.day, end.day if end else None)
            by_day = True
        else:
            seen, by_day = start.value.isoformat(), False
            back = end.value.isoformat() if end else ""
        status = "looked_after"
        if start is None or not any(
            within(start.day, a, b) for a, b in looked_after.get(child, [])
        ):
            status = "none"
            not_looked_after += 1 if start else 0
        placement = ""
        if start is not None:
            placement = next(
                (
                    p.ref
                    for p in placements
                    if p.child == child and placed_on(start.day, p.start, p.end)
                ),
                "",
            )
        values = {
            "episode_id": ref,
            "child_id": child,
            "category": CATEGORIES.get(kind, kind),
            "last_seen_at": seen,
            "returned_at": back,
            "day_precision": "yes" if by_day else "no",
            "missing_from": "placement" if status == "looked_after" else "home",
            "placement_id": placement,
            "legal_status": status,
        }
        cells = {
            "episode_id": row.at("miss_table_id"),
            "child_id": row.at("miss_la_person_id"),
            "category": row.at("miss_mis_epi_type"),
            "last_seen_at": row.at("miss_mis_epi_start"),
            "returned_at": row.at("miss_mis_epi_end"),
            "day_precision": row.at("miss_mis_epi_start"),
        }
        reader.translation.add("episodes.csv", values, row.at(), cells)
        if not _interview(reader, row, ref, back):
            blank_answers[f"{ref}-RHI"] = row
    if not_looked_after:
        reader.translation.notes.append(
            f"{MISSING}: {not_looked_after} episode(s) began when the child was in no "
            "looked-after period (ssd_cla_episodes.csv) nor under a looked-after legal status "
            "(ssd_legal_status.csv), so their legal status is recorded as 'none' and they "
            "are recorded as missing from home."
        )
    _kept_interviews(reader, blank_answers)


def _interview(reader: _Reader, row: SourceRow, episode: str, returned: str) -> bool:
    """The return home interview the RHI answers make; False when they make none because
    no offer is given (empty), True otherwise (an interview, or a problem)."""
    offered = row.get("miss_mis_epi_rhi_offered").upper()
    accepted = row.get("miss_mis_epi_rhi_accepted").upper()
    for column, answer in (
        ("miss_mis_epi_rhi_offered", offered),
        ("miss_mis_epi_rhi_accepted", accepted),
    ):
        if answer and answer not in YES | NO:
            message = UNKNOWN.format(
                value=answer, what="answer", ref=COLUMNS[MISSING][column], choices="N, Y"
            )
            reader.translation.problem(row.at(column), message)
            return True
    if not offered:
        if accepted in YES:
            reader.translation.problem(row.at("miss_mis_epi_rhi_accepted"), ACCEPTED_NOT_OFFERED)
            return True
        return False
    if offered in YES and not returned:
        reader.translation.problem(row.at("miss_mis_epi_rhi_offered"), RHI_STILL_MISSING)
        return True
    if offered in NO:
        if accepted in YES:
            reader.translation.problem(row.at("miss_mis_epi_rhi_accepted"), ACCEPTED_NOT_OFFERED)
            return True
        outcome = "not_offered"
    elif not accepted:
        # Offered, its answer not known: Homeward's interview awaiting its outcome
        # (interviews.selectors.AWAITING_OUTCOME), which Annex A counts as offered by its
        # offer time; the SSD gives none, so the return's is taken, as for a completion.
        outcome = "no_contact"
        owed = STILL_OWED if attempts_required() > 1 else NO_LONGER_OWED
        reader.translation.notes.append(
            OFFERED_NO_ANSWER.format(
                file=MISSING, row=row.number, interview=f"{episode}-RHI", owed=owed
            )
        )
    else:
        outcome = "completed" if accepted in YES else "declined"
    values = {
        "interview_id": f"{episode}-RHI",
        "episode_id": episode,
        "offered_at": returned if outcome == "no_contact" else "",
        "outcome": outcome,
        "completed_at": returned if outcome == "completed" else "",
        "conducted_by": NOT_RECORDED if outcome == "completed" else "",
    }
    cells = {
        "interview_id": row.at("miss_table_id"),
        "episode_id": row.at("miss_table_id"),
        "outcome": row.at("miss_mis_epi_rhi_offered"),
        "completed_at": row.at("miss_mis_epi_rhi_accepted"),
        "conducted_by": row.at("miss_mis_epi_rhi_accepted"),
    }
    reader.translation.add("interviews.csv", values, row.at(), cells)
    return True


def _kept_interviews(reader: _Reader, blank: dict[str, SourceRow]) -> None:
    """Say, row by row, which interviews an earlier extract recorded are kept though the
    row's answers are now empty: the bundle import never deletes a record, and a row with
    no interview would otherwise leave the earlier one standing in silence."""
    refs, kept = list(blank), []
    for start in range(0, len(refs), 500):  # a big extract's ids in SQLite's variable limit
        kept += ReturnInterview.objects.filter(
            council_id=reader.council_id, local_id__in=refs[start : start + 500]
        )
    for interview in sorted(kept, key=lambda interview: blank[interview.local_id].number):
        row = blank[interview.local_id]
        reader.translation.notes.append(
            ANSWERS_BLANKED.format(
                file=MISSING,
                row=row.number,
                interview=interview.local_id,
                outcome=interview.get_outcome_display(),
            )
        )


def _upn_note(reader: _Reader) -> None:
    upns = sum(1 for row in rows_of(reader.tables, PERSON) if row.get("pers_upn"))
    if upns:
        reader.translation.notes.append(
            f"{PERSON}: Homeward does not keep a child's UPN (PERS006A): {upns} were not read."
        )


# Allocations: ssd_involvements with ssd_professionals.


@dataclass
class Allocated:
    """What the import did with the involvements: allocations made, ended, unchanged."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def line(self) -> str:
        return (
            f"{INVOLVEMENTS}: {self.created + self.updated + self.unchanged} allocations, "
            f"{self.created} new, {self.updated} updated, {self.unchanged} unchanged"
        )


@dataclass(frozen=True)
class _Involvement:
    row: SourceRow
    child: str
    staff_id: str
    team: str
    start: dt.date | None
    end: dt.date | None


def involvements(folder: Path, translation: Translation, today: dt.date) -> list[_Involvement]:
    """The involvements to allocate, read (with their problems) alongside the translation."""
    workforce = {name: REQUIRED[name] for name in WORKFORCE}
    tables = read_tables(folder, COLUMNS, workforce, translation, null_as_empty=True)
    if INVOLVEMENTS not in tables:
        return []
    professionals = {row.get("prof_professional_id"): row for row in rows_of(tables, PROFESSIONALS)}
    people = {values["child_id"] for values in translation.rows.get("children.csv", [])}
    reader = _Reader(translation, tables, today, set())
    reader.people = people
    found_involvements = []
    for row in rows_of(tables, INVOLVEMENTS):
        professional = professionals.get(row.get("invo_professional_id"))
        team = row.get("invo_professional_team") or (
            professional.get("prof_professional_department") if professional else ""
        )
        staff = professional.get("prof_staff_id") if professional else ""
        start = reader.day(row, "invo_involvement_start_date")
        if start is None and not row.get("invo_involvement_start_date"):
            translation.problem(
                row.at("invo_involvement_start_date"),
                "Enter when the involvement began (INVO002A).",
            )
        found_involvements.append(
            _Involvement(
                row,
                row.get("invo_person_id"),
                staff,
                team[:100],
                start,
                reader.day(row, "invo_involvement_end_date"),
            )
        )
    return found_involvements


def allocate(found: list[_Involvement], *, council_id: int, by) -> Allocated:
    """Each involvement as an allocation of the child: new, its end updated, or unchanged.
    Raises nothing: what cannot be allocated was found by `check_allocations`."""
    done = Allocated()
    users = _users(found)
    children = dict(Child.objects.filter(council_id=council_id).values_list("local_id", "pk"))
    for involvement in found:
        worker = users.get(involvement.staff_id.lower()) if involvement.staff_id else None
        child = children.get(involvement.child)
        if child is None or involvement.start is None:
            continue
        existing = Allocation.objects.filter(
            child_id=child,
            worker=worker,
            team=involvement.team,
            allocated_on=involvement.start,
        ).first()
        if existing is None:
            allocation = Allocation.objects.create(
                child_id=child,
                worker=worker,
                team=involvement.team,
                allocated_on=involvement.start,
                ended_on=involvement.end,
                created_by=by,
                changed_by=by,
            )
            record_change(record=allocation, by=by)
            done.created += 1
        elif existing.ended_on != involvement.end:
            before = values_before_change(existing)
            save_audited(
                existing,
                before=before,
                expected_version=before["version"],
                changes={"ended_on": involvement.end},
                by=by,
            )
            done.updated += 1
        else:
            done.unchanged += 1
    return done


def check_allocations(
    found: list[_Involvement], translation: Translation, *, council_id: int
) -> None:
    """An involvement must name a child and someone to allocate the child to."""
    users = _users(found)
    people = {values["child_id"] for values in translation.rows.get("children.csv", [])}
    people |= set(Child.objects.filter(council_id=council_id).values_list("local_id", flat=True))
    for involvement in found:
        row = involvement.row
        if involvement.child not in people and PERSON not in translation.unreadable:
            translation.problem(row.at("invo_person_id"), NO_PERSON.format(ref=involvement.child))
        worker = users.get(involvement.staff_id.lower()) if involvement.staff_id else None
        if worker is None and not involvement.team:
            translation.problem(row.at("invo_professional_team"), NO_ONE_TO_ALLOCATE)


def _users(found: list[_Involvement]) -> dict:
    staff = {involvement.staff_id.lower() for involvement in found if involvement.staff_id}
    users = get_user_model().objects.filter(is_active=True)
    return {user.username.lower(): user for user in users if user.username.lower() in staff}
