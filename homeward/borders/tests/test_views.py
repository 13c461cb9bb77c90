"""Every borders page for each role: who may open it, who is refused, and what it does."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from homeward.accounts import roles
from homeward.accounts.tests.people import staff
from homeward.audit.models import Action, AuditEntry
from homeward.borders.models import ChildContact, CouncilContact, EpisodeElsewhere, PlacedInEntry
from homeward.borders.register import placed_in_update
from homeward.borders.selectors import placing_council_recipients
from homeward.borders.tests.factories import CouncilContactFactory, PlacedInEntryFactory
from homeward.borders.views import CONTACT_REMOVED, ELSEWHERE_RECORDED, RECORDED_UNLINKED
from homeward.children.services import child_allocate
from homeward.children.tests.factories import ChildFactory
from homeward.councils.tests.factories import council
from homeward.episodes.tests.factories import LONDON, EpisodeFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2020, 5, 17, 10, 0, tzinfo=LONDON)
CASE_ROLES = [
    roles.ADMINISTRATOR,
    roles.MISSING_COORDINATOR,
    roles.PRACTITIONER,
    roles.EXPLOITATION_LEAD,
    roles.POLICE_LIAISON,
]
NO_CASE_ROLES = [roles.ANALYST, roles.SCRUTINY]
KEEPERS = [roles.ADMINISTRATOR, roles.MISSING_COORDINATOR]


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def signed_in(client, role):
    user = staff(role)
    client.force_login(user)
    return client, user


@pytest.fixture
def placed_in():
    """Keira, placed here by Camden, missing in March with no notice on the register."""
    child = ChildFactory(first_name="Keira", last_name="Notreal", responsible_la=council("202"))
    episode = EpisodeFactory(child=child, last_seen_at=dt.datetime(2020, 3, 2, 18, tzinfo=LONDON))
    return child, episode


def entry_post(**overrides):
    data = {
        "child_id": "",
        "first_name": "Keira",
        "last_name": "Notreal",
        "date_of_birth_day": "17",
        "date_of_birth_month": "5",
        "date_of_birth_year": "2006",
        "placing_council": str(council("202").pk),
        "legal_basis": "care_order",
        "provider_name": "Made-up House",
        "provider_urn": "SC000001",
        "admitted_on_day": "1",
        "admitted_on_month": "2",
        "admitted_on_year": "2020",
        "notified_on_day": "3",
        "notified_on_month": "2",
        "notified_on_year": "2020",
        "iro_name": "Jo Madeup",
        "iro_email": "jo.iro@camden.example.gov.uk",
    }
    return data | overrides


# The register list.


@pytest.mark.parametrize("role", CASE_ROLES)
def test_the_register_lists_only_the_entries_of_children_the_person_sees(client, role):
    client, user = signed_in(client, role)
    seen_child = ChildFactory(responsible_la=council("202"))
    child_allocate(child=seen_child, worker=user, allocated_on=dt.date(2020, 1, 1))
    PlacedInEntryFactory(child=seen_child, first_name="Seen", last_name="Madeup")
    PlacedInEntryFactory(child=None, first_name="Unlinked", last_name="Madeup")
    response = client.get(reverse("borders:register"))
    assert response.status_code == 200
    content = response.content.decode()
    sees_all = role in KEEPERS
    assert ("Unlinked Madeup" in content) is sees_all
    if role == roles.PRACTITIONER or sees_all:
        assert "Seen Madeup" in content


@pytest.mark.parametrize("role", NO_CASE_ROLES)
def test_roles_without_case_pages_are_refused_the_register_and_flags(client, role):
    client, _ = signed_in(client, role)
    entry = PlacedInEntryFactory()
    for url in (
        reverse("borders:register"),
        reverse("borders:unregistered"),
        reverse("borders:entry", args=[entry.pk]),
        reverse("borders:record"),
    ):
        assert client.get(url).status_code == 403


def test_the_register_filters_by_who_left_and_by_placing_council(client):
    client, _ = signed_in(client, roles.MISSING_COORDINATOR)
    PlacedInEntryFactory(first_name="Here", last_name="Now")
    PlacedInEntryFactory(first_name="Gone", last_name="Away", discharged_on=dt.date(2020, 4, 1))
    PlacedInEntryFactory(first_name="From", last_name="Greenwich", placing_council=council("203"))
    now = client.get(reverse("borders:register")).content.decode()
    assert "Here Now" in now and "Gone Away" not in now
    left = client.get(reverse("borders:register"), {"status": "left"}).content.decode()
    assert "Gone Away" in left and "Here Now" not in left
    greenwich = client.get(
        reverse("borders:register"), {"status": "all", "placing_council": council("203").pk}
    ).content.decode()
    assert "From Greenwich" in greenwich and "Here Now" not in greenwich


def test_a_practitioner_cannot_open_an_entry_of_a_child_they_do_not_see(client):
    client, _ = signed_in(client, roles.PRACTITIONER)
    entry = PlacedInEntryFactory(child=ChildFactory(responsible_la=council("202")))
    assert client.get(reverse("borders:entry", args=[entry.pk])).status_code == 404


# Recording a notice.


@pytest.mark.parametrize("role", CASE_ROLES)
def test_only_coordinators_and_administrators_record_notices(client, role):
    client, _ = signed_in(client, role)
    response = client.get(reverse("borders:record"))
    assert response.status_code == (200 if role in KEEPERS else 403)


def test_recording_the_notice_clears_the_flag_and_links_the_child(client, placed_in):
    child, episode = placed_in
    client, _ = signed_in(client, roles.MISSING_COORDINATOR)
    page = client.get(reverse("children:detail", args=[child.pk])).content.decode()
    assert "Nobody told us Keira was placed here" in page
    response = client.post(reverse("borders:record"), entry_post())
    entry = PlacedInEntry.objects.get()
    assert response.status_code == 302
    assert entry.child == child  # matched by name and date of birth
    page = client.get(reverse("children:detail", args=[child.pk])).content.decode()
    assert "Nobody told us" not in page
    assert "jo.iro@camden.example.gov.uk" in page  # the IRO is now the child's contact


def test_a_notice_with_problems_is_refused_field_by_field_and_audited(client):
    client, _ = signed_in(client, roles.MISSING_COORDINATOR)
    bad = entry_post(iro_email="not an address", admitted_on_year="2021")
    response = client.post(reverse("borders:record"), bad)
    assert response.status_code == 200
    assert not PlacedInEntry.objects.exists()
    content = response.content.decode()
    assert escape("'not an address' is not an email address.") in content
    assert escape("The admission (1 Feb 2021) is in the future.") in content
    assert AuditEntry.objects.filter(action=Action.REFUSED).exists()


def test_the_installations_own_council_is_not_offered_as_placing_council(client):
    client, _ = signed_in(client, roles.MISSING_COORDINATOR)
    response = client.post(
        reverse("borders:record"), entry_post(placing_council=str(council("931").pk))
    )
    assert "Select a valid choice" in response.content.decode()
    assert not PlacedInEntry.objects.exists()


def test_a_notice_for_nobody_we_know_waits_to_be_linked_or_created(client):
    client, _ = signed_in(client, roles.MISSING_COORDINATOR)
    response = client.post(reverse("borders:record"), entry_post(first_name="Unknown"), follow=True)
    assert escape(RECORDED_UNLINKED) in response.content.decode()
    entry = PlacedInEntry.objects.get()
    assert entry.child is None
    response = client.post(
        reverse("borders:create-child", args=[entry.pk]),
        {"version": entry.version, "sex": "female"},
    )
    entry.refresh_from_db()
    assert entry.child.responsible_la == council("202")
    assert entry.child.is_placed_in


def test_linking_by_local_id_refuses_a_child_with_another_birthday(client):
    client, _ = signed_in(client, roles.MISSING_COORDINATOR)
    entry = PlacedInEntryFactory(child=None)
    other = ChildFactory(responsible_la=council("202"), date_of_birth=dt.date(2007, 1, 1))
    response = client.post(
        reverse("borders:link", args=[entry.pk]),
        {"version": entry.version, "child_id": other.local_id},
        follow=True,
    )
    entry.refresh_from_db()
    assert entry.child is None
    assert "but the child&#x27;s record has" in response.content.decode()


def test_a_discharge_moves_the_child_to_left(client):
    client, _ = signed_in(client, roles.MISSING_COORDINATOR)
    entry = PlacedInEntryFactory()
    page = client.get(reverse("borders:discharge", args=[entry.pk]))
    form = page.context["form"]
    data = {
        "version": form["version"].value(),
        "based_on": form["based_on"].value(),
        "discharged_on_day": "1",
        "discharged_on_month": "4",
        "discharged_on_year": "2020",
    }
    response = client.post(reverse("borders:discharge", args=[entry.pk]), data)
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.discharged_on == dt.date(2020, 4, 1)


# The flag.


@pytest.mark.parametrize("role", CASE_ROLES)
def test_the_list_of_children_nobody_told_us_about_follows_the_access_rule(client, role, placed_in):
    child, _ = placed_in
    client, user = signed_in(client, role)
    response = client.get(reverse("borders:unregistered"))
    assert response.status_code == 200
    sees = role in KEEPERS
    assert ("Keira Notreal" in response.content.decode()) is sees


def test_the_flag_shows_on_missing_now_and_the_episode(client):
    child = ChildFactory(first_name="Keira", last_name="Notreal", responsible_la=council("202"))
    episode = EpisodeFactory(
        child=child, last_seen_at=NOW - dt.timedelta(hours=5), returned_at=None
    )
    client, _ = signed_in(client, roles.MISSING_COORDINATOR)
    missing_now = client.get(reverse("episodes:missing-now")).content.decode()
    assert "Not on the placed-in register" in missing_now
    edit = client.get(reverse("episodes:edit", args=[episode.pk])).content.decode()
    assert "Not on the placed-in register that day" in edit
    PlacedInEntryFactory(child=child, admitted_on=dt.date(2020, 1, 1))
    missing_now = client.get(reverse("episodes:missing-now")).content.decode()
    assert "Not on the placed-in register" not in missing_now


# Episodes of our children in another council's area.


def elsewhere_post(**overrides):
    data = {
        "host_council": str(council("202").pk),
        "last_seen_at_day": "2",
        "last_seen_at_month": "3",
        "last_seen_at_year": "2020",
        "last_seen_at_time": "18:00",
        "returned_at_day": "3",
        "returned_at_month": "3",
        "returned_at_year": "2020",
        "returned_at_time": "09:00",
        "told_at_day": "3",
        "told_at_month": "3",
        "told_at_year": "2020",
        "told_at_time": "10:00",
        "police_reference": "MADEUP-1",
    }
    return data | overrides


def test_a_host_councils_notice_becomes_an_episode_on_the_childs_timeline(client):
    child = ChildFactory(first_name="Tyler", last_name="Sample")
    client, _ = signed_in(client, roles.MISSING_COORDINATOR)
    response = client.post(reverse("borders:elsewhere", args=[child.pk]), elsewhere_post())
    assert response.status_code == 302
    elsewhere = EpisodeElsewhere.objects.get()
    assert elsewhere.episode.child == child
    assert elsewhere.episode.police_reference == "MADEUP-1"
    page = client.get(reverse("children:detail", args=[child.pk]))
    content = page.content.decode()
    assert escape(ELSEWHERE_RECORDED.format(council="Camden", child=child)) in content
    assert escape("In Camden's area: they told us 3 Mar 2020 10:00") in content


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (roles.MISSING_COORDINATOR, 200),
        (roles.ADMINISTRATOR, 200),
        (roles.EXPLOITATION_LEAD, 404),  # may record episodes, but does not see this child
        (roles.ANALYST, 403),
    ],
)
def test_who_may_record_an_episode_elsewhere(client, role, status):
    child = ChildFactory()
    client, _ = signed_in(client, role)
    assert client.get(reverse("borders:elsewhere", args=[child.pk])).status_code == status


def test_a_placed_in_child_is_not_recorded_as_missing_elsewhere(client, placed_in):
    child, _ = placed_in
    client, _ = signed_in(client, roles.MISSING_COORDINATOR)
    response = client.post(reverse("borders:elsewhere", args=[child.pk]), elsewhere_post())
    assert response.status_code == 200
    assert "is placed here by another council" in response.content.decode()
    assert not EpisodeElsewhere.objects.exists()


# The contacts directory.


@pytest.mark.parametrize(
    ("role", "reads", "keeps"),
    [
        (roles.ADMINISTRATOR, True, True),
        (roles.MISSING_COORDINATOR, True, False),
        (roles.PRACTITIONER, False, False),
        (roles.POLICE_LIAISON, False, False),
        (roles.ANALYST, False, False),
    ],
)
def test_administrators_keep_the_directory_and_coordinators_read_it(client, role, reads, keeps):
    contact = CouncilContactFactory()
    client, _ = signed_in(client, role)
    assert client.get(reverse("borders:directory")).status_code == (200 if reads else 403)
    for url in (
        reverse("borders:contact-add"),
        reverse("borders:contact-edit", args=[contact.pk]),
        reverse("borders:contact-remove", args=[contact.pk]),
    ):
        assert client.get(url).status_code == (200 if keeps else 403)


def test_an_administrator_adds_and_removes_an_address_with_confirmation(client):
    client, _ = signed_in(client, roles.ADMINISTRATOR)
    response = client.post(
        reverse("borders:contact-add"),
        {
            "council": council("202").pk,
            "purpose": "missing",
            "email": "Missing@Camden.example.gov.uk",
            "name": "Missing team",
        },
    )
    assert response.status_code == 302
    contact = CouncilContact.objects.get()
    assert contact.email == "missing@camden.example.gov.uk"
    listed = client.get(reverse("borders:directory"), {"council": "202"}).content.decode()
    assert "missing@camden.example.gov.uk" in listed
    # Opening the removal page removes nothing; confirming it does, and is audited.
    client.get(reverse("borders:contact-remove", args=[contact.pk]))
    assert CouncilContact.objects.exists()
    response = client.post(reverse("borders:contact-remove", args=[contact.pk]), follow=True)
    assert not CouncilContact.objects.exists()
    assert (
        escape(CONTACT_REMOVED.format(email="missing@camden.example.gov.uk", council="Camden"))
        in response.content.decode()
    )
    assert AuditEntry.objects.filter(
        action=Action.CHANGE, details__removed__email="missing@camden.example.gov.uk"
    ).exists()


def test_a_council_without_addresses_says_so(client):
    client, _ = signed_in(client, roles.MISSING_COORDINATOR)
    listed = client.get(reverse("borders:directory"), {"council": "Camden"}).content.decode()
    assert "Nobody at Camden can be told by email" in listed


# A placed-in child's own contacts.


@pytest.mark.parametrize("role", [roles.PRACTITIONER, roles.POLICE_LIAISON, roles.ANALYST])
def test_only_those_who_keep_the_register_record_a_childs_contacts(client, role, placed_in):
    child, _ = placed_in
    client, _ = signed_in(client, role)
    response = client.post(
        reverse("borders:child-contact-add", args=[child.pk]),
        {"role": "iro", "email": "jo@camden.example.gov.uk"},
    )
    assert response.status_code == 403
    assert not ChildContact.objects.exists()


def test_a_coordinator_adds_the_childs_iro_who_is_then_told_instead_of_the_service(
    client, placed_in
):
    child, episode = placed_in
    CouncilContactFactory(purpose="iro", email="iros@camden.example.gov.uk")
    client, _ = signed_in(client, roles.MISSING_COORDINATOR)
    response = client.post(
        reverse("borders:child-contact-add", args=[child.pk]),
        {"role": "iro", "name": "Jo Madeup", "email": "Jo@Camden.example.gov.uk"},
        follow=True,
    )
    assert "jo@camden.example.gov.uk" in response.content.decode()
    assert [r.email for r in placing_council_recipients(episode=episode)] == [
        "jo@camden.example.gov.uk"
    ]
    contact = ChildContact.objects.get()
    client.get(reverse("borders:child-contact-remove", args=[contact.pk]))
    assert ChildContact.objects.exists()  # opening the page removes nothing
    client.post(reverse("borders:child-contact-remove", args=[contact.pk]))
    assert not ChildContact.objects.exists()
    assert [r.email for r in placing_council_recipients(episode=episode)] == [
        "iros@camden.example.gov.uk"
    ]


# Loading a file of notices on the web.


def test_an_uploaded_file_with_problems_loads_nothing_and_lists_them(client):
    client, _ = signed_in(client, roles.MISSING_COORDINATOR)
    header = "first_name,last_name,date_of_birth,placing_council_code,home_name,admitted_on\n"
    bad = header + "Ruby,Sample,31/02/2007,202,Made-up House,01/02/2020\n"
    response = client.post(
        reverse("borders:upload"),
        {"file": SimpleUploadedFile("notices.csv", bad.encode(), "text/csv")},
    )
    content = response.content.decode()
    assert "Nothing was loaded: 1 problem" in content
    assert "Row 2, column date_of_birth" in content
    assert not PlacedInEntry.objects.exists()
    good = (
        header.replace("\n", ",Key Worker\n")
        + "Ruby,Sample,28/02/2007,202,Made-up House,01/02/2020,Al\n"
    )
    response = client.post(
        reverse("borders:upload"),
        {"file": SimpleUploadedFile("notices.csv", good.encode(), "text/csv")},
    )
    assert "Added 1 register entry" in response.content.decode()
    assert "ignored column(s) Homeward does not know: Key Worker" in response.content.decode()
    assert PlacedInEntry.objects.get().created_by is not None


def test_a_correction_made_from_an_old_page_is_refused(client):
    client, _ = signed_in(client, roles.MISSING_COORDINATOR)
    entry = PlacedInEntryFactory()
    form = client.get(reverse("borders:edit", args=[entry.pk])).context["form"]
    data = {name: form[name].value() for name in ("version", "based_on")}
    data |= entry_post(first_name="Maisie", last_name="Fictional", provider_name="Renamed House")
    data.pop("child_id")
    placed_in_update(entry=entry, expected_version=entry.version, notes="Meanwhile")
    response = client.post(reverse("borders:edit", args=[entry.pk]), data)
    assert "while you were editing it" in response.content.decode()
    entry.refresh_from_db()
    assert entry.provider_name == "Made-up House" and entry.notes == "Meanwhile"


def test_two_councils_of_one_name_are_told_apart_by_their_code_in_the_choices(client):
    # Dorset (835, the county until 2019) and Dorset (838, the council since): choosing the
    # wrong one sends a placing council's notices to the wrong addresses.
    assert council("835").name == council("838").name == "Dorset"
    client, _ = signed_in(client, roles.ADMINISTRATOR)
    html = client.get(reverse("borders:contact-add")).content.decode()
    assert ">Dorset (835)</option>" in html and ">Dorset (838)</option>" in html
    assert ">Kent</option>" in html
