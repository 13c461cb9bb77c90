"""The upload page: a coordinator's CSV file of notifications, read as the command reads it,
what became of each row shown after it, and only to those who may record episodes."""

import datetime as dt

import lxml.html
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from homeward.accounts import roles
from homeward.accounts.tests.factories import UserFactory
from homeward.accounts.tests.people import staff
from homeward.audit.models import Action, AuditEntry
from homeward.children.tests.factories import ChildFactory
from homeward.councils.tests.factories import council
from homeward.episodes.tests.factories import LONDON
from homeward.police.models import Notification, Source, State
from homeward.police.services import notification_receive
from homeward.police.tokens import force_create
from homeward.police.upload_forms import CHOOSE_FILE, TOO_LARGE
from homeward.police.upload_views import ANOTHER_COUNCIL

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=LONDON)
FORCE = "Made-up Shire Police"
HEADER = "force,police_ref,event,event_at,last_seen_at,first_name,last_name,date_of_birth,police_id"
REPORT = (
    f"{FORCE},MS-0001,missing,09/03/2026 22:00,09/03/2026 21:30,Jordan,Madeupson,03/04/2011,"
    "PID-1001"
)
UNKNOWN_CHILD = f"{FORCE},MS-0002,missing,,09/03/2026 19:00,Avery,Notknown,01/01/2012,"
BAD_TIME = f"{FORCE},MS-0003,missing,,31/02/2026 10:00,Sam,Madeup,01/01/2012,"
URL = "/notifications/upload/"


@pytest.fixture(autouse=True)
def registered():
    """The made-up force is registered to send notifications for the council."""
    return force_create(name=FORCE, councils=[council()], by=None)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def child():
    return ChildFactory(
        first_name="Jordan",
        last_name="Madeupson",
        date_of_birth=dt.date(2011, 4, 3),
        police_id="PID-1001",
    )


