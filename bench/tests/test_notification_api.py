"""The API benchmark's notifications and its report (its figures are for docs/performance.md;
here only what it sends and that it reports them with the baseline and the targets)."""

import datetime as dt
from collections import Counter

from bench.notification_api import Probe, Run, Sent, payloads, report
from homeward.police.reading import COLUMNS, read_notification

NOW = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)


def children(n: int) -> list[dict]:
    return [
        {
            "first_name": f"Madeup{i}",
            "last_name": f"Child{i}",
            "date_of_birth": dt.date(2010, 1, 1) + dt.timedelta(days=i),
            "sex": "female",
            "postcode": "OX4 1AB",
            "address": f"{i} Made-up Lane",
        }
        for i in range(n)
    ]


def test_the_notifications_are_reports_and_founds_with_regradings_and_bad_ones():
    sent = payloads(children(100), 200, NOW)
    assert len(sent) == 200
    events = Counter(p["event"] for p in sent)
    # Of every ten: four reports of known children, four founds of earlier reports (but while
    # fewer than three are open), one regrading, and a report of a child nobody knows or
    # (every other time) one that cannot be read.
    assert events == {"missing": 92, "found": 78, "update": 20, "vanished": 10}
    assert len({p["police_ref"] for p in sent if p["event"] == "missing"}) == 92
    reports = {p["police_ref"] for p in sent if p["event"] == "missing"}
    assert all(p["police_ref"] in reports for p in sent if p["event"] in ("update", "found"))
    for p in sent:
        assert set(p) <= {"council", *COLUMNS} and p["council"] == "931"
        problems = read_notification(p, now=NOW).problems
        assert bool(problems) == (p["event"] == "vanished"), p


def run(name: str, rate: float, ms: list[float], status: int = 201, cpu_ms: float = 40) -> Run:
    made = Run(name, rate, seconds=len(ms) / rate, server_cpu_seconds=len(ms) * cpu_ms / 1000)
    made.sent = [Sent(due=i / rate, answered=i / rate + m / 1000, status=status) for i, m in
                 enumerate(ms)]  # fmt: skip
    return made


def test_the_report_gives_both_runs_the_ratio_and_the_verdicts():
    figures = {
        "api": run("api", 50, [40.0] * 95 + [150.0] * 5),
        "baseline": run("baseline", 50, [10.0] * 100, 200, cpu_ms=8),
        "probes": [Probe("MBC-PROBE-000", 45.0, 0.62, 4), Probe("MBC-PROBE-001", 50.0, None, 300)],
        "states": {"applied": 70, "review": 20, "problem": 10},
        "children": 1000,
        "seconds": 2,
        "workers": 4,
        "vendor": "postgresql",
    }
    text = report(figures)
    assert "| API: notifications at 50 a second | 100 | 50.0 | 0 | 40 ms | 150 ms |" in text
    assert "| 150 ms | 150 ms | 40.0 ms |" in text  # p99, max, server CPU a request
    assert "| baseline: a signed-in page (/my-children/) at 50 a second | 100 |" in text
    assert "| ratio, API to baseline | | | | 4.0 × | 15.0 × | | | 5.0 × |" in text
    assert "at 40 ms a notification" in text
    assert "95th percentile under 200 ms: met (50.0 a second achieved)" in text
    assert "| MBC-PROBE-000 | 45 ms | 0.62 s | 4 |" in text
    assert "| MBC-PROBE-001 | 50 ms | not seen in 30 s | 300 |" in text
    assert "visible within 2 s: **not met**" in text  # one probe never seen
    assert "70 applied, 20 review, 10 problem" in text
