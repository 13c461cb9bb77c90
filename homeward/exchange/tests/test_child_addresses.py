"""children.csv's optional other_names, postcode and address columns: read, normalised,
refused with a reason, and left as stored when a file leaves them out."""

import csv

import pytest

from homeward.children.models import Child
from homeward.exchange.bundle_import import BundleRejected, import_bundle
from homeward.exchange.bundle_summary import summary_lines
from homeward.exchange.tests.bundles import child, write_bundle

pytestmark = pytest.mark.django_db

LOCALITY = {"locality": "Oxford", "population_0_17": "30000"}


def _bundle(folder, **values):
    return write_bundle(folder, localities=[LOCALITY], children=[child("C1", **values)])


def test_the_columns_are_read_and_the_postcode_stored_as_royal_mail_writes_it(tmp_path):
    values = {"other_names": "Jo", "postcode": " ox4  1ab", "address": "12 Mill Lane"}
    import_bundle(_bundle(tmp_path / "b", **values), council_code="931")
    stored = Child.objects.get(local_id="C1")
    assert (stored.other_names, stored.postcode, stored.address) == (
        "Jo",
        "OX4 1AB",
        "12 Mill Lane",
    )


def test_a_postcode_that_is_not_one_is_refused_naming_the_row_and_column(tmp_path):
    with pytest.raises(BundleRejected) as refused:
        import_bundle(_bundle(tmp_path / "b", postcode="Oxford"), council_code="931")
    problems = [str(p) for p in refused.value.problems.in_order()]
    assert len(problems) == 1
    assert "children.csv, row 2" in problems[0]
    assert "postcode" in problems[0]
    assert "'Oxford' is not a UK postcode" in problems[0]
    assert not Child.objects.exists()


def test_a_file_without_the_columns_leaves_them_as_stored(tmp_path):
    values = {"other_names": "Jo", "postcode": "OX4 1AB", "address": "12 Mill Lane"}
    import_bundle(_bundle(tmp_path / "first", **values), council_code="931")
    later = write_bundle(tmp_path / "later", localities=[LOCALITY])
    row = child("C1", first_name="Madeuptoo")
    header = [name for name in row if name not in ("other_names", "postcode", "address")]
    with (later / "children.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerow(row)
    result = import_bundle(later, council_code="931")
    stored = Child.objects.get(local_id="C1")
    assert stored.first_name == "Madeuptoo"
    assert (stored.other_names, stored.postcode, stored.address) == (
        "Jo",
        "OX4 1AB",
        "12 Mill Lane",
    )
    assert any(
        "left as Homeward has them" in line and "postcode" in line for line in summary_lines(result)
    )
