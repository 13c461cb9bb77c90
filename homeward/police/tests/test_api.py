"""The police notifications API: each answer it gives, that the same event sent twice is one,
that a token stops working the moment it is revoked or rotated, the rate limit, and the audit
entry every call leaves."""

import datetime as dt
import json

import pytest
import time_machine
from drf_spectacular.validation import validate_schema

from homeward.accounts import roles
from homeward.accounts.tests.people import staff
from homeward.audit.models import Action, AuditEntry
from homeward.children.tests.factories import ChildFactory
from homeward.episodes.models import Episode
from homeward.episodes.tests.factories import LONDON
from homeward.police import api
from homeward.police.models import ForceToken, Notification, State
from homeward.police.reading import COLUMNS
from homeward.police.tests.forces import (
    FORCE,
    URL,
    forget_rates,
    made_up_force,
    openapi_url,
    post,
    report,
)
from homeward.police.tokens import force_token_issue, force_token_revoke, force_token_rotate

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def frozen():
    forget_rates()
    with time_machine.travel(NOW, tick=False):
        yield
    forget_rates()


@pytest.fixture
def issued():
    return made_up_force()


@pytest.fixture
def child():
    return ChildFactory(
        first_name="Jordan",
        last_name="Madeupson",
        date_of_birth=dt.date(2011, 4, 3),
        sex="male",
        police_id="PID-1001",
    )


def calls() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=Action.API_CALL).order_by("sequence"))


def messages(response) -> dict:
    return {error["field"]: error["message"] for error in response.json()["errors"]}


def test_a_new_notification_is_kept_applied_and_answered_201(client, issued, child):
    response = post(client, report(), issued)
    assert response.status_code == 201
    body = response.json()
    notification = Notification.objects.get()
    assert body == {
        "id": notification.pk,
        "state": State.APPLIED,
        "outcome": notification.outcome,
        "already_received": False,
    }
    assert "Recorded a new missing episode" in body["outcome"]
    assert (notification.source, notification.force_name) == ("api", FORCE)
    assert (notification.force, notification.token) == (issued.token.force, issued.token)
    assert notification.council.code == "931" and "council" not in notification.raw
    assert Episode.objects.filter(child=child).count() == 1
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_same_event_sent_again_is_answered_200_and_changes_nothing(client, issued, child):
    first = post(client, report(), issued).json()
    # The same event, its time written another way.
    again = post(client, report(last_seen_at="2026-03-09T21:30:00+00:00"), issued)
    assert again.status_code == 200
    assert again.json() == first | {"already_received": True}
    assert Notification.objects.count() == 1
    assert Episode.objects.filter(child=child).count() == 1


def test_a_notification_that_cannot_be_read_is_kept_as_a_problem_and_answered_400(client, issued):
    response = post(client, report(event="vanished", date_of_birth="31/02/2011"), issued)
    assert response.status_code == 400
    body = response.json()
    kept = Notification.objects.get()
    assert (body["id"], body["state"], kept.state) == (kept.pk, "problem", State.PROBLEM)
    assert set(messages(response)) == {"event", "date_of_birth"}
    assert "'vanished' is not an event" in messages(response)["event"]
    again = post(client, report(event="vanished", date_of_birth="31/02/2011"), issued)
    assert again.status_code == 400 and again.json()["already_received"] is True
    assert Notification.objects.count() == 1


def test_without_a_token_the_answer_is_401(client, issued):
    response = post(client, report(), None)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert messages(response)[None] == api.NO_BEARER
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    "secret",
    [
        "",
        "not-a-token",
        "hwf_00000000_" + "x" * 43,  # our shape, but no such token
        "Basic dXNlcjpwYXNz",  # two words after Bearer
    ],
)
def test_a_wrong_token_is_answered_401(client, issued, secret):
    response = post(client, report(), secret=secret)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert not Notification.objects.exists()


def test_a_token_with_one_character_changed_is_refused(client, issued):
    last = issued.secret[-1]
    changed = issued.secret[:-1] + ("A" if last != "A" else "B")
    response = post(client, report(), secret=changed)
    assert response.status_code == 401
    assert messages(response)[None] == api.UNKNOWN_BEARER


def test_a_signed_in_person_without_a_token_is_refused_401(client, issued):
    """A session is not a way in, whoever it belongs to, and neither is the CSRF token."""
    client.force_login(staff(roles.ADMINISTRATOR))
    csrf = client.get("/accounts/sign-in/").cookies.get("csrftoken")
    extra = {"HTTP_X_CSRFTOKEN": csrf.value} if csrf else {}
    response = post(client, report(), None, **extra)
    assert response.status_code == 401
    assert not Notification.objects.exists()


