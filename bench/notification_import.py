"""Importing a force's CSV file of police notifications: 10,000 rows read, matched and applied
(each in its own savepoint, 20 a transaction, what they ask read once for the 20), timed
against a plain bulk insert of the same rows in the same run.

    python -m bench.notification_import [--children N] [--notifications N]
                                        [--database-url URL | --sqlite FILE] [--no-docs]

The database is dropped, created and migrated (PostgreSQL), or a new file (SQLite). N made-up
children are written for council 931 (bench.notification_matching.fill), and a CSV file of
made-up notifications about some of them, as a force's daily export would hold them: new
reports (most with the force's police id the council has recorded, some by name and date of
birth only, a few about a child the council does not know), risk regradings, founds (some
arriving before their report), away reports, a few rows that cannot be read and a few sent
twice. The file is imported as `homeward import-notifications` imports it
(police.notification_file.import_notifications), then the same file is read with the csv
module and its rows stored as Notification records with one bulk insert per 1,000 (the
baseline: reading and keeping the rows, with nothing matched or applied). Figures go into
docs/performance.md unless --no-docs.
"""

import argparse
import csv
import datetime as dt
import hashlib
import io
import random
import sys
import time
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

from bench import big_run
from bench.child_search import prepare

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/homeward_bench_notification_import"
PERFORMANCE = Path(__file__).resolve().parents[1] / "docs" / "performance.md"
BEGIN = "<!-- bench:notification-import:begin (written by python -m bench.notification_import) -->"
END = "<!-- bench:notification-import:end -->"
HEADING = "Importing police notifications from CSV: the latest figures"
TARGET_SECONDS = 30.0
FORCE = "Made-up Vale Police"
LONDON = ZoneInfo("Europe/London")
RISKS = ("High", "Medium", "Medium", "Low", "Low", "No apparent risk")


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _stamp(at: dt.datetime, rng: random.Random) -> str:
    """A time as forces write them: mostly dd/mm/yyyy HH:MM, some ISO 8601."""
    local = at.astimezone(LONDON)
    if rng.random() < 0.8:
        return local.strftime("%d/%m/%Y %H:%M")
    return local.isoformat(timespec="minutes")


def _person(child, how: str, rng: random.Random) -> dict:
    if how == "unknown":
        return {
            "first_name": rng.choice(("Rowan", "Skye", "Ellis")),
            "last_name": f"Notknown{rng.randint(1000, 9999)}",
            "date_of_birth": f"{rng.randint(1, 28):02d}/0{rng.randint(1, 9)}/2010",
            "sex": rng.choice(("M", "F")),
        }
    person = {
        "first_name": child.first_name,
        "last_name": child.last_name,
        "date_of_birth": child.date_of_birth.strftime("%d/%m/%Y"),
        "sex": "M" if child.sex == "male" else "F",
        "postcode": child.postcode,
        "address": child.address,
    }
    if how == "police id":
        person["police_id"] = child.police_id
    return person


def episode_rows(n: int, child, how: str, now: dt.datetime, rng: random.Random) -> list[dict]:
    """One episode's notifications: its report, perhaps regradings, perhaps its found."""
    seen = now - dt.timedelta(hours=rng.randint(100, 24 * 60), minutes=rng.randint(0, 59))
    reported = seen + dt.timedelta(minutes=rng.randint(30, 300))
    ref = f"MV-{n:06d}"
    event = "away" if rng.random() < 0.05 else "missing"
    report = {
        "force": FORCE,
        "police_ref": ref,
        "event": event,
        "event_at": _stamp(reported, rng),
        "last_seen_at": _stamp(seen, rng),
        "reported_at": _stamp(reported, rng),
        "missing_from": rng.choice(("home", "placement")),
        "risk": rng.choice(RISKS),
        "reported_by": "Carer",
        "circumstances": "Did not come home after school; made-up details.",
        **_person(child, how, rng),
    }
    rows = [(reported, report)]
    at = reported
    for _ in range(rng.choice((0, 0, 1, 1, 2))):
        at += dt.timedelta(hours=rng.randint(1, 8))
        update = {"force": FORCE, "police_ref": ref, "event": "update"}
        rows.append((at, update | {"event_at": _stamp(at, rng), "risk": rng.choice(RISKS)}))
    if rng.random() < 0.9:
        found = at + dt.timedelta(hours=rng.randint(1, 60))
        # Some founds arrive before their report (the force's export is not in order).
        arrived = reported - dt.timedelta(minutes=1) if rng.random() < 0.05 else found
        found_row = {"force": FORCE, "police_ref": ref, "event": "found"}
        found_row |= {"event_at": _stamp(found, rng), "found_at": _stamp(found, rng)}
        rows.append((arrived, found_row | {"found_location": "A friend's address"}))
    return rows


