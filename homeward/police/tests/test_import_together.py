"""A file's rows are received some at a time, in one transaction each lot (each row in its own
savepoint, their audit entries written together): what is stored is exactly what receiving
the rows one at a time stores, bad and repeated rows included, and a row's work does not grow
with the number of children it might be."""

import csv
import datetime as dt
import io
import random
import re

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from homeward.audit.chain import json_safe
from homeward.audit.integrity import audit_verify
from homeward.audit.models import AuditEntry
from homeward.audit.services import field_values
from homeward.children.tests.factories import ChildFactory
from homeward.councils.tests.factories import council
from homeward.episodes.models import Episode
from homeward.episodes.tests.factories import LONDON, EpisodeFactory
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
    # Each of the two problems is listed with its row and column, the overlap too.
    refused = (overlapping.source_row, "last_seen_at")
    assert {(p.row, p.column) for p in result.problems} == {(9, "event"), (9, "event_at"), refused}
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


BORDER = "Made-up Border Police"


def generated(rows_at_once: int) -> tuple[list[dict], list]:
    """A file of every kind of row about 20 children (seeded): reports by police id, by
    details, with a typo in the name, about twins and about a child nobody knows; regradings
    in the force's own words; founds, some before their report, one whose report never comes;
    a neighbouring force's reference joining an episode; an update overwriting a coordinator's
    correction; a report overlapping an episode; rows that cannot be read, rows sent twice."""
    rng = random.Random(rows_at_once)
    children = [
        ChildFactory(
            local_id=f"G{n:02d}",
            first_name=first,
            last_name="Twinley" if n in (18, 19) else f"Madeup{n}",
            date_of_birth=dt.date(2010, 5, 1 if n in (18, 19) else 2 + n),
            sex="male" if n % 2 else "female",
            police_id=f"GP-{n}" if n < 10 else "",
            postcode="ZZ9 9ZZ",
            address=f"{1 if n in (18, 19) else n + 1} Madeup Road",
        )
        for n, first in enumerate(
            ("Jordan", "Casey", "Morgan", "Riley", "Taylor", "Jamie", "Alex", "Sam", "Robin")
            + ("Charlie", "Frankie", "Harley", "Jessie", "Kit", "Lee", "Max", "Nico", "Oakley")
            + ("Pat", "Quinn")
        )
    ]
    corrected = EpisodeFactory(
        child=children[12],
        last_seen_at=NOW - dt.timedelta(days=90),
        police_reference="CO-1",
        reported_by="Aunt",
    )
    timed = [
        (
            NOW - dt.timedelta(days=1),
            event("CO-1", "update", "09/03/2026 10:00", reported_by="Carer", risk="Grade 2"),
        ),
        (NOW - dt.timedelta(hours=2), event("HX-1", "found", "10/03/2026 09:00")),
    ]

    def stamp(at: dt.datetime) -> str:
        at = at.astimezone(LONDON)
        return at.strftime("%d/%m/%Y %H:%M") if rng.random() < 0.7 else at.isoformat()

    for n in range(34):
        child = children[n % 20]
        seen = NOW - dt.timedelta(days=3 + 2 * n, hours=rng.randint(0, 10))
        reported = seen + dt.timedelta(minutes=rng.randint(20, 200))
        ref = f"GX-{n}"
        who = {"first_name": child.first_name, "last_name": child.last_name}
        who |= {"date_of_birth": child.date_of_birth.strftime("%d/%m/%Y"), "sex": child.sex}
        who |= {"postcode": child.postcode, "address": child.address}
        if child.police_id and rng.random() < 0.8:
            who["police_id"] = child.police_id
        if n % 7 == 3:
            who["first_name"] = who["first_name"][:-1] + "x"  # a typo
        if n % 11 == 5:
            who = {"first_name": "Avery", "last_name": f"Notknown{n}", "sex": "female"}
            who["date_of_birth"] = "01/01/2001"
        report = event(ref, "away" if n % 9 == 4 else "missing", stamp(reported))
        report |= {"last_seen_at": stamp(seen), "reported_at": stamp(reported)} | who
        report |= {"risk": rng.choice(("High", "medium", "Low", "Grade 1", ""))}
        report |= {"missing_from": rng.choice(("home", "placement", "")), "reported_by": "Carer"}
        rows = [(reported, report)]
        at = reported
        for _ in range(rng.choice((0, 1, 2))):
            at += dt.timedelta(hours=rng.randint(1, 5))
            rows.append((at, event(ref, "update", stamp(at), risk=rng.choice(("High", "Grade 3")))))
        if n % 6 == 2:  # a neighbouring force's log of the same episode
            at += dt.timedelta(minutes=30)
            other = event(f"BX-{n}", "missing", stamp(at), last_seen_at=stamp(seen)) | who
            rows.append((at, other | {"force": BORDER, "police_id": child.police_id}))
        if rng.random() < 0.85:
            found = at + dt.timedelta(hours=rng.randint(1, 20))
            arrived = reported - dt.timedelta(minutes=1) if n % 5 == 1 else found
            found_row = event(ref, "found", stamp(found), found_at=stamp(found))
            rows.append((arrived, found_row | {"found_location": "A friend's address"}))
        if n % 10 == 7:  # another report of the same child, overlapping this episode
            overlap = event(f"OX-{n}", "missing", stamp(at), last_seen_at=stamp(seen))
            rows.append((at, overlap | who))
        timed += rows
    data = [row for _, row in sorted(timed, key=lambda pair: pair[0])]
    for n in range(5, len(data), 23):
        data[n] = data[n] | {"event_at": "31/02/2026 25:00"}  # cannot be read
    for n in range(9, len(data), 17):
        data.insert(n + 1, dict(data[n]))  # sent twice
    return data, [corrected]


