"""Which placing councils are still to be told, and which have not acknowledged."""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Exists, F, Min, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce

from homeward.access.rules import episodes_visible_to
from homeward.alerts.models import EmailStatus
from homeward.borders.selectors import (
    Recipient,
    placing_council_for,
    placing_council_recipients,
    placing_councils_for,
    recipients_for,
)
from homeward.core.codes import Category, InterviewOutcome
from homeward.episodes.models import Episode
from homeward.interviews.models import ReturnInterview
from homeward.notices.content import changes_between, facts_of
from homeward.notices.models import NoticeKind, PlacingCouncilNotice

# The directory's purpose of a placing council's address for missing notifications.
MISSING_PURPOSES = {"missing", "out_of_hours"}
NO_CONTACT = (
    "No missing-notification contact for {council}: add one in the directory, or record how "
    "you told them."
)
# The interview outcomes that end the offer: the placing council is sent the one it ended with.
FINAL_OUTCOMES = (InterviewOutcome.COMPLETED, InterviewOutcome.DECLINED)
# The notices that tell of the episode itself, to its child's placing council: what they told
# is kept, and corrected when it changes.
TOLD_KINDS = (NoticeKind.MISSING, NoticeKind.RETURNED, NoticeKind.INTERVIEW_OUTCOME)


@dataclass
class Due:
    """A notice still to send: its episode, kind, interview, to whom, and any problem."""

    episode: Episode
    kind: str
    placing_council: object
    recipients: list = field(default_factory=list)
    interview: ReturnInterview | None = None
    # A correction's: the missing notice it corrects, the facts told then, and now.
    corrects: PlacingCouncilNotice | None = None
    was: dict = field(default_factory=dict)
    facts: dict = field(default_factory=dict)

    @property
    def changes(self) -> list[tuple[str, str, str]]:
        return changes_between(self.was, self.facts)

    @property
    def problem(self) -> str:
        if not any(r.purpose in MISSING_PURPOSES for r in self.recipients):
            return NO_CONTACT.format(council=self.placing_council.name)
        return ""

    @property
    def query(self) -> str:
        """What its pages' addresses add to name the notice a correction corrects."""
        return f"?of={self.corrects.pk}" if self.corrects else ""

    @property
    def kind_label(self) -> str:
        if self.corrects and self.corrects.kind != NoticeKind.MISSING:
            corrected = NoticeKind(self.corrects.kind).label.lower()
            return f"{NoticeKind(self.kind).label}, of the {corrected} notification"
        return NoticeKind(self.kind).label


def _placed_in_episodes(episodes: QuerySet, now: dt.datetime) -> QuerySet:
    """Placed-in children's episodes that may have a notice to send: the open and the recent,
    and, however long ago, any with a notice still owed that Homeward learnt of while it was
    recent (a return never told, an interview outcome recorded weeks later). Only history
    that was already old when it was recorded or imported is left out: a child stays on the
    list until their placing council has been told."""
    lookback = dt.timedelta(days=settings.HOMEWARD_NOTICE_LOOKBACK_DAYS)
    since = now - lookback
    recent = Q(returned_at__isnull=True) | Q(last_seen_at__gte=since) | Q(returned_at__gte=since)
    learnt_while_recent = Q(last_seen_at__gte=F("created_at") - lookback)
    return (
        episodes.filter(category=Category.MISSING)
        .exclude(child__responsible_la=F("council"))
        .filter(recent | (learnt_while_recent & _notice_owed()))
        .select_related("child", "council", "placement")
    )


