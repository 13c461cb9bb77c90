import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from homeward.accounts import roles
from homeward.accounts.tests.factories import UserFactory
from homeward.children.tests.factories import ChildFactory
from homeward.councils.tests.factories import LocalityFactory
from homeward.episodes.models import Episode
from homeward.episodes.tests.factories import EpisodeFactory

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2020, 5, 17, 10, 0, tzinfo=LONDON)
HOUR = dt.timedelta(hours=1)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def coordinator(client):
    client.force_login(UserFactory(roles=[roles.MISSING_COORDINATOR]))
    return client


def when(prefix: str, day: int, month: int, year: int, time: str) -> dict:
    return {
        f"{prefix}_day": day,
        f"{prefix}_month": month,
        f"{prefix}_year": year,
        f"{prefix}_time": time,
    }


def episode_form(**extra) -> dict:
    return {
        "category": "missing",
        **when("last_seen_at", 16, 5, 2020, "21:30"),
        "risk": "high",
        "missing_from": "home",
        "legal_status": "child_in_need",
        "locality": "none",
        **extra,
    }


@pytest.mark.parametrize(
    "name", ["episodes:missing-now", "episodes:start"], ids=["missing-now", "start"]
)
@pytest.mark.parametrize("role", [roles.ANALYST, roles.SCRUTINY])
def test_it_refuses_people_who_see_counts_only(client, name, role):
    client.force_login(UserFactory(roles=[role]))
    assert client.get(reverse(name)).status_code == 403


def test_it_sends_someone_signed_out_to_sign_in(client):
    response = client.get(reverse("episodes:missing-now"))
    assert response.status_code == 302
    assert reverse("accounts:sign-in") in response.url


def test_missing_now_lists_open_episodes_high_risk_first(coordinator):
    EpisodeFactory(
        child=ChildFactory(first_name="Ruby", last_name="Sample"),
        last_seen_at=NOW - 30 * HOUR,
        returned_at=None,
        risk="low",
    )
    EpisodeFactory(
        child=ChildFactory(first_name="Alfie", last_name="Testwell"),
        last_seen_at=NOW - 2 * HOUR,
        returned_at=None,
        risk="high",
    )
    html = coordinator.get(reverse("episodes:missing-now")).content.decode()
    assert html.index("Alfie Testwell") < html.index("Ruby Sample")
    assert "2 open episodes" in html


def test_missing_now_sorts_by_hours_missing(coordinator):
    EpisodeFactory(
        child=ChildFactory(first_name="Ruby", last_name="Sample"),
        last_seen_at=NOW - 30 * HOUR,
        returned_at=None,
        risk="low",
    )
    EpisodeFactory(
        child=ChildFactory(first_name="Alfie", last_name="Testwell"),
        last_seen_at=NOW - 2 * HOUR,
        returned_at=None,
        risk="high",
    )
    html = coordinator.get(reverse("episodes:missing-now"), {"sort": "hours"}).content.decode()
    assert html.index("Ruby Sample") < html.index("Alfie Testwell")


def test_missing_now_filters_by_locality(coordinator):
    north, south = LocalityFactory(name="Made-up North"), LocalityFactory(name="Made-up South")
    EpisodeFactory(
        child=ChildFactory(first_name="Ruby", last_name="Sample"),
        locality=north,
        last_seen_at=NOW - 3 * HOUR,
        returned_at=None,
    )
    EpisodeFactory(
        child=ChildFactory(first_name="Alfie", last_name="Testwell"),
        locality=south,
        last_seen_at=NOW - 3 * HOUR,
        returned_at=None,
    )
    response = coordinator.get(reverse("episodes:missing-now"), {"locality": north.pk})
    html = response.content.decode()
    assert "Ruby Sample" in html
    assert "Alfie Testwell" not in html


def test_recording_an_episode_reads_the_time_as_uk_time(coordinator):
    child = ChildFactory()
    response = coordinator.post(reverse("episodes:record", args=[child.pk]), episode_form())
    assert response.status_code == 302
    episode = Episode.objects.get(child=child)
    # 21:30 BST is 20:30 UTC.
    assert episode.last_seen_at == dt.datetime(2020, 5, 16, 20, 30, tzinfo=dt.UTC)
    assert episode.created_by.groups.filter(name=roles.MISSING_COORDINATOR).exists()


def test_a_time_the_clocks_skipped_is_refused_in_the_error_summary(coordinator):
    child = ChildFactory()
    form = episode_form(**when("last_seen_at", 29, 3, 2020, "01:30"))
    response = coordinator.post(reverse("episodes:record", args=[child.pk]), form)
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "01:30 on 29 March 2020 did not happen in the UK" in html
    assert 'href="#id_last_seen_at_day"' in html
    assert not Episode.objects.filter(child=child).exists()


