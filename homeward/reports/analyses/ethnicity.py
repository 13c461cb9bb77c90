"""Children missing by ethnic group (DfE's major groups), against the population aged 0-17.

Homeward holds no population by ethnic group (neither /work/shared/data/dfe nor the
benchmarks carry one), so each group's share of the children missing is shown beside
`population_share: null` and the note below says so; a council can compare it with the
census by hand until a population by ethnicity is imported.
"""

from homeward.core.clock import Period
from homeward.reports.analyses.common import few_groups, grouped, missing_rows, pct
from homeward.reports.publication import SUPPRESSED
from homeward.reports.rounding import percentage
from homeward.reports.scope import Scope

# The first letter of a DfE ethnicity code names its major group; CHNE is Asian since 2021.
GROUPS = {
    "W": "white",
    "M": "mixed",
    "A": "asian",
    "C": "asian",
    "B": "black",
    "O": "other",
}
NOT_KNOWN_CODES = ("REFU", "NOBT", "")
NOT_KNOWN = "not_known"
ORDER = ("white", "mixed", "asian", "black", "other", NOT_KNOWN)
NAMES = {
    "white": "White",
    "mixed": "Mixed or multiple ethnic groups",
    "asian": "Asian or Asian British",
    "black": "Black, African, Caribbean or Black British",
    "other": "another ethnic group",
    NOT_KNOWN: "no ethnicity known (or refused)",
}
NO_POPULATION = (
    "Homeward holds no population aged 0-17 by ethnic group, so these shares of the children "
    "missing are not compared with the council's population."
)


def major_group(code: str) -> str:
    """DfE's major ethnic group of a code; refused, not obtained or blank are not known."""
    if code in NOT_KNOWN_CODES:
        return NOT_KNOWN
    return GROUPS.get(code[:1], NOT_KNOWN)


def count(scope: Scope, period: Period) -> dict:
    """Children missing and their episodes per major ethnic group, with their share."""
    rows = missing_rows(scope, period)
    found = grouped(rows, lambda r: major_group(r["ethnicity"] or ""))
    children = len({r["child_id"] for r in rows})
    return {
        "children": children,
        "groups": {
            name: found[name]
            | {"share_pct": percentage(found[name]["children"], children), "population_share": None}
            for name in ORDER
            if name in found
        },
        "population_note": NO_POPULATION,
    }


def suppress(data: dict) -> dict:
    """The publication version: groups of fewer than 5 children (and the next smallest)."""
    return data | {"groups": few_groups(data["groups"])}


def findings(data: dict) -> list[str]:
    """Sentences from the table's own figures."""
    shown = {k: g for k, g in data["groups"].items() if g["children"] != SUPPRESSED}
    if not data["children"]:
        return []
    sentences = [
        f"{g['children']} of the {data['children']} children missing were recorded as "
        f"{NAMES[name]} ({pct(g['share_pct'])})."
        for name, g in shown.items()
    ]
    return [*sentences, NO_POPULATION]
