"""The report's figures for one period, counted in the database as domain.md says.

Each function is a handful of aggregate queries over the period's episodes, however many
there are: rows are grouped and counted in SQL, and only the counts come back.
"""

import datetime as dt

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractDay, ExtractMonth, ExtractYear, TruncMonth
from django.db.models.lookups import GreaterThan

from homeward.children.models import Placement
from homeward.core.codes import Category, InterviewOutcome, LegalStatus, PlacementType, Risk, Sex
from homeward.exploitation.models import Screening
from homeward.interviews.models import ReturnInterview
from homeward.reports.counting import LONDON, RHI_DUE_WITHIN, Period
from homeward.reports.scope import Scope

NOTIFY_WITHIN = dt.timedelta(hours=24)
NOT_KNOWN = "not_known"
AGE_BANDS = ("0-9", "10-13", "14-16", "17", "18+")
PLACEMENT_KEYS = ("home", *PlacementType.values, NOT_KNOWN)
CATEGORIES = (Category.MISSING.value, Category.AWAY.value)
REPEAT_BANDS = (("2", 2, 2), ("3-4", 3, 4), ("5-9", 5, 9), ("10+", 10, None))


def share(n: int, of: int) -> dict:
    """A count out of a base, with its percentage to one decimal place."""
    return {"n": n, "of": of, "pct": round(100 * n / of, 1) if of else None}


def per_10k(count: int, population: int | None) -> float | None:
    return round(10_000 * count / population, 1) if population else None


def seen_in(period: Period) -> Q:
    return Q(last_seen_at__gte=period.starts_at, last_seen_at__lt=period.ends_before)


def returned_in(period: Period) -> Q:
    return Q(returned_at__gte=period.starts_at, returned_at__lt=period.ends_before)


def is_category(category: str) -> Q:
    return Q(category=category)


# -- episodes: totals, groups, durations --------------------------------------------------


def episode_totals(scope: Scope, period: Period) -> dict[str, dict]:
    """Episodes, children and returned episodes in the period, per category: one query."""
    figures = {}
    for category in CATEGORIES:
        of = is_category(category)
        figures[f"{category}_episodes"] = Count("pk", filter=of)
        figures[f"{category}_children"] = Count("child", filter=of, distinct=True)
        figures[f"{category}_returned"] = Count("pk", filter=of & Q(returned_at__isnull=False))
    counts = scope.episodes().filter(seen_in(period)).aggregate(**figures)
    return {
        category: {
            "episodes": counts[f"{category}_episodes"],
            "children": counts[f"{category}_children"],
            "returned": counts[f"{category}_returned"],
        }
        for category in CATEGORIES
    }


def open_at_end(scope: Scope, period: Period) -> dict[str, int]:
    """Episodes still open when the period ended, wherever they began, per category."""
    still_out = Q(last_seen_at__lt=period.ends_before) & (
        Q(returned_at__isnull=True) | Q(returned_at__gte=period.ends_before)
    )
    counts = (
        scope.episodes()
        .filter(still_out)
        .aggregate(**{c: Count("pk", filter=is_category(c)) for c in CATEGORIES})
    )
    return {category: counts[category] for category in CATEGORIES}


def age_at_last_seen():
    """Whole years from the child's birth to the Europe/London date they were last seen."""
    seen_day = ExtractMonth("last_seen_at", tzinfo=LONDON) * 100 + ExtractDay(
        "last_seen_at", tzinfo=LONDON
    )
    birthday = ExtractMonth("child__date_of_birth") * 100 + ExtractDay("child__date_of_birth")
    before_birthday = Case(When(GreaterThan(birthday, seen_day), then=1), default=0)
    return (
        ExtractYear("last_seen_at", tzinfo=LONDON)
        - ExtractYear("child__date_of_birth")
        - before_birthday
    )


