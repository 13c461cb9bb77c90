"""Every route an episode is recorded or changed by checks the child's rules once it commits:
by hand, a correction, the police, a bundle, the SSD and an SSDA903 import."""

import datetime as dt
import io
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from homeward.children.models import Child
from homeward.children.tests.factories import ChildFactory
from homeward.councils.tests.factories import LocalityFactory, council
from homeward.episodes.services import episode_record, episode_update
from homeward.escalations.models import Escalation, EscalationKind
from homeward.escalations.tests.helpers import LONDON, NOW, episodes_ago
from homeward.exchange.bundle_import import import_bundle
from homeward.exchange.tests import bundles
from homeward.police.services import notification_receive
from homeward.police.tests.test_services import report

pytestmark = pytest.mark.django_db

FIXTURE_903 = Path(__file__).parents[2] / "exchange" / "tests" / "ssda903_2025"


def kinds(child) -> list[str]:
    return sorted(Escalation.objects.filter(child=child).values_list("kind", flat=True))


def test_an_episode_recorded_by_hand_raises_once_committed(
    time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(NOW, tick=False)
    child = ChildFactory()
    episodes_ago(child, 20, 10)
    with django_capture_on_commit_callbacks(execute=True):
        episode_record(
            child=child,
            category="missing",
            last_seen_at=NOW - dt.timedelta(hours=5),
            missing_from="home",
            legal_status="child_in_need",
        )
    assert kinds(child) == [EscalationKind.STRATEGY_DISCUSSION]


def test_an_episode_regraded_high_risk_raises_a_screening_due(
    time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(NOW, tick=False)
    child = ChildFactory()
    (episode,) = episodes_ago(child, 2)
    with django_capture_on_commit_callbacks(execute=True):
        episode_update(episode=episode, expected_version=episode.version, risk="high")
    assert kinds(child) == [EscalationKind.CE_SCREENING]


def test_a_police_notification_raises(time_machine, django_capture_on_commit_callbacks):
    now = dt.datetime(2026, 3, 10, 12, 0, tzinfo=LONDON)
    time_machine.move_to(now, tick=False)
    child = ChildFactory(
        first_name="Jordan",
        last_name="Madeupson",
        date_of_birth=dt.date(2011, 4, 3),
        police_id="PID-1001",
    )
    data = report(risk="High")
    with django_capture_on_commit_callbacks(execute=True):
        notification_receive(council=council(), force_name="Made-up Police", data=data)
    assert child.episodes.get().risk == "high"
    assert kinds(child) == [EscalationKind.CE_SCREENING]


def test_a_bundle_import_raises(tmp_path, time_machine, django_capture_on_commit_callbacks):
    time_machine.move_to(NOW, tick=False)
    LocalityFactory(name="Oxford")
    seen = [(NOW - dt.timedelta(days=ago)).strftime("%Y-%m-%dT%H:%M") for ago in (25, 15, 3)]
    folder = bundles.write_bundle(
        tmp_path / "bundle",
        children=[bundles.child("C1")],
        episodes=[bundles.episode(f"E{n}", "C1", last_seen_at=s) for n, s in enumerate(seen)],
    )
    with django_capture_on_commit_callbacks(execute=True):
        import_bundle(folder, council_code="931")
    assert kinds(Child.objects.get(local_id="C1")) == [EscalationKind.STRATEGY_DISCUSSION]


def test_an_ssd_import_raises(tmp_path, time_machine, django_capture_on_commit_callbacks):
    from homeward.exchange.tests.test_ssd_import import write_extract

    time_machine.move_to(dt.datetime(2023, 7, 20, 12, 0, tzinfo=LONDON), tick=False)
    missing = """\
miss_table_id,miss_la_person_id,miss_mis_epi_start,miss_mis_epi_type,miss_mis_epi_end,miss_mis_epi_rhi_offered,miss_mis_epi_rhi_accepted
M1,SSD1,2023-07-01 21:30:00.000,M,2023-07-02 09:15:00.000,Y,Y
M2,SSD1,2023-07-08 21:30:00.000,M,2023-07-09 09:15:00.000,Y,Y
M3,SSD1,2023-07-15 21:30:00.000,M,2023-07-16 09:15:00.000,Y,Y
"""
    folder = write_extract(tmp_path / "ssd", missing=missing)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import-ssd", str(folder), "--council", "931", stdout=io.StringIO())
    child = Child.objects.get(local_id="SSD1")
    assert kinds(child) == [EscalationKind.STRATEGY_DISCUSSION]


def test_an_ssda903_import_raises(tmp_path, time_machine, django_capture_on_commit_callbacks):
    time_machine.move_to(dt.datetime(2024, 9, 25, 12, 0, tzinfo=LONDON), tick=False)
    folder = tmp_path / "903"
    shutil.copytree(FIXTURE_903, folder)
    (folder / "missing.csv").write_text(
        "CHILD,DOB,MISSING,MIS_START,MIS_END\n"
        "900001,14/02/2009,M,01/09/2024,02/09/2024\n"
        "900001,14/02/2009,M,10/09/2024,11/09/2024\n"
        "900001,14/02/2009,M,22/09/2024,23/09/2024\n",
        encoding="utf-8",
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "import-903", str(folder), "--year", "2025", "--council", "931", stdout=io.StringIO()
        )
    child = Child.objects.get(local_id="900001")
    assert EscalationKind.STRATEGY_DISCUSSION in kinds(child)
