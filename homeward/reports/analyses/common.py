"""What the analyses share: the period's missing episodes as plain rows, and suppression."""

from django.db.models import Case, F, Value, When

from homeward.core.clock import Period
from homeward.core.codes import Category
from homeward.reports.figures import NOT_KNOWN, age_at_last_seen, seen_in, share
from homeward.reports.publication import SUPPRESSED, is_few, to_hide
from homeward.reports.scope import Scope

__all__ = ["NOT_KNOWN", "SUPPRESSED", "is_few", "share"]


def missing_rows(scope: Scope, period: Period) -> list[dict]:
    """The period's missing episodes, one plain dict each, with what the analyses group by."""
    return list(
        scope.episodes()
        .filter(seen_in(period), category=Category.MISSING)
        .annotate(
            age=age_at_last_seen(),
            sex=F("child__sex"),
            ethnicity=F("child__ethnicity"),
            place=Case(
                When(missing_from="home", then=Value("home")),
                When(placement__isnull=False, then=F("placement__placement_type")),
                default=Value(NOT_KNOWN),
            ),
            locality_name=F("locality__name"),
            placed_in=Case(
                When(child__responsible_la=F("council"), then=Value(False)), default=Value(True)
            ),
        )
        .values(
            "pk",
            "child_id",
            "last_seen_at",
            "age",
            "sex",
            "ethnicity",
            "legal_status",
            "place",
            "locality_name",
            "placed_in",
        )
        .order_by("child_id", "last_seen_at", "pk")
    )


def grouped(rows: list[dict], key) -> dict[str, dict]:
    """Children and episodes per value of `key(row)`, largest first."""
    found: dict[str, dict] = {}
    for row in rows:
        group = found.setdefault(key(row) or NOT_KNOWN, {"children": set(), "episodes": 0})
        group["children"].add(row["child_id"])
        group["episodes"] += 1
    counted = {
        k: {"children": len(g["children"]), "episodes": g["episodes"]} for k, g in found.items()
    }
    return dict(sorted(counted.items(), key=lambda kv: (-kv[1]["episodes"], kv[0])))


def few(value):
    """A count of 1 to 4 as "c", as publication.py hides any count that could point to a child."""
    return SUPPRESSED if is_few(value) else value


def few_share(value: dict) -> dict:
    """A share whose count or base is 1 to 4, all "c"."""
    if is_few(value["n"]) or is_few(value["of"]):
        return dict.fromkeys(value, SUPPRESSED)
    return value


def few_groups(groups: dict) -> dict:
    """A table's groups of children and episodes with those about fewer than 5 children all
    "c", and the next smallest with a lone one (publication.to_hide)."""
    hide = to_hide(groups)
    return {key: dict.fromkeys(g, SUPPRESSED) if key in hide else g for key, g in groups.items()}


def few_counts(counts: dict) -> dict:
    """A flat {key: count}, every count of 1 to 4 as "c"."""
    return {key: few(n) for key, n in counts.items()}


def shown(value) -> str:
    """A figure as a sentence shows it: "c" as "fewer than 5"."""
    return "fewer than 5" if value == SUPPRESSED else str(value)


def pct(value) -> str:
    """A percentage as a sentence shows it."""
    if value == SUPPRESSED:
        return "a suppressed share"
    return f"{value}%" if value is not None else "no share (no base)"


def hidden(data, keep: tuple = ()):
    """Every figure in `data` (nested) as "c", but the keys in `keep`."""
    if isinstance(data, dict):
        return {k: v if k in keep else hidden(v) for k, v in data.items()}
    if isinstance(data, list):
        return [hidden(v) for v in data]
    return SUPPRESSED
