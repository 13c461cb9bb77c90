"""The benchmarks (`make bench`): importing, the scrutiny report, the pages under load.

    python -m bench.run [--parts import,report,pages]
                                      [--episodes N] [--small-episodes N]
                                      [--database-url URL] [--keep] [--no-docs] [--profile FILE]
                                      [--pages-database-url URL] [--reuse-dataset] ...

`--parts` chooses what runs (all three by default). "report" and "pages" share one database
of 1,000,000 episodes for 150 councils (big_dataset; see big_run). The rest of this page is
about "import", the bundle-import benchmark:

Steps, each timed:

1. write two made-up bundles (synthetic_bundle): N episodes and a smaller one (N/5);
2. baseline: PostgreSQL's own COPY of the big bundle's CSV files, as text, into untyped
   temporary tables (the floor: moving the bytes, no checking), and Python's csv module
   reading episodes.csv (the floor for any Python reader);
3. import the small bundle, then the big one, each into a freshly created and migrated
   database, each in a process of its own (measure_import), for wall time, peak RSS and
   where the time goes;
4. import the big bundle again into the same database: nothing should change;
5. print a table, and refresh the figures in docs/performance.md.

The requirement: 1,000,000 episodes in under 2 minutes, in memory that does not grow with
the bundle. The database named in --database-url is dropped and created again.
"""

import argparse
import csv
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
from psycopg import sql

from bench import big_dataset, big_run, synthetic_bundle
from homeward.exchange.bundle_spec import DATETIME, EPISODES

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/homeward_bench"
TARGET_SECONDS = 120
DOCS = Path(__file__).resolve().parents[1] / "docs" / "performance.md"
BEGIN = "<!-- bench:begin (written by python -m bench.run) -->"
END = "<!-- bench:end -->"


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- the database ------------------------------------------------------------------------


def maintenance_conninfo(url: str) -> tuple[str, str]:
    """A connection string for the server's `postgres` database, and the bench database name."""
    params = psycopg.conninfo.conninfo_to_dict(url)
    name = params.get("dbname")
    if not name or name in ("postgres", "template0", "template1"):
        raise SystemExit(f"--database-url must name a database of its own, not {name!r}.")
    params["dbname"] = "postgres"
    return psycopg.conninfo.make_conninfo(**params), name


def drop_database(url: str, create_again: bool = False) -> None:
    conninfo, name = maintenance_conninfo(url)
    database = sql.Identifier(name)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(database))
        if create_again:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(database))


def django_env(url: str) -> dict[str, str]:
    """The environment a Homeward process needs, set before it calls django.setup()."""
    return os.environ | {
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "homeward.config.settings",
        "HOMEWARD_DEBUG": "false",
    }


def fresh_database(url: str) -> float:
    """Drop, create and migrate the bench database; returns the seconds it took."""
    started = time.perf_counter()
    drop_database(url, create_again=True)
    subprocess.run(
        [sys.executable, "-m", "homeward", "migrate", "--no-input", "--verbosity", "0"],
        env=django_env(url),
        check=True,
    )
    return time.perf_counter() - started


def server_facts(url: str) -> dict[str, str]:
    with psycopg.connect(url) as conn:
        names = ("server_version", "shared_buffers", "work_mem", "maintenance_work_mem")
        names += ("synchronous_commit",)
        show = sql.SQL("SHOW {}")
        return {
            name: conn.execute(show.format(sql.Identifier(name))).fetchone()[0] for name in names
        }


# -- baselines ---------------------------------------------------------------------------


