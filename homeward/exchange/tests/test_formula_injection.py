"""A cell a spreadsheet would run as a formula is written as text, and still round-trips."""

import csv

import pytest

from homeward.children.models import Child
from homeward.children.tests.factories import ChildFactory, PlacementFactory
from homeward.councils.models import Council
from homeward.councils.tests.factories import LocalityFactory
from homeward.episodes.models import Episode
from homeward.episodes.tests.factories import EpisodeFactory
from homeward.exchange.bundle_export import export_bundle
from homeward.exchange.bundle_import import import_bundle
from homeward.exchange.cells import FORMULA_STARTS, guard_formula, unguard_formula
from homeward.interviews.models import ReturnInterview
from homeward.interviews.tests.factories import ReturnInterviewFactory

pytestmark = pytest.mark.django_db

PAYLOADS = [
    '=HYPERLINK("http://made-up.invalid","x")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A2)",
    "'=already an apostrophe",
    "''@two apostrophes",
    "'plain apostrophe",
]


@pytest.mark.parametrize("value", [*PAYLOADS, "\t=tab", "\r=cr", "plain", "", "3"])
def test_guarding_then_unguarding_gives_the_value_back(value):
    written = guard_formula(value)
    assert not written.startswith(FORMULA_STARTS)
    assert unguard_formula(written) == value


def made_up_records():
    """Made-up records with a formula in every text field a bundle carries."""
    a, b, c, d, e, f, g = PAYLOADS
    area = LocalityFactory(name=a)
    child = ChildFactory(first_name=b, last_name=c, police_id=d, home_locality=area)
    PlacementFactory(child=child, provider_name=e, provider_urn=f, locality=area)
    episode = EpisodeFactory(child=child, found_location=f, reported_by=g, locality=area)
    ReturnInterviewFactory(episode=episode, conducted_by=a, findings=b)


def test_no_exported_cell_starts_like_a_formula_and_the_bundle_round_trips(tmp_path):
    made_up_records()
    export_bundle(tmp_path / "out", council=Council.objects.get(code="931"))
    for path in (tmp_path / "out").iterdir():
        with path.open(encoding="utf-8-sig", newline="") as f:
            for row in csv.reader(f):
                assert not [cell for cell in row if cell.startswith(FORMULA_STARTS)], path.name
    import_bundle(tmp_path / "out", council_code="872")

    def texts(code):
        return (
            list(
                Child.objects.filter(council__code=code).values_list(
                    "first_name", "last_name", "police_id", "home_locality__name"
                )
            ),
            list(
                Episode.objects.filter(council__code=code).values_list(
                    "found_location", "reported_by", "locality__name"
                )
            ),
            list(
                ReturnInterview.objects.filter(council__code=code).values_list(
                    "conducted_by", "findings"
                )
            ),
        )

    assert texts("872") == texts("931")
    assert texts("872")[0][0][0] == PAYLOADS[1]
