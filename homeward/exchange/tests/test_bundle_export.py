import codecs
import filecmp

import pytest
from django.core.management import call_command

from homeward.children.models import Child
from homeward.core.problems import GARBLED, garbled_problem
from homeward.councils.models import Council
from homeward.episodes.models import Episode
from homeward.exchange.bundle_export import export_bundle
from homeward.exchange.bundle_import import BundleRejected, import_bundle
from homeward.exchange.tests.bundles import LOCALITIES, child, write_bundle
from homeward.exchange.tests.test_bundle_import import a_good_bundle

pytestmark = pytest.mark.django_db

EPISODE_FIELDS = (
    "local_id",
    "child__local_id",
    "category",
    "last_seen_at",
    "reported_at",
    "returned_at",
    "risk",
    "missing_from",
    "placement__local_id",
    "locality__name",
    "legal_status",
    "found_location",
    "reported_by",
    "placing_la_notified_at",
)


def same_files(left, right) -> bool:
    names = sorted(p.name for p in left.iterdir())
    match, mismatch, errors = filecmp.cmpfiles(left, right, names, shallow=False)
    return not mismatch and not errors and names == sorted(p.name for p in right.iterdir())


def test_export_then_import_round_trips_exactly(tmp_path):
    import_bundle(a_good_bundle(tmp_path / "source"), council_code="931")
    export_bundle(tmp_path / "first", council=Council.objects.get(code="931"))
    import_bundle(tmp_path / "first", council_code="872")
    export_bundle(tmp_path / "second", council=Council.objects.get(code="872"))
    assert same_files(tmp_path / "first", tmp_path / "second")

    def episodes(code):
        return list(
            Episode.objects.filter(council__code=code)
            .order_by("local_id")
            .values_list(*EPISODE_FIELDS)
        )

    assert episodes("931") == episodes("872")
    assert len(episodes("931")) == 3


def test_exporting_writes_local_time_with_its_offset(tmp_path):
    import_bundle(a_good_bundle(tmp_path / "source"), council_code="931")
    export_bundle(tmp_path / "out", council=Council.objects.get(code="931"))
    text = (tmp_path / "out" / "episodes.csv").read_text()
    assert "E3,C2,away,2020-10-25T01:30:00+01:00," in text
    assert "E1,C1,missing,2020-03-02T18:00:00+00:00,2020-03-02T20:00:00+00:00," in text
    assert text.splitlines()[1].endswith(",C2,")  # seen_with, then no police_refs


def test_re_importing_an_export_changes_nothing(tmp_path, capsys):
    import_bundle(a_good_bundle(tmp_path / "source"), council_code="931")
    call_command("export-bundle", str(tmp_path / "out"), "--council", "931")
    result = import_bundle(tmp_path / "out", council_code="931")
    assert all(c.created == 0 and c.updated == 0 for c in result.files.values())


def test_exported_files_start_with_the_byte_order_mark_excel_needs(tmp_path):
    import_bundle(a_good_bundle(tmp_path / "source"), council_code="931")
    export_bundle(tmp_path / "out", council=Council.objects.get(code="931"))
    for path in (tmp_path / "out").iterdir():
        assert path.read_bytes().startswith(codecs.BOM_UTF8), path.name


def test_an_export_garbled_by_excel_is_refused_saying_what_the_name_should_be(tmp_path):
    """A file opened in Excel as Windows-1252 and saved back as "CSV UTF-8" turns Zoë into
    ZoÃ«: the import refuses it rather than "update" the name."""
    folder = write_bundle(
        tmp_path / "source", localities=LOCALITIES, children=[child("C1", first_name="Zoë")]
    )
    import_bundle(folder, council_code="931")
    export_bundle(tmp_path / "out", council=Council.objects.get(code="931"))
    path = tmp_path / "out" / "children.csv"
    garbled = path.read_bytes().removeprefix(codecs.BOM_UTF8).decode("cp1252")
    path.write_bytes(codecs.BOM_UTF8 + garbled.encode("utf-8"))
    assert "ZoÃ«" in garbled
    with pytest.raises(BundleRejected) as caught:
        import_bundle(tmp_path / "out", council_code="931")
    assert [str(problem) for problem in caught.value.problems.in_order()] == [
        "children.csv, row 2, first_name: "
        + GARBLED.format(what="first_name", value="ZoÃ«", garbled="Ã«", fixed="Zoë")
    ]
    assert Child.objects.get(local_id="C1").first_name == "Zoë"


@pytest.mark.parametrize(
    ("value", "fixed"),
    [
        ("RenÃ©e", "Renée"),
        ("Oâ€™Neill", "O’Neill"),
        ("SiobhÃ¡n", "Siobhán"),
        ("ÐžÐ»ÐµÐ½Ð°", "Олена"),
        ("WÅ‚odarczyk", "Włodarczyk"),
    ],
)
def test_text_read_wrongly_as_windows_1252_is_named_with_what_it_should_be(value, fixed):
    problem = garbled_problem("last_name", value, what="last name")
    assert problem is not None and f"probably should be '{fixed}'" in problem.message


@pytest.mark.parametrize(
    "value", ["Zoë", "Siobhán", "O'Neill", "Ã", "Â", "Renée £5", "“CAFÉ”", "“ZOË”", "Straße–Nord"]
)
def test_text_written_as_meant_is_not_taken_for_garbled(value):
    assert garbled_problem("last_name", value, what="last name") is None