def make_file(council, how_many: int, now: dt.datetime) -> tuple[bytes, Counter]:
    """The CSV file of `how_many` notifications, in the order they arrived; and what kinds
    of report it holds."""
    from homeward.children.models import Child

    rng = random.Random(12)
    pks = list(Child.objects.filter(council=council).values_list("pk", flat=True))
    chosen = Child.objects.filter(pk__in=rng.sample(pks, min(len(pks), how_many // 2)))
    children = list(chosen.order_by("pk"))
    with_ids = []
    for child in children:
        if rng.random() < 0.6:  # the force's id for a child it has reported before
            child.police_id = f"VP{child.pk:08d}"
            with_ids.append(child)
    Child.objects.bulk_update(with_ids, ["police_id"], batch_size=1000)
    kinds: Counter = Counter()
    timed: list[tuple[dt.datetime, dict]] = []
    for n, child in enumerate(children):
        if len(timed) >= how_many:
            break
        draw = rng.random()
        how = "police id" if child.police_id else "details" if draw < 0.8 else "unknown"
        kinds[how] += 1
        timed += episode_rows(n, child, how, now, rng)
    timed = sorted(timed[:how_many], key=lambda pair: pair[0])
    rows = [row for _, row in timed]
    for n in range(0, len(rows), 500):  # a few that cannot be read, a few sent twice
        rows[n] = rows[n] | {"event_at": "31/02/2026 25:00"}
        if n + 1 < len(rows):
            rows[n + 1 : n + 1] = [rows[n + 1]]
    rows = rows[:how_many]
    from homeward.police.reading import COLUMNS

    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8"), kinds


def baseline(council, content: bytes) -> float:
    """Seconds to read the same file with the csv module and store each row as a Notification
    (one bulk insert a 1,000), matching and applying nothing; the rows are removed after."""
    from homeward.police.models import Notification, Source, State

    started = time.perf_counter()
    reader = csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline=""))
    batch = []
    for n, row in enumerate(reader, 2):
        digest = hashlib.sha256(f"baseline {n} {sorted(row.items())}".encode()).hexdigest()
        batch.append(
            Notification(
                council=council,
                force_name=row["force"],
                source=Source.CSV,
                source_name="baseline.csv",
                source_row=n,
                fingerprint=digest,
                raw=row,
                police_ref=row["police_ref"],
                event=row["event"],
                state=State.PROBLEM,
            )
        )
        if len(batch) == 1000:
            Notification.objects.bulk_create(batch)
            batch = []
    Notification.objects.bulk_create(batch)
    seconds = time.perf_counter() - started
    Notification.objects.filter(source_name="baseline.csv").delete()
    return seconds


def figures(council, children: int, how_many: int, vendor: str) -> str:
    """Import the file and time it, then the baseline; the figures as markdown."""
    from django.utils import timezone

    from homeward.police.models import Force, Notification
    from homeward.police.notification_file import import_notifications

    # The force is registered for the council, as an administrator does before its files.
    Force.objects.get_or_create(name=FORCE)[0].councils.add(council)
    content, kinds = make_file(council, how_many, timezone.now())
    started = time.perf_counter()
    result = import_notifications(io.BytesIO(content), name="bench.csv", council=council)
    seconds = time.perf_counter() - started
    base = baseline(council, content)
    states = Counter(kept.notification.state for kept in result.kept if kept.created)
    assert Notification.objects.filter(source_name="bench.csv").count() == sum(states.values())
    verdict = "met" if seconds < TARGET_SECONDS else "**not met**"
    reports = sum(kinds.values())
    return "\n".join(
        [
            f"Measured {dt.date.today():%-d %B %Y} with `python -m bench.notification_import "
            f"--children {children} --notifications {how_many}` on {vendor}: {children:,} "
            f"made-up children in one council and a CSV file of {result.rows:,} notifications "
            f"({len(content) / 1024 / 1024:.1f} MB) about {reports:,} episodes of theirs: "
            f"reports ({kinds['police id']:,} giving the police id the council has recorded, "
            f"{kinds['details']:,} name, date of birth and address only, {kinds['unknown']:,} "
            "about a child the council does not know), regradings and founds (one in twenty "
            "before its report), one row in 500 that cannot be read and one sent twice. The "
            "file is imported as `homeward import-notifications` imports it: each row read, "
            "matched and applied in its own savepoint, 20 rows a transaction, what the 20 "
            "would each ask the database read once for them (police.lots). The baseline, "
            "timed in the same run, "
            "reads the same file with Python's csv module and stores each row as a "
            "notification with one bulk insert a thousand, matching and applying nothing.",
            "",
            "| | seconds | per row ms |",
            "| --- | ---: | ---: |",
            f"| importing the file | {seconds:.1f} | {seconds * 1000 / result.rows:.2f} |",
            f"| baseline: bulk insert of the same rows | {base:.2f} | "
            f"{base * 1000 / result.rows:.3f} |",
            f"| ratio | {seconds / base:.0f} × | |",
            "",
            "| what became of the rows | |",
            "| --- | ---: |",
            f"| applied | {states['applied']:,} |",
            f"| held (still waiting for their report at the end) | {states['held']:,} |",
            f"| waiting for review | {states['review']:,} |",
            f"| could not be read | {states['problem']:,} |",
            f"| already received (sent twice) | {result.already_received:,} |",
            "",
            f"Target: {how_many:,} notifications from CSV in under {TARGET_SECONDS:.0f} s: "
            f"{verdict}.",
        ]
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Measure importing police notifications.")
    parser.add_argument("--children", type=int, default=50_000)
    parser.add_argument("--notifications", type=int, default=10_000)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--sqlite", type=Path, help="measure on a new SQLite file instead")
    parser.add_argument("--no-docs", action="store_true")
    args = parser.parse_args(argv)
    prepare(args.database_url, args.sqlite)
    import django

    django.setup()
    from django.db import connection

    from bench.notification_matching import fill

    started = time.perf_counter()
    council = fill(args.children)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    say(f"Ready in {time.perf_counter() - started:.0f} s.")
    text = figures(council, args.children, args.notifications, connection.vendor)
    print(text)
    if not args.no_docs and not args.sqlite:
        big_run.refresh_section(PERFORMANCE, HEADING, BEGIN, END, text)
        say(f"Refreshed {PERFORMANCE}.")
    if not args.sqlite:
        from bench.run import drop_database

        connection.close()
        drop_database(args.database_url)


if __name__ == "__main__":
    main()
