"""Police notifications through the API under load, and how soon a report of a child at high
risk is on Missing now, with a minimal signed-in page timed in the same run as the baseline.

    python -m bench.notification_api [--database-url URL] [--children N] [--rate 50]
                                     [--seconds 30] [--workers 4] [--no-docs] [--reuse]

1. The database is dropped, created and migrated, and N made-up children written for council
   931 (as bench.notification_matching writes them), with a made-up force serving it and its
   token, and a missing coordinator.
2. Homeward runs under gunicorn on 127.0.0.1 (bench.pages_load.Server: `--workers` sync
   workers; the API's per-force rate raised, so that the benchmark measures the work and not
   the throttle).
3. The baseline: the coordinator's *My children* page (signed in, nothing allocated: the
   session, the access rule and a template) requested at the same rate for a third of the
   time.
4. The load: `--rate` notifications a second for `--seconds`, each sent at its own time
   whatever became of the ones before (an open loop: a slow answer does not slow the
   sending), on client threads: reports of known children varied as the police vary them,
   founds and regradings of earlier reports, reports of children nobody knows, and some
   that cannot be read. Latency is from when a notification was due to be sent to its
   answer, so time waiting for a client thread counts too.
5. Meanwhile, every few seconds, a report of a child at high risk is posted while the
   coordinator's Missing now is open, and the probe does what the open page does: asks
   whether the list changed every HOMEWARD_MISSING_NOW_CHECK_SECONDS and fetches the list
   when it has, until the child's police reference is on it: the time from posting to first
   seen.

Figures go into docs/performance.md unless --no-docs.
"""

import argparse
import datetime as dt
import json
import os
import random
import statistics
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench import big_run
from bench.child_search import prepare
from bench.pages_load import HOST, Server, ServerCpu, create_user, request, say, sign_in

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/homeward_bench_api"
ROOT = Path(__file__).resolve().parents[1]
PERFORMANCE = ROOT / "docs" / "performance.md"
BEGIN = "<!-- bench:api:begin (written by python -m bench.notification_api) -->"
END = "<!-- bench:api:end -->"
HEADING = "Police notifications through the API: the latest figures"
COUNCIL = "931"
FORCE = "Made-up Bench Constabulary"
TARGET_P95_MS = 200.0
TARGET_VISIBLE_S = 2.0
BASELINE_PATH = "/my-children/"
MISSING_NOW = "/missing-now/table/"
CHANGED = "/missing-now/changed/"
API = "/api/v1/notifications"
PROBE_EVERY_S = 5.0
# As an open page asks (HOMEWARD_MISSING_NOW_CHECK_SECONDS' default).
POLL_S = 1.0
CLIENT_THREADS = 64
CORES = os.cpu_count() or 1


@dataclass
class Sent:
    """What one request did: when it was due, when answered, and the status."""

    due: float
    answered: float = 0.0
    status: int = 0
    state: str = ""

    @property
    def ms(self) -> float:
        return (self.answered - self.due) * 1000


@dataclass
class Run:
    name: str
    rate: float
    sent: list[Sent] = field(default_factory=list)
    seconds: float = 0.0
    server_cpu_seconds: float = 0.0  # gunicorn's workers and PostgreSQL's backends

    @property
    def cpu_ms(self) -> float:
        """Server CPU time a request (both cores' worth counted)."""
        return self.server_cpu_seconds / len(self.sent) * 1000 if self.sent else float("nan")

    def latencies(self) -> list[float]:
        return [s.ms for s in self.sent if s.status]

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies())
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]

    def failures(self, ok: set[int]) -> int:
        return sum(1 for s in self.sent if s.status not in ok)

    @property
    def achieved(self) -> float:
        return len(self.sent) / self.seconds if self.seconds else 0.0


@dataclass
class Probe:
    ref: str
    posted_ms: float = 0.0  # the post's own answer
    visible_s: float | None = None  # from posting to first seen on Missing now
    polls: int = 0


