"""Every write service audits its own change, in the change's transaction.

Each case makes one change through its service as a made-up coordinator. If the audit entry
cannot be written (here: the database refuses it, because an entry with the next sequence
number already exists), the change must not be saved either; and a service that stops
auditing fails the second test.
"""

import datetime as dt
import importlib
import inspect
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

import homeward
from homeward.accounts import roles
from homeward.accounts.tests.factories import UserFactory
from homeward.alerts.models import AlertPreference, Email, EmailStatus
from homeward.alerts.outbox import email_queue, email_retry
from homeward.alerts.preferences import alert_choices_set
from homeward.audit.models import Action, AuditEntry, AuditHead
from homeward.audit.services import (
    NOT_IN_A_TRANSACTION,
    acting_from,
    audit_record,
    record_change,
)
from homeward.benchmarks.ethnicity import population_load
from homeward.benchmarks.models import PopulationByEthnicity
from homeward.borders import register as placed_in
from homeward.borders import services as borders_services
from homeward.borders.directory import contacts_load
from homeward.borders.elsewhere_file import elsewhere_load
from homeward.borders.models import ChildContact, CouncilContact, EpisodeElsewhere, PlacedInEntry
from homeward.borders.register_file import register_load
from homeward.borders.tests.factories import (
    ChildContactFactory,
    CouncilContactFactory,
    PlacedInEntryFactory,
)
from homeward.borders.tests.test_files import register_file
from homeward.children.models import Allocation, Child, Placement
from homeward.children.services import (
    child_allocate,
    child_create,
    child_update,
    placement_record,
    placement_update,
)
from homeward.children.tests.factories import ChildFactory, PlacementFactory
from homeward.councils.tests.factories import council
from homeward.episodes.models import Episode
from homeward.episodes.services import (
    episode_mark_returned,
    episode_move,
    episode_record,
    episode_update,
)
from homeward.episodes.tests.factories import LONDON, EpisodeFactory
from homeward.escalations import services as escalation_services
from homeward.escalations.models import Escalation
from homeward.escalations.tests.factories import EscalationFactory
from homeward.exchange.bundle_import import import_bundle
from homeward.exchange.tests.test_bundle_import import a_good_bundle
from homeward.exploitation.models import Screening
from homeward.exploitation.services import screening_record, screening_update
from homeward.exploitation.tests.factories import ScreeningFactory
from homeward.in_error import services as in_error_services
from homeward.in_error.models import ChildMerge
from homeward.interviews.models import InterviewClosure, ReturnInterview
from homeward.interviews.services import (
    interview_close,
    interview_closure_undo,
    interview_record,
    interview_update,
    interviews_close_before,
)
from homeward.interviews.tests.factories import ReturnInterviewFactory
from homeward.notices import links as notice_links
from homeward.notices import services as notice_services
from homeward.notices.models import NoticeKind, PlacingCouncilNotice
from homeward.notices.selectors import chase_after, due_now
from homeward.panel import services as panel_services
from homeward.panel.models import PanelAction, PanelDiscussion, PanelMeeting
from homeward.panel.tests.factories import (
    PanelActionFactory,
    PanelDiscussionFactory,
    PanelMeetingFactory,
)
from homeward.police import services as police_services
from homeward.police.models import Force, ForceToken, Notification
from homeward.police.tokens import (
    force_create,
    force_token_issue,
    force_token_revoke,
    force_token_rotate,
    force_update,
)
from homeward.reports import services as paper_services
from homeward.reports.models import IssuedPaper, PaperDraft

pytestmark = pytest.mark.django_db

EVENING = dt.datetime(2020, 3, 2, 18, 0, tzinfo=LONDON)
MADE_HERE = "HW-TEST-000001"


@dataclass
class Write:
    """One change through a service: how to make it, and whether it is in the database."""

    do: Callable[[object], object]  # given the person, makes the change; returns the record
    saved: Callable[[], bool]
    field: str  # a field whose before and after (or, removed, whose value) the entry must show
    by_system: bool = False  # made by Homeward itself, for nobody: the entry names no one
    # Made by someone without an account (a notice's recipient, by its link): the entry
    # names them in these words, and no user.
    named: str = ""


def created(model, **lookup) -> Callable[[], bool]:
    return lambda: model.objects.filter(**lookup).exists()


def moved_on(record) -> Callable[[], bool]:
    version = record.version
    return lambda: type(record).objects.get(pk=record.pk).version != version


def _child_create(tmp_path):
    return Write(
        lambda by: child_create(
            council=council(),
            first_name="Made-up",
            last_name="Newchild",
            date_of_birth=dt.date(2010, 4, 1),
            sex="female",
            local_id=MADE_HERE,
            by=by,
        ),
        created(Child, local_id=MADE_HERE),
        "first_name",
    )


def _placement_record(tmp_path):
    child = ChildFactory()
    return Write(
        lambda by: placement_record(
            child=child,
            start_date=dt.date(2019, 1, 1),
            placement_type="childrens_home",
            local_id=MADE_HERE,
            by=by,
        ),
        created(Placement, local_id=MADE_HERE),
        "start_date",
    )


def _child_update(tmp_path):
    child = ChildFactory(police_id="")
    return Write(
        lambda by: child_update(
            child=child, expected_version=child.version, police_id="TV-MADE-UP-1", by=by
        ),
        moved_on(child),
        "police_id",
    )


def _placement_update(tmp_path):
    placement = PlacementFactory(provider_name="")
    return Write(
        lambda by: placement_update(
            placement=placement,
            expected_version=placement.version,
            provider_name="Made-up House",
            by=by,
        ),
        moved_on(placement),
        "provider_name",
    )


def _child_allocate(tmp_path):
    child = ChildFactory()
    return Write(
        lambda by: child_allocate(child=child, team="Made-up team", by=by),
        created(Allocation, child=child),
        "team",
    )


