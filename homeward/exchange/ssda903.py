"""The SSDA903 return's Missing table, with the header and episodes it is checked against,
for a collection year ending 31 March (docs/returns.md).

The DfE's layout from the 2022/23 collection on: `header.csv` (CHILD, SEX, DOB, ETHNIC, UPN,
MOTHER, MC_DOB), `episodes.csv` (CHILD, DECOM, RNE, LS, CIN, PLACE, PLACE_PROVIDER, DEC, REC,
REASON_PLACE_CHANGE, HOME_POST, PL_POST, URN) and `missing.csv` (CHILD, DOB, MISSING,
MIS_START, MIS_END), dates written dd/mm/yyyy. Only the council's own children (responsible
council is the council): a placed-in child is their own council's to return.

A looked-after period is a run of the child's placements, each starting the day after the
one before it ends; a placement's `end_date` is the last day the child lived there, so the
903 episode ends (DEC) the day after, which is the next placement's start (DECOM).

Where Homeward's records cannot make a return that passes the DfE's Missing-table rules,
nothing is written: `ReturnRefused` lists every record to fix, with where to fix it.
"""

import csv
import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.db.models import Q
from django.urls import reverse

from homeward.children.models import Child, Placement
from homeward.core.clock import LONDON, Period
from homeward.core.codes import Category, LegalStatus, Sex
from homeward.core.problems import when
from homeward.episodes.models import Episode
from homeward.exchange.downloads import FORMULA_STARTS

HEADER = ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB")
EPISODES = (
    "CHILD",
    "DECOM",
    "RNE",
    "LS",
    "CIN",
    "PLACE",
    "PLACE_PROVIDER",
    "DEC",
    "REC",
    "REASON_PLACE_CHANGE",
    "HOME_POST",
    "PL_POST",
    "URN",
)
MISSING = ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END")
DAY = dt.timedelta(days=1)
SEX_CODES = {Sex.MALE: "1", Sex.FEMALE: "2"}
MISSING_CODES = {Category.MISSING: "M", Category.AWAY: "A"}
# Reasons for a new episode and for an episode ending (the DfE's RNE and REC codes) that
# Homeward can tell from placements alone: a looked-after period starts (S), the child moves
# placement (P, and the episode before ends X1), or the child was missing or away on the
# day care ended (E8, which rule 580 asks for). Any other reason Homeward does not hold.
STARTS_CARE, MOVES, CONTINUES, CEASED_WHILE_MISSING = "S", "P", "X1", "E8"

NO_PLACEMENT = (
    "{what} {episode} of child {child} began on {day}, recorded as {recorded}, but the child "
    "has no placement with this council that day, so the DfE would refuse it (rules 578 and "
    "581: a missing or away period must fall in a period of care). Add the placement the "
    "child was in, or correct the episode's category or legal status."
)
BORN_THAT_DAY = (
    "Missing episode {episode} of child {child} began on {day}, on or before the child's date "
    "of birth ({dob}), which the DfE refuses (rule 586). Correct the date of birth or the "
    "date the child was last seen."
)
PLACEMENTS_OVERLAP = (
    "Placements {first} and {second} of child {child} overlap (the second starts on {day}, "
    "before the first ends), but a child is in one placement at a time in the DfE's "
    "episodes. Correct the end date of {first} or the start date of {second}."
)
PERIODS_OVERLAP = (
    "Episodes {first} and {second} of child {child} overlap once written as dates (the DfE's "
    "rule 574: periods must not overlap and a new one cannot start while one is open). "
    "Correct the times the child was last seen and returned."
)
LOOKS_LIKE_A_FORMULA = (
    "The {what} of child {child} begins with '{start}', which a spreadsheet would run as a "
    "formula; the DfE's return holds letters and digits only. Correct the {what}."
)


@dataclass(frozen=True)
class Fix:
    """A record to correct before the return can be made: what is wrong, and where."""

    record: str  # "child C000001", "episode E000004", "placement P000002"
    link: str  # the page the record is corrected on
    message: str
    child_pk: int | None = None  # whose record it is: lists show it only to who sees the child


