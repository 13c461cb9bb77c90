"""The server's work for one police notification posted to the API, measured in one process:
CPU a post (Django's and its PostgreSQL session's) and the queries a post makes, beside a
minimal signed-in page as the baseline.

    python -m bench.notification_profile [--database-url URL] [--children 50000]
                                         [--posts 300] [--queries 100] [--rebuild]

1. A template database (the URL's name with `_template`) is made once: migrated, with N
   made-up children of council 931 (as bench.notification_matching writes them, a third with
   a police id), a made-up force serving the council and a missing coordinator. `--rebuild`
   makes it again. Every run copies it (CREATE DATABASE ... TEMPLATE), so that runs of two
   branches, taken turn about on a shared machine, start from the same data.
2. Notifications are posted through Django's test client (the whole middleware stack and
   the API view, no HTTP server), in bench.notification_api's mix: reports of known
   children (by police id, as recorded, with a typo or the date of birth mistyped), founds
   and regradings of earlier reports, reports of children nobody knows, unreadable ones.
   First 20 to warm up, then `--posts` timed, then `--queries` with every query recorded.
3. CPU a post is this process's `time.process_time` plus its PostgreSQL backend's user and
   system time from /proc/<pid>/stat (read before and after, so the database must run on
   this machine), over the timed posts; the same for the baseline, the coordinator's
   /my-children/ page fetched 200 times just before. The machine's load average is printed
   at the start and the end: on a shared machine, run the two branches turn about.
4. The queries: how many a post, and grouped by shape (numbers left out) with their count a
   post and their time, the dearest first.

Run a branch against another: a worktree of the other branch, with this file copied into its
bench/, run with this worktree's virtual environment from that worktree's directory (python -m
puts the current directory first, so its homeward is the one imported), the same URL.
"""

import argparse
import collections
import cProfile
import os
import pstats
import re
import subprocess
import sys
import time
import traceback
import urllib.parse
from pathlib import Path

import psycopg
from psycopg import sql

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/hw_profile"
COUNCIL = "931"
FORCE = "Made-up Profile Constabulary"
COORDINATOR = "profile-coordinator"
BASELINE_PATH = "/my-children/"
API = "/api/v1/notifications"
WARM_UP = 20
BASELINE_GETS = 200
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def env(url: str) -> dict[str, str]:
    return os.environ | {
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "homeward.config.settings",
        "HOMEWARD_COUNCIL": COUNCIL,
        "HOMEWARD_REQUIRE_2FA": "false",
        "HOMEWARD_DEMO": "false",
        "HOMEWARD_DEBUG": "false",
        "HOMEWARD_PRODUCTION": "false",
        # The work is measured, not the per-force throttle.
        "HOMEWARD_API_RATE": "1000000/minute",
    }


def with_name(url: str, name: str) -> str:
    return urllib.parse.urlparse(url)._replace(path=f"/{name}").geturl()


def maintenance(url: str) -> psycopg.Connection:
    return psycopg.connect(with_name(url, "postgres"), autocommit=True)


def exists(url: str, name: str) -> bool:
    with maintenance(url) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
    return found is not None


def copy_template(url: str, name: str, template: str) -> None:
    with maintenance(url) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        )


def build_template(url: str, template: str, children: int) -> None:
    """Make the template: migrated, then filled by this script's `--fill`, under another name
    until it is whole (a template left half made is never used)."""
    building = f"{template}_building"
    with maintenance(url) as conn:
        for name in (building, template):
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(building)))
    building_url = with_name(url, building)
    python = [sys.executable, "-m"]
    for command in (
        ["homeward", "migrate", "--no-input", "--verbosity", "0"],
        ["bench.notification_profile", "--fill", "--children", str(children)],
    ):
        subprocess.run([*python, *command], env=env(building_url), check=True)  # noqa: S603
    with maintenance(url) as conn:
        conn.execute(
            sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                sql.Identifier(building), sql.Identifier(template)
            )
        )


