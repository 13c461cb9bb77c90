"""A file's rows are received some at a time, in one transaction each lot (each row in its own
savepoint, their audit entries written together): what is stored is exactly what receiving
the rows one at a time stores, bad and repeated rows included, and a row's work does not grow
with the number of children it might be."""

import csv
import datetime as dt
import io
import re

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from homeward.audit.integrity import audit_verify
from homeward.audit.models import AuditEntry
from homeward.children.tests.factories import ChildFactory
from homeward.councils.tests.factories import council
from homeward.episodes.models import Episode
from homeward.episodes.tests.factories import LONDON
from homeward.police import notification_file
from homeward.police.models import EpisodeReference, Notification, PoliceValues, RiskGrading
from homeward.police.notification_file import import_notifications
from homeward.police.reading import COLUMNS
from homeward.police.services import notification_receive
from homeward.police.tokens import force_create

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=LONDON)
FORCE = "Made-up Shire Police"
EPISODE_ID = re.compile(r"HW-E-[0-9A-F]+")


class Undone(Exception):
    pass


@pytest.fixture(autouse=True)
def registered():
    """The made-up force is registered to send notifications for the council."""
    return force_create(name=FORCE, councils=[council()], by=None)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def children():
    return [
        ChildFactory(
            local_id=f"C{n}",
            first_name=first,
            last_name="Madeupson",
            date_of_birth=dt.date(2011, 4, 3 + n),
            sex="male",
            police_id=f"PID-{n}",
            postcode="ZZ1 1AA",
        )
        for n, first in enumerate(("Jordan", "Casey", "Morgan"))
    ]


def event(ref, kind, at, **more) -> dict:
    return {"force": FORCE, "police_ref": ref, "event": kind, "event_at": at} | more


def rows() -> list[dict]:
    """Every kind of row, in an order that crosses the lots: a found before its report (held),
    reports by police id and by details, a regrading, a second reference joining an episode,
    a report nobody matches, a row that cannot be read, one sent twice, one that overlaps."""
    jordan = {"first_name": "Jordan", "last_name": "Madeupson", "date_of_birth": "03/04/2011"}
    return [
        event("MS-1", "found", "10/03/2026 08:00", found_at="10/03/2026 08:00"),
        event("MS-1", "missing", "09/03/2026 22:00", last_seen_at="09/03/2026 21:30")
        | {"police_id": "PID-0", "risk": "High"},
        event("MS-2", "missing", "09/03/2026 20:00", last_seen_at="09/03/2026 19:00")
        | {"first_name": "Casey", "last_name": "Madeupson", "date_of_birth": "04/04/2011"}
        | {"sex": "male", "postcode": "ZZ1 1AA", "risk": "medium"},
        event("MS-2", "update", "10/03/2026 01:00", risk="Grade 1"),
        event("MS-2", "update", "10/03/2026 01:00", risk="Grade 1"),
        event("NB-9", "missing", "09/03/2026 21:00", last_seen_at="09/03/2026 19:30")
        | {"police_id": "PID-1"},
        event("MS-3", "missing", "09/03/2026 20:00", last_seen_at="09/03/2026 19:00")
        | {"first_name": "Avery", "last_name": "Notknown", "date_of_birth": "01/01/2012"},
        event("MS-4", "vanished", "31/02/2026 25:00"),
        event("MS-5", "missing", "09/03/2026 22:00", last_seen_at="09/03/2026 18:00")
        | {"police_id": "PID-2", "found_at": "09/03/2026 23:00"},
        event("MS-6", "missing", "09/03/2026 19:30", last_seen_at="09/03/2026 17:00")
        | {"police_id": "PID-2", "found_at": "09/03/2026 19:00"},
        event("MS-1", "update", "10/03/2026 09:00", risk="low") | jordan,
    ]


def as_file(data: list[dict]) -> io.BytesIO:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(data)
    return io.BytesIO(out.getvalue().encode())


