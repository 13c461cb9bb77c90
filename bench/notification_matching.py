"""Linking police notifications to children: how right (the labelled set) and how fast
(one notification against 300,000 children), with a plain indexed date-of-birth lookup
timed in the same run as the baseline.

    python -m bench.notification_matching [--children N] [--database-url URL | --sqlite FILE]
                                          [--notifications N] [--no-docs] [--reuse]

The database is dropped, created and migrated (PostgreSQL), or a new file (SQLite). The
labelled set (homeward/police/labelled_set.py, seed 12, 3,000 households) is written for
council 933 and every one of its notifications matched: precision and recall of the
automatic links and the share left for review, overall and by trap. Then N made-up children
are written for council 931 (names as in bench.child_search, with postcodes and addresses)
and --notifications notifications about some of them, varied as the police vary them, are
matched one at a time: median and 95th percentile. Figures go into docs/matching.md and
docs/performance.md unless --no-docs.
"""

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

from bench import big_run
from bench.child_search import COMMON_FIRST, COMMON_LAST, made_up_names, pick, prepare

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/homeward_bench_matching"
ROOT = Path(__file__).resolve().parents[1]
PERFORMANCE = ROOT / "docs" / "performance.md"
MATCHING = ROOT / "docs" / "matching.md"
SPEED_BEGIN = "<!-- bench:matching:begin (written by python -m bench.notification_matching) -->"
SPEED_END = "<!-- bench:matching:end -->"
SPEED_HEADING = "Linking a police notification: the latest figures"
SET_BEGIN = "<!-- bench:labelled:begin (written by python -m bench.notification_matching) -->"
SET_END = "<!-- bench:labelled:end -->"
SET_HEADING = "How well the defaults do"
TARGET_MS = 50.0


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def labelled_figures() -> str:
    """The labelled set, written for council 933 and matched: the figures as markdown."""
    from django.conf import settings

    from homeward.councils.models import Council
    from homeward.police.labelled_set import evaluate, make_set, save_children
    from homeward.police.matching import LINK, match_child

    council = Council.objects.get(code="933")
    labelled = make_set(seed=12, households=3000)
    ids = save_children(labelled, council)
    decisions: Counter = Counter()

    def match(details):
        result = match_child(council=council, details=details)
        decisions[result.decision] += 1
        return result

    figures = evaluate(labelled, match, ids)
    lines = [
        f"Measured {dt.date.today():%-d %B %Y} with `python -m bench.notification_matching`: "
        f"{len(labelled.children):,} made-up children (seed 12, 3,000 households) and "
        f"{figures.notifications:,} notifications, {figures.known:,} of them about a child the "
        f"council knows, with the thresholds {settings.HOMEWARD_MATCH_AUTO_LINK} (link) and "
        f"{settings.HOMEWARD_MATCH_REVIEW} (review).",
        "",
        "| | |",
        "| --- | ---: |",
        f"| automatic links | {figures.linked_right + figures.linked_wrong:,} |",
        f"| of which wrong | {figures.linked_wrong:,} |",
        f"| **precision** of automatic links | {figures.precision:.4f} |",
        f"| **recall** of automatic links (of notifications about a known child) | "
        f"{figures.recall:.4f} |",
        f"| **left for review** (share of all notifications) | {figures.reviewed:,} "
        f"({figures.review_share:.1%}) |",
        f"| reviews about a known child showing that child among the candidates | "
        f"{figures.review_has_truth:,} of {figures.review_known:,} |",
        f"| new child proposed | {figures.new:,} |",
        f"| automatic links on notifications setting a twin or sibling trap: wrong of made | "
        f"{figures.trap_links_wrong} of {figures.trap_links:,} |",
    ]
    for what, table in (("variation", figures.by_kind), ("trap", figures.by_trap)):
        lines += [
            "",
            f"| {what} | notifications | linked right | linked wrong | review | new |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        for kind, counts in sorted(table.items()):
            lines.append(
                f"| {kind} | {counts['all']} | {counts['right']} | {counts['wrong']} | "
                f"{counts['review']} | {counts['new']} |"
            )
    assert decisions[LINK] == figures.linked_right + figures.linked_wrong
    return "\n".join(lines)


def fill(children: int) -> object:
    """N made-up children of council 931, with postcodes and addresses; seeded."""
    from django.conf import settings

    from homeward.children.models import Child
    from homeward.councils.models import Council
    from homeward.police.labelled_set import OUTWARD, ROADS, STREETS, UNIT

    council = Council.objects.get(code=settings.HOMEWARD_COUNCIL)
    rng = random.Random(2026)
    firsts = made_up_names(rng, 3000)
    lasts = made_up_names(rng, 5000)
    batch = []
    for n in range(children):
        postcode = f"{rng.choice(OUTWARD)} {rng.randint(1, 9)}{rng.choice(UNIT)}{rng.choice(UNIT)}"
        batch.append(
            Child(
                council=council,
                responsible_la=council,
                local_id=f"C{n:07d}",
                first_name=pick(rng, COMMON_FIRST, firsts),
                last_name=pick(rng, COMMON_LAST, lasts),
                date_of_birth=dt.date(2002, 1, 1) + dt.timedelta(days=rng.randrange(6600)),
                sex="female" if n % 2 else "male",
                postcode=postcode,
                address=f"{rng.randint(1, 150)} {rng.choice(STREETS)} {rng.choice(ROADS)}",
            )
        )
        if len(batch) == 10_000:
            Child.objects.bulk_create(batch)
            batch = []
    Child.objects.bulk_create(batch)
    return council


def notifications(council, how_many: int) -> list:
    """Notifications about children of the council, varied as in the labelled set."""
    from homeward.children.models import Child
    from homeward.police.labelled_set import _digit_off, _typo
    from homeward.police.matching import PersonDetails

    rng = random.Random(12)
    pks = list(Child.objects.filter(council=council).values_list("pk", flat=True))
    wanted = []
    for child in Child.objects.filter(pk__in=rng.sample(pks, how_many)):
        how = rng.choice(("as recorded", "typo", "digit", "swapped", "no postcode"))
        first, born = child.first_name, child.date_of_birth
        if how == "typo":
            first = _typo(rng, first)
        elif how == "digit":
            born = _digit_off(rng, born)
        elif how == "swapped" and born.day <= 12:
            born = dt.date(born.year, born.day, born.month)
        postcode = "" if how == "no postcode" else child.postcode
        wanted.append(
            PersonDetails(
                first_name=first,
                last_name=child.last_name,
                date_of_birth=born,
                sex=child.sex,
                postcode=postcode,
                address=child.address,
            )
        )
    return wanted


def _percentile(times: list[float], share: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def speed_figures(council, children: int, how_many: int, vendor: str) -> str:
    from homeward.children.models import Child
    from homeward.police.matching import match_child

    wanted = notifications(council, how_many)
    for details in wanted[:20]:  # warm: caches, the first plans
        match_child(council=council, details=details)
    matched, looked_up = [], []
    for details in wanted:
        started = time.perf_counter()
        match_child(council=council, details=details)
        matched.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        list(Child.objects.filter(council=council, date_of_birth=details.date_of_birth))
        looked_up.append((time.perf_counter() - started) * 1000)
    p50, p95 = statistics.median(matched), _percentile(matched, 0.95)
    base50, base95 = statistics.median(looked_up), _percentile(looked_up, 0.95)
    verdict = "met" if p95 < TARGET_MS else "**not met**"
    return "\n".join(
        [
            f"Measured {dt.date.today():%-d %B %Y} with `python -m bench.notification_matching "
            f"--children {children}` on {vendor}: {children:,} made-up children in one council, "
            f"{how_many:,} notifications about some of them (as recorded, a first-name typo, a "
            "digit off or day and month swapped in the date of birth, no postcode), each "
            "matched by `match_child` as the police app calls it (police id not given, so "
            "the full linkage runs). The baseline, timed in the same loop, is a plain "
            "indexed lookup of the children born on the notification's date of birth.",
            "",
            "| | median ms | 95th percentile ms |",
            "| --- | ---: | ---: |",
            f"| matching one notification | {p50:.1f} | {p95:.1f} |",
            f"| baseline: children born that day | {base50:.2f} | {base95:.2f} |",
            f"| ratio | {p50 / base50:.0f} × | {p95 / base95:.0f} × |",
            "",
            f"Target: 95th percentile under {TARGET_MS:.0f} ms: {verdict}.",
        ]
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Measure linking police notifications.")
    parser.add_argument("--children", type=int, default=300_000)
    parser.add_argument("--notifications", type=int, default=500)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--sqlite", type=Path, help="measure on a new SQLite file instead")
    parser.add_argument("--no-docs", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="keep the database built before")
    args = parser.parse_args(argv)
    prepare(args.database_url, args.sqlite, reuse=args.reuse)
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from homeward.children.models import Child
    from homeward.councils.models import Council

    started = time.perf_counter()
    if not args.reuse:
        Child.objects.filter(council__code="933").delete()
        labelled = labelled_figures()
        council = fill(args.children)
    else:
        Child.objects.filter(council__code="933").delete()
        labelled = labelled_figures()
        council = Council.objects.get(code=settings.HOMEWARD_COUNCIL)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    say(f"Ready in {time.perf_counter() - started:.0f} s.")
    speed = speed_figures(council, args.children, args.notifications, connection.vendor)
    print(labelled, speed, sep="\n\n")
    if not args.no_docs and not args.sqlite:
        big_run.refresh_section(MATCHING, SET_HEADING, SET_BEGIN, SET_END, labelled)
        big_run.refresh_section(PERFORMANCE, SPEED_HEADING, SPEED_BEGIN, SPEED_END, speed)
        say(f"Refreshed {MATCHING} and {PERFORMANCE}.")


if __name__ == "__main__":
    main()