def _notice_owed() -> Q:
    """A superset, in SQL, of the episodes `_next_for` finds a notice due for: no missing
    notice of its child (nor a time they were told recorded), a return not told, or a final
    interview outcome not told."""
    notices = PlacingCouncilNotice.objects.filter(episode=OuterRef("pk"))
    own = notices.filter(child=OuterRef("child"))
    outcome_told = PlacingCouncilNotice.objects.filter(
        interview=OuterRef("pk"),
        kind=NoticeKind.INTERVIEW_OUTCOME,
        child=OuterRef("episode__child"),
    )
    untold_outcome = ReturnInterview.objects.filter(
        episode=OuterRef("pk"), outcome__in=FINAL_OUTCOMES
    ).exclude(Exists(outcome_told))
    typed_only = Q(placing_la_notified_at__isnull=False) & ~Exists(
        notices.filter(kind=NoticeKind.MISSING)
    )
    return (
        (~Exists(own.filter(kind=NoticeKind.MISSING)) & ~typed_only)
        | (Q(returned_at__isnull=False) & ~Exists(own.filter(kind=NoticeKind.RETURNED)))
        | Exists(untold_outcome)
    )


def notices_due(*, episodes: QuerySet, now: dt.datetime) -> list[Due]:
    """The notices still to send for these episodes (placed-in children's, recent or open):
    the missing notice first, then the return's, then each final interview outcome. A fixed
    number of queries, however many episodes."""
    listed = list(
        _placed_in_episodes(episodes, now)
        .prefetch_related("placing_council_notices")
        .select_related("child__responsible_la", "placement__placing_la")
        .order_by("last_seen_at", "pk")
    )
    interviews: dict[int, list[ReturnInterview]] = {}
    returned = [episode.pk for episode in listed if episode.returned_at is not None]
    finals = ReturnInterview.objects.filter(episode_id__in=returned, outcome__in=FINAL_OUTCOMES)
    for interview in finals.order_by("offered_at", "pk"):
        interviews.setdefault(interview.episode_id, []).append(interview)
    nexts = {}
    for episode in listed:
        kind, interview = _next_for(episode, interviews.get(episode.pk, []))
        if kind is not None:
            nexts[episode.pk] = (episode, kind, interview)
    chosen = [episode for episode, _kind, _interview in nexts.values()]
    councils = placing_councils_for(chosen)
    recipients = recipients_for(councils, chosen)
    return [
        Due(
            episode=episode,
            kind=kind,
            interview=interview,
            placing_council=councils[episode.pk],
            recipients=recipients[episode.pk],
        )
        for episode, kind, interview in nexts.values()
        if councils[episode.pk] is not None
    ]


def _next_for(
    episode: Episode, final_interviews: list | None = None
) -> tuple[str | None, ReturnInterview | None]:
    """The notice due next for the episode, and the interview it carries. `final_interviews`:
    the episode's interviews with a final outcome, offered first first (read when None)."""
    every = list(episode.placing_council_notices.all())
    # Those of its child now: an episode moved to another child (a wrong link undone) owes
    # that child's placing council its own notices (the first child's are corrected).
    notices = [n for n in every if n.child_id == episode.child_id]
    sent = {n.kind: n for n in notices}
    if NoticeKind.MISSING not in sent:
        # A time typed in (or imported) when no notice was recorded is the evidence they were
        # told, outside Homeward: so were the follow-ups, as far as Homeward can know.
        typed_only = episode.placing_la_notified_at and not any(
            n.kind == NoticeKind.MISSING for n in every
        )
        return (None, None) if typed_only else (NoticeKind.MISSING, None)
    if episode.returned_at is None:
        return None, None
    if NoticeKind.RETURNED not in sent:
        return NoticeKind.RETURNED, None
    if final_interviews is None:
        final_interviews = list(
            ReturnInterview.objects.filter(episode=episode, outcome__in=FINAL_OUTCOMES).order_by(
                "offered_at", "pk"
            )
        )
    told = {n.interview_id for n in notices if n.kind == NoticeKind.INTERVIEW_OUTCOME}
    interview = next((i for i in final_interviews if i.pk not in told), None)
    return (NoticeKind.INTERVIEW_OUTCOME, interview) if interview else (None, None)


def told_facts(notice: PlacingCouncilNotice) -> dict:
    """What the placing council was last told of a notice's episode: its latest correction's
    facts, or the notice's own ({} when not kept)."""
    corrections = sorted(notice.corrections.all(), key=lambda c: c.chase_number)
    return corrections[-1].facts if corrections else notice.facts


