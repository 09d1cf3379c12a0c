"""Bank returns (回盘), corrections of failed payments, and reconciliation (对账).

planned = paid + failed + held + in transit, to the fen, for every roll. A failed payment stays on
its roll as failed until corrected; the correction is recorded (LineCorrection, append-only) and
the line becomes held "corrected": the next roll pays it as a reissue line to the corrected account.
A rare-name line the bank file could not hold is paid at the counter and recorded as paid.
"""

import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import models, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AuditEntry
from audit.services import record
from core.csvtext import UnreadableCsv, csv_rows
from core.errors import DomainError
from payments import bankfile
from payments.errors import PaymentCode
from payments.funds import post_order_spending, post_roll_refund
from payments.models import BankFile, BankReturn, CounterPayment, LineCorrection, PaymentRoll, RollLine, yuan

DEFAULT_RETURN_COLUMNS = ["ref", "name", "amount", "account", "result", "message"]
DEFAULT_SUCCESS = ["0", "00", "0000", "S", "成功", "success"]
UPDATE_CHUNK = 5000
REJECTED_KEPT = 20_000  # unmatched rows kept with their reason (a whole foreign file is refused, not kept)


class Reading(models.TextChoices):
    """How a return file is read: which column holds what."""

    AUTO = "auto", "自动识别"
    BANK = "bank", "银行回盘格式（版式中设定的列）"
    ECHO = "echo", "原文件回传，行尾加结果代码和说明"
    OURS = "ours", "本系统回盘格式（流水号、姓名、金额、账号、结果代码、说明）"


COLUMN_TITLES = {
    "ref": "流水号",
    "name": "姓名",
    "amount": "金额",
    "amount_fen": "金额（分）",
    "account": "账号",
    "id_number": "身份证号",
    "result": "结果代码",
    "message": "说明",
}


def reading_columns(bank_file: BankFile, reading: str) -> list[str] | None:
    """The named columns of a reading of returns to this file; None where the layout has none."""
    snapshot = bank_file.layout_snapshot
    if reading == Reading.BANK:
        return list(bank_file.layout.return_columns) or None
    if reading == Reading.ECHO:
        return [column["field"] for column in snapshot["columns"]] + ["result", "message"]
    return list(DEFAULT_RETURN_COLUMNS)


def _decode(data: bytes, snapshot: dict) -> str:
    encoding = "utf-8-sig" if snapshot["encoding"] == "utf-8" else "gb18030"  # GB18030 reads all GBK
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        name = "UTF-8" if snapshot["encoding"] == "utf-8" else "GBK/GB18030"
        raise DomainError(PaymentCode.RETURN_ENCODING, f"回盘文件不是{name}编码，无法读取") from None


def _rows(data: bytes, bank_file: BankFile, filename: str, reading: str) -> list[list[str]]:
    """The file's rows as lists of text fields (a row's position in the file is its index + 1)."""
    snapshot = bank_file.layout_snapshot
    if filename.lower().endswith(".xlsx") or data[:2] == b"PK":
        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True).active
        except (zipfile.BadZipFile, KeyError, ValueError, OSError):
            raise DomainError(PaymentCode.RETURN_UNRECOGNISED, "回盘文件不是有效的Excel文件") from None
        return [["" if v is None else str(v).strip() for v in row] for row in sheet.iter_rows(values_only=True)]
    text = _decode(data, snapshot)
    if snapshot["format"] == "csv" or filename.lower().endswith(".csv"):
        try:
            return [[v.strip() for v in row] for row in csv_rows(io.StringIO(text, newline=""))]
        except UnreadableCsv as error:
            raise DomainError(PaymentCode.RETURN_UNRECOGNISED, str(error)) from None
    if snapshot["format"] == "fixed" and reading == Reading.ECHO:
        return [_fixed_fields(line, snapshot) for line in text.splitlines()]
    delimiter = snapshot.get("delimiter") or "|"
    rows = []
    for line in text.splitlines():
        fields = [v.strip() for v in line.split(delimiter)]
        if len(fields) > 1 and fields[-1] == "":
            fields.pop()
        rows.append(fields)
    return rows


