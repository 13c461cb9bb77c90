"""How long the scrutiny report takes on a big database: JSON for a council, for England, DOCX.

    python -m bench.report_timing --database-url URL --councils 931,330
                                                --result FILE.json [--runs 3]

Run in a process of its own (Django set up from DATABASE_URL), against a database that
big_dataset built. For the last complete half-year before today it times, each as the
median of `--runs`:

* build_report for each council named (one council's half year);
* build_report for council "all" (England: every council in the database);
* render(report, "docx") for the first council (the committee paper with its charts);

and counts the queries each makes (CaptureQueriesContext), and EXPLAIN ANALYZEs the
slowest query of the England-wide report. The figures go to `--result` as JSON.
"""

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path


def half_year_before(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last complete half-year (January-June or July-December) before `today`."""
    if today.month > 6:
        return dt.date(today.year, 1, 1), dt.date(today.year, 6, 30)
    return dt.date(today.year - 1, 7, 1), dt.date(today.year - 1, 12, 31)


def _timed(function, runs: int) -> tuple[float, object, int, list[dict]]:
    """Median seconds of `runs` calls; the last result; queries and their SQL in the first."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    seconds = []
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        result = function()
        seconds.append(time.perf_counter() - started)
    for _ in range(runs - 1):
        started = time.perf_counter()
        result = function()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), result, len(captured), list(captured.captured_queries)


def explain(sql: str) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return [row[0] for row in cursor.fetchall()]


def measure(councils: list[str], runs: int, today: dt.date) -> dict:
    from homeward.episodes.models import Episode
    from homeward.reports.documents import render
    from homeward.reports.engine import build_report

    period_from, period_to = half_year_before(today)
    figures: dict = {
        "period": [period_from.isoformat(), period_to.isoformat()],
        "episodes": Episode.objects.count(),
        "councils": {},
    }
    for code in councils:
        in_period = Episode.objects.filter(
            council__code=code, last_seen_at__date__range=(period_from, period_to)
        ).count()
        seconds, _, queries, _ = _timed(
            lambda code=code: build_report(
                council_code=code, period_from=period_from, period_to=period_to
            ),
            runs,
        )
        figures["councils"][code] = {
            "seconds": seconds,
            "queries": queries,
            "episodes": Episode.objects.filter(council__code=code).count(),
            "episodes_in_period": in_period,
        }
        print(f"  council {code}: {seconds * 1000:.0f} ms, {queries} queries", file=sys.stderr)
    seconds, report, queries, captured = _timed(
        lambda: build_report(council_code="all", period_from=period_from, period_to=period_to),
        runs,
    )
    slowest = sorted(captured, key=lambda q: float(q["time"]), reverse=True)[:5]
    figures["all"] = {
        "seconds": seconds,
        "queries": queries,
        "slowest": [{"seconds": float(q["time"]), "sql": q["sql"]} for q in slowest],
        "explain": explain(slowest[0]["sql"]) if slowest else [],
    }
    print(f"  all councils: {seconds * 1000:.0f} ms, {queries} queries", file=sys.stderr)
    report = build_report(council_code=councils[0], period_from=period_from, period_to=period_to)
    seconds, document, _, _ = _timed(lambda: render(report, "docx"), runs)
    figures["docx"] = {"council": councils[0], "seconds": seconds, "bytes": len(document)}
    print(f"  DOCX for {councils[0]}: {seconds * 1000:.0f} ms", file=sys.stderr)
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--councils", required=True, help="DfE codes, comma-separated")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--result", type=Path, required=True)
    args = parser.parse_args(argv)
    os.environ.update(
        {
            "DATABASE_URL": args.database_url,
            "DJANGO_SETTINGS_MODULE": "homeward.config.settings",
            "HOMEWARD_DEBUG": "false",
            "HOMEWARD_DEMO": "false",
        }
    )
    import django

    django.setup()
    from django.utils import timezone

    figures = measure(args.councils.split(","), args.runs, timezone.localdate())
    args.result.write_text(json.dumps(figures, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
