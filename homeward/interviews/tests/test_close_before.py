"""`homeward close-interviews`: closing every return owed before a date, with a reason."""

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError

from homeward.accounts import roles
from homeward.accounts.tests.people import staff
from homeward.audit.models import Action, AuditEntry, AuditHead
from homeward.audit.services import audit_record
from homeward.councils.tests.factories import council
from homeward.episodes.tests.factories import EpisodeFactory
from homeward.interviews.models import InterviewClosure
from homeward.interviews.selectors import owed_returns
from homeward.interviews.tests.factories import InterviewClosureFactory, ReturnInterviewFactory

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2023, 6, 1, 10, 0, tzinfo=LONDON)
REASON = "Before Homeward; interviews held on paper"
# Midnight starting 1 January 2023 in London: the first return kept owed is on it.
CUT = dt.datetime(2023, 1, 1, tzinfo=LONDON)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def returned(at: dt.datetime, **fields):
    return EpisodeFactory(last_seen_at=at - dt.timedelta(hours=5), returned_at=at, **fields)


@pytest.fixture
def history():
    """Returns before 1 January 2023: two owed, one interviewed, one declined, one closed
    already, one 'away' (never owed); and one on 1 January itself, owed."""
    owed = [returned(CUT - dt.timedelta(days=400)), returned(CUT - dt.timedelta(minutes=1))]
    completed = ReturnInterviewFactory(episode=returned(CUT - dt.timedelta(days=30))).episode
    declined = ReturnInterviewFactory(
        episode=returned(CUT - dt.timedelta(days=20)), outcome="declined", completed_at=None
    ).episode
    closed = InterviewClosureFactory(episode=returned(CUT - dt.timedelta(days=10)))
    returned(CUT - dt.timedelta(days=5), category="away")
    later = returned(CUT)
    return {"owed": owed, "settled": [completed, declined], "closed": closed, "later": later}


@pytest.fixture
def coordinator():
    return staff(roles.MISSING_COORDINATOR, username="made-up-coord")


def close(*extra, before="2023-01-01", reason=REASON, by="made-up-coord", code="931") -> str:
    out = StringIO()
    call_command(
        "close-interviews",
        *["--council", code, "--returned-before", before, "--reason", reason, "--by", by],
        *extra,
        stdout=out,
    )
    return out.getvalue()


def owed_now(user) -> set:
    return set(owed_returns(council=council(), now=NOW, user=user))


def test_every_return_owed_before_the_date_is_closed_by_the_person_and_audited(
    history, coordinator
):
    out = close(reason=f"  {REASON} ")
    assert "Closed 2 return(s) of" in out
    assert "1 return(s) on or after 1 January 2023 are still owed" in out
    closures = InterviewClosure.objects.exclude(pk=history["closed"].pk)
    assert {c.episode for c in closures} == set(history["owed"])
    assert {(c.reason, c.created_by) for c in closures} == {(REASON, coordinator)}
    # One audit entry for each closure, as a closure from its page writes.
    entries = AuditEntry.objects.filter(
        action=Action.CHANGE, object_type="interviews.interviewclosure"
    )
    assert sorted(int(e.object_id) for e in entries) == sorted(c.pk for c in closures)
    assert {(e.user, e.details["reason"]["after"]) for e in entries} == {(coordinator, REASON)}
    # Interviewed, declined and closed before are left as they were; the later return owed.
    assert history["closed"].reason == InterviewClosure.objects.get(pk=history["closed"].pk).reason
    assert owed_now(coordinator) == {history["later"]}


def test_all_or_nothing_when_an_audit_entry_cannot_be_written(history, coordinator):
    audit_record(action=Action.SEARCH)  # the chain has begun: its head row exists
    # The second closure's entry is refused by the database (its sequence number is taken):
    # the first closure, already written, goes with it.
    taken = AuditHead.objects.get().last_sequence + 2
    AuditEntry.objects.create(
        sequence=taken, action=Action.SEARCH, previous_hash="f" * 64, hash="e" * 64
    )
    with pytest.raises(IntegrityError):
        close()
    assert list(InterviewClosure.objects.all()) == [history["closed"]]


def test_a_dry_run_counts_and_changes_nothing(history, coordinator):
    out = close("--dry-run")
    assert "Dry run, nothing changed: 2 return(s)" in out
    assert "1 return(s) on or after 1 January 2023" in out
    assert InterviewClosure.objects.count() == 1
    assert not AuditEntry.objects.filter(action=Action.CHANGE).exists()
    assert owed_now(coordinator) == {*history["owed"], history["later"]}


def test_running_again_closes_nothing_more_and_says_so(history, coordinator):
    close()
    entries = AuditEntry.objects.count()
    out = close()
    assert "Nothing closed: no return of" in out
    assert "1 return(s) on or after 1 January 2023 are still owed" in out
    assert InterviewClosure.objects.count() == 3
    assert AuditEntry.objects.count() == entries


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"before": "2023-06-02"}, "2023-06-02 is in the future"),
        ({"before": "1/1/2023"}, "is not a date: give --returned-before as YYYY-MM-DD"),
        ({"reason": "   "}, "Enter why no interview will be recorded"),
        ({"code": "999"}, "There is no council with the DfE code '999'"),
        ({"code": "330"}, "made-up-coord does not work for"),
        ({"by": "nobody-here"}, "There is no user called 'nobody-here'"),
        ({"by": "made-up-worker"}, "made-up-worker may not close interviews owed"),
        ({"by": "made-up-gone"}, "made-up-gone's account is deactivated"),
    ],
)
def test_refused_in_words_and_nothing_closed(history, coordinator, change, says):
    staff(roles.PRACTITIONER, username="made-up-worker")
    gone = staff(roles.MISSING_COORDINATOR, username="made-up-gone")
    gone.is_active = False
    gone.save()
    err = StringIO()
    with pytest.raises(CommandError) as refused:
        call_command(
            "close-interviews",
            *["--council", change.get("code", "931")],
            *["--returned-before", change.get("before", "2023-01-01")],
            *["--reason", change.get("reason", REASON), "--by", change.get("by", "made-up-coord")],
            stderr=err,
        )
    assert says in f"{refused.value} {err.getvalue()}"
    assert InterviewClosure.objects.count() == 1