def _fixed_fields(line: str, snapshot: dict) -> list[str]:
    """A fixed-width line cut by the layout's byte widths; what follows is result and message."""
    raw = line.encode(bankfile._encoding(snapshot), errors="replace")
    fields, at = [], 0
    for column in snapshot["columns"]:
        width = int(column.get("width") or 0)
        fields.append(raw[at : at + width].decode(bankfile._encoding(snapshot), errors="replace").strip())
        at += width
    rest = raw[at:].decode(bankfile._encoding(snapshot), errors="replace").replace("|", " ").split()
    return fields + rest[:1] + [" ".join(rest[1:])]


def _to_fen(text: str) -> int | None:
    text = text.replace(",", "").strip()
    whole, _, part = text.partition(".")
    if not whole.lstrip("-").isdigit() or (part and (not part.isdigit() or len(part) > 2)):
        return None
    return int(whole) * 100 + (int(part.ljust(2, "0")) if part else 0) * (-1 if whole.startswith("-") else 1)


@dataclass
class Outcome:
    """One reading of a return file against one bank file."""

    bank_file: BankFile
    reading: str
    paid: list = field(default_factory=list)
    failed: dict = field(default_factory=dict)  # reason → [seq]
    rejected: list = field(default_factory=list)  # {"row", "ref", "name", "reason"}
    skipped: int = 0  # header and summary rows, recognised as such

    @property
    def matched(self) -> int:
        return len(self.paid) + sum(len(seqs) for seqs in self.failed.values())


def _expected_lines(bank_file: BankFile) -> dict[str, tuple[int, int, str]]:
    """reference → (seq, fen, status) of every line the file holds."""
    snapshot, roll_id = bank_file.layout_snapshot, bank_file.roll_id
    lines = bankfile.lines_of(bank_file.roll, snapshot, bank_file)
    rows = lines.values_list("seq", "amount_fen", "status")
    return {
        bankfile.reference_of(snapshot, roll_id=roll_id, seq=seq): (seq, fen, status)
        for seq, fen, status in rows.iterator(chunk_size=5000)
    }


def _is_header_or_summary(fields: list[str], snapshot: dict, titles: set[str], summary: str) -> bool:
    joined = "|".join(fields)
    if summary and (joined.rstrip("|") == summary.rstrip("|") or joined.startswith(summary.rstrip("|"))):
        return True
    named = sum(1 for value in fields if value in titles)
    return named >= 2 or (fields and fields[0] in ("合计", "总计")) or fields[0].startswith("合计")


