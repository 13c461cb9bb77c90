"""The pages under load: Missing now, Interviews and children's pages, 20 users at once.

    python -m bench.pages_load [--database-url URL] [--users 20]
                                             [--requests 40] [--workers 4]

Against a database big_dataset built (1,000,000 episodes, 150 councils), this

1. starts Homeward under gunicorn on 127.0.0.1 (a free port; `--workers` sync workers,
   HOMEWARD_COUNCIL = the largest council, two-factor off, not the demo);
2. creates a missing coordinator and signs them in once for each simulated user, so each
   user has a session of their own, as 20 people would (one shared session would have every
   request wait for the same session row, which Homeward saves on every request);
3. for each page, runs `--users` client threads at once, each making `--requests` requests
   one after another with no pause between them (a closed loop: the harshest reading of
   "20 concurrent users"), after a warm-up; every answer must be 200 and hold the page's
   heading (a sign-in page or an error counts as a failure);
4. measures the same pages with a single user, for the time one request takes with no
   queue in front of it;
5. reports p50/p95/p99 and throughput per page.

The load generator is Python threads with http.client, on the same two cores as the server
and PostgreSQL; it talks only to 127.0.0.1. Each run is bounded: `--requests` per user and
at most `--seconds` per page.
"""

import argparse
import http.client
import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

import psycopg

from bench.big_dataset import DEFAULT_URL, PAGES_COUNCIL

HOST = "127.0.0.1"
TARGET_MS = 200
USERNAME = "bench-coordinator"
VENV_BIN = Path(sys.executable).parent


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- the server --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def server_env(url: str, council: str) -> dict[str, str]:
    return os.environ | {
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "homeward.config.settings",
        "HOMEWARD_COUNCIL": council,
        "HOMEWARD_REQUIRE_2FA": "false",
        "HOMEWARD_DEMO": "false",
        "HOMEWARD_DEBUG": "false",
        "HOMEWARD_PRODUCTION": "false",
    }


def create_user(url: str, council: str) -> str:
    """A missing coordinator with a new random password (returned)."""
    password = secrets.token_urlsafe(18)
    script = (
        "import sys\n"
        "from django.contrib.auth.models import Group, User\n"
        "from homeward.accounts.roles import MISSING_COORDINATOR\n"
        "user, _ = User.objects.get_or_create(username=sys.argv[1])\n"
        "user.set_password(sys.argv[2]); user.is_active = True; user.save()\n"
        "user.groups.add(Group.objects.get(name=MISSING_COORDINATOR))\n"
    )
    subprocess.run(  # noqa: S603 (our own script)
        [sys.executable, "-c", f"import django; django.setup()\n{script}", USERNAME, password],
        env=server_env(url, council),
        check=True,
    )
    return password


class Server:
    """gunicorn serving Homeward on 127.0.0.1, stopped (by its own pid) on leaving."""

    def __init__(self, url: str, council: str, workers: int, threads: int):
        self.port = free_port()
        self.command = [
            str(VENV_BIN / "gunicorn"),
            "homeward.config.wsgi:application",
            "--bind",
            f"{HOST}:{self.port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--log-level",
            "warning",
        ]
        self.env = server_env(url, council)
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Server":
        self.process = subprocess.Popen(self.command, env=self.env)  # noqa: S603 (our own)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                status, _, _ = request(self.port, "GET", "/accounts/sign-in/")
                if status == 200:
                    return self
            except OSError:
                pass
            if self.process.poll() is not None:
                raise SystemExit("gunicorn stopped before it answered: see above.")
            time.sleep(0.25)
        raise SystemExit("gunicorn did not answer within a minute.")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


# -- CPU time of the server's processes ---------------------------------------------------

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (0 if it has gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        children = task / "children"
        if children.exists():
            found += [int(child) for child in children.read_text().split()]
    return found


class ServerCpu:
    """CPU used by gunicorn's workers and by PostgreSQL's backends for the benchmark's
    database: the machine's cost of each request, whatever else the machine is doing."""

    def __init__(self, gunicorn_pid: int, url: str):
        self.gunicorn_pid = gunicorn_pid
        self.url = url
        self.database = urllib.parse.urlparse(url).path.lstrip("/")

    def snapshot(self) -> dict[int, float]:
        with psycopg.connect(self.url, autocommit=True) as conn:
            backends = [
                pid
                for (pid,) in conn.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> "
                    "pg_backend_pid()",
                    (self.database,),
                ).fetchall()
            ]
        pids = [self.gunicorn_pid, *_children(self.gunicorn_pid), *backends]
        return {pid: _cpu_seconds(pid) for pid in pids}

    @staticmethod
    def used(before: dict[int, float], after: dict[int, float]) -> float:
        return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


# -- HTTP --------------------------------------------------------------------------------


def request(
    port: int, method: str, path: str, headers: dict | None = None, body: str | None = None
) -> tuple[int, dict[str, list[str]], str]:
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        text = response.read().decode("utf-8", errors="replace")
        got: dict[str, list[str]] = {}
        for name, value in response.getheaders():
            got.setdefault(name.lower(), []).append(value)
        return response.status, got, text
    finally:
        conn.close()


