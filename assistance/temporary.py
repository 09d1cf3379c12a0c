"""临时救助: 急难型 may be paid first and completed afterwards (先行救助); the township approves under
its cap and the county above it; Xinshao's four-in-one practice is a configurable variant
(LocalPractice): village representatives appraise before the intake step passes.

Approved aid is paid (社会救助暂行办法 第四十九条: 发放临时救助金或者实物): cash through the month's
临时救助 payment roll — a one-month enrolment in the ledger (ledger.services.grant_one_off), so the
roll's checks, bank file, return and fund posting treat it as any other line — or cash or goods
handed over against a signed receipt, posted to the fund ledger at once (ledger.hooks.one_off_spending)
— or, for aid that cannot wait for the month's roll, by the bank the same day through a one-off
payment order (一次性支付单, ledger.hooks.payment_orders: the grant's one-month enrolment paid by an
order of one line with its bank file; the month's roll never lists it; a failed order is re-issued
to a corrected account or given up for cash). A 先行救助 is one such payment before approval; the
approval then pays what remains."""

from datetime import date
from decimal import Decimal

from django.db import transaction

from assistance.casework import Application, LocalPractice, TemporaryAidPayment
from assistance.errors import AssistanceCode
from cases import hooks
from core.errors import DomainError
from ledger.hooks import one_off_spending, payment_orders
from ledger.services import grant_one_off
from policy import rules
from policy.parameters import Policy
from policy.programmes import ParameterKey as K
from policy.programmes import Programme

LEVEL_TEXT = {"township": "乡镇审批，县级备案", "county": "超过乡镇审批限额，由县级审批", "refused": "超过单次救助上限"}


def requested(application: Application) -> Decimal:
    return Decimal(str(application.facts.get("requested_amount") or "0"))


def approval_summary(application: Application) -> dict:
    policy = Policy.for_area(application.area_code, application.accepted_on)
    amount = requested(application)
    level = rules.temporary_aid_approver(policy, amount) if amount > 0 else ""
    return {
        "amount": amount,
        "level": level,
        "level_text": LEVEL_TEXT.get(level, "请填写救助金额"),
        "township_cap": policy.amount(K.TEMPORARY_TOWNSHIP_CAP),
        "county_cap": policy.amount(K.TEMPORARY_COUNTY_CAP),
        "variant": LocalPractice.Variant(application.variant).label if application.variant else "",
    }


def check_approval_level(application: Application, step) -> None:
    summary = approval_summary(application)
    if summary["level"] == "refused":
        raise DomainError(AssistanceCode.ABOVE_CAP, f"救助金额超过单次上限{summary['county_cap']}元")
    if not summary["level"]:
        raise DomainError(AssistanceCode.AMOUNT, "请填写救助金额")


BY_BANK = (TemporaryAidPayment.Method.ROLL, TemporaryAidPayment.Method.ORDER)


def paid_so_far(application: Application) -> Decimal:
    return sum((p.amount for p in application.payments.filter(withdrawn=False)), Decimal("0"))


def _orders():
    orders = payment_orders()
    if orders is None:
        raise DomainError(AssistanceCode.WRONG_STEP, "本系统未启用一次性支付单")
    return orders


def payment_summary(application: Application) -> dict:
    """What was approved, what was paid (and how), and what remains to be paid; each payment by
    order carries its order's state (`p.order`: number, status, text). A withdrawn order (failed,
    paid in cash instead) is listed but not counted."""
    payments = list(application.payments.select_related("enrolment").order_by("id"))
    ids = [p.payment_order_id for p in payments if p.payment_order_id]
    states = payment_orders().states(ids) if ids and payment_orders() else {}
    for p in payments:
        p.order = states.get(p.payment_order_id)
    paid = sum((p.amount for p in payments if not p.withdrawn), Decimal("0"))
    approved = application.proposed_amount if application.decision == Application.Decision.CONFIRMED else None
    remaining = max(approved - paid, Decimal("0")) if approved is not None else None
    failed = [p for p in payments if p.order and p.order["status"] == "failed" and not p.withdrawn]
    return {"payments": payments, "paid": paid, "approved": approved, "remaining": remaining, "failed": failed}