def read_return(
    data: bytes, bank_file: BankFile, reading: str, filename: str, success: set[str], expected: dict | None = None
) -> Outcome | None:
    """Read the file one way; None if that reading does not exist for this layout."""
    columns = reading_columns(bank_file, reading)
    if not columns or "ref" not in columns:
        return None
    snapshot = bank_file.layout_snapshot
    expected = _expected_lines(bank_file) if expected is None else expected
    titles = {column.get("title") or bankfile.FIELDS[column["field"]][0] for column in snapshot["columns"]}
    titles |= set(COLUMN_TITLES.values()) | {"结果", "备注", "处理结果", "失败原因", "状态"}
    ctx = bankfile._context(bank_file.roll, snapshot)
    summary = (
        bankfile._summary(snapshot, ctx, bank_file.line_count, bank_file.total_fen)
        if snapshot["summary"] != "none"
        else ""
    )
    outcome = Outcome(bank_file, reading)
    seen = set()
    header_rows = bank_file.layout.return_header_rows if reading == Reading.BANK else 0
    rows = _rows(data, bank_file, filename, reading)
    filled = [number for number, fields in enumerate(rows, start=1) if any(fields)]
    ends = {filled[0], filled[-1]} if filled else set()
    totals = {str(bank_file.line_count), yuan(bank_file.total_fen), str(bank_file.total_fen)}
    for number, fields in enumerate(rows, start=1):
        if not any(fields):
            continue
        if number in ends and totals & set(fields) and len(totals & set(fields)) >= 2:
            outcome.skipped += 1  # the bank's own summary line: the file's count and total
            continue
        if number <= header_rows or _is_header_or_summary(fields, snapshot, titles, summary):
            outcome.skipped += 1
            continue
        row = dict(zip(columns, fields, strict=False))
        ref = row.get("ref", "").strip()
        rejected = {"row": number, "ref": ref, "name": row.get("name", "")}
        if ref not in expected:
            reason = f"流水号{ref}不属于本银行文件" if ref else "读不出流水号"
            outcome.rejected.append({**rejected, "reason": reason})
            continue
        seq, fen, status = expected[ref]
        if ref in seen:
            outcome.rejected.append({**rejected, "reason": "同一流水号在回盘文件中出现两次"})
            continue
        seen.add(ref)
        amount = _to_fen(row["amount"]) if "amount" in row else None
        if "amount" not in row and "amount_fen" in row and row["amount_fen"].lstrip("-").isdigit():
            amount = int(row["amount_fen"])
        if ("amount" in row or "amount_fen" in row) and amount != fen:
            outcome.rejected.append({**rejected, "reason": f"金额不符（文件中为{yuan(fen)}元）"})
            continue
        result = row.get("result", "").strip()
        if not result:
            outcome.rejected.append({**rejected, "reason": "没有结果代码"})
            continue
        if status != RollLine.Status.PENDING:
            outcome.rejected.append({**rejected, "reason": "该笔已在先前的回盘中处理"})
            continue
        if result in success:
            outcome.paid.append(seq)
        else:
            reason = row.get("message") or result
            outcome.failed.setdefault(reason or "银行未说明原因", []).append(seq)
    return outcome


def _best(data: bytes, roll: PaymentRoll, filename: str, bank_file: BankFile | None, reading: str) -> Outcome:
    files = [bank_file] if bank_file else list(roll.bank_files.select_related("layout", "roll"))
    if not files:
        raise DomainError(PaymentCode.RETURN_UNRECOGNISED, "本名册还没有导出银行文件，没有可以对应的回盘")
    readings = [reading] if reading != Reading.AUTO else [Reading.BANK, Reading.ECHO, Reading.OURS]
    outcomes = []
    for candidate in files:
        success = set(candidate.layout.return_success_codes or DEFAULT_SUCCESS)
        expected = _expected_lines(candidate)
        for way in readings:
            outcome = read_return(data, candidate, way, filename, success, expected)
            if outcome is not None:
                outcomes.append(outcome)
    # the most lines found; between readings finding the same lines, the one whose result column
    # holds the bank's success codes (a misread column is never a success code: all "failed")
    best = max(outcomes, key=lambda o: (o.matched, len(o.paid), -len(o.rejected)), default=None)
    if best is None or best.matched == 0:
        tried = "、".join(f.layout.name for f in files)
        raise DomainError(
            PaymentCode.RETURN_UNRECOGNISED,
            f"无法识别的回盘文件：按{tried}的各种读法都找不到本名册银行文件中的流水号，"
            "请确认是否选错了名册或文件；没有导入任何一笔",
        )
    if len(best.rejected) > best.matched:
        raise DomainError(
            PaymentCode.RETURN_UNRECOGNISED,
            f"回盘文件与本名册的银行文件不符：能对应的只有{best.matched}行，对应不上的有{len(best.rejected)}行"
            f"（如第{best.rejected[0]['row']}行：{best.rejected[0]['reason']}），没有导入任何一笔",
        )
    if reading == Reading.AUTO and not best.paid and best.matched > 1:
        codes = "、".join(sorted(best.failed)[:3])
        raise DomainError(
            PaymentCode.RETURN_UNRECOGNISED,
            f"按{Reading(best.reading).label}读，回盘文件中每一笔都是失败（{codes}），可能是读法不对，"
            "没有导入；如确属全部失败，请选择读法后再导入",
        )
    return best