def _age_band():
    return Case(
        When(age__lt=10, then=Value("0-9")),
        When(age__lt=14, then=Value("10-13")),
        When(age__lt=17, then=Value("14-16")),
        When(age=17, then=Value("17")),
        default=Value("18+"),
    )


GROUPINGS = {
    "by_sex": (lambda: F("child__sex"), Sex.values),
    "by_age_band": (_age_band, AGE_BANDS),
    "by_legal_status": (lambda: F("legal_status"), LegalStatus.values),
    "by_placement_type": (
        lambda: Case(
            When(missing_from="home", then=Value("home")),
            When(placement__isnull=False, then=F("placement__placement_type")),
            default=Value(NOT_KNOWN),
        ),
        PLACEMENT_KEYS,
    ),
    "by_risk": (
        lambda: Case(When(risk="", then=Value(NOT_KNOWN)), default=F("risk")),
        (*Risk.values, NOT_KNOWN),
    ),
    "by_locality": (lambda: F("locality"), None),
}


def episode_groups(scope: Scope, period: Period) -> dict[str, dict[str, dict]]:
    """Children and episodes in each group, per category: one grouped query per grouping."""
    groups = {category: {} for category in CATEGORIES}
    for name, (key, order) in GROUPINGS.items():
        rows = (
            scope.episodes()
            .filter(seen_in(period))
            .alias(age=age_at_last_seen())
            .annotate(key=key())
            .values("category", "key")
            .annotate(children=Count("child", distinct=True), episodes=Count("pk"))
        )
        found = {category: {} for category in CATEGORIES}
        for row in rows:
            found[row["category"]][row["key"]] = {
                "children": row["children"],
                "episodes": row["episodes"],
            }
        for category in CATEGORIES:
            groups[category][name] = _in_order(found[category], order, scope)
    return groups


def episode_groups_by_locality(scope: Scope, period: Period, category: str) -> dict:
    """Children and episodes of one category per locality id (None: no locality): one query."""
    rows = (
        scope.episodes()
        .filter(seen_in(period), is_category(category))
        .values("locality")
        .annotate(children=Count("child", distinct=True), episodes=Count("pk"))
    )
    return {
        row["locality"]: {"children": row["children"], "episodes": row["episodes"]} for row in rows
    }


def _in_order(found: dict, order, scope: Scope) -> dict:
    if order is not None:
        return {key: found[key] for key in order if key in found}
    # Localities: recorded ones by name, then episodes with no locality.
    labelled = {}
    for place in scope.places:
        if place.id in found:
            labelled[scope.place_label(place)] = found[place.id]
    if None in found:
        labelled[NOT_KNOWN] = found[None]
    return labelled


def duration_hours(scope: Scope, period: Period, category: str, returned: int) -> dict:
    """Median and 90th percentile hours from last seen to return, as percentile_cont does."""
    if not returned:
        return {"median": None, "p90": None, "of": 0}
    durations = (
        scope.episodes()
        .filter(seen_in(period), is_category(category), returned_at__isnull=False)
        .annotate(duration=F("returned_at") - F("last_seen_at"))
        .order_by("duration")
        .values_list("duration", flat=True)
    )
    return {
        "median": _percentile(durations, returned, 0.5),
        "p90": _percentile(durations, returned, 0.9),
        "of": returned,
    }


def _percentile(ordered, count: int, fraction: float) -> float:
    # Only the one or two values either side of the position are fetched.
    position = fraction * (count - 1)
    below = int(position)
    pair = [d.total_seconds() / 3600 for d in ordered[below : below + 2]]
    above = pair[1] if len(pair) > 1 else pair[0]
    return round(pair[0] + (above - pair[0]) * (position - below), 1)


# -- repeat children, screening, placed in and out ----------------------------------------


