"""The morning digest: one email a day to each person who receives it, made of sections.

Each section comes from a function named in `settings.HOMEWARD_DIGEST_SECTIONS`, called as
`section(user, now)`; it returns a `DigestSection` of what that person may see (the access
rule), or None when it has nothing for them (a role without that part of Homeward). Sections
carry counts and a link, never a child's name: the email goes to an inbox, the names stay
in Homeward. The digest goes from HOMEWARD_DIGEST_HOUR (UK time), once a day per person
(`digest:{user}:{date}`), and only on a day when something is counted.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.module_loading import import_string

from homeward.alerts.models import Email
from homeward.alerts.outbox import email_queue, homeward_link
from homeward.alerts.preferences import DIGEST, alert_recipients

logger = logging.getLogger(__name__)

SUBJECT = "Homeward: what needs doing today, {day}"
INTRODUCTION = "This is what needs doing in Homeward today, {day}, among the \
children whose records you may see."
SECTION_FAILED = "{title}: could not be counted today ({error}). Open Homeward to see it."
FOOTER = """\
You receive this digest because of the alerts you chose in Homeward (or your role's
defaults); it is sent only on days when something is counted. Change it here: {link}"""


@dataclass
class DigestSection:
    """One part of a digest: a heading, how many, a few short lines, and where to look."""

    title: str
    count: int
    lines: list[str]
    link: str


def digests_queue(now: dt.datetime) -> int:
    """Queue today's digest to each person who receives one, once the digest hour has come."""
    local = timezone.localtime(now)
    if local.hour < settings.HOMEWARD_DIGEST_HOUR:
        return 0
    queued = 0
    for person in alert_recipients(DIGEST):
        key = f"digest:{person.pk}:{local.date().isoformat()}"
        if Email.objects.filter(key=key).exists():
            continue  # sent already today: the sections need not be counted again
        sections = digest_sections(person, now)
        if not any(section.count for section in sections):
            continue
        _, new = email_queue(
            key=key,
            to=person.email,
            subject=SUBJECT.format(day=_day(local)),
            body=digest_body(sections, day=_day(local)),
            purpose=DIGEST,
            recipient=person,
        )
        queued += new
    return queued


def digest_sections(user, now: dt.datetime) -> list[DigestSection]:
    """Every section of this person's digest at `now`, in the settings' order."""
    sections = []
    for path in settings.HOMEWARD_DIGEST_SECTIONS:
        try:
            section = import_string(path)(user, now)
        except Exception as error:  # one broken section must not stop the others
            logger.exception("Digest section %s failed", path)
            title = path.rpartition(".")[2].removesuffix("_section").replace("_", " ")
            failed = SECTION_FAILED.format(title=title.capitalize(), error=error)
            section = DigestSection(title=title.capitalize(), count=0, lines=[failed], link="")
        if section is not None:
            sections.append(section)
    return sections


def digest_body(sections: list[DigestSection], *, day: str) -> str:
    """The digest's text: the introduction, each section with its count and link, the footer."""
    parts = [INTRODUCTION.format(day=day)]
    for section in sections:
        lines = [f"{section.title}: {section.count}"]
        lines += [f"- {line}" for line in section.lines]
        if section.link:
            lines.append(f"Open: {section.link}")
        parts.append("\n".join(lines))
    parts.append(FOOTER.format(link=homeward_link(reverse("alerts:preferences"))))
    return "\n\n".join(parts) + "\n"


def _day(local: dt.datetime) -> str:
    return formats.date_format(local, "l j F Y")