def facts_now(notice: PlacingCouncilNotice) -> dict:
    """What the notice would tell of its episode (and interview) now."""
    return facts_of(notice.episode, notice.kind, notice.interview)


def changed_since_sent(notice: PlacingCouncilNotice) -> list[tuple[str, str, str]]:
    """What changed in a missing, returned or interview outcome notice's episode (or
    interview) since the placing council was last told (label, was, now); [] when nothing
    did."""
    if notice.kind not in TOLD_KINDS:
        return []
    return changes_between(told_facts(notice), facts_now(notice))


def corrections_due(*, episodes: QuerySet, corrects: int | None = None) -> list[Due]:
    """The corrections still to send: of each missing, returned or interview outcome notice
    sent (or told another way) of these episodes (those entered in error too: pass them),
    whose episode changed in what it told since the placing council was last told (only the
    one of notice `corrects`, when given). A fixed number of queries."""
    notices = (
        PlacingCouncilNotice.objects.filter(kind__in=TOLD_KINDS, episode__in=episodes.values("pk"))
        .filter(facts__has_key="lines")
        .select_related("episode__child", "episode__council", "placing_council", "interview")
        .prefetch_related("corrections")
        .order_by("prepared_at", "pk")
    )
    if corrects is not None:
        notices = notices.filter(pk=corrects)
    changed = [notice for notice in notices if changed_since_sent(notice)]
    councils = {notice.episode_id: notice.placing_council for notice in changed}
    directory = recipients_for(councils, [notice.episode for notice in changed])
    return [
        Due(
            episode=notice.episode,
            kind=NoticeKind.CORRECTION,
            placing_council=notice.placing_council,
            recipients=_told_recipients(notice) or directory[notice.episode_id],
            corrects=notice,
            was=told_facts(notice),
            facts=facts_now(notice),
        )
        for notice in changed
        if notice.placing_council is not None
    ]


def _told_recipients(notice) -> list[Recipient]:
    """Those the notice went to, as it went (a correction goes to the same people)."""
    code = notice.placing_council.code
    return [Recipient(r["email"], r["name"], r["purpose"], code) for r in notice.recipients]


def due_for(
    *, episode: Episode, kind: str, interview=None, corrects: int | None = None
) -> Due | None:
    """The notice of `kind` due for this episode now, if it is the one due (a correction:
    of the notice `corrects`, when given, else the first due)."""
    if kind == NoticeKind.CORRECTION:
        episodes = Episode.all_records.filter(pk=episode.pk)
        return next(iter(corrections_due(episodes=episodes, corrects=corrects)), None)
    next_kind, next_interview = _next_for(episode)
    if next_kind != kind or (interview is not None and next_interview != interview):
        return None
    council = placing_council_for(episode=episode)
    if council is None:
        return None
    return Due(
        episode=episode,
        kind=kind,
        interview=next_interview,
        placing_council=council,
        recipients=placing_council_recipients(episode=episode),
    )


def with_sent_at(notices: QuerySet) -> QuerySet:
    """Notices with `first_sent_at`: when the first of their emails was sent (or told)."""
    return notices.annotate(
        emailed_at=Min("emails__sent_at", filter=Q(emails__status=EmailStatus.SENT))
    )


def sent_at_of(notice) -> dt.datetime | None:
    """When the placing council was told by this notice: its first email sent, or the
    time a coordinator recorded telling them another way."""
    if notice.told_at is not None:
        return notice.told_at
    if hasattr(notice, "emailed_at"):  # read with the notice (`with_sent_at`)
        return notice.emailed_at
    return (
        notice.emails.filter(status=EmailStatus.SENT).aggregate(first=Min("sent_at")).get("first")
    )


def chase_after() -> dt.timedelta:
    return dt.timedelta(hours=settings.HOMEWARD_PLACING_COUNCIL_CHASE_HOURS)