@transaction.atomic
def disburse(
    *,
    user,
    application: Application,
    on_date: date,
    amount: Decimal,
    method: str,
    stage: str = TemporaryAidPayment.Stage.APPROVED,
    goods: str = "",
    received_by: str = "",
    receipt_scan=None,
) -> TemporaryAidPayment:
    """发放: through the roll (a one-month enrolment of the household) or against a signed receipt
    (cash or goods: who received it, the signed receipt's scan, posted to the fund ledger)."""
    if application.programme not in (Programme.TEMPORARY_EMERGENCY, Programme.TEMPORARY_SPENDING):
        raise DomainError(AssistanceCode.WRONG_STEP, "只有临时救助按此发放")
    if amount <= 0:
        raise DomainError(AssistanceCode.AMOUNT, "发放金额必须大于0")
    if method not in TemporaryAidPayment.Method.values:
        raise DomainError(AssistanceCode.AMOUNT, "请选择发放方式")
    if stage == TemporaryAidPayment.Stage.APPROVED:
        if application.decision != Application.Decision.CONFIRMED:
            raise DomainError(AssistanceCode.WRONG_STEP, "审批后方可发放")
        remaining = payment_summary(application)["remaining"]
        if amount > remaining:
            raise DomainError(AssistanceCode.AMOUNT, f"发放金额超过尚未发放的{remaining}元")
    receipted = method in (TemporaryAidPayment.Method.CASH, TemporaryAidPayment.Method.IN_KIND)
    if receipted and not received_by.strip():
        raise DomainError(AssistanceCode.IN_KIND_RECEIPT, "请填写领取人姓名")
    if receipted and not receipt_scan:
        raise DomainError(AssistanceCode.IN_KIND_RECEIPT, "请上传领取人签字的签收单")
    if method == TemporaryAidPayment.Method.IN_KIND and not goods.strip():
        raise DomainError(AssistanceCode.IN_KIND_RECEIPT, "请填写实物清单")
    label = TemporaryAidPayment.Stage(stage).label
    payment = TemporaryAidPayment.objects.create(
        application=application,
        stage=stage,
        method=method,
        amount=amount,
        paid_on=on_date,
        goods=goods.strip(),
        received_by=received_by.strip(),
        receipt_scan=receipt_scan or "",
        recorded_by=user,
        area_code=application.area_code,
    )
    reference = application.case.receipt_no
    if method in BY_BANK:
        payment.enrolment = grant_one_off(
            programme=application.programme,
            household=application.household,
            beneficiary=application.beneficiary,
            amount=amount,
            decided_on=on_date,
            covered_members=application.covered_members,
            case_reference=reference,
            reason=f"临时救助{label}（一次性）",
            user=user,
            idempotency_key=f"temporary:{payment.pk}",
        )
        said = f"列入{on_date:%Y年%m月}临时救助发放名册（银行代发）"
        if method == TemporaryAidPayment.Method.ORDER:
            order_id = _orders().issue(enrolment=payment.enrolment, on_date=on_date, reference=reference, user=user)
            payment.payment_order_id = order_id
            number = payment_orders().states([order_id])[order_id]["number"]
            said = f"开具一次性支付单{number}，银行{on_date:%m月%d日}当日支付"
    else:
        said = "；".join(
            one_off_spending(
                programme=application.programme,
                area_code=application.area_code,
                amount=amount,
                on_date=on_date,
                document_reference=f"{reference}-签收{payment.pk}",
                idempotency_key=f"temporary:{payment.pk}:spending",
                note=f"临时救助{label}：{payment.get_method_display()}",
                user=user,
            )
        )
    payment.fund_note = said[:200]
    payment.save(update_fields=["enrolment", "payment_order_id", "fund_note"])
    what = f"（{payment.goods}）" if payment.goods else ""
    hooks.note(
        application.case,
        user,
        on_date,
        f"{label}{amount}元，{payment.get_method_display()}{what}" + (f"，{said}" if said else ""),
    )
    return payment


def pay_after_confirmation(*, user, application: Application, on_date: date) -> TemporaryAidPayment | None:
    """At approval: what remains after any 先行救助 goes to the month's roll or to a payment order
    paid the same day, unless the clerk chose to hand it over in cash or in kind (then it waits for
    the signed receipt)."""
    method = application.facts.get("payment_method") or TemporaryAidPayment.Method.ROLL
    remaining = payment_summary(application)["remaining"]
    if method not in BY_BANK or not remaining:
        return None
    return disburse(user=user, application=application, on_date=on_date, amount=remaining, method=method)


