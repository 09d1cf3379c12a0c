"""Bank files (代发文件) in a layout held as data (BankLayout), written from a server-side cursor.

The file is produced from frozen roll lines and a snapshot of the layout taken at the first
export, so producing it again gives the same bytes (checked against the stored SHA-256). Count
and total are counted while writing and compared with the database before the file is released:
a file whose summary would not match its lines is never handed out. A name the encoding cannot
hold is written in GB18030 where the layout allows it, otherwise the line is left out and listed
for manual handling — never written as '?'.
"""

import csv
import hashlib
import io
import operator
import re
import string
import tempfile
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import reduce
from itertools import chain, islice
from operator import itemgetter

from django.db import transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Abs, Cast, Coalesce, ExtractMonth, ExtractYear, Greatest, LPad, NullIf
from django.db.models.lookups import LessThan
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from areas.models import Area
from audit.models import AuditEntry
from audit.services import record
from core.errors import DomainError
from core.excel import looks_like_formula, text_safe_cell
from payments.errors import PaymentCode
from payments.models import BankFile, BankLayout, PaymentRoll, RollLine, yuan

# a batch with a line that cannot be written is halved down to it: at one rare name in a few
# thousand lines most batches hold one, so the smaller the batch the less is encoded twice
# (293,271 lines, one rare name in 5,000: 0.85–1.12 → 0.62–0.82 s Python CPU from 5,000 to 1,000)
_BATCH = 1000

KIND_LABELS = dict(RollLine.Kind.choices)

# What the lines of a file are made of: values computed in SQL (money split into yuan and fen, the
# 享受人 defaulting to the head, the village name), named in FIELDS' templates. Only the values a
# layout uses are read; every row starts with seq, name and fen (for the count, total and manual list).
# A delimited line is written whole by the database where it can be (_sql_line): the row is then
# seq, name, fen and the line.
SEQ, NAME, FEN, LINE = 0, 1, 2, 3
CONSTANTS = ("roll_id", "unit", "unit_code", "date", "date_dash")  # the file's; {n} is the running number
DEFAULT_REFERENCE = "{roll_id:06d}{seq:07d}"

# field name → (Chinese title, str.format template over the row's values; {n} is the running
# number, {roll_id} {unit} {unit_code} {date} {date_dash} are the file's constants; {date} is the
# pay date chosen at the first export, not the approval date). The reference's template is the
# layout's reference_format.
FIELDS = {
    "ref": ("业务流水号", "{roll_id:06d}{seq:07d}"),
    "seq": ("排序序号", "{n}"),
    "name": ("收款人姓名", "{name}"),
    "amount": ("金额", "{sign}{yuan}.{cents:02d}"),
    "amount_fen": ("金额（分）", "{fen}"),
    "account": ("银行账号", "{account}"),
    "bank_name": ("开户银行", "{bank_name}"),
    "unit": ("代发单位", "{unit}"),
    "unit_code": ("单位代码", "{unit_code}"),
    "id_type": ("证件类型", "1"),
    "id_number": ("收款人身份证号", "{id_number}"),
    "times": ("发放次数", "1"),
    "head_name": ("户主姓名", "{head_name}"),
    "head_id_number": ("户主身份证号", "{head_id_number}"),
    "beneficiary_name": ("享受人", "{beneficiary_name}"),
    "beneficiary_id_number": ("享受人身份证号", "{beneficiary_id_number}"),
    "village": ("村(居)委会", "{village}"),
    "standard": ("补贴标准（每人）", "{standard_yuan}.{standard_cents:02d}"),
    "date": ("日期", "{date}"),
    "date_dash": ("填报日期", "{date_dash}"),
    "remark": ("备注", "{year}年{month:02d}月{kind}"),
    "pay_month": ("所属月份", "{year}{month:02d}"),
    "blank": ("", ""),
}

