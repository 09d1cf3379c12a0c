"""One-off payment orders (一次性支付单): a grant paid by the bank the day it is decided (临时救助
急难型 that cannot wait for the month's roll; ADR 0019).

An order is a PaymentRoll of kind "order" with one line for the grant's one-month enrolment
(ledger.services.grant_one_off), written by the roll's own statement (payee: the enrolment's
recorded account holder — 子女代领 — else the household's), checked as a roll is (death, the
一卡通 payee rule, double payment), and frozen at once: the grant was decided in its case. Its bank
file is produced at issue through payments.bankfile in the layout of the payee's bank, with the pay
date of the day and the layout's reference format; a line the encoding cannot carry or without an
account is refused (the clerk pays in cash instead). The bank's return is read by
payments.returns; a paid line is posted to the fund ledger then (payments.funds.post_order_spending).
A failed line is re-issued as a new order to a corrected account, or given up for cash. The
month's roll never lists an enrolment an order pays (payments.rolls.NOT_PAID_BY_ORDER).
"""

from datetime import date

from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from areas.codes import prefix_of
from audit.models import AuditEntry
from audit.services import record
from core.errors import DomainError
from core.months import month_start
from ledger.hooks import PaymentOrders
from ledger.models import Enrolment
from payments import bankfile, rolls
from payments.errors import PaymentCode
from payments.funds import account_for_area, balance_fen
from payments.models import BankFile, BankLayout, LineCorrection, PaymentRoll, RollLine, yuan

ORDER_SQL_TAIL = " AND e.id = %(enrolment)s"

STATUS_TEXT = {
    "pending": "已开具，待银行回盘",
    "paid": "银行已支付",
    "failed": "银行支付失败",
    "switched": "支付失败，已改为现金发放",
    "reissued": "支付失败，已重新开具支付单",
}


def order_layout(bank_name: str) -> BankLayout:
    """The layout of the payee's bank: the first active layout whose banks name it and that is
    complete (its unit code filled in where it writes one); else the general 代发 text layout."""
    layouts = list(BankLayout.objects.filter(is_active=True).order_by("code"))

    def usable(layout):
        return not (bankfile.uses_unit_code(bankfile.snapshot_of(layout)) and not layout.unit_code)

    for layout in layouts:
        if any(k and k in bank_name for k in layout.bank_keywords or []) and usable(layout):
            return layout
    for layout in layouts:
        general = not layout.bank_keywords and layout.format in (BankLayout.Format.DELIMITED, BankLayout.Format.FIXED)
        if general and usable(layout):
            return layout
    raise DomainError(
        PaymentCode.LAYOUT_INVALID,
        f"没有适用于“{bank_name or '未填写开户银行'}”的银行文件版式，请先在银行文件版式中设置",
    )


def _pending_orders_fen(programme: str, year: int, area_prefix: str, but: int) -> int:
    """What orders issued and not yet returned (but this one) will take from the fund."""
    pending = RollLine.unscoped.exclude(roll_id=but).filter(
        roll__kind=PaymentRoll.Kind.ORDER,
        roll__programme=programme,
        roll__month__year=year,
        area_code__startswith=area_prefix,
        status=RollLine.Status.PENDING,
    )
    return pending.aggregate(s=Sum("amount_fen"))["s"] or 0


def _check_funds(order: PaymentRoll, on_date: date, fen: int) -> None:
    programme, area_code = order.programme, order.area_code
    account = account_for_area(programme, on_date.year, area_code)
    if account is None:
        return
    prefix = prefix_of(account.area_code)
    available = balance_fen(account) - _pending_orders_fen(programme, on_date.year, prefix, order.pk)
    if available < fen:
        raise DomainError(
            PaymentCode.INSUFFICIENT_FUNDS,
            f"{account.name}可用余额{yuan(available)}元（已扣除待回盘的支付单），不足支付{yuan(fen)}元，"
            "请先下达资金或改为其他发放方式",
        )


def _new_order(*, programme: str, area_code: str, on_date: date, user) -> PaymentRoll:
    now = timezone.now()
    order = PaymentRoll.unscoped.create(
        kind=PaymentRoll.Kind.ORDER,
        programme=programme,
        month=month_start(on_date),
        area_code=area_code,
        area_prefix=prefix_of(area_code),
        number=f"order-{now.timestamp()}-{user.pk if user else 0}",
        status=PaymentRoll.Status.GENERATED,
        generated_by=user,
        generated_at=now,
    )
    order.number = f"ZFD{on_date:%Y%m%d}-{order.pk:06d}"
    PaymentRoll.unscoped.filter(pk=order.pk).update(number=order.number)
    return order


