"""Numbers, dates and phrases as an officer writes them, and the labels of the groups.

A suppressed figure ("c") stays "c"; `known` says whether a value can be quoted in a
sentence.
"""

import datetime as dt

from homeward.reports.rounding import whole_percent

SUPPRESSED = "c"
NUMBER_WORDS = [
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
]

SEX = {"male": "Boys", "female": "Girls", "other": "Other", "unknown": "Not known"}
AGE = {"0-9": "0 to 9", "10-13": "10 to 13", "14-16": "14 to 16", "17": "17", "18+": "18 or over"}
LEGAL_STATUS = {
    "looked_after": "Looked after",
    "child_protection": "Child protection plan",
    "child_in_need": "Child in need",
    "early_help": "Early help",
    "none": "Not open to children's social care",
}
PLACEMENT = {
    "home": "Missing from home",
    "foster": "Foster care",
    "childrens_home": "Children's home",
    "semi_independent": "Semi-independent",
    "with_parents": "Placed with parents",
    "kinship": "Kinship care",
    "secure": "Secure",
    "other": "Other placement",
    "not_known": "Not known",
}
RISK = {
    "high": "High",
    "medium": "Medium",
    "low": "Low",
    "no_apparent_risk": "No apparent risk",
    "not_known": "Not graded",
}
SEVERITY_ORDER = {"high": 0, "medium": 1, "info": 2}


# --- numbers as an officer writes them ------------------------------------------------


def suppressed(value) -> bool:
    return value == SUPPRESSED


def number(value) -> str:
    """1,028; 'c' stays 'c'; a missing value is a dash."""
    if value is None:
        return "–"
    if suppressed(value):
        return SUPPRESSED
    if isinstance(value, float):
        return f"{value:,.1f}"
    return f"{value:,}"


def decimal(value, places: int = 1) -> str:
    if value is None:
        return "–"
    if suppressed(value):
        return SUPPRESSED
    return f"{value:,.{places}f}"


def percent(value) -> str:
    if value is None:
        return "–"
    if suppressed(value):
        return SUPPRESSED
    return whole_percent(value)


def share(value: dict | None) -> str:
    """'64% (641 of 1,001)': every percentage with its numerator and denominator."""
    if not value:
        return "–"
    if suppressed(value):
        return SUPPRESSED
    n, of, pct = value.get("n"), value.get("of"), value.get("pct")
    if SUPPRESSED in (n, of, pct):
        return SUPPRESSED
    if not of:
        return "none of 0"
    return f"{percent(pct)} ({number(n)} of {number(of)})"


def known(*values) -> bool:
    """True when every value can be quoted in the text."""
    return all(v is not None and not suppressed(v) for v in values)


def plural(count, one: str, many: str) -> str:
    return one if count == 1 else many


def words(count: int) -> str:
    """Counts up to twelve in words, as in running text."""
    return NUMBER_WORDS[count - 1] if 1 <= count <= 12 else f"{count:,}"


def long_date(iso: str) -> str:
    day = dt.date.fromisoformat(iso)
    return f"{day.day} {day:%B %Y}"


def month_label(iso_month: str) -> str:
    return dt.date.fromisoformat(f"{iso_month}-01").strftime("%b %Y")


def whole_months(first: dt.date, last: dt.date) -> int | None:
    """How many calendar months the period covers exactly, or None if it is not whole months."""
    if first.day != 1 or (last + dt.timedelta(days=1)).day != 1:
        return None
    return (last.year - first.year) * 12 + last.month - first.month + 1


def period_phrase(period: dict) -> str:
    """'the six months to 30 June 2020', or '3 February to 30 June 2020'."""
    first, last = dt.date.fromisoformat(period["from"]), dt.date.fromisoformat(period["to"])
    months = whole_months(first, last)
    if months == 1:
        return f"{last:%B} {last.year}"
    if months:
        return f"the {words(months)} months to {long_date(period['to'])}"
    return f"the period from {long_date(period['from'])} to {long_date(period['to'])}"


def earlier_phrase(previous: dict | None) -> str:
    if not previous:
        return "the same period a year earlier"
    first, last = previous["period"]["from"][:4], previous["period"]["to"][:4]
    return f"the same period of {first}" if first == last else "the same period a year earlier"


def change_clause(previous: dict | None, key: str, noun: str) -> str:
    """', 9% more episodes than in the same period of 2019 (943)', or ''."""
    if not previous:
        return ""
    before = previous.get("figures", {}).get(key)
    pct = previous.get("change_pct", {}).get(key)
    if not known(before, pct):
        return ""
    against = f"{earlier_phrase(previous)} ({number(before)})"
    if whole_percent(abs(pct)) == "0%":
        return f", about the same number of {noun} as in {against}"
    more = "more" if pct > 0 else "fewer"
    return f", {whole_percent(abs(pct))} {more} {noun} than in {against}"


def listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