def repeat_children(scope: Scope, period: Period) -> dict:
    """Repeat children per category, and the missing ones' screening and social-care status."""
    missing = is_category(Category.MISSING)
    screened = Screening.objects.filter(child=OuterRef("child"), completed_on__lte=period.last)
    per_child = (
        scope.episodes()
        .filter(seen_in(period))
        .values("child")
        .annotate(
            missing_n=Count("pk", filter=missing),
            away_n=Count("pk", filter=is_category(Category.AWAY)),
            known=Max(
                Case(
                    When(missing & ~Q(legal_status=LegalStatus.NONE), then=1),
                    default=0,
                    output_field=IntegerField(),
                )
            ),
            screened=Exists(screened),
        )
    )
    repeat = Q(missing_n__gte=2)
    figures = {
        "missing_repeat": Count("child", filter=repeat),
        "away_repeat": Count("child", filter=Q(away_n__gte=2)),
        "repeat_episodes": Sum("missing_n", filter=repeat),
        "screened_n": Count("child", filter=repeat & Q(screened=True)),
        "known_n": Count("child", filter=repeat & Q(known=1)),
    }
    for label, low, high in REPEAT_BANDS:
        band = Q(missing_n__gte=low) if high is None else Q(missing_n__range=(low, high))
        figures[f"band_{label}"] = Count("child", filter=band)
    counts = per_child.aggregate(**figures)
    count = counts["missing_repeat"]
    return {
        "missing": count,
        "away": counts["away_repeat"],
        "details": {
            "count": count,
            "episodes": counts["repeat_episodes"] or 0,
            "screened": share(counts["screened_n"], count),
            "known_to_csc": share(counts["known_n"], count),
            "by_episodes": {label: counts[f"band_{label}"] for label, _, _ in REPEAT_BANDS},
        },
    }


def placed_in_and_out(scope: Scope, period: Period) -> tuple[dict, dict]:
    """Placed-in children's episodes and their notification; placed-out children's episodes."""
    placed_in = ~Q(child__responsible_la=F("council"))
    placed_out = Q(placement__isnull=False) & ~Q(placement__host_la=F("council"))
    told_in_time = Q(
        placing_la_notified_at__lte=Coalesce("reported_at", "last_seen_at") + NOTIFY_WITHIN
    )
    counts = (
        scope.episodes()
        .filter(seen_in(period), is_category(Category.MISSING))
        .aggregate(
            in_children=Count("child", filter=placed_in, distinct=True),
            in_episodes=Count("pk", filter=placed_in),
            in_told=Count("pk", filter=placed_in & told_in_time),
            out_children=Count("child", filter=placed_out, distinct=True),
            out_episodes=Count("pk", filter=placed_out),
        )
    )
    return (
        {
            "children": counts["in_children"],
            "episodes": counts["in_episodes"],
            "notified_within_24h": share(counts["in_told"], counts["in_episodes"]),
        },
        {"children": counts["out_children"], "episodes": counts["out_episodes"]},
    )


# -- return home interviews ---------------------------------------------------------------
#
# The returns are joined to their interviews (an outer join: most returns have none or one)
# and each figure counts the distinct returns with a matching interview, so no subquery runs
# once per return. Only "declined" asks which interview is the latest, and only for the
# declined ones.

OFFERED = [o for o in InterviewOutcome.values if o != InterviewOutcome.NOT_OFFERED]


def _due_by():
    return F("returned_at") + RHI_DUE_WITHIN


def completed_in_time() -> Q:
    """A return's interview completed at most 72 hours after the return (joined interviews)."""
    return Q(
        interviews__outcome=InterviewOutcome.COMPLETED, interviews__completed_at__lte=_due_by()
    )


def _offered_in_time() -> Q:
    offered = Q(interviews__offered_at__lte=_due_by()) | Q(
        interviews__offered_at__isnull=True, interviews__completed_at__lte=_due_by()
    )
    return Q(interviews__outcome__in=OFFERED) & offered


def _latest_declined() -> Q:
    latest_first = ReturnInterview.objects.filter(episode=OuterRef("pk")).order_by(
        Coalesce("completed_at", "offered_at").desc(nulls_last=True), "-pk"
    )
    return Q(interviews__outcome=InterviewOutcome.DECLINED) & Q(
        interviews__pk=Subquery(latest_first.values("pk")[:1])
    )