@pytest.mark.parametrize("rows_at_once", [20, 7])
def test_a_generated_file_imported_in_lots_stores_what_one_row_at_a_time_stores(
    monkeypatch, rows_at_once
):
    """The lot path (police.lots: what the rows would ask, read once for the lot) leaves
    exactly what receiving each row on its own leaves: states, episodes, references, risk
    gradings, police values, conflicts, held notifications and the audit entries; and the
    same file again changes nothing."""
    force_create(name=BORDER, councils=[council()], by=None)
    monkeypatch.setattr(notification_file, "ROWS_AT_ONCE", rows_at_once)
    data, _ = generated(rows_at_once)
    try:
        with transaction.atomic():
            one_at_a_time(data)
            expected = stored()
            raise Undone
    except Undone:
        pass
    result = import_notifications(as_file(data), name="lot.csv", council=council())
    assert stored() == expected
    states = {n["state"] for n in Notification.objects.values("state")}
    assert states == {"applied", "review", "held", "problem"}
    reasons = {n["review_reason"] for n in Notification.objects.values("review_reason")}
    assert {"conflict", "unsure", "new_child"} <= reasons
    assert EpisodeReference.objects.filter(police_ref__startswith="BX-").exists()  # joined
    assert result.already_received > 0 and result.count("problem") > 0
    again = import_notifications(as_file(data), name="lot.csv", council=council())
    assert stored() == expected
    assert again.already_received == again.rows == result.rows
    assert audit_verify().breaks == []


def summer_rows() -> list[dict]:
    """A report, a regrading and a found in British Summer Time (times an hour off UTC)."""
    return [
        event("SU-1", "missing", "14/07/2025 22:00", last_seen_at="14/07/2025 21:30")
        | {"police_id": "PID-1", "risk": "High", "reported_by": "Carer"},
        event("SU-1", "update", "15/07/2025 01:00", risk="low"),
        event("SU-1", "found", "15/07/2025 08:00", found_at="15/07/2025 08:00")
        | {"found_location": "A friend's address"},
    ]


