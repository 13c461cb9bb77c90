"""A large, valid, made-up data bundle (docs/bundle.md) for the import benchmark.

Built for speed rather than realism: no datetime objects, no time zones, no Django. Times
are whole minutes counted from 2019-01-01 00:00 and written from precomputed day and
time-of-day strings, so a million episodes take seconds. One `random.Random(seed)` drives
everything, so a seed and a size always give the same files.

The bundle is valid by construction:

* each child's episodes sit in their own slice of 2019-01-01..2024-12-31, one after another,
  so they never overlap; only a child's latest episode is ever left open;
* local times (no offset) never fall in 01:00-01:59, the hour that is missing or doubled
  when the clocks change, so "later on the clock" is always "later";
* a time that must not be before another (reported, notified, interview offered and
  completed) is written with the digits of a later local time and the offset +00:00:
  UTC digits are never earlier than the same Europe/London digits;
* interviews only for returned episodes; seen_with names another child of the bundle.

Every name is made up ("Child", "No123"); nothing resembles a real person.
"""

import argparse
import csv
import datetime as dt
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

from homeward.exchange.bundle_spec import FILES

COUNCIL = "931"
LOCALITIES = (("Bench North", 41_000), ("Bench Central", 37_500), ("Bench South", 52_250))
OTHER_COUNCILS = ("330", "870", "871", "872")  # placed in from, and out of area to

FIRST_DAY = dt.date(2019, 1, 1)
DAYS = 2192  # 2019-01-01 .. 2024-12-31
MINUTES_PER_DAY = 1440
SPAN = DAYS * MINUTES_PER_DAY
MAX_EPISODES_PER_CHILD = 80
HOUR = 60

ETHNICITIES = ("WBRI", "WBRI", "WBRI", "WOTH", "MWBC", "MWAS", "AIND", "APKN", "BAFR", "BCRB", "")
SEXES = ("male", "female", "male", "female", "other", "unknown")
PLACEMENT_TYPES = (
    ("foster", "U4"),
    ("foster", "U6"),
    ("kinship", "U1"),
    ("childrens_home", "K2"),
    ("semi_independent", "H5"),
    ("secure", "K1"),
    ("other", ""),
)
OTHER_LEGAL_STATUSES = ("child_protection", "child_in_need", "early_help", "none", "none")
RISKS = ("low", "low", "medium", "medium", "high", "no_apparent_risk", "")
FOUND = ("Town centre", "Friend's address", "Returned of own accord", "Railway station", "")
REPORTERS = ("Carer", "Parent", "Residential staff", "School", "")
OUTCOMES = ("completed",) * 13 + ("declined",) * 3 + ("no_contact",) * 3 + ("not_offered",)
FINDINGS = ("", "", "Stayed with a friend.", "Argument at home.", "Met older peers in town.")
SCREENING_OUTCOMES = ("no_concerns", "low", "medium", "high")
CONCERNS = ("", "missing", "cse", "cce;gangs", "cse;missing", "trafficking")

# The documented columns, in order; the rows below are written to match them.
HEADERS = {spec.name: spec.header for spec in FILES}
# The children's optional address columns are left out (the import keeps what is stored).
ADDRESS_COLUMNS = ("other_names", "postcode", "address")
HEADERS["children.csv"] = tuple(c for c in HEADERS["children.csv"] if c not in ADDRESS_COLUMNS)
# So are the episodes' day_precision (every episode here is timed to the minute, not known to
# the day only) and police references.
EPISODES_LEFT_OUT = ("day_precision", "police_refs")
HEADERS["episodes.csv"] = tuple(c for c in HEADERS["episodes.csv"] if c not in EPISODES_LEFT_OUT)
# And the interviews' optional who-held-it, reason-not-held and factors columns (the
# benchmark times the import of what every council sends, not the optional extras).
INTERVIEWS_LEFT_OUT = ("conducted_by_type", "not_held_reason", "factors")
HEADERS["interviews.csv"] = tuple(
    c for c in HEADERS["interviews.csv"] if c not in INTERVIEWS_LEFT_OUT
)


@dataclass
class BundleSummary:
    """What was written: rows per file, and how long it took."""

    path: Path
    rows: dict[str, int] = field(default_factory=dict)
    open_episodes: int = 0
    seconds: float = 0.0
    bytes: int = 0


# "THH:MM" for every minute of the day.
_TIME = [f"T{m // 60:02d}:{m % 60:02d}" for m in range(MINUTES_PER_DAY)]
# Interviews follow returns by up to about six days: the last day a bundle may write.
MARGIN_DAYS = 7


