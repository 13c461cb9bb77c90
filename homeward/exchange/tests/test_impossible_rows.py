"""An import refuses what the services refuse: each impossible record is one problem naming
its file, row and column with the rules' own sentence, and nothing is written."""

import datetime as dt

import pytest
from django.utils import timezone

from homeward.children.models import Child
from homeward.children.rules import (
    BORN_AFTER_RECORD,
    PLACEMENT_STARTS_IN_FUTURE,
    TOO_OLD_FOR_RECORDS,
)
from homeward.core.clock import age_in_years
from homeward.core.problems import CONTROL_CHARACTER, IN_THE_FUTURE, TOO_LONG
from homeward.episodes.models import Episode
from homeward.episodes.rules import INTERVIEW_WHILE_MISSING, TOO_OLD_AT_EPISODE
from homeward.exchange.bundle_import import import_bundle
from homeward.exchange.tests.bundles import LOCALITIES, child, episode, interview, write_bundle
from homeward.exchange.tests.test_bundle_import import rejected
from homeward.exploitation.rules import NO_CONCERNS_WITH_CONCERNS, SCREENING_BEFORE_BIRTH
from homeward.interviews.models import ReturnInterview
from homeward.interviews.rules import (
    COMPLETED_BEFORE_OFFER,
    COMPLETED_NEEDS_WORKER,
    COMPLETED_WHILE_MISSING,
    NOT_OFFERED_WITH_OFFER,
)

pytestmark = pytest.mark.django_db


def screening(**values) -> dict:
    return {
        "screening_id": "S1",
        "child_id": "C1",
        "completed_on": "2020-03-10",
        "outcome": "medium",
        "concerns": "missing",
    } | values


def placement(**values) -> dict:
    return {
        "placement_id": "P1",
        "child_id": "C1",
        "start_date": "2019-01-01",
        "placement_type": "foster",
    } | values


def bundle(folder, **changes):
    """C1 missing on 2 Mar 2020 (back 3 Mar 09:00), interviewed, screened; with changes."""
    files = {
        "localities": LOCALITIES,
        "children": [child("C1")],
        "placements": [placement()],
        "episodes": [episode("E1", "C1")],
        "interviews": [interview("I1", "E1")],
        "screenings": [screening()],
    }
    return write_bundle(folder, **(files | changes))


def _age_today(born: dt.date) -> int:
    return age_in_years(born, timezone.localdate())


