"""The report's figures for one period, counted in the database as domain.md says.

Each function is a handful of aggregate queries over the period's episodes, however many
there are: rows are grouped and counted in SQL, and only the counts come back.
"""

import datetime as dt

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import (
    Coalesce,
    ExtractDay,
    ExtractMonth,
    ExtractYear,
    RowNumber,
    TruncMonth,
)
from django.db.models.lookups import GreaterThan

from homeward.children.models import Placement
from homeward.core.clock import LONDON, Period
from homeward.core.codes import Category, InterviewOutcome, LegalStatus, PlacementType, Risk, Sex
from homeward.exploitation.models import Screening
from homeward.interviews.models import ReturnInterview
from homeward.interviews.rules import RHI_DUE_WITHIN
from homeward.reports.rounding import percentage
from homeward.reports.scope import Scope

NOTIFY_WITHIN = dt.timedelta(hours=24)
NOT_KNOWN = "not_known"
AGE_BANDS = ("0-9", "10-13", "14-16", "17", "18+")
PLACEMENT_KEYS = ("home", *PlacementType.values, NOT_KNOWN)
CATEGORIES = (Category.MISSING.value, Category.AWAY.value)
REPEAT_BANDS = (("2", 2, 2), ("3-4", 3, 4), ("5-9", 5, 9), ("10+", 10, None))


def share(n: int, of: int) -> dict:
    """A count out of a base, with its percentage to one decimal place (rounding.py)."""
    return {"n": n, "of": of, "pct": percentage(n, of)}


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
    """Children and episodes in each group, per category: one query for every grouping."""
    rows = _grouped_rows(scope, period)
    found = {name: {category: {} for category in CATEGORIES} for name in GROUPINGS}
    for name, category, key, children, episodes in rows:
        if name == "by_locality" and key is not None:
            key = int(key)
        found[name][category][key] = {"children": children, "episodes": episodes}
    groups = {category: {} for category in CATEGORIES}
    for name, (_, order) in GROUPINGS.items():
        for category in CATEGORIES:
            groups[category][name] = _in_order(found[name][category], order, scope)
    return groups


def _grouped_rows(scope: Scope, period: Period) -> list[tuple]:
    # The period's episodes with every grouping's key are worked out once (joining the child
    # and the placement once), then grouped six ways: as six queries, each grouping paid for
    # the scan and the joins again. Django has no WITH, so the ORM's SQL is wrapped in one.
    keys = {name: key() for name, (key, _) in GROUPINGS.items()}
    episodes = (
        scope.episodes()
        .filter(seen_in(period))
        .alias(age=age_at_last_seen())
        .annotate(**keys)
        .values("category", "child", *keys)
    )
    sql, params = episodes.query.sql_with_params()
    quote = connection.ops.quote_name
    # The only names put into the SQL are GROUPINGS' own keys; every value is a parameter.
    grouped = " UNION ALL ".join(
        f"SELECT '{name}', category, CAST({quote(name)} AS TEXT), COUNT(DISTINCT child), "  # nosec B608
        f"COUNT(*) FROM episodes GROUP BY category, {quote(name)}"
        for name in keys
    )
    with connection.cursor() as cursor:
        cursor.execute(f"WITH episodes AS ({sql}) {grouped}", params)
        return cursor.fetchall()


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


PERCENTILES = {"median": 0.5, "p90": 0.9}


def duration_hours(scope: Scope, period: Period, returned: dict[str, int]) -> dict[str, dict]:
    """Median and 90th percentile hours from last seen to return per category (`returned`:
    each category's returned episodes), as percentile_cont does: one query."""
    # Each percentile lies between two neighbouring durations in order: only those rows
    # (numbered within their category) come back.
    positions = {
        category: {name: fraction * (count - 1) for name, fraction in PERCENTILES.items()}
        for category, count in returned.items()
        if count
    }
    wanted = {int(p) + step for ps in positions.values() for p in ps.values() for step in (1, 2)}
    rows = (
        scope.episodes()
        .filter(seen_in(period), returned_at__isnull=False)
        .annotate(
            duration=F("returned_at") - F("last_seen_at"),
            number=Window(RowNumber(), partition_by="category", order_by="duration"),
        )
        .filter(number__in=sorted(wanted))
        .values_list("category", "number", "duration")
    )
    hours = {(category, number): d.total_seconds() / 3600 for category, number, d in rows}
    results = {}
    for category, count in returned.items():
        if not count:
            results[category] = {"median": None, "p90": None, "of": 0}
            continue
        at = positions[category]
        results[category] = {name: _between(hours, category, at[name]) for name in PERCENTILES}
        results[category]["of"] = count
    return results