class ReturnRefused(Exception):
    """The records cannot make a valid return: nothing was written; every record to fix."""

    def __init__(self, fixes: list[Fix]):
        self.fixes = fixes
        super().__init__(f"{len(fixes)} record(s) to fix before the SSDA903 return can be made.")


@dataclass
class Return903:
    """The three tables, as rows of text cells in the DfE's layout."""

    year: int
    header: list[list[str]] = field(default_factory=list)
    episodes: list[list[str]] = field(default_factory=list)
    missing: list[list[str]] = field(default_factory=list)

    def files(self) -> dict[str, str]:
        """Each file's name and CSV text (UTF-8 without a byte-order mark, as the DfE reads)."""
        tables = {"header.csv": (HEADER, self.header), "episodes.csv": (EPISODES, self.episodes)}
        tables["missing.csv"] = (MISSING, self.missing)
        return {name: _csv(columns, rows) for name, (columns, rows) in tables.items()}


def collection_year(year: int) -> Period:
    """The collection year the DfE names by the year it ends: 2025 is 1 April 2024 to 31 March
    2025."""
    return Period(dt.date(year - 1, 4, 1), dt.date(year, 3, 31))


def write_903(folder, *, council, year: int) -> dict[str, int]:
    """Write header.csv, episodes.csv and missing.csv to `folder`; the rows in each. Raises
    ReturnRefused (writing nothing) when the records cannot make a valid return."""
    made = build_903(council=council, year=year)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in made.files().items():
        (folder / name).write_text(text, encoding="utf-8", newline="")
    return {"header.csv": len(made.header), "episodes.csv": len(made.episodes)} | {
        "missing.csv": len(made.missing)
    }


@dataclass(frozen=True)
class Checked903:
    """What the return would carry and what stops it: the episodes its Missing table is
    written from (by primary key) and every record to fix (empty when it can be made)."""

    made: Return903
    written: frozenset[int]
    fixes: list[Fix]


def build_903(*, council, year: int) -> Return903:
    """The council's return for the collection year ending 31 March `year`."""
    checked = check_903(council=council, year=year)
    if checked.fixes:
        raise ReturnRefused(checked.fixes)
    return checked.made


def check_903(*, council, year: int) -> Checked903:
    """The return for the collection year ending 31 March `year` with what would stop it,
    without refusing: the data quality checks (reports.data_quality) read the same."""
    period = collection_year(year)
    fixes: list[Fix] = []
    # The council's own children, joined rather than listed: a council has many thousands.
    own = {"child__responsible_la": council, "child__merged_into__isnull": True}
    placements = Placement.objects.filter(
        council=council, placing_la=council, start_date__lte=period.last, **own
    )
    episodes = Episode.objects.filter(
        council=council, last_seen_at__lt=period.ends_before, **own
    ).exclude(returned_at__lt=period.starts_at)
    involved = Q(pk__in=placements.values("child")) | Q(pk__in=episodes.values("child"))
    children = {
        child.pk: child
        for child in Child.objects.filter(involved, council=council).only(
            "pk", "local_id", "date_of_birth", "sex", "ethnicity"
        )
    }
    stays = _stays(placements, period, children, fixes)
    made = Return903(year=year)
    missing = _missing_rows(episodes, period, children, stays, fixes)
    fixes += _overlapping(missing, children)
    in_year = {pk: _in_year(theirs, period) for pk, theirs in stays.items()}
    in_year = {pk: theirs for pk, theirs in in_year.items() if theirs}
    for child_pk in sorted(in_year, key=lambda pk: children[pk].local_id):
        fixes += _formula_fixes(children[child_pk], in_year[child_pk])
    written = frozenset(row.episode.pk for row in missing)
    if fixes:
        return Checked903(made=made, written=written, fixes=fixes)
    for child_pk in sorted(in_year, key=lambda pk: children[pk].local_id):
        child = children[child_pk]
        made.header.append(_header_row(child))
        made.episodes += [stay.row(child, period) for stay in in_year[child_pk]]
    for period_row in sorted(missing, key=lambda m: (children[m.child_pk].local_id, m.seen_at)):
        made.missing.append(period_row.row(children[period_row.child_pk]))
    return Checked903(made=made, written=written, fixes=[])


