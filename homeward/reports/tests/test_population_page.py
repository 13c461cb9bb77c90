"""The page where a council's data officer loads its population aged 0-17 by ethnic group:
what is loaded now, what a new file replaces, every problem of a refused file, who may."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from homeward.access.rules import NO_POPULATION_LOADS
from homeward.accounts import roles
from homeward.accounts.tests.people import staff
from homeward.audit.models import Action, AuditEntry
from homeward.benchmarks.ethnicity import population_load
from homeward.benchmarks.models import PopulationByEthnicity
from homeward.reports.forms import POPULATION_MAX_MB as MAX_MB

pytestmark = pytest.mark.django_db

PAGE = reverse("reports:population")
GOOD = (
    "ethnic_group,population_0_17\n"
    "White,80000\n"
    "Mixed or multiple ethnic groups,6000\n"
    "asian,8000\n"
    'black,"4,000"\n'
    "other,2000\n"
)
BAD = "ethnic_group,population_0_17\nWhite,90000\nPurple,10\nasian,lots\nwhite,5\nother,2000\n"


def post(client, text: str, source: str = "Census 2021, ONS table TS021", name="people.csv"):
    upload = SimpleUploadedFile(name, text.encode(), "text/csv")
    return client.post(PAGE, {"file": upload, "source": source})


def said(response) -> str:
    return " ".join(response.content.decode().split())


@pytest.fixture
def officer(client):
    user = staff(roles.MISSING_COORDINATOR)
    client.force_login(user)
    return user


def test_the_reports_page_links_the_page_for_those_who_may_load(client, officer):
    assert f'href="{PAGE}"' in client.get(reverse("reports:index")).content.decode()
    client.force_login(staff(roles.ANALYST))
    assert PAGE not in client.get(reverse("reports:index")).content.decode()


def test_the_page_says_nothing_is_loaded_yet_and_what_a_file_will_do(client, officer):
    page = said(client.get(PAGE))

    assert "No population by ethnic group is loaded for Oxfordshire yet" in page
    assert "Loading a file adds the five groups" in page


def test_a_good_file_is_loaded_audited_and_replaces_what_was_there(client, officer):
    population_load(
        data=GOOD.replace("80000", "70000").encode(),
        name="old.csv",
        council_code="931",
        source="Census 2011",
    )
    before = said(client.get(PAGE))
    assert "Census 2011" in before and "70,000" in before
    assert "by the server's operator (with the load-population-by-ethnicity command)" in before
    assert "Loading a file replaces these figures" in before

    response = post(client, GOOD)

    page = said(response)
    assert response.status_code == 200
    assert (
        "Loaded the population aged 0-17 of council 931 in 5 ethnic groups (100,000 children); "
        "5 group(s) changed." in page
    )
    assert "These figures replaced those from Census 2011" in page
    assert "70,000" in page and "80,000" in page  # before and now, side by side
    rows = PopulationByEthnicity.objects.filter(council_code="931")
    assert {(r.ethnic_group, r.population_0_17, r.source, r.loaded_by) for r in rows} == {
        ("white", 80_000, "Census 2021, ONS table TS021", officer),
        ("mixed", 6_000, "Census 2021, ONS table TS021", officer),
        ("asian", 8_000, "Census 2021, ONS table TS021", officer),
        ("black", 4_000, "Census 2021, ONS table TS021", officer),
        ("other", 2_000, "Census 2021, ONS table TS021", officer),
    }
    changes = AuditEntry.objects.filter(action=Action.CHANGE, user=officer)
    assert changes.filter(label__startswith="population aged 0-17").count() == 5
    same = said(post(client, GOOD))
    assert "0 group(s) changed" in same and "so nothing changed" in same
    assert "These figures replaced" not in same
    again = said(client.get(PAGE))
    assert f"by {officer.username}." in again


def test_a_bad_file_loads_nothing_lists_every_problem_and_is_audited(client, officer):
    post(client, GOOD)
    before = list(PopulationByEthnicity.objects.values_list("ethnic_group", "population_0_17"))

    response = post(client, BAD, source="Made-up source")

    page = said(response)
    assert "Nothing was loaded: 4 problems" in page
    for problem in [
        "people.csv, row 3, column ethnic_group: &#x27;Purple&#x27; is not one of DfE",
        "people.csv, row 4, column population_0_17: &#x27;lots&#x27; is not a whole number",
        "people.csv, row 5, column ethnic_group: The white group is in the file twice (row 2)",
        "people.csv, row 1, column ethnic_group: The file has no row for the mixed, black",
    ]:
        assert problem in page
    after = list(PopulationByEthnicity.objects.values_list("ethnic_group", "population_0_17"))
    assert after == before
    assert not PopulationByEthnicity.objects.filter(source="Made-up source").exists()
    assert "The figures loaded now are unchanged" in page
    refused = AuditEntry.objects.get(action=Action.REFUSED)
    assert refused.user == officer
    assert refused.details["tried"] == {"file": "people.csv", "source": "Made-up source"}
    assert len(refused.details["refused"]) == 4


def test_a_missing_source_or_file_is_asked_for_and_nothing_is_loaded(client, officer):
    response = client.post(PAGE, {"source": "  "})

    page = said(response)
    assert "Choose the CSV file of the population by ethnic group" in page
    assert "Say where the figures come from" in page
    assert not PopulationByEthnicity.objects.exists()


def test_a_file_too_large_is_refused_with_the_limit_before_it_is_read(client, officer):
    big = GOOD + "other,1\n" * (MAX_MB * 1024 * 1024 // 8 + 1)

    page = said(post(client, big))

    assert f"at most {MAX_MB} MB can be uploaded at once" in page
    assert "load-population-by-ethnicity" in page
    assert not PopulationByEthnicity.objects.exists()


@pytest.mark.parametrize(
    "role", [roles.ANALYST, roles.SCRUTINY, roles.EXPLOITATION_LEAD, roles.PRACTITIONER]
)
def test_a_role_that_does_not_make_the_returns_is_refused(client, role):
    client.force_login(staff(role))

    for response in (client.get(PAGE), post(client, GOOD)):
        assert response.status_code == 403
        assert escape(NO_POPULATION_LOADS) in response.content.decode()
    assert not PopulationByEthnicity.objects.exists()


def test_a_coordinator_whose_council_takes_the_data_role_away_is_refused(client, settings):
    # An installation that keeps named rows (the data officer's role) from coordinators.
    settings.HOMEWARD_ACCESS = {roles.MISSING_COORDINATOR: {"rows": "pseudonymised"}}
    client.force_login(staff(roles.MISSING_COORDINATOR))

    assert client.get(PAGE).status_code == 403
    assert post(client, GOOD).status_code == 403
    assert PAGE not in client.get(reverse("reports:index")).content.decode()
    assert not PopulationByEthnicity.objects.exists()
