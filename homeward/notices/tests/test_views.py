"""The placing councils' pages for each role: the list, the preview and send, how else they
were told; refused to those who may not see the child or work with named children."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils.html import escape

from homeward.accounts import roles
from homeward.accounts.tests.factories import UserFactory
from homeward.children.models import Allocation
from homeward.notices.models import NoticeKind, PlacingCouncilNotice
from homeward.notices.selectors import NO_CONTACT
from homeward.notices.services import CHANGED_SINCE_PREVIEW, TOLD_BEFORE
from homeward.notices.views import SENT, TOLD

from .conftest import IRO, KENT_MISSING, NOW

pytestmark = pytest.mark.django_db


def _user(role, child=None):
    user = UserFactory(roles=[role])
    if child is not None:
        Allocation.objects.create(child=child, worker=user, allocated_on=dt.date(2025, 1, 1))
    return user


def _send_url(episode):
    return reverse("notices:send", kwargs={"pk": episode.pk, "kind": NoticeKind.MISSING})


def _told_url(episode):
    return reverse("notices:told", kwargs={"pk": episode.pk, "kind": NoticeKind.MISSING})


def test_the_coordinator_previews_exactly_what_is_sent_and_sends_it(
    client, mailbox, coordinator, kent_contacts, episode
):
    client.force_login(coordinator)
    listed = client.get(reverse("notices:index")).content.decode()
    assert "Send the notification to Kent" in listed
    assert "Maisie Madeup" in listed

    preview = client.get(_send_url(episode))
    text = preview.content.decode()
    assert KENT_MISSING in text and IRO in text
    assert "Police reference: TV-MADEUP-0001" in text
    previewed = preview.context["form"]["previewed"].value()

    sent = client.post(_send_url(episode), {"previewed": previewed}, follow=True)
    assert SENT.format(council="Kent", count=2) in sent.content.decode()
    assert len(mailbox.messages) == 2
    body = mailbox.messages[0].get_content().replace("\r\n", "\n")
    assert body.split("Please acknowledge")[0] in text.replace("&#x27;", "'")
    listed = client.get(reverse("notices:index")).content.decode()
    assert "Send the notification to Kent" not in listed
    assert "Awaiting" in listed


def test_a_preview_that_no_longer_matches_is_refused(
    client, mailbox, coordinator, kent_contacts, episode
):
    client.force_login(coordinator)
    previewed = client.get(_send_url(episode)).context["form"]["previewed"].value()
    episode.risk = "low"
    episode.save()
    page = client.post(_send_url(episode), {"previewed": previewed})
    assert escape(CHANGED_SINCE_PREVIEW) in page.content.decode()
    assert not PlacingCouncilNotice.objects.exists()
    assert mailbox.messages == []
    # The new preview carries its own digest: sending it now works.
    renewed = page.context["form"]["previewed"].value()
    assert renewed != previewed
    client.post(_send_url(episode), {"previewed": renewed})
    assert PlacingCouncilNotice.objects.get().episode == episode


def test_no_contact_is_shown_with_what_to_do(client, coordinator, episode):
    client.force_login(coordinator)
    problem = NO_CONTACT.format(council="Kent")
    assert problem in client.get(reverse("notices:index")).content.decode()
    assert (
        problem in client.get(reverse("episodes:edit", kwargs={"pk": episode.pk})).content.decode()
    )
    told = client.post(
        _told_url(episode),
        {
            "how": "By phone to Kent's duty team (made-up officer).",
            "told_at_day": "3",
            "told_at_month": "3",
            "told_at_year": "2026",
            "told_at_time": "09:30",
        },
        follow=True,
    )
    assert TOLD.format(council="Kent") in told.content.decode()
    notice = PlacingCouncilNotice.objects.get()
    assert notice.told_at == NOW - dt.timedelta(minutes=30)
    assert problem not in client.get(reverse("notices:index")).content.decode()


@pytest.mark.parametrize(
    ("role", "allocated", "lists", "sends"),
    [
        (roles.ADMINISTRATOR, False, True, True),
        (roles.MISSING_COORDINATOR, False, True, True),
        (roles.PRACTITIONER, True, True, True),
        (roles.PRACTITIONER, False, False, False),  # not their child
        (roles.EXPLOITATION_LEAD, False, False, False),  # not a repeat or screened child
    ],
)
def test_each_role_sees_and_sends_only_for_children_it_may_see(
    client, kent_contacts, episode, role, allocated, lists, sends
):
    client.force_login(_user(role, episode.child if allocated else None))
    listed = client.get(reverse("notices:index"))
    assert listed.status_code == 200
    assert ("Maisie Madeup" in listed.content.decode()) is lists
    assert client.get(_send_url(episode)).status_code == (200 if sends else 404)
    assert client.get(_told_url(episode)).status_code == (200 if sends else 404)


@pytest.mark.parametrize("role", [roles.ANALYST, roles.SCRUTINY])
def test_roles_without_named_children_are_refused(client, kent_contacts, episode, role):
    client.force_login(_user(role))
    assert client.get(reverse("notices:index")).status_code == 403
    assert client.get(_send_url(episode)).status_code == 403
    assert client.post(_told_url(episode), {"how": "x"}).status_code == 403
    assert not PlacingCouncilNotice.objects.exists()


def test_signed_out_people_are_sent_to_sign_in(client, episode):
    for url in (reverse("notices:index"), _send_url(episode)):
        assert client.get(url).status_code == 302


def test_a_time_told_before_the_child_went_missing_is_refused_in_words(
    client, coordinator, episode
):
    # A year typed wrong (2025 for 2026) would count as told within 24 hours in the report.
    client.force_login(coordinator)
    told = client.post(
        _told_url(episode),
        {
            "how": "By phone to Kent's duty team (made-up officer).",
            "told_at_day": "3",
            "told_at_month": "3",
            "told_at_year": "2025",
            "told_at_time": "09:30",
        },
    )
    assert told.status_code == 200
    assert escape(TOLD_BEFORE.format(event="the child was last seen")) in told.content.decode()
    assert not PlacingCouncilNotice.objects.exists()
