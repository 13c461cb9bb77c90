"""Attacks through input: stored script in every free-text field, forged requests (CSRF),
and ids in URLs that name a record the person may not see (IDOR)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from homeward.access.tests.test_matrix import ALL_ROUTES, url_for
from homeward.accounts import roles
from homeward.accounts.tests.people import staff
from homeward.audit.models import Action, AuditEntry
from homeward.children.models import Child
from homeward.children.services import child_allocate
from homeward.children.tests.factories import ChildFactory, PlacementFactory
from homeward.config.tests.more_records import border_and_email_records
from homeward.councils.tests.factories import LocalityFactory
from homeward.episodes.models import Episode
from homeward.episodes.tests.factories import EpisodeFactory
from homeward.escalations.tests.factories import EscalationFactory
from homeward.exploitation.models import Screening
from homeward.exploitation.tests.factories import ScreeningFactory
from homeward.interviews.models import ReturnInterview
from homeward.interviews.tests.factories import ReturnInterviewFactory
from homeward.panel.tests.factories import PanelActionFactory
from homeward.police.models import ForceToken
from homeward.police.tests.factories import NotificationFactory
from homeward.police.tests.forces import made_up_force
from homeward.reports.models import PaperDraft

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2020, 5, 17, 10, 0, tzinfo=LONDON)
HOUR = dt.timedelta(hours=1)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def payload(field: str) -> str:
    """Script that would run if a page put the field into HTML unescaped."""
    return f'<script>alert("{field}")</script><img src=x onerror="alert(1)">'


FIELDS = [
    "first_name",
    "last_name",
    "police_id",
    "locality",
    "provider_name",
    "found_location",
    "reported_by",
    "conducted_by",
    "findings",
    "chair",
    "agencies",
    "notes",
    "reason",
    "summary",
    "description",
    "owner",
]


@pytest.fixture
def hostile():
    """Made-up records with script in every free-text field, all visible to a coordinator."""
    area = LocalityFactory(name=payload("locality")[:100])
    child = ChildFactory(
        first_name=payload("first_name"),
        last_name=payload("last_name"),
        police_id=payload("police_id")[:64],
        home_locality=area,
    )
    PlacementFactory(child=child, provider_name=payload("provider_name"), locality=area)
    EpisodeFactory(child=child, locality=area, last_seen_at=NOW - 5 * HOUR, returned_at=None)
    back = EpisodeFactory(
        child=child,
        locality=area,
        last_seen_at=NOW - 40 * HOUR,
        found_location=payload("found_location"),
        reported_by=payload("reported_by"),
    )
    ReturnInterviewFactory(
        episode=back,
        outcome="no_contact",
        conducted_by=payload("conducted_by"),
        findings=payload("findings"),
    )
    EpisodeFactory(child=child, locality=area, last_seen_at=NOW - 100 * HOUR)
    PanelActionFactory(
        discussion__child=child,
        discussion__meeting__chair=payload("chair")[:200],
        discussion__meeting__agencies=payload("agencies"),
        discussion__meeting__notes=payload("notes"),
        discussion__reason=payload("reason"),
        discussion__summary=payload("summary"),
        description=payload("description"),
        owner=payload("owner")[:200],
    )
    return child, back


def pages(child, back) -> list[tuple[str, dict]]:
    """Every page that shows one of the fields, with the query that makes it show them."""
    return [
        (reverse("children:detail", args=[child.pk]), {}),
        (reverse("children:search"), {"q": child.local_id}),
        (reverse("episodes:start"), {"q": child.local_id}),
        (reverse("episodes:missing-now"), {}),
        (reverse("episodes:missing-now-table"), {}),
        (reverse("interviews:due"), {}),
        (reverse("exploitation:repeat-missing"), {}),
        (reverse("dashboard:home"), {}),
        (reverse("dashboard:missing-now-table"), {}),
        (reverse("episodes:edit", args=[back.pk]), {}),
        (reverse("episodes:mark-returned", args=[back.pk]), {}),
        (reverse("interviews:record", args=[back.pk]), {}),
        (reverse("exploitation:record-screening", args=[child.pk]), {}),
        (reverse("episodes:record", args=[child.pk]), {}),
        (reverse("panel:index"), {}),
        (
            reverse("panel:meeting", args=[child.panel_discussions.get().meeting_id]),
            {},
        ),
    ]


def test_script_in_any_free_text_field_is_escaped_on_every_page(client, hostile):
    coordinator = staff(roles.MISSING_COORDINATOR)
    child_allocate(child=hostile[0], worker=coordinator, allocated_on=NOW.date())
    client.force_login(coordinator)
    shown = set()
    for url, query in [*pages(*hostile), (reverse("children:mine"), {})]:
        response = client.get(url, query)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "<script>alert(" not in html, url
        assert "<img src=x" not in html, url
        shown |= {field for field in FIELDS if f"alert(&quot;{field}&quot;)" in html}
    # Every field was on some page, escaped: the test saw each payload, not an empty page.
    assert shown == set(FIELDS)


def test_script_in_a_locality_name_is_escaped_in_the_report(client, hostile):
    client.force_login(staff(roles.MISSING_COORDINATOR))
    query = {
        "period_from_day": 1,
        "period_from_month": 1,
        "period_from_year": 2020,
        "period_to_day": 16,
        "period_to_month": 5,
        "period_to_year": 2020,
    }
    for url in (reverse("reports:index"), reverse("reports:download", args=["html"])):
        response = client.get(url, query)
        assert response.status_code == 200
        html = response.content.decode()
        assert "<script>alert(" not in html and "<img src=x" not in html, url


# CSRF: every route refuses a POST that does not carry the CSRF token. The police
# notifications API takes no session, so no CSRF token either: a session's post to it is
# refused as carrying no force's token (401), and its document answers GET alone (405).
REFUSED_OTHERWISE = {"api:notifications": 401, "api:openapi": 405}


@pytest.mark.parametrize("name", [name for name, _ in ALL_ROUTES])
def test_every_route_refuses_a_post_without_the_csrf_token(name):
    child = ChildFactory()
    episode = EpisodeFactory(child=child)
    forged = Client(enforce_csrf_checks=True)
    forged.force_login(staff(roles.MISSING_COORDINATOR))
    before = (Child.objects.count(), Episode.objects.count(), ReturnInterview.objects.count())
    action = PanelActionFactory(discussion__child=child)
    panel = {"meeting": action.discussion.meeting, "discussion": action.discussion}
    records = {"child": child, "episode": episode, "returned": episode, "action": action}
    records |= {
        "placement": PlacementFactory(child=child),
        "interview": ReturnInterviewFactory(episode=episode),
        "screening": ScreeningFactory(child=child),
        "person": staff(roles.PRACTITIONER),
        "allocation": child_allocate(child=child, team="Made-up team"),
    }
    issued = made_up_force()
    records |= {"force": issued.token.force, "force_token": issued.token}
    records["notification"] = NotificationFactory()
    records["escalation"] = EscalationFactory(trigger=episode)
    records["paper"] = PaperDraft.objects.create(
        council_code="931", period_from=dt.date(2020, 1, 1), period_to=dt.date(2020, 6, 30)
    )
    records |= border_and_email_records(child)
    before = (Child.objects.count(), Episode.objects.count(), ReturnInterview.objects.count())
    url = url_for(name, records | panel)
    response = forged.post(url, {"first_name": "Forged", "outcome": "declined"})
    assert response.status_code == REFUSED_OTHERWISE.get(name, 403)
    assert ForceToken.objects.filter(revoked_at=None).count() == 1
    after = (Child.objects.count(), Episode.objects.count(), ReturnInterview.objects.count())
    assert after == before


# IDOR: a person who may record, posting to a record they may not see, gets 404 and
# changes nothing; the same post to their own record works (so the test is not vacuous).


def recording_forms():
    day = {"completed_on_day": 16, "completed_on_month": 5, "completed_on_year": 2020}
    seen = {"last_seen_at_day": 16, "last_seen_at_month": 5, "last_seen_at_year": 2020}
    return {
        "episodes:record": (
            "fresh",
            seen | {"last_seen_at_time": "21:30", "category": "missing"}
            | {"missing_from": "home", "legal_status": "child_in_need", "locality": "none"},
        ),
        "episodes:mark-returned": (
            "open",
            {"returned_at_day": 17, "returned_at_month": 5, "returned_at_year": 2020}
            | {"returned_at_time": "08:00", "version": 1},
        ),
        "interviews:record": ("returned", {"outcome": "declined"}),
        "exploitation:record-screening": ("child", day | {"outcome": "low"}),
    }  # fmt: skip


def counts():
    return (
        Episode.objects.filter(returned_at__isnull=True).count(),
        Episode.objects.count(),
        ReturnInterview.objects.count(),
        Screening.objects.count(),
    )


@pytest.mark.parametrize("name", list(recording_forms()))
def test_posting_to_a_record_you_may_not_see_is_refused_and_changes_nothing(client, name):
    practitioner = staff(roles.PRACTITIONER)
    records = {}
    for who in ("mine", "not mine"):
        child, fresh = ChildFactory(), ChildFactory()  # fresh: no episode to overlap
        if who == "mine":
            for allocated in (child, fresh):
                child_allocate(
                    child=allocated, worker=practitioner, allocated_on=dt.date(2020, 1, 1)
                )
        records[who] = {
            "fresh": fresh,
            "child": child,
            "open": EpisodeFactory(child=child, last_seen_at=NOW - 20 * HOUR, returned_at=None),
            "returned": EpisodeFactory(child=child, last_seen_at=NOW - 60 * HOUR),
        }
    kind, data = recording_forms()[name]
    client.force_login(practitioner)
    before = counts()
    response = client.post(reverse(name, args=[records["not mine"][kind].pk]), data)
    assert response.status_code == 404
    assert counts() == before
    response = client.post(reverse(name, args=[records["mine"][kind].pk]), data)
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert counts() != before


def test_an_edit_is_audited_with_before_and_after(client):
    coordinator = staff(roles.MISSING_COORDINATOR)
    episode = EpisodeFactory(last_seen_at=NOW - 20 * HOUR, returned_at=None, risk="low")
    client.force_login(coordinator)
    form = client.get(reverse("episodes:edit", args=[episode.pk])).context["form"]
    data = {}
    for field_name, field in form.fields.items():
        value = form.initial.get(field_name)
        if hasattr(field.widget, "widgets_names"):
            parts = field.widget.decompress(value)
            for suffix, part in zip(field.widget.widgets_names, parts, strict=True):
                data[f"{field_name}{suffix}"] = "" if part is None else part
        else:
            data[field_name] = "" if value is None else getattr(value, "pk", value)
    response = client.post(reverse("episodes:edit", args=[episode.pk]), data | {"risk": "high"})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action=Action.CHANGE)
    assert entry.details["risk"] == {"before": "low", "after": "high"}
    assert entry.details["version"] == {"before": 1, "after": 2}
    assert entry.object_id == str(episode.pk)
