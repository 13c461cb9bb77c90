"""A PostgreSQL database of 1,000,000 made-up episodes for 150 councils over six years.

    python -m bench.big_dataset [--episodes N] [--councils N]
                                              [--database-url URL] [--workers N]

The database is dropped, created and migrated; then each council's bundle is written by
`synthetic_bundle` (its own seed, its own size, its six years ending a little before today)
and imported with `import_bundle` under the council's real DfE code, two imports at a time.
Sizes vary from about a third to nearly twice the average (about 6,700 episodes), so some
councils are large and some small, as in England.

The six years end MARGIN_DAYS before today, so on the day of the run each council has a
few dozen episodes still open ("Missing now") and a few dozen returns in the last month
that are waiting for an interview ("Interviews"), not thousands.

`build(..., stop_at=N)` imports councils in order until at least N episodes are in, and
`build(..., resume=True)` carries on from there: the report benchmark measures at 200,000
episodes and again at 1,000,000 without building twice.
"""

import argparse
import csv
import datetime as dt
import os
import random
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

import psycopg

from bench import synthetic_bundle

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/homeward_bench_pages"
REPOSITORY = Path(__file__).resolve().parents[1]
COUNCILS_CSV = REPOSITORY / "homeward" / "councils" / "data" / "councils.csv"
SEED = 2026
# The council whose pages are measured: the largest of the 150.
PAGES_COUNCIL = "931"


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class Plan:
    """Which councils, how many episodes each, and the last day of their six years."""

    sizes: dict[str, int]
    last_day: dt.date

    @property
    def episodes(self) -> int:
        return sum(self.sizes.values())


@dataclass
class Built:
    """What has been imported so far."""

    plan: Plan
    done: list[str] = field(default_factory=list)
    seconds: float = 0.0
    migrate_seconds: float = 0.0

    @property
    def episodes(self) -> int:
        return sum(self.plan.sizes[code] for code in self.done)


def plan(episodes: int = 1_000_000, councils: int = 150, today: dt.date | None = None) -> Plan:
    """The councils (real DfE codes, PAGES_COUNCIL the largest) and their sizes, seeded."""
    with COUNCILS_CSV.open(encoding="utf-8", newline="") as f:
        codes = sorted(row["code"] for row in csv.DictReader(f))
    if councils > len(codes):
        raise SystemExit(f"There are only {len(codes)} councils.")
    rng = random.Random(SEED)
    chosen = [code for code in rng.sample(codes, len(codes)) if code != PAGES_COUNCIL]
    chosen = [PAGES_COUNCIL, *chosen[: councils - 1]]
    weights = [1.8] + [rng.uniform(0.35, 1.65) for _ in chosen[1:]]
    total = sum(weights)
    sizes = [int(episodes * w / total) for w in weights]
    sizes[0] += episodes - sum(sizes)
    today = today or dt.date.today()
    last_day = today - dt.timedelta(days=synthetic_bundle.MARGIN_DAYS + 1)
    return Plan(dict(zip(chosen, sizes, strict=True)), last_day)


def _env(url: str) -> dict[str, str]:
    return {
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "homeward.config.settings",
        "HOMEWARD_DEBUG": "false",
        "HOMEWARD_DEMO": "false",
    }


def _worker_setup(url: str) -> None:
    os.environ.update(_env(url))
    import django

    django.setup()


def _import_one(code: str, episodes: int, last_day: dt.date, work: str) -> tuple[str, float]:
    """Write one council's bundle and import it (in a worker process with Django set up)."""
    from homeward.exchange.bundle_import import import_bundle

    started = time.perf_counter()
    folder = Path(work) / code
    seed = SEED * 1000 + int(code)
    synthetic_bundle.write_bundle(folder, episodes, seed, council=code, last_day=last_day)
    try:
        import_bundle(folder, council_code=code)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return code, time.perf_counter() - started


def analyze(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def build(
    url: str,
    the_plan: Plan,
    *,
    stop_at: int | None = None,
    built: Built | None = None,
    workers: int = 2,
) -> Built:
    """Import the plan's councils (all, or until `stop_at` episodes); then VACUUM ANALYZE.

    Without `built` the database is dropped, created and migrated first; with it, the
    councils not yet done are added.
    """
    from bench.run import fresh_database

    if built is None:
        built = Built(the_plan)
        say(f"Creating and migrating {url} ...")
        built.migrate_seconds = fresh_database(url)
    todo = [code for code in the_plan.sizes if code not in built.done]
    if stop_at is not None:
        chosen, running = [], built.episodes
        for code in todo:
            if running >= stop_at:
                break
            chosen.append(code)
            running += the_plan.sizes[code]
        todo = chosen
    if not todo:
        return built
    say(
        f"Importing {len(todo)} councils ({sum(the_plan.sizes[c] for c in todo):,} episodes), "
        f"{workers} at a time ..."
    )
    started = time.perf_counter()
    work = tempfile.mkdtemp(prefix="homeward-bench-councils-")
    try:
        with ProcessPoolExecutor(
            workers, mp_context=get_context("spawn"), initializer=_worker_setup, initargs=(url,)
        ) as pool:
            futures = [
                pool.submit(_import_one, code, the_plan.sizes[code], the_plan.last_day, work)
                for code in todo
            ]
            for number, future in enumerate(futures, 1):
                code, _ = future.result()
                built.done.append(code)
                if number % 10 == 0 or number == len(futures):
                    say(
                        f"  {len(built.done)} councils, {built.episodes:,} episodes "
                        f"({time.perf_counter() - started:.0f} s)"
                    )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    analyze(url)
    built.seconds += time.perf_counter() - started
    return built


def row_counts(url: str) -> dict[str, int]:
    tables = (
        "episodes_episode",
        "children_child",
        "children_placement",
        "interviews_returninterview",
        "councils_locality",
    )
    with psycopg.connect(url) as conn:
        return {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
            for table in tables
        }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--episodes", type=int, default=1_000_000)
    parser.add_argument("--councils", type=int, default=150)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    built = build(args.database_url, plan(args.episodes, args.councils), workers=args.workers)
    say(f"{built.episodes:,} episodes for {len(built.done)} councils in {built.seconds:.0f} s.")
    for table, count in row_counts(args.database_url).items():
        say(f"  {table:28} {count:>10,}")


if __name__ == "__main__":
    main()
