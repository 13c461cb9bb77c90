"""A made-up report dict in the shape docs/report-json.md describes, for the document tests.

Every figure is invented; it is shaped like the demo county's first half of 2020.
"""

import copy


def _group(children, episodes):
    return {"children": children, "episodes": episodes}


def _share(n, of):
    return {"n": n, "of": of, "pct": round(100 * n / of, 1) if of else None}


def _months():
    months = []
    completed = [29, 31, 27, 30, 33, 28, 30, 32, 29, 31, 30, 27]
    completed += [31, 29, 33, 30, 28, 26, 18, 20, 22, 24, 27, 29]
    for i, n in enumerate(completed):
        year, month = divmod(2018 * 12 + 6 + i, 12)
        returns = 44 if i % 3 else 46
        months.append(
            {
                "month": f"{year}-{month + 1:02d}",
                "returns": returns,
                "completed_within_72h": _share(n, returns),
                "lower": 45.6,
                "upper": 88.9,
            }
        )
    return months


def sample_report(*, publication: bool = False) -> dict:
    """A made-up report; with `publication`, small groups replaced by "c" as the engine does."""
    missing = {
        "episodes": 1028,
        "children": 412,
        "episodes_per_child": 2.5,
        "repeat_children": 153,
        "rate_per_10k_children": 26.6,
        "rate_per_10k_episodes": 66.3,
        "by_sex": {"male": _group(236, 601), "female": _group(173, 424), "other": _group(3, 3)},
        "by_age_band": {
            "0-9": _group(14, 22),
            "10-13": _group(96, 221),
            "14-16": _group(247, 622),
            "17": _group(71, 163),
        },
        "by_locality": {
            "Oxford": _group(92, 231),
            "Cherwell and West": _group(187, 512),
            "South and Vale": _group(118, 262),
            "not_known": _group(17, 23),
        },
        "by_legal_status": {
            "looked_after": _group(71, 265),
            "child_protection": _group(38, 97),
            "child_in_need": _group(64, 151),
            "early_help": _group(52, 118),
            "none": _group(201, 397),
        },
        "by_placement_type": {
            "home": _group(341, 763),
            "foster": _group(31, 72),
            "childrens_home": _group(24, 164),
            "semi_independent": _group(11, 26),
            "secure": _group(2, 3),
        },
        "by_risk": {
            "high": _group(29, 41),
            "medium": _group(268, 588),
            "low": _group(197, 377),
            "no_apparent_risk": _group(4, 22),
        },
        "duration_hours": {"median": 9.2, "p90": 41.5, "of": 1021},
        "open_at_end": 7,
    }
    away = {
        "episodes": 23,
        "children": 11,
        "episodes_per_child": 2.09,
        "repeat_children": 4,
        "rate_per_10k_children": 0.7,
        "rate_per_10k_episodes": 1.5,
        "by_sex": {"male": _group(7, 15), "female": _group(4, 8)},
        "by_age_band": {"14-16": _group(8, 18), "17": _group(3, 5)},
        "by_locality": {"Cherwell and West": _group(9, 20), "Oxford": _group(2, 3)},
        "by_legal_status": {"looked_after": _group(11, 23)},
        "by_placement_type": {"childrens_home": _group(8, 19), "foster": _group(3, 4)},
        "by_risk": {"low": _group(6, 12), "medium": _group(5, 11)},
        "duration_hours": {"median": 4.1, "p90": 11.0, "of": 23},
        "open_at_end": 0,
    }
    localities = [
        ("Oxford", 33400, 92, 27.5, 20.3, 33.1, 18.5, 34.9, "within", "within"),
        ("Cherwell and West", 58900, 187, 31.7, 22.4, 30.9, 21.1, 32.2, "within", "above"),
        ("South and Vale", 62700, 118, 18.8, 22.6, 30.7, 21.3, 32.0, "below", "below"),
    ]
    homes = [
        ("Made-up Lodge", "SC900001", 6, 61, 10.17, "above"),
        ("Invented House", "SC900002", 5, 17, 3.4, "within"),
        ("Sample View", "SC900003", 7, 21, 3.0, "within"),
        ("Example Court", "SC900004", 4, 9, 2.25, "within"),
        ("Pretend Cottage", "SC900005", 2, 3, 1.5, "within"),
    ]
    months = _months()
    report = {
        "schema": "homeward-report/1",
        "meta": {
            "council": {"code": "931", "name": "Oxfordshire"},
            "period": {
                "from": "2020-01-01",
                "to": "2020-06-30",
                "label": "1 January to 30 June 2020",
            },
            "locality": None,
            "population_0_17": 155000,
            "generated_at": "2020-07-15T09:00:00+00:00",
            "publication": publication,
            "demo": True,
            "demo_notice": "Demonstration data: every child in this report is made up.",
            "rhi_target_pct": 80,
            "notification_target_pct": 90,
        },
        "missing": missing,
        "away": away,
        "rhi": {
            "returns": 1001,
            "offered_within_72h": _share(781, 1001),
            "completed_within_72h": _share(641, 1001),
            "completed": _share(802, 1001),
            "declined": _share(88, 1001),
            "closed": _share(12, 1001),
        },
        "ce_screening": {"repeat_children": 153, "screened": _share(140, 153)},
        "repeat_children": {
            "count": 153,
            "episodes": 769,
            "screened": _share(140, 153),
            "known_to_csc": _share(109, 153),
            "by_episodes": {"2": 61, "3-4": 49, "5-9": 31, "10+": 12},
        },
        "placed_in": {"children": 14, "episodes": 52, "notified_within_24h": _share(41, 52)},
        "placed_out": {"children": 3, "episodes": 9},
        "rates_by_locality": {
            name: {
                "population_0_17": size,
                "children": count,
                "episodes": missing["by_locality"][name]["episodes"],
                "rate_per_10k_children": value,
                "rate_per_10k_episodes": round(
                    10000 * missing["by_locality"][name]["episodes"] / size, 1
                ),
            }
            for name, size, count, value, *_ in localities
        },
        "funnel": {
            "localities": {
                "measure": "children missing per 10,000 aged 0-17",
                "centre": 25.6,
                "method": "binomial",
                "points": [
                    {
                        "name": name,
                        "size": size,
                        "count": count,
                        "value": value,
                        "lower_95": l95,
                        "upper_95": u95,
                        "lower_998": l998,
                        "upper_998": u998,
                        "flag": flag,
                        "flag_95": flag95,
                    }
                    for name, size, count, value, l95, u95, l998, u998, flag, flag95 in localities
                ],
                "curve": [
                    {
                        "size": size,
                        "lower_95": 25.6 - 1.96 * (25.6 / size * 10000) ** 0.5,
                        "upper_95": 25.6 + 1.96 * (25.6 / size * 10000) ** 0.5,
                        "lower_998": 25.6 - 3.09 * (25.6 / size * 10000) ** 0.5,
                        "upper_998": 25.6 + 3.09 * (25.6 / size * 10000) ** 0.5,
                    }
                    for size in range(30000, 66000, 1000)
                ],
            },
            "childrens_homes": {
                "measure": "missing episodes per child placed",
                "centre": 4.21,
                "method": "poisson",
                "points": [
                    {
                        "name": name,
                        "urn": urn,
                        "size": size,
                        "count": count,
                        "value": value,
                        "lower_95": max(0, 4.21 - 1.96 * (4.21 / size) ** 0.5),
                        "upper_95": 4.21 + 1.96 * (4.21 / size) ** 0.5,
                        "lower_998": max(0, 4.21 - 3.09 * (4.21 / size) ** 0.5),
                        "upper_998": 4.21 + 3.09 * (4.21 / size) ** 0.5,
                        "flag": flag,
                        "flag_95": flag,
                    }
                    for name, urn, size, count, value, flag in homes
                ],
                "curve": [
                    {
                        "size": size,
                        "lower_95": max(0, 4.21 - 1.96 * (4.21 / size) ** 0.5),
                        "upper_95": 4.21 + 1.96 * (4.21 / size) ** 0.5,
                        "lower_998": max(0, 4.21 - 3.09 * (4.21 / size) ** 0.5),
                        "upper_998": 4.21 + 3.09 * (4.21 / size) ** 0.5,
                    }
                    for size in range(2, 8)
                ],
            },
        },
        "rhi_monthly": {
            "measure": "return home interviews completed within 72 hours",
            "chart": "p",
            "centre": 67.3,
            "months": months,
            "signals": [
                {
                    "rule": "beyond_limits",
                    "months": ["2020-01"],
                    "direction": "below",
                    "text": "In January 2020 the share completed within 72 hours fell below "
                    "the lower control limit.",
                }
            ],
        },
        "previous_year": {
            "period": {
                "from": "2019-01-01",
                "to": "2019-06-30",
                "label": "1 January to 30 June 2019",
            },
            "figures": {
                "missing_episodes": 943,
                "missing_children": 398,
                "rhi_completed_within_72h_pct": 68.2,
            },
            "current": {
                "missing_episodes": 1028,
                "missing_children": 412,
                "rhi_completed_within_72h_pct": 64.0,
            },
            "change": {
                "missing_episodes": 85,
                "missing_children": 14,
                "rhi_completed_within_72h_pct": -4.2,
            },
            "change_pct": {
                "missing_episodes": 9.0,
                "missing_children": 3.5,
                "rhi_completed_within_72h_pct": -6.2,
            },
        },
        "benchmarks": None,
        "findings": [
            {
                "id": "locality-cherwell-and-west",
                "rule": "locality_funnel",
                "severity": "medium",
                "text": "Cherwell and West had proportionately more children missing than the "
                "county as a whole: 31.7 per 10,000 children against 25.6.",
                "evidence": {"name": "Cherwell and West", "value": 31.7, "centre": 25.6},
                "recommendation": "Ask the Cherwell and West locality team and the children's "
                "homes there to review their repeat missing children with the police.",
            },
            {
                "id": "rhi-72h-below-target",
                "rule": "rhi_below_target",
                "severity": "high",
                "text": "Return home interviews were completed within 72 hours after 64% of "
                "returns (641 of 1,001), below the target of 80%.",
                "evidence": {"n": 641, "of": 1001, "pct": 64.0, "target_pct": 80},
                "recommendation": "Review the capacity of the return home interview service.",
            },
        ],
    }
    if publication:
        report = _suppressed(report)
    return report


def _suppressed(report: dict) -> dict:
    report = copy.deepcopy(report)
    for category in ("missing", "away"):
        for key, groups in report[category].items():
            if key.startswith("by_"):
                for group in groups.values():
                    if group["children"] < 5:
                        group["children"] = group["episodes"] = "c"
    for point in report["funnel"]["childrens_homes"]["points"]:
        if point["size"] < 5:
            for key in ("size", "count", "value"):
                point[key] = "c"
    report["placed_out"] = {"children": "c", "episodes": "c"}
    return report