LAYOUT_FIELDS = (
    "code",
    "name",
    "format",
    "encoding",
    "allow_gb18030",
    "delimiter",
    "trailing_delimiter",
    "line_ending",
    "header_row",
    "summary",
    "summary_template",
    "unit_name",
    "unit_code",
    "reference_format",
    "bank_keywords",
    "columns",
)
NUMERIC_FIELDS = {"amount", "standard"}  # written to Excel as numbers (SUM works)


def template_of(column: dict, snapshot: dict) -> str:
    """The str.format template of a column; the reference's is the layout's own format."""
    if column["field"] == "ref":
        return snapshot.get("reference_format") or DEFAULT_REFERENCE
    return FIELDS[column["field"]][1]


def uses_unit_code(snapshot: dict) -> bool:
    """Whether a file of this layout writes the bank's unit code somewhere."""
    templates = [snapshot.get("summary_template") or "", snapshot.get("reference_format") or ""]
    return any("unit_code" in t for t in templates) or any(c["field"] == "unit_code" for c in snapshot["columns"])


def reference_of(snapshot: dict, *, roll_id: int, seq: int) -> str:
    """The 业务流水号 a line carries in a file of this layout (what the bank's return quotes back)."""
    constants = {"roll_id": roll_id, "seq": seq, "unit_code": snapshot.get("unit_code", ""), "date": _day(snapshot)}
    return (snapshot.get("reference_format") or DEFAULT_REFERENCE).format(**constants)


def _day(snapshot: dict) -> str:
    return (snapshot.get("pay_date") or "").replace("-", "")


def snapshot_of(layout: BankLayout) -> dict:
    return {name: getattr(layout, name) for name in LAYOUT_FIELDS}