def _cookies(headers: dict[str, list[str]]) -> dict[str, str]:
    jar = SimpleCookie()
    for value in headers.get("set-cookie", []):
        jar.load(value)
    return {name: morsel.value for name, morsel in jar.items()}


def sign_in(port: int, password: str) -> str:
    """Sign in as the bench coordinator; the Cookie header of the new session."""
    status, headers, text = request(port, "GET", "/accounts/sign-in/")
    cookies = _cookies(headers)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text)
    if status != 200 or not token or "csrftoken" not in cookies:
        raise SystemExit(f"The sign-in page did not answer as expected ({status}).")
    body = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token.group(1), "username": USERNAME, "password": password}
    )
    status, headers, _ = request(
        port,
        "POST",
        "/accounts/sign-in/",
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookies['csrftoken']}",
        },
        body,
    )
    session = _cookies(headers).get("sessionid")
    if status != 302 or not session:
        raise SystemExit(f"Signing in failed ({status}): is the user there, two-factor off?")
    return f"sessionid={session}; csrftoken={cookies['csrftoken']}"


# -- load --------------------------------------------------------------------------------


@dataclass
class Page:
    name: str
    paths: list[str]
    expect: str  # text every answer must contain


@dataclass
class Result:
    page: str
    users: int
    requests: int = 0
    failures: list[str] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    seconds: float = 0.0
    body_bytes: int = 0
    client_cpu_seconds: float = 0.0  # the load generator's own CPU time (all its threads)
    server_cpu_seconds: float = 0.0  # gunicorn's workers and PostgreSQL's backends

    def cpu_ms_per_request(self, seconds: float) -> float:
        return seconds / self.requests * 1000 if self.requests else float("nan")

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def load(
    port: int,
    page: Page,
    sessions: list[str],
    requests_each: int,
    max_seconds: float,
    seed: int = 1,
    cpu: ServerCpu | None = None,
) -> Result:
    """len(sessions) users at once, each `requests_each` requests in a row (keep-alive off:
    gunicorn's sync workers close every connection anyway)."""
    result = Result(page.name, len(sessions))
    lock = threading.Lock()
    start = threading.Barrier(len(sessions) + 1)
    deadline = [0.0]

    def user(number: int, cookie: str) -> None:
        rng = random.Random(seed * 1000 + number)
        mine, failures = [], []
        size = 0
        start.wait()
        for _ in range(requests_each):
            if time.monotonic() > deadline[0]:
                break
            path = rng.choice(page.paths)
            began = time.perf_counter()
            try:
                status, _, text = request(port, "GET", path, {"Cookie": cookie})
            except OSError as error:
                failures.append(f"{path}: {error}")
                continue
            mine.append((time.perf_counter() - began) * 1000)
            size += len(text)
            if status != 200 or page.expect not in text:
                failures.append(f"{path}: {status}")
        with lock:
            result.latencies_ms += mine
            result.failures += failures
            result.body_bytes += size

    threads = [
        threading.Thread(target=user, args=(n, cookie), daemon=True)
        for n, cookie in enumerate(sessions)
    ]
    for thread in threads:
        thread.start()
    server_before = cpu.snapshot() if cpu else {}
    deadline[0] = time.monotonic() + max_seconds
    began = time.perf_counter()
    cpu_began = time.process_time()
    start.wait()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - began
    result.client_cpu_seconds = time.process_time() - cpu_began
    if cpu:
        result.server_cpu_seconds = cpu.used(server_before, cpu.snapshot())
    result.requests = len(result.latencies_ms)
    return result


# -- what to ask for ---------------------------------------------------------------------