def test_a_revoked_token_stops_working_at_once(client, issued):
    assert post(client, report(), issued).status_code == 201
    force_token_revoke(token=issued.token, by=None)
    response = post(client, report(police_ref="MS-0002"), issued)
    assert response.status_code == 401
    assert "was revoked on 10 Mar 2026 12:00" in messages(response)[None]
    assert Notification.objects.count() == 1


def test_a_rotated_token_stops_working_at_once_and_its_successor_works(client, issued):
    rotated = force_token_rotate(token=issued.token, by=None)
    assert post(client, report(), issued).status_code == 401
    assert post(client, report(), rotated).status_code == 201
    assert Notification.objects.get().token == rotated.token


def test_a_token_notes_when_it_was_last_used(client, issued):
    assert issued.token.last_used_at is None
    post(client, report(), issued)
    assert ForceToken.objects.get(pk=issued.token.pk).last_used_at == NOW


def test_a_tokens_last_use_is_written_down_at_most_once_a_minute(client, issued):
    post(client, report(), issued)
    with time_machine.travel(NOW + dt.timedelta(seconds=59), tick=False):
        post(client, report(police_ref="MS-0002"), issued)
    assert ForceToken.objects.get(pk=issued.token.pk).last_used_at == NOW
    later = NOW + dt.timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        post(client, report(police_ref="MS-0003"), issued)
    assert ForceToken.objects.get(pk=issued.token.pk).last_used_at == later


def test_a_force_may_send_only_for_the_councils_it_serves(client, issued):
    response = post(client, report(council="316"), issued)  # a real council it does not serve
    assert response.status_code == 403
    assert (
        "Made-up Shire Police does not send notifications for Newham"
        in messages(response)["council"]
    )
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    "council,message",
    [(None, api.COUNCIL_NEEDED), ("", api.COUNCIL_NEEDED), ("999", "no council with the DfE")],
)
def test_the_council_is_needed_and_must_exist(client, issued, council, message):
    body = report(council=council) if council is not None else report()
    if council is None:
        del body["council"]
    response = post(client, body, issued)
    assert response.status_code == 400
    assert message in messages(response)["council"]
    assert not Notification.objects.exists()


def test_a_body_over_64_kib_is_answered_413(client, issued):
    body = json.dumps(report(circumstances="x" * (64 * 1024)))
    response = post(client, body, issued)
    assert response.status_code == 413
    assert "may be at most 65536 bytes" in messages(response)[None]
    assert not Notification.objects.exists()


def test_a_body_of_64_kib_is_read(client, issued):
    body = json.dumps(report(circumstances="x" * 10))
    body = body.replace("x" * 10, "x" * (10 + 64 * 1024 - len(body)))
    assert len(body.encode()) == 64 * 1024
    response = post(client, body, issued)
    assert response.status_code == 400  # read: its circumstances are too long
    assert "circumstances" in messages(response)


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "text/plain"])
def test_a_body_that_is_not_json_is_answered_415(client, issued, content_type):
    body = "police_ref=MS-0001&event=missing"
    response = post(client, body, issued, content_type=content_type)
    assert response.status_code == 415
    assert content_type in messages(response)[None]
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    "body,says",
    [
        ("{not json", "The body is not valid JSON"),
        ("[1, 2]", api.NOT_AN_OBJECT),
        ('"missing"', api.NOT_AN_OBJECT),
        ("[" * 30_000 + "]" * 30_000, api.NESTED_TOO_DEEPLY),
    ],
)
def test_a_body_that_is_not_a_json_object_is_answered_400(client, issued, body, says):
    response = post(client, body, issued)
    assert response.status_code == 400
    assert says in messages(response)[None]
    assert not Notification.objects.exists()


LATIN_1 = '{"council": "931", "police_ref": "MS-0001", "event": "missing", "first_name": "Zoé"}'