CASES = {
    "born in 0011": (
        {"children": [child("C1", date_of_birth="0011-03-04")]},
        [
            "children.csv, row 2, date_of_birth: "
            + TOO_OLD_FOR_RECORDS.format(born="4 Mar 0011", age=_age_today(dt.date(11, 3, 4))),
            "episodes.csv, row 2, last_seen_at: "
            + TOO_OLD_AT_EPISODE.format(
                seen="2 Mar 2020 18:00", age=2008, born="4 Mar 0011", oldest=25
            ),
        ],
    ),
    "born in 1950": (
        {"children": [child("C1", date_of_birth="1950-05-01")], "episodes": [], "interviews": []},
        [
            "children.csv, row 2, date_of_birth: "
            + TOO_OLD_FOR_RECORDS.format(born="1 May 1950", age=_age_today(dt.date(1950, 5, 1)))
        ],
    ),
    "reported in 2099": (
        {"episodes": [episode("E1", "C1", reported_at="2099-01-01T12:00")]},
        [
            "episodes.csv, row 2, reported_at: "
            + IN_THE_FUTURE.format(what="report to police", when="1 Jan 2099 12:00")
        ],
    ),
    "placing council told in 2099": (
        {"episodes": [episode("E1", "C1", placing_la_notified_at="2099-01-01T12:00")]},
        [
            "episodes.csv, row 2, placing_la_notified_at: "
            + IN_THE_FUTURE.format(what="notice to the placing council", when="1 Jan 2099 12:00")
        ],
    ),
    "placement from 2099": (
        {"placements": [placement(start_date="2099-01-01")]},
        [
            "placements.csv, row 2, start_date: "
            + PLACEMENT_STARTS_IN_FUTURE.format(start="1 Jan 2099")
        ],
    ),
    "offered in 2099": (
        {
            "interviews": [
                interview(outcome="declined", offered_at="2099-01-01T12:00", completed_at="")
            ]
        },
        [
            "interviews.csv, row 2, offered_at: "
            + IN_THE_FUTURE.format(what="offer", when="1 Jan 2099 12:00")
        ],
    ),
    "completed before offered": (
        {"interviews": [interview(offered_at="2020-03-04T12:00", completed_at="2020-03-03T12:00")]},
        [
            "interviews.csv, row 2, completed_at: "
            + COMPLETED_BEFORE_OFFER.format(
                completed="3 Mar 2020 12:00", offered="4 Mar 2020 12:00"
            )
        ],
    ),
    "not offered, with an offer": (
        {"interviews": [interview(outcome="not_offered", completed_at="", conducted_by="")]},
        ["interviews.csv, row 2, offered_at: " + NOT_OFFERED_WITH_OFFER],
    ),
    "completed by nobody": (
        {"interviews": [interview(conducted_by="")]},
        ["interviews.csv, row 2, conducted_by: " + COMPLETED_NEEDS_WORKER],
    ),
    "completed while missing again": (
        {
            "episodes": [
                episode("E1", "C1"),
                episode(
                    "E2", "C1", last_seen_at="2020-03-04T12:00", returned_at="2020-03-06T12:00"
                ),
            ]
        },
        [
            "interviews.csv, row 2, completed_at: "
            + COMPLETED_WHILE_MISSING.format(
                completed="5 Mar 2020 10:00", episode="E2", seen="4 Mar 2020 12:00"
            )
        ],
    ),
    "screened before birth": (
        {"screenings": [screening(completed_on="2006-04-01")]},
        [
            "screenings.csv, row 2, completed_on: "
            + SCREENING_BEFORE_BIRTH.format(completed="1 Apr 2006", born="1 May 2006")
        ],
    ),
    "no concerns, with concerns": (
        {"screenings": [screening(outcome="no_concerns", concerns="cse")]},
        [
            "screenings.csv, row 2, concerns: "
            + NO_CONCERNS_WITH_CONCERNS.format(concerns="Child sexual exploitation")
        ],
    ),
    "a name too long": (
        {"children": [child("C1", first_name="A" * 101)]},
        [
            "children.csv, row 2, first_name: "
            + TOO_LONG.format(what="first_name", length=101, limit=100)
        ],
    ),
    "a NUL in a name": (
        {"children": [child("C1", last_name="Made\x00up")]},
        [
            "children.csv, row 2, last_name: "
            + CONTROL_CHARACTER.format(what="last_name", code="U+0000")
        ],
    ),
    "a NUL in findings": (
        {"interviews": [interview(findings="Push:\tnone\nPull:\x00")]},
        [
            "interviews.csv, row 2, findings: "
            + CONTROL_CHARACTER.format(what="findings", code="U+0000")
        ],
    ),
    "a bell in a police id": (
        {"children": [child("C1", police_id="TV\x07001")]},
        [
            "children.csv, row 2, police_id: "
            + CONTROL_CHARACTER.format(what="police_id", code="U+0007")
        ],
    ),
    "a NUL in an id": (
        {"episodes": [episode("E\x001", "C1")], "interviews": []},
        [
            "episodes.csv, row 2, episode_id: "
            + CONTROL_CHARACTER.format(what="episode_id", code="U+0000")
        ],
    ),
}


@pytest.mark.parametrize(("changes", "problems"), CASES.values(), ids=CASES.keys())
def test_an_impossible_record_is_refused_and_nothing_written(tmp_path, changes, problems):
    assert rejected(bundle(tmp_path, **changes)) == problems
    assert not Child.objects.exists()


def test_multi_line_findings_are_imported(tmp_path):
    import_bundle(
        bundle(tmp_path, interviews=[interview(findings="Push:\tnone\r\nPull: a")]),
        council_code="931",
    )
    assert ReturnInterview.objects.get().findings == "Push:\tnone\r\nPull: a"


@pytest.fixture
def recorded(tmp_path):
    import_bundle(bundle(tmp_path / "first"), council_code="931")
    return tmp_path


def versions() -> list:
    return [
        list(model.objects.order_by("pk").values_list("pk", "version"))
        for model in (Child, Episode, ReturnInterview)
    ]


def test_a_changed_birth_is_judged_against_the_records_already_there(recorded):
    before = versions()
    folder = write_bundle(recorded / "again", children=[child("C1", date_of_birth="2020-03-03")])
    assert rejected(folder)[0] == "children.csv, row 2, date_of_birth: " + BORN_AFTER_RECORD.format(
        born="3 Mar 2020", record="episode E1 (last seen)", on="2 Mar 2020"
    )
    assert versions() == before


def test_a_new_episode_cannot_hold_an_interview_already_there(recorded):
    before = versions()
    folder = write_bundle(
        recorded / "again",
        episodes=[episode("E2", "C1", last_seen_at="2020-03-04T12:00", returned_at="")],
    )
    assert rejected(folder) == [
        "episodes.csv, row 2, last_seen_at: "
        + INTERVIEW_WHILE_MISSING.format(interview="I1", episode="E1", completed="5 Mar 2020 10:00")
    ]
    assert versions() == before