def _finish(order: PaymentRoll, *, on_date: date, user) -> PaymentRoll:
    """The order's checks, the fund's room, the freeze, and its bank file (pay date: the day)."""
    rolls.refresh_totals(order)
    (line,) = RollLine.unscoped.filter(roll=order)
    if line.status == RollLine.Status.HELD:
        raise DomainError(
            PaymentCode.NOTHING_TO_EXPORT,
            "收款人没有银行账号（或发放已暂停），不能银行即时支付；请先登记收款账号，或改为现金发放",
        )
    if rolls.check_roll(order):
        messages = "；".join(issue.message for issue in order.issues.select_related("line"))
        raise DomainError(PaymentCode.BLOCKED, f"支付单不能开具：{messages}")
    layout = order_layout(line.bank_name)
    preview = bankfile.preview_bank_file(order, layout, pay_date=on_date)
    if preview.manual:
        reason = preview.manual[0][3]
        raise DomainError(
            PaymentCode.FILE_MISMATCH,
            f"收款人姓名{reason}，{layout.name}无法写入，不能银行即时支付；请改为现金发放（领款人签收）",
        )
    _check_funds(order, on_date, line.amount_fen)
    now = timezone.now()
    PaymentRoll.unscoped.filter(pk=order.pk).update(
        status=PaymentRoll.Status.APPROVED, approved_by=user, approved_at=now
    )
    order.status, order.approved_by, order.approved_at = PaymentRoll.Status.APPROVED, user, now
    record(
        AuditEntry.Action.CREATE,
        obj=order,
        changes={"kind": "order", "payable_fen": order.payable_fen, "line": line.seq, "layout": layout.code},
    )
    result = bankfile.write_bank_file(order, layout, pay_date=on_date, user=user)
    result.file.close()
    return order


@transaction.atomic
def issue_order(*, enrolment: Enrolment, on_date: date, reference: str = "", user) -> PaymentRoll:
    """开具一次性支付单 for a one-month grant: one line, checked, frozen, its bank file produced."""
    if enrolment.end_month is None or enrolment.start_month != month_start(on_date):
        raise DomainError(PaymentCode.AMOUNT, "只有当月一次性救助可以开具一次性支付单")
    paid = RollLine.unscoped.filter(enrolment_id=enrolment.pk).exclude(kind=RollLine.Kind.RECOVERY)
    if paid.exclude(roll__status=PaymentRoll.Status.REJECTED).exists():
        raise DomainError(PaymentCode.BLOCKED, "该笔救助已列入发放名册或支付单，不能再开具支付单")
    order = _new_order(programme=enrolment.programme, area_code=enrolment.area_code, on_date=on_date, user=user)
    params = {
        "roll": order.pk,
        "offset": 0,
        "programme": enrolment.programme,
        "month": order.month,
        "prefix": order.area_prefix + "%",
        "enrolment": enrolment.pk,
    }
    rolls._execute(rolls.REGULAR_SQL.rstrip() + ORDER_SQL_TAIL, params)
    return _finish(order, on_date=on_date, user=user)


def _failed_line(order_id: int) -> RollLine:
    line = (
        RollLine.unscoped.select_related("roll")
        .filter(roll_id=order_id, roll__kind=PaymentRoll.Kind.ORDER)
        .exclude(kind=RollLine.Kind.RECOVERY)
        .first()
    )
    if line is None:
        raise DomainError(PaymentCode.NOT_FAILED, "没有这张支付单")
    if line.status != RollLine.Status.FAILED:
        raise DomainError(PaymentCode.NOT_FAILED, "只有银行支付失败的支付单可以重新支付或改为现金")
    return line


