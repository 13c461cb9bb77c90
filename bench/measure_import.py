"""Measure one bundle import in a process of its own: wall time, peak memory, where time goes.

Run by `bench.run`, one process per import, so that each peak RSS
(`ru_maxrss`, a high-water mark that never goes down) belongs to that import alone.
The importer is not changed: its steps are wrapped with timers here, in the benchmark
process only. Writes its figures as JSON to `--result`.
"""

import argparse
import contextlib
import functools
import json
import os
import resource
import sys
import threading
import time
from pathlib import Path

CHECK_LABELS = {
    "check_duplicate_ids": "check: ids unique in each file",
    "check_references": "check: references (child, episode ids)",
    "check_placements_of_child": "check: placement is the child's",
    "check_born_before": "check: not before birth",
    "check_overlaps": "check: episodes do not overlap",
    "check_interview_returns": "check: interviews after return",
    "check_returns_before_interviews": "check: returns before recorded interviews",
}


def rss_now_kib() -> int:
    """The resident set size of this process now, in KiB (Linux /proc)."""
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def peak_rss_kib() -> int:
    """The highest resident set size this process has had, in KiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


class BackendMemory:
    """The highest private (anonymous) memory of the PostgreSQL backend serving this process,
    sampled from /proc while the import runs: only when the server is on this machine and
    its /proc entries are readable (else `peak_kib` stays None)."""

    def __init__(self, pid: int, every: float = 0.2):
        self.path = Path(f"/proc/{pid}/status")
        self.every = every
        self.peak_kib: int | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _read(self) -> int | None:
        try:
            for line in self.path.read_text(encoding="ascii").splitlines():
                if line.startswith("RssAnon:"):
                    return int(line.split()[1])
        except OSError:
            return None
        return None

    def _sample(self) -> None:
        while not self._stop.is_set():
            kib = self._read()
            if kib is None:
                return
            self.peak_kib = max(self.peak_kib or 0, kib)
            self._stop.wait(self.every)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


class Phases:
    """Exclusive wall time per labelled step: a wrapped call's time minus that of wrapped
    calls inside it (so COPY inside reading a file is counted once, as COPY)."""

    def __init__(self):
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self._stack: list[float] = []  # time spent in nested wrapped calls, per level

    def wrap(self, owner, name: str, label) -> None:
        """Replace `owner.name` by a timed version; `label` is a string or f(args, kwargs)."""
        original = getattr(owner, name)
        phases = self

        @functools.wraps(original)
        def timed(*args, **kwargs):
            phases._stack.append(0.0)
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - started
                nested = phases._stack.pop()
                if phases._stack:
                    phases._stack[-1] += elapsed
                key = label(args, kwargs) if callable(label) else label
                phases.seconds[key] = phases.seconds.get(key, 0.0) + elapsed - nested
                phases.calls[key] = phases.calls.get(key, 0) + 1

        setattr(owner, name, timed)


def instrument() -> Phases:
    """Wrap the importer's steps with timers (in this process only)."""
    from django.db.backends.base.base import BaseDatabaseWrapper

    from homeward.exchange import (
        bundle_absent,
        bundle_checks,
        bundle_import,
        bundle_local,
        bundle_merge,
        staging,
    )

    phases = Phases()
    phases.wrap(
        bundle_import,
        "_stage_file",
        lambda args, kwargs: f"read + validate rows (Python): {args[1].name}",
    )
    phases.wrap(staging.StagingTable, "_copy", "COPY rows into staging tables")
    phases.wrap(staging.StagingTable, "_insert", "INSERT rows into staging tables")
    phases.wrap(staging.StagingTable, "finish", "index + ANALYZE staging tables")
    for name, label in CHECK_LABELS.items():
        phases.wrap(bundle_checks, name, label)
    phases.wrap(bundle_absent, "stand_in_stored", "absent columns: copy stored values")
    phases.wrap(bundle_absent, "check_rows_again", "absent columns: row rules again")
    phases.wrap(bundle_local, "find_local_changes", "find changes made in Homeward")
    phases.wrap(bundle_merge, "compare", lambda args, kwargs: f"compare {args[0].table}")
    phases.wrap(bundle_merge, "_update", lambda args, kwargs: f"merge: update {args[0].table}")
    phases.wrap(bundle_merge, "_insert", lambda args, kwargs: f"merge: insert {args[0].table}")
    phases.wrap(bundle_merge, "_merge_companions", "merge: seen with (companions)")
    phases.wrap(staging.StagingTable, "create", "create + drop staging tables")
    phases.wrap(staging.StagingTable, "drop", "create + drop staging tables")
    phases.wrap(bundle_import, "_context", "read councils and localities")
    # Django declares foreign keys DEFERRABLE INITIALLY DEFERRED on PostgreSQL: every row
    # written is checked against the rows it refers to when the transaction commits.
    phases.wrap(BaseDatabaseWrapper, "_commit", "COMMIT (runs the deferred foreign-key checks)")
    return phases


def measure(bundle: Path, council: str, profile: Path | None = None) -> dict:
    import django

    django.setup()
    from django.db import connection

    from homeward.exchange.bundle_import import BundleRejected, import_bundle

    phases = instrument()
    backend_pid = 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend_pid = cursor.fetchone()[0]
    rss_before = rss_now_kib()
    peak_before = peak_rss_kib()
    problems: list[str] = []
    result = None
    backend = BackendMemory(backend_pid)
    started = time.perf_counter()
    try:
        with backend if backend_pid else contextlib.nullcontext():
            if profile:
                import cProfile

                profiler = cProfile.Profile()
                result = profiler.runcall(import_bundle, bundle, council_code=council)
                profiler.dump_stats(profile)
            else:
                result = import_bundle(bundle, council_code=council)
    except BundleRejected as rejected:
        problems = [str(p) for p in rejected.problems.in_order()[:20]]
        problems.append(f"({rejected.problems.total} problem(s) in all)")
    seconds = time.perf_counter() - started
    accounted = sum(phases.seconds.values())
    breakdown = dict(phases.seconds)
    breakdown["other"] = seconds - accounted
    files = {}
    if result is not None:
        files = {
            name: {"rows": c.rows, "created": c.created, "updated": c.updated}
            for name, c in result.files.items()
        }
    return {
        "seconds": seconds,
        "rss_before_kib": rss_before,
        "peak_before_kib": peak_before,
        "peak_kib": peak_rss_kib(),
        "server_peak_kib": backend.peak_kib,
        "breakdown": breakdown,
        "calls": phases.calls,
        "files": files,
        "problems": problems,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bundle", type=Path, required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--result", type=Path, required=True)
    parser.add_argument("--council", default="931")
    parser.add_argument("--profile", type=Path, help="also write a cProfile of the import here")
    args = parser.parse_args(argv)
    # Before django.setup(): the settings read these once.
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "homeward.config.settings"
    os.environ["HOMEWARD_DEBUG"] = "false"  # DEBUG would keep every query in memory
    figures = measure(args.bundle, args.council, args.profile)
    args.result.write_text(json.dumps(figures, indent=1), encoding="utf-8")
    sys.exit(1 if figures["problems"] else 0)


if __name__ == "__main__":
    main()
