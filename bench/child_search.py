"""Finding a child among 300,000: the search page's query, timed against a hand-written
lookup by exact local id in the same run.

    python -m bench.child_search [--children N] [--database-url URL | --sqlite FILE]
                                 [--runs N] [--no-docs]

The database is dropped, created and migrated (PostgreSQL), or a new file (SQLite); N
made-up children are written for one council, with the few the search must find among them;
then each search runs as the page runs it (the matching children this coordinator may see,
counted, the first page of 50 read with each child's episodes) --runs times, and the median
is reported with its ratio to the exact-id lookup. Figures go into docs/performance.md
unless --no-docs.
"""

import argparse
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench import big_run

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/homeward_bench_search"
DOCS = Path(__file__).resolve().parents[1] / "docs" / "performance.md"
BEGIN = "<!-- bench:search:begin (written by python -m bench.child_search) -->"
END = "<!-- bench:search:end -->"
SQLITE_BEGIN = "<!-- bench:search-sqlite:begin (written by python -m bench.child_search) -->"
SQLITE_END = "<!-- bench:search-sqlite:end -->"
HEADING = "Finding a child: the latest figures"
# Names as common as in England: about 1 child in 100 is a Zoe (or Zoë), about 1 in 80 a
# Smith and 1 in 200 a Smith-Jones; the rest have made-up names of two syllables, a few
# thousand first names and surnames, some with an apostrophe.
COMMON_FIRST = [("Zoë", 0.005), ("Zoe", 0.005)]
COMMON_LAST = [("Smith", 0.012), ("Smith-Jones", 0.005)]
ONSETS = ["b", "br", "ch", "d", "f", "g", "j", "k", "l", "m", "n", "p", "r", "s", "sh", "t", "v"]
VOWELS = ["a", "e", "i", "o", "u", "ai", "ee", "oa"]
CODAS = ["", "n", "l", "r", "s", "th", "ck", "m"]


def made_up_names(rng: random.Random, how_many: int) -> list[str]:
    syllables = [o + v + c for o in ONSETS for v in VOWELS for c in CODAS]
    names = {(rng.choice(syllables) + rng.choice(syllables)).capitalize() for _ in range(how_many)}
    return sorted(names)


def pick(rng: random.Random, common: list[tuple[str, float]], others: list[str]) -> str:
    draw = rng.random()
    for name, share in common:
        if draw < share:
            return name
        draw -= share
    return rng.choice(others)