def stored() -> dict:
    """What the rows left, with the made-up episode ids (new ones each run) taken out."""

    def episode(pk):
        found = Episode.all_records.filter(pk=pk).first()
        return found and (found.child.local_id, found.last_seen_at)

    notifications = [
        (
            n.source_row,
            n.state,
            n.review_reason,
            n.event,
            n.police_ref,
            n.child and n.child.local_id,
            episode(n.episode_id),
            EPISODE_ID.sub("E", n.outcome),
            [EPISODE_ID.sub("E", p["message"]) for p in n.problems],
            n.candidates,
            n.conflicts,
            n.link_method,
        )
        for n in Notification.objects.order_by("source_row")
    ]
    episodes = [
        (e.child.local_id, e.last_seen_at, e.returned_at, e.risk, e.police_reference)
        for e in Episode.all_records.order_by("child__local_id", "last_seen_at")
    ]
    references = sorted(
        (r.police_ref, episode(r.episode_id), r.notification.source_row)
        for r in EpisodeReference.objects.all()
    )
    gradings = sorted(
        (episode(g.episode_id), g.verbatim, g.mapped, g.graded_at, g.notification.source_row)
        for g in RiskGrading.objects.all()
    )
    police = sorted((episode(p.episode_id), p.values) for p in PoliceValues.objects.all())
    entries = sorted((e.action, e.object_type) for e in AuditEntry.objects.exclude(action="import"))
    return {
        "notifications": notifications,
        "episodes": episodes,
        "references": references,
        "gradings": gradings,
        "police values": police,
        "audit entries": entries,
    }


def one_at_a_time(data: list[dict]) -> None:
    for number, row in enumerate(data, 2):
        notification_receive(
            council=council(),
            force_name=row["force"],
            data={name: row.get(name, "") for name in COLUMNS},
            source="csv",
            source_name="lot.csv",
            source_row=number,
        )


def test_a_file_received_in_lots_stores_what_one_row_at_a_time_stores(children, monkeypatch):
    monkeypatch.setattr(notification_file, "ROWS_AT_ONCE", 3)  # lots end between related rows
    entries = AuditEntry.objects.count()  # the force's registration
    try:
        with transaction.atomic():
            one_at_a_time(rows())
            expected = stored()
            raise Undone
    except Undone:
        pass
    assert not Notification.objects.exists() and AuditEntry.objects.count() == entries
    result = import_notifications(as_file(rows()), name="lot.csv", council=council())
    assert stored() == expected
    assert result.rows == len(rows()) == Notification.objects.count() + 1  # one sent twice
    states = {n["state"] for n in Notification.objects.values("state")}
    assert states == {"applied", "review", "problem"}  # the found was held, then applied
    assert audit_verify().breaks == []


def test_a_row_that_cannot_be_applied_does_not_stop_the_rows_of_its_lot(children, monkeypatch):
    monkeypatch.setattr(notification_file, "ROWS_AT_ONCE", 100)
    result = import_notifications(as_file(rows()), name="lot.csv", council=council())
    overlapping = Notification.objects.get(police_ref="MS-6")
    assert overlapping.state == "problem"  # it overlaps MS-5's episode of the same child
    assert Notification.objects.get(police_ref="MS-1", event="update").state == "applied"
    assert {(p.row, p.column) for p in result.problems} == {(9, "event"), (9, "event_at")}
    assert (result.count("applied"), result.count("review"), result.count("problem")) == (7, 1, 2)


def test_a_rows_work_does_not_grow_with_the_children_it_might_be(children):
    """Reports matched on details among 60 children of one surname and date of birth: the
    queries a row stay under a ceiling three times today's, which one query a candidate would
    pass."""
    for n in range(60):
        ChildFactory(
            first_name=f"Sam{n}",
            last_name="Madeupson",
            date_of_birth=dt.date(2011, 4, 3),
            sex="female" if n % 2 else "male",
            postcode="ZZ1 1AA",
        )
    data = [
        event(f"MQ-{n}", "missing", "09/03/2026 22:00", last_seen_at="09/03/2026 21:30")
        | {"first_name": f"Sam{n}", "last_name": "Madeupson", "date_of_birth": "03/04/2011"}
        | {"sex": "female" if n % 2 else "male", "postcode": "ZZ1 1AA"}
        for n in range(20)
    ]
    with CaptureQueriesContext(connection) as queries:
        result = import_notifications(as_file(data), name="many.csv", council=council())
    assert result.rows == 20
    # About 13 a row today; one a candidate would be over 60.
    assert len(queries.captured_queries) / result.rows < 40
