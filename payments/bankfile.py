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
import tempfile
import zipfile
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, F, Sum
from django.utils import timezone
from openpyxl import Workbook

from areas.models import Area
from audit.models import AuditEntry
from audit.services import record
from payments.errors import PaymentError
from payments.models import BankFile, BankLayout, PaymentRoll, RollLine, yuan

_ROW = (
    "seq",
    "payee_name",
    "amount_fen",
    "bank_account",
    "bank_name",
    "payee_id_number",
    "head_name",
    "head_id_number",
    "beneficiary_name",
    "beneficiary_id_number",
    "area_code",
    "standard_fen",
    "kind",
    "pay_month",
)
(SEQ, NAME, FEN, ACCOUNT, BANK, PAYEE_ID, HEAD, HEAD_ID, BEN, BEN_ID, AREA, STD, KIND, MONTH) = range(len(_ROW))

KIND_LABELS = dict(RollLine.Kind.choices)

# field name → (Chinese title, value from (row, context, running number))
FIELDS = {
    "ref": ("业务流水号", lambda r, c, n: f"{c.roll_id:06d}{r[SEQ]:07d}"),
    "seq": ("排序序号", lambda r, c, n: str(n)),
    "name": ("收款人姓名", lambda r, c, n: r[NAME]),
    "amount": ("金额", lambda r, c, n: yuan(r[FEN])),
    "amount_fen": ("金额（分）", lambda r, c, n: str(r[FEN])),
    "account": ("银行账号", lambda r, c, n: r[ACCOUNT]),
    "bank_name": ("开户银行", lambda r, c, n: r[BANK]),
    "unit": ("代发单位", lambda r, c, n: c.unit),
    "id_type": ("证件类型", lambda r, c, n: "1"),
    "id_number": ("收款人身份证号", lambda r, c, n: r[PAYEE_ID]),
    "times": ("发放次数", lambda r, c, n: "1"),
    "head_name": ("户主姓名", lambda r, c, n: r[HEAD]),
    "head_id_number": ("户主身份证号", lambda r, c, n: r[HEAD_ID]),
    "beneficiary_name": ("享受人", lambda r, c, n: r[BEN] or r[HEAD]),
    "beneficiary_id_number": ("享受人身份证号", lambda r, c, n: r[BEN_ID] or r[HEAD_ID]),
    "village": ("村(居)委会", lambda r, c, n: c.area_names.get(r[AREA], r[AREA])),
    "standard": ("补贴标准", lambda r, c, n: yuan(r[STD])),
    "date": ("日期", lambda r, c, n: c.date),
    "date_dash": ("填报日期", lambda r, c, n: c.date_dash),
    "remark": ("备注", lambda r, c, n: f"{r[MONTH]:%Y年%m月}{KIND_LABELS[r[KIND]]}"),
    "pay_month": ("所属月份", lambda r, c, n: f"{r[MONTH]:%Y%m}"),
    "blank": ("", lambda r, c, n: ""),
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
    "columns",
)


def snapshot_of(layout: BankLayout) -> dict:
    return {name: getattr(layout, name) for name in LAYOUT_FIELDS}


@dataclass
class Context:
    roll_id: int
    unit: str
    date: str
    date_dash: str
    area_names: dict


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


def _lines(roll: PaymentRoll):
    return (
        RollLine.unscoped.filter(roll=roll, in_bank_file=True)
        .order_by("seq")
        .values_list(*_ROW)
        .iterator(chunk_size=5000)
    )


def _context(roll: PaymentRoll, snapshot: dict) -> Context:
    codes = RollLine.unscoped.filter(roll=roll, in_bank_file=True).values("area_code").distinct()
    names = dict(Area.objects.filter(code__in=codes).values_list("code", "name"))
    approved = timezone.localtime(roll.approved_at) if roll.approved_at else None
    return Context(
        roll_id=roll.pk,
        unit=snapshot["unit_name"] or "民政局",
        date=f"{approved:%Y%m%d}" if approved else "",
        date_dash=f"{approved:%Y-%m-%d}" if approved else "",
        area_names=names,
    )