def _literal(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


@dataclass
class Context:
    roll_id: int
    unit: str
    unit_code: str
    date: str
    date_dash: str
    names: list[str]  # the values of a row, in order

    def compile(self, template: str) -> str:
        """A field template as a positional template over a row: constants filled in, braces kept
        only around row values and {n}."""
        constants = {name: getattr(self, name) for name in CONSTANTS}
        out = []
        for literal, name, spec, conversion in string.Formatter().parse(template):
            out.append(_literal(literal))
            if name is None:
                continue
            if name in constants:
                out.append(_literal(format(constants[name], spec)))
                continue
            key = "n" if name == "n" else str(self.names.index(name))
            out.append("{" + key + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}")
        return "".join(out)


@dataclass
class Result:
    bank_file: BankFile
    file: object  # a binary file positioned at 0
    filename: str
    manual: list = field(default_factory=list)  # [(seq, name, reason)]


class _Hashing:
    """A binary sink that also hashes and counts bytes."""

    def __init__(self, sink):
        self.sink, self.digest, self.size = sink, hashlib.sha256(), 0

    def write(self, data: bytes) -> None:
        self.sink.write(data)
        self.digest.update(data)
        self.size += len(data)


def _encoding(snapshot: dict) -> str:
    if snapshot["encoding"] == "gbk" and snapshot["allow_gb18030"]:
        return "gb18030"  # a superset of GBK: identical bytes for every GBK character
    return snapshot["encoding"]


def _fit(value: bytes, column: dict, encoding: str) -> bytes:
    width = int(column.get("width") or 0)
    if not width:
        return value
    if len(value) > width:
        raise ValueError(f"{column.get('title') or column['field']}超长")
    fill = (column.get("fill") or " ").encode(encoding)
    pad = fill * (width - len(value))
    return pad + value if column.get("align") == "r" else value + pad


def _text_line(values: list[str], snapshot: dict, encoding: str) -> bytes:
    """One line of a delimited, fixed-width or CSV file; ValueError/UnicodeEncodeError if it cannot be written."""
    end = snapshot["line_ending"].encode("ascii")
    fmt = snapshot["format"]
    if fmt == "csv":
        buffer = io.StringIO()
        # a cell a spreadsheet would run as a formula is written as text (no bank value starts so)
        values = ["'" + v if looks_like_formula(v) and not _NUMBER.fullmatch(v) else v for v in values]
        csv.writer(buffer, lineterminator="").writerow(values)
        return buffer.getvalue().encode(encoding) + end
    if fmt == "fixed":
        parts = [_fit(v.encode(encoding), col, encoding) for v, col in zip(values, snapshot["columns"], strict=True)]
        return b"".join(parts) + end
    delimiter = snapshot["delimiter"]
    for value in values:
        if delimiter and delimiter in value:
            raise ValueError("内容含分隔符")
    line = delimiter.join(values) + (delimiter if snapshot["trailing_delimiter"] else "")
    return line.encode(encoding) + end


def _expressions(names: list[str]) -> dict:
    amount = Abs(F("amount_fen"))
    # 补贴标准 per person: the household's monthly amount over the persons it covers, to the fen
    persons = Greatest(F("covered_members"), Value(1))
    standard = (F("standard_fen") + persons / 2) / persons
    everything = {
        "seq": lambda: F("seq"),
        "name": lambda: F("payee_name"),
        "fen": lambda: F("amount_fen"),
        "sign": lambda: Case(When(amount_fen__lt=0, then=Value("-")), default=Value("")),
        "yuan": lambda: amount / 100,
        "cents": lambda: amount - amount / 100 * 100,  # not MOD: SQLite's is a float
        "account": lambda: F("bank_account"),
        "bank_name": lambda: F("bank_name"),
        "id_number": lambda: F("payee_id_number"),
        "head_name": lambda: F("head_name"),
        "head_id_number": lambda: F("head_id_number"),
        "beneficiary_name": lambda: Coalesce(NullIf("beneficiary_name", Value("")), "head_name"),
        "beneficiary_id_number": lambda: Coalesce(NullIf("beneficiary_id_number", Value("")), "head_id_number"),
        "village": lambda: Coalesce(
            Subquery(Area.objects.filter(code=OuterRef("area_code")).values("name")[:1]), "area_code"
        ),
        "standard_yuan": lambda: standard / 100,
        "standard_cents": lambda: standard - standard / 100 * 100,
        "kind": lambda: Case(
            *[When(kind=kind, then=Value(str(label))) for kind, label in KIND_LABELS.items()], output_field=CharField()
        ),
        "year": lambda: Cast(ExtractYear("pay_month"), IntegerField()),  # PostgreSQL's EXTRACT is numeric
        "month": lambda: Cast(ExtractMonth("pay_month"), IntegerField()),
    }
    return {f"_{name}": everything[name]() for name in names}


def row_names(snapshot: dict) -> list[str]:
    """seq, name, fen, then the values the layout's columns use, in order of first use."""
    names = ["seq", "name", "fen"]
    for column in snapshot["columns"]:
        for _literal_text, name, _spec, _conversion in string.Formatter().parse(template_of(column, snapshot)):
            if name and name != "n" and name not in CONSTANTS and name not in names:
                names.append(name)
    return names


class _Joined(Func):
    """a || b || …, on PostgreSQL and SQLite alike (every part is text and never NULL)."""

    template = "(%(expressions)s)"
    arg_joiner = " || "
    output_field = TextField()


_ZERO_PADDED = re.compile(r"0(\d+)d")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def _sql_line(snapshot: dict, ctx: Context):
    """A delimited layout's line as one SQL expression giving the text its templates give, so the
    database formats the lines on its core and Python only joins and encodes them; None where a
    template needs Python: the running number {n} skips the lines left out, which only encoding
    finds. Zero-padding (seq, cents, month: never negative) pads to the width and never cuts, as format() does."""
    if snapshot["format"] != "delimited":
        return None
    constants = {name: getattr(ctx, name) for name in CONSTANTS}
    values = _expressions(ctx.names)
    parts = []
    for index, column in enumerate(snapshot["columns"]):
        if index:
            parts.append(snapshot["delimiter"])
        for literal, name, spec, conversion in string.Formatter().parse(template_of(column, snapshot)):
            parts.append(literal)
            if name is None:
                continue
            if name in constants:
                parts.append(format(constants[name], spec))
                continue
            width = _ZERO_PADDED.fullmatch(spec)
            if name == "n" or conversion or (spec and not width):
                return None
            value = values[f"_{name}"]
            text = Cast(value, TextField())
            if width:
                digits = int(width[1])
                padded = When(LessThan(value, 10**digits), then=LPad(text, Value(digits), Value("0")))
                text = Case(padded, default=text, output_field=TextField())
            parts.append(text)
    if snapshot["trailing_delimiter"]:
        parts.append(snapshot["delimiter"])
    joined = []  # neighbouring literals as one
    for part in parts:
        if isinstance(part, str) and joined and isinstance(joined[-1], str):
            joined[-1] += part
        else:
            joined.append(part)
    return _Joined(*(Value(part) if isinstance(part, str) else part for part in joined if part != ""))


def lines_of(roll: PaymentRoll, snapshot: dict, bank_file: BankFile | None = None):
    """The lines a file holds: once produced, the roll's bank-file lines at the banks it claimed;
    before, those at banks no other file of the roll has claimed, among the layout's banks (all
    banks when it names none). A bank's lines are claimed whole (those the encoding cannot carry
    leave the bank file at that export), and after approval only such an export takes a line out
    of the bank file, so the claim needs no write per line."""
    lines = RollLine.unscoped.filter(roll=roll, in_bank_file=True)
    if bank_file is not None:
        return lines.filter(bank_name__in=bank_file.banks)
    claimed = [bank for banks in BankFile.objects.filter(roll=roll).values_list("banks", flat=True) for bank in banks]
    if claimed:
        lines = lines.exclude(bank_name__in=claimed)
    keywords = [k for k in snapshot.get("bank_keywords") or [] if k]
    if keywords:
        lines = lines.filter(reduce(operator.or_, [Q(bank_name__contains=k) for k in keywords]))
    return lines


def _batches(lines, snapshot: dict, ctx: Context, limit: int | None = None) -> Iterator[list]:
    """The rows of the file's lines in seq order, with the values row_names lists (or the
    line _sql_line writes), in batches from a server-side cursor (QuerySet.iterator) as plain tuples:
    every value is a str or an int. The next batch is fetched while the caller writes this
    one: the database produces rows on one core while Python writes them on the other."""
    line = _sql_line(snapshot, ctx)
    if line is None:
        expressions = _expressions(row_names(snapshot))
    else:
        expressions = {**_expressions(["seq", "name", "fen"]), "_line": line}
    query = lines.order_by("seq").annotate(**expressions).values_list(*expressions)
    if limit is not None:
        query = query[:limit]
    # in a transaction: outside one the server-side cursor is declared WITH HOLD, and PostgreSQL runs
    # the whole query before the first row is fetched
    with transaction.atomic(), ThreadPoolExecutor(max_workers=1) as fetcher:
        rows = query.iterator(chunk_size=_BATCH)

        def fetch() -> list:
            return list(islice(rows, _BATCH))

        batch = fetch()  # in this thread: the statement is sent on this thread's connection
        while batch:
            ahead = fetcher.submit(fetch)  # the next batch from the same open cursor, while this one is written
            yield batch
            batch = ahead.result()


def _context(roll: PaymentRoll, snapshot: dict) -> Context:
    """The file's constants: the pay date chosen at the first export (files exported before there
    was one carry the approval date)."""
    if snapshot.get("pay_date"):
        day = date.fromisoformat(snapshot["pay_date"])
    elif roll.approved_at:
        day = timezone.localtime(roll.approved_at).date()
    else:
        day = None
    return Context(
        roll_id=roll.pk,
        unit=snapshot["unit_name"] or "民政局",
        unit_code=snapshot.get("unit_code", ""),
        date=f"{day:%Y%m%d}" if day else "",
        date_dash=f"{day:%Y-%m-%d}" if day else "",
        names=row_names(snapshot),
    )


class _Lines:
    """Turns batches of rows into encoded lines. The fast way formats and encodes a whole batch at
    once; in a batch where that fails (a name the encoding cannot hold, a value containing the
    delimiter: one line in a few thousand) the lines that cannot be written are found by halving,
    go to `manual`, and the rest are encoded together."""

    def __init__(self, snapshot: dict, ctx: Context, *, rows_from_sql: bool = True):
        self.snapshot, self.encoding = snapshot, _encoding(snapshot)
        self.written_in_sql = rows_from_sql and _sql_line(snapshot, ctx) is not None
        self.end = snapshot["line_ending"]
        self.format = snapshot["format"]
        self.fields = [ctx.compile(template_of(col, snapshot)) for col in snapshot["columns"]]
        self.numbered = any("{n" in template for template in self.fields)
        delimiter = snapshot["delimiter"] if self.format == "delimited" else ""
        self.delimiter = delimiter
        trailing = delimiter if snapshot["trailing_delimiter"] else ""
        self.line = _literal(delimiter).join(self.fields) + _literal(trailing)
        self.delimiters = (len(self.fields) - 1 + len(trailing)) if delimiter else 0
        self.count, self.total, self.manual = 0, 0, []

    def batch(self, rows: list) -> bytes:
        if self.format != "delimited":
            return b"".join(self._one(row) for row in rows)
        texts = self._texts(rows)
        data = self._encoded(texts)
        if data is None:
            left_out = {}
            self._find_unwritable(texts, 0, left_out)
            for i in sorted(left_out):
                self._leave_out(rows[i], left_out[i])
            kept = [i for i in range(len(rows)) if i not in left_out]
            rows = [rows[i] for i in kept]
            # numbered lines are formatted again: the running number skips the lines left out
            data = self._encoded(self._texts(rows) if self.numbered else [texts[i] for i in kept])
        self.count += len(rows)
        self.total += sum(map(itemgetter(FEN), rows))
        return data

    def _texts(self, rows: list) -> list[str]:
        if self.written_in_sql:
            return [row[LINE] for row in rows]
        fmt, first = self.line.format, self.count + 1
        return [fmt(*row, n=first + i) for i, row in enumerate(rows)] if self.numbered else [fmt(*row) for row in rows]

    def _encoded(self, texts: list[str]) -> bytes | None:
        """The lines encoded together, or None if one of them cannot be written."""
        if not texts:
            return b""
        text = self.end.join(texts) + self.end
        if self.delimiter and text.count(self.delimiter) != self.delimiters * len(texts):
            return None
        try:
            return text.encode(self.encoding)
        except UnicodeEncodeError:
            return None

    def _find_unwritable(self, texts: list[str], offset: int, found: dict) -> None:
        """Index (from offset) → reason of every line of texts that cannot be written."""
        if self._encoded(texts) is not None:
            return
        if len(texts) == 1:
            if self.delimiter and texts[0].count(self.delimiter) != self.delimiters:
                found[offset] = "内容含分隔符"
            else:
                found[offset] = f"含{self.snapshot['encoding'].upper()}无法编码的生僻字"
            return
        half = len(texts) // 2
        self._find_unwritable(texts[:half], offset, found)
        self._find_unwritable(texts[half:], offset + half, found)

    def _one(self, row) -> bytes:
        values = [template.format(*row, n=self.count + 1) for template in self.fields]
        try:
            data = _text_line(values, self.snapshot, self.encoding)
        except UnicodeEncodeError:
            return self._leave_out(row, f"含{self.snapshot['encoding'].upper()}无法编码的生僻字")
        except ValueError as exc:
            return self._leave_out(row, str(exc))
        return self._written(row, data)

    def _written(self, row, data: bytes) -> bytes:
        self.count += 1
        self.total += row[FEN]
        return data

    def _leave_out(self, row, reason: str) -> bytes:
        self.manual.append((row[SEQ], row[NAME], row[FEN], reason))
        return b""


def _summary(snapshot: dict, ctx: Context, count: int, total: int) -> str:
    return snapshot["summary_template"].format(
        count=count, total=yuan(total), total_fen=total, date=ctx.date, unit=ctx.unit, unit_code=ctx.unit_code
    )


def _write_text(batches, snapshot, ctx, out: _Hashing, lines: "_Lines | None" = None):
    lines = lines or _Lines(snapshot, ctx)
    body = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115 - closed below
    if snapshot["header_row"]:
        titles = [col.get("title") or FIELDS[col["field"]][0] for col in snapshot["columns"]]
        body.write(_text_line(titles, {**snapshot, "format": "csv"}, lines.encoding))
    for batch in batches:
        body.write(lines.batch(batch))
    count, total = lines.count, lines.total
    summary = b""
    if snapshot["summary"] != "none":
        summary = _summary(snapshot, ctx, count, total).encode(lines.encoding)
        summary += snapshot["line_ending"].encode("ascii")
    if snapshot["summary"] == "first":
        out.write(summary)
    body.seek(0)
    while chunk := body.read(1024 * 1024):
        out.write(chunk)
    body.close()
    if snapshot["summary"] == "last":
        out.write(summary)
    return count, total, lines.manual


_FIXED_TIME = (2000, 1, 1, 0, 0, 0)


def _xlsx_value(field: str, text: str):
    """Money as a number (SUM works), everything else as text: IDs and accounts keep every digit,
    and a value starting with = + - @ is never read as a formula."""
    if field in NUMERIC_FIELDS:
        return Decimal(text)
    return text


def _write_xlsx(batches, snapshot, ctx, out: _Hashing, lines=None):
    """Write-only workbook; the zip is rewritten with fixed timestamps so the bytes repeat."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="发放名册")
    columns = snapshot["columns"]
    fields = [ctx.compile(template_of(col, snapshot)) for col in columns]
    sheet.append([col.get("title") or FIELDS[col["field"]][0] for col in columns])
    count, total = 0, 0
    for row in chain.from_iterable(batches):
        values = [template.format(*row, n=count + 1) for template in fields]
        sheet.append(
            [text_safe_cell(sheet, _xlsx_value(col["field"], v)) for col, v in zip(columns, values, strict=True)]
        )
        count += 1
        total += row[FEN]
    if snapshot["summary"] != "none" or snapshot["format"] == "xlsx":
        sheet.append(_total_row(columns, count, total))
    workbook.properties.creator = "minzheng"
    raw = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115
    workbook.save(raw)
    raw.seek(0)
    stable = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(stable, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _stable_core(data, ctx.date_dash)
            target.writestr(zipfile.ZipInfo(info.filename, date_time=_FIXED_TIME), data, zipfile.ZIP_DEFLATED)
    raw.close()
    stable.seek(0)
    while chunk := stable.read(1024 * 1024):
        out.write(chunk)
    stable.close()
    return count, total, []


def _total_row(columns: list[dict], count: int, total: int) -> list:
    """合计: the count under the first column, the total (a number) under the amount column."""
    row = [""] * len(columns)
    row[0] = f"合计{count}笔"
    for index, column in enumerate(columns):
        if column["field"] == "amount":
            row[index] = Decimal(total) / 100
    return row


def _stable_core(xml: bytes, day: str) -> bytes:
    stamp = f"{day or '2000-01-01'}T00:00:00Z".encode()
    return re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)", rb"\g<1>" + stamp + rb"\g<2>", xml)


def _writer(snapshot: dict):
    return _write_xlsx if snapshot["format"] == "xlsx" else _write_text


class _Discard:
    def write(self, data: bytes) -> None:
        pass


@dataclass
class Preview:
    """What a file would hold, before anything is written or claimed: its lines, count and total,
    the lines the chosen encoding cannot carry (held for the counter if the file is produced),
    and its first lines as the bank will read them."""

    count: int
    total_fen: int
    manual: list
    first_lines: list[str]
    banks: list[str]

    @property
    def total(self) -> str:
        return yuan(self.total_fen)


def new_snapshot(layout: BankLayout, pay_date: date) -> dict:
    return {**snapshot_of(layout), "pay_date": pay_date.isoformat()}


def _first_lines(data: bytes, snapshot: dict, how_many: int) -> list[str]:
    if snapshot["format"] == "xlsx":
        sheet = load_workbook(io.BytesIO(data), read_only=True).active
        rows = sheet.iter_rows(values_only=True, max_row=how_many + 1)
        return [" | ".join("" if v is None else str(v) for v in row) for row in rows]
    text = data.decode(_encoding(snapshot), errors="replace")
    return text.split(snapshot["line_ending"])[: how_many + 1]


def preview_bank_file(roll: PaymentRoll, layout: BankLayout, *, pay_date: date, first: int = 5) -> Preview:
    """导出前检查: the whole file is written to nowhere (nothing claimed, nothing held), so the
    clerk sees before downloading which lines the encoding cannot carry."""
    snapshot = new_snapshot(layout, pay_date)
    ctx = _context(roll, snapshot)
    lines = lines_of(roll, snapshot)
    head = io.BytesIO()
    count, total, manual = _writer(snapshot)(_batches(lines, snapshot, ctx), snapshot, ctx, _Hashing(_Discard()))
    _writer(snapshot)(_batches(lines, snapshot, ctx, limit=first), snapshot, ctx, _Hashing(head))
    banks = sorted(set(lines.values_list("bank_name", flat=True).distinct()))
    return Preview(count, total, manual, _first_lines(head.getvalue(), snapshot, first), banks)


SAMPLE = {
    "seq": 1,
    "name": "王小明",
    "fen": 81000,
    "sign": "",
    "yuan": 810,
    "cents": 0,
    "account": "6221580000012345678",
    "bank_name": "农村商业银行",
    "id_number": "430522197503020017",
    "head_name": "王老汉",
    "head_id_number": "430522194801010013",
    "beneficiary_name": "王老汉",
    "beneficiary_id_number": "430522194801010013",
    "village": "城西社区",
    "standard_yuan": 270,
    "standard_cents": 0,
    "kind": "当月",
    "year": 2025,
    "month": 4,
}


def sample_lines(layout: BankLayout, *, pay_date: date, how_many: int = 3) -> list[str]:
    """The first lines of a file in this layout, from made-up lines (the layout page has no roll
    and its administrator sees no personal data)."""
    snapshot = new_snapshot(layout, pay_date)
    ctx = Context(
        roll_id=1,
        unit=snapshot["unit_name"] or "民政局",
        unit_code=snapshot.get("unit_code", ""),
        date=f"{pay_date:%Y%m%d}",
        date_dash=f"{pay_date:%Y-%m-%d}",
        names=row_names(snapshot),
    )
    rows = []
    for i in range(how_many):
        values = {**SAMPLE, "seq": i + 1}
        rows.append(tuple(values[name] for name in ctx.names))
    out = io.BytesIO()
    if snapshot["format"] == "xlsx":
        _write_xlsx([rows], snapshot, ctx, _Hashing(out))
    else:
        _write_text([rows], snapshot, ctx, _Hashing(out), _Lines(snapshot, ctx, rows_from_sql=False))
    return _first_lines(out.getvalue(), snapshot, how_many + 1)


def write_bank_file(roll: PaymentRoll, layout: BankLayout, *, pay_date: date | None = None, user=None) -> Result:
    """Produce the bank file of an approved roll for the layout's banks; the same roll and layout
    always give the same bytes. The first export claims its lines (no other file of any layout
    holds them afterwards) and holds for the counter the lines its encoding cannot carry."""
    if roll.status != PaymentRoll.Status.APPROVED:
        raise DomainError(PaymentCode.NOT_APPROVED, "名册审批后才能导出银行文件")
    with transaction.atomic():
        PaymentRoll.unscoped.select_for_update().filter(pk=roll.pk).first()  # one export of a roll at a time
        previous = BankFile.objects.filter(roll=roll, layout=layout).first()
        if previous:
            snapshot = previous.layout_snapshot
        else:
            if pay_date is None:
                raise DomainError(PaymentCode.PAY_DATE_MISSING, "请填写发放日期（银行入账日期）")
            snapshot = new_snapshot(layout, pay_date)
            if uses_unit_code(snapshot) and not snapshot["unit_code"]:
                raise DomainError(
                    PaymentCode.LAYOUT_INVALID,
                    f"版式“{layout.name}”要写入单位代码，但还没有填写，请先在银行文件版式中填写",
                )
        ctx = _context(roll, snapshot)
        lines = lines_of(roll, snapshot, previous)
        expected = lines.aggregate(n=Count("id"), s=Sum("amount_fen"))
        if not previous and not expected["n"]:
            raise DomainError(
                PaymentCode.NOTHING_TO_EXPORT,
                "没有可写入该版式的明细：本版式适用银行的明细已在其他银行文件中，或名册中没有该银行的账户",
            )
        output = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115 - the response closes it
        sink = _Hashing(output)
        count, total, manual = _writer(snapshot)(_batches(lines, snapshot, ctx), snapshot, ctx, sink)
        manual_fen = sum(m[2] for m in manual)
        if count != expected["n"] - len(manual) or total != (expected["s"] or 0) - manual_fen:
            output.close()
            raise DomainError(PaymentCode.FILE_MISMATCH, "银行文件笔数或金额与名册明细不符，已拒绝生成")
        digest = sink.digest.hexdigest()
        if previous:
            if previous.sha256 != digest:
                output.close()
                raise DomainError(
                    PaymentCode.NOT_IDENTICAL, "重新生成的银行文件与首次导出的不一致，已拒绝，请联系系统管理员"
                )
            BankFile.objects.filter(pk=previous.pk).update(download_count=F("download_count") + 1)
            bank_file = previous
        else:
            bank_file = BankFile.objects.create(
                roll=roll,
                layout=layout,
                layout_snapshot=snapshot,
                pay_date=pay_date,
                banks=sorted(set(lines.values_list("bank_name", flat=True).distinct())),
                sha256=digest,
                line_count=count,
                total_fen=total,
                manual_count=len(manual),
                size=sink.size,
                created_by=user,
            )
            left_out = [m[0] for m in manual]
            if left_out:  # never in this file nor in any later one: paid at the counter
                RollLine.unscoped.filter(roll=roll, seq__in=left_out, status=RollLine.Status.PENDING).update(
                    status=RollLine.Status.HELD, hold_reason=RollLine.Hold.MANUAL_NAME, in_bank_file=False
                )
            claimed = lines_of(roll, snapshot, bank_file).count()
            if claimed != count:
                raise DomainError(PaymentCode.FILE_MISMATCH, "银行文件笔数与名册明细不符，已拒绝生成")
        record(
            AuditEntry.Action.EXPORT,
            obj=roll,
            changes={"bank_file": layout.code, "count": count, "total_fen": total, "sha256": digest},
        )
    output.seek(0)
    extension = {"csv": "csv", "xlsx": "xlsx"}.get(snapshot["format"], "txt")
    name = f"{roll.number}_{snapshot['code']}.{extension}"
    return Result(bank_file=bank_file, file=output, filename=name, manual=manual)


def manual_lines(roll: PaymentRoll):
    return RollLine.unscoped.filter(roll=roll, hold_reason=RollLine.Hold.MANUAL_NAME).order_by("seq")


def banks_of(roll: PaymentRoll, layouts) -> list[dict]:
    """The roll's banks: each with its lines, its total, how many no file holds yet, and the
    layout that serves it (the first whose keywords name it)."""
    rows = (
        RollLine.unscoped.filter(roll=roll, in_bank_file=True)
        .values("bank_name")
        .annotate(count=Count("id"), total_fen=Sum("amount_fen"))
        .order_by("bank_name")
    )
    claimed = {bank for banks in BankFile.objects.filter(roll=roll).values_list("banks", flat=True) for bank in banks}
    out = []
    for row in rows:
        row["open_count"] = 0 if row["bank_name"] in claimed else row["count"]
        serving = next(
            (lay for lay in layouts if any(k and k in row["bank_name"] for k in lay.bank_keywords or [])), None
        )
        out.append({**row, "total": yuan(row["total_fen"] or 0), "layout": serving})
    return out