@dataclass
class Stay:
    """One placement as a 903 episode: from DECOM to DEC (the day after its last day)."""

    placement: Placement
    decom: dt.date
    dec: dt.date | None
    rne: str
    rec: str = ""
    care_ends: dt.date | None = None  # the day its looked-after period ends (None: goes on)

    def row(self, child, period: Period) -> list[str]:
        # An episode still going on at the end of the year is open in that year's return.
        dec = self.dec if self.dec is not None and self.dec <= period.last else None
        placement = self.placement
        return [
            child.local_id,
            _date(self.decom),
            self.rne,
            "",
            "",
            placement.place_code,
            "",
            _date(dec),
            self.rec if dec else "",
            "",
            "",
            "",
            placement.provider_urn,
        ]


def _stays(placements, period: Period, children: dict, fixes: list[Fix]) -> dict[int, list[Stay]]:
    """Each child's placements up to the end of the year as 903 episodes, in their
    looked-after periods."""
    by_child = defaultdict(list)
    for placement in placements.order_by("child", "start_date", "end_date", "pk"):
        by_child[placement.child_id].append(placement)
    return {
        child_pk: _chain(children[child_pk], theirs, period, fixes)
        for child_pk, theirs in by_child.items()
    }


def _in_year(stays: list[Stay], period: Period) -> list[Stay]:
    """The 903 episodes open at some time in the year."""
    return [s for s in stays if s.dec is None or s.dec >= period.first]


def _chain(child, placements: list[Placement], period: Period, fixes: list[Fix]) -> list[Stay]:
    stays: list[Stay] = []
    for placement in placements:
        previous = stays[-1] if stays else None
        if previous is not None and (previous.dec is None or placement.start_date < previous.dec):
            # Only an overlap the year's episodes would carry stops the return.
            if placement.end_date is None or placement.end_date >= period.first - DAY:
                fixes.append(_placement_fix(child, previous.placement, placement))
            continue
        joins = previous is not None and previous.dec == placement.start_date
        if joins:
            previous.rec = CONTINUES
        end = placement.end_date
        stays.append(
            Stay(
                placement=placement,
                decom=placement.start_date,
                dec=None if end is None else end + DAY,
                rne=MOVES if joins else STARTS_CARE,
            )
        )
    # Each episode knows the day its looked-after period ends (None while it goes on).
    care_ends = None
    for stay in reversed(stays):
        if stay.rec != CONTINUES:
            care_ends = stay.dec
        stay.care_ends = care_ends
    return stays


@dataclass
class MissingPeriod:
    """One row of the Missing table, and the episode it comes from."""

    child_pk: int
    episode: Episode
    seen_at: dt.datetime
    start: dt.date
    end: dt.date | None

    def row(self, child) -> list[str]:
        code = MISSING_CODES[self.episode.category]
        return [
            child.local_id,
            _date(child.date_of_birth),
            code,
            _date(self.start),
            _date(self.end),
        ]


def _missing_rows(episodes, period: Period, children, stays, fixes) -> list[MissingPeriod]:
    rows = []
    for episode in episodes.order_by("child", "last_seen_at", "pk"):
        child = children[episode.child_id]
        row = _missing_period(episode, child, period, stays.get(episode.child_id, []), fixes)
        if row is not None and (row.end is None or row.end >= period.first):
            rows.append(row)
    return rows


def _missing_period(
    episode, child, period: Period, stays: list[Stay], fixes
) -> MissingPeriod | None:
    start = _london(episode.last_seen_at)
    returned = _london(episode.returned_at) if episode.returned_at else None
    stay = next((s for s in stays if s.decom <= start and (s.dec is None or start < s.dec)), None)
    if stay is None:
        if episode.category == Category.AWAY or episode.legal_status == LegalStatus.LOOKED_AFTER:
            fixes.append(_no_placement_fix(episode, child, start))
        return None  # not looked after that day: not in the return
    if start <= child.date_of_birth:
        fixes.append(
            _episode_fix(
                episode, child, BORN_THAT_DAY, day=when(start), dob=when(child.date_of_birth)
            )
        )
        return None
    care_ended = stay.care_ends if stay.care_ends and stay.care_ends <= period.last else None
    if care_ended is not None and (returned is None or returned >= care_ended):
        # Still missing (or away) when care ended: the period ends that day (rules 577, 580).
        end = care_ended
        _last_of_period(stay, stays).rec = CEASED_WHILE_MISSING
    elif returned is not None and returned <= period.last:
        end = returned
    else:
        end = _placement_ended(start, stays, period)
    return MissingPeriod(child.pk, episode, episode.last_seen_at, start, end)


