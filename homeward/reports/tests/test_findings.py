import json

import pytest
from django.test import override_settings

from homeward.reports.findings import FindingsEditError, apply_edits, find, read_edits, when


def share(n, of):
    return {"n": n, "of": of, "pct": round(100 * n / of, 1) if of else None}


def point(name, size, count, value, flag="within", flag_95="within", **extra):
    return {
        "name": name,
        "size": size,
        "count": count,
        "value": value,
        "lower_95": 0.0,
        "upper_95": 0.0,
        "lower_998": 0.0,
        "upper_998": 0.0,
        "flag": flag,
        "flag_95": flag_95,
        **extra,
    }


def a_report(**changes) -> dict:
    """A made-up report in which every figure meets its target: no findings."""
    report = {
        "meta": {
            "council": {"code": "931", "name": "Oxfordshire"},
            "period": {"from": "2020-01-01", "to": "2020-06-30", "label": "..."},
        },
        "funnel": {
            "localities": {"centre": 32.1, "points": [point("Oxford", 33400, 110, 32.9)]},
            "childrens_homes": {"centre": 2.0, "points": []},
        },
        "rhi": {"completed_within_72h": share(380, 412)},
        "rhi_monthly": {"centre": 71.0, "months": [], "signals": []},
        "ce_screening": {"repeat_children": 40, "screened": share(40, 40)},
        "placed_in": {"notified_within_24h": share(19, 20)},
        "previous_year": {
            "figures": {
                "missing_children": 480,
                "missing_episodes": 900,
                "rhi_completed_within_72h_pct": 71.0,
            },
            "current": {"missing_children": 498, "missing_episodes": 910},
            "change_pct": {"missing_children": 3.8, "missing_episodes": 1.1},
        },
    }
    for path, value in changes.items():
        *parents, last = path.split("__")
        target = report
        for key in parents:
            target = target[key]
        target[last] = value
    return report


def texts(report):
    return [f["text"] for f in find(report)]


def test_a_report_meeting_every_target_has_no_findings():
    assert find(a_report()) == []


def test_interviews_below_target_read_like_an_officer_wrote_them():
    report = a_report(rhi__completed_within_72h=share(264, 412))
    assert texts(report) == [
        "In the six months to 30 June 2020, a return home interview was completed within 72 "
        "hours for 64% (264 of 412) of the returns from a missing episode, below the council's "
        "target of 80%, down from 71% a year earlier."
    ]
    (found,) = find(report)
    assert (found["id"], found["severity"]) == ("rhi-72h-below-target", "high")
    assert found["evidence"] == {
        "n": 264,
        "of": 412,
        "pct": 64.1,
        "target_pct": 80,
        "previous_year_pct": 71.0,
    }
    assert found["recommendation"]


@override_settings(HOMEWARD_RHI_TARGET_PCT=60)
def test_the_target_is_a_setting():
    assert find(a_report(rhi__completed_within_72h=share(264, 412))) == []


def test_a_locality_above_its_998_limit_is_named_as_proportionately_higher():
    oxford = point("Oxford", 33400, 160, 47.9, flag="above", flag_95="above")
    (found,) = find(a_report(funnel__localities__points=[oxford]))
    assert found["text"] == (
        "Oxford had 160 children reported missing in the six months to 30 June 2020 out of "
        "33,400 children aged 0 to 17 living there: 47.9 for every 10,000, against 32.1 across "
        "Oxfordshire. The rate is proportionately higher than the council's as a whole, "
        "outside the 99.8% limit for an area of its size (so very unlikely to be chance alone)."
    )
    assert (found["id"], found["severity"]) == ("locality-above-oxford", "high")


def test_a_locality_above_only_its_95_limit_is_a_medium_finding():
    oxford = point("Oxford", 33400, 140, 41.9, flag_95="above")
    (found,) = find(a_report(funnel__localities__points=[oxford]))
    assert found["severity"] == "medium"
    assert "outside the 95% limit" in found["text"]


def test_a_childrens_home_above_its_limit():
    home = point("Made-up House", 6, 31, 5.2, flag="above", flag_95="above", urn="SC000001")
    (found,) = find(a_report(funnel__childrens_homes__points=[home]))
    assert found["id"] == "home-above-sc000001"
    assert found["text"].startswith(
        "The 6 children placed at Made-up House went missing 31 times in the six months to 30 "
        "June 2020: 5.20 episodes for each child placed, against 2.00"
    )


def test_a_special_cause_signal_in_the_interview_chart():
    months = [
        {
            "month": "2019-10",
            "returns": 100,
            "completed_within_72h": share(48, 100),
            "lower": 57.4,
            "upper": 84.6,
        }
    ]
    signal = {"rule": "beyond_limits", "direction": "below", "months": ["2019-10"]}
    report = a_report(rhi_monthly={"centre": 71.0, "months": months, "signals": [signal]})
    assert texts(report) == [
        "In October 2019, 48.0% of returns (48 of 100) were followed by an interview within 72 "
        "hours, below the lower control limit of 57.4% for that month: a change beyond the "
        "usual month-to-month variation around the average of 71.0% over the 1 months charted "
        "(48 of 100 returns)."
    ]


