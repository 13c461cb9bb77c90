"""Which alerts each person receives: their own choice, or their roles' defaults.

Only people whose role works with children's records may receive alerts at all: an alert is
about children, and analysts and scrutiny members see counts, not children. Even then, each
alert goes only to those who may see the child it is about (the access rule), whatever they
chose.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from homeward.access.rules import access_for
from homeward.accounts import roles
from homeward.alerts.models import AlertPreference
from homeward.audit.services import record_change, values_before_change

DIGEST = "digest"
HIGH_RISK = "high_risk"
INTERVIEW_BREACH = "interview_breach"
KINDS = (DIGEST, HIGH_RISK, INTERVIEW_BREACH)

# What each role receives until the person chooses: coordinators everything; practitioners
# what concerns their own children; the exploitation lead the digest (the panel's actions)
# and high-risk episodes; police liaison high-risk episodes only. Administrators run the
# system rather than cases, so they choose for themselves. A person with several roles
# receives what any of them would.
DEFAULTS: dict[str, frozenset[str]] = {
    roles.MISSING_COORDINATOR: frozenset(KINDS),
    roles.PRACTITIONER: frozenset(KINDS),
    roles.EXPLOITATION_LEAD: frozenset({DIGEST, HIGH_RISK}),
    roles.POLICE_LIAISON: frozenset({HIGH_RISK}),
    roles.ADMINISTRATOR: frozenset(),
}

NO_ALERTS_FOR_ROLE = (
    "Your role does not work with children's records, so Homeward sends you no alerts: they "
    "are about children. Ask your Homeward administrator if your work needs them."
)


@dataclass(frozen=True)
class AlertChoices:
    """What a person receives, and whether it is their own choice or their roles' default."""

    digest: bool
    high_risk: bool
    interview_breach: bool
    chosen: bool

    def wants(self, kind: str) -> bool:
        return getattr(self, kind)


def may_receive_alerts(user) -> bool:
    """Whether this person's role works with children's records (the only people alerted)."""
    return user.is_active and access_for(user).uses_case_pages


def role_defaults(user) -> AlertChoices:
    """The alerts this person's roles give them until they choose."""
    held = access_for(user).roles
    kinds = frozenset().union(*(DEFAULTS.get(role, frozenset()) for role in held))
    return AlertChoices(**{kind: kind in kinds for kind in KINDS}, chosen=False)


def alert_choices_for(user) -> AlertChoices:
    """What this person receives: their own choices if they made them, else the defaults."""
    chosen = AlertPreference.objects.filter(user=user).first()
    if chosen is None:
        return role_defaults(user)
    return AlertChoices(
        digest=chosen.digest,
        high_risk=chosen.high_risk,
        interview_breach=chosen.interview_breach,
        chosen=True,
    )


def alert_choices_set(*, user, digest: bool, high_risk: bool, interview_breach: bool):
    """Record which alerts this person chose to receive (audited)."""
    with transaction.atomic():
        existing = AlertPreference.objects.filter(user=user).first()
        before = values_before_change(existing) if existing else None
        chosen, _ = AlertPreference.objects.update_or_create(
            user=user,
            defaults={
                "digest": digest,
                "high_risk": high_risk,
                "interview_breach": interview_breach,
                "changed_at": timezone.now(),
            },
        )
        record_change(record=chosen, by=user, before=before)
    return chosen


def alert_recipients(kind: str) -> list:
    """Everyone who receives `kind`: active, with an email address, in a role that works with
    children's records (as the access rule, with the installation's overrides, says), and
    choosing it (or defaulting to it)."""
    people = (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=roles.ROLES)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
    chosen = {p.user_id: p for p in AlertPreference.objects.filter(user__in=people)}
    recipients = []
    for person in people:
        if not may_receive_alerts(person):
            continue
        preference = chosen.get(person.pk)
        wants = getattr(preference, kind) if preference else role_defaults(person).wants(kind)
        if wants:
            recipients.append(person)
    return recipients
