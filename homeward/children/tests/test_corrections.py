"""Correcting a child's details and a placement: the services, the pages and the history."""

import datetime as dt
from zoneinfo import ZoneInfo

import lxml.html
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from homeward.accounts import roles
from homeward.accounts.tests.people import staff
from homeward.audit.models import Action, AuditEntry
from homeward.children.rules import (
    BORN_IN_FUTURE,
    PLACEMENT_BEFORE_BIRTH,
    PLACEMENT_ENDS_BEFORE_START,
)
from homeward.children.services import (
    child_allocate,
    child_born_problems,
    child_update,
    placement_update,
)
from homeward.children.tests.factories import ChildFactory, PlacementFactory
from homeward.core.concurrency import ChangedByAnotherUser
from homeward.councils.models import Council
from homeward.councils.tests.factories import LocalityFactory, council
from homeward.episodes.tests.factories import EpisodeFactory
from homeward.exploitation.tests.factories import ScreeningFactory
from homeward.web.tests.edit_pages import date, form_as_given

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2020, 5, 17, 10, 0, tzinfo=LONDON)
TEAM = "Made-up team"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def messages_of(error: ValidationError) -> dict:
    return error.message_dict


# The services.


def test_a_child_is_corrected_and_its_version_moves_on():
    child = ChildFactory(first_name="Alfie", police_id="")
    saved = child_update(
        child=child, expected_version=1, first_name="  Alfred ", police_id="TV-MADE-UP"
    )
    assert (saved.first_name, saved.police_id, saved.version) == ("Alfred", "TV-MADE-UP", 2)


def test_a_child_changed_since_it_was_read_is_refused():
    child = ChildFactory(first_name="Alfie")
    child_update(child=child, expected_version=1, first_name="Alfred")
    with pytest.raises(ChangedByAnotherUser):
        child_update(child=child, expected_version=1, last_name="Madeup")
    child.refresh_from_db()
    assert (child.first_name, child.version) == ("Alfred", 2)


def test_a_child_keeps_the_rules_of_a_new_child():
    child = ChildFactory()
    with pytest.raises(ValidationError) as refused:
        child_update(
            child=child,
            expected_version=1,
            date_of_birth=dt.date(2021, 1, 1),
            sex="boy",
            ethnicity="XXXX",
        )
    problems = messages_of(refused.value)
    assert problems["date_of_birth"] == [BORN_IN_FUTURE.format(born="1 Jan 2021")]
    assert set(problems) == {"date_of_birth", "sex", "ethnicity"}
    child.refresh_from_db()
    assert child.version == 1


def test_a_date_of_birth_after_the_childs_records_is_refused_naming_each():
    child = ChildFactory(date_of_birth=dt.date(2006, 5, 17))
    EpisodeFactory(child=child, local_id="E-MADE-UP", last_seen_at=NOW - dt.timedelta(days=30))
    PlacementFactory(child=child, local_id="P-MADE-UP", start_date=dt.date(2019, 1, 1))
    ScreeningFactory(child=child, local_id="S-MADE-UP", completed_on=dt.date(2018, 6, 1))
    with pytest.raises(ValidationError) as refused:
        child_update(child=child, expected_version=1, date_of_birth=dt.date(2020, 5, 1))
    # Each record named, so that the coordinator knows which to check.
    named = " ".join(messages_of(refused.value)["date_of_birth"])
    for record in ("E-MADE-UP", "P-MADE-UP", "S-MADE-UP"):
        assert record in named
    child.refresh_from_db()
    assert child.date_of_birth == dt.date(2006, 5, 17)
    # A date of birth before every record is accepted.
    saved = child_update(child=child, expected_version=1, date_of_birth=dt.date(2007, 1, 1))
    assert saved.date_of_birth == dt.date(2007, 1, 1)


def test_an_empty_responsible_council_is_the_childs_own():
    other = Council.objects.exclude(pk=council().pk).first()
    child = ChildFactory(responsible_la=other)
    saved = child_update(child=child, expected_version=1, responsible_la=None)
    assert saved.responsible_la == child.council


def test_the_local_id_is_not_corrected_here():
    child = ChildFactory()
    with pytest.raises(TypeError, match="local_id"):
        child_update(child=child, expected_version=1, local_id="C-OTHER")


