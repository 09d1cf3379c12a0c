"""Reading an uploaded ledger as it comes: .xlsx/.xls via calamine (fast), .csv in UTF-8 or GBK.

The header is the row among the first 30 that names the most known columns, so merged title rows and
a 填报单位/日期 row above it are passed over. Below it, 合计 rows and the signature line
(制表人/审核人/签字) are recognised and skipped.
"""

import io
import re
from dataclasses import dataclass, field

from core.csvtext import UnreadableCsv, csv_rows
from registry.importing.bulk import gc_paused
from registry.importing.columns import ALIASES, IGNORE, UNUSED, label_of, normalise_header
from registry.importing.values import text


class UnreadableFile(ValueError):
    """The file cannot be used at all (wrong type, no header found); message in Chinese."""


HEADER_SCAN_ROWS = 30
_TOTAL_RE = re.compile(r"^(合\s*计|总\s*计|小\s*计|本页合计|累计)")
_SIGNATURE_RE = re.compile(r"(制表人|制表|填表人|审核人|审批人|负责人|签字|签章|盖章|经办人|复核人)[:：]?")


@dataclass
class Sheet:
    rows: list[list]  # every row of the sheet, as read
    header_index: int  # 0-based index of the header row in `rows`
    columns: dict[str, int]  # field key → column index
    headers: list[str]  # the header cells as written
    skipped: dict[str, int] = field(default_factory=dict)  # why rows were skipped → how many
    unknown: list[int] = field(default_factory=list)  # positions of headers nobody has mapped yet
    ignored: list[int] = field(default_factory=list)  # positions of columns read by nobody (known or chosen)
    totals: list[tuple[int, list]] = field(default_factory=list)  # the file's own 合计 rows (row number, cells)

    def preview(self, position: int, count: int = 3) -> list[str]:
        """The first few values of a column below the header, for the mapping step."""
        found = []
        for cells in self.rows[self.header_index + 1 :]:
            if position < len(cells) and row_kind(cells) == "data":
                value = text(cells[position])
                if value:
                    found.append(value[:30])
                if len(found) == count:
                    break
        return found

    @property
    def ignored_headers(self) -> list[str]:
        return [self.headers[position] or f"第{position + 1}列（无列名）" for position in self.ignored]

    @property
    def layout(self) -> str:
        return "roster" if "head_name" in self.columns else "ledger"

    def data_rows(self) -> list[tuple[int, list]]:
        """(sheet row number, cells) of each row below the header that holds a person or household."""
        width = len(self.headers)
        found = []
        for number, cells in enumerate(self.rows[self.header_index + 1 :], self.header_index + 2):
            if len(cells) < width:
                cells = [*cells, *[""] * (width - len(cells))]
            kind = row_kind(cells)
            if kind == "data":
                found.append((number, cells))
            elif kind != "empty":
                if kind == "合计行":
                    self.totals.append((number, cells))
                self.skipped[kind] = self.skipped.get(kind, 0) + 1
        return found


# Every character that can start a 合计 row or appear in a signature marker: a row without any of
# them is data (or empty), decided by one regex over the joined row instead of a look at each cell.
_MARKER_CHARS = re.compile(r"[合总小本累制填审负签盖经复]")


def row_kind(cells: list) -> str:
    joined = "\x1f".join([cell if type(cell) is str else "" if cell is None else str(cell) for cell in cells])
    if not _MARKER_CHARS.search(joined):
        return "data" if joined.strip() else "empty"  # the separator \x1f is whitespace to strip()
    values = [cell for cell in cells if cell is not None and (cell.strip() if type(cell) is str else cell != "")]
    if not values:
        return "empty"
    strings = [value.strip() for value in values[:3] if type(value) is str]
    if any(_TOTAL_RE.match(value) for value in strings):
        return "合计行"
    joined = "|".join(value for value in values if type(value) is str)
    if _SIGNATURE_RE.search(joined) and not re.search(r"\d{15,}", joined):
        return "签字行"
    return "data"


def read_rows(data: bytes, filename: str) -> list[list]:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix == "csv":
        return _read_csv(data)
    if suffix in {"xlsx", "xlsm", "xls", "ods"}:
        return _read_workbook(data)
    raise UnreadableFile("只接受 .xlsx、.xls 或 .csv 文件")


def _read_workbook(data: bytes) -> list[list]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        if not workbook.sheet_names:
            raise UnreadableFile("文件中没有工作表")
        # The first sheet holding data: template workbooks keep their instructions on a later sheet.
        for name in workbook.sheet_names:
            rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            if any(any(cell not in ("", None) for cell in row) for row in rows[:HEADER_SCAN_ROWS]):
                return rows
    except UnreadableFile:
        raise
    except Exception as exc:  # calamine raises its own error types for damaged files
        raise UnreadableFile(
            f"无法读取该Excel文件（{type(exc).__name__}），请确认文件未损坏并另存为.xlsx后重试"
        ) from None
    raise UnreadableFile("文件中没有数据")


