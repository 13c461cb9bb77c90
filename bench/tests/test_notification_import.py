"""The CSV import benchmark, on a few made-up children (its figures are for
docs/performance.md; here only that its file is what a force sends, and that it reports the
import with the baseline and the target)."""

import csv
import io

import pytest
from django.utils import timezone

from bench.notification_import import figures, make_file
from bench.notification_matching import fill
from homeward.police.models import Notification
from homeward.police.reading import COLUMNS

pytestmark = pytest.mark.django_db


def test_the_file_holds_reports_updates_and_founds_in_the_notification_columns():
    council = fill(200)
    content, kinds = make_file(council, 120, timezone.now())
    rows = list(csv.DictReader(io.StringIO(content.decode(), newline="")))
    assert tuple(rows[0]) == COLUMNS
    assert len(rows) == 120
    events = {row["event"] for row in rows}
    assert {"missing", "update", "found"} <= events
    assert kinds["police id"] and kinds["details"]


def test_the_figures_carry_the_import_the_baseline_and_the_target():
    council = fill(200)
    text = figures(council, 200, 60, "sqlite")
    assert "| importing the file |" in text
    assert "| baseline: bulk insert of the same rows |" in text
    assert "Target: 60 notifications from CSV in under 30 s" in text
    # The baseline's rows are removed; the import's stay, one for each row not sent twice.
    assert not Notification.objects.filter(source_name="baseline.csv").exists()
    assert Notification.objects.filter(source_name="bench.csv").count() == 59