def copy_baseline(url: str, bundle: Path) -> dict[str, float]:
    """Seconds for PostgreSQL to COPY each CSV file, as text, into an untyped temporary table."""
    seconds = {}
    with psycopg.connect(url) as conn:
        for name in synthetic_bundle.HEADERS:
            path = bundle / name
            with path.open(encoding="utf-8", newline="") as f:
                header = next(csv.reader(f))
            table = sql.Identifier("raw_" + name.removesuffix(".csv"))
            columns = sql.SQL(", ").join(
                sql.SQL("{} text").format(sql.Identifier(column)) for column in header
            )
            started = time.perf_counter()
            with conn.cursor() as cursor:
                cursor.execute(sql.SQL("CREATE TEMPORARY TABLE {} ({})").format(table, columns))
                copy_sql = sql.SQL("COPY {} FROM STDIN (FORMAT csv, HEADER true)").format(table)
                with cursor.copy(copy_sql) as copy, path.open("rb") as f:
                    while block := f.read(1 << 20):
                        copy.write(block)
            conn.commit()
            seconds[name] = time.perf_counter() - started
    return seconds


def typed_episodes_table() -> str:
    """episodes.csv's declared columns, typed, with the episode id as the primary key."""
    columns = [
        f"{c.name} {'timestamptz' if c.kind is DATETIME else 'text'}" for c in EPISODES.columns
    ]
    columns[0] += " PRIMARY KEY"
    return f"CREATE TABLE bench_typed_episode ({', '.join(columns)})"


def typed_copy_baseline(url: str, bundle: Path) -> float:
    """Seconds to COPY episodes.csv into an ordinary (logged) table with typed columns and a
    primary key: PostgreSQL parsing the times itself, writing WAL, keeping one index."""
    with psycopg.connect(url) as conn:
        conn.execute("SET TIME ZONE 'Europe/London'")
        conn.execute(typed_episodes_table())
        conn.commit()
        started = time.perf_counter()
        with (
            conn.cursor() as cursor,
            cursor.copy("COPY bench_typed_episode FROM STDIN (FORMAT csv, HEADER true)") as copy,
            (bundle / "episodes.csv").open("rb") as f,
        ):
            while block := f.read(1 << 20):
                copy.write(block)
        conn.commit()
        seconds = time.perf_counter() - started
        conn.execute("DROP TABLE bench_typed_episode")
        conn.commit()
    return seconds


def csv_read_baseline(path: Path) -> float:
    """Seconds for Python's csv module just to read a file, cell by cell, checking nothing."""
    started = time.perf_counter()
    with path.open(encoding="utf-8-sig", newline="") as f:
        for _ in csv.reader(f):
            pass
    return time.perf_counter() - started


# -- imports -----------------------------------------------------------------------------


def measure_import(url: str, bundle: Path, work: Path, label: str, profile: Path | None) -> dict:
    """Import `bundle` in a fresh process (measure_import) and return its figures."""
    result = work / f"{label}.json"
    command = [
        sys.executable,
        "-m",
        "bench.measure_import",
        "--bundle",
        str(bundle),
        "--database-url",
        url,
        "--result",
        str(result),
    ]
    if profile:
        command += ["--profile", str(profile)]
    done = subprocess.run(command, env=django_env(url), check=False)  # noqa: S603 (our own)
    if not result.exists():
        raise SystemExit(f"The {label} import failed (exit status {done.returncode}).")
    figures = json.loads(result.read_text(encoding="utf-8"))
    if figures["problems"]:
        say("\n".join(figures["problems"]))
        raise SystemExit(f"The {label} import refused the synthetic bundle: see above.")
    return figures


def totals(figures: dict) -> tuple[int, int, int]:
    files = figures["files"].values()
    return (
        sum(f["rows"] for f in files),
        sum(f["created"] for f in files),
        sum(f["updated"] for f in files),
    )


def grouped(breakdown: dict[str, float]) -> dict[str, float]:
    """The breakdown in four parts: Python reading, staging, SQL checks, merge (and other)."""
    groups = {
        "read + validate rows in Python": 0.0,
        "COPY into staging, index, ANALYZE": 0.0,
        "set-based checks (SQL)": 0.0,
        "merge (INSERT ... ON CONFLICT)": 0.0,
        "COMMIT (deferred foreign-key checks)": 0.0,
        "other": 0.0,
    }
    for label, seconds in breakdown.items():
        if label.startswith("read + validate"):
            groups["read + validate rows in Python"] += seconds
        elif label.startswith(("COPY", "INSERT", "index")):
            groups["COPY into staging, index, ANALYZE"] += seconds
        elif label.startswith("check:"):
            groups["set-based checks (SQL)"] += seconds
        elif label.startswith("merge:"):
            groups["merge (INSERT ... ON CONFLICT)"] += seconds
        elif label.startswith("COMMIT"):
            groups["COMMIT (deferred foreign-key checks)"] += seconds
        else:
            groups["other"] += seconds
    return groups