def _between(hours: dict, category: str, position: float) -> float:
    below = int(position)
    low = hours[(category, below + 1)]
    high = hours.get((category, below + 2), low)
    return round(low + (high - low) * (position - below), 1)


# -- per child: totals, repeat children, screening, placed in and out ---------------------


def per_child_counts(scope: Scope, *periods: Period) -> list[dict]:
    """Each period's totals, repeat children (with screening and social-care status) and
    placed-in and placed-out episodes: one query for every period.

    The episodes are counted per child first (one pass over them), then the children
    counted from those counts: a child is missing in a period when they have an episode in
    it, a repeat child with two or more."""
    seen = Q()
    for period in periods:
        seen |= seen_in(period)
    per_child = scope.episodes().filter(seen).values("child").annotate(**_per_child(periods))
    counts = per_child.aggregate(**_from_children(periods))
    return [_period_counts(counts, i) for i in range(len(periods))]


def _per_child(periods: tuple[Period, ...]) -> dict:
    missing = is_category(Category.MISSING)
    placed_in = missing & ~Q(child__responsible_la=F("council"))
    # Our child placed out: their placement is in another council's area, or the host council
    # told us of the episode there (borders.EpisodeElsewhere) where no such placement is known.
    placed_out = missing & (
        (Q(placement__isnull=False) & ~Q(placement__host_la=F("council")))
        | Q(elsewhere__isnull=False)
    )
    told_in_time = Q(
        placing_la_notified_at__lte=Coalesce("reported_at", "last_seen_at") + NOTIFY_WITHIN
    )
    known = missing & ~Q(legal_status=LegalStatus.NONE)
    counts = {}
    for i, period in enumerate(periods):
        seen = seen_in(period)
        for category in CATEGORIES:
            of = seen & is_category(category)
            counts[f"c_{category}_{i}"] = Count("pk", filter=of)
            counts[f"c_{category}_returned_{i}"] = Count(
                "pk", filter=of & Q(returned_at__isnull=False)
            )
        counts |= {
            f"c_known_{i}": Count("pk", filter=seen & known),
            f"c_in_{i}": Count("pk", filter=seen & placed_in),
            f"c_in_told_{i}": Count("pk", filter=seen & placed_in & told_in_time),
            f"c_out_{i}": Count("pk", filter=seen & placed_out),
        }
    for i, period in enumerate(periods):
        # Asked only of repeat children: the others' screening is not reported.
        screened = Screening.objects.filter(child=OuterRef("child"), completed_on__lte=period.last)
        counts[f"c_screened_{i}"] = Case(
            When(**{f"c_missing_{i}__gte": 2}, then=Exists(screened)),
            default=Value(False),
            output_field=BooleanField(),
        )
    return counts


def _from_children(periods: tuple[Period, ...]) -> dict:
    figures = {}
    for i in range(len(periods)):
        repeat = Q(**{f"c_missing_{i}__gte": 2})
        for category in CATEGORIES:
            figures |= {
                f"{category}_episodes_{i}": Sum(f"c_{category}_{i}", default=0),
                f"{category}_children_{i}": Count(
                    "child", filter=Q(**{f"c_{category}_{i}__gte": 1})
                ),
                f"{category}_returned_{i}": Sum(f"c_{category}_returned_{i}", default=0),
                f"{category}_repeat_{i}": Count("child", filter=Q(**{f"c_{category}_{i}__gte": 2})),
            }
        figures |= {
            f"repeat_episodes_{i}": Sum(f"c_missing_{i}", filter=repeat, default=0),
            f"screened_{i}": Count("child", filter=repeat & Q(**{f"c_screened_{i}": True})),
            f"known_{i}": Count("child", filter=repeat & Q(**{f"c_known_{i}__gte": 1})),
            f"in_children_{i}": Count("child", filter=Q(**{f"c_in_{i}__gte": 1})),
            f"in_episodes_{i}": Sum(f"c_in_{i}", default=0),
            f"in_told_{i}": Sum(f"c_in_told_{i}", default=0),
            f"out_children_{i}": Count("child", filter=Q(**{f"c_out_{i}__gte": 1})),
            f"out_episodes_{i}": Sum(f"c_out_{i}", default=0),
        }
        for label, low, high in REPEAT_BANDS:
            n = f"c_missing_{i}"
            band = Q(**{f"{n}__gte": low}) if high is None else Q(**{f"{n}__range": (low, high)})
            figures[f"band_{label}_{i}"] = Count("child", filter=band)
    return figures