def awaiting_acknowledgement(*, episodes: QuerySet) -> QuerySet:
    """Notices sent by email for these episodes and not yet acknowledged, oldest first."""
    return with_sent_at(
        PlacingCouncilNotice.objects.filter(
            # Of an episode entered in error, only the correction that says so is awaited.
            Q(episode__entered_in_error_at__isnull=True) | Q(kind=NoticeKind.CORRECTION),
            episode__in=episodes.values("pk"),
            acknowledged_at__isnull=True,
            told_at__isnull=True,
        )
        .exclude(kind=NoticeKind.CHASE)
        .select_related("episode", "episode__child", "placing_council")
        .order_by("prepared_at", "pk")
    )


def is_overdue(notice, now: dt.datetime) -> bool:
    return notice.acknowledged_at is None and now - notice.prepared_at >= chase_after()


def notices_visible_to(user) -> QuerySet:
    """The notices of the episodes this person may see."""
    return PlacingCouncilNotice.objects.filter(episode__in=episodes_visible_to(user).values("pk"))


def notices_of_episode(*, user, episode) -> QuerySet:
    """An episode's notices (reminders too), as the episode's page shows them."""
    return with_sent_at(
        notices_visible_to(user)
        .filter(episode=episode)
        .select_related("placing_council", "episode__child")
        .prefetch_related("corrections")
    ).order_by("prepared_at", "pk")


def notices_of_child(*, user, child) -> QuerySet:
    """A child's notices (not reminders), as the child's page shows them."""
    return with_sent_at(
        notices_visible_to(user)
        .filter(episode__child=child)
        .exclude(kind=NoticeKind.CHASE)
        .select_related("placing_council", "episode__child")
        .prefetch_related("corrections")
    ).order_by("-prepared_at", "-pk")


def to_tell_list(*, user, now: dt.datetime) -> dict:
    """The *Placing councils to tell* list: notices to send (with problems), and those
    awaiting acknowledgement (overdue first)."""
    episodes = episodes_visible_to(user)
    with_in_error = episodes_visible_to(user, in_error=True)
    awaiting = list(awaiting_acknowledgement(episodes=with_in_error))
    for notice in awaiting:
        notice.overdue = is_overdue(notice, now)
        notice.sent_at = sent_at_of(notice)
    awaiting.sort(key=lambda n: (not n.overdue, n.prepared_at))
    to_send = corrections_due(episodes=with_in_error) + notices_due(episodes=episodes, now=now)
    return {"to_send": to_send, "awaiting": awaiting}


def first_missing_notice_sent(*, episode) -> dt.datetime | None:
    """When the placing council was first told of this episode (as its child's) by a notice."""
    notices = episode.placing_council_notices.filter(kind=NoticeKind.MISSING)
    notice = notices.filter(child=episode.child_id).first()
    return sent_at_of(notice) if notice else None


def due_now(*, episode: Episode, now: dt.datetime) -> Due | None:
    """The notice due for this episode now, if any (as its page offers it)."""
    due = notices_due(episodes=Episode.objects.filter(pk=episode.pk), now=now)
    due += corrections_due(episodes=Episode.all_records.filter(pk=episode.pk))
    return due[0] if due else None


def told_within(within: dt.timedelta) -> Q:
    """A condition on Episode: its placing council was told of it within `within` of the
    report to police (last seen, when no report time), counted from the notice records: the
    first email of its child's missing notice sent by then, or told another way by then. An
    episode with no missing notice (of any child) counts the time typed in or imported
    (`placing_la_notified_at`) as the evidence there is."""
    deadline = Coalesce(OuterRef("reported_at"), OuterRef("last_seen_at")) + within
    notices = PlacingCouncilNotice.objects.filter(episode=OuterRef("pk"), kind=NoticeKind.MISSING)
    own = notices.filter(child=OuterRef("child"))
    emailed = own.filter(emails__status=EmailStatus.SENT, emails__sent_at__lte=deadline)
    told = own.filter(told_at__lte=deadline)
    typed = Q(placing_la_notified_at__lte=Coalesce("reported_at", "last_seen_at") + within)
    return Q(Exists(emailed)) | Q(Exists(told)) | (~Q(Exists(notices)) & typed)