@transaction.atomic
def reissue_order(
    order_id: int, *, payee_name: str, bank_name: str, bank_account: str, reason: str, on_date: date, user
) -> PaymentRoll:
    """重新支付: a failed order's line paid again by a new order to the corrected account (the
    correction recorded, append-only, as for a roll's failed line)."""
    line = _failed_line(order_id)
    payee_name, bank_name, bank_account = payee_name.strip(), bank_name.strip(), bank_account.strip()
    if not payee_name or not bank_account:
        raise DomainError(PaymentCode.CORRECTION_INCOMPLETE, "请填写收款人和银行账号")
    if not reason.strip():
        raise DomainError(PaymentCode.REASON_MISSING, "请填写更正说明")
    order = _new_order(programme=line.roll.programme, area_code=line.area_code, on_date=on_date, user=user)
    copied = {
        f.attname: getattr(line, f.attname)
        for f in RollLine._meta.concrete_fields
        if f.attname not in ("id", "roll_id", "source_line_id", "released_to_id", "status_changed_at")
    }
    copied.update(
        roll_id=order.pk,
        seq=1,
        kind=RollLine.Kind.REISSUE,
        payee_name=payee_name,
        bank_name=bank_name,
        bank_account=bank_account,
        in_bank_file=True,
        status=RollLine.Status.PENDING,
        hold_reason="",
        failure_reason="",
        source_line_id=line.pk,
        corrected_payee_name="",
        corrected_bank_name="",
        corrected_bank_account="",
    )
    RollLine.unscoped.create(**copied)
    moved = RollLine.unscoped.filter(pk=line.pk, status=RollLine.Status.FAILED).update(
        status=RollLine.Status.HELD,
        hold_reason=RollLine.Hold.REISSUED,
        released_to=order,
        corrected_payee_name=payee_name,
        corrected_bank_name=bank_name,
        corrected_bank_account=bank_account,
        status_changed_at=timezone.now(),
    )
    if moved != 1:
        raise DomainError(PaymentCode.CONCURRENT_CHANGE, "支付单刚被其他人处理，请刷新后重试")
    LineCorrection.objects.create(
        line=line,
        payee_name=payee_name,
        bank_name=bank_name,
        bank_account=bank_account,
        reason=reason,
        corrected_by=user,
    )
    rolls.refresh_totals(line.roll)
    return _finish(order, on_date=on_date, user=user)


@transaction.atomic
def withdraw_order(order_id: int, *, reason: str, user) -> int:
    """改为现金发放: a failed order is given up (the business line pays the grant in cash against a
    signed receipt); nothing left the fund for it. Returns the fen it no longer pays."""
    line = _failed_line(order_id)
    if not reason.strip():
        raise DomainError(PaymentCode.REASON_MISSING, "请填写改为现金发放的理由")
    moved = RollLine.unscoped.filter(pk=line.pk, status=RollLine.Status.FAILED).update(
        status=RollLine.Status.HELD, hold_reason=RollLine.Hold.SWITCHED, status_changed_at=timezone.now()
    )
    if moved != 1:
        raise DomainError(PaymentCode.CONCURRENT_CHANGE, "支付单刚被其他人处理，请刷新后重试")
    rolls.refresh_totals(line.roll)
    record(
        AuditEntry.Action.UPDATE,
        obj=line.roll,
        changes={"status": ["failed", "switched"], "reason": reason[:200], "amount_fen": line.amount_fen},
    )
    return line.amount_fen


def order_states(ids) -> dict[int, dict]:
    """Per order id: its number, status and what the clerk can do next."""
    lines = (
        RollLine.unscoped.filter(roll_id__in=list(ids), roll__kind=PaymentRoll.Kind.ORDER)
        .exclude(kind=RollLine.Kind.RECOVERY)
        .values("roll_id", "roll__number", "status", "hold_reason", "failure_reason", "released_to_id", "amount_fen")
    )
    layouts = dict(
        BankFile.objects.filter(roll_id__in=list(ids)).values_list("roll_id", "layout__code").order_by("-pk")
    )
    out = {}
    for row in lines:
        status = row["status"]
        if status == RollLine.Status.HELD and row["hold_reason"] in ("switched", "reissued"):
            status = row["hold_reason"]
        text = STATUS_TEXT.get(status, "暂缓发放")
        if status == "failed" and row["failure_reason"]:
            text += f"（{row['failure_reason']}）"
        out[row["roll_id"]] = {
            "id": row["roll_id"],
            "number": row["roll__number"],
            "status": status,
            "text": text,
            "failure_reason": row["failure_reason"],
            "next_id": row["released_to_id"],
            "amount_fen": row["amount_fen"],
            "url": reverse("payments:roll_detail", args=[row["roll_id"]]),
            "bank_file_url": (
                reverse("payments:roll_bank_file", args=[row["roll_id"]]) + f"?layout={layouts[row['roll_id']]}"
                if row["roll_id"] in layouts
                else ""
            ),
        }
    return out


def _issue(*, enrolment, on_date, reference="", user) -> int:
    return issue_order(enrolment=enrolment, on_date=on_date, reference=reference, user=user).pk


def _reissue(order_id, **kwargs) -> int:
    return reissue_order(order_id, **kwargs).pk


PAYMENT_ORDERS = PaymentOrders(issue=_issue, states=order_states, reissue=_reissue, withdraw=withdraw_order)