@pytest.mark.parametrize(
    "body,content_type,says",
    [
        ("", "application/json", api.EMPTY_BODY),
        ("  \r\n", "application/json", api.EMPTY_BODY),
        (
            LATIN_1.encode("latin-1"),
            "application/json",
            "The body is not UTF-8 text: byte 82 (E9) cannot be read as UTF-8, as when a body "
            "is written in Latin-1 or Windows-1252. Write it in UTF-8",
        ),
        (
            LATIN_1.encode("latin-1"),
            "application/json; charset=ISO-8859-1",
            "The body was sent as 'ISO-8859-1' (the charset of its Content-Type): Homeward "
            "reads UTF-8 only. Send Content-Type: application/json, or application/json; "
            "charset=utf-8",
        ),
        (LATIN_1.encode(), "application/json; charset=made-up", "sent as 'made-up'"),
        (
            '{"council": "931",}',
            "application/json",
            "The body is not valid JSON: a field name in double quotes was expected, at line 1, "
            "column 19. Send one notification as a JSON object in UTF-8",
        ),
        (
            "{'council': '931'}",
            "application/json",
            "The body is not valid JSON: a field name in double quotes was expected, at line 1, "
            "column 2.",
        ),
        (
            '{"council": "931"} {}',
            "application/json",
            "there is more after the end of the JSON object, at line 1, column 20.",
        ),
    ],
)
def test_a_body_that_cannot_be_read_is_answered_400_in_words_with_what_to_send(
    client, issued, body, content_type, says
):
    # Sent as bytes, as they are: the test client would re-encode a body to its charset.
    body = body.encode() if isinstance(body, str) else body
    auth = f"Bearer {issued.secret}"
    response = client.generic("POST", URL, body, content_type, HTTP_AUTHORIZATION=auth)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    errors = response.json()["errors"]
    assert len(errors) == 1 and errors[0]["field"] is None
    assert says in errors[0]["message"] and errors[0]["message"].endswith("Nothing was kept.")
    assert "JSON parse error" not in errors[0]["message"]
    assert not Notification.objects.exists()


def test_a_body_in_utf_8_with_its_charset_said_is_read(client, issued):
    response = post(client, report().__or__({"first_name": "Zoé"}), issued,
                    content_type="application/json; charset=UTF-8")  # fmt: skip
    assert response.status_code in (201, 400)
    assert Notification.objects.get().raw["first_name"] == "Zoé"


def test_values_that_are_not_strings_and_unknown_fields_are_refused_by_name(client, issued):
    body = report(police_ref=1234, risk=None, sex=["male"], hair_colour="brown", age="14")
    response = post(client, body, issued)
    assert response.status_code == 400
    said = messages(response)
    assert set(said) == {"police_ref", "risk", "sex", "hair_colour", "age"}
    assert said["police_ref"] == api.NOT_TEXT.format(name="police_ref")
    assert said["hair_colour"] == api.NOT_A_FIELD.format(name="hair_colour")
    assert not Notification.objects.exists()


def test_a_character_no_database_can_store_is_refused(client, issued):
    response = post(client, report(first_name="Jor\u0000dan"), issued)
    assert response.status_code == 400
    assert "U+0000" in messages(response)["first_name"]
    assert not Notification.objects.exists()


def test_the_force_named_in_the_body_must_be_the_tokens(client, issued, child):
    response = post(client, report(force="Another Made-up Police"), issued)
    assert response.status_code == 400
    assert "This token is Made-up Shire Police's" in messages(response)["force"]
    assert post(client, report(force="made-up shire police"), issued).status_code == 201


def test_more_calls_than_the_rate_allows_are_answered_429(client, settings, issued, child):
    settings.HOMEWARD_API_RATE = "2/minute"
    # A second token of the same force shares its allowance; another force has its own.
    same_force = force_token_issue(force=issued.token.force, label="Spare", by=None)
    other = made_up_force("Another Made-up Police")
    assert post(client, report(), issued).status_code == 201
    assert post(client, report(), same_force).status_code == 200
    refused = post(client, report(police_ref="MS-0002"), issued)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert "may send at most 2 notifications a minute" in messages(refused)[None]
    assert post(client, report(police_ref="MS-0002"), same_force).status_code == 429
    assert not Notification.objects.filter(police_ref="MS-0002", force=issued.token.force)
    assert post(client, report(police_ref="MS-0003"), other).status_code == 201
    with time_machine.travel(NOW + dt.timedelta(seconds=61), tick=False):
        assert post(client, report(police_ref="MS-0002"), issued).status_code == 201


def test_only_post_is_answered(client, issued):
    response = client.get(URL, HTTP_AUTHORIZATION=f"Bearer {issued.secret}")
    assert response.status_code == 405
    assert "Only POST is answered" in messages(response)[None]