def test_a_placement_keeps_the_rules_of_a_new_one():
    placement = PlacementFactory(child__date_of_birth=dt.date(2006, 5, 17))
    with pytest.raises(ValidationError) as refused:
        placement_update(
            placement=placement,
            expected_version=1,
            start_date=dt.date(2005, 1, 1),
            end_date=dt.date(2004, 1, 1),
        )
    problems = messages_of(refused.value)
    assert problems["start_date"] == [
        PLACEMENT_BEFORE_BIRTH.format(start="1 Jan 2005", born="17 May 2006")
    ]
    assert problems["end_date"] == [
        PLACEMENT_ENDS_BEFORE_START.format(end="1 Jan 2004", start="1 Jan 2005")
    ]
    saved = placement_update(placement=placement, expected_version=1, end_date=dt.date(2020, 1, 1))
    assert (saved.end_date, saved.version) == (dt.date(2020, 1, 1), 2)


# The pages.

EDITS = {
    # role: whether they may correct a child and a placement
    roles.ADMINISTRATOR: True,
    roles.MISSING_COORDINATOR: True,
    roles.PRACTITIONER: False,
    roles.EXPLOITATION_LEAD: False,
    roles.POLICE_LIAISON: False,
}


@pytest.fixture
def world():
    here = LocalityFactory(name="Made-up here")
    child = ChildFactory(first_name="Keira", last_name="Madeup", home_locality=here)
    child_allocate(child=child, team=TEAM, allocated_on=dt.date(2020, 1, 1))
    ScreeningFactory(child=child)  # so that the exploitation lead sees the child too
    return child, PlacementFactory(child=child, provider_name="Made-up House"), here


def person(role: str, here):
    return staff(role, team=TEAM, localities=[here], username=f"made-up-{role}")


@pytest.mark.parametrize("role", EDITS)
def test_correcting_a_child_needs_a_role_that_records_children(client, world, role):
    child, _, here = world
    client.force_login(person(role, here))
    url = reverse("children:edit", args=[child.pk])
    page = client.get(url)
    shown = client.get(reverse("children:detail", args=[child.pk])).content.decode()
    if not EDITS[role]:
        assert page.status_code == 403
        assert client.post(url, {"first_name": "Other"}).status_code == 403
        assert url not in shown  # no link offered to a page they would be refused
        return
    assert url in shown
    data = form_as_given(client, url) | {"first_name": "Kiera", "police_id": "TV-MADE-UP-7"}
    assert client.post(url, data).status_code == 302
    child.refresh_from_db()
    assert (child.first_name, child.police_id, child.version) == ("Kiera", "TV-MADE-UP-7", 2)
    assert child.changed_by.username == f"made-up-{role}"


@pytest.mark.parametrize("role", EDITS)
def test_correcting_a_placement_needs_a_role_that_records_children(client, world, role):
    child, placement, here = world
    client.force_login(person(role, here))
    url = reverse("children:placement-edit", args=[placement.pk])
    shown = client.get(reverse("children:detail", args=[child.pk])).content.decode()
    if not EDITS[role]:
        assert client.get(url).status_code == 403
        assert url not in shown
        return
    assert url in shown
    data = form_as_given(client, url) | date("end_date", dt.date(2020, 2, 1))
    assert client.post(url, data).status_code == 302
    placement.refresh_from_db()
    assert (placement.end_date, placement.provider_name) == (dt.date(2020, 2, 1), "Made-up House")


def test_a_child_someone_may_not_see_is_not_found(client, world):
    _, _, here = world
    stranger = ChildFactory(first_name="Unseen", last_name="Madeup")
    placement = PlacementFactory(child=stranger)
    client.force_login(person(roles.PRACTITIONER, here))
    for name, pk in [
        ("children:history", stranger.pk),
        ("children:placement-history", placement.pk),
    ]:
        assert client.get(reverse(name, args=[pk])).status_code == 404


def test_a_refused_correction_is_shown_against_its_field_and_audited(client, world):
    child, _, here = world
    EpisodeFactory(child=child, local_id="E-MADE-UP", last_seen_at=NOW - dt.timedelta(days=30))
    user = person(roles.MISSING_COORDINATOR, here)
    client.force_login(user)
    url = reverse("children:edit", args=[child.pk])
    data = form_as_given(client, url) | date("date_of_birth", dt.date(2020, 5, 1))
    response = client.post(url, data)
    assert response.status_code == 200
    message = child_born_problems(child=child, date_of_birth=dt.date(2020, 5, 1))[0].message
    assert "E-MADE-UP" in message and escape(message) in response.content.decode()
    entry = AuditEntry.objects.get(action=Action.REFUSED)
    assert (entry.user, entry.object_id) == (user, str(child.pk))
    assert entry.details["tried"] == {"date_of_birth": "2020-05-01"}
    child.refresh_from_db()
    assert child.version == 1


