"""Property-based tests: any sequence of recording, correcting, exporting and importing keeps
every rule, and the export of whatever Homeward accepted imports again, changing nothing.

Hypothesis drives random sequences of the real services and the real bundle import and
export against the test database (SQLite or PostgreSQL, whichever the suite runs on) and
checks the invariants after every step. Each example runs in a savepoint rolled back at its
end. Sized for CI by the `ci` profile (derandomised, so every run tries the same sequences);
HOMEWARD_HYPOTHESIS=deep explores far more, at random, for a session hunting bugs.
"""

import csv
import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)

from homeward.children.models import Child, Placement
from homeward.children.rules import child_problems
from homeward.children.services import child_born_problems, child_create, placement_record
from homeward.core.concurrency import ChangedByAnotherUser
from homeward.core.problems import record_text_problems
from homeward.councils.models import Council
from homeward.episodes.models import Episode
from homeward.episodes.services import (
    EDITABLE_FIELDS,
    _episode_problems,
    episode_mark_returned,
    episode_record,
    episode_update,
)
from homeward.exchange.bundle_export import export_bundle
from homeward.exchange.bundle_import import BundleRejected, import_bundle
from homeward.exploitation.models import Screening
from homeward.exploitation.rules import screening_problems
from homeward.exploitation.services import screening_record
from homeward.interviews.models import ReturnInterview
from homeward.interviews.services import interview_checks, interview_record

pytestmark = pytest.mark.django_db

