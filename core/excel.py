"""Excel export (every list exports to .xlsx). Rows are written in write-only mode into a
spooled temporary file, so a 300,000-row export keeps memory flat, then streamed to the user."""

import csv
import io
import re
import tempfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from urllib.parse import quote

from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A text starting with one of these is run by Excel as a formula (CSV/formula injection, e.g. a
# name typed as =cmd|' /C calc'!A0): it is written as text, never as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def text_safe_cell(sheet, value) -> WriteOnlyCell:
    """A write-only cell holding `value`; a text Excel would take for a formula is stored as text
    (and marked with Excel's quote prefix, so editing the cell does not turn it into one)."""
    cell = WriteOnlyCell(sheet, value=value)
    if looks_like_formula(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def text_safe_row(sheet, values: Iterable) -> list:
    """`values` ready for `sheet.append`: plain values as they are, formula-like texts as text cells."""
    return [text_safe_cell(sheet, value) if looks_like_formula(value) else value for value in values]


def write_xlsx(headers: Sequence[str], rows: Iterable[Sequence], sheet_title: str = "Sheet1"):
    """Write a workbook to a temporary file and return the file, positioned at the start."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = Font(bold=True)
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        # Everything that looks like an ID or account number goes in as text so Excel keeps it whole.
        values = (value if not isinstance(value, int) or abs(value) < 10**15 else str(value) for value in row)
        sheet.append(text_safe_row(sheet, values))
    output = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - the response closes it
    workbook.save(output)
    output.seek(0)
    return output


def xlsx_response(filename: str, headers: Sequence[str], rows: Iterable[Sequence], sheet_title: str = "Sheet1"):
    """A download of the rows as .xlsx; `filename` without extension, a date is appended."""
    output = write_xlsx(headers, rows, sheet_title)
    name = f"{filename}_{timezone.localdate():%Y%m%d}.xlsx"
    response = FileResponse(output, content_type=XLSX_CONTENT_TYPE, as_attachment=True, filename=name)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


# --- CSV for a person opening it in Excel ------------------------------------------------------

_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def csv_safe(value) -> str:
    """One CSV cell for a person opening the file in Excel: a number stays a number; a long digit
    string (ID, account) gets a leading tab so Excel keeps it as text instead of 4.30522E+17; a text
    starting like a formula (FORMULA_TRIGGERS) gets a leading apostrophe so Excel never runs it."""
    if value is None:
        return ""
    text = str(value)
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool) and abs(value) < 10**15:
        return text
    if _NUMBER.fullmatch(text) and len(text.replace("-", "").split(".")[0]) < 12:
        return text
    if text.isdigit() or (len(text) == 18 and text[:17].isdigit()):
        return "\t" + text
    if looks_like_formula(text):
        return "'" + text
    return text


def write_csv(headers: Sequence[str], rows: Iterable[Sequence]):
    """UTF-8 with a byte-order mark (Excel then reads it as UTF-8, not as the system's GBK), cells
    through csv_safe; returns a temporary file positioned at the start."""
    output = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - the caller closes it
    text = io.TextIOWrapper(output, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    writer.writerow([csv_safe(h) for h in headers])
    for row in rows:
        writer.writerow([csv_safe(v) for v in row])
    text.flush()
    text.detach()
    output.seek(0)
    return output


def csv_response(filename: str, headers: Sequence[str], rows: Iterable[Sequence]):
    """A download of the rows as CSV for Excel (write_csv); `filename` without extension."""
    output = write_csv(headers, rows)
    name = f"{filename}_{timezone.localdate():%Y%m%d}.csv"
    response = FileResponse(output, content_type="text/csv; charset=utf-8", as_attachment=True, filename=name)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