def test_a_shift_in_the_interview_chart():
    signal = {
        "rule": "shift",
        "direction": "below",
        "months": [f"2020-{m:02d}" for m in range(1, 9)],
    }
    months = [
        {"month": f"2019-{m:02d}", "returns": 100, "completed_within_72h": share(71, 100)}
        for m in range(1, 13)
    ] + [
        {"month": f"2020-{m:02d}", "returns": 100, "completed_within_72h": share(71, 100)}
        for m in range(1, 13)
    ]
    report = a_report(rhi_monthly={"centre": 71.0, "months": months, "signals": [signal]})
    assert texts(report) == [
        "Interviews within 72 hours were below the average of 71.0% over the 24 months charted "
        "(1,704 of 2,400 returns) for 8 months running, from January 2020 to August 2020: a "
        "sustained shift, more than month-to-month variation."
    ]


def test_repeat_children_without_screening():
    report = a_report(ce_screening={"repeat_children": 40, "screened": share(31, 40)})
    assert texts(report) == [
        "9 of the 40 children reported missing more than once in the six months to 30 June "
        "2020 had no child exploitation screening on record by 30 June 2020: 78% (31 of 40) "
        "had been screened."
    ]
    assert find(report)[0]["severity"] == "high"


def test_placing_councils_told_late():
    report = a_report(placed_in={"notified_within_24h": share(42, 53)})
    assert texts(report) == [
        "Placing councils were told within 24 hours of 79% (42 of 53) of the missing episodes "
        "of children other councils have placed here, below the 90% target."
    ]


def test_a_rise_on_the_year_before():
    report = a_report(
        previous_year__current={"missing_children": 560, "missing_episodes": 910},
        previous_year__change_pct={"missing_children": 16.7, "missing_episodes": 1.1},
    )
    assert texts(report) == [
        "The number of children reported missing rose by 17% on the same period a year "
        "earlier, from 480 to 560 (+80)."
    ]


def test_findings_are_ordered_most_serious_first():
    report = a_report(
        placed_in={"notified_within_24h": share(42, 53)},
        rhi__completed_within_72h=share(264, 412),
    )
    assert [f["severity"] for f in find(report)] == ["high", "medium"]


@pytest.mark.parametrize(
    ("first", "last", "said"),
    [
        ("2020-01-01", "2020-06-30", "the six months to 30 June 2020"),
        ("2019-04-01", "2020-03-31", "the year to 31 March 2020"),
        ("2020-06-01", "2020-06-30", "June 2020"),
        ("2020-01-15", "2020-06-30", "the period 15 January to 30 June 2020"),
    ],
)
def test_the_period_in_words(first, last, said):
    label = "15 January to 30 June 2020"
    assert when({"meta": {"period": {"from": first, "to": last, "label": label}}}) == said


FOUND = [
    {
        "id": "a",
        "rule": "r",
        "severity": "high",
        "text": "A.",
        "evidence": {},
        "recommendation": "Ra.",
    },
    {
        "id": "b",
        "rule": "r",
        "severity": "info",
        "text": "B.",
        "evidence": {},
        "recommendation": "Rb.",
    },
]


def test_the_author_edits_drops_and_adds_findings():
    edited = apply_edits(
        FOUND,
        [
            {"id": "a", "text": "Our own words.", "recommendation": "Ours too."},
            {"id": "b", "drop": True},
            {"id": "mine", "add": True, "text": "Something the data cannot see."},
        ],
    )
    assert [(f["id"], f["text"]) for f in edited] == [
        ("a", "Our own words."),
        ("mine", "Something the data cannot see."),
    ]
    assert edited[0]["edited"] is True and edited[0]["recommendation"] == "Ours too."
    assert edited[1]["rule"] == "author"
    assert FOUND[0]["text"] == "A."


def test_an_edit_naming_no_finding_is_refused():
    with pytest.raises(FindingsEditError, match="no finding 'c'"):
        apply_edits(FOUND, [{"id": "c", "text": "?"}])
    with pytest.raises(FindingsEditError, match="says nothing to do"):
        apply_edits(FOUND, [{"id": "a"}])


def test_an_edits_file_must_be_a_json_list(tmp_path):
    good = tmp_path / "edits.json"
    good.write_text(json.dumps([{"id": "a", "drop": True}]))
    assert read_edits(good) == [{"id": "a", "drop": True}]
    bad = tmp_path / "bad.json"
    bad.write_text('{"id": "a"}')
    with pytest.raises(FindingsEditError, match="JSON list"):
        read_edits(bad)