def _episode_record(tmp_path):
    child = ChildFactory()
    return Write(
        lambda by: episode_record(
            child=child,
            category="missing",
            last_seen_at=EVENING,
            missing_from="home",
            legal_status="child_in_need",
            local_id=MADE_HERE,
            by=by,
        ),
        created(Episode, local_id=MADE_HERE),
        "last_seen_at",
    )


def _episode_update(tmp_path):
    episode = EpisodeFactory(risk="low")
    return Write(
        lambda by: episode_update(
            episode=episode, expected_version=episode.version, risk="high", by=by
        ),
        moved_on(episode),
        "risk",
    )


def _episode_mark_returned(tmp_path):
    episode = EpisodeFactory(last_seen_at=EVENING, returned_at=None)
    return Write(
        lambda by: episode_mark_returned(
            episode=episode,
            returned_at=EVENING + dt.timedelta(hours=6),
            expected_version=episode.version,
            by=by,
        ),
        moved_on(episode),
        "returned_at",
    )


def _interview_record(tmp_path):
    episode = EpisodeFactory(last_seen_at=EVENING, returned_at=EVENING + dt.timedelta(hours=6))
    return Write(
        lambda by: interview_record(
            episode=episode,
            outcome="declined",
            offered_at=EVENING + dt.timedelta(hours=20),
            local_id=MADE_HERE,
            by=by,
        ),
        created(ReturnInterview, local_id=MADE_HERE),
        "outcome",
    )


def _interview_update(tmp_path):
    interview = ReturnInterviewFactory(outcome="no_contact", completed_at=None)
    return Write(
        lambda by: interview_update(
            interview=interview, expected_version=interview.version, outcome="declined", by=by
        ),
        moved_on(interview),
        "outcome",
    )


def _screening_update(tmp_path):
    screening = ScreeningFactory(outcome="medium")
    return Write(
        lambda by: screening_update(
            screening=screening, expected_version=screening.version, outcome="high", by=by
        ),
        moved_on(screening),
        "outcome",
    )


def _screening_record(tmp_path):
    child = ChildFactory()
    return Write(
        lambda by: screening_record(
            child=child,
            completed_on=dt.date(2020, 3, 10),
            outcome="low",
            local_id=MADE_HERE,
            by=by,
        ),
        created(Screening, local_id=MADE_HERE),
        "outcome",
    )


def _panel_meeting_record(tmp_path):
    return Write(
        lambda by: panel_services.panel_meeting_record(
            council=council(),
            held_on=dt.date(2020, 5, 5),
            chair="Made-up Chair",
            local_id=MADE_HERE,
            by=by,
        ),
        created(PanelMeeting, local_id=MADE_HERE),
        "chair",
    )


def _panel_meeting_update(tmp_path):
    meeting = PanelMeetingFactory()
    return Write(
        lambda by: panel_services.panel_meeting_update(
            meeting=meeting, expected_version=meeting.version, chair="Made-up Other", by=by
        ),
        moved_on(meeting),
        "chair",
    )


def _panel_discussion_record(tmp_path):
    meeting = PanelMeetingFactory()
    child = ChildFactory()
    return Write(
        lambda by: panel_services.panel_discussion_record(
            meeting=meeting,
            child=child,
            reason="Made-up reason: missing three times.",
            risk="high",
            local_id=MADE_HERE,
            by=by,
        ),
        created(PanelDiscussion, local_id=MADE_HERE),
        "risk",
    )


def _panel_discussion_update(tmp_path):
    discussion = PanelDiscussionFactory(risk="high")
    return Write(
        lambda by: panel_services.panel_discussion_update(
            discussion=discussion, expected_version=discussion.version, risk="medium", by=by
        ),
        moved_on(discussion),
        "risk",
    )


def _panel_action_record(tmp_path):
    discussion = PanelDiscussionFactory()
    return Write(
        lambda by: panel_services.panel_action_record(
            discussion=discussion,
            description="Made-up action: call the school.",
            owner="Made-up Officer",
            due_on=dt.date(2020, 5, 20),
            local_id=MADE_HERE,
            by=by,
        ),
        created(PanelAction, local_id=MADE_HERE),
        "owner",
    )


def _panel_action_update(tmp_path):
    action = PanelActionFactory()
    return Write(
        lambda by: panel_services.panel_action_update(
            action=action, expected_version=action.version, owner="Made-up Other", by=by
        ),
        moved_on(action),
        "owner",
    )


def _panel_action_complete(tmp_path):
    action = PanelActionFactory(completed_on=None)
    return Write(
        lambda by: panel_services.panel_action_complete(
            action=action,
            completed_on=dt.date(2020, 5, 10),
            expected_version=action.version,
            by=by,
        ),
        moved_on(action),
        "completed_on",
    )


def _in_error_mark(tmp_path):
    episode = EpisodeFactory()
    return Write(
        lambda by: in_error_services.in_error_mark(
            record=episode, reason="Made-up: recorded for the wrong child.", by=by
        ),
        lambda: Episode.all_records.get(pk=episode.pk).entered_in_error_at is not None,
        "entered_in_error_reason",
    )


def _interview_close(tmp_path):
    episode = EpisodeFactory(last_seen_at=EVENING, returned_at=EVENING + dt.timedelta(hours=6))
    return Write(
        lambda by: interview_close(
            episode=episode, reason="Made-up: another council's team is interviewing.", by=by
        ),
        created(InterviewClosure, episode=episode),
        "reason",
    )


def _interviews_close_before(tmp_path):
    episode = EpisodeFactory(last_seen_at=EVENING, returned_at=EVENING + dt.timedelta(hours=6))

    def close_all_before(by):
        interviews_close_before(
            council=council(), day=dt.date(2021, 1, 1), reason="Made-up: held on paper.", by=by
        )
        return InterviewClosure.objects.get(episode=episode)

    return Write(close_all_before, created(InterviewClosure, episode=episode), "reason")