def _write_text(roll, snapshot, ctx, out: _Hashing):
    encoding = _encoding(snapshot)
    getters = [FIELDS[col["field"]][1] for col in snapshot["columns"]]
    manual, count, total = [], 0, 0
    body = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115 - closed below
    if snapshot["header_row"]:
        titles = [col.get("title") or FIELDS[col["field"]][0] for col in snapshot["columns"]]
        body.write(_text_line(titles, {**snapshot, "format": "csv"}, encoding))
    for row in _lines(roll):
        values = [get(row, ctx, count + 1) for get in getters]
        try:
            data = _text_line(values, snapshot, encoding)
        except UnicodeEncodeError:
            manual.append((row[SEQ], row[NAME], row[FEN], f"含{snapshot['encoding'].upper()}无法编码的生僻字"))
            continue
        except ValueError as exc:
            manual.append((row[SEQ], row[NAME], row[FEN], str(exc)))
            continue
        body.write(data)
        count += 1
        total += row[FEN]
    summary = b""
    if snapshot["summary"] != "none":
        text = snapshot["summary_template"].format(
            count=count, total=yuan(total), total_fen=total, date=ctx.date, unit=ctx.unit
        )
        summary = text.encode(encoding) + snapshot["line_ending"].encode("ascii")
    if snapshot["summary"] == "first":
        out.write(summary)
    body.seek(0)
    while chunk := body.read(1024 * 1024):
        out.write(chunk)
    body.close()
    if snapshot["summary"] == "last":
        out.write(summary)
    return count, total, manual


_FIXED_TIME = (2000, 1, 1, 0, 0, 0)


def _write_xlsx(roll, snapshot, ctx, out: _Hashing):
    """Write-only workbook; the zip is rewritten with fixed timestamps so the bytes repeat."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="发放名册")
    getters = [FIELDS[col["field"]][1] for col in snapshot["columns"]]
    sheet.append([col.get("title") or FIELDS[col["field"]][0] for col in snapshot["columns"]])
    count, total = 0, 0
    for row in _lines(roll):
        sheet.append([get(row, ctx, count + 1) for get in getters])
        count += 1
        total += row[FEN]
    if snapshot["summary"] != "none":
        sheet.append(["合计", f"{count}笔", yuan(total)])
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


def _stable_core(xml: bytes, day: str) -> bytes:
    import re

    stamp = f"{day or '2000-01-01'}T00:00:00Z".encode()
    return re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)", rb"\g<1>" + stamp + rb"\g<2>", xml)


def write_bank_file(roll: PaymentRoll, layout: BankLayout, *, user=None) -> Result:
    """Produce the bank file of an approved roll; the same roll and layout always give the same bytes."""
    if roll.status != PaymentRoll.Status.APPROVED:
        raise PaymentError("not_approved", "名册审批后才能导出银行文件")
    previous = BankFile.objects.filter(roll=roll, layout=layout).first()
    snapshot = previous.layout_snapshot if previous else snapshot_of(layout)
    ctx = _context(roll, snapshot)
    output = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115 - the response closes it
    sink = _Hashing(output)
    writer = _write_xlsx if snapshot["format"] == "xlsx" else _write_text
    count, total, manual = writer(roll, snapshot, ctx, sink)
    expected = RollLine.unscoped.filter(roll=roll, in_bank_file=True).aggregate(n=Count("id"), s=Sum("amount_fen"))
    manual_fen = sum(m[2] for m in manual)
    if count != expected["n"] - len(manual) or total != (expected["s"] or 0) - manual_fen:
        output.close()
        raise PaymentError("file_mismatch", "银行文件笔数或金额与名册明细不符，已拒绝生成")
    digest = sink.digest.hexdigest()
    with transaction.atomic():
        if previous:
            if previous.sha256 != digest:
                output.close()
                raise PaymentError("not_identical", "重新生成的银行文件与首次导出的不一致，已拒绝，请联系系统管理员")
            BankFile.objects.filter(pk=previous.pk).update(download_count=F("download_count") + 1)
            bank_file = previous
        else:
            bank_file = BankFile.objects.create(
                roll=roll,
                layout=layout,
                layout_snapshot=snapshot,
                sha256=digest,
                line_count=count,
                total_fen=total,
                manual_count=len(manual),
                size=sink.size,
                created_by=user,
            )
        if manual:
            RollLine.unscoped.filter(roll=roll, seq__in=[m[0] for m in manual], status="pending").update(
                status=RollLine.Status.HELD, hold_reason=RollLine.Hold.MANUAL_NAME
            )
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