def test_each_change_entry_says_the_values_its_record_was_stored_with(children):
    """The audit entries of a file's notifications and episodes (written from the values the
    services saved, not read back) hold what reading each record back gives: times in UTC,
    JSON as the database keeps it."""
    import_notifications(as_file(rows() + summer_rows()), name="lot.csv", council=council())
    latest = {}
    for entry in AuditEntry.objects.filter(action="change").order_by("sequence"):
        latest[(entry.object_type, entry.object_id)] = entry
    models = {"police.notification": Notification, "episodes.episode": Episode}
    checked = set()
    for (kind, pk), entry in latest.items():
        if kind not in models:
            continue  # the force's registration
        record = models[kind]._base_manager.get(pk=pk)
        if kind == "police.notification" and "(It had been held.)" in record.outcome:
            continue  # applied later by another row, without an entry of its own
        stored = json_safe(field_values(record))
        for name, change in entry.details.items():
            assert change["after"] == stored[name], (kind, record, name)
        checked.add(kind)
    assert checked == set(models)
    summer = Notification.objects.get(police_ref="SU-1", event="missing")
    assert latest[("police.notification", str(summer.pk))].details["event_at"]["after"] == (
        "2025-07-14T21:00:00Z"
    )


def test_a_report_of_a_known_child_reads_and_locks_the_child_once(children):
    """Applying a report locks the child before deciding (join an episode or record one), and
    the episode it records is checked against what that lock read, not read again."""
    data = [
        event("LK-1", "missing", "09/03/2026 22:00", last_seen_at="09/03/2026 21:30")
        | {"police_id": "PID-0"}
    ]
    with CaptureQueriesContext(connection) as queries:
        import_notifications(as_file(data), name="one.csv", council=council())
    assert Notification.objects.get(police_ref="LK-1").state == "applied"
    by_id = '"children_child"."id" = '
    reads = [q["sql"] for q in queries.captured_queries if by_id in q["sql"]]
    assert len(reads) == 1, reads


def _as_compared(episode: Episode) -> list:
    """Every field's value, with its time zone where it is a time."""
    names = [field.attname for field in Episode._meta.concrete_fields]
    return [
        (name, getattr(episode, name), getattr(getattr(episode, name), "tzinfo", 0))
        for name in names
    ]


def test_an_episode_changed_by_news_is_what_reading_it_back_gives(children, monkeypatch):
    """An episode a notification changes is not read back after the change but made from the
    episode as read under its lock and the news: it is what reading it back gives, field by
    field (times in UTC, the version the change gave it); and a report that joins a child's
    episode locks the child once."""
    from homeward.police import applying

    update = applying.episode_update
    compared = []

    def updated_and_read(**kwargs):
        episode = update(**kwargs)
        compared.append((_as_compared(episode), _as_compared(Episode.objects.get(pk=episode.pk))))
        return episode

    monkeypatch.setattr(applying, "episode_update", updated_and_read)
    EpisodeFactory(child=children[1], last_seen_at=dt.datetime(2025, 7, 14, 20, 0, tzinfo=LONDON))
    joining = event("SU-2", "missing", "14/07/2025 23:00", last_seen_at="14/07/2025 21:00")
    import_notifications(as_file(summer_rows()), name="summer.csv", council=council())
    with CaptureQueriesContext(connection) as queries:
        import_notifications(
            as_file([joining | {"police_id": "PID-1", "risk": "Medium"}]),
            name="joining.csv",
            council=council(),
        )
    assert Notification.objects.get(police_ref="SU-2").state == "applied"
    assert len(compared) == 3  # the regrading, the found and the joining report
    for made, read in compared:
        assert made == read
    by_id = '"children_child"."id" = '
    reads = [q["sql"] for q in queries.captured_queries if by_id in q["sql"]]
    assert len(reads) == 1, reads