def _interview_closure_undo(tmp_path):
    episode = EpisodeFactory(last_seen_at=EVENING, returned_at=EVENING + dt.timedelta(hours=6))
    closure = InterviewClosure.objects.create(episode=episode, reason="Made-up: closed.")
    return Write(
        lambda by: interview_closure_undo(closure=closure, by=by),
        lambda: InterviewClosure.objects.get(pk=closure.pk).undone_at is not None,
        "undone_at",
    )


def _in_error_undo(tmp_path):
    episode = EpisodeFactory()
    Episode.all_records.filter(pk=episode.pk).update(
        entered_in_error_at=EVENING, entered_in_error_reason="Made-up: typed twice."
    )
    return Write(
        lambda by: in_error_services.in_error_undo(record=episode, by=by),
        lambda: Episode.all_records.get(pk=episode.pk).entered_in_error_at is None,
        "entered_in_error_reason",
    )


def _child_merge(tmp_path):
    survivor, duplicate = ChildFactory(), ChildFactory()
    return Write(
        lambda by: in_error_services.child_merge(survivor=survivor, duplicate=duplicate, by=by),
        lambda: Child.all_records.get(pk=duplicate.pk).merged_into_id == survivor.pk,
        "merged_into",
    )


def _child_unmerge(tmp_path):
    survivor, duplicate = ChildFactory(), ChildFactory()
    Child.all_records.filter(pk=duplicate.pk).update(merged_into=survivor)
    ChildMerge.objects.create(survivor=survivor, duplicate=duplicate, moved={})
    return Write(
        lambda by: in_error_services.child_unmerge(duplicate=duplicate, by=by),
        lambda: Child.all_records.get(pk=duplicate.pk).merged_into_id is None,
        "merged_into",
    )


def _police_report(**fields) -> dict:
    report = {
        "police_ref": "MADE-UP-1",
        "event": "missing",
        "last_seen_at": "02/03/2020 18:00",
        "first_name": "Quill",
        "last_name": "Nobodyknows",
        "date_of_birth": "01/01/2008",
    }
    return report | fields


def _waiting_notification():
    received = police_services.notification_receive(
        council=council(), force_name="Made-up Police", data=_police_report(), by=None
    )
    return received.notification


def _notification_receive(tmp_path):
    return Write(
        lambda by: (
            police_services.notification_receive(
                council=council(), force_name="Made-up Police", data=_police_report(), by=by
            ).notification
        ),
        created(Notification, police_ref="MADE-UP-1"),
        "state",
    )


def _notification_link(tmp_path):
    notification, child = _waiting_notification(), ChildFactory()
    return Write(
        lambda by: police_services.notification_link(
            notification=notification, child=child, expected_version=notification.version, by=by
        ),
        created(Episode, child=child),
        "state",
    )


def _notification_new_child(tmp_path):
    notification = _waiting_notification()
    return Write(
        lambda by: police_services.notification_new_child(
            notification=notification, expected_version=notification.version, by=by
        ),
        created(Child, last_name="Nobodyknows"),
        "state",
    )


def _notification_set_aside(tmp_path):
    notification = _waiting_notification()
    return Write(
        lambda by: police_services.notification_set_aside(
            notification=notification,
            reason="Made-up: a test message.",
            expected_version=notification.version,
            by=by,
        ),
        created(Notification, pk=notification.pk, state="set_aside"),
        "state",
    )


def _notification_check_link(tmp_path):
    ChildFactory(police_id="PID-MADE-UP-1")
    received = police_services.notification_receive(
        council=council(),
        force_name="Made-up Police",
        data=_police_report(police_id="PID-MADE-UP-1"),
        by=None,
    )
    notification = received.notification
    return Write(
        lambda by: police_services.notification_check_link(
            notification=notification, expected_version=notification.version, by=by
        ),
        created(Notification, pk=notification.pk, link_checked_at__isnull=False),
        "link_checked_at",
    )


def _notification_retry(tmp_path):
    child = ChildFactory(police_id="PID-MADE-UP-1")
    overlapping = EpisodeFactory(
        child=child,
        last_seen_at=dt.datetime(2020, 3, 3, 12, 0, tzinfo=LONDON),
        returned_at=dt.datetime(2020, 3, 4, 12, 0, tzinfo=LONDON),
    )
    notification = police_services.notification_receive(
        council=council(),
        force_name="Made-up Police",
        data=_police_report(police_id="PID-MADE-UP-1"),
        by=None,
    ).notification
    assert notification.state == "problem"
    marked = dt.datetime(2020, 3, 5, tzinfo=LONDON)
    Episode.all_records.filter(pk=overlapping.pk).update(entered_in_error_at=marked)
    return Write(
        lambda by: police_services.notification_retry(
            notification=notification, expected_version=notification.version, by=by
        ),
        created(Notification, pk=notification.pk, state="applied"),
        "state",
    )


def _notification_ask_more(tmp_path):
    notification = _waiting_notification()
    return Write(
        lambda by: police_services.notification_ask_more(
            notification=notification,
            note="Made-up: asked the force.",
            expected_version=notification.version,
            by=by,
        ),
        created(Notification, pk=notification.pk, review_reason="more_needed"),
        "review_reason",
    )


def _notification_resolve_conflict(tmp_path):
    child = ChildFactory(police_id="MADE-UP-PID")
    first = police_services.notification_receive(
        council=council(),
        force_name="Made-up Police",
        data=_police_report(police_id="MADE-UP-PID", risk="medium"),
    ).notification
    episode = first.episode
    episode_update(episode=episode, expected_version=episode.version, risk="high")
    update = {"police_ref": "MADE-UP-1", "event": "update", "risk": "low"}
    conflict = police_services.notification_receive(
        council=council(), force_name="Made-up Police", data=update
    ).notification
    assert conflict.conflicts, child
    return Write(
        lambda by: police_services.notification_resolve_conflict(
            notification=conflict, keep="police", expected_version=conflict.version, by=by
        ),
        created(Episode, pk=episode.pk, risk="low"),
        "state",
    )


