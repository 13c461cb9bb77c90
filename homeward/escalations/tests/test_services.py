"""Raising escalations (once, again when the pattern recurs) and working them to a close."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from homeward.accounts import roles
from homeward.accounts.tests.people import staff
from homeward.audit.models import AuditEntry
from homeward.children.tests.factories import ChildFactory
from homeward.core.concurrency import ChangedByAnotherUser
from homeward.councils.tests.factories import council
from homeward.escalations import services
from homeward.escalations.models import Escalation, EscalationKind
from homeward.escalations.rules import HIGH_RISK, PLACED_IN_REPEAT, REPEAT, rule_named
from homeward.escalations.services import (
    escalation_close,
    escalation_refer_to_panel,
    escalation_update,
    escalations_raise_due,
    escalations_raise_for_child,
)
from homeward.escalations.tests.helpers import NOW, episodes_ago
from homeward.panel.models import PanelDiscussion
from homeward.panel.tests.factories import PanelMeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def raised(child, rule=REPEAT):
    return list(Escalation.objects.filter(child=child, rule=rule))


def test_three_episodes_in_30_days_raise_one_strategy_discussion_and_two_nothing():
    child = ChildFactory()
    episodes_ago(child, 25, 10)
    assert escalations_raise_for_child(child_id=child.pk, now=NOW) == 0
    *_, third = episodes_ago(child, 1)
    assert escalations_raise_for_child(child_id=child.pk, now=NOW) == 1
    (escalation,) = raised(child)
    assert escalation.kind == EscalationKind.STRATEGY_DISCUSSION
    assert escalation.trigger == third and escalation.episodes.count() == 3
    assert escalation.raised_at == NOW and escalation.is_open
    # Due two days after raising (HOMEWARD_ESCALATION_STRATEGY_DUE_DAYS).
    assert escalation.due_on == dt.date(2020, 5, 19)
    assert AuditEntry.objects.filter(object_id=str(escalation.pk), action="change").exists()


def test_checking_again_raises_nothing_more():
    child = ChildFactory()
    episodes_ago(child, 20, 10, 1)
    assert escalations_raise_due(NOW) == 1
    assert escalations_raise_due(NOW) == 0
    assert escalations_raise_for_child(child_id=child.pk, now=NOW) == 0
    assert len(raised(child)) == 1


def test_the_database_refuses_a_second_escalation_for_the_same_trigger():
    from django.db import IntegrityError, transaction

    child = ChildFactory()
    episodes_ago(child, 20, 10, 1)
    escalations_raise_for_child(child_id=child.pk, now=NOW)
    first = Escalation.objects.get(child=child)
    escalation_close(
        escalation=first, outcome="done", notes="Held.", expected_version=first.version
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Escalation.objects.create(
            council=first.council,
            local_id="ES-again",
            child=child,
            rule=REPEAT,
            kind=first.kind,
            trigger=first.trigger,
            raised_at=NOW,
            due_on=first.due_on,
        )


def test_two_open_escalations_of_one_rule_cannot_both_be_stored():
    """Two checks at once each find the pattern: the database keeps only one open."""
    from django.db import IntegrityError, transaction

    child = ChildFactory()
    *_, third, fourth = episodes_ago(child, 20, 10, 2, 1)
    assert services._raise(rule_named(REPEAT), child, third.pk, [third.pk], NOW)
    # The second raise, for another trigger, is refused by the database and says nothing.
    assert services._raise(rule_named(REPEAT), child, fourth.pk, [fourth.pk], NOW) is None
    assert len(raised(child)) == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Escalation.objects.create(
            council=child.council,
            local_id="ES-two",
            child=child,
            rule=REPEAT,
            kind="strategy_discussion",
            trigger=fourth,
            raised_at=NOW,
            due_on=NOW.date(),
        )


def test_a_later_episode_joins_the_open_escalation():
    child = ChildFactory()
    episodes_ago(child, 20, 10, 5)
    escalations_raise_for_child(child_id=child.pk, now=NOW)
    (fourth,) = episodes_ago(child, 1)
    assert escalations_raise_for_child(child_id=child.pk, now=NOW) == 0
    (escalation,) = raised(child)
    assert fourth in escalation.episodes.all() and escalation.episodes.count() == 4


def test_a_child_no_rule_could_escalate_is_checked_in_one_read_without_a_lock():
    # Most checks (after every police notification, every episode saved) find nothing to
    # do: they read the recent episodes (each saying whether an escalation is open), and
    # neither lock the child nor start a transaction.
    child = ChildFactory()
    episodes_ago(child, 20, 5, risk="medium")
    with CaptureQueriesContext(connection) as queries:
        assert escalations_raise_for_child(child_id=child.pk, now=NOW) == 0
    assert len(queries) == 1, [q["sql"] for q in queries]
    assert raised(child) == []


def test_after_closing_only_a_recurring_pattern_raises_again():
    child = _closed(10, 5)  # two more: with the earlier three, five in 30 days
    assert escalations_raise_for_child(child_id=child.pk, now=NOW) == 0
    (third_again,) = episodes_ago(child, 1)  # three since the closed one's last episode
    assert escalations_raise_for_child(child_id=child.pk, now=NOW) == 1
    latest = Escalation.objects.get(child=child, closed_at__isnull=True)
    assert latest.trigger == third_again and latest.episodes.count() == 3


def test_a_high_risk_episode_raises_a_screening_due():
    child = ChildFactory()
    episodes_ago(child, 3, risk="medium")
    assert escalations_raise_for_child(child_id=child.pk, now=NOW) == 0
    (high,) = episodes_ago(child, 1, risk="high")
    assert escalations_raise_for_child(child_id=child.pk, now=NOW) == 1
    (escalation,) = raised(child, HIGH_RISK)
    assert escalation.kind == EscalationKind.CE_SCREENING and escalation.trigger == high
    assert escalation.due_on == dt.date(2020, 5, 24)


def test_a_placed_in_child_missing_3_times_in_90_days_raises_a_plan_review():
    child = ChildFactory(responsible_la=council("825"))
    episodes_ago(child, 80, 45)
    assert escalations_raise_for_child(child_id=child.pk, now=NOW) == 0
    episodes_ago(child, 2)
    assert escalations_raise_for_child(child_id=child.pk, now=NOW) == 1
    (escalation,) = raised(child, PLACED_IN_REPEAT)
    assert escalation.kind == EscalationKind.PLAN_REVIEW
    # The council's own child with the same episodes is not placed in.
    own = ChildFactory()
    episodes_ago(own, 80, 45, 2)
    escalations_raise_for_child(child_id=own.pk, now=NOW)
    assert raised(own, PLACED_IN_REPEAT) == []


def test_an_episode_entered_in_error_is_not_counted():
    from homeward.in_error.services import in_error_mark

    child = ChildFactory()
    first, *_ = episodes_ago(child, 20, 10, 1)
    in_error_mark(record=first, reason="Another child's.", by=staff(roles.ADMINISTRATOR))
    assert escalations_raise_for_child(child_id=child.pk, now=NOW) == 0


def test_the_owner_is_the_only_person_of_the_role_or_the_one_named(settings):
    coordinator = staff(roles.MISSING_COORDINATOR, username="coord1")
    lead = staff(roles.EXPLOITATION_LEAD, username="lead1")
    assert (
        services.default_owner(council_id=council().pk, kind="strategy_discussion") == coordinator
    )
    assert services.default_owner(council_id=council().pk, kind="ce_screening") == lead
    staff(roles.MISSING_COORDINATOR, username="coord2")
    # Two coordinators: Homeward does not guess between them.
    assert services.default_owner(council_id=council().pk, kind="strategy_discussion") is None
    settings.HOMEWARD_ESCALATION_OWNERS = {"strategy_discussion": "coord2"}
    assert (
        services.default_owner(council_id=council().pk, kind="strategy_discussion").username
        == "coord2"
    )


def test_the_due_dates_come_from_the_settings(settings):
    settings.HOMEWARD_ESCALATION_SCREENING_DUE_DAYS = 1
    child = ChildFactory()
    episodes_ago(child, 1, risk="high")
    escalations_raise_for_child(child_id=child.pk, now=NOW)
    assert raised(child, HIGH_RISK)[0].due_on == dt.date(2020, 5, 18)


@pytest.fixture
def escalation():
    child = ChildFactory()
    episodes_ago(child, 20, 10, 1)
    escalations_raise_for_child(child_id=child.pk, now=NOW)
    return Escalation.objects.get(child=child)


def test_an_owner_and_due_date_change_is_audited_and_a_stale_one_refused(escalation):
    coordinator = staff(roles.MISSING_COORDINATOR)
    stale = Escalation.objects.get(pk=escalation.pk)
    changed = escalation_update(
        escalation=escalation,
        expected_version=escalation.version,
        by=coordinator,
        owner=coordinator,
        due_on=dt.date(2020, 5, 30),
    )
    assert (changed.owner, changed.due_on) == (coordinator, dt.date(2020, 5, 30))
    assert AuditEntry.objects.filter(object_id=str(escalation.pk), user=coordinator).exists()
    with pytest.raises(ChangedByAnotherUser):
        escalation_update(
            escalation=stale, expected_version=stale.version, by=coordinator, due_on=NOW.date()
        )


def test_an_owner_who_cannot_work_on_escalations_is_refused(escalation):
    practitioner = staff(roles.PRACTITIONER, username="pat")
    with pytest.raises(ValidationError) as refused:
        escalation_update(
            escalation=escalation, expected_version=escalation.version, owner=practitioner
        )
    assert refused.value.message_dict["owner"] == [services.OWNER_NOT_HERE.format(person="pat")]


def test_a_due_date_before_raising_is_refused(escalation):
    with pytest.raises(ValidationError) as refused:
        escalation_update(
            escalation=escalation, expected_version=escalation.version, due_on=dt.date(2020, 5, 1)
        )
    assert "due_on" in refused.value.message_dict


def test_closing_needs_an_outcome_and_a_sentence_and_happens_once(escalation):
    with pytest.raises(ValidationError) as refused:
        escalation_close(
            escalation=escalation, outcome="", notes=" ", expected_version=escalation.version
        )
    assert refused.value.message_dict == {
        "outcome": [services.OUTCOME_NEEDED],
        "outcome_notes": [services.NOTES_NEEDED],
    }
    coordinator = staff(roles.MISSING_COORDINATOR)
    closed = escalation_close(
        escalation=escalation,
        outcome="done",
        notes="Strategy discussion held with police and health.",
        expected_version=escalation.version,
        by=coordinator,
    )
    assert closed.closed_by == coordinator and not closed.is_open and closed.status == "closed"
    with pytest.raises(ValidationError, match="cannot be changed or closed again"):
        escalation_close(
            escalation=closed, outcome="done", notes="Again.", expected_version=closed.version
        )


def test_referring_to_the_panel_adds_the_child_to_a_coming_meeting(escalation):
    lead = staff(roles.EXPLOITATION_LEAD)
    meeting = PanelMeetingFactory(held_on=dt.date(2020, 6, 2))
    discussion = escalation_refer_to_panel(
        escalation=escalation,
        meeting=meeting,
        risk="high",
        reason="Missing three times in 20 days.",
        expected_version=escalation.version,
        by=lead,
    )
    assert discussion.child == escalation.child and discussion.meeting == meeting
    escalation.refresh_from_db()
    assert escalation.panel_discussion == discussion and escalation.referred_by == lead
    with pytest.raises(ValidationError, match="already referred"):
        escalation_refer_to_panel(
            escalation=escalation,
            meeting=meeting,
            risk="high",
            reason="Again.",
            expected_version=escalation.version,
        )


def test_a_child_already_on_the_meeting_is_not_added_twice(escalation):
    meeting = PanelMeetingFactory(held_on=dt.date(2020, 6, 2))
    from homeward.panel.tests.factories import PanelDiscussionFactory

    there = PanelDiscussionFactory(meeting=meeting, child=escalation.child)
    discussion = escalation_refer_to_panel(
        escalation=escalation,
        meeting=meeting,
        risk="high",
        reason="Missing again.",
        expected_version=escalation.version,
    )
    assert discussion == there and PanelDiscussion.objects.count() == 1


def test_a_meeting_already_held_is_refused(escalation):
    meeting = PanelMeetingFactory(held_on=dt.date(2020, 5, 5))
    with pytest.raises(ValidationError) as refused:
        escalation_refer_to_panel(
            escalation=escalation,
            meeting=meeting,
            risk="high",
            reason="Missing again.",
            expected_version=escalation.version,
        )
    assert refused.value.message_dict["meeting"] == [
        services.MEETING_PAST.format(held_on="5 May 2020")
    ]


def test_a_child_whose_episodes_are_written_together_is_checked_once_they_commit(
    django_capture_on_commit_callbacks,
):
    """Several of a child's episodes written in one transaction (a lot of a police file) ask
    for one check of the child, not one each; one asked in a savepoint undone is asked again."""
    first, second = ChildFactory(), ChildFactory()
    with django_capture_on_commit_callbacks() as checks:
        try:
            with transaction.atomic():
                services.escalations_check_after_commit(child_id=first.pk)
                raise ValueError("undone")
        except ValueError:
            pass
        services.escalations_check_after_commit(child_id=first.pk)
        services.escalations_check_after_commit(child_id=second.pk)
        services.escalations_check_after_commit(child_id=first.pk)
    assert [check.keywords["child_id"] for check in checks] == [first.pk, second.pk]


def test_the_children_checked_when_a_transaction_commits_are_read_together(
    django_capture_on_commit_callbacks,
):
    """Whether any rule may act for the children whose episodes one transaction wrote is read
    for them all at once: checking five quiet children costs what checking one does, and a
    child among them whose episodes make a pattern is still raised."""
    quiet = [ChildFactory() for _ in range(6)]
    for child in quiet:
        episodes_ago(child, 20)
    repeated = ChildFactory()
    episodes_ago(repeated, 20, 10, 1)

    def checked(children) -> int:
        with (
            CaptureQueriesContext(connection) as queries,
            django_capture_on_commit_callbacks(execute=True),
            transaction.atomic(),
        ):
            for child in children:
                services.escalations_check_after_commit(child_id=child.pk)
        return len(queries.captured_queries)

    assert checked(quiet[:5]) == checked(quiet[5:])
    checked([repeated, *quiet])
    assert len(raised(repeated)) == 1 and not Escalation.objects.filter(child__in=quiet)


def _open_with_all_its_episodes():
    child = ChildFactory()
    episodes_ago(child, 20, 10, 5)
    escalations_raise_for_child(child_id=child.pk, now=NOW)
    return child


def _open_and_a_later_episode():
    child = _open_with_all_its_episodes()
    episodes_ago(child, 1)
    return child


def _two_open(*later_days):
    child = ChildFactory()
    episodes_ago(child, 20, 10)
    episodes_ago(child, 5, risk="high")
    escalations_raise_for_child(child_id=child.pk, now=NOW)
    assert len(raised(child)) == len(raised(child, HIGH_RISK)) == 1
    episodes_ago(child, *later_days)
    return child


def _open_and_a_later_away_episode():
    child = _open_with_all_its_episodes()
    episodes_ago(child, 1, category="away")
    return child


def _closed(*later_days):
    child = ChildFactory()
    episodes_ago(child, 28, 27, 26)
    escalations_raise_for_child(child_id=child.pk, now=NOW)
    (first,) = raised(child)
    escalation_close(
        escalation=first, outcome="done", notes="Held.", expected_version=first.version
    )
    episodes_ago(child, *later_days)
    return child


def _high_risk_screened():
    child = ChildFactory()
    episodes_ago(child, 3, risk="high")
    escalations_raise_for_child(child_id=child.pk, now=NOW)
    (screening,) = raised(child, HIGH_RISK)
    escalation_close(escalation=screening, outcome="done", notes="Screened.", expected_version=1)
    episodes_ago(child, 1, risk="medium")
    return child


def _missing_3_times_in_90_days(**child_values):
    child = ChildFactory(**child_values)
    episodes_ago(child, 80, 45, 2)
    return child


SCENARIOS = {
    "two in 30 days": (lambda: episodes_ago(ChildFactory(), 20, 10)[0].child, False),
    "three in 30 days": (lambda: episodes_ago(ChildFactory(), 20, 10, 1)[0].child, True),
    "an open one holding every episode": (_open_with_all_its_episodes, False),
    "an open one and a later episode": (_open_and_a_later_episode, True),
    "an open one and a later away episode": (_open_and_a_later_away_episode, False),
    "two open ones holding every episode": (_two_open, False),
    "two open ones and a later episode": (lambda: _two_open(1), True),
    "a closed one and two more": (lambda: _closed(10, 5), False),
    "a closed one and three more": (lambda: _closed(10, 5, 1), True),
    "a closed screening and a medium-risk episode": (_high_risk_screened, False),
    "3 in 90 days, the council's own child": (_missing_3_times_in_90_days, False),
    "3 in 90 days, placed in": (
        lambda: _missing_3_times_in_90_days(responsible_la=council("825")),
        True,
    ),
}


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_read_without_a_lock_says_a_check_acts_exactly_when_the_locked_check_does(
    scenario,
):
    """Most checks end after reading without a lock: it must say yes whenever the locked
    check would raise or join an episode, and (so that the child is not locked for nothing)
    no otherwise."""
    made, acts = SCENARIOS[scenario]
    child = made()
    escalations = Escalation.objects.filter(child=child)
    joined = Escalation.episodes.through.objects.filter(escalation__child=child)
    before = (escalations.count(), joined.count())
    assert services._may_act(child.pk, NOW) is acts
    services._raise_for_child_locked(child.pk, NOW)
    assert ((escalations.count(), joined.count()) != before) is acts


def test_a_child_whose_open_escalation_holds_every_episode_is_checked_without_a_lock():
    # After a child's escalation is raised, news of their episodes (a found, a regrading)
    # leaves nothing to do: two reads, no lock, no transaction.
    child = _open_with_all_its_episodes()
    with CaptureQueriesContext(connection) as queries:
        assert escalations_raise_for_child(child_id=child.pk, now=NOW) == 0
    assert len(queries) == 2, [q["sql"] for q in queries]