def test_every_call_is_audited_with_force_token_prefix_status_and_notification(
    client, issued, child
):
    created = post(client, report(), issued).json()
    post(client, report(), issued)
    post(client, report(council="316"), issued)
    force_token_revoke(token=issued.token, by=None)
    post(client, report(), issued)
    post(client, report(), None)
    entries = calls()
    seen = [
        (e.details["status"], e.details["force"], e.details["token"], e.details["notification"])
        for e in entries
    ]
    prefix = issued.token.prefix
    assert seen == [
        (201, FORCE, prefix, created["id"]),
        (200, FORCE, prefix, created["id"]),
        (403, FORCE, prefix, None),
        (401, FORCE, prefix, None),
        (401, "", "", None),
    ]
    first = entries[0]
    assert (first.object_type, first.object_id) == ("police.notification", str(created["id"]))
    assert first.username == f"{FORCE} (token {prefix})" and first.user is None
    assert first.details["already_received"] is False and entries[1].details["already_received"]
    assert first.ip == "127.0.0.1"
    secret_part = issued.secret[len(prefix) :]
    for entry in AuditEntry.objects.all():  # the secret is nowhere in the audit log
        assert secret_part not in json.dumps(entry.details) + entry.label + entry.username
        assert issued.token.secret_hash not in json.dumps(entry.details)


def test_the_openapi_document_describes_every_answer(client):
    response = client.get(openapi_url())
    assert response.status_code == 200
    document = response.json()
    validate_schema(document)  # a valid OpenAPI 3.0 document
    operation = document["paths"]["/api/v1/notifications"]["post"]
    assert set(operation["responses"]) == {"200", "201", "400", "401", "403", "413", "415", "429"}
    assert "Retry-After" in operation["responses"]["429"]["headers"]
    fields = document["components"]["schemas"]["NotificationInRequest"]
    assert set(fields["properties"]) == {"council", *COLUMNS}
    assert fields["required"] == ["council"] and fields["additionalProperties"] is False
    assert document["components"]["securitySchemes"]["forceToken"]["scheme"] == "bearer"


@pytest.mark.parametrize("method", ["options", "trace", "get"])
def test_a_method_other_than_post_is_refused_naming_post_alone(client, issued, method):
    response = getattr(client, method)(URL, HTTP_AUTHORIZATION=f"Bearer {issued.secret}")
    assert response.status_code == 405
    assert response["Allow"] == "POST"


def test_a_call_that_fails_is_audited_too(client, issued, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("A made-up failure")

    monkeypatch.setattr(api, "notification_receive", broken)
    with pytest.raises(RuntimeError, match="made-up failure"):
        post(client, report(), issued)
    assert [(e.details["status"], e.details["token"]) for e in calls()] == [
        (500, issued.token.prefix)
    ]


def test_a_field_given_twice_is_refused_by_name_not_read_as_the_last(client, issued, child):
    body = json.dumps(report())[:-1] + ', "first_name": "Zed", "risk": "Low", "risk": "High"}'
    response = post(client, body, issued)
    assert response.status_code == 400
    said = messages(response)
    assert set(said) == {"first_name", "risk"}
    assert said["risk"] == api.GIVEN_TWICE.format(name="risk")
    assert not Notification.objects.exists()


def test_a_body_starting_with_a_utf_8_byte_order_mark_is_read(client, issued, child):
    body = b"\xef\xbb\xbf" + json.dumps(report()).encode()
    response = post(client, body, issued)
    assert response.status_code == 201
    assert Notification.objects.get().raw["first_name"] == "Jordan"


def test_a_body_sent_in_chunks_without_its_length_is_refused_saying_so(client, issued):
    auth = f"Bearer {issued.secret}"
    response = client.generic(
        "POST",
        URL,
        b"",
        "application/json",
        HTTP_AUTHORIZATION=auth,
        HTTP_TRANSFER_ENCODING="chunked",
    )
    assert response.status_code == 400
    assert messages(response)[None] == api.NO_LENGTH
    assert not Notification.objects.exists()


def test_a_council_other_than_this_homewards_is_refused_even_when_the_force_serves_it(client):
    issued = made_up_force(codes=("931", "316"))
    response = post(client, report(council="316"), issued)
    assert response.status_code == 403
    assert messages(response)["council"] == api.NOT_THIS_HOMEWARD.format(
        here="Oxfordshire (931)", council="Newham (316)"
    )
    assert not Notification.objects.exists()


def test_a_report_the_episode_rules_refuse_is_answered_alike_each_time_it_is_sent(
    client, issued, child
):
    from homeward.episodes.tests.factories import EpisodeFactory

    EpisodeFactory(
        child=child, last_seen_at=NOW - dt.timedelta(days=3), returned_at=NOW - dt.timedelta(days=1)
    )
    body = report(last_seen_at="06/03/2026 09:00", reported_at="06/03/2026 10:00")
    first, again = post(client, body, issued), post(client, body, issued)
    assert (first.status_code, again.status_code) == (400, 400)
    assert first.json()["state"] == "problem" and again.json()["already_received"]
    assert first.json()["errors"] == again.json()["errors"]
    assert "overlaps episode" in messages(first)["last_seen_at"]