def _episode_move(tmp_path):
    episode, other = EpisodeFactory(), ChildFactory()
    return Write(
        lambda by: episode_move(
            episode=episode, child=other, expected_version=episode.version, by=by
        ),
        created(Episode, pk=episode.pk, child=other),
        "child",
    )


def _episode_relink(tmp_path):
    episode, other = EpisodeFactory(), ChildFactory()
    return Write(
        lambda by: police_services.episode_relink(
            episode=episode, child=other, expected_version=episode.version, by=by
        ),
        created(Episode, pk=episode.pk, child=other),
        "child",
    )


def _force_create(tmp_path):
    return Write(
        lambda by: force_create(name="Made-up Shire Police", councils=[council()], by=by),
        created(Force, name="Made-up Shire Police"),
        "councils",
    )


def _force_update(tmp_path):
    force = force_create(name="Made-up Shire Police", councils=[], by=None)
    return Write(
        lambda by: force_update(force=force, councils=[council()], by=by),
        lambda: force.councils.exists(),
        "councils",
    )


def _a_force() -> Force:
    return force_create(name="Made-up Shire Police", councils=[council()], by=None)


def _a_token() -> ForceToken:
    return force_token_issue(force=_a_force(), by=None).token


def _force_token_issue(tmp_path):
    force = _a_force()
    return Write(
        lambda by: force_token_issue(force=force, label="Made-up system", by=by).token,
        created(ForceToken, force=force),
        "prefix",
    )


def _force_token_revoke(tmp_path):
    token = _a_token()
    return Write(
        lambda by: force_token_revoke(token=token, by=by),
        created(ForceToken, pk=token.pk, revoked_at__isnull=False),
        "revoked_at",
    )


def _force_token_rotate(tmp_path):
    token = _a_token()
    return Write(
        lambda by: force_token_rotate(token=token, by=by).token,
        created(ForceToken, pk=token.pk, revoked_at__isnull=False),
        "prefix",
    )


def _council_contact_add(tmp_path):
    return Write(
        lambda by: borders_services.council_contact_add(
            council=council(), purpose="missing", email="made-up@example.gov.uk", by=by
        ),
        created(CouncilContact, email="made-up@example.gov.uk"),
        "email",
    )


def _council_contact_change(tmp_path):
    contact = CouncilContactFactory(name="Made-up team")
    return Write(
        lambda by: borders_services.council_contact_change(
            contact=contact,
            expected_version=contact.version,
            changes={"name": "Made-up other team"},
            by=by,
        ),
        moved_on(contact),
        "name",
    )


def removed(record):
    """What a removal returns to be looked up by: the record as it was (a deleted one has
    no primary key left)."""
    return type(record)(pk=record.pk)


def _council_contact_remove(tmp_path):
    contact = CouncilContactFactory()
    gone = removed(contact)
    return Write(
        lambda by: borders_services.council_contact_remove(contact=contact, by=by) or gone,
        lambda: not _exists(gone),
        "email",
    )


def _child_contact_add(tmp_path):
    child = ChildFactory()
    return Write(
        lambda by: borders_services.child_contact_add(
            child=child, role="iro", email="made-up-iro@example.gov.uk", by=by
        ),
        created(ChildContact, child=child),
        "email",
    )


def _child_contact_remove(tmp_path):
    contact = ChildContactFactory()
    gone = removed(contact)
    return Write(
        lambda by: borders_services.child_contact_remove(contact=contact, by=by) or gone,
        lambda: not _exists(gone),
        "email",
    )


def _exists(record) -> bool:
    return type(record).objects.filter(pk=record.pk).exists()


def _episode_elsewhere_record(tmp_path):
    child = ChildFactory()
    return Write(
        lambda by: borders_services.episode_elsewhere_record(
            child=child,
            host_council=council("202"),
            last_seen_at=EVENING,
            told_at=EVENING + dt.timedelta(hours=16),
            by=by,
        ),
        created(EpisodeElsewhere, episode__child=child),
        "told_at",
    )


PLACED_HERE = {
    "first_name": "Made-up",
    "last_name": "Placedhere",
    "date_of_birth": dt.date(2008, 2, 2),
    "legal_basis": "care_order",
    "provider_name": "Made-up House",
    "admitted_on": dt.date(2020, 1, 6),
    "notified_on": dt.date(2020, 1, 7),
}


def _placed_in_record(tmp_path):
    return Write(
        lambda by: placed_in.placed_in_record(
            council=council(), placing_council=council("202"), by=by, **PLACED_HERE
        ),
        created(PlacedInEntry, last_name="Placedhere"),
        "admitted_on",
    )


def _placed_in_update(tmp_path):
    entry = PlacedInEntryFactory(provider_name="Made-up House")
    return Write(
        lambda by: placed_in.placed_in_update(
            entry=entry, expected_version=entry.version, provider_name="Made-up Lodge", by=by
        ),
        moved_on(entry),
        "provider_name",
    )


def _placed_in_discharge(tmp_path):
    entry = PlacedInEntryFactory(discharged_on=None)
    return Write(
        lambda by: placed_in.placed_in_discharge(
            entry=entry,
            discharged_on=dt.date(2020, 3, 1),
            expected_version=entry.version,
            by=by,
        ),
        moved_on(entry),
        "discharged_on",
    )


def _placed_here_child() -> Child:
    entry = PlacedInEntryFactory.build()
    return ChildFactory(
        first_name=entry.first_name,
        last_name=entry.last_name,
        date_of_birth=entry.date_of_birth,
        responsible_la=entry.placing_council,
    )


