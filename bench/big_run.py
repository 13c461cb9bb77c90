"""The benchmarks on a million episodes for 150 councils: the report, then the pages.

Called by run.py (`--parts report,pages`). Builds the database with big_dataset in two
steps, so the report is timed at about 200,000 episodes and again at 1,000,000 without
building twice; then measures the pages (pages_load) on the full database; then writes the
figures into docs/performance.md between their own markers.
"""

import datetime as dt
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import big_dataset, pages_load

REPORT_BEGIN = "<!-- report:begin (written by python -m bench.run) -->"
REPORT_END = "<!-- report:end -->"
PAGES_BEGIN = "<!-- pages:begin (written by python -m bench.run) -->"
PAGES_END = "<!-- pages:end -->"
SMALL_STEP = 200_000
# Targets (the issues): one council's half year, England-wide, the DOCX with its charts.
COUNCIL_TARGET, ALL_TARGET, DOCX_TARGET = 0.3, 3.0, 5.0


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def time_report(url: str, councils: list[str], runs: int, work: Path, label: str) -> dict:
    result = work / f"report-{label}.json"
    command = [sys.executable, "-m", "bench.report_timing"]
    command += ["--database-url", url, "--councils", ",".join(councils)]
    command += ["--runs", str(runs), "--result", str(result)]
    subprocess.run(command, check=True)  # noqa: S603 (our own module)
    return json.loads(result.read_text(encoding="utf-8"))


def run(
    url: str, *, parts: set[str], episodes: int, councils: int, runs: int, reuse: bool, **load
) -> dict:
    """Build (unless `reuse`), time the report at two sizes, load the pages."""
    plan = big_dataset.plan(episodes, councils)
    measured = list(plan.sizes)[:5]
    out: dict = {"plan_episodes": plan.episodes, "councils": len(plan.sizes), "reports": []}
    work = Path(tempfile.mkdtemp(prefix="homeward-bench-report-"))
    if reuse:
        say(f"Using the database as it is: {url}")
    else:
        built = None
        if "report" in parts and episodes > SMALL_STEP:
            built = big_dataset.build(url, plan, stop_at=SMALL_STEP)
            say(f"Timing the report at {built.episodes:,} episodes ({len(built.done)} councils)")
            out["reports"].append(time_report(url, measured, runs, work, "small"))
        built = big_dataset.build(url, plan, built=built)
        out["build_seconds"] = built.seconds
    out["rows"] = big_dataset.row_counts(url)
    if "report" in parts:
        say(f"Timing the report at {out['rows']['episodes_episode']:,} episodes")
        out["reports"].append(time_report(url, measured, runs, work, "big"))
    if "pages" in parts:
        say("Loading the pages ...")
        out["pages"] = pages_load.run(url, **load)
    return out


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def _verdict(ok: bool) -> str:
    return "**met**" if ok else "**not met**"


def report_markdown(out: dict, machine: dict) -> str:
    reports = out["reports"]
    big = reports[-1]
    start, end = big["period"]
    lines = [
        f"Measured {machine['date']} on the machine above, with `make bench` "
        "(`python -m bench.run --parts report`). Database: "
        f"{out['rows']['episodes_episode']:,} episodes, {out['rows']['children_child']:,} "
        f"children, {out['rows']['interviews_returninterview']:,} interviews, "
        f"{out['councils']} councils, six years to {start[:4]}-{end[5:7]} and beyond; the "
        f"period is the half-year {start} to {end}. Each time is the median of the runs "
        "(the first run included); queries are counted in the first.",
        "",
        "| database | report | episodes in the council | in the period | queries | time "
        "| target | |",
        "|---:|---|---:|---:|---:|---:|---:|---|",
    ]
    for figures in reports:
        size = f"{figures['episodes']:,}"
        for code, council in figures["councils"].items():
            lines.append(
                f"| {size} | council {code} | {council['episodes']:,} "
                f"| {council['episodes_in_period']:,} | {council['queries']} "
                f"| {_ms(council['seconds'])} | {_ms(COUNCIL_TARGET)} "
                f"| {_verdict(council['seconds'] < COUNCIL_TARGET)} |"
            )
        every = figures["all"]
        lines.append(
            f"| {size} | England (all) | {figures['episodes']:,} | | {every['queries']} "
            f"| {_ms(every['seconds'])} | {_ms(ALL_TARGET)} "
            f"| {_verdict(every['seconds'] < ALL_TARGET)} |"
        )
        docx = figures["docx"]
        lines.append(
            f"| {size} | DOCX, council {docx['council']} (render only) | | | "
            f"| {_ms(docx['seconds'])} | {_ms(DOCX_TARGET)} "
            f"| {_verdict(docx['seconds'] < DOCX_TARGET)} |"
        )
    if len(reports) > 1:
        small = reports[0]
        grow = big["episodes"] / small["episodes"]
        council_small = sorted(c["seconds"] for c in small["councils"].values())
        council_big = sorted(c["seconds"] for c in big["councils"].values())
        lines += [
            "",
            f"**Growth** ({small['episodes']:,} to {big['episodes']:,} episodes, "
            f"{grow:.1f}x): England-wide {_ms(small['all']['seconds'])} to "
            f"{_ms(big['all']['seconds'])} "
            f"({big['all']['seconds'] / small['all']['seconds']:.1f}x); one council's "
            f"median {_ms(council_small[len(council_small) // 2])} to "
            f"{_ms(council_big[len(council_big) // 2])} (the same councils, the same episodes: "
            "the rest of the database does not slow it); queries "
            f"{small['all']['queries']} and {big['all']['queries']} for England, "
            f"{sorted({c['queries'] for f in reports for c in f['councils'].values()})} for a "
            "council, whatever the size.",
        ]
    lines += ["", "The slowest queries of the England-wide report at the larger size:", ""]
    for query in big["all"]["slowest"][:3]:
        text = " ".join(query["sql"].split())
        lines.append(f"* {_ms(query['seconds'])}: `{text[:160]}…`")
    lines += ["", "Its plan (`EXPLAIN (ANALYZE, BUFFERS)`, first lines):", "", "```"]
    lines += big["all"]["explain"][:24]
    lines += ["```"]
    return "\n".join(lines)


def pages_markdown(out: dict, machine: dict) -> str:
    figures = out["pages"]
    rows = out["rows"]
    return "\n".join(
        [
            f"Measured {machine['date']} on the machine above, with `make bench` "
            "(`python -m bench.run --parts pages`), against "
            f"{rows['episodes_episode']:,} episodes for {out['councils']} councils.",
            "",
            pages_load.report(figures),
            "",
            f"Target: p95 under {pages_load.TARGET_MS} ms for each page with "
            f"{figures['users']} users: "
            f"{_verdict(pages_load.met(figures))}.",
        ]
    )


def refresh_section(docs: Path, heading: str, begin: str, end: str, figures: str) -> None:
    """Put the figures between their markers, adding the section at the end if need be."""
    text = docs.read_text(encoding="utf-8") if docs.exists() else "# Performance\n"
    if begin not in text or end not in text:
        text = text.rstrip("\n") + f"\n\n## {heading}\n\n{begin}\n{end}\n"
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    docs.write_text(f"{head}{begin}\n{figures}\n{end}{tail}", encoding="utf-8")


def today() -> str:
    return dt.date.today().isoformat()
