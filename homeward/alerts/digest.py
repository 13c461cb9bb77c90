"""The morning digest: one email a day to each person, made of sections.

Each section comes from a function named in `settings.HOMEWARD_DIGEST_SECTIONS`, called as
`section(user, now)`; it returns a `DigestSection` of what that person may see, or None
when it has nothing for them. Sections carry counts and a link, not children's details.
"""

from dataclasses import dataclass


@dataclass
class DigestSection:
    """One part of a digest: a heading, how many, a few short lines, and where to look."""

    title: str
    count: int
    lines: list[str]
    link: str


def digests_queue(now) -> int:
    """Queue today's digest to each person who receives one, once the digest hour has come."""
    return 0
