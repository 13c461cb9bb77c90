"""Children missing by ethnic group (DfE's major groups), against the population aged 0-17.

No file Homeward ships holds a council's population by ethnic group: an administrator loads
it (`homeward load-population-by-ethnicity`, homeward/benchmarks/ethnicity.py), and each
group's share of the children missing is shown beside its share of that population
(`population_share`). Until it is loaded, `population_share` is null and the note and the
findings say so. England's looked-after children who went missing from placement, by
ethnic group (DfE), are shown beside them as a comparator (`england`).
"""

from homeward.benchmarks.ethnicity import council_population, england_missing
from homeward.core.clock import Period
from homeward.reports.analyses.common import few_groups, grouped, missing_rows, pct, share
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
    "Homeward holds no population aged 0-17 by ethnic group for this council (its data "
    "officer loads it on the Reports page, Population by ethnic group), so these shares of "
    "the children missing are not compared with the council's population."
)
LOCALITY_POPULATION = (
    "The population aged 0-17 by ethnic group is held for the whole council, not for a "
    "locality, so this locality's shares of the children missing are not compared with it."
)
ENGLAND_NOTE = (
    "England's figures are of looked-after children who went missing from their placement "
    "in the year ending 31 March {year} (DfE), not of every child who went missing: a "
    "comparison of shapes, not a target."
)


def major_group(code: str) -> str:
    """DfE's major ethnic group of a code; refused, not obtained or blank are not known."""
    if code in NOT_KNOWN_CODES:
        return NOT_KNOWN
    return GROUPS.get(code[:1], NOT_KNOWN)


def count(scope: Scope, period: Period) -> dict:
    """Children missing and their episodes per major ethnic group, with their share, the
    group's share of the council's population aged 0-17 (when loaded) and of England's
    looked-after children who went missing."""
    rows = missing_rows(scope, period)
    found = grouped(rows, lambda r: major_group(r["ethnicity"] or ""))
    children = len({r["child_id"] for r in rows})
    population = None
    if scope.council is not None and scope.locality is None:
        population = council_population(scope.council.code)
    england = england_missing(period.last)
    groups = {}
    for name in ORDER:
        if name not in found and (name == NOT_KNOWN or population is None):
            continue
        counted = found.get(name, {"children": 0, "episodes": 0})
        groups[name] = counted | {
            "share_pct": percentage(counted["children"], children),
            "population_share": _population_share(population, name),
            "england_share": _england_share(england, name),
        }
    note = NO_POPULATION if population is None else None
    if scope.locality is not None:
        note = LOCALITY_POPULATION
    return {
        "children": children,
        "groups": groups,
        "population_note": note,
        "population_source": population["source"] if population else None,
        "england": (
            {
                "year_ending": england["year_ending"],
                "children": england["total"],
                "shares": {name: _england_share(england, name) for name in ORDER},
                "note": ENGLAND_NOTE.format(year=england["year_ending"]),
                "source": england["source"],
            }
            if england
            else None
        ),
    }


def _population_share(population: dict | None, name: str) -> dict | None:
    if population is None or name == NOT_KNOWN:
        return None
    return share(population["groups"].get(name, 0), population["total"])


def _england_share(england: dict | None, name: str) -> dict | None:
    if england is None or england["groups"].get(name) is None or not england["total"]:
        return None
    return share(england["groups"][name], england["total"])


# Figures about the population or England, not about the children counted: never hidden.
KEPT = ("population_share", "england_share")


def suppress(data: dict) -> dict:
    """The publication version: groups of fewer than 5 children (and the next smallest)."""
    hidden = few_groups(
        {
            k: {"children": g["children"], "episodes": g["episodes"], "share_pct": g["share_pct"]}
            for k, g in data["groups"].items()
        }
    )
    return data | {
        "groups": {
            k: hidden[k] | {kept: g[kept] for kept in KEPT} for k, g in data["groups"].items()
        }
    }


def findings(data: dict) -> list[str]:
    """Sentences from the table's own figures."""
    shown = {k: g for k, g in data["groups"].items() if g["children"] not in (SUPPRESSED, 0)}
    if not data["children"]:
        return []
    sentences = []
    for name, g in shown.items():
        sentence = (
            f"{g['children']} of the {data['children']} children missing were recorded as "
            f"{NAMES[name]} ({pct(g['share_pct'])})"
        )
        population = g.get("population_share")
        if population:
            sentence += (
                f", against {pct(population['pct'])} of the council's population aged 0 to 17"
            )
        sentences.append(sentence + ".")
    england = data.get("england")
    if england:
        shares = [
            f"{pct(found['pct'])} {NAMES[name]}"
            for name, found in england["shares"].items()
            if found is not None
        ]
        if shares:
            sentences.append(
                f"Of England's {england['children']:,} looked-after children who went missing "
                f"from placement in the year ending 31 March {england['year_ending']}, "
                + ", ".join(shares)
                + " (DfE)."
            )
    if data.get("population_note"):
        sentences.append(data["population_note"])
    elif data.get("population_source"):
        sentences.append(
            f"The population aged 0 to 17 by ethnic group: {data['population_source']}."
        )
    return sentences
