"""The review queue in a real browser: a coordinator finds a police notification waiting, sees
the candidates beside it, and links it to the right child."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from e2e.conftest import check_page
from homeward.accounts import roles
from homeward.accounts.tests.factories import PASSWORD, UserFactory
from homeward.children.tests.factories import ChildFactory
from homeward.councils.tests.factories import council
from homeward.episodes.models import Episode
from homeward.police.models import State
from homeward.police.services import notification_receive

# Transactional, because the live server reads from another thread.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def sign_in(page, username: str) -> None:
    page.goto("/accounts/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_coordinator_links_a_queued_notification_to_a_candidate(page):
    UserFactory(username="made-up-coordinator", roles=[roles.MISSING_COORDINATOR])
    twin = dict(last_name="Madeupson", date_of_birth=dt.date(2011, 4, 3), sex="male",
                postcode="ZZ1 1AA", address="1 Made-up Road")  # fmt: skip
    jordan = ChildFactory(first_name="Jordan", **twin)
    ChildFactory(first_name="Jayden", **twin)
    yesterday = dt.date.today() - dt.timedelta(days=1)
    data = {
        "police_ref": "MS-E2E-1",
        "event": "missing",
        "last_seen_at": f"{yesterday:%d/%m/%Y} 21:30",
        "first_name": "Jordon",
        "last_name": "Madeupson",
        "date_of_birth": "03/04/2011",
        "sex": "male",
        "postcode": "ZZ1 1AA",
        "risk": "High",
    }
    received = notification_receive(council=council(), force_name="Made-up Police", data=data)
    assert received.notification.state == State.REVIEW

    sign_in(page, "made-up-coordinator")
    page.get_by_role("link", name="Notifications").first.click()
    expect(page.get_by_role("link", name="Waiting for review (1)")).to_be_visible()
    page.locator("tr[data-ref='MS-E2E-1']").get_by_role("link", name="Review").click()
    expect(page.locator("#candidates")).to_contain_text("Jordon")
    check_page(page, "notification-review")
    page.get_by_role("button", name="Link to Jordan Madeupson").click()

    expect(page.get_by_role("alert")).to_contain_text(
        "Notification MS-E2E-1 is linked to Jordan Madeupson."
    )
    expect(page.locator("#what-became-of-it")).to_contain_text("Applied")
    assert Episode.objects.get().child == jordan
    page.get_by_role("link", name="Back to notifications").click()
    expect(page.get_by_role("link", name="Waiting for review (0)")).to_be_visible()


def test_a_coordinator_sees_what_moves_before_moving_a_wrongly_linked_episode(page):
    UserFactory(username="made-up-coordinator", roles=[roles.MISSING_COORDINATOR])
    wrong = ChildFactory(first_name="Kit", last_name="Knownson", police_id="PID-E2E-7")
    right = ChildFactory(first_name="Kat", last_name="Knownson")
    yesterday = dt.date.today() - dt.timedelta(days=1)
    data = {"police_ref": "MS-E2E-2", "event": "missing", "police_id": "PID-E2E-7",
            "last_seen_at": f"{yesterday:%d/%m/%Y} 21:30", "risk": "Amber-ish"}  # fmt: skip
    received = notification_receive(council=council(), force_name="Made-up Police", data=data)
    assert Episode.objects.get().child == wrong

    sign_in(page, "made-up-coordinator")
    page.goto(f"/notifications/{received.notification.pk}/")
    page.get_by_text("This link is wrong").click()
    page.locator("#link-is-wrong").get_by_label("The child's local id").fill(right.local_id)
    page.get_by_role("button", name="Move the episode to this child").click()
    expect(page.locator("#what-moves")).to_contain_text("risk grading history")
    expect(page.locator("#what-stays")).to_contain_text("Kit Knownson keeps their record")
    check_page(page, "notification-move-confirm")
    assert Episode.objects.get().child == wrong
    page.get_by_role("button", name="Yes, move episode").click()
    expect(page.get_by_role("alert")).to_contain_text("is moved from Kit Knownson to Kat Knownson")
    assert Episode.objects.get().child == right


def test_a_coordinator_checks_a_link_made_overnight_and_it_leaves_the_list(page):
    UserFactory(username="made-up-coordinator", roles=[roles.MISSING_COORDINATOR])
    ChildFactory(first_name="Kit", last_name="Knownson", police_id="PID-E2E-7")
    yesterday = dt.date.today() - dt.timedelta(days=1)
    data = {
        "police_ref": "MS-E2E-NIGHT",
        "event": "missing",
        "last_seen_at": f"{yesterday:%d/%m/%Y} 21:30",
        "first_name": "Kit",
        "last_name": "Knownson",
        "police_id": "PID-E2E-7",
        "risk": "Medium",
    }
    received = notification_receive(council=council(), force_name="Made-up Police", data=data)
    assert received.notification.state == State.APPLIED

    sign_in(page, "made-up-coordinator")
    page.get_by_role("link", name="Notifications").first.click()
    page.get_by_role("link", name="Linked automatically, to check (1)").click()
    page.locator("tr[data-ref='MS-E2E-NIGHT']").get_by_role("link", name="Check the link").click()
    expect(page.locator("#linked")).to_contain_text("Kit Knownson")
    check_page(page, "notification-check-link")
    page.get_by_role("button", name="The link is right").click()

    expect(page.get_by_role("alert")).to_contain_text(
        "The link of notification MS-E2E-NIGHT to Kit Knownson is checked"
    )
    expect(page.locator("#link-checked")).to_contain_text("Checked by made-up-coordinator")
    page.get_by_role("link", name="Back to notifications").click()
    expect(page.get_by_role("link", name="Linked automatically, to check (0)")).to_be_visible()