@transaction.atomic
def import_return(
    roll: PaymentRoll, data: bytes, *, filename: str, user, bank_file: BankFile | None = None, reading: str = "auto"
) -> BankReturn:
    """导入回盘: the file is read against the roll's bank files in each reading (the bank's own
    return, our file echoed with a result code, the platform's layout), or the one chosen; the
    reading that finds the most of the file's references is used. success → paid; failure →
    failed with the bank's reason. A file of which no line, or fewer than half the lines, belong to
    a bank file of the roll is refused whole. Importing the same file again changes nothing; every
    row that matches no pending line is kept with its reason."""
    if roll.status != PaymentRoll.Status.APPROVED:
        raise DomainError(PaymentCode.NOT_APPROVED, "名册未审批，不能导入回盘")
    digest = hashlib.sha256(data).hexdigest()
    existing = BankReturn.objects.filter(roll=roll, sha256=digest).first()
    if existing:
        return existing
    outcome = _best(data, roll, filename, bank_file, reading)
    now = timezone.now()
    base = RollLine.unscoped.filter(roll=roll, in_bank_file=True, status=RollLine.Status.PENDING)
    paid_count, paid_fen = 0, 0
    for start in range(0, len(outcome.paid), UPDATE_CHUNK):
        chunk = outcome.paid[start : start + UPDATE_CHUNK]
        if roll.kind == PaymentRoll.Kind.ORDER:  # an order's spending is posted when the bank paid it
            paid_fen += base.filter(seq__in=chunk).aggregate(s=Sum("amount_fen"))["s"] or 0
        paid_count += base.filter(seq__in=chunk).update(status=RollLine.Status.PAID, status_changed_at=now)
    failed_count, failed_fen = 0, 0
    for reason, seqs in outcome.failed.items():
        for start in range(0, len(seqs), UPDATE_CHUNK):
            chunk = seqs[start : start + UPDATE_CHUNK]
            failed_fen += base.filter(seq__in=chunk).aggregate(s=Sum("amount_fen"))["s"] or 0
            failed_count += base.filter(seq__in=chunk).update(
                status=RollLine.Status.FAILED, failure_reason=reason[:200], status_changed_at=now
            )
    bank_return = BankReturn.objects.create(
        roll=roll,
        bank_file=outcome.bank_file,
        reading=outcome.reading,
        filename=filename[:200],
        sha256=digest,
        paid_count=paid_count,
        failed_count=failed_count,
        rejected_rows=outcome.rejected[:REJECTED_KEPT],
        imported_by=user,
    )
    if roll.kind == PaymentRoll.Kind.ORDER:  # nothing left the fund for a failed order: no refund
        post_order_spending(roll, fen=paid_fen, return_id=bank_return.pk, user=user)
    else:
        post_roll_refund(roll, fen=failed_fen, return_id=bank_return.pk, user=user)
    record(
        AuditEntry.Action.IMPORT,
        obj=roll,
        changes={
            "return": filename,
            "reading": outcome.reading,
            "paid": paid_count,
            "failed": failed_count,
            "rejected": len(outcome.rejected),
        },
    )
    return bank_return


@transaction.atomic
def correct_failed_line(line: RollLine, *, payee_name: str, bank_name: str, bank_account: str, reason: str, user):
    """更正失败发放: record the corrected account; the next roll pays the line again (reissue)."""
    if not bank_account.strip() or not payee_name.strip():
        raise DomainError(PaymentCode.CORRECTION_INCOMPLETE, "请填写收款人和银行账号")
    if not reason.strip():
        raise DomainError(PaymentCode.REASON_MISSING, "请填写更正说明")
    moved = RollLine.unscoped.filter(pk=line.pk, status=RollLine.Status.FAILED).update(
        status=RollLine.Status.HELD,
        hold_reason=RollLine.Hold.CORRECTED,
        corrected_payee_name=payee_name.strip(),
        corrected_bank_name=bank_name.strip(),
        corrected_bank_account=bank_account.strip(),
        status_changed_at=timezone.now(),
    )
    if moved != 1:
        raise DomainError(PaymentCode.NOT_FAILED, "只有发放失败的明细可以更正")
    correction = LineCorrection.objects.create(
        line=line,
        payee_name=payee_name.strip(),
        bank_name=bank_name.strip(),
        bank_account=bank_account.strip(),
        reason=reason,
        corrected_by=user,
    )
    record(
        AuditEntry.Action.UPDATE,
        obj=line,
        object_repr=f"更正失败发放 {line.roll_id}-{line.seq}",
        changes={"bank_account": ["****", "****" + bank_account[-4:]], "reason": reason},
    )
    return correction


