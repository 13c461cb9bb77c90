"""Downloading episodes: named for coordinators, pseudonymised for analysts, by the rule."""

import csv
import datetime as dt
import hashlib
import hmac
import io
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from homeward.access.rules import pseudonym
from homeward.accounts import roles
from homeward.accounts.tests.people import staff
from homeward.audit.models import Action, AuditEntry
from homeward.children.tests.factories import ChildFactory
from homeward.councils.tests.factories import LocalityFactory, council
from homeward.episodes.tests.factories import EpisodeFactory

LONDON = ZoneInfo("Europe/London")
PERIOD = {
    "period_from_day": 1,
    "period_from_month": 1,
    "period_from_year": 2020,
    "period_to_day": 30,
    "period_to_month": 6,
    "period_to_year": 2020,
}
EXPORTS = reverse("exchange:exports")

pytestmark = pytest.mark.django_db


def download(client, user) -> list[dict]:
    client.force_login(user)
    response = client.get(EXPORTS, PERIOD)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def episodes():
    area = LocalityFactory(name="Made-up area")
    child = ChildFactory(
        first_name="=HYPERLINK(1)",
        last_name="Madeup",
        date_of_birth=dt.date(2006, 5, 17),
        local_id="LOCAL-7",
    )
    inside = EpisodeFactory(
        child=child,
        locality=area,
        reported_by="@made-up reporter",
        last_seen_at=dt.datetime(2020, 3, 2, 18, 0, tzinfo=LONDON),
    )
    EpisodeFactory(child=child, last_seen_at=dt.datetime(2020, 7, 1, 0, 0, tzinfo=LONDON))
    theirs = ChildFactory(council=council("933"), responsible_la=council("933"))
    EpisodeFactory(child=theirs, last_seen_at=dt.datetime(2020, 3, 2, 18, 0, tzinfo=LONDON))
    return child, inside


def test_a_coordinator_downloads_named_rows_of_the_period_guarded_against_formulas(
    client, episodes
):
    child, inside = episodes
    [row] = download(client, staff(roles.MISSING_COORDINATOR))
    assert (row["episode_id"], row["child_id"]) == (inside.local_id, "LOCAL-7")
    assert (row["first_name"], row["reported_by"]) == ("'=HYPERLINK(1)", "'@made-up reporter")
    entry = AuditEntry.objects.get(action=Action.EXPORT)
    assert entry.details["rows"] == 1 and entry.details["pseudonymised"] is False


def test_an_analyst_downloads_pseudonymised_rows_only(client, episodes):
    child, inside = episodes
    [row] = download(client, staff(roles.ANALYST))
    assert row["child"] == pseudonym(child)
    assert row["birth_month"] == "2006-05"
    text = ",".join(row.values()) + ",".join(row)
    for private in ("HYPERLINK", "Madeup", "LOCAL-7", inside.local_id, "2006-05-17", "reporter"):
        assert private not in text
    assert AuditEntry.objects.get(action=Action.EXPORT).details["pseudonymised"] is True


@pytest.mark.parametrize(
    "role", [roles.PRACTITIONER, roles.POLICE_LIAISON, roles.EXPLOITATION_LEAD, roles.SCRUTINY]
)
def test_roles_without_row_level_data_are_refused(client, role, episodes):
    client.force_login(staff(role))
    assert client.get(EXPORTS, PERIOD).status_code == 403
    assert not AuditEntry.objects.filter(action=Action.EXPORT).exists()


def test_a_download_holds_only_what_the_rule_allows(client, episodes, settings):
    """Given row-level downloads, police liaison get their own localities' episodes only."""
    settings.HOMEWARD_ACCESS = {roles.POLICE_LIAISON: {"rows": "named"}}
    child, inside = episodes
    elsewhere = LocalityFactory(name="Made-up elsewhere")
    assert [r["episode_id"] for r in download(client, staff(roles.POLICE_LIAISON))] == []
    there = staff(roles.POLICE_LIAISON, localities=[inside.locality, elsewhere])
    assert [r["episode_id"] for r in download(client, there)] == [inside.local_id]


def test_the_page_says_what_an_analyst_gets_and_refuses_a_backwards_period(client):
    client.force_login(staff(roles.ANALYST))
    assert "pseudonym" in client.get(EXPORTS).content.decode()
    backwards = PERIOD | {"period_to_year": 2019}
    response = client.get(EXPORTS, backwards)
    assert response.status_code == 200
    assert "The end of the period must be on or after its start." in response.content.decode()


def test_pseudonyms_use_a_key_of_their_own_not_the_secret_key_itself(settings):
    """Whoever holds SECRET_KEY's signing uses (a forged form) learns nothing of pseudonyms,
    and the pseudonym key can be set apart from SECRET_KEY."""
    child = ChildFactory.build(council_id=1, local_id="C-MADEUP-1")
    message = f"{child.council_id}:{child.local_id}".encode()
    under_secret_key = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256)
    assert pseudonym(child) != f"P-{under_secret_key.hexdigest()[:16].upper()}"
    derived = pseudonym(child)
    settings.HOMEWARD_PSEUDONYM_KEY = "a-made-up-pseudonym-key"
    assert pseudonym(child) not in (derived, "")
    settings.SECRET_KEY = "another-made-up-secret-key"
    kept = pseudonym(child)
    settings.SECRET_KEY = "yet-another-made-up-secret-key"
    assert pseudonym(child) == kept
