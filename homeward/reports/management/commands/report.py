"""homeward report: the scrutiny report for a period, as JSON, HTML, DOCX or PDF."""

import datetime as dt
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from homeward.reports.engine import build_report
from homeward.reports.findings import FindingsEditError, apply_edits, read_edits
from homeward.reports.scope import ScopeError

FORMATS = ("json", "html", "docx", "pdf")
NOT_A_DATE = "{option} must be a date like 2020-06-30, not {value!r}."
TEMPLATE_FOR_WORD = (
    "--template is the council's Word template: use it with --format docx, not {fmt}."
)
NO_TEMPLATE = "The template {path} cannot be read ({error}). Check the path and try again."
NO_DOCUMENTS = (
    "The {fmt} format is not available yet: the report documents are not installed. "
    "Use --format json."
)


def iso_date(option: str):
    def parse(value: str) -> dt.date:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise CommandError(NOT_A_DATE.format(option=option, value=value)) from None

    return parse


class Command(BaseCommand):
    help = "Write the scrutiny report for a period (docs/report-json.md)."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="period_from", required=True, type=iso_date("--from"))
        parser.add_argument("--to", dest="period_to", required=True, type=iso_date("--to"))
        parser.add_argument("--format", dest="fmt", choices=FORMATS, default="json")
        parser.add_argument("--out", required=True, help="File to write.")
        parser.add_argument("--council", help="DfE code, or all (default: HOMEWARD_COUNCIL).")
        parser.add_argument("--locality", help="Only episodes missing from this locality.")
        parser.add_argument(
            "--publication", action="store_true", help='Suppress groups of fewer than 5 ("c").'
        )
        parser.add_argument("--findings", help="JSON list of findings to edit, drop or add.")
        parser.add_argument(
            "--template", help="The council's Word template (.docx) for --format docx."
        )

    def handle(self, *, period_from, period_to, fmt, out, council, locality, **options):
        render = _renderer(fmt)
        edits = self._edits(options["findings"])
        template = _template(options["template"], fmt)
        try:
            report = build_report(
                council_code=council,
                period_from=period_from,
                period_to=period_to,
                locality=locality,
                publication=options["publication"],
            )
            report["findings"] = apply_edits(report["findings"], edits)
        except (ScopeError, FindingsEditError, ValueError) as error:
            raise CommandError(str(error)) from None
        try:
            content = render(report, fmt, **template)
        except ValueError as error:
            raise CommandError(str(error)) from None
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_bytes(content)
        self.stdout.write(self.style.SUCCESS(f"Wrote the {fmt} report to {out}."))

    def _edits(self, path: str | None) -> list[dict]:
        if path is None:
            return []
        try:
            return read_edits(Path(path))
        except FindingsEditError as error:
            raise CommandError(str(error)) from None


def _template(path: str | None, fmt: str) -> dict:
    if path is None:
        return {}
    if fmt != "docx":
        raise CommandError(TEMPLATE_FOR_WORD.format(fmt=fmt))
    try:
        return {"template": Path(path).read_bytes(), "template_name": path}
    except OSError as error:
        raise CommandError(NO_TEMPLATE.format(path=path, error=error.strerror)) from None


def _renderer(fmt: str):
    if fmt == "json":
        return _json
    try:
        from homeward.reports.documents import render
    except ImportError:
        raise CommandError(NO_DOCUMENTS.format(fmt=fmt)) from None
    return render


def _json(report: dict, fmt: str) -> bytes:
    from homeward.reports.documents import with_outline

    return (json.dumps(with_outline(report), indent=2, ensure_ascii=False) + "\n").encode("utf-8")