def fill(children: int) -> None:
    """The template's children (a third with a police id), force and coordinator."""
    import random

    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.db import connection

    from bench.notification_matching import fill as fill_children
    from homeward.accounts.roles import MISSING_COORDINATOR
    from homeward.children.models import Child
    from homeward.councils.models import Council
    from homeward.police import tokens

    fill_children(children)
    rng = random.Random(12)
    ids = list(Child.objects.order_by("pk").values_list("pk", flat=True))
    with_id = [Child(pk=pk, police_id=f"PF{rng.randrange(10**9):09d}") for pk in ids[::3]]
    Child.objects.bulk_update(with_id, ["police_id"], batch_size=5000)
    council = Council.objects.get(code=COUNCIL)
    tokens.force_create(name=FORCE, councils=[council], by=None)
    user = User.objects.create(username=COORDINATOR, is_active=True)
    user.groups.add(Group.objects.get(name=MISSING_COORDINATOR))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# -- measuring --------------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime


class Cpu:
    """This process's CPU and its database session's, from one reading to the next."""

    def __init__(self, backend_pid: int):
        self.backend_pid = backend_pid

    def now(self) -> tuple[float, float]:
        return time.process_time(), cpu_seconds(self.backend_pid)


def kind(payload: dict) -> str:
    event = payload.get("event")
    if event == "missing":
        if payload.get("first_name") == "Zebedee":
            return "report of a child nobody knows"
        return "report by police id" if payload.get("police_id") else "report by details"
    return {"found": "found", "update": "regrading"}.get(event, "unreadable")


SHAPE_NUMBERS = re.compile(r"\b\d+\b|\"s\d+_x\d+\"")
SHAPE_LISTS = re.compile(r"(%s, )+%s")
SHAPE_COLUMNS = re.compile(r"^SELECT (DISTINCT )?(?!%s AS \"a\").*? FROM ")
HERE = str(Path(__file__).resolve().parents[1] / "homeward")


def shape(statement: str) -> str:
    statement = SHAPE_LISTS.sub("%s…", SHAPE_NUMBERS.sub("N", statement))
    statement = SHAPE_COLUMNS.sub(r"SELECT \1… FROM ", statement)
    return " ".join(statement.split())


def origin() -> str:
    """The innermost line of Homeward's own code that made the query (file:function)."""
    for frame in reversed(traceback.extract_stack()):
        if frame.filename.startswith(HERE) and "/tests/" not in frame.filename:
            where = frame.filename.removeprefix(HERE + "/").removesuffix(".py")
            return f"{where}:{frame.name}"
    return "(Django)"