# -- what is sent ---------------------------------------------------------------------------


def _when(at: dt.datetime) -> str:
    return at.strftime("%d/%m/%Y %H:%M")


def payloads(children: list[dict], how_many: int, now: dt.datetime, seed: int = 50) -> list[dict]:
    """`how_many` notifications, in the order sent: of every ten, four reports of known
    children (as recorded, or with a typo or a date of birth mistyped), four founds of earlier
    reports (so that Missing now holds about as many children as a county's does, not every
    report of the run), one regrading of an earlier report, and one report of a child nobody
    knows or (every other time) one that cannot be read."""
    rng = random.Random(seed)
    known = rng.sample(children, min(len(children), how_many))
    sent, reports = [], []
    for number in range(how_many):
        kind = number % 10
        ref = f"MBC-{number:06d}"
        if kind in (0, 2, 4, 6) and known:
            child = known.pop()
            reports.append(ref)
            sent.append(_report(rng, ref, child, now))
        elif kind in (1, 3, 5, 7) and len(reports) > 2:
            at = now - dt.timedelta(minutes=rng.randint(1, 30))
            found = reports.pop(0)
            sent.append(_event(found, "found", at, found_at=_when(at)))
        elif kind == 8 and reports:
            at = now - dt.timedelta(minutes=rng.randint(1, 30))
            risk = rng.choice(("HIGH RISK", "Medium", "low"))
            sent.append(_event(rng.choice(reports), "update", at, risk=risk))
        elif number % 20 == 9:
            sent.append(_event(ref, "vanished", now) | {"date_of_birth": "31/02/2012"})
        else:
            stranger = {
                "first_name": "Zebedee",
                "last_name": f"Nowhereson{number}",
                "date_of_birth": dt.date(2011, 1, 1) + dt.timedelta(days=number % 2000),
                "sex": "male",
                "postcode": "OX9 9ZZ",
                "address": "",
            }
            sent.append(_report(rng, ref, stranger, now))
    return sent


def _report(rng, ref: str, child: dict, now: dt.datetime, risk: str = "") -> dict:
    first, born = child["first_name"], child["date_of_birth"]
    how = rng.choice(("as recorded", "as recorded", "typo", "day and month"))
    if how == "typo" and len(first) > 3:
        first = first[:2] + first[3] + first[2] + first[4:]
    elif how == "day and month" and born.day <= 12:
        born = dt.date(born.year, born.day, born.month)
    seen = now - dt.timedelta(hours=rng.randint(2, 48))
    values = {
        "police_ref": ref,
        "event": "missing",
        "last_seen_at": _when(seen),
        "reported_at": _when(seen + dt.timedelta(hours=1)),
        "first_name": first,
        "last_name": child["last_name"],
        "date_of_birth": born.strftime("%d/%m/%Y"),
        "sex": child["sex"],
        "postcode": child["postcode"],
        "address": child["address"],
        "police_id": child.get("police_id", ""),
        "missing_from": "home",
        "risk": risk or rng.choice(("medium", "medium", "low", "high")),
    }
    return {"council": COUNCIL} | {k: v for k, v in values.items() if v}


def _event(ref: str, event: str, at: dt.datetime, **given) -> dict:
    return {"council": COUNCIL, "police_ref": ref, "event": event, "event_at": _when(at)} | given


# -- sending ----------------------------------------------------------------------------------


def post(port: int, token: str, payload: dict) -> tuple[int, str]:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    status, _, text = request(port, "POST", API, headers, json.dumps(payload))
    try:
        state = json.loads(text).get("state", "")
    except (ValueError, AttributeError):
        state = ""
    return status, state