def _days(first: dt.date, count: int) -> list[str]:
    return [(first + dt.timedelta(days=n)).isoformat() for n in range(count)]


# Day strings with a margin after 2024 (interviews follow returns by a few days).
_DAY = _days(FIRST_DAY, DAYS + 30)
_DOB_DAYS = _days(dt.date(2003, 1, 1), (dt.date(2012, 12, 31) - dt.date(2003, 1, 1)).days + 1)
_PLACEMENT_STARTS = _days(dt.date(2018, 1, 1), 365)


def _clock(day: list[str]) -> tuple:
    """`local` and `utc` for minutes counted from day[0]'s midnight."""

    def local(minute: int) -> str:
        """A Europe/London local time without offset (never in 01:00-01:59: see the module doc)."""
        return day[minute // MINUTES_PER_DAY] + _TIME[minute % MINUTES_PER_DAY]

    def utc(minute: int) -> str:
        """The same clock digits as UTC: never earlier than the local time with those digits."""
        return day[minute // MINUTES_PER_DAY] + _TIME[minute % MINUTES_PER_DAY] + ":00+00:00"

    return local, utc


def _clear_of_clock_change(minute: int) -> int:
    """Move a time in 01:00-01:59 (any day) an hour later."""
    return minute + HOUR if HOUR <= minute % MINUTES_PER_DAY < 2 * HOUR else minute


def episode_counts(episodes: int, rng: random.Random) -> list[int]:
    """Episodes per child, adding up to `episodes`: most children go missing a few times,
    a few very often (about one child for every five episodes)."""
    counts = []
    left = episodes
    while left > 0:
        count = min(left, MAX_EPISODES_PER_CHILD, 1 + int(rng.expovariate(0.25)))
        counts.append(count)
        left -= count
    return counts


def write_bundle(
    path: Path | str,
    episodes: int = 1_000_000,
    seed: int = 931,
    *,
    council: str = COUNCIL,
    last_day: dt.date | None = None,
) -> BundleSummary:
    """Write a valid bundle of `episodes` episodes for `council` (931) into the folder `path`.

    The six years are 2019-2024 unless `last_day` is given: then they end that day, and
    every date (births, placements) moves with them. Interviews and returns can follow the
    last day by up to MARGIN_DAYS, so to import a bundle "up to now" pass a `last_day` at
    least MARGIN_DAYS before today: open episodes are then still open now, and the latest
    returns are a few days old (what "Missing now" and "Interviews" show).
    """
    started = time.perf_counter()
    if last_day is None:
        day, dob_days, placement_starts = _DAY, _DOB_DAYS, _PLACEMENT_STARTS
    else:
        shift = last_day - (FIRST_DAY + dt.timedelta(days=DAYS - 1))
        day = _days(FIRST_DAY + shift, DAYS + 30)
        dob_days = _days(dt.date(2003, 1, 1) + shift, len(_DOB_DAYS))
        placement_starts = _days(dt.date(2018, 1, 1) + shift, len(_PLACEMENT_STARTS))
    _local, _utc = _clock(day)
    other_councils = tuple(code for code in OTHER_COUNCILS if code != council) or ("330",)
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    random_ = rng.random
    choice = rng.choice
    randrange = rng.randrange
    counts = episode_counts(episodes, rng)
    children = len(counts)
    summary = BundleSummary(path=path)
    localities = [name for name, _ in LOCALITIES]
    companions = 0.01 if children > 1 else 0.0  # share of episodes with a "seen with"

    files = {name: (path / name).open("w", encoding="utf-8", newline="") for name in HEADERS}
    try:
        writers = {name: csv.writer(f, lineterminator="\n") for name, f in files.items()}
        for name, header in HEADERS.items():
            writers[name].writerow(header)
        writers["localities.csv"].writerows(LOCALITIES)
        write_child = writers["children.csv"].writerow
        write_placement = writers["placements.csv"].writerow
        write_episode = writers["episodes.csv"].writerow
        write_interview = writers["interviews.csv"].writerow
        write_screening = writers["screenings.csv"].writerow
        rows = dict.fromkeys(HEADERS, 0)
        rows["localities.csv"] = len(LOCALITIES)
        episode_no = 0
        interview_no = 0
        for number, count in enumerate(counts):
            child_id = f"C{number:07d}"
            home = choice(localities)
            placed_in = random_() < 0.05
            looked_after = placed_in or random_() < 0.35
            write_child(
                (
                    child_id,
                    "Child",
                    f"No{number}",
                    choice(dob_days),
                    choice(SEXES),
                    choice(ETHNICITIES),
                    choice(other_councils) if placed_in else "",
                    f"PN{number:08d}" if random_() < 0.5 else "",
                    home,
                )
            )
            rows["children.csv"] += 1
            placement_id = ""
            if looked_after:
                placement_id = f"P{number:07d}"
                placement_type, place_code = choice(PLACEMENT_TYPES)
                out_of_area = random_() < 0.1
                write_placement(
                    (
                        placement_id,
                        child_id,
                        choice(placement_starts),
                        "",
                        placement_type,
                        place_code,
                        f"SC{900000 + number % 500}" if placement_type == "childrens_home" else "",
                        f"Provider {number % 500}",
                        "" if out_of_area else home,
                        "",
                        choice(other_councils) if out_of_area else "",
                    )
                )
                rows["placements.csv"] += 1
            if random_() < 0.1:
                completed = randrange(DAYS - 100)
                outcome = choice(SCREENING_OUTCOMES)
                # Drawn whatever the outcome, so that a seed still writes the same records.
                concerns = choice(CONCERNS)
                write_screening(
                    (
                        f"S{number:07d}",
                        child_id,
                        day[completed],
                        outcome,
                        "" if outcome == "no_concerns" else concerns,
                        day[completed + 90] if random_() < 0.8 else "",
                    )
                )
                rows["screenings.csv"] += 1

            # The child's episodes, one per slice of the six years, never reaching the next
            # slice; the latest is sometimes still open.
            slot = SPAN // count
            longest = min(72 * HOUR, slot // 2 - 5 * HOUR)
            # Anywhere in the slice that leaves room for the return (with `last_day`, so the
            # last weeks have their share of returns), or in its first half (the default).
            spread = slot // 2 if last_day is None else slot - longest - 5 * HOUR
            last_open = random_() < 0.03
            legal_status = "looked_after" if looked_after else choice(OTHER_LEGAL_STATUSES)
            for e in range(count):
                episode_no += 1
                episode_id = f"E{episode_no:07d}"
                seen = _clear_of_clock_change(e * slot + randrange(spread))
                still_open = last_open and e == count - 1
                if still_open:
                    returned = ""
                    summary.open_episodes += 1
                else:
                    back = _clear_of_clock_change(seen + 2 * HOUR + randrange(longest))
                    returned = _local(back)
                if looked_after:
                    missing_from = "placement" if random_() < 0.9 else "other"
                    category = "away" if random_() < 0.3 else "missing"
                else:
                    missing_from = "home"
                    category = "missing"
                write_episode(
                    (
                        episode_id,
                        child_id,
                        category,
                        _local(seen),
                        _utc(seen + 30 + randrange(180)) if random_() < 0.8 else "",
                        returned,
                        choice(RISKS),
                        missing_from,
                        placement_id,
                        home if random_() < 0.8 else choice(localities),
                        legal_status,
                        choice(FOUND) if returned else "",
                        choice(REPORTERS),
                        _utc(seen + 2 * HOUR) if placed_in else "",
                        f"C{(number + 1) % children:07d}" if random_() < companions else "",
                    )
                )
                if returned and random_() < 0.6:
                    interview_no += 1
                    outcome = choice(OUTCOMES)
                    offered = back + HOUR + randrange(48 * HOUR)
                    write_interview(
                        (
                            f"I{interview_no:07d}",
                            episode_id,
                            "" if outcome == "not_offered" else _utc(offered),
                            outcome,
                            _utc(offered + 24 * HOUR) if outcome == "completed" else "",
                            f"Worker {episode_no % 97}" if outcome != "not_offered" else "",
                            choice(FINDINGS) if outcome == "completed" else "",
                        )
                    )
            rows["episodes.csv"] += count
        rows["interviews.csv"] = interview_no
    finally:
        for f in files.values():
            f.close()
    summary.rows = rows
    summary.bytes = sum((path / name).stat().st_size for name in HEADERS)
    summary.seconds = time.perf_counter() - started
    return summary


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write a large made-up bundle for council 931.")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--episodes", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=931)
    args = parser.parse_args(argv)
    summary = write_bundle(args.folder, args.episodes, args.seed)
    for name, count in summary.rows.items():
        print(f"{name:16} {count:>10,}")
    print(f"{summary.bytes / 1e6:.0f} MB in {summary.seconds:.1f} s")


if __name__ == "__main__":
    main()