@transaction.atomic
def pay_first(
    *,
    user,
    application: Application,
    on_date: date,
    amount: Decimal,
    method: str = TemporaryAidPayment.Method.CASH,
    goods: str = "",
    received_by: str = "",
    receipt_scan=None,
) -> Application:
    """先行救助 (急难型 only): paid at once — cash or goods against a signed receipt, or through the
    roll — the paperwork completed afterwards; the approval then pays only what remains."""
    if application.programme != Programme.TEMPORARY_EMERGENCY:
        raise DomainError(AssistanceCode.WRONG_STEP, "只有急难型临时救助可以先行救助")
    if application.advance_paid_on:
        raise DomainError(AssistanceCode.CLOSED, "已先行救助")
    if application.decision != Application.Decision.PENDING:
        raise DomainError(AssistanceCode.CLOSED, "该申请已作出决定，请直接发放")
    policy = Policy.for_area(application.area_code, on_date)
    if amount <= 0 or amount > policy.amount(K.TEMPORARY_TOWNSHIP_CAP):
        raise DomainError(
            AssistanceCode.AMOUNT, f"先行救助金额应大于0且不超过乡镇审批限额{policy.amount(K.TEMPORARY_TOWNSHIP_CAP)}元"
        )
    Application.objects.filter(pk=application.pk).update(advance_amount=amount, advance_paid_on=on_date)
    application.refresh_from_db()
    disburse(
        user=user,
        application=application,
        on_date=on_date,
        amount=amount,
        method=method,
        stage=TemporaryAidPayment.Stage.ADVANCE,
        goods=goods,
        received_by=received_by,
        receipt_scan=receipt_scan,
    )
    hooks.note(application.case, user, on_date, f"先行救助{amount}元，事后补齐审批手续")
    return application


def _order_payment(application: Application, payment_id: int) -> TemporaryAidPayment:
    payment = application.payments.filter(pk=payment_id, method=TemporaryAidPayment.Method.ORDER).first()
    if payment is None or payment.withdrawn:
        raise DomainError(AssistanceCode.WRONG_STEP, "没有这笔银行即时支付")
    return payment


@transaction.atomic
def reissue_order(
    *,
    user,
    application: Application,
    payment_id: int,
    on_date: date,
    payee_name: str,
    bank_name: str,
    bank_account: str,
    reason: str,
) -> TemporaryAidPayment:
    """重新支付: the bank could not pay the order (wrong account …): a new order to the corrected
    account, the same day."""
    payment = _order_payment(application, payment_id)
    new_id = _orders().reissue(
        payment.payment_order_id,
        payee_name=payee_name,
        bank_name=bank_name,
        bank_account=bank_account,
        reason=reason,
        on_date=on_date,
        user=user,
    )
    number = payment_orders().states([new_id])[new_id]["number"]
    payment.payment_order_id = new_id
    payment.fund_note = f"原支付单支付失败，重新开具一次性支付单{number}"[:200]
    payment.save(update_fields=["payment_order_id", "fund_note"])
    hooks.note(application.case, user, on_date, f"银行支付失败，更正账号后重新开具支付单{number}：{reason.strip()}")
    return payment


@transaction.atomic
def switch_to_cash(
    *, user, application: Application, payment_id: int, on_date: date, received_by: str, receipt_scan, reason: str
) -> TemporaryAidPayment:
    """改为现金发放: the bank could not pay the order; it is given up and the same amount handed
    over in cash against a signed receipt (posted to the fund ledger as any receipted payment)."""
    payment = _order_payment(application, payment_id)
    _orders().withdraw(payment.payment_order_id, reason=reason, user=user)
    TemporaryAidPayment.objects.filter(pk=payment.pk).update(withdrawn=True)
    hooks.note(application.case, user, on_date, f"银行支付失败，改为现金发放：{reason.strip()}")
    return disburse(
        user=user,
        application=application,
        on_date=on_date,
        amount=payment.amount,
        method=TemporaryAidPayment.Method.CASH,
        stage=payment.stage,
        received_by=received_by,
        receipt_scan=receipt_scan,
    )