def test_a_second_coordinator_correcting_the_same_child_is_refused(client, world):
    child, _, here = world
    url = reverse("children:edit", args=[child.pk])
    first = person(roles.MISSING_COORDINATOR, here)
    second = person(roles.ADMINISTRATOR, here)
    client.force_login(second)
    seconds_form = form_as_given(client, url)
    client.force_login(first)
    assert (
        client.post(url, form_as_given(client, url) | {"police_id": "TV-FIRST"}).status_code == 302
    )
    client.force_login(second)
    response = client.post(url, seconds_form | {"police_id": "TV-SECOND", "last_name": "Madeupp"})
    html = response.content.decode()
    assert response.status_code == 200
    assert f"made-up-{roles.MISSING_COORDINATOR} changed this record" in html
    assert "You changed this too" in html and "TV-FIRST" in html
    child.refresh_from_db()
    assert (child.police_id, child.last_name) == ("TV-FIRST", "Madeup")
    # The page now carries the new version with the second person's changes: saving is kept.
    again = dict(response.context["form"].data.items())
    assert client.post(url, again).status_code == 302
    child.refresh_from_db()
    assert (child.police_id, child.last_name) == ("TV-SECOND", "Madeupp")


def test_a_second_coordinator_correcting_the_same_placement_is_refused(client, world):
    _, placement, here = world
    url = reverse("children:placement-edit", args=[placement.pk])
    client.force_login(person(roles.ADMINISTRATOR, here))
    stale = form_as_given(client, url)
    placement_update(placement=placement, expected_version=1, provider_name="Made-up Lodge")
    response = client.post(url, stale | {"provider_name": "Made-up Hall"})
    assert response.status_code == 200
    assert "You changed this too" in response.content.decode()
    placement.refresh_from_db()
    assert placement.provider_name == "Made-up Lodge"


@pytest.mark.parametrize("role", EDITS)
def test_the_history_of_a_child_says_who_changed_what_in_words(client, world, role):
    child, _, here = world
    other = Council.objects.exclude(pk=council().pk).order_by("name").first()
    coordinator = person(roles.MISSING_COORDINATOR, here)
    child_update(
        child=child,
        expected_version=1,
        sex="female",
        ethnicity="WIRI",
        responsible_la=other,
        by=coordinator,
    )
    viewer = coordinator if role == roles.MISSING_COORDINATOR else person(role, here)
    client.force_login(viewer)
    url = reverse("children:history", args=[child.pk])
    assert url in client.get(reverse("children:detail", args=[child.pk])).content.decode()
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert f"Changed 17 May 2020, 10:00 by made-up-{roles.MISSING_COORDINATOR}" in html
    for label, before, after in [
        ("Sex", "Male", "Female"),
        ("Ethnicity", "White British (WBRI)", "White Irish (WIRI)"),
        ("Responsible council", str(child.council), str(other)),
    ]:
        assert row(html, label) == [before, after]
    # An imported child has no first entry of its own: the page says so.
    assert "by a bundle import" in html
    # Reading the history is a look at the child, in Who has looked.
    assert AuditEntry.objects.filter(
        action=Action.VIEW_CHILD, object_id=str(child.pk), user=viewer
    ).exists()


def row(html: str, label: str) -> list[str]:
    """The cells of the first history row whose header is `label`."""
    page = lxml.html.fromstring(html)
    for tr in page.iter("tr"):
        header = tr.find("th")
        if header is not None and header.text_content().strip() == label:
            return [" ".join(td.text_content().split()) for td in tr.findall("td")]
    raise AssertionError(f"No row {label}")


def test_other_names_postcode_and_address_are_corrected_on_the_page_and_shown(client, world):
    child, _, here = world
    client.force_login(person(roles.MISSING_COORDINATOR, here))
    url = reverse("children:edit", args=[child.pk])
    changes = {"other_names": "Jo", "postcode": "ox4 1ab", "address": "12 Mill Lane"}
    refused = client.post(url, form_as_given(client, url) | {"postcode": "Oxford"})
    assert "is not a UK postcode" in refused.content.decode()
    assert client.post(url, form_as_given(client, url) | changes).status_code == 302
    child.refresh_from_db()
    assert (child.other_names, child.postcode, child.address) == ("Jo", "OX4 1AB", "12 Mill Lane")
    shown = client.get(reverse("children:detail", args=[child.pk])).content.decode()
    assert "12 Mill Lane, OX4 1AB" in shown
    assert 'Change<span class="govuk-visually-hidden"> other names' in shown
