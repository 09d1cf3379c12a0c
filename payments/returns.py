"""Bank returns (回盘), corrections of failed payments, and reconciliation (对账).

planned = paid + failed + held + in transit, to the fen, for every roll. A failed payment stays on
its roll as failed until corrected; the correction is recorded (LineCorrection, append-only) and
the line becomes held "corrected": the next roll pays it as a reissue line to the corrected account.
A rare-name line the bank file could not hold is paid at the counter and recorded as paid.
"""

import hashlib
import io
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AuditEntry
from audit.services import record
from core.csvtext import UnreadableCsv, csv_rows
from core.errors import DomainError
from payments.errors import PaymentCode
from payments.funds import post_roll_refund
from payments.models import BankLayout, BankReturn, CounterPayment, LineCorrection, PaymentRoll, RollLine, yuan

DEFAULT_RETURN_COLUMNS = ["ref", "name", "amount", "account", "result", "message"]
DEFAULT_SUCCESS = ["0", "00", "0000", "S", "成功", "success"]
UPDATE_CHUNK = 5000


def _rows(data: bytes, layout: BankLayout, filename: str) -> list[list[str]]:
    if filename.lower().endswith(".xlsx"):
        sheet = load_workbook(io.BytesIO(data), read_only=True).active
        return [["" if v is None else str(v).strip() for v in row] for row in sheet.iter_rows(values_only=True)]
    encoding = "utf-8-sig" if layout.encoding == "utf-8" else "gb18030"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        raise DomainError(PaymentCode.RETURN_ENCODING, f"回盘文件不是{layout.get_encoding_display()}编码") from None
    if layout.format == "csv" or filename.lower().endswith(".csv"):
        try:
            return [[v.strip() for v in row] for row in csv_rows(io.StringIO(text, newline=""))]
        except UnreadableCsv as error:
            raise DomainError(PaymentCode.FILE_MISMATCH, str(error)) from None
    delimiter = layout.delimiter or "|"
    rows = []
    for line in text.splitlines():
        fields = [v.strip() for v in line.split(delimiter)]
        if fields and fields[-1] == "":
            fields.pop()
        rows.append(fields)
    return rows


def _to_fen(text: str) -> int | None:
    text = text.replace(",", "").strip()
    whole, _, part = text.partition(".")
    if not whole.lstrip("-").isdigit() or (part and (not part.isdigit() or len(part) > 2)):
        return None
    return int(whole) * 100 + (int(part.ljust(2, "0")) if part else 0) * (-1 if whole.startswith("-") else 1)


@transaction.atomic
def import_return(roll: PaymentRoll, layout: BankLayout, data: bytes, *, filename: str, user) -> BankReturn:
    """导入回盘: success → paid; failure → failed with the bank's reason. Importing the same file
    again changes nothing; rows that match no pending line of this roll are listed, not applied."""
    if roll.status != PaymentRoll.Status.APPROVED:
        raise DomainError(PaymentCode.NOT_APPROVED, "名册未审批，不能导入回盘")
    digest = hashlib.sha256(data).hexdigest()
    existing = BankReturn.objects.filter(roll=roll, sha256=digest).first()
    if existing:
        return existing
    columns = layout.return_columns or DEFAULT_RETURN_COLUMNS
    success = set(layout.return_success_codes or DEFAULT_SUCCESS)
    lines = dict(
        RollLine.unscoped.filter(roll=roll, in_bank_file=True)
        .values_list("seq", "amount_fen")
        .iterator(chunk_size=5000)
    )
    paid, failed, rejected = [], {}, []
    prefix = f"{roll.pk:06d}"
    for number, fields in enumerate(_rows(data, layout, filename), start=1):
        row = dict(zip(columns, fields, strict=False))
        ref = row.get("ref", "")
        if len(ref) != 13 or not ref.isdigit():
            continue  # header, summary or blank line
        if not ref.startswith(prefix) or int(ref[6:]) not in lines:
            rejected.append({"row": number, "ref": ref, "reason": "不属于本名册"})
            continue
        seq = int(ref[6:])
        if "amount" in row and _to_fen(row["amount"]) != lines[seq]:
            rejected.append({"row": number, "ref": ref, "reason": f"金额不符（名册{yuan(lines[seq])}）"})
            continue
        if row.get("result", "") in success:
            paid.append(seq)
        else:
            failed.setdefault(row.get("message") or row.get("result") or "银行未说明原因", []).append(seq)
    now = timezone.now()
    base = RollLine.unscoped.filter(roll=roll, status=RollLine.Status.PENDING)
    paid_count = 0
    for start in range(0, len(paid), UPDATE_CHUNK):
        chunk = paid[start : start + UPDATE_CHUNK]
        paid_count += base.filter(seq__in=chunk).update(status=RollLine.Status.PAID, status_changed_at=now)
    failed_count, failed_fen = 0, 0
    for reason, seqs in failed.items():
        for start in range(0, len(seqs), UPDATE_CHUNK):
            chunk = seqs[start : start + UPDATE_CHUNK]
            failed_fen += base.filter(seq__in=chunk).aggregate(s=Sum("amount_fen"))["s"] or 0
            failed_count += base.filter(seq__in=chunk).update(
                status=RollLine.Status.FAILED, failure_reason=reason[:200], status_changed_at=now
            )
    bank_return = BankReturn.objects.create(
        roll=roll,
        filename=filename[:200],
        sha256=digest,
        paid_count=paid_count,
        failed_count=failed_count,
        rejected_rows=rejected[:500],
        imported_by=user,
    )
    post_roll_refund(roll, fen=failed_fen, return_id=bank_return.pk, user=user)
    record(
        AuditEntry.Action.IMPORT,
        obj=roll,
        changes={"return": filename, "paid": paid_count, "failed": failed_count, "rejected": len(rejected)},
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