def _placed_in_link(tmp_path):
    entry, child = PlacedInEntryFactory(), _placed_here_child()
    return Write(
        lambda by: placed_in.placed_in_link(
            entry=entry, child=child, expected_version=entry.version, by=by
        ),
        created(PlacedInEntry, pk=entry.pk, child=child),
        "child",
    )


def _placed_in_create_child(tmp_path):
    entry = PlacedInEntryFactory()
    return Write(
        lambda by: placed_in.placed_in_create_child(
            entry=entry, sex="female", expected_version=entry.version, by=by
        ),
        created(PlacedInEntry, pk=entry.pk, child__isnull=False),
        "first_name",
    )


def _escalations_raise_for_child(tmp_path):
    child = ChildFactory()
    for days_ago in (20, 10, 1):
        EpisodeFactory(child=child, last_seen_at=EVENING - dt.timedelta(days=days_ago))

    def raise_now(by):
        escalation_services.escalations_raise_for_child(child_id=child.pk, now=EVENING)
        return Escalation.objects.get(child=child)

    return Write(raise_now, created(Escalation, child=child), "rule", by_system=True)


def _escalation_update(tmp_path):
    escalation = EscalationFactory()
    return Write(
        lambda by: escalation_services.escalation_update(
            escalation=escalation,
            expected_version=escalation.version,
            due_on=dt.date(2020, 5, 30),
            by=by,
        ),
        moved_on(escalation),
        "due_on",
    )


def _escalation_close(tmp_path):
    escalation = EscalationFactory()
    return Write(
        lambda by: escalation_services.escalation_close(
            escalation=escalation,
            outcome="done",
            notes="Made-up: the strategy discussion was held.",
            expected_version=escalation.version,
            by=by,
        ),
        moved_on(escalation),
        "outcome",
    )


def _escalation_refer_to_panel(tmp_path):
    escalation = EscalationFactory()
    # A meeting still to come, whatever today is: a past one is refused.
    meeting = PanelMeetingFactory(held_on=dt.date.today() + dt.timedelta(days=30))

    def refer(by):
        escalation_services.escalation_refer_to_panel(
            escalation=escalation,
            meeting=meeting,
            risk="high",
            reason="Made-up: missing three times this month.",
            expected_version=escalation.version,
            by=by,
        )
        return Escalation.objects.get(pk=escalation.pk)

    return Write(refer, moved_on(escalation), "panel_discussion")


AN_AUTHORS_FINDING = {
    "id": "author-1",
    "add": True,
    "text": "Made-up finding.",
    "recommendation": "",
}
THE_AUTHOR = {
    "author_name": "Made-up Author",
    "author_role": "Head of Service",
    "contact_name": "Made-up Contact",
    "contact_role": "Missing Coordinator",
    "contact_details": "made-up@example.invalid",
}


def _a_draft(**fields) -> PaperDraft:
    return PaperDraft.objects.create(
        council_code=council().code,
        period_from=dt.date(2020, 1, 1),
        period_to=dt.date(2020, 6, 30),
        **fields,
    )


def _paper_draft_open(tmp_path):
    return Write(
        lambda by: paper_services.paper_draft_open(
            council_code=council().code,
            period_from=dt.date(2020, 1, 1),
            period_to=dt.date(2020, 6, 30),
            locality="",
            publication=False,
            by=by,
        ),
        created(PaperDraft, period_from=dt.date(2020, 1, 1)),
        "made",
    )


def _paper_finding_add(tmp_path):
    draft = _a_draft()
    return Write(
        lambda by: paper_services.paper_finding_add(
            draft=draft,
            expected_version=draft.version,
            text="Made-up finding.",
            recommendation="",
            by=by,
        ),
        moved_on(draft),
        "edits",
    )


def _paper_finding_edit(tmp_path):
    draft = _a_draft(edits=[AN_AUTHORS_FINDING])
    return Write(
        lambda by: paper_services.paper_finding_edit(
            draft=draft,
            expected_version=draft.version,
            finding_id="author-1",
            text="Made-up finding, reworded.",
            recommendation="",
            by=by,
        ),
        moved_on(draft),
        "edits",
    )


def _paper_finding_remove(tmp_path):
    draft = _a_draft(edits=[AN_AUTHORS_FINDING])
    return Write(
        lambda by: paper_services.paper_finding_remove(
            draft=draft, expected_version=draft.version, finding_id="author-1", by=by
        ),
        moved_on(draft),
        "edits",
    )


def _paper_details_change(tmp_path):
    draft = _a_draft()
    return Write(
        lambda by: paper_services.paper_details_change(
            draft=draft,
            expected_version=draft.version,
            changes={"author_name": "Made-up Author"},
            by=by,
        ),
        moved_on(draft),
        "author_name",
    )


def _paper_note_add(tmp_path):
    draft = _a_draft()
    return Write(
        lambda by: paper_services.paper_note_add(
            draft=draft,
            expected_version=draft.version,
            first=dt.date(2020, 2, 1),
            last=None,
            text="Made-up: the team was short-staffed.",
            by=by,
        ),
        moved_on(draft),
        "context_notes",
    )


def _paper_note_remove(tmp_path):
    note = {"from": "2020-02-01", "to": None, "text": "Made-up note."}
    draft = _a_draft(context_notes=[note])
    return Write(
        lambda by: paper_services.paper_note_remove(
            draft=draft, expected_version=draft.version, index=0, by=by
        ),
        moved_on(draft),
        "context_notes",
    )


def _paper_issue(tmp_path):
    draft = _a_draft(**THE_AUTHOR)
    return Write(
        lambda by: paper_services.paper_issue(draft=draft, expected_version=draft.version, by=by),
        created(IssuedPaper, draft=draft),
        "issued",
    )


KENT = "886"


