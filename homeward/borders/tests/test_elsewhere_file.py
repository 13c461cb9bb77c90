"""Host councils' notifications from a file: `homeward load-host-notices` and the upload.
All or nothing, every problem with its file, row, column and reason, and a summary of what
was added and skipped (a file loaded again adds nothing twice)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from homeward.accounts import roles
from homeward.accounts.tests.people import staff
from homeward.audit.models import Action, AuditEntry
from homeward.borders.csvfile import FileRejected
from homeward.borders.elsewhere_file import (
    TOLD_BEFORE_SEEN,
    TWICE_IN_FILE,
    UNKNOWN_CHILD,
    UNKNOWN_COUNCIL,
    elsewhere_load,
)
from homeward.borders.models import EpisodeElsewhere
from homeward.borders.services import HOST_IS_US, NOT_OUR_CHILD
from homeward.children.models import Child
from homeward.children.tests.factories import ChildFactory
from homeward.core.problems import GARBLED
from homeward.councils.tests.factories import council
from homeward.episodes.models import Episode
from homeward.episodes.tests.factories import LONDON, EpisodeFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "child_id,host_council_code,last_seen_at,told_at,reported_at,returned_at,"
    "police_reference,category,notes"
)


def _file(*rows: str) -> bytes:
    return "\n".join([HEADER, *rows, ""]).encode()


@pytest.fixture
def ours():
    """Two of our children placed out (made-up)."""
    return (
        ChildFactory(local_id="OUT1", first_name="Ada", last_name="Madeup"),
        ChildFactory(local_id="OUT2", first_name="Ben", last_name="Madeup"),
    )


GOOD = (
    "OUT1,202,02/03/2020 18:00,03/03/2020 10:00,02/03/2020 19:00,03/03/2020 09:00,"
    "MET-MADEUP-1,,Made-up note",
    "OUT2,886,2020-04-01T08:00,2020-04-01T12:00,,,,away,",
)


def test_a_good_file_becomes_episodes_elsewhere_and_again_adds_nothing(tmp_path, capsys, ours):
    path = tmp_path / "host-notices.csv"
    path.write_bytes(_file(*GOOD))
    call_command("load-host-notices", str(path))
    assert "Added 2 episodes in other councils' areas" in capsys.readouterr().out
    first = EpisodeElsewhere.objects.get(episode__child=ours[0])
    assert first.host_council.code == "202" and first.notes == "Made-up note"
    assert first.told_at == dt.datetime(2020, 3, 3, 10, tzinfo=LONDON)
    assert first.episode.police_reference == "MET-MADEUP-1"
    assert first.episode.returned_at == dt.datetime(2020, 3, 3, 9, tzinfo=LONDON)
    second = EpisodeElsewhere.objects.get(episode__child=ours[1])
    assert (second.host_council.code, second.episode.category) == ("886", "away")
    assert second.episode.returned_at is None

    call_command("load-host-notices", str(path))
    said = capsys.readouterr().out
    assert "Added 0 episodes" in said
    assert "skipped 2 already recorded from the host council (rows 2, 3)" in said
    assert EpisodeElsewhere.objects.count() == 2


def test_a_file_with_problems_adds_nothing_and_names_each(ours):
    placed_in = ChildFactory(local_id="IN1", responsible_la=council("202"))
    EpisodeFactory(
        child=ours[1],
        last_seen_at=dt.datetime(2020, 4, 1, 6, tzinfo=LONDON),
        returned_at=dt.datetime(2020, 4, 2, 6, tzinfo=LONDON),
    )
    data = _file(
        GOOD[0],  # good, but the file is not: nothing of it is kept
        "NOBODY,202,02/03/2020 18:00,03/03/2020 10:00,,,,,",
        "OUT1,999,05/03/2020 18:00,06/03/2020 10:00,,,,,",
        "OUT1,202,32/03/2020 18:00,03/03/2020 10:00,,,,,",
        "OUT1,202,07/03/2020 18:00,06/03/2020 10:00,,,,,",
        "OUT1,931,08/03/2020 18:00,09/03/2020 10:00,,,,,",
        "IN1,202,08/03/2020 18:00,09/03/2020 10:00,,,,,",
        GOOD[1],  # overlaps Ben's episode already recorded
        GOOD[0],
    )
    with pytest.raises(FileRejected) as rejected:
        elsewhere_load(data=data, name="h.csv", children=Child.objects.all())
    found = {(p.row, p.column): p.reason for p in rejected.value.problems}
    assert found[(3, "child_id")] == UNKNOWN_CHILD.format(value="NOBODY")
    assert found[(4, "host_council_code")] == UNKNOWN_COUNCIL.format(value="999")
    assert "32/03/2020 18:00" in found[(5, "last_seen_at")]
    assert found[(6, "told_at")] == TOLD_BEFORE_SEEN
    assert found[(7, "host_council_code")] == HOST_IS_US
    assert found[(8, "child_id")] == NOT_OUR_CHILD.format(child=placed_in)
    assert 9 in {row for row, _column in found}  # the overlap, said by the episode's rules
    assert found[(10, "last_seen_at")] == TWICE_IN_FILE.format(row=2)
    assert all(str(p).startswith(f"h.csv, row {p.row}") for p in rejected.value.problems)
    assert not EpisodeElsewhere.objects.exists()
    assert Episode.objects.count() == 1  # Ben's, as it was


def test_a_note_garbled_by_excel_adds_nothing_and_says_what_it_should_be(ours):
    garbled = GOOD[0].replace("Made-up note", "Seen with Ã‰lodie")
    with pytest.raises(FileRejected) as rejected:
        elsewhere_load(data=_file(garbled, GOOD[1]), name="h.csv", children=Child.objects.all())
    assert [str(p) for p in rejected.value.problems] == [
        "h.csv, row 2, column notes: "
        + GARBLED.format(
            what="notes", value="Seen with Ã‰lodie", garbled="Ã‰", fixed="Seen with Élodie"
        )
    ]
    assert not EpisodeElsewhere.objects.exists()


def test_the_command_lists_every_problem_and_says_nothing_was_loaded(tmp_path, capsys, ours):
    path = tmp_path / "bad.csv"
    path.write_bytes(_file("OUT1,999,02/03/2020 18:00,03/03/2020 10:00,,,,,", "OUT2,202,,,,,,,"))
    with pytest.raises(CommandError, match="Nothing was loaded: 3 problem"):
        call_command("load-host-notices", str(path))
    err = capsys.readouterr().err
    assert "bad.csv, row 2, column host_council_code" in err
    assert "bad.csv, row 3, column last_seen_at: Enter the last_seen_at" in err
    assert "bad.csv, row 3, column told_at: Enter the told_at" in err


def test_a_coordinator_uploads_the_file_and_is_told_what_was_added(client, ours):
    client.force_login(staff(roles.MISSING_COORDINATOR))
    url = reverse("borders:elsewhere-upload")
    assert "Load a file of host councils" in client.get(url).content.decode()
    page = client.post(url, {"file": SimpleUploadedFile("h.csv", _file(*GOOD))}).content.decode()
    assert "Added 2 episodes in other councils&#x27; areas" in page
    assert EpisodeElsewhere.objects.count() == 2

    bad = SimpleUploadedFile("bad.csv", _file("NOBODY,202,02/03/2020 18:00,03/03/2020 10:00,,,,,"))
    page = client.post(url, {"file": bad}).content.decode()
    assert "Nothing was loaded: 1 problem" in page and "Row 2, column child_id" in page
    assert AuditEntry.objects.filter(
        action=Action.REFUSED, details__tried={"file": "bad.csv"}
    ).exists()


def test_a_practitioner_loads_only_rows_of_the_children_they_see(client, ours):
    client.force_login(staff(roles.PRACTITIONER))
    page = client.post(
        reverse("borders:elsewhere-upload"), {"file": SimpleUploadedFile("h.csv", _file(GOOD[0]))}
    ).content.decode()
    assert "Row 2, column child_id" in page and "No child you can see" in page
    assert not EpisodeElsewhere.objects.exists()