def _placement_ended(start: dt.date, stays: list[Stay], period: Period) -> dt.date | None:
    """A period open at the end of the year stays open, unless the placement the child went
    missing from has ended: then it ends on that day (rule 575). The DfE's checks read a
    placement as running to its DEC inclusive, so a move on the day the child went missing
    ends the period that same day."""
    ended = [
        s.dec
        for s in stays
        if s.dec is not None and s.dec <= period.last and s.decom <= start <= s.dec
    ]
    return min(ended) if ended else None


def _last_of_period(stay: Stay, stays: list[Stay]) -> Stay:
    index = stays.index(stay)
    while stays[index].rec == CONTINUES:
        index += 1
    return stays[index]


def _overlapping(rows: list[MissingPeriod], children) -> list[Fix]:
    """Rule 574 as the DfE checks it, on the dates written: Homeward's own rules keep a child's
    episodes apart, so this finds only what those rules could not see."""
    fixes = []
    by_child = defaultdict(list)
    for row in rows:
        by_child[row.child_pk].append(row)
    for child_pk, theirs in by_child.items():
        ordered = sorted(theirs, key=lambda r: (r.end or r.start, r.start, r.seen_at))
        for before, after in zip(ordered, ordered[1:], strict=False):
            if before.end is None or after.start < before.end:
                child = children[child_pk]
                message = PERIODS_OVERLAP.format(
                    first=before.episode.local_id,
                    second=after.episode.local_id,
                    child=child.local_id,
                )
                record = f"episode {after.episode.local_id}"
                fixes.append(Fix(record, _child_link(child), message, child.pk))
    return fixes


def _formula_fixes(child, stays: list[Stay]) -> list[Fix]:
    values = [("child id", child.local_id)]
    values += [("Ofsted URN of a placement", s.placement.provider_urn) for s in stays]
    return [
        Fix(
            f"child {child.local_id}",
            _child_link(child),
            LOOKS_LIKE_A_FORMULA.format(what=what, child=child.local_id, start=value[0]),
            child.pk,
        )
        for what, value in values
        if value.startswith(FORMULA_STARTS)
    ]


def _header_row(child) -> list[str]:
    sex = SEX_CODES.get(child.sex, "")
    return [child.local_id, sex, _date(child.date_of_birth), child.ethnicity, "", "", ""]


def _no_placement_fix(episode, child, start: dt.date) -> Fix:
    what = "Away episode" if episode.category == Category.AWAY else "Missing episode"
    recorded = (
        "away from placement"
        if episode.category == Category.AWAY
        else f"legal status '{episode.get_legal_status_display()}'"
    )
    return _episode_fix(episode, child, NO_PLACEMENT, what=what, recorded=recorded, day=when(start))


def _episode_fix(episode, child, template: str, **values) -> Fix:
    message = template.format(episode=episode.local_id, child=child.local_id, **values)
    link = reverse("episodes:edit", args=[episode.pk])
    return Fix(f"episode {episode.local_id}", link, message, child.pk)


def _placement_fix(child, first: Placement, second: Placement) -> Fix:
    message = PLACEMENTS_OVERLAP.format(
        first=first.local_id,
        second=second.local_id,
        child=child.local_id,
        day=when(second.start_date),
    )
    link = reverse("children:placement-edit", args=[second.pk])
    return Fix(f"placement {second.local_id}", link, message, child.pk)


def _child_link(child) -> str:
    return reverse("children:detail", args=[child.pk])


def _london(moment: dt.datetime) -> dt.date:
    return moment.astimezone(LONDON).date()


def _date(value: dt.date | None) -> str:
    return "" if value is None else f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def _csv(columns, rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue()
