"""The alert sources `homeward send-alerts` calls before sending.

Each is a function named in `settings.HOMEWARD_ALERT_SOURCES`, called as `source(now)`; it
queues what is due through `outbox.email_queue` (idempotent by key, so calling it again
queues nothing twice) and returns how many emails it queued. A source that counts something
else (the escalations sweep counts escalations raised) says so in an attribute
`what_it_counts`, a phrase such as "escalation{s} raised", so that the command's output is true.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

SOURCE_FAILED = "{source} failed, and queued nothing: {error}"
EMAILS_QUEUED = "email{s} queued"


@dataclass
class SourceResult:
    """What one source did: how many emails it queued, or why it failed."""

    source: str
    queued: int
    error: str = ""
    counts: str = EMAILS_QUEUED


def alert_sources_run(*, now: dt.datetime) -> list[SourceResult]:
    """Call every alert source in order; one that fails is reported, and the rest still run."""
    results = []
    for path in settings.HOMEWARD_ALERT_SOURCES:
        counts = EMAILS_QUEUED
        try:
            source = import_string(path)
            counts = getattr(source, "what_it_counts", EMAILS_QUEUED)
            queued = source(now)
        except Exception as error:  # one broken source must not stop the others' alerts
            logger.exception("Alert source %s failed", path)
            results.append(SourceResult(path, 0, SOURCE_FAILED.format(source=path, error=error)))
        else:
            results.append(SourceResult(path, queued, counts=counts))
    return results
