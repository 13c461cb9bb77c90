"""Writing a download: one table as CSV (for Excel, with a byte-order mark) or as an Excel
workbook, audited, and never kept by a browser or proxy.

Every download (episodes, interviews, screenings, panel actions) goes through `download`:
its rows come from the access rule, like the page it is offered from, and here they are
written, recorded in the audit log (who, what, how many rows, which filters) and sent.
"""

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from homeward.audit.models import Action
from homeward.audit.services import audit_record
from homeward.core.problems import LONDON

CSV = "csv"
XLSX = "xlsx"
FORMATS = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Excel reads a CSV file as UTF-8 (so that "Zoë" is not "ZoÃ«") only when it starts with this.
BYTE_ORDER_MARK = "\ufeff"
# A spreadsheet runs a cell that begins with one of these as a formula ("formula injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"


@dataclass(frozen=True)
class Table:
    """What a download holds: its column headings, and rows of plain values (text, numbers,
    dates, and aware datetimes, written in UK time)."""

    columns: Sequence[str]
    rows: list[list]


def neutralised(value):
    """A text cell that a spreadsheet would run as a formula, given a leading apostrophe so
    that it is shown as text and never run."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def choose_format(value: str | None) -> str:
    """The format asked for: Excel when asked, otherwise CSV."""
    return XLSX if value == XLSX else CSV


def download(
    request,
    *,
    table: Table,
    name: str,
    fmt: str,
    label: str,
    filters: dict,
    about: dict | None = None,
    sheet: str = "Rows",
):
    """The table as a file named `name`.csv or .xlsx, with an audit entry saying who
    downloaded what, how many rows and with which filters (never any of the rows' values)."""
    audit_record(
        request=request,
        action=Action.EXPORT,
        label=label,
        details={"rows": len(table.rows), "format": fmt, "filters": filters, **(about or {})},
    )
    content = as_xlsx(table, sheet) if fmt == XLSX else as_csv(table).encode("utf-8")
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    add_never_cache_headers(response)  # Cache-Control: no-store, among others
    return response


def as_csv(table: Table) -> str:
    out = io.StringIO()
    out.write(BYTE_ORDER_MARK)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.columns)
    writer.writerows([_csv_cell(value) for value in row] for row in table.rows)
    return out.getvalue()


def _csv_cell(value):
    if isinstance(value, dt.datetime):
        return value.astimezone(LONDON).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else neutralised(value)


def as_xlsx(table: Table, sheet: str = "Rows") -> bytes:
    """An Excel workbook of one sheet: dates are dates (sortable, shown as 14/03/2020), not
    text; no text cell is ever a formula."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet)
    bold = Font(bold=True)
    sheet.append([_xlsx_cell(sheet, heading, font=bold) for heading in table.columns])
    for row in table.rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_cell(sheet, value, font=None) -> WriteOnlyCell:
    if isinstance(value, dt.datetime):
        # Excel has no time zones: the time is written as UK time, as every page shows it.
        cell = WriteOnlyCell(sheet, value.astimezone(LONDON).replace(tzinfo=None))
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, dt.date):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = DATE_FORMAT
    else:
        cell = WriteOnlyCell(sheet, neutralised(value))
        if isinstance(cell.value, str):
            cell.data_type = "s"  # text, whatever it looks like
    if font is not None:
        cell.font = font
    return cell


def plain_filters(query: Iterable[tuple[str, str]]) -> dict:
    """The filters of a download as its audit entry records them."""
    return {key: value for key, value in query if key != "format"}