def pages(url: str, council: str, children: int = 40, seed: int = 20) -> tuple[list[Page], dict]:
    """The three pages; children's pages for the council's busiest children and a sample."""
    with psycopg.connect(url) as conn:
        council_id = conn.execute(
            "SELECT id FROM councils_council WHERE code = %s", (council,)
        ).fetchone()[0]
        counted = conn.execute(
            "SELECT child_id, count(*) FROM episodes_episode WHERE council_id = %s "
            "GROUP BY child_id ORDER BY count(*) DESC, child_id",
            (council_id,),
        ).fetchall()
        facts = {
            "council_episodes": sum(n for _, n in counted),
            "council_children": len(counted),
            "open": conn.execute(
                "SELECT count(*) FROM episodes_episode WHERE council_id = %s "
                "AND returned_at IS NULL",
                (council_id,),
            ).fetchone()[0],
        }
    busiest = counted[: children // 4]
    rest = random.Random(seed).sample(counted[children // 4 :], children - len(busiest))
    chosen = busiest + rest
    facts["child_episodes"] = sorted(n for _, n in chosen)
    child_paths = [f"/children/{pk}/" for pk, _ in chosen]
    return [
        Page("Missing now", ["/missing-now/"], "Missing now</h1>"),
        Page("Interviews", ["/interviews/"], "Return home interviews due</h1>"),
        Page("A child's page", child_paths, '<h1 class="govuk-heading-xl">Child No'),
    ], facts


def list_sizes(port: int, cookie: str) -> dict[str, str]:
    """What the lists held during the run (the sentence under each heading)."""
    sizes = {}
    _, _, text = request(port, "GET", "/missing-now/", {"Cookie": cookie})
    found = re.search(r"(\d+) open episodes?", text)
    sizes["Missing now"] = f"{found.group(1)} open episodes" if found else "?"
    _, _, text = request(port, "GET", "/interviews/", {"Cookie": cookie})
    found = re.search(r"(\d+) waiting, <strong>(\d+) overdue", text)
    sizes["Interviews"] = f"{found.group(1)} waiting, {found.group(2)} overdue" if found else "?"
    return sizes


def run(
    url: str = DEFAULT_URL,
    council: str = PAGES_COUNCIL,
    users: int = 20,
    requests_each: int = 40,
    workers: int = 4,
    threads: int = 1,
    max_seconds: float = 120.0,
) -> dict:
    """Everything above; the figures as a dict (report() turns them into Markdown)."""
    password = create_user(url, council)
    the_pages, facts = pages(url, council)
    figures: dict = {
        "council": council,
        "users": users,
        "requests_each": requests_each,
        "workers": workers,
        "threads": threads,
        "facts": facts,
        "under_load": [],
        "alone": [],
    }
    with Server(url, council, workers, threads) as server:
        say(f"gunicorn on {HOST}:{server.port}, {workers} workers x {threads} threads")
        sessions = [sign_in(server.port, password) for _ in range(users)]
        figures["lists"] = list_sizes(server.port, sessions[0])
        cpu = ServerCpu(server.process.pid, url)
        for page in the_pages:
            load(server.port, page, sessions, 5, max_seconds)  # warm-up
            alone = load(server.port, page, sessions[:1], requests_each, max_seconds, cpu=cpu)
            busy = load(server.port, page, sessions, requests_each, max_seconds, cpu=cpu)
            for result in (alone, busy):
                if result.failures:
                    say(
                        f"  {page.name}: {len(result.failures)} failures, e.g. {result.failures[0]}"
                    )
            say(
                f"  {page.name}: alone p50 {alone.percentile(50):.0f} ms; {users} users "
                f"p50 {busy.percentile(50):.0f} ms, p95 {busy.percentile(95):.0f} ms, "
                f"p99 {busy.percentile(99):.0f} ms, {busy.throughput:.1f} req/s; CPU a request: "
                f"server {busy.cpu_ms_per_request(busy.server_cpu_seconds):.1f} ms, "
                f"load generator {busy.cpu_ms_per_request(busy.client_cpu_seconds):.1f} ms"
            )
            figures["alone"].append(alone)
            figures["under_load"].append(busy)
    return figures


def met(figures: dict) -> bool:
    return all(
        r.percentile(95) < TARGET_MS and not r.failures and r.requests
        for r in figures["under_load"]
    )


def report(figures: dict) -> str:
    users, workers, threads = figures["users"], figures["workers"], figures["threads"]
    facts = figures["facts"]
    episodes = facts["child_episodes"]
    lines = [
        f"Council {figures['council']} (the largest of the 150: "
        f"{facts['council_episodes']:,} episodes, {facts['council_children']:,} children). "
        f"During the run Missing now listed {figures['lists']['Missing now']} and Interviews "
        f"{figures['lists']['Interviews']}; the children's pages were {len(episodes)} children "
        f"with {episodes[0]} to {episodes[-1]} episodes each "
        f"(median {statistics.median(episodes):.0f}).",
        "",
        f"gunicorn, {workers} sync worker{'s' if workers > 1 else ''}"
        + (f" x {threads} threads" if threads > 1 else "")
        + f"; {users} users at once, {figures['requests_each']} requests each in a row with no "
        "pause, after a warm-up of 5 each.",
        "",
        f"| page | users | requests | failures | p50 | p95 | p99 | max | throughput "
        f"| server CPU a request | p95 under {TARGET_MS} ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for result in figures["alone"] + figures["under_load"]:
        verdict = (
            ("**met**" if result.percentile(95) < TARGET_MS else "**not met**")
            if result.users > 1
            else "(one user)"
        )
        lines.append(
            f"| {result.page} | {result.users} | {result.requests} | {len(result.failures)} "
            f"| {result.percentile(50):.0f} ms | {result.percentile(95):.0f} ms "
            f"| {result.percentile(99):.0f} ms | {max(result.latencies_ms or [0]):.0f} ms "
            f"| {result.throughput:.1f}/s "
            f"| {result.cpu_ms_per_request(result.server_cpu_seconds):.1f} ms | {verdict} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--council", default=PAGES_COUNCIL)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--requests", type=int, default=40, help="per user, per page")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker")
    parser.add_argument("--seconds", type=float, default=120.0, help="at most, per page")
    args = parser.parse_args(argv)
    figures = run(
        args.database_url,
        args.council,
        args.users,
        args.requests,
        args.workers,
        args.threads,
        args.seconds,
    )
    print(report(figures))


if __name__ == "__main__":
    main()