def csv_file(*rows, header=HEADER, name="daily.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ("\r\n".join([header, *rows]) + "\r\n").encode())


def post(client, user, upload, **fields):
    client.force_login(user)
    return client.post(URL, {"file": upload, **fields})


def text(response) -> str:
    assert response.status_code == 200
    return " ".join(lxml.html.fromstring(response.content).text_content().split())


def table(response, table_id: str) -> list[list[str]]:
    page = lxml.html.fromstring(response.content)
    return [
        [" ".join(cell.text_content().split()) for cell in row.xpath("td")]
        for row in page.xpath(f'//table[@id="{table_id}"]/tbody/tr')
    ]


def coordinator():
    return UserFactory(roles=[roles.MISSING_COORDINATOR])


def test_the_page_is_at_the_notifications_address_with_a_file_upload():
    assert reverse("notifications:upload") == URL


def test_a_coordinator_uploads_a_file_and_sees_what_became_of_each_row(client, child):
    response = post(client, coordinator(), csv_file(REPORT, BAD_TIME, UNKNOWN_CHILD))
    said = text(response)
    assert "3 rows read from daily.csv for Oxfordshire (931):" in said
    assert "1 notification applied" in said
    assert "1 waiting for review" in said
    assert "1 could not be read" in said
    assert "daily.csv: read as UTF-8 text." in said
    problems = table(response, "problems")
    assert problems == [
        [
            "3",
            "last_seen_at",
            "'31/02/2026 10:00' is not a date read day first, as dates are written in the UK "
            "(DD/MM/YYYY). Check the day and the month, or write it as YYYY-MM-DD.",
        ]
    ]
    kept = table(response, "kept")
    assert [row[:3] for row in kept] == [
        ["2", "MS-0001", "Applied"],
        ["3", "MS-0003", "Could not be read"],
        ["4", "MS-0002", "Waiting for review"],
    ]
    applied = Notification.objects.get(police_ref="MS-0001")
    assert kept[0][3] == applied.outcome and applied.outcome
    links = lxml.html.fromstring(response.content).xpath('//table[@id="kept"]//a/@href')
    by_row = Notification.objects.order_by("source_row")
    assert links == [reverse("notifications:detail", args=[n.pk]) for n in by_row]
    assert applied.source == Source.UPLOAD and applied.source_name == "daily.csv"
    assert applied.source_row == 2


def test_the_same_file_uploaded_twice_changes_nothing_and_says_so(client, child):
    user = coordinator()
    post(client, user, csv_file(REPORT, UNKNOWN_CHILD))
    response = post(client, user, csv_file(REPORT, UNKNOWN_CHILD))
    assert "2 already received (the same event): nothing changed" in text(response)
    assert [row[2] for row in table(response, "kept")] == [
        "Already received: nothing changed (applied)",
        "Already received: nothing changed (waiting for review)",
    ]
    assert Notification.objects.count() == 2


def test_a_file_that_is_not_csv_is_refused_and_nothing_is_kept(client):
    workbook = SimpleUploadedFile("daily.xlsx", b"PK\x03\x04" + bytes(range(256)))
    response = post(client, coordinator(), workbook)
    said = text(response)
    assert "Nothing was kept from daily.xlsx" in said
    assert "This file is an Excel workbook (or another zipped file), not a CSV file." in said
    assert not Notification.objects.exists()


def test_a_file_without_police_ref_is_refused_with_its_row_and_column(client):
    response = post(client, coordinator(), csv_file("a,b", header="force,event"))
    said = text(response)
    assert "Row 1, column police_ref: This is not a file of police notifications" in said
    assert not Notification.objects.exists()


def test_an_unknown_column_and_a_windows_1252_file_are_said(client, child):
    body = f"{HEADER},Officer\r\n{UNKNOWN_CHILD.replace('Avery', 'Zoë')},DC Madeup\r\n"
    upload = SimpleUploadedFile("ansi.csv", body.encode("cp1252"))
    said = text(post(client, coordinator(), upload))
    assert "read as Windows-1252 text" in said
    assert "the column 'Officer' was not read" in said
    assert Notification.objects.get().raw["first_name"] == "Zoë"


def test_a_file_too_large_is_refused_with_the_limit(client, settings):
    settings.HOMEWARD_NOTIFICATION_UPLOAD_MAX_MB = 1
    big = csv_file(*([UNKNOWN_CHILD] * 14_000))
    assert big.size > 1024 * 1024
    response = post(client, coordinator(), big)
    said = text(response)
    assert TOO_LARGE.format(size=big.size / 1024 / 1024, limit=1) in said
    assert not Notification.objects.exists()


def test_no_file_chosen_is_said(client):
    client.force_login(coordinator())
    response = client.post(URL, {"force": ""})
    assert CHOOSE_FILE in text(response)


def test_the_force_given_on_the_page_serves_rows_without_one(client, child):
    header = HEADER.removeprefix("force,")
    upload = csv_file(REPORT.removeprefix(f"{FORCE},"), header=header)
    post(client, coordinator(), upload, force="Made-up Shire Police")
    notification = Notification.objects.get()
    assert notification.force_name == FORCE and notification.state == State.APPLIED


def test_the_upload_is_audited_as_by_the_person(client, child):
    user = coordinator()
    post(client, user, csv_file(REPORT))
    entry = AuditEntry.objects.get(action=Action.IMPORT)
    assert entry.user == user
    assert entry.details["source"] == Source.UPLOAD
    assert Notification.objects.get().created_by == user


@pytest.mark.parametrize("role", [roles.ANALYST, roles.SCRUTINY])
def test_a_role_that_may_not_record_episodes_is_refused_and_nothing_is_kept(client, role):
    user = UserFactory(roles=[role])
    client.force_login(user)
    assert client.get(URL).status_code == 403
    assert post(client, user, csv_file(UNKNOWN_CHILD)).status_code == 403
    assert not Notification.objects.exists()


def test_someone_signed_out_is_sent_to_sign_in(client):
    response = client.post(URL, {"file": csv_file(UNKNOWN_CHILD)})
    assert response.status_code == 302 and "/accounts/" in response["Location"]
    assert not Notification.objects.exists()


def test_a_coordinator_of_another_council_is_refused(client):
    user = staff(roles.MISSING_COORDINATOR, council=council("933"))
    client.force_login(user)
    response = client.post(URL, {"file": csv_file(UNKNOWN_CHILD)})
    assert response.status_code == 403
    page = " ".join(lxml.html.fromstring(response.content).text_content().split())
    assert ANOTHER_COUNCIL.format(council=council("931").name) in page
    assert not Notification.objects.exists()


def test_a_practitioner_may_not_upload_a_file_that_could_concern_any_child(client, child):
    """A file's rows may make episodes for children the practitioner may not see, and would
    tell them which child ids exist: only those who see every child may upload."""
    practitioner = staff(roles.PRACTITIONER, team="Made-up team")
    response = post(client, practitioner, csv_file(REPORT, UNKNOWN_CHILD))
    assert response.status_code == 403
    assert not Notification.objects.exists()


def test_another_councils_notifications_are_never_shown(client, child):
    """The same event received for another council is that council's: uploading it here
    makes this council's own notification, and shows nothing of the other's."""
    other = notification_receive(
        council=council("933"),
        force_name=FORCE,
        data=dict(zip(HEADER.split(","), UNKNOWN_CHILD.split(","), strict=True)),
    )
    response = post(client, coordinator(), csv_file(UNKNOWN_CHILD))
    assert "1 waiting for review" in text(response)
    assert "0 already received" in text(response)
    mine = Notification.objects.get(council=council("931"))
    assert mine.pk != other.notification.pk
    page = response.content.decode()
    assert f"/notifications/{other.notification.pk}/" not in page


def test_the_notifications_page_offers_the_upload(client):
    client.force_login(coordinator())
    page = lxml.html.fromstring(client.get(reverse("notifications:index")).content)
    assert page.xpath('//a[@id="upload-link"]/@href') == [URL]


def test_a_file_without_a_force_says_so_in_the_pages_words_not_the_commands(client, child):
    coordinator = UserFactory(roles=[roles.MISSING_COORDINATOR])
    without = HEADER.removeprefix("force,")
    said = text(
        post(client, coordinator, csv_file(REPORT.removeprefix(f"{FORCE},"), header=without))
    )
    assert "--force" not in said
    assert "fill in Force (optional) on this page" in said
    assert not Notification.objects.exists()
    header = "force,police_ref,event,last_seen_at,first_name,last_name,date_of_birth"
    row = ",MS-0005,missing,09/03/2026 19:00,Avery,Notknown,01/01/2012"
    said = text(post(client, coordinator, csv_file(row, header=header)))
    assert "--force" not in said
    assert "name the force for the whole file: Force (optional) on the upload page" in said
