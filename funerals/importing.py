"""Reading a death file (公安死亡人员信息, 医疗机构死亡医学证明, 殡仪馆火化名单) as it comes: .xlsx/.xls/.csv.

Every column of the header is read as a field (by its usual names, or as the clerk mapped it) or is
one the clerk chose to ignore: a column nobody has mapped stops the import at the mapping step, so no
column is ever dropped silently. Every line is checked before any is written: one bad line and the
file is refused with every problem listed (all or nothing).
"""

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from registry.importing.reading import UnreadableFile, read_rows, row_kind
from registry.importing.values import CellError, a_date, text
from registry.importing.values import id_number as id_number_of

IGNORE = "__ignore__"

FIELDS = {
    "name": "姓名",
    "id_number": "身份证号",
    "sex": "性别",
    "birth_date": "出生日期",
    "died_on": "死亡日期",
    "place": "死亡地点或原因",
    "cremated_on": "火化日期",
}
REQUIRED = ("name", "died_on")

ALIASES = {
    "姓名": "name",
    "死者姓名": "name",
    "逝者姓名": "name",
    "身份证号": "id_number",
    "身份证号码": "id_number",
    "公民身份号码": "id_number",
    "证件号码": "id_number",
    "性别": "sex",
    "出生日期": "birth_date",
    "出生年月": "birth_date",
    "死亡日期": "died_on",
    "死亡时间": "died_on",
    "死亡地点": "place",
    "死亡原因": "place",
    "火化日期": "cremated_on",
    "火化时间": "cremated_on",
}
# columns a death file often carries that nobody reads: listed as ignored, never silently
KNOWN_UNUSED = {"序号", "编号", "备注", "民族", "年龄", "户籍地址", "住址", "家属姓名", "联系电话", "经办人"}
HEADER_SCAN_ROWS = 10


def normalise(value) -> str:
    return text(value).replace(" ", "").replace("\u3000", "").replace("*", "").replace("\n", "")


@dataclass
class Line:
    row_no: int
    name: str
    id_number: str
    birth_date: date | None
    died_on: date
    place: str
    cremated_on: date | None


@dataclass
class Reading:
    headers: list[str]
    columns: dict[str, int] = field(default_factory=dict)  # field → position
    unknown: list[int] = field(default_factory=list)  # positions nobody mapped
    ignored: list[int] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)  # (row, message)
    previews: dict[int, list[str]] = field(default_factory=dict)

    def describe(self) -> list[dict]:
        by_position = {p: k for k, p in self.columns.items()}
        return [
            {
                "position": position,
                "header": header or f"第{position + 1}列",
                "key": by_position.get(position, IGNORE if position in self.ignored else ""),
                "unknown": position in self.unknown,
                "preview": "、".join(self.previews.get(position, [])),
            }
            for position, header in enumerate(self.headers)
            if header or position in self.unknown
        ]

    @property
    def ignored_headers(self) -> list[str]:
        return [self.headers[p] or f"第{p + 1}列" for p in self.ignored]


def _header(rows: list[list], mapping: dict[str, str]) -> tuple[int, dict[str, int]]:
    aliases = ALIASES | {name: key for name, key in mapping.items() if key != IGNORE}
    best, best_columns = -1, {}
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        columns = {}
        for position, cell in enumerate(row):
            key = aliases.get(normalise(cell))
            if key and key not in columns:
                columns[key] = position
        if len(columns) > len(best_columns):
            best, best_columns = index, columns
    if best < 0:
        raise UnreadableFile("找不到表头：前10行中没有一行包含“姓名”“身份证号”“死亡日期”等列名")
    return best, best_columns


def read_death_file(data: bytes, filename: str, mapping: dict[str, str] | None = None) -> Reading:
    """Read and check every line. `mapping`: normalised header → field key or IGNORE (the clerk's
    choice). The reading lists unknown columns (mapping needed) or problems (refused) or lines."""
    mapping = mapping or {}
    rows = read_rows(data, filename)
    index, columns = _header(rows, mapping)
    headers = [text(cell) for cell in rows[index]]
    reading = Reading(headers=headers, columns=columns)
    used = set(columns.values())
    body = [(index + 2 + n, cells) for n, cells in enumerate(rows[index + 1 :])]
    for position, header in enumerate(headers):
        if position in used:
            continue
        has_data = any(position < len(c) and text(c[position]) for _, c in body)
        name = normalise(header)
        if mapping.get(name) == IGNORE or name in KNOWN_UNUSED or not has_data:
            if has_data or header:
                reading.ignored.append(position)
        else:
            reading.unknown.append(position)
        reading.previews[position] = [
            text(c[position])[:20] for _, c in body if position < len(c) and text(c[position])
        ][:3]
    missing = [FIELDS[k] for k in REQUIRED if k not in columns]
    if missing and not reading.unknown:
        raise UnreadableFile(f"表头缺少必需的列：{'、'.join(missing)}")
    if reading.unknown or missing:
        return reading

    def cell(cells, key):
        position = columns.get(key)
        return cells[position] if position is not None and position < len(cells) else None

    today = timezone.localdate()
    seen: dict[str, int] = {}
    for row_no, cells in body:
        if row_kind(cells) != "data" or not any(text(c) for c in cells):
            continue
        name = text(cell(cells, "name"))
        problems = []
        if not name:
            problems.append("姓名为空")
        raw_id = text(cell(cells, "id_number"))
        id_number, birth = "", None
        if raw_id:
            try:
                id_number, _sex, birth = id_number_of(cell(cells, "id_number"))
            except CellError as error:
                problems.append(error.message)
        try:
            birth = birth or a_date(cell(cells, "birth_date"), "出生日期")
            died_on = a_date(cell(cells, "died_on"), "死亡日期")
            cremated_on = a_date(cell(cells, "cremated_on"), "火化日期")
        except CellError as error:
            problems.append(error.message)
            died_on = cremated_on = None
        if died_on is None and not any("死亡日期" in p for p in problems):
            problems.append("死亡日期为空")
        if died_on and died_on > today:
            problems.append("死亡日期晚于今天")
        if died_on and birth and died_on < birth:
            problems.append("死亡日期早于出生日期")
        if id_number and id_number in seen:
            problems.append(f"与第{seen[id_number]}行是同一身份证号")
        if problems:
            reading.problems += [(row_no, p) for p in problems]
            continue
        if id_number:
            seen[id_number] = row_no
        reading.lines.append(
            Line(row_no, name, id_number, birth, died_on, text(cell(cells, "place"))[:100], cremated_on)
        )
    if not reading.lines and not reading.problems:
        raise UnreadableFile("文件中没有死亡人员记录")
    return reading