def returns_in(scope: Scope, *periods: Period):
    """The periods' returns: missing episodes whose return falls in one, whenever they began."""
    returned = Q()
    for period in periods:
        returned |= returned_in(period)
    return scope.episodes().filter(returned, is_category(Category.MISSING))


def _returns(filter: Q | None = None) -> Count:
    return Count("pk", distinct=True, filter=filter)


def rhi_figures(scope: Scope, *periods: Period) -> list[dict]:
    """Return home interview figures, each among the returns in each period: one query."""
    figures = {}
    for i, period in enumerate(periods):
        returned = returned_in(period)
        figures |= {
            f"returns_{i}": _returns(returned),
            f"offered_{i}": _returns(returned & _offered_in_time()),
            f"in_time_{i}": _returns(returned & completed_in_time()),
            f"completed_{i}": _returns(
                returned & Q(interviews__outcome=InterviewOutcome.COMPLETED)
            ),
            f"declined_{i}": _returns(returned & _latest_declined()),
        }
    counts = returns_in(scope, *periods).aggregate(**figures)
    results = []
    for i in range(len(periods)):
        returns = counts[f"returns_{i}"]
        results.append(
            {
                "returns": returns,
                "offered_within_72h": share(counts[f"offered_{i}"], returns),
                "completed_within_72h": share(counts[f"in_time_{i}"], returns),
                "completed": share(counts[f"completed_{i}"], returns),
                "declined": share(counts[f"declined_{i}"], returns),
            }
        )
    return results


def rhi_by_month(scope: Scope, period: Period) -> dict[str, tuple[int, int]]:
    """Returns and interviews completed within 72 hours per "YYYY-MM": one grouped query."""
    rows = (
        returns_in(scope, period)
        .annotate(month=TruncMonth("returned_at", tzinfo=LONDON))
        .values("month")
        .annotate(returns=_returns(), in_time=_returns(completed_in_time()))
    )
    return {
        row["month"].astimezone(LONDON).strftime("%Y-%m"): (row["in_time"], row["returns"])
        for row in rows
    }


# -- children's homes ---------------------------------------------------------------------


def _home_key(prefix: str = ""):
    urn, name = F(f"{prefix}provider_urn"), F(f"{prefix}provider_name")
    return Case(When(**{f"{prefix}provider_urn": ""}, then=name), default=urn)


def childrens_homes(scope: Scope, period: Period) -> list[dict]:
    """Per children's home: children placed there in the period and missing episodes from it."""
    placements = Placement.objects.order_by().filter(
        placement_type=PlacementType.CHILDRENS_HOME, start_date__lte=period.last
    )
    placements = placements.filter(Q(end_date__isnull=True) | Q(end_date__gte=period.first))
    if scope.council is not None:
        placements = placements.filter(council=scope.council)
    children = (
        placements.annotate(key=_home_key())
        .values("key")
        .annotate(
            children=Count("child", distinct=True),
            name=Max("provider_name"),
            urn=Max("provider_urn"),
        )
    )
    episodes = (
        scope.whole()
        .episodes()
        .filter(
            seen_in(period),
            is_category(Category.MISSING),
            placement__placement_type=PlacementType.CHILDRENS_HOME,
        )
        .annotate(key=_home_key("placement__"))
        .values("key")
        .annotate(episodes=Count("pk"))
    )
    episode_counts = {row["key"]: row["episodes"] for row in episodes}
    return [
        {
            "name": row["name"] or row["urn"] or NOT_KNOWN,
            "urn": row["urn"] or None,
            "children": row["children"],
            "episodes": episode_counts.get(row["key"], 0),
        }
        for row in sorted(children, key=lambda r: (r["name"] or "", r["key"] or ""))
    ]
