"""The error workbook: the clerk's own sheet back, every row as it was (so row numbers match), with
a 错误说明 column, the bad cells filled red with the reason as a comment, and a second sheet
listing every problem by row and column. A 导入状态 column lets Excel's filter show the bad rows only.
"""

import tempfile

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from core.excel import text_safe_cell
from registry.importing.checking import Plan

RED = PatternFill("solid", fgColor="FFC7CE")
YELLOW = PatternFill("solid", fgColor="FFEB9C")
BOLD = Font(bold=True)
RED_TEXT = Font(color="9C0006")


def _plain(value):
    # Long numbers (IDs Excel already mangled) go back as the text Excel showed.
    if isinstance(value, float) and value.is_integer() and abs(value) >= 1e15:
        return f"{value:.11E}"
    if isinstance(value, int) and abs(value) >= 10**15:
        return str(value)
    return value


def error_workbook(plan: Plan):
    """Write the workbook to a temporary file; returns it positioned at the start."""
    sheet = plan.sheet
    by_row: dict[int, list] = {}
    for problem in plan.problems:
        by_row.setdefault(problem.row, []).append(problem)
    bad_rows = {row for household in plan.households if household.bad for row in household.rows}

    workbook = Workbook(write_only=True)
    data = workbook.create_sheet("错误标注")
    width = max(len(sheet.headers), max((len(r) for r in sheet.rows), default=0))
    data.column_dimensions[get_column_letter(width + 1)].width = 60
    data.freeze_panes = f"A{sheet.header_index + 2}"
    for index, cells in enumerate(sheet.rows):
        number = index + 1
        row = list(cells) + [""] * (width - len(cells))
        if index < sheet.header_index:
            data.append([text_safe_cell(data, _plain(value)) for value in row])
            continue
        if index == sheet.header_index:
            header = [text_safe_cell(data, value) for value in row]
            for cell in header:
                cell.font = BOLD
            extra = [WriteOnlyCell(data, value="错误说明"), WriteOnlyCell(data, value="导入状态")]
            for cell in extra:
                cell.font, cell.fill = BOLD, YELLOW
            data.append(header + extra)
            continue
        problems = by_row.get(number)
        if not problems and number not in bad_rows:
            data.append([text_safe_cell(data, _plain(value)) for value in row])
            continue
        out = [text_safe_cell(data, _plain(value)) for value in row]
        for problem in problems or []:
            if problem.column is not None and problem.column < width:
                cell = out[problem.column]
                cell.fill = RED
                cell.comment = Comment(problem.message, "民政一体化服务平台")
        reasons = "；".join(dict.fromkeys(p.message for p in problems or []))
        if not reasons:
            reasons = "同户其他成员有错误，整户未导入"
        note = WriteOnlyCell(data, value=reasons)
        note.font = RED_TEXT
        data.append([*out, note, "有错误" if problems else "同户有错误"])

    listing = workbook.create_sheet("错误清单")
    listing.column_dimensions["D"].width = 80
    listing.append([WriteOnlyCell(listing, value=v) for v in ("行号", "列", "列名", "错误说明")])
    for problem in plan.problems:
        column = problem.column
        letter = get_column_letter(column + 1) if column is not None else ""
        name = sheet.headers[column] if column is not None and column < len(sheet.headers) else ""
        listing.append([text_safe_cell(listing, v) for v in (problem.row or "", letter, name, problem.message)])
    output = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - the caller closes it
    workbook.save(output)
    output.seek(0)
    return output