def profile(args) -> None:
    import datetime as dt

    import django

    django.setup()
    import logging

    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client

    from bench.notification_api import payloads
    from homeward.children.models import Child
    from homeward.councils.models import Council
    from homeward.police import tokens
    from homeward.police.models import Force

    # The 400s of unreadable notifications are logged as warnings: not worth reading here.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    council = Council.objects.get(code=COUNCIL)
    force = Force.objects.get(name=FORCE)
    secret = tokens.force_token_issue(force=force, label="profile", by=None).secret
    fields = ("first_name", "last_name", "date_of_birth", "sex", "postcode", "address", "police_id")
    rows = Child.objects.filter(council=council).order_by("pk").values_list(*fields)[:20000]
    known = [dict(zip(fields, row, strict=True)) for row in rows]
    total = WARM_UP + args.posts + args.queries
    jobs = payloads(known, total, dt.datetime.now(dt.UTC))
    api = Client(HTTP_HOST="127.0.0.1")
    page = Client(HTTP_HOST="127.0.0.1")
    page.force_login(User.objects.get(username=COORDINATOR))
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    def send(payload: dict) -> int:
        response = api.post(API, payload, content_type="application/json", **headers)
        if response.status_code not in (200, 201, 400):
            raise SystemExit(f"The API answered {response.status_code}: {response.content[:500]}")
        return response.status_code

    print(f"Load average at the start: {os.getloadavg()}")
    for job in jobs[:WARM_UP]:
        send(job)
    for _ in range(20):
        page.get(BASELINE_PATH)
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        cpu = Cpu(cursor.fetchone()[0])

    # The baseline page.
    before = cpu.now()
    for _ in range(BASELINE_GETS):
        assert page.get(BASELINE_PATH).status_code == 200
    after = cpu.now()
    page_ms = [(a - b) * 1000 / BASELINE_GETS for a, b in zip(after, before, strict=True)]

    # The timed posts.
    by_kind = collections.defaultdict(lambda: [0, 0.0, 0.0])
    timed = jobs[WARM_UP : WARM_UP + args.posts]
    profiler = cProfile.Profile(time.process_time) if args.cprofile else None
    if profiler:
        profiler.enable()
    start = cpu.now()
    for job in timed:
        one = cpu.now()
        send(job)
        done = cpu.now()
        tally = by_kind[kind(job)]
        tally[0] += 1
        tally[1] += done[0] - one[0]
        tally[2] += done[1] - one[1]
    end = cpu.now()
    if profiler:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.cprofile)
    post_ms = [(a - b) * 1000 / len(timed) for a, b in zip(end, start, strict=True)]

    # The queries.
    recorded = []

    def record(execute, statement, params, many, context):
        began = time.perf_counter()
        try:
            return execute(statement, params, many, context)
        finally:
            took = (
                time.perf_counter() - began
            )  # before origin(), whose stack walk is not the query's
            recorded.append((statement, origin(), took))

    counted = jobs[WARM_UP + args.posts :]
    with connection.execute_wrapper(record):
        for job in counted:
            send(job)
    loads = os.getloadavg()

    print(f"Load average at the end: {loads}")
    print(f"\n{len(timed)} posts timed, {len(counted)} with their queries recorded.\n")
    print("| | Django ms | PostgreSQL ms | server CPU ms |")
    print("| --- | ---: | ---: | ---: |")
    print(f"| a notification | {post_ms[0]:.1f} | {post_ms[1]:.1f} | {sum(post_ms):.1f} |")
    print(
        f"| baseline: {BASELINE_PATH} | {page_ms[0]:.1f} | {page_ms[1]:.1f} | {sum(page_ms):.1f} |"
    )
    print(f"| ratio | | | {sum(post_ms) / sum(page_ms):.2f} × |")
    print("\n| kind | posts | Django ms | PostgreSQL ms (10 ms ticks, averaged) |")
    print("| --- | ---: | ---: | ---: |")
    for name, (count, django_s, db_s) in sorted(by_kind.items()):
        print(f"| {name} | {count} | {django_s * 1000 / count:.1f} | {db_s * 1000 / count:.1f} |")
    groups = collections.defaultdict(lambda: [0, 0.0])
    for statement, where, seconds in recorded:
        group = groups[(where, shape(statement))]
        group[0] += 1
        group[1] += seconds
    posts = len(counted) or 1
    print(f"\n{len(recorded) / posts:.1f} queries a post, {len(groups)} shapes; the dearest:\n")
    print("| a post | ms a post | made by | query |")
    print("| ---: | ---: | --- | --- |")
    dearest = sorted(groups.items(), key=lambda item: -item[1][1])[: args.shapes]
    for (where, statement), (count, seconds) in dearest:
        said = (
            f"| {count / posts:.2f} | {seconds * 1000 / posts:.2f} | {where} | {statement[:150]} |"
        )
        print(said)
    print(
        f"\nSUMMARY cpu_ms={sum(post_ms):.1f} django_ms={post_ms[0]:.1f} db_ms={post_ms[1]:.1f} "
        f"page_ms={sum(page_ms):.1f} ratio={sum(post_ms) / sum(page_ms):.2f} "
        f"queries={len(recorded) / posts:.1f} load={loads[0]:.1f}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--children", type=int, default=50_000)
    parser.add_argument("--posts", type=int, default=300, help="posts whose CPU is measured")
    parser.add_argument("--queries", type=int, default=100, help="posts whose queries are kept")
    parser.add_argument("--shapes", type=int, default=40, help="query shapes listed")
    parser.add_argument(
        "--cprofile", type=int, default=0, help="list this many functions by cumulative time"
    )
    parser.add_argument("--rebuild", action="store_true", help="make the template again")
    parser.add_argument("--fill", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.fill:
        fill(args.children)
        return
    name = psycopg.conninfo.conninfo_to_dict(args.database_url).get("dbname")
    if not name or name in ("postgres", "template0", "template1"):
        raise SystemExit(f"--database-url must name a database of its own, not {name!r}.")
    template = f"{name}_template"
    if args.rebuild or not exists(args.database_url, template):
        print(f"Making {template} with {args.children:,} children…", flush=True)
        build_template(args.database_url, template, args.children)
    copy_template(args.database_url, name, template)
    os.environ.update(env(args.database_url))
    profile(args)


if __name__ == "__main__":
    main()
