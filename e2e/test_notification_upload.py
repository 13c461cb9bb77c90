"""Uploading a force's CSV file in a real browser: a coordinator chooses the file, and sees
what became of each row and every problem with its row and column."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from e2e.conftest import check_page
from homeward.accounts import roles
from homeward.accounts.tests.factories import PASSWORD, UserFactory
from homeward.children.tests.factories import ChildFactory
from homeward.councils.tests.factories import council
from homeward.police.models import Notification, State
from homeward.police.tokens import force_create

# Transactional, because the live server reads from another thread.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_coordinator_uploads_a_file_and_sees_each_row_and_problem(page, tmp_path):
    UserFactory(username="made-up-coordinator", roles=[roles.MISSING_COORDINATOR])
    force_create(name="Made-up Police", councils=[council()], by=None)
    ChildFactory(
        first_name="Jordan",
        last_name="Madeupson",
        date_of_birth=dt.date(2011, 4, 3),
        police_id="PID-E2E-1",
    )
    yesterday = f"{dt.date.today() - dt.timedelta(days=1):%d/%m/%Y}"
    path = tmp_path / "daily.csv"
    path.write_text(
        "force,police_ref,event,last_seen_at,first_name,last_name,date_of_birth,police_id\r\n"
        f"Made-up Police,MS-E2E-1,missing,{yesterday} 21:30,Jordan,Madeupson,03/04/2011,"
        "PID-E2E-1\r\n"
        "Made-up Police,MS-E2E-2,missing,31/02/2026 10:00,Sam,Madeup,01/01/2012,\r\n",
        encoding="utf-8",
    )
    page.goto("/accounts/sign-in/")
    page.fill("#id_username", "made-up-coordinator")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/notifications/")
    page.get_by_role("link", name="Upload a force's CSV file of notifications").click()
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="Upload").click()

    expect(page.locator("#summary")).to_contain_text("2 rows read from daily.csv")
    expect(page.locator("#problems")).to_contain_text("last_seen_at")
    check_page(page, "notification-upload")
    page.locator("#kept").get_by_role("link", name="MS-E2E-1").click()
    expect(page.locator("h1")).to_contain_text("MS-E2E-1")
    assert Notification.objects.get(police_ref="MS-E2E-1").state == State.APPLIED