def _a_due_notice():
    """The missing notice due for a child placed here by Kent, who has a contact to tell."""
    child = ChildFactory(responsible_la=council(KENT))
    PlacementFactory(child=child, placing_la=council(KENT), start_date=dt.date(2019, 1, 1))
    borders_services.council_contact_add(
        council=council(KENT), purpose="missing", email="missing@kent.made-up.test"
    )
    episode = EpisodeFactory(child=child, last_seen_at=EVENING, returned_at=None)
    return due_now(episode=episode, now=EVENING + dt.timedelta(hours=1))


def _a_sent_notice() -> PlacingCouncilNotice:
    due = _a_due_notice()
    return notice_services.notice_send(due=due, now=EVENING + dt.timedelta(hours=1))


def _notice_send(tmp_path):
    due = _a_due_notice()
    return Write(
        lambda by: notice_services.notice_send(due=due, now=EVENING + dt.timedelta(hours=1), by=by),
        created(PlacingCouncilNotice, episode=due.episode, kind=NoticeKind.MISSING),
        "subject",
    )


def _notice_record_told(tmp_path):
    due = _a_due_notice()
    return Write(
        lambda by: notice_services.notice_record_told(
            due=due,
            how="Made-up: by phone to their duty team.",
            told_at=EVENING + dt.timedelta(minutes=30),
            now=EVENING + dt.timedelta(hours=1),
            by=by,
        ),
        created(PlacingCouncilNotice, episode=due.episode, told_at__isnull=False),
        "told_other_way",
    )


def _notice_acknowledge(tmp_path):
    notice = _a_sent_notice()
    token = notice_links.acknowledgement_token(notice)
    return Write(
        lambda by: notice_services.notice_acknowledge(
            token=token, name="Made-up Kent Officer", now=EVENING + dt.timedelta(hours=3)
        ),
        created(PlacingCouncilNotice, pk=notice.pk, acknowledged_at__isnull=False),
        "acknowledged_by_name",
        named="Made-up Kent Officer (acknowledged by link)",
    )


def _notice_acknowledge_otherwise(tmp_path):
    notice = _a_sent_notice()
    return Write(
        lambda by: notice_services.notice_acknowledge_otherwise(
            notice=notice,
            how="phone",
            by_name="Made-up Kent Duty Officer",
            acknowledged_at=EVENING + dt.timedelta(hours=2),
            note="Made-up: rang our duty line.",
            expected_version=notice.version,
            now=EVENING + dt.timedelta(hours=3),
            by=by,
        ),
        created(PlacingCouncilNotice, pk=notice.pk, acknowledged_how="phone"),
        "acknowledged_by_name",
    )


def _notice_chase(tmp_path):
    notice = _a_sent_notice()
    # Its emails went (the outbox's record of them, as sending them leaves it): a notice is
    # chased from when it was first sent.
    notice.emails.update(status=EmailStatus.SENT, sent_at=notice.prepared_at, next_attempt_at=None)

    def chase(by):
        notice_services.notice_chase(notice=notice, now=notice.prepared_at + chase_after())
        return PlacingCouncilNotice.objects.get(chased=notice)

    return Write(
        chase, created(PlacingCouncilNotice, chased=notice), "chase_number", by_system=True
    )


def _register_load(tmp_path):
    row = (
        ",Made-up,Newcomer,17/05/2008,202,care_order,Made-up House,SC000001,01/02/2020,,"
        "03/02/2020,,,,,"
    )

    def load(by):
        register_load(data=register_file(row), name="r.csv", council=council(), by=by)
        return PlacedInEntry.objects.get(last_name="Newcomer")

    return Write(load, created(PlacedInEntry, last_name="Newcomer"), "first_name")


def _elsewhere_load(tmp_path):
    child = ChildFactory()
    told = EVENING + dt.timedelta(hours=16)
    data = (
        "child_id,host_council_code,last_seen_at,told_at\n"
        f"{child.local_id},202,{EVENING.isoformat()},{told.isoformat()}\n"
    ).encode()

    def load(by):
        elsewhere_load(data=data, name="h.csv", children=Child.objects.all(), by=by)
        return EpisodeElsewhere.objects.get(episode__child=child)

    return Write(load, created(EpisodeElsewhere, episode__child=child), "told_at")


def _contacts_load(tmp_path):
    data = b"council_code,purpose,email,name\n202,missing,made-up@camden.example.gov.uk,\n"

    def load(by):
        contacts_load(data=data, name="c.csv", by=by)
        return CouncilContact.objects.get(email="made-up@camden.example.gov.uk")

    return Write(load, created(CouncilContact, email="made-up@camden.example.gov.uk"), "email")


def _population_load(tmp_path):
    data = b"ethnic_group,population_0_17\nwhite,8\nmixed,1\nasian,1\nblack,1\nother,1\n"

    def load(by):
        population_load(data=data, name="p.csv", council_code="931", source="Made-up", by=by)
        return PopulationByEthnicity.objects.get(ethnic_group="white")

    return Write(load, created(PopulationByEthnicity, ethnic_group="white"), "population_0_17")


def _alert_choices_set(tmp_path):
    # A person chooses their own alerts: the coordinator making the change is the one chosen for.
    return Write(
        lambda by: alert_choices_set(user=by, digest=True, high_risk=False, interview_breach=True),
        created(AlertPreference, user__username="made-up-coordinator"),
        "digest",
    )


def _email_retry(tmp_path):
    email, _ = email_queue(
        key="made-up:1",
        to="placing@made-up-council.test",
        subject="A made-up notification",
        body="Made-up body",
        purpose="made-up",
    )
    # As sending leaves an email whose retries ran out.
    Email.objects.filter(pk=email.pk).update(
        status=EmailStatus.FAILED, attempts=6, next_attempt_at=None, last_error="Made-up: 550."
    )
    return Write(
        lambda by: email_retry(email=email, by=by),
        created(Email, pk=email.pk, next_attempt_at__isnull=False),
        "next_attempt_at",
    )


