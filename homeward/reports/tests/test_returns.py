"""The statutory returns on the Reports page: who may download them, what they hold, what a
refused return says, and the audit log."""

import datetime as dt
import io
import zipfile
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.urls import reverse
from django.utils.html import escape

from homeward.access.rules import NO_RETURNS
from homeward.accounts import roles
from homeward.accounts.tests.people import staff
from homeward.audit.models import Action, AuditEntry
from homeward.children.tests.factories import ChildFactory
from homeward.councils.tests.factories import council
from homeward.exchange.annex_a import COLUMNS
from homeward.exchange.ssda903 import build_903
from homeward.exchange.tests.awkward_903 import YEAR, episode, make_awkward_children

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
SSDA903 = reverse("reports:ssda903")
ANNEX_A = reverse("reports:annex-a")
AS_AT = {"as_at_day": 31, "as_at_month": 3, "as_at_year": 2024}


@pytest.fixture
def coordinator(client, time_machine):
    time_machine.move_to(dt.datetime(2024, 6, 1, 10, 0, tzinfo=LONDON), tick=False)
    user = staff(roles.MISSING_COORDINATOR)
    client.force_login(user)
    return user


def test_the_reports_page_offers_the_returns_to_those_who_may_download_them(client, coordinator):
    page = client.get(reverse("reports:index")).content.decode()
    assert f'href="{SSDA903}"' in page and f'href="{ANNEX_A}"' in page
    client.force_login(staff(roles.ANALYST))
    page = client.get(reverse("reports:index")).content.decode()
    assert SSDA903 not in page and ANNEX_A not in page


@pytest.mark.parametrize("role", [roles.ANALYST, roles.SCRUTINY, roles.EXPLOITATION_LEAD])
def test_a_role_without_named_rows_of_every_child_is_refused_with_a_reason(client, role):
    client.force_login(staff(role))
    for url, query in ((SSDA903, {"year": YEAR}), (ANNEX_A, AS_AT)):
        response = client.get(url, query)
        assert response.status_code == 403
        assert escape(NO_RETURNS) in response.content.decode()
    assert not AuditEntry.objects.filter(action=Action.EXPORT).exists()


def test_the_ssda903_download_is_the_three_files_and_is_audited(client, coordinator):
    make_awkward_children()
    response = client.get(SSDA903, {"year": YEAR})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert 'filename="ssda903-931-2023-24.zip"' in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    expected = build_903(council=council(), year=YEAR).files()
    assert {name: archive.read(name).decode() for name in archive.namelist()} == expected
    entry = AuditEntry.objects.get(action=Action.EXPORT)
    assert entry.user == coordinator
    assert entry.details["rows"] == {"header.csv": 5, "episodes.csv": 7, "missing.csv": 12}


def test_a_return_that_cannot_be_made_lists_each_record_to_fix_with_its_link(client, coordinator):
    child = ChildFactory(local_id="NOPL2")
    away = episode(child, "away", "2023-07-01 20:00", "2023-07-02 08:00")
    response = client.get(SSDA903, {"year": YEAR})
    assert response.status_code == 200
    page = response.content.decode()
    assert "cannot be made yet" in page
    assert f'href="{reverse("episodes:edit", args=[away.pk])}"' in page
    assert f"Away episode {away.local_id} of child NOPL2 began on 1 Jul 2023" in page
    assert not AuditEntry.objects.filter(action=Action.EXPORT).exists()


def test_only_collection_years_from_2022_23_are_offered(client, coordinator):
    page = client.get(SSDA903).content.decode()
    assert "2024/25: 1 April 2024 to 31 March 2025 (so far)" in page
    assert "2022/23: 1 April 2022 to 31 March 2023" in page
    assert "2021/22" not in page
    assert client.get(SSDA903, {"year": 2022}).status_code == 200  # the form, with an error
    assert not AuditEntry.objects.filter(action=Action.EXPORT).exists()


def test_the_annex_a_download_is_list_8_and_is_audited(client, coordinator):
    make_awkward_children()
    response = client.get(ANNEX_A, AS_AT)
    assert response.status_code == 200
    assert 'filename="annex-a-list-8-931-2024-03-31.xlsx"' in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(book["List 8"].iter_rows(values_only=True))
    assert rows[0] == COLUMNS
    assert [row[0] for row in rows[1:]] == ["AWKA", "AWKB", "AWKC", "AWKD", "AWKE"]
    entry = AuditEntry.objects.get(action=Action.EXPORT)
    assert entry.details["rows"] == 5 and entry.details["as_at"] == "2024-03-31"