def test_the_service_refusal_is_shown_against_its_field(coordinator):
    child = ChildFactory()
    EpisodeFactory(child=child, last_seen_at=NOW - 5 * HOUR, returned_at=None)
    response = coordinator.post(reverse("episodes:record", args=[child.pk]), episode_form())
    assert "The child is still missing from episode" in response.content.decode()
    assert Episode.objects.filter(child=child).count() == 1


def test_marking_the_return(coordinator):
    episode = EpisodeFactory(last_seen_at=NOW - 20 * HOUR, returned_at=None)
    data = {**when("returned_at", 17, 5, 2020, "08:00"), "version": episode.version}
    response = coordinator.post(reverse("episodes:mark-returned", args=[episode.pk]), data)
    assert response.status_code == 302
    episode.refresh_from_db()
    assert episode.returned_at == dt.datetime(2020, 5, 17, 7, 0, tzinfo=dt.UTC)


def test_the_confirmation_of_a_return_says_when_its_interview_is_due(coordinator):
    episode = EpisodeFactory(last_seen_at=NOW - 20 * HOUR, returned_at=None)
    data = {**when("returned_at", 17, 5, 2020, "08:00"), "version": episode.version}
    url = reverse("episodes:mark-returned", args=[episode.pk])
    html = coordinator.post(url, data, follow=True).content.decode()
    assert "returned 17 May 2020 at 08:00." in html
    assert "A return home interview is due by 20 May 2020 at 08:00: due in 2 days 22 hours." in html


def test_the_confirmation_of_a_return_weeks_late_says_the_interview_is_overdue(coordinator):
    episode = EpisodeFactory(last_seen_at=NOW - 30 * 24 * HOUR, returned_at=None)
    data = {**when("returned_at", 20, 4, 2020, "10:00"), "version": episode.version}
    url = reverse("episodes:mark-returned", args=[episode.pk])
    html = coordinator.post(url, data, follow=True).content.decode()
    assert (
        "A return home interview was due by 23 Apr 2020 at 10:00: it is already overdue by 24 days."
        in html
    )
    assert "within 72 hours" not in html


def test_start_finds_the_child_before_recording(coordinator):
    ChildFactory(first_name="Maisie", last_name="Notreal", police_id="TV0000001")
    html = coordinator.get(reverse("episodes:start"), {"q": "TV0000001"}).content.decode()
    assert "Maisie Notreal" in html
    assert "Add a new child" in html


def edit_page_form(client, episode) -> dict:
    """The form as the edit page gives it, ready to post back."""
    context = client.get(reverse("episodes:edit", args=[episode.pk])).context
    form = context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name)
        widget = field.widget
        if hasattr(widget, "widgets_names"):
            parts = widget.decompress(value)
            data |= {
                f"{name}{s}": "" if p is None else p
                for s, p in zip(widget.widgets_names, parts, strict=True)
            }
        else:
            data[name] = "" if value is None else getattr(value, "pk", value)
    return data


def test_an_edit_records_who_changed_it(coordinator):
    episode = EpisodeFactory(last_seen_at=NOW - 20 * HOUR, returned_at=None, risk="low")
    data = edit_page_form(coordinator, episode) | {"risk": "high"}
    response = coordinator.post(reverse("episodes:edit", args=[episode.pk]), data)
    assert response.status_code == 302
    episode.refresh_from_db()
    assert (episode.risk, episode.version) == ("high", 2)
    assert episode.changed_by is not None


def test_a_second_coordinator_editing_the_same_episode_is_refused(client):
    episode = EpisodeFactory(last_seen_at=NOW - 20 * HOUR, returned_at=None, risk="low")
    first = UserFactory(username="made-up-first", roles=[roles.MISSING_COORDINATOR])
    second = UserFactory(username="made-up-second", roles=[roles.MISSING_COORDINATOR])
    client.force_login(second)
    seconds_form = edit_page_form(client, episode)
    client.force_login(first)
    first_form = edit_page_form(client, episode)
    client.post(reverse("episodes:edit", args=[episode.pk]), first_form | {"risk": "high"})
    client.force_login(second)
    response = client.post(
        reverse("episodes:edit", args=[episode.pk]), seconds_form | {"risk": "medium"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "made-up-first changed this record" in html
    assert "You changed this too" in html
    episode.refresh_from_db()
    assert episode.risk == "high"
    # The page now carries the new version, so saving again is accepted.
    again = {k: v for k, v in response.context["form"].data.items()}
    assert client.post(reverse("episodes:edit", args=[episode.pk]), again).status_code == 302
    episode.refresh_from_db()
    assert episode.risk == "medium"