def _period_counts(counts: dict, i: int) -> dict:
    repeat = counts[f"missing_repeat_{i}"]
    in_episodes = counts[f"in_episodes_{i}"]
    return {
        "totals": {
            category: {
                "episodes": counts[f"{category}_episodes_{i}"],
                "children": counts[f"{category}_children_{i}"],
                "returned": counts[f"{category}_returned_{i}"],
            }
            for category in CATEGORIES
        },
        "repeat": {
            "missing": repeat,
            "away": counts[f"away_repeat_{i}"],
            "details": {
                "count": repeat,
                "episodes": counts[f"repeat_episodes_{i}"],
                "screened": share(counts[f"screened_{i}"], repeat),
                "known_to_csc": share(counts[f"known_{i}"], repeat),
                "by_episodes": {label: counts[f"band_{label}_{i}"] for label, _, _ in REPEAT_BANDS},
            },
        },
        "placed_in": {
            "children": counts[f"in_children_{i}"],
            "episodes": in_episodes,
            "notified_within_24h": share(counts[f"in_told_{i}"], in_episodes),
        },
        "placed_out": {
            "children": counts[f"out_children_{i}"],
            "episodes": counts[f"out_episodes_{i}"],
        },
    }


# -- the home page's table ---------------------------------------------------------------


def period_summaries(scope: Scope, *periods: Period) -> list[dict]:
    """The home page's figures for each period, from the report's own counts: two queries.

    Each is what the report for that period says: `missing.episodes`, `.children` and
    `.repeat_children`, `away.episodes`, `rhi.returns` and `rhi.completed_within_72h`."""
    if not periods:
        return []
    counted = per_child_counts(scope, *periods)
    interviews = rhi_figures(scope, *periods)
    return [
        {
            "period": period,
            "missing_episodes": counts["totals"][Category.MISSING]["episodes"],
            "children_missing": counts["totals"][Category.MISSING]["children"],
            "repeat_children": counts["repeat"][Category.MISSING],
            "away_episodes": counts["totals"][Category.AWAY]["episodes"],
            "returns": rhi["returns"],
            "rhi_completed_within_72h": rhi["completed_within_72h"],
        }
        for period, counts, rhi in zip(periods, counted, interviews, strict=True)
    ]


# -- return home interviews ---------------------------------------------------------------
#
# The returns are joined to their interviews (an outer join: most returns have none or one)
# and each figure counts the distinct returns with a matching interview, so no subquery runs
# once per return. Only "declined" asks which interview is the latest, and only for the
# declined ones.

OFFERED = [o for o in InterviewOutcome.values if o != InterviewOutcome.NOT_OFFERED]


def _due_by():
    return F("returned_at") + RHI_DUE_WITHIN


def _interview_in_use() -> Q:
    """A joined interview not entered in error (a join reads every row, whatever the manager)."""
    return Q(interviews__entered_in_error_at__isnull=True)


def completed_in_time() -> Q:
    """A return's interview completed at most 72 hours after the return (joined interviews)."""
    return _interview_in_use() & Q(
        interviews__outcome=InterviewOutcome.COMPLETED, interviews__completed_at__lte=_due_by()
    )


def _offered_in_time() -> Q:
    offered = Q(interviews__offered_at__lte=_due_by()) | Q(
        interviews__offered_at__isnull=True, interviews__completed_at__lte=_due_by()
    )
    return _interview_in_use() & Q(interviews__outcome__in=OFFERED) & offered


def _latest_declined() -> Q:
    latest_first = ReturnInterview.objects.filter(episode=OuterRef("pk")).order_by(
        Coalesce("completed_at", "offered_at").desc(nulls_last=True), "-pk"
    )
    return Q(interviews__outcome=InterviewOutcome.DECLINED) & Q(
        interviews__pk=Subquery(latest_first.values("pk")[:1])
    )


def _closed() -> Q:
    """A return a coordinator closed without an interview, with a reason, the closure not
    undone (joined closures: most returns have none)."""
    return Q(interview_closures__isnull=False, interview_closures__undone_at__isnull=True)


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
                returned & _interview_in_use() & Q(interviews__outcome=InterviewOutcome.COMPLETED)
            ),
            f"declined_{i}": _returns(returned & _latest_declined()),
            f"closed_{i}": _returns(returned & _closed()),
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
                "closed": share(counts[f"closed_{i}"], returns),
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