WRITES = {
    "child_create": _child_create,
    "child_update": _child_update,
    "placement_record": _placement_record,
    "placement_update": _placement_update,
    "child_allocate": _child_allocate,
    "episode_record": _episode_record,
    "episode_update": _episode_update,
    "episode_mark_returned": _episode_mark_returned,
    "interview_record": _interview_record,
    "interview_update": _interview_update,
    "interview_close": _interview_close,
    "interview_closure_undo": _interview_closure_undo,
    "interviews_close_before": _interviews_close_before,
    "screening_record": _screening_record,
    "screening_update": _screening_update,
    "panel_meeting_record": _panel_meeting_record,
    "panel_meeting_update": _panel_meeting_update,
    "panel_discussion_record": _panel_discussion_record,
    "panel_discussion_update": _panel_discussion_update,
    "panel_action_record": _panel_action_record,
    "panel_action_update": _panel_action_update,
    "panel_action_complete": _panel_action_complete,
    "in_error_mark": _in_error_mark,
    "in_error_undo": _in_error_undo,
    "child_merge": _child_merge,
    "child_unmerge": _child_unmerge,
    "episode_move": _episode_move,
    "notification_receive": _notification_receive,
    "notification_link": _notification_link,
    "notification_new_child": _notification_new_child,
    "notification_set_aside": _notification_set_aside,
    "notification_ask_more": _notification_ask_more,
    "notification_check_link": _notification_check_link,
    "notification_retry": _notification_retry,
    "notification_resolve_conflict": _notification_resolve_conflict,
    "episode_relink": _episode_relink,
    "force_create": _force_create,
    "force_update": _force_update,
    "force_token_issue": _force_token_issue,
    "force_token_revoke": _force_token_revoke,
    "force_token_rotate": _force_token_rotate,
    "council_contact_add": _council_contact_add,
    "council_contact_change": _council_contact_change,
    "council_contact_remove": _council_contact_remove,
    "child_contact_add": _child_contact_add,
    "child_contact_remove": _child_contact_remove,
    "episode_elsewhere_record": _episode_elsewhere_record,
    "placed_in_record": _placed_in_record,
    "placed_in_update": _placed_in_update,
    "placed_in_discharge": _placed_in_discharge,
    "placed_in_link": _placed_in_link,
    "placed_in_create_child": _placed_in_create_child,
    "escalations_raise_for_child": _escalations_raise_for_child,
    "escalation_update": _escalation_update,
    "escalation_close": _escalation_close,
    "escalation_refer_to_panel": _escalation_refer_to_panel,
    "paper_draft_open": _paper_draft_open,
    "paper_finding_add": _paper_finding_add,
    "paper_finding_edit": _paper_finding_edit,
    "paper_finding_remove": _paper_finding_remove,
    "paper_details_change": _paper_details_change,
    "paper_note_add": _paper_note_add,
    "paper_note_remove": _paper_note_remove,
    "paper_issue": _paper_issue,
    "notice_send": _notice_send,
    "notice_record_told": _notice_record_told,
    "notice_acknowledge": _notice_acknowledge,
    "notice_acknowledge_otherwise": _notice_acknowledge_otherwise,
    "notice_chase": _notice_chase,
    "register_load": _register_load,
    "elsewhere_load": _elsewhere_load,
    "contacts_load": _contacts_load,
    "population_load": _population_load,
    "alert_choices_set": _alert_choices_set,
    "email_retry": _email_retry,
}


# Helpers in services modules that write nothing: an id, and the checks every service
# that changes a child's date of birth or an interview shares.
NOT_WRITES = {
    # A notification read as receiving reads it (its fingerprint), writing nothing: the lot of
    # a file asks the database once for all its rows (police/lots.py).
    "homeward.police.services.notification_read",
    "homeward.children.services.new_local_id",
    "homeward.children.services.child_born_problems",
    "homeward.interviews.services.interview_checks",
    "homeward.interviews.services.closure_problems",
    "homeward.interviews.services.close_before_problems",
    # A token's hash, and the token a secret belongs to: its last use is noted on it, and
    # the API call itself is audited (police/api.py).
    "homeward.police.tokens.token_hash",
    "homeward.police.tokens.token_for",
    # The checks of a register entry and of the child it is linked to, and the search for
    # that child.
    "homeward.borders.register.entry_problems",
    "homeward.borders.register.child_link_problems",
    "homeward.borders.register.matching_child",
    # They only ask for escalations_raise_for_child (checked above) to run once the
    # transaction commits, or run it for each recently missing child.
    "homeward.escalations.services.escalations_check_after_commit",
    "homeward.escalations.services.escalations_check_council_after_commit",
    "homeward.escalations.services.escalations_raise_for_council",
    "homeward.escalations.services.escalations_raise_due",
    # Who a new escalation goes to: a look-up.
    "homeward.escalations.services.default_owner",
    # The child read again and locked, before its episodes are written (by the services above).
    "homeward.episodes.services.lock_child",
    # What a notice would say and a digest of it (computed, nothing saved); the notice an
    # acknowledgement link names, and the notices due a reminder (look-ups); a notice's
    # emails and how many went (read from the outbox).
    "homeward.notices.services.preview_of",
    "homeward.notices.services.fingerprint",
    "homeward.notices.services.notice_for_link",
    "homeward.notices.services.notices_to_chase",
    "homeward.notices.services.emails_of",
    "homeward.notices.services.sending_went",
    # Who may receive alerts, and what they receive (look-ups).
    "homeward.alerts.preferences.may_receive_alerts",
    "homeward.alerts.preferences.role_defaults",
    "homeward.alerts.preferences.alert_choices_for",
    "homeward.alerts.preferences.alert_recipients",
    # The emails due to be sent (a look-up), the wait before the next attempt, and a page's
    # full address for an email (computed).
    "homeward.alerts.outbox.emails_due",
    "homeward.alerts.outbox.retry_delay",
    "homeward.alerts.outbox.homeward_link",
    # A council's loaded population by ethnic group, and England's from DfE's file: look-ups.
    "homeward.benchmarks.ethnicity.council_population",
    "homeward.benchmarks.ethnicity.population_loaded",
    "homeward.benchmarks.ethnicity.england_missing",
}
# Services that do write, with no audit entry of their own: each email is itself a record
# the outbox keeps (Homeward never deletes one), with whom it was to, what it said, what it is
# about (council, child, episode), when it was queued and when it was sent; queuing and
# sending are Homeward's own work, for no person. Sending keeps how it went on the email
# (status, attempts, when sent) and only the last error, not each earlier one. What made
# an email (a notice sent, a retry asked for) is audited by its own service (above).
NOT_AUDITED = {
    "homeward.alerts.outbox.email_queue",
    "homeward.alerts.outbox.emails_send_due",
}
# Write services kept beside what they serve rather than in their app's services module.
OTHER_SERVICE_MODULES = [
    "homeward.police.tokens",
    "homeward.borders.register",
    "homeward.borders.register_file",
    "homeward.borders.elsewhere_file",
    "homeward.borders.directory",
    "homeward.benchmarks.ethnicity",
    "homeward.alerts.preferences",
    "homeward.alerts.outbox",
]


