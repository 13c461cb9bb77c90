"""`homeward demo-police-feed --once` against a live server: one round through the real API,
with the made-up forces' real tokens."""

import io

import pytest
from django.core.management import call_command

from homeward.audit.models import AuditEntry
from homeward.councils.models import Council
from homeward.councils.reference import council_rows
from homeward.episodes.models import Episode
from homeward.police.demo_feed import FORCE, SECOND_FORCE
from homeward.police.models import Notification
from homeward.police.tests.factories import feed_children
from homeward.police.tokens import force_create, force_token_issue

# Transactional, because the live server reads from another thread.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def oxfordshire():
    for row in council_rows():  # another transactional test's flush may have taken them away
        Council.objects.update_or_create(code=row["code"], defaults=row)
    here = Council.objects.get(code="931")
    feed_children(here)
    return here


def token_file(tmp_path, name: str, council) -> str:
    force = force_create(name=name, councils=[council], by=None)
    path = tmp_path / name.replace(" ", "-")
    path.write_text(force_token_issue(force=force, label="Demo feed", by=None).secret + "\n")
    return str(path)


def test_once_sends_one_round_through_the_api(live_server, oxfordshire, settings, tmp_path):
    settings.HOMEWARD_DEMO = True
    first = token_file(tmp_path, FORCE, oxfordshire)
    second = token_file(tmp_path, SECOND_FORCE, oxfordshire)
    out = io.StringIO()
    call_command(
        "demo-police-feed",
        "--once",
        "--url",
        live_server.url,
        "--token-file",
        first,
        "--second-token-file",
        second,
        stdout=out,
    )
    said = out.getvalue().splitlines()[1:]
    assert [line.split()[1] for line in said] == ["201"] * 8 + ["400"], out.getvalue()
    kept = Notification.objects.order_by("pk")
    # The found sent before its report was held, then applied with it.
    assert [n.state for n in kept] == ["applied"] * 6 + ["review", "review", "problem"]
    assert [n.source for n in kept] == ["api"] * 9
    assert kept[3].force_name == SECOND_FORCE and kept[3].force.name == SECOND_FORCE
    assert {n.force_name for n in kept if n.pk != kept[3].pk} == {FORCE}
    reported = Episode.objects.get(police_reference=kept[0].police_ref)
    assert reported.risk == "high" and reported.returned_at is None
    assert list(reported.police_refs.values_list("police_ref", flat=True)) == [
        kept[0].police_ref,
        kept[3].police_ref,
    ]
    assert AuditEntry.objects.filter(action="api_call").count() == 9


def test_without_the_second_forces_token_its_report_is_the_first_forces_new_log(
    live_server, oxfordshire, settings, tmp_path
):
    settings.HOMEWARD_DEMO = True
    first = token_file(tmp_path, FORCE, oxfordshire)
    out = io.StringIO()
    call_command(
        "demo-police-feed", "--once", "--url", live_server.url, "--token-file", first, stdout=out
    )
    assert "sent by Made-up Shire Constabulary as a new log" in out.getvalue()
    assert set(Notification.objects.values_list("force_name", flat=True)) == {FORCE}
    assert Notification.objects.filter(state="applied").count() == 6