def open_loop(name: str, rate: float, jobs: list, send, cpu: ServerCpu | None = None) -> Run:
    """Each job sent at its own due time (`rate` a second) by whichever client thread is free;
    `send(job)` returns (status, state). `cpu` measures the server's CPU time meanwhile."""
    run = Run(name, rate)
    before = cpu.snapshot() if cpu else {}
    run.sent = [Sent(due=0.0) for _ in jobs]
    next_job = iter(range(len(jobs)))
    lock = threading.Lock()
    start = time.perf_counter() + 0.5

    def client() -> None:
        while True:
            with lock:
                number = next(next_job, None)
            if number is None:
                return
            due = start + number / rate
            time.sleep(max(0.0, due - time.perf_counter()))
            try:
                status, state = send(jobs[number])
            except OSError:
                status, state = 0, ""
            run.sent[number] = Sent(due, time.perf_counter(), status, state)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(CLIENT_THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.seconds = max(s.answered for s in run.sent) - start
    if cpu:
        run.server_cpu_seconds = cpu.used(before, cpu.snapshot())
    return run


def probe(port: int, token: str, cookie: str, child: dict, number: int) -> Probe:
    """Post a report of `child` at high risk with Missing now open, and do as the open page
    does until its reference is there: ask whether the list changed every POLL_S seconds,
    and fetch the list when it has."""
    ref = f"MBC-PROBE-{number:03d}"
    # Longer missing than any report of the load: first among the high risks on page one.
    seen = dt.datetime.now(dt.UTC) - dt.timedelta(days=7, minutes=number)
    payload = {
        "council": COUNCIL,
        "police_ref": ref,
        "event": "missing",
        "last_seen_at": seen.isoformat(timespec="minutes"),
        "first_name": child["first_name"],
        "last_name": child["last_name"],
        "date_of_birth": child["date_of_birth"].isoformat(),
        "police_id": child["police_id"],
        "risk": "high",
    }
    found = Probe(ref)
    _, _, text = request(port, "GET", MISSING_NOW, {"Cookie": cookie})
    shown = _state(text)
    began = time.perf_counter()
    status, _ = post(port, token, payload)
    found.posted_ms = (time.perf_counter() - began) * 1000
    if status != 201:
        say(f"  probe {ref}: the API answered {status}")
        return found
    while time.perf_counter() - began < 30:
        time.sleep(POLL_S)
        found.polls += 1
        _, _, answer = request(port, "GET", CHANGED, {"Cookie": cookie})
        if json.loads(answer)["state"] == shown:
            continue
        _, _, text = request(port, "GET", MISSING_NOW, {"Cookie": cookie})
        shown = _state(text)
        if ref in text:
            found.visible_s = time.perf_counter() - began
            return found
    return found


def _state(fragment: str) -> str:
    """The state the list was read at (data-state on the fragment's first paragraph)."""
    return fragment.split('data-state="', 1)[1].split('"', 1)[0]


# -- the database -----------------------------------------------------------------------------


def setup(children: int, reuse: bool) -> tuple[str, list[dict], list[dict]]:
    """The children (filled unless `reuse`), the force and its new token, the probe children."""
    from bench.notification_matching import fill
    from homeward.children.models import Child
    from homeward.councils.models import Council
    from homeward.police import tokens
    from homeward.police.models import Force

    council = Council.objects.get(code=COUNCIL)
    if not reuse:
        fill(children)
        for number in range(8):
            Child.objects.create(
                council=council,
                responsible_la=council,
                local_id=f"PROBE{number}",
                first_name="Probe",
                last_name=f"Madeup{number}",
                date_of_birth=dt.date(2012, 1, 1 + number),
                sex="female",
                police_id=f"MBC-PROBE-CHILD-{number}",
            )
    force = Force.objects.filter(name=FORCE).first() or tokens.force_create(
        name=FORCE, councils=[council], by=None
    )
    token = tokens.force_token_issue(force=force, label="bench", by=None).secret
    fields = ("first_name", "last_name", "date_of_birth", "sex", "postcode", "address")
    rows = Child.objects.filter(council=council).exclude(local_id__startswith="PROBE")
    known = [dict(zip(fields, row, strict=True)) for row in rows.values_list(*fields)[:20000]]
    probes = Child.objects.filter(council=council, local_id__startswith="PROBE").order_by("pk")
    probe_rows = [
        dict(zip(("police_id", *fields), row, strict=True))
        for row in probes.values_list("police_id", *fields)
    ]
    return token, known, probe_rows


def states() -> dict[str, int]:
    from django.db.models import Count

    from homeward.police.models import Notification

    counted = Notification.objects.values("state").annotate(n=Count("pk")).order_by("state")
    return {row["state"]: row["n"] for row in counted}


# -- the report -------------------------------------------------------------------------------


def report(figures: dict) -> str:
    api, base = figures["api"], figures["baseline"]
    probes: list[Probe] = figures["probes"]
    seen = [p.visible_s for p in probes if p.visible_s is not None]
    api95, base95 = api.percentile(95), base.percentile(95)
    api_met = api95 < TARGET_P95_MS and not api.failures({200, 201, 400})
    api_met = api_met and api.achieved >= 0.95 * api.rate
    seen_met = len(seen) == len(probes) and bool(seen) and max(seen) < TARGET_VISIBLE_S
    kept = ", ".join(f"{n:,} {state}" for state, n in figures["states"].items())
    lines = [
        f"Measured {dt.date.today():%-d %B %Y} with `python -m bench.notification_api "
        f"--children {figures['children']} --rate {api.rate:g} --seconds {figures['seconds']:g}` "
        f"on {figures['vendor']}: {figures['children']:,} made-up children in one council, "
        f"gunicorn with {figures['workers']} sync workers, the load generator's "
        f"{CLIENT_THREADS} threads on the same two cores. Each notification was sent at its "
        "own time (an open loop), and its latency runs from then to its answer.",
        "",
        "| | sent | a second | failures | p50 | p95 | p99 | max | server CPU a request |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        _row(f"API: notifications at {api.rate:g} a second", api, {200, 201, 400}),
        _row(
            f"baseline: a signed-in page ({BASELINE_PATH}) at {base.rate:g} a second", base, {200}
        ),
        f"| ratio, API to baseline | | | | {api.percentile(50) / base.percentile(50):.1f} × "
        f"| {api95 / base95:.1f} × | | | {api.cpu_ms / base.cpu_ms:.1f} × |",
        "",
        f"Server CPU is gunicorn's workers' and PostgreSQL's backends' time over the run (the "
        "API's with the probes' reads of Missing now below), a request: at "
        f"{api.cpu_ms:.0f} ms a notification, the machine's {CORES} cores could "
        f"take at most about {CORES * 1000 / api.cpu_ms:.0f} notifications a second with "
        "nothing else running (the baseline page: about "
        f"{CORES * 1000 / base.cpu_ms:.0f} a second).",
        "",
        f"The notifications were kept as: {kept} (reports of known children linked or waiting "
        "for review, regradings and founds applied or held until their report, the unreadable "
        "kept as problems). Failures are answers other than 201, 200 (already received) and "
        "400 (unreadable, kept).",
        "",
        f"Target: {api.rate:g} posts a second sustained, 95th percentile under "
        f"{TARGET_P95_MS:.0f} ms: {'met' if api_met else '**not met**'} "
        f"({api.achieved:.1f} a second achieved).",
        "",
        f"**On Missing now.** Every {PROBE_EVERY_S:g} s during the load a report of a child at "
        "high risk was posted with Missing now open, and the probe did as the open page does "
        f"(as a signed-in coordinator): asked every {POLL_S:g} s whether the list had changed "
        "(/missing-now/changed/) and fetched the list when it had, until the report's "
        "reference was on it. The time runs from posting, so it includes the post's own answer; "
        "reads are the questions asked:",
        "",
        "| probe | post answered | on Missing now after | reads |",
        "| --- | ---: | ---: | ---: |",
    ]
    for p in probes:
        visible = f"{p.visible_s:.2f} s" if p.visible_s is not None else "not seen in 30 s"
        lines.append(f"| {p.ref} | {p.posted_ms:.0f} ms | {visible} | {p.polls} |")
    if seen:
        ratio = statistics.median(seen) * 1000 / base.percentile(50)
        lines += [
            "",
            f"Median {statistics.median(seen):.2f} s, at most {max(seen):.2f} s "
            f"({ratio:.0f} × the baseline page's median). Target: visible within "
            f"{TARGET_VISIBLE_S:g} s: {'met' if seen_met else '**not met**'}.",
        ]
    return "\n".join(lines)


def _row(label: str, run: Run, ok: set[int]) -> str:
    latencies = run.latencies() or [float("nan")]
    return (
        f"| {label} | {len(run.sent):,} | {run.achieved:.1f} | {run.failures(ok)} "
        f"| {run.percentile(50):.0f} ms | {run.percentile(95):.0f} ms "
        f"| {run.percentile(99):.0f} ms | {max(latencies):.0f} ms | {run.cpu_ms:.1f} ms |"
    )


# -- running ----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--children", type=int, default=50_000)
    parser.add_argument("--rate", type=float, default=50.0, help="notifications a second")
    parser.add_argument("--seconds", type=float, default=30.0, help="how long the load lasts")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--no-docs", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="keep the database built before")
    args = parser.parse_args(argv)
    prepare(args.database_url, None, reuse=args.reuse)
    # Every gunicorn worker counts a force's calls apart (a cache of its own): the rate is
    # raised so that the benchmark measures the work, not the throttle.
    os.environ["HOMEWARD_API_RATE"] = "1000000/minute"
    import django

    django.setup()
    from django.db import connection

    started = time.perf_counter()
    token, known, probe_children = setup(args.children, args.reuse)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    password = create_user(args.database_url, COUNCIL)
    total = int(args.rate * args.seconds)
    jobs = payloads(known, total, dt.datetime.now(dt.UTC))
    say(f"Ready in {time.perf_counter() - started:.0f} s: {total:,} notifications to send.")
    with Server(args.database_url, COUNCIL, args.workers, 1) as server:
        say(f"gunicorn on {HOST}:{server.port}, {args.workers} workers")
        cookie = sign_in(server.port, password)
        port = server.port
        cpu = ServerCpu(server.process.pid, args.database_url)
        for job in payloads(known[-50:], 20, dt.datetime.now(dt.UTC), seed=1):  # warm-up
            post(port, token, job | {"police_ref": "WARM-" + job["police_ref"]})
        base_jobs = [None] * int(args.rate * args.seconds / 3)
        baseline = open_loop(
            "baseline",
            args.rate,
            base_jobs,
            lambda _: (request(port, "GET", BASELINE_PATH, {"Cookie": cookie})[0], ""),
            cpu,
        )
        say(f"  baseline: p50 {baseline.percentile(50):.0f} ms, p95 {baseline.percentile(95):.0f}")
        probes: list[Probe] = []

        def probing() -> None:
            for number, child in enumerate(probe_children):
                time.sleep(PROBE_EVERY_S)
                if number * PROBE_EVERY_S >= args.seconds - PROBE_EVERY_S:
                    return
                probes.append(probe(port, token, cookie, child, number))

        prober = threading.Thread(target=probing, daemon=True)
        prober.start()
        api = open_loop("api", args.rate, jobs, lambda job: post(port, token, job), cpu)
        prober.join()
        say(f"  API: p50 {api.percentile(50):.0f} ms, p95 {api.percentile(95):.0f} ms")
    figures = {
        "api": api,
        "baseline": baseline,
        "probes": probes,
        "states": states(),
        "children": args.children,
        "seconds": args.seconds,
        "workers": args.workers,
        "vendor": connection.vendor,
    }
    text = report(figures)
    print(text)
    if not args.no_docs:
        big_run.refresh_section(PERFORMANCE, HEADING, BEGIN, END, text)
        say(f"Refreshed {PERFORMANCE}.")


if __name__ == "__main__":
    main()