settings.register_profile(
    "ci",
    max_examples=12,
    stateful_step_count=25,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "deep",
    max_examples=300,
    stateful_step_count=50,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PROFILE = settings.get_profile(os.environ.get("HOMEWARD_HYPOTHESIS", "ci"))

NOW = dt.datetime(2021, 1, 1, 12, 0, tzinfo=dt.UTC)
STEP = dt.timedelta(hours=6)
# Times on a 6-hour grid around now, a few ahead of it, so that overlaps, touching
# episodes, returns after interviews and times in the future all come up often.
SLOTS = st.integers(min_value=-40, max_value=2)
LENGTHS = st.integers(min_value=-1, max_value=8)  # in steps: -1 still missing, 0 refused
# Most attempts are meant to succeed, so that later steps have records to work on.
SHIFTS = st.integers(min_value=-2, max_value=8)
DATES_OF_BIRTH = st.sampled_from(
    [
        dt.date(1995, 1, 2),  # 25 today, 25 at every episode
        dt.date(1994, 11, 20),  # 26 today: refused when entered
        dt.date(2004, 2, 29),
        dt.date(2010, 7, 1),
        dt.date(2020, 12, 1),  # born inside the window: earlier episodes are refused
    ]
)
WORKERS = st.sampled_from(["Made-up Worker"] * 4 + ["", "Made-up\x00Worker"])
COUNCIL, MIRROR = "931", "872"


def at(slot: int) -> dt.datetime:
    return NOW + slot * STEP


def snapshot(council_code: str) -> dict:
    """Every record of the council as a comparable value: by local id, with its version."""
    filters = {"council__code": council_code}
    return {
        "children": set(
            Child.objects.filter(**filters).values_list(
                "local_id", "first_name", "last_name", "date_of_birth", "sex", "version"
            )
        ),
        "episodes": set(
            Episode.objects.filter(**filters).values_list(
                "local_id",
                "child__local_id",
                "last_seen_at",
                "returned_at",
                "reported_at",
                "version",
            )
        ),
        "interviews": set(
            ReturnInterview.objects.filter(**filters).values_list(
                "local_id",
                "episode__local_id",
                "outcome",
                "offered_at",
                "completed_at",
                "conducted_by",
                "version",
            )
        ),
        "placements": set(
            Placement.objects.filter(**filters).values_list(
                "local_id", "child__local_id", "start_date", "end_date", "place_code", "version"
            )
        ),
        "screenings": set(
            Screening.objects.filter(**filters).values_list(
                "local_id", "child__local_id", "completed_on", "outcome", "concerns", "version"
            )
        ),
    }


def without_versions(records: dict) -> dict:
    return {name: {row[:-1] for row in rows} for name, rows in records.items()}


def stored_problems() -> list:
    """Every problem the services would find with what is stored, judged as now."""
    problems = []
    for child in Child.objects.all():
        problems += child_problems(
            date_of_birth=child.date_of_birth,
            ethnicity=child.ethnicity,
            today=NOW.date(),
            entered=False,
        )
        problems += child_born_problems(child=child, date_of_birth=child.date_of_birth)
        texts = {name: getattr(child, name) for name in ("first_name", "last_name", "police_id")}
        problems += record_text_problems(Child, texts)
    for episode in Episode.objects.select_related("child"):
        values = {name: getattr(episode, name) for name in EDITABLE_FIELDS}
        values["local_id"] = episode.local_id
        problems += _episode_problems(episode.child, values, exclude_pk=episode.pk)
    for interview in ReturnInterview.objects.select_related("episode"):
        fields = ("outcome", "offered_at", "completed_at", "conducted_by", "findings")
        values = {name: getattr(interview, name) for name in fields}
        problems += interview_checks(episode=interview.episode, values=values)
    for screening in Screening.objects.select_related("child"):
        problems += screening_problems(
            completed_on=screening.completed_on,
            next_review_on=screening.next_review_on,
            today=NOW.date(),
            outcome=screening.outcome,
            concerns=screening.concerns,
            date_of_birth=screening.child.date_of_birth,
        )
    return problems


def _change_cell(folder: Path, file: str, row: int | str, column: str, shift: int | None) -> bool:
    """Change one cell of an exported file as a correction would: emptied, or moved by a few
    steps from its value (a date of birth by years)."""
    path = folder / file
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows or column not in rows[0]:
        return False
    if isinstance(row, str):  # a record's id
        changed = next(cells for cells in rows if next(iter(cells.values())) == row)
    else:
        changed = rows[row % len(rows)]
    was = changed[column]
    if shift is None:
        changed[column] = ""
    elif column == "date_of_birth":
        born = dt.date.fromisoformat(was)
        changed[column] = born.replace(
            year=born.year + 3 * shift, day=min(born.day, 28)
        ).isoformat()
    else:
        base = dt.datetime.fromisoformat(was) if was else NOW - 10 * STEP
        changed[column] = (base + shift * STEP).isoformat()
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return True


PICKS = st.integers(min_value=0, max_value=10_000)


def _pick(queryset, pick: int):
    """One record of a queryset, chosen by a drawn number (the queryset is never empty:
    the rule's precondition says so)."""
    ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    return queryset.model.objects.get(pk=ids[pick % len(ids)])


def returned_episodes():
    """The council's episodes with a return (not the mirror council's copies)."""
    return Episode.objects.filter(council__code=COUNCIL, returned_at__isnull=False)


def interviewed_episodes():
    return Episode.objects.filter(council__code=COUNCIL, interviews__isnull=False).distinct()


class Casework(RuleBasedStateMachine):
    """A council's records as coordinators, workers and imports change them."""

    children = Bundle("children")
    episodes = Bundle("episodes")

    def __init__(self):
        super().__init__()
        # Each example in a savepoint of its own, rolled back in teardown.
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.council = Council.objects.get(code=COUNCIL)
        self.folder = Path(tempfile.mkdtemp(prefix="homeward-properties-"))
        self.exports = 0
        self.made = 0

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)
        shutil.rmtree(self.folder, ignore_errors=True)

    def _local_id(self, prefix: str) -> str:
        self.made += 1
        return f"{prefix}{self.made}"

    def _bundle(self) -> Path:
        self.exports += 1
        return self.folder / f"bundle-{self.exports}"

    @initialize(target=children, born=st.sampled_from([dt.date(2006, 5, 17), dt.date(2008, 2, 29)]))
    def first_child(self, born):
        """Two children to begin with, so that episodes come from the first step."""
        return multiple(*(self.create_child(born=day) for day in (born, dt.date(2010, 1, 1))))

    @rule(target=children, born=DATES_OF_BIRTH)
    def create_child(self, born):
        try:
            child = child_create(
                council=self.council,
                first_name="Madeup",
                last_name="Child",
                date_of_birth=born,
                sex="female",
                local_id=self._local_id("C"),
            )
        except ValidationError:
            event("child refused")
            return multiple()
        event("child saved")
        return child.pk

    @rule(target=episodes, child=children, seen=SLOTS, length=LENGTHS, reported=st.booleans())
    def record_episode(self, child, seen, length, reported):
        before = snapshot(COUNCIL)
        try:
            episode = episode_record(
                child=Child.objects.get(pk=child),
                category="missing",
                last_seen_at=at(seen),
                returned_at=at(seen + length) if length >= 0 else None,
                reported_at=at(seen + 1) if reported else None,
                missing_from="home",
                legal_status="child_in_need",
                local_id=self._local_id("E"),
            )
        except ValidationError:
            assert snapshot(COUNCIL) == before
            event("episode refused")
            return multiple()
        event("episode saved")
        return episode.pk

    @rule(episode=episodes, steps=st.integers(min_value=-2, max_value=12))
    def mark_returned(self, episode, steps):
        current = Episode.objects.get(pk=episode)
        self._update(
            episode_mark_returned,
            episode=current,
            returned_at=current.last_seen_at + steps * STEP,
            expected_version=current.version,
        )

    @rule(
        episode=episodes,
        field=st.sampled_from(["last_seen_at", "returned_at", "reported_at"]),
        shift=st.one_of(st.none(), SHIFTS),
    )
    def edit_episode(self, episode, field, shift):
        """A correction: a time moved by a few steps from where it was, or emptied."""
        current = Episode.objects.get(pk=episode)
        if field == "last_seen_at" and shift is None:
            return
        was = getattr(current, field) or current.last_seen_at
        self._update(
            episode_update,
            episode=current,
            expected_version=current.version,
            **{field: None if shift is None else was + shift * STEP},
        )

    def _update(self, service, **values):
        before = snapshot(COUNCIL)
        try:
            service(**values)
        except (ValidationError, ChangedByAnotherUser):
            assert snapshot(COUNCIL) == before
            event(f"{service.__name__} refused")
        else:
            event(f"{service.__name__} saved")

    @precondition(lambda self: returned_episodes().exists())
    @rule(
        pick=PICKS,
        outcome=st.sampled_from(
            ["completed", "completed", "declined", "no_contact", "not_offered"]
        ),
        offered=st.one_of(st.none(), SHIFTS),
        completed=SHIFTS,
        stray=st.sampled_from([False] * 4 + [True]),
        worker=WORKERS,
    )
    def record_interview(self, pick, outcome, offered, completed, stray, worker):
        """An interview after a return; now and then one whose outcome and times disagree
        (`stray`): a completion time without 'completed', or none with it."""
        current = _pick(returned_episodes(), pick)
        base = current.returned_at or current.last_seen_at
        if (outcome == "completed") == stray:
            completed = None
        before = snapshot(COUNCIL)
        try:
            interview_record(
                episode=current,
                outcome=outcome,
                offered_at=None if offered is None else base + offered * STEP,
                completed_at=None if completed is None else base + completed * STEP,
                conducted_by=worker,
                local_id=self._local_id("I"),
            )
        except ValidationError:
            assert snapshot(COUNCIL) == before
            event("interview refused")
        else:
            event("interview saved")

    @precondition(lambda self: interviewed_episodes().exists())
    @rule(pick=PICKS, shift=st.one_of(st.none(), SHIFTS), field=st.booleans())
    def correct_an_interviewed_episode(self, pick, shift, field):
        """A correction to an episode that has an interview: its return moved or emptied,
        or its last seen moved."""
        self.edit_episode(
            episode=_pick(interviewed_episodes(), pick).pk,
            field="returned_at" if field else "last_seen_at",
            shift=shift,
        )

    @rule(
        child=children,
        days=st.integers(min_value=-60, max_value=2),
        length=st.one_of(st.none(), st.integers(min_value=-1, max_value=30)),
        place_code=st.sampled_from(["", "K2", "U1", "k2", "ZZZZ"]),
    )
    def record_placement(self, child, days, length, place_code):
        before = snapshot(COUNCIL)
        start = NOW.date() + dt.timedelta(days=days)
        try:
            placement_record(
                child=Child.objects.get(pk=child),
                start_date=start,
                end_date=None if length is None else start + dt.timedelta(days=length),
                placement_type="foster",
                place_code=place_code,
                local_id=self._local_id("P"),
            )
        except ValidationError:
            assert snapshot(COUNCIL) == before
            event("placement refused")
        else:
            event("placement saved")

    @rule(
        child=children,
        days=st.integers(min_value=-60, max_value=2),
        outcome=st.sampled_from(["no_concerns", "low", "high"]),
        concerns=st.sampled_from(["", "missing", "cse;cce"]),
    )
    def record_screening(self, child, days, outcome, concerns):
        before = snapshot(COUNCIL)
        try:
            screening_record(
                child=Child.objects.get(pk=child),
                completed_on=NOW.date() + dt.timedelta(days=days),
                outcome=outcome,
                concerns=concerns,
                local_id=self._local_id("S"),
            )
        except ValidationError:
            assert snapshot(COUNCIL) == before

    @precondition(lambda self: self.made >= 4)
    @rule(
        changed=st.booleans(),
        change=st.tuples(
            st.sampled_from(["episodes.csv", "interviews.csv", "children.csv"]),
            st.integers(min_value=0, max_value=20),
            st.sampled_from(
                ["last_seen_at", "returned_at", "completed_at", "offered_at", "date_of_birth"]
            ),
            st.one_of(st.none(), SHIFTS),
        ),
    )
    def export_and_import(self, changed, change):
        """The council's export imported again: as it is, it changes nothing (and brings
        another council to the same records); with one cell changed it is either refused,
        changing nothing, or accepted, after which every rule still holds (the invariants)."""
        before = snapshot(COUNCIL)
        folder = self._bundle()
        export_bundle(folder, council=self.council)
        if not changed:
            result = import_bundle(folder, council_code=COUNCIL, now=NOW)
            assert snapshot(COUNCIL) == before
            assert all(counts.created == counts.updated == 0 for counts in result.files.values())
            import_bundle(folder, council_code=MIRROR, now=NOW)
            assert without_versions(snapshot(MIRROR)) == without_versions(before)
            event("export imported again")
            return
        if _change_cell(folder, *change):
            self._import_changed(folder, before)

    def _import_changed(self, folder: Path, before: dict) -> None:
        try:
            import_bundle(folder, council_code=COUNCIL, now=NOW)
        except BundleRejected:
            assert snapshot(COUNCIL) == before
            event("changed export refused")
        else:
            event("changed export imported")

    @precondition(lambda self: interviewed_episodes().exists())
    @rule(
        pick=PICKS,
        column=st.sampled_from(["returned_at", "last_seen_at"]),
        shift=st.one_of(st.none(), SHIFTS),
        alone=st.booleans(),
    )
    def import_a_corrected_interviewed_episode(self, pick, column, shift, alone):
        """The export with an interviewed episode's return (or last seen) moved or emptied,
        imported whole or as episodes.csv `alone` (judged against the recorded interviews):
        the import keeps the interview after the return, as the episode page does."""
        before = snapshot(COUNCIL)
        folder = self._bundle()
        export_bundle(folder, council=self.council)
        if alone:
            for path in folder.iterdir():
                if path.name != "episodes.csv":
                    path.unlink()
        local_id = _pick(interviewed_episodes(), pick).local_id
        if _change_cell(folder, "episodes.csv", local_id, column, shift):
            self._import_changed(folder, before)

    @invariant()
    def episodes_never_overlap_and_one_at_most_is_open(self):
        by_child: dict[int, list] = {}
        for child, seen, back in Episode.objects.values_list(
            "child_id", "last_seen_at", "returned_at"
        ):
            by_child.setdefault(child, []).append((seen, back))
        for periods in by_child.values():
            periods.sort()
            assert sum(back is None for _, back in periods) <= 1, periods
            for (_, back), (next_seen, _) in zip(periods, periods[1:], strict=False):
                assert back is not None and back <= next_seen, periods

    @invariant()
    def interviews_follow_returns(self):
        for interview in ReturnInterview.objects.select_related("episode"):
            returned = interview.episode.returned_at
            assert returned is not None, interview
            for time in (interview.offered_at, interview.completed_at):
                assert time is None or time >= returned, interview

    @invariant()
    def nothing_stored_that_the_services_would_refuse(self):
        assert stored_problems() == []


def test_any_sequence_of_services_imports_and_exports_keeps_every_rule(time_machine):
    time_machine.move_to(NOW, tick=False)
    run_state_machine_as_test(Casework, settings=PROFILE)