def service_functions() -> set[str]:
    """Every public function defined in an app's `services` module (the audit app's aside),
    and in the other modules of services."""
    found = set()
    modules = [
        f"homeward.{app.name}.services"
        for app in pkgutil.iter_modules(homeward.__path__)
        if app.name != "audit" and (Path(homeward.__path__[0]) / app.name / "services.py").exists()
    ]
    for module in map(importlib.import_module, [*modules, *OTHER_SERVICE_MODULES]):
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ == module.__name__ and not name.startswith("_"):
                found.add(f"{module.__name__}.{name}")
    return found - NOT_WRITES - NOT_AUDITED


def test_every_write_service_is_checked_here():
    """A new write service fails this until its case is added to WRITES (and so audited)."""
    assert {name.rsplit(".", 1)[1] for name in service_functions()} == set(WRITES)


@pytest.fixture
def coordinator():
    return UserFactory(username="made-up-coordinator", roles=[roles.MISSING_COORDINATOR])


def audit_write_refused() -> None:
    """Make the next audit entry fail at the database: its sequence number is already taken."""
    head = AuditHead.objects.first()
    taken = (head.last_sequence if head else 0) + 1
    AuditEntry.objects.create(
        sequence=taken, action=Action.SEARCH, previous_hash="f" * 64, hash="e" * 64
    )


@pytest.mark.parametrize("name", WRITES)
def test_a_change_whose_audit_entry_fails_is_not_saved(name, coordinator, tmp_path):
    write = WRITES[name](tmp_path)
    audit_record(action=Action.SEARCH)  # the chain has begun: its head row exists
    audit_write_refused()
    with pytest.raises(IntegrityError):
        write.do(coordinator)
    assert not write.saved()


@pytest.mark.parametrize("name", WRITES)
def test_each_write_service_audits_its_change(name, coordinator, tmp_path):
    write = WRITES[name](tmp_path)
    with acting_from("192.0.2.44"):
        record = write.do(coordinator)
    assert write.saved()
    # The latest: a record made by an earlier service (a notification received) has one more.
    entry = (
        AuditEntry.objects.filter(
            action=Action.CHANGE, object_type=record._meta.label_lower, object_id=str(record.pk)
        )
        .order_by("-sequence")
        .first()
    )
    who = None if write.by_system or write.named else coordinator
    assert (entry.user, entry.username, entry.ip) == (
        who,
        who.username if who else write.named,
        "192.0.2.44",
    )
    if "removed" in entry.details:  # a removed contact: the entry keeps what it was
        assert entry.details["removed"][write.field]
    else:
        changed = entry.details[write.field]
        if isinstance(changed, dict):
            assert changed["after"] != changed["before"]
        else:  # an entry that says what was done: a paper made, or issued as number N
            assert changed


def test_a_bundle_import_is_audited_in_its_transaction(coordinator, tmp_path):
    bundle = a_good_bundle(tmp_path)
    audit_record(action=Action.SEARCH)
    audit_write_refused()
    with pytest.raises(IntegrityError):
        import_bundle(bundle, council_code="931", by=coordinator)
    assert not Child.objects.exists()


def test_a_bundle_import_writes_its_entry(coordinator, tmp_path):
    import_bundle(a_good_bundle(tmp_path), council_code="931", by=coordinator)
    entry = AuditEntry.objects.get(action=Action.IMPORT)
    assert entry.user == coordinator
    assert entry.details["files"]["children.csv"]["created"] == 2


@pytest.mark.django_db(transaction=True)
def test_a_change_cannot_be_audited_outside_its_transaction():
    # Any record will do; a user needs no council (a transactional test may run after
    # another has emptied the tables the migrations filled).
    record = UserFactory()
    with pytest.raises(RuntimeError, match="inside the transaction that saves it"):
        record_change(record=record, by=None)
    assert NOT_IN_A_TRANSACTION.startswith("A change is audited")
    assert not AuditEntry.objects.exists()
    with transaction.atomic():
        record_change(record=record, by=None)
    assert AuditEntry.objects.filter(action=Action.CHANGE).count() == 1


def test_a_page_tells_the_services_where_the_request_came_from(client, coordinator):
    client.force_login(coordinator)
    child = ChildFactory()
    response = client.post(
        reverse("exploitation:record-screening", args=[child.pk]),
        {
            "completed_on_day": "10",
            "completed_on_month": "3",
            "completed_on_year": "2020",
            "outcome": "low",
        },
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action=Action.CHANGE, object_type="exploitation.screening")
    assert (entry.user, entry.ip) == (coordinator, "203.0.113.9")