# -- report ------------------------------------------------------------------------------


def mib(kib: int) -> str:
    return f"{kib / 1024:,.0f} MiB"


def machine(url: str) -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    memory = ""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            kib = next(int(line.split()[1]) for line in f if line.startswith("MemTotal"))
            memory = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        pass
    facts = server_facts(url)
    return {
        "date": dt.date.today().isoformat(),
        "cpus": f"{os.cpu_count()} ({cpu})",
        "memory": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
        "postgresql": facts.pop("server_version"),
        "postgresql settings": ", ".join(f"{k} {v}" for k, v in facts.items()),
    }


def report(run: dict) -> str:
    """The figures as Markdown (printed, and put in docs/performance.md)."""
    big, small, again = run["big"], run["small"], run["again"]
    n, n_small = run["episodes"], run["small_episodes"]
    lines = [
        f"Measured {run['machine']['date']} with `make bench` "
        f"(`python -m bench.run --episodes {n}`).",
        "",
        "| machine | |",
        "|---|---|",
        *(f"| {key} | {value} |" for key, value in run["machine"].items()),
        "",
        f"**Bundle** ({n:,} episodes, seed 931): "
        + ", ".join(f"{rows:,} {name}" for name, rows in run["bundle_rows"].items())
        + f"; {run['bundle_mb']:.0f} MB, written in {run['generate_seconds']:.1f} s.",
        "",
        "| step | episodes | wall time | rows/s | peak RSS | RSS before | increase "
        "| server backend peak |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, episodes, figures in (
        ("import into an empty database", n_small, small),
        ("import into an empty database", n, big),
        ("same bundle again (nothing changes)", n, again),
    ):
        rows = totals(figures)[0]
        server = figures.get("server_peak_kib")
        lines.append(
            f"| {label} | {episodes:,} | {figures['seconds']:.1f} s "
            f"| {rows / figures['seconds']:,.0f} "
            f"| {mib(figures['peak_kib'])} | {mib(figures['rss_before_kib'])} "
            f"| {mib(figures['peak_kib'] - figures['rss_before_kib'])} "
            f"| {mib(server) if server else 'n/a'} |"
        )
    verdict = "met" if big["seconds"] < TARGET_SECONDS else "NOT met"
    rows_big, created, updated = totals(big)
    _, created_again, updated_again = totals(again)
    copy_total = sum(run["copy_seconds"].values())
    lines += [
        "",
        'Peak RSS is the import process\'s high-water mark (`ru_maxrss`); "RSS before" is '
        'after Django has started, just before the import. "Server backend peak" is the '
        "most private memory (RssAnon) the PostgreSQL backend serving the import was seen "
        "using, sampled from /proc every 0.2 s. rows/s counts the rows of all six files.",
        "",
        f"Target: {n:,} episodes in under {TARGET_SECONDS} s: **{verdict}** "
        f"({big['seconds']:.1f} s; {rows_big:,} rows in all files, {created:,} created, "
        f"{updated:,} updated). Second import: {created_again:,} created, "
        f"{updated_again:,} updated.",
        f"Time grows {big['seconds'] / small['seconds']:.1f}x for {n / n_small:.0f}x the "
        f"episodes; peak RSS {mib(small['peak_kib'])} at {n_small:,} and "
        f"{mib(big['peak_kib'])} at {n:,}.",
        "",
        "**Baselines** (the same big bundle, nothing checked):",
        "",
        "| | wall time |",
        "|---|---:|",
        f"| PostgreSQL COPY of episodes.csv into an untyped table "
        f"| {run['copy_seconds']['episodes.csv']:.2f} s |",
        f"| PostgreSQL COPY of all six files into untyped tables | {copy_total:.2f} s |",
        "| PostgreSQL COPY of episodes.csv into a typed, logged table with a primary key "
        f"| {run['typed_copy_seconds']:.2f} s |",
        f"| Python `csv.reader` reading episodes.csv, doing nothing with it "
        f"| {run['csv_read_seconds']:.2f} s |",
        "",
        "**Where the time goes** (first import, "
        f"{n:,} episodes; exclusive wall time of each step):",
        "",
        "| part | first import | share | second import |",
        "|---|---:|---:|---:|",
    ]
    big_groups, again_groups = grouped(big["breakdown"]), grouped(again["breakdown"])
    for part, seconds in big_groups.items():
        lines.append(
            f"| {part} | {seconds:.1f} s | {100 * seconds / big['seconds']:.0f}% "
            f"| {again_groups[part]:.1f} s |"
        )
    lines.append(f"| **total** | **{big['seconds']:.1f} s** | | **{again['seconds']:.1f} s** |")
    lines += ["", "| step | first import | second import |", "|---|---:|---:|"]
    for label, seconds in big["breakdown"].items():
        lines.append(f"| {label} | {seconds:.2f} s | {again['breakdown'].get(label, 0.0):.2f} s |")
    return "\n".join(lines)


