"""`homeward notifications-pending`: the review queue printed, for a person or as CSV."""

import csv
import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from homeward.audit.models import AuditEntry
from homeward.children.tests.factories import ChildFactory
from homeward.councils.tests.factories import council as make_council
from homeward.police.tests.factories import LONDON, NotificationFactory, candidate

pytestmark = pytest.mark.django_db


def pending(*args) -> str:
    out = io.StringIO()
    call_command("notifications-pending", *args, stdout=out)
    return out.getvalue()


def rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_csv_lists_the_queue_oldest_first_with_candidates_best_first():
    here = make_council()
    one, two = ChildFactory(local_id="C100"), ChildFactory(local_id="C200")
    NotificationFactory(
        police_ref="MSC-2",
        received_at=dt.datetime(2026, 11, 30, 10, 0, tzinfo=LONDON),
        candidates=[candidate(one, 0.2), candidate(two, 0.91234)],
    )
    NotificationFactory(
        police_ref="MSC-1",
        received_at=dt.datetime(2026, 11, 30, 9, 0, tzinfo=LONDON),
        candidates=[],
    )
    NotificationFactory(police_ref="MSC-DONE", state="applied")
    NotificationFactory(police_ref="MSC-BAD", state="problem")
    found = rows(pending("--council", here.code, "--csv"))
    assert [row["police_ref"] for row in found] == ["MSC-1", "MSC-2"]
    assert found[1] == {
        "police_ref": "MSC-2",
        "force": "Made-up Shire Constabulary",
        "received_at": "2026-11-30T10:00:00+00:00",
        "first_name": "Tyler",
        "last_name": "Madeup",
        "date_of_birth": "2011-03-14",
        "candidates": "C200:0.912;C100:0.200",
    }
    assert found[0]["candidates"] == ""


def test_the_csv_header_is_written_when_nothing_waits():
    assert pending("--csv").splitlines() == [
        "police_ref,force,received_at,first_name,last_name,date_of_birth,candidates"
    ]


def test_only_the_councils_own_notifications_are_listed():
    NotificationFactory(police_ref="OURS")
    NotificationFactory(police_ref="THEIRS", council=make_council("933"))
    assert [row["police_ref"] for row in rows(pending("--csv"))] == ["OURS"]
    assert [row["police_ref"] for row in rows(pending("--csv", "--council", "933"))] == ["THEIRS"]


def test_a_name_a_spreadsheet_would_run_is_written_as_text():
    NotificationFactory(
        fields={"first_name": "=HYPERLINK(1)", "last_name": "Madeup", "date_of_birth": ""}
    )
    assert rows(pending("--csv"))[0]["first_name"] == "'=HYPERLINK(1)"


def test_without_csv_a_person_reads_a_table():
    child = ChildFactory(local_id="C300")
    NotificationFactory(police_ref="MSC-9", candidates=[candidate(child, 0.5)])
    text = pending()
    said = "1 notification of Oxfordshire (931) waiting for review, the longest waiting first."
    assert said in text
    lines = text.splitlines()
    assert lines[1].split()[:2] == ["Police", "reference"]
    assert "MSC-9" in lines[2]
    assert "2026-11-30 09:00" in lines[2]
    assert "C300: 0.500" in lines[2]


def test_an_empty_queue_says_so():
    assert pending() == "No notification of Oxfordshire (931) is waiting for review.\n"


def test_an_unknown_council_is_refused_with_a_sentence():
    with pytest.raises(CommandError, match="There is no council with code '999'"):
        pending("--council", "999")


def test_printing_the_queue_is_audited():
    NotificationFactory()
    pending("--csv")
    entry = AuditEntry.objects.latest("sequence")
    assert entry.action == "export"
    assert entry.details == {"command": "notifications-pending", "council": "931", "rows": 1}
