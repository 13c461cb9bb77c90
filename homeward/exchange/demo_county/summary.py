"""The bundle's own figures, counted from its files as domain.md counts them (`--summary`)."""

import csv
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from homeward.exchange.demo_county.shape import (
    COUNCIL,
    DAY,
    RHI_DUE,
    START,
    noon,
)


@dataclass(frozen=True)
class Period:
    label: str
    first: date
    last: date


def summary_periods(today: date) -> list[Period]:
    """Years ending 31 March, then calendar half-years, from 2018 up to today (the last partial)."""
    periods = []
    for year in range(2019, today.year + 2):
        first = date(year - 1, 4, 1)
        if first <= today:
            periods.append(Period(f"YE 31 Mar {year}", first, date(year, 3, 31)))
    for year in range(START.year, today.year + 1):
        for half, (first, last) in enumerate(
            ((date(year, 1, 1), date(year, 6, 30)), (date(year, 7, 1), date(year, 12, 31))), start=1
        ):
            if first <= today:
                periods.append(Period(f"{year} H{half}", first, last))
    return periods


def read_bundle(out_dir: Path) -> dict[str, list[dict[str, str]]]:
    """Every file of a bundle folder, as lists of row dicts."""
    files = {}
    for name in ("localities", "children", "placements", "episodes", "interviews", "screenings"):
        with (out_dir / f"{name}.csv").open(encoding="utf-8", newline="") as f:
            files[name] = list(csv.DictReader(f))
    return files


def summarise(out_dir: Path, today: date, now: datetime | None = None) -> str:
    """The bundle's own figures, counted as domain.md counts them, as a plain-text table."""
    figures = BundleFigures(read_bundle(out_dir), today, now or noon(today))
    header = (
        f"{'period':<17}{'LAC inc':>8}{'LAC ch':>7}{'away':>5}{'home ch':>8}{'home ep':>8}"
        f"{'repeat':>15}{'RHI<=72h':>20}{'screened':>15}{'placed-in':>10}"
    )
    lines = [header]
    for period in summary_periods(today):
        lines.append(figures.line(period))
    lines.append("")
    lines.extend(figures.now_lines())
    return "\n".join(lines)


class BundleFigures:
    """Counts over a bundle's rows: episodes by last seen in a period, `missing` unless stated."""

    def __init__(self, files: dict[str, list[dict[str, str]]], today: date, now: datetime):
        self.today = today
        self.now = now
        self.children = {row["child_id"]: row for row in files["children"]}
        self.episodes = [self._parsed(row) for row in files["episodes"]]
        self.episodes.sort(key=lambda e: e["seen"])
        self.seen_keys = [e["seen_day"] for e in self.episodes]
        self.interviews: dict[str, list[dict[str, str]]] = {}
        for row in files["interviews"]:
            self.interviews.setdefault(row["episode_id"], []).append(row)
        self.screened: dict[str, date] = {}
        for row in files["screenings"]:
            day = date.fromisoformat(row["completed_on"])
            self.screened[row["child_id"]] = min(day, self.screened.get(row["child_id"], day))

    def _parsed(self, row: dict[str, str]) -> dict:
        seen = datetime.fromisoformat(row["last_seen_at"])
        returned = datetime.fromisoformat(row["returned_at"]) if row["returned_at"] else None
        own = self.children[row["child_id"]]["responsible_la"] == COUNCIL
        return {**row, "seen": seen, "seen_day": seen.date(), "returned": returned, "own": own}

    def in_period(self, period: Period, category: str = "missing") -> list[dict]:
        lo = bisect_right(self.seen_keys, period.first - DAY)
        hi = bisect_right(self.seen_keys, period.last)
        return [e for e in self.episodes[lo:hi] if e["category"] == category]

    def line(self, period: Period) -> str:
        missing = self.in_period(period)
        looked_after = [e for e in missing if e["own"] and e["legal_status"] == "looked_after"]
        away = [e for e in self.in_period(period, "away") if e["own"]]
        home = [e for e in missing if e["legal_status"] != "looked_after"]
        placed_in = {e["child_id"] for e in missing if not e["own"]}
        repeat = _repeat_children(missing)
        children = {e["child_id"] for e in missing}
        screened = sum(1 for c in repeat if self.screened.get(c, date.max) <= period.last)
        on_time, returns = self.rhi_on_time(period)
        partial = "*" if period.last >= self.today else " "
        return (
            f"{period.label + partial:<17}{len(looked_after):>8}"
            f"{len({e['child_id'] for e in looked_after}):>7}{len(away):>5}"
            f"{len({e['child_id'] for e in home}):>8}{len(home):>8}"
            f"{_share(len(repeat), len(children)):>15}{_share(on_time, returns):>20}"
            f"{_share(screened, len(repeat)):>15}{len(placed_in):>10}"
        )

    def rhi_on_time(self, period: Period) -> tuple[int, int]:
        """Returns in the period (missing episodes), and those with an interview within 72h."""
        returns = on_time = 0
        for episode in self.episodes:
            returned = episode["returned"]
            if episode["category"] != "missing" or returned is None:
                continue
            if not period.first <= returned.date() <= period.last:
                continue
            returns += 1
            on_time += any(
                i["outcome"] == "completed"
                and datetime.fromisoformat(i["completed_at"]) - returned <= RHI_DUE
                for i in self.interviews.get(episode["episode_id"], [])
            )
        return on_time, returns

    def now_lines(self) -> list[str]:
        open_now = [e for e in self.episodes if e["returned"] is None]
        due = overdue = 0
        for e in self.episodes:
            returned = e["returned"]
            if e["category"] != "missing" or returned is None:
                continue
            if self.now - returned > timedelta(days=30):
                continue
            if any(i["outcome"] == "completed" for i in self.interviews.get(e["episode_id"], [])):
                continue
            if self.now - returned <= RHI_DUE:
                due += 1
            elif e["episode_id"] not in self.interviews:
                overdue += 1
        placed_in = {c for c, row in self.children.items() if row["responsible_la"] != COUNCIL}
        return [
            f"Missing now (open episodes): {len(open_now)}",
            f"Interviews due now (returned in the last 72 hours, none completed): {due}",
            f"Interviews overdue (returned 72 hours to 30 days ago, nothing recorded): {overdue}",
            f"Children: {len(self.children)}, of whom placed in by other councils: "
            f"{len(placed_in)}; episodes: {len(self.episodes)}",
            "Columns: LAC = the council's own looked-after children (missing incidents, children),",
            "away = their away-from-placement incidents; home = children not looked after;",
            "repeat = children missing 2+ times / children missing; RHI <=72h = returns with an",
            "interview completed within 72 hours / returns; screened = repeat children with a CE",
            "screening on or before the period's end; * = period still running.",
            "Every child in this bundle is made up.",
        ]


def _repeat_children(episodes: list[dict]) -> list[str]:
    counts: dict[str, int] = {}
    for episode in episodes:
        counts[episode["child_id"]] = counts.get(episode["child_id"], 0) + 1
    return sorted(child for child, n in counts.items() if n >= 2)


def _share(part: int, whole: int) -> str:
    percent = f"{round(100 * part / whole)}%" if whole else "-"
    return f"{percent} ({part}/{whole})"