def refresh_docs(figures: str) -> None:
    """Put the figures between the markers in docs/performance.md (creating it if need be)."""
    if DOCS.exists():
        text = DOCS.read_text(encoding="utf-8")
    else:
        text = f"# Performance\n\n## Import: the latest figures\n\n{BEGIN}\n{END}\n"
    if BEGIN not in text or END not in text:
        text = text.rstrip("\n") + f"\n\n## Import: the latest figures\n\n{BEGIN}\n{END}\n"
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    DOCS.write_text(f"{head}{BEGIN}\n{figures}\n{END}{tail}", encoding="utf-8")


# -- main --------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="Time importing, the scrutiny report and the pages, on PostgreSQL."
    )
    parser.add_argument(
        "--parts", default="import,report,pages", help="comma-separated: import, report, pages"
    )
    parser.add_argument("--episodes", type=int, default=1_000_000)
    parser.add_argument(
        "--small-episodes", type=int, help="the smaller bundle (default: a fifth of --episodes)"
    )
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--keep", action="store_true", help="keep the bundles and the database")
    parser.add_argument("--no-docs", action="store_true", help="do not touch docs/performance.md")
    parser.add_argument("--profile", type=Path, help="write a cProfile of the big import here")
    big = parser.add_argument_group("report and pages (one database of --episodes, 150 councils)")
    big.add_argument("--pages-database-url", default=big_dataset.DEFAULT_URL)
    big.add_argument("--councils", type=int, default=150)
    big.add_argument(
        "--reuse-dataset", action="store_true", help="use that database as it is (no build)"
    )
    big.add_argument("--report-runs", type=int, default=3, help="runs of each report (median)")
    big.add_argument("--users", type=int, default=20, help="users at once on each page")
    big.add_argument("--requests", type=int, default=40, help="requests per user per page")
    big.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    big.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker")
    args = parser.parse_args(argv)
    parts = {part.strip() for part in args.parts.split(",") if part.strip()}
    unknown = parts - {"import", "report", "pages"}
    if unknown:
        parser.error(f"--parts: unknown {', '.join(sorted(unknown))}")
    began = time.perf_counter()
    if "import" in parts:
        import_part(args)
    if parts & {"report", "pages"}:
        big_part(args, parts)
    say(f"The benchmark took {time.perf_counter() - began:.0f} s in all.")