def _read_csv(data: bytes) -> list[list]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            decoded = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnreadableFile("无法识别CSV文件的编码，请另存为UTF-8或GBK编码")
    try:
        return list(csv_rows(io.StringIO(decoded, newline="")))
    except UnreadableCsv as error:
        raise UnreadableFile(str(error)) from None


class NeedsMapping(UnreadableFile):
    """Columns the platform does not recognise: the clerk maps each to a field or to 忽略."""

    def __init__(self, sheet: "Sheet", message: str = ""):
        super().__init__(message or "表中有系统不认识的列，请逐列选择对应的字段或“忽略”")
        self.sheet = sheet


def find_header(rows: list[list], mapping: dict[str, str] | None = None, strict: bool = False) -> Sheet:
    """The header row and its columns. `mapping` (normalised header → field key, or "" to ignore)
    is the clerk's own choice from the mapping step and comes before the known names.

    With `strict`, a header cell that is neither known nor mapped raises NeedsMapping (a column is
    never dropped silently); so does a header that lacks a required column when the clerk could
    still map one to it."""
    mapping = mapping or {}
    aliases = ALIASES | {name: key for name, key in mapping.items()}
    best_index, best_columns, best_filled = -1, {}, 0
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        columns: dict[str, int] = {}
        for position, cell in enumerate(row):
            key = aliases.get(normalise_header(cell))
            if key and key not in columns:
                columns[key] = position
        filled = sum(1 for cell in row if type(cell) is str and cell.strip())
        if len(columns) > len(best_columns) or (not best_columns and filled > best_filled):
            best_index, best_columns, best_filled = index, columns, filled
    if strict and best_index >= 0 and len(best_columns) < 3 and best_filled >= 4:
        raise NeedsMapping(_sheet(rows, best_index, best_columns, aliases))
    if len(best_columns) < 3:
        raise UnreadableFile(
            "找不到表头：前30行中没有一行包含“姓名”“身份证号”“与户主关系”或“户主姓名”“户主身份证号”等列名，"
            "请使用系统提供的模板或保留花名册原有表头"
        )
    has_ledger = {"name", "id_number"} <= best_columns.keys()
    has_roster = {"head_name", "head_id"} <= best_columns.keys()
    sheet = _sheet(rows, best_index, best_columns, aliases)
    if strict and sheet.unknown:
        raise NeedsMapping(sheet)
    if not (has_ledger or has_roster):
        if strict:
            raise NeedsMapping(
                sheet,
                "表头缺少必需的列：须有“户主姓名”“户主身份证号”（花名册）或“姓名”“身份证号”（台账），请在下面指定",
            )
        raise UnreadableFile(
            f"第{best_index + 1}行的表头缺少必需的列：台账模板须有“姓名”“身份证号”，花名册须有“户主姓名”“户主身份证号”"
        )
    if has_ledger and not has_roster and not ({"household_key", "relation"} & best_columns.keys()):
        raise UnreadableFile("表头缺少“户编号”和“与户主关系”列，无法判断谁和谁是一户")
    return sheet


def _sheet(rows: list[list], index: int, columns: dict[str, int], aliases: dict[str, str]) -> Sheet:
    headers = [text(cell) for cell in rows[index]]
    used = set(columns.values())
    unknown, ignored = [], []
    for position, header in enumerate(headers):
        if position in used:
            continue
        if not header:  # a column without a name: listed as ignored when it holds anything
            if _has_data(rows, index, position):
                ignored.append(position)
            continue
        name = normalise_header(header)
        if name in aliases or name in UNUSED:  # mapped to 忽略, a duplicate of a used field, or known unused
            ignored.append(position)
        elif _has_data(rows, index, position):
            unknown.append(position)
        else:
            ignored.append(position)
    return Sheet(rows=rows, header_index=index, columns=columns, headers=headers, unknown=unknown, ignored=ignored)


def _has_data(rows: list[list], index: int, position: int) -> bool:
    """Whether any data row (not a 合计 or signature row) has something in the column."""
    return any(
        position < len(cells) and text(cells[position]) and row_kind(cells) == "data" for cells in rows[index + 1 :]
    )


def describe_columns(sheet: Sheet) -> list[dict]:
    """Every column of the header, with what it was read as and its first values: the mapping step."""
    by_position = {position: key for key, position in sheet.columns.items()}
    described = []
    for position, header in enumerate(sheet.headers):
        if not header and position not in by_position:
            continue
        key = by_position.get(position, IGNORE)
        described.append(
            {
                "position": position,
                "header": header,
                "name": normalise_header(header),
                "key": key,
                "label": label_of(key) if key else "",
                "unknown": position in sheet.unknown,
                "preview": sheet.preview(position),
            }
        )
    return described


@gc_paused()
def read_sheet(data: bytes, filename: str, mapping: dict[str, str] | None = None, strict: bool = False) -> Sheet:
    return find_header(read_rows(data, filename), mapping, strict)