SEARCHES = [
    "Zoe",
    "OBrien",
    "o brien",
    "Patel, Abbie",
    "Abby Patel",
    "Smith",
    "3/4/2012",
    "3 April 2012",
    "C0123456",
    "0123456",
    "TV00012",
]
FIND = [("Sean", "O'Brien", dt.date(2012, 4, 3)), ("Abbie", "Patel", dt.date(2011, 9, 1))]


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def prepare(url: str | None, sqlite: Path | None) -> None:
    env = {"DJANGO_SETTINGS_MODULE": "homeward.config.settings", "HOMEWARD_DEBUG": "false"}
    if sqlite:
        sqlite.unlink(missing_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{sqlite}"
    else:
        from bench.run import drop_database

        drop_database(url, create_again=True)
        env["DATABASE_URL"] = url
    os.environ.update(env)
    subprocess.run(
        [sys.executable, "-m", "homeward", "migrate", "--no-input", "--verbosity", "0"],
        env=os.environ,
        check=True,
    )


def fill(children: int) -> tuple:
    """N made-up children of council 931, seeded; and a coordinator of that council."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from homeward.accounts import roles
    from homeward.accounts.models import StaffProfile
    from homeward.children.models import Child
    from homeward.councils.models import Council

    council = Council.objects.get(code=settings.HOMEWARD_COUNCIL)
    coordinator = get_user_model().objects.create(username="bench-coordinator")
    coordinator.groups.add(Group.objects.get_or_create(name=roles.MISSING_COORDINATOR)[0])
    StaffProfile.objects.create(user=coordinator, council=council)
    rng = random.Random(2026)
    firsts = made_up_names(rng, 3000)
    lasts = made_up_names(rng, 5000) + ["O'" + name.lower().capitalize() for name in firsts[:300]]
    batch = []
    for n in range(children):
        first, last = pick(rng, COMMON_FIRST, firsts), pick(rng, COMMON_LAST, lasts)
        born = dt.date(2002, 1, 1) + dt.timedelta(days=rng.randrange(6600))
        if n < len(FIND):
            first, last, born = FIND[n]
        batch.append(
            Child(
                council=council,
                responsible_la=council,
                local_id=f"C{n:07d}",
                police_id=f"TV{rng.randrange(10**9):09d}" if n % 3 else "",
                first_name=first,
                last_name=last,
                date_of_birth=born,
                sex="female" if n % 2 else "male",
                created_by=coordinator,
                changed_by=coordinator,
            )
        )
        if len(batch) == 10_000:
            Child.objects.bulk_create(batch)
            batch = []
    Child.objects.bulk_create(batch)
    return council, coordinator


def timed(work, runs: int) -> float:
    work()  # warm: caches, the first plan
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def measure(council, coordinator, runs: int) -> dict:
    from django.core.paginator import Paginator
    from django.db import connection

    from homeward.children.selectors import children_search, search_results

    today = dt.date(2026, 11, 30)

    def baseline():
        with connection.cursor() as cursor:
            sql = "SELECT id, first_name, last_name FROM children_child "
            cursor.execute(
                sql + "WHERE council_id = %s AND local_id = %s", [council.pk, "C0123456"]
            )
            cursor.fetchall()

    def search(text):
        def run():
            found = children_search(user=coordinator, council=council, text=text, today=today)
            page = Paginator(found, 50).get_page(1)
            rows = search_results(user=coordinator, children=list(page.object_list), today=today)
            return page.paginator.count, rows

        return run

    figures = {"baseline": timed(baseline, runs), "searches": {}}
    for text in SEARCHES:
        count = search(text)()[0]
        figures["searches"][text] = (timed(search(text), runs), count)
    return figures


def markdown(figures: dict, children: int, vendor: str) -> str:
    base = figures["baseline"]
    lines = [
        f"Measured {dt.date.today():%-d %B %Y} with `python -m bench.child_search "
        f"--children {children}` on {vendor}, {children:,} children in one council, "
        "searched by a coordinator (who sees all of them). Each figure is the median of the "
        "runs: the search as the page runs it (count, first page of 50, their episodes). The "
        f"baseline is a hand-written SQL lookup of one child by exact local id: {base:.2f} ms.",
        "",
        "| typed | children found | ms | × baseline |",
        "| --- | ---: | ---: | ---: |",
    ]
    for text, (ms, count) in figures["searches"].items():
        lines.append(f"| `{text}` | {count:,} | {ms:.1f} | {ms / base:.0f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Time the child search.")
    parser.add_argument("--children", type=int, default=300_000)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--sqlite", type=Path, help="measure on a new SQLite file instead")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--no-docs", action="store_true")
    args = parser.parse_args(argv)
    prepare(args.database_url, args.sqlite)
    import django

    django.setup()
    from django.db import connection

    started = time.perf_counter()
    council, coordinator = fill(args.children)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    say(f"Wrote {args.children:,} children in {time.perf_counter() - started:.0f} s.")
    figures = measure(council, coordinator, args.runs)
    text = markdown(figures, args.children, connection.vendor)
    print(text)
    if not args.no_docs:
        heading = HEADING + (" (SQLite)" if args.sqlite else " (PostgreSQL)")
        begin, end = (BEGIN, END) if not args.sqlite else (SQLITE_BEGIN, SQLITE_END)
        big_run.refresh_section(DOCS, heading, begin, end, text)
        say(f"Refreshed {DOCS}.")


if __name__ == "__main__":
    main()
