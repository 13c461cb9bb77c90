"""Alerts' own sections of the morning digest (settings.HOMEWARD_DIGEST_SECTIONS)."""

from homeward.alerts.digest import DigestSection


def missing_now_section(user, now) -> DigestSection | None:
    """Children missing now that this person may see."""
    return None


def interviews_section(user, now) -> DigestSection | None:
    """Return home interviews due and overdue that this person may see."""
    return None


def panel_actions_section(user, now) -> DigestSection | None:
    """Panel actions due this week that this person may see."""
    return None
