"""What children say: the push and pull factors and exploitation indicators recorded on the
interviews completed after the period's returns (InterviewFactor codes, docs/bundle.md)."""

from homeward.core.clock import Period
from homeward.core.codes import InterviewFactor, InterviewOutcome
from homeward.interviews.models import ReturnInterview
from homeward.reports.analyses.common import SUPPRESSED, is_few, shown
from homeward.reports.figures import returns_in
from homeward.reports.scope import Scope

KINDS = {"push": "push_", "pull": "pull_", "indicator": "expl_"}
LABELS = dict(InterviewFactor.choices)


def count(scope: Scope, period: Period) -> dict:
    """Each factor's interviews and children, among the period's completed interviews."""
    interviews = ReturnInterview.objects.filter(
        episode__in=returns_in(scope, period).values("pk"),
        outcome=InterviewOutcome.COMPLETED,
    ).values_list("episode__child_id", "factors")
    completed = 0
    with_factors = 0
    found: dict[str, dict] = {}
    for child, factors in interviews:
        completed += 1
        codes = [c for c in factors.split(";") if c]
        with_factors += bool(codes)
        for code in codes:
            entry = found.setdefault(code, {"interviews": 0, "children": set()})
            entry["interviews"] += 1
            entry["children"].add(child)
    return {
        "interviews_completed": completed,
        "interviews_with_factors": with_factors,
        "factors": [
            {
                "code": code,
                "kind": next(k for k, prefix in KINDS.items() if code.startswith(prefix)),
                "label": str(LABELS[code]),
                "interviews": found[code]["interviews"],
                "children": len(found[code]["children"]),
            }
            for code in sorted(
                found, key=lambda c: (-len(found[c]["children"]), -found[c]["interviews"], c)
            )
        ],
    }


def suppress(data: dict) -> dict:
    """The publication version: a factor about fewer than 5 children shows "c"."""
    factors = [
        f | {"interviews": SUPPRESSED, "children": SUPPRESSED} if f["children"] < 5 else f
        for f in data["factors"]
    ]
    published = data | {"factors": factors}
    for key in ("interviews_completed", "interviews_with_factors"):
        if is_few(data[key]):
            published[key] = SUPPRESSED
    return published


def findings(data: dict) -> list[str]:
    """Sentences from the table's own figures."""
    if not data["interviews_with_factors"]:
        return ["No completed interview in the period records what the child said as codes."]
    sentences = [
        f"{shown(data['interviews_with_factors'])} of the {shown(data['interviews_completed'])} "
        "interviews completed after the period's returns record what the child said as codes."
    ]
    for kind, word in (
        ("push", "push factor"),
        ("pull", "pull factor"),
        ("indicator", "exploitation indicator"),
    ):
        top = [f for f in data["factors"] if f["kind"] == kind and f["children"] != SUPPRESSED]
        if top:
            first = top[0]
            sentences.append(
                f"The {word} recorded for the most children was "
                f"'{first['label'].split(': ', 1)[-1]}': {first['children']} children, "
                f"in {first['interviews']} interviews."
            )
    return sentences