def big_part(args, parts: set[str]) -> None:
    """The report and the pages, on one database of a million episodes for 150 councils."""
    url = args.pages_database_url
    out = big_run.run(
        url,
        parts=parts,
        episodes=args.episodes,
        councils=args.councils,
        runs=args.report_runs,
        reuse=args.reuse_dataset,
        users=args.users,
        requests_each=args.requests,
        workers=args.workers,
        threads=args.threads,
    )
    facts = machine(url)
    sections = []
    if "report" in parts:
        text = big_run.report_markdown(out, facts)
        sections.append(
            (
                "The scrutiny report: the latest figures",
                big_run.REPORT_BEGIN,
                big_run.REPORT_END,
                text,
            )
        )
    if "pages" in parts:
        text = big_run.pages_markdown(out, facts)
        sections.append(
            ("Pages under load: the latest figures", big_run.PAGES_BEGIN, big_run.PAGES_END, text)
        )
    for heading, begin, end, text in sections:
        print(f"\n## {heading}\n\n{text}")
        if not args.no_docs:
            big_run.refresh_section(DOCS, heading, begin, end, text)
    if not args.no_docs and sections:
        say(f"Refreshed {DOCS}.")
    if not args.keep:
        drop_database(url)
    else:
        say(f"Kept the database {url}.")


def import_part(args) -> None:
    """The bundle-import benchmark."""
    n = args.episodes
    n_small = args.small_episodes or max(1, n // 5)
    url = args.database_url
    run: dict = {"episodes": n, "small_episodes": n_small}

    work = Path(tempfile.mkdtemp(prefix="homeward-bench-"))
    try:
        say(f"Writing a bundle of {n:,} episodes and one of {n_small:,} in {work} ...")
        big_bundle = synthetic_bundle.write_bundle(work / "big", n)
        small_bundle = synthetic_bundle.write_bundle(work / "small", n_small)
        run["generate_seconds"] = big_bundle.seconds
        run["bundle_rows"] = big_bundle.rows
        run["bundle_mb"] = big_bundle.bytes / 1e6
        say(f"  {big_bundle.bytes / 1e6:.0f} MB in {big_bundle.seconds:.1f} s")

        say(f"Creating the database ({url}) ...")
        fresh_database(url)
        run["machine"] = machine(url)
        say("Baseline: PostgreSQL COPY of each file into an untyped table ...")
        run["copy_seconds"] = copy_baseline(url, big_bundle.path)
        say(f"  episodes.csv {run['copy_seconds']['episodes.csv']:.1f} s")
        run["typed_copy_seconds"] = typed_copy_baseline(url, big_bundle.path)
        say(f"  episodes.csv, typed, with a primary key: {run['typed_copy_seconds']:.1f} s")
        run["csv_read_seconds"] = csv_read_baseline(big_bundle.path / "episodes.csv")

        say(f"Importing {n_small:,} episodes into a fresh database ...")
        fresh_database(url)
        run["small"] = measure_import(url, small_bundle.path, work, "small", None)
        say(f"  {run['small']['seconds']:.1f} s")
        say(f"Importing {n:,} episodes into a fresh database ...")
        fresh_database(url)
        run["big"] = measure_import(url, big_bundle.path, work, "big", args.profile)
        say(f"  {run['big']['seconds']:.1f} s")
        say(f"Importing the same {n:,} episodes again ...")
        run["again"] = measure_import(url, big_bundle.path, work, "again", None)
        say(f"  {run['again']['seconds']:.1f} s")
        if not args.keep:
            drop_database(url)
    finally:
        if args.keep:
            say(f"Kept the bundles in {work} and the database {url}.")
        else:
            shutil.rmtree(work, ignore_errors=True)

    figures = report(run)
    print(figures)
    if args.profile:
        print(f"\ncProfile of the big import: {args.profile} (read it with pstats).")
    if not args.no_docs:
        refresh_docs(figures)
        say(f"Refreshed {DOCS}.")
    if run["big"]["seconds"] >= TARGET_SECONDS:
        sys.exit(f"The target of {TARGET_SECONDS} s for {n:,} episodes was not met.")
    _, created_again, updated_again = totals(run["again"])
    if created_again or updated_again:
        sys.exit("Importing the same bundle twice changed records: it should change nothing.")


if __name__ == "__main__":
    main()