@transaction.atomic
def record_counter_payment(line: RollLine, *, voucher_number: str, paid_on: date, user) -> CounterPayment:
    """柜台发放: a line held because its name cannot go into the bank file, paid at the counter;
    the line counts as paid from then on."""
    voucher_number = voucher_number.strip()
    if not voucher_number:
        raise DomainError(PaymentCode.VOUCHER_MISSING, "请填写发放凭证号")
    if paid_on > timezone.localdate():
        raise DomainError(PaymentCode.PAID_IN_FUTURE, "发放日期不能晚于今天")
    moved = RollLine.unscoped.filter(
        pk=line.pk, status=RollLine.Status.HELD, hold_reason=RollLine.Hold.MANUAL_NAME
    ).update(status=RollLine.Status.PAID, status_changed_at=timezone.now())
    if moved != 1:
        raise DomainError(PaymentCode.NOT_MANUAL, "只有因生僻字未写入银行文件的明细可以登记柜台发放")
    payment = CounterPayment.objects.create(line=line, voucher_number=voucher_number, paid_on=paid_on, paid_by=user)
    record(
        AuditEntry.Action.UPDATE,
        obj=line,
        object_repr=f"柜台发放 {line.roll_id}-{line.seq}",
        changes={"status": ["held", "paid"], "voucher_number": voucher_number, "paid_on": str(paid_on)},
    )
    return payment


@dataclass
class Reconciliation:
    roll: PaymentRoll
    planned_fen: int
    paid_fen: int
    failed_fen: int
    held_fen: int
    pending_fen: int
    planned_count: int
    paid_count: int
    failed_count: int
    held_count: int
    pending_count: int
    recovery_fen: int

    @property
    def balanced(self) -> bool:
        return self.planned_fen == self.paid_fen + self.failed_fen + self.held_fen + self.pending_fen

    def __getattr__(self, name):
        if name.endswith("_yuan"):
            return yuan(getattr(self, name[:-5] + "_fen"))
        raise AttributeError(name)


def _sums():
    payable = Q(lines__kind__in=["regular", "arrears", "reissue"])
    out = {"planned_fen": Sum("lines__amount_fen", filter=payable), "planned_count": Count("lines", filter=payable)}
    for status in ("paid", "failed", "held", "pending"):
        out[f"{status}_fen"] = Sum("lines__amount_fen", filter=payable & Q(lines__status=status))
        out[f"{status}_count"] = Count("lines", filter=payable & Q(lines__status=status))
    out["recovery_fen"] = Sum("lines__amount_fen", filter=Q(lines__kind="recovery"))
    return out


def reconcile(rolls) -> list[Reconciliation]:
    """One GROUP BY over the lines of the given rolls."""
    rows = rolls.values("pk").annotate(**_sums())
    by_pk = {roll.pk: roll for roll in rolls}
    result = []
    for row in rows:
        values = {k: (v or 0) for k, v in row.items() if k != "pk"}
        values["recovery_fen"] = -values["recovery_fen"]
        result.append(Reconciliation(roll=by_pk[row["pk"]], **values))
    result.sort(key=lambda r: (r.roll.month, r.roll.number), reverse=True)
    return result


def overdue_lines(rolls, days: int):
    """Failed or held lines not released, on rolls approved more than `days` days ago."""
    cutoff = timezone.now() - timedelta(days=days)
    return RollLine.unscoped.filter(
        roll__in=rolls,
        roll__approved_at__lt=cutoff,
        status__in=[RollLine.Status.FAILED, RollLine.Status.HELD],
        released_to__isnull=True,
    )
