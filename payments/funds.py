"""Fund accounts (专户管理、封闭运行): every movement is an append-only FundEntry with a document
reference and an idempotency key; the balance is the sum of the entries and never goes below zero
unless an approver records an explicit override with a reason."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Sum

from accounts.roles import Capability
from audit.models import AuditEntry
from audit.services import record
from core.errors import DomainError
from payments.errors import PaymentCode
from payments.models import FundAccount, FundEntry, PaymentRoll, yuan

INFLOWS = {FundEntry.Kind.BUDGET_RECEIVED, FundEntry.Kind.LOCAL_MATCHING, FundEntry.Kind.ALLOCATION_IN,
           FundEntry.Kind.REFUND}  # fmt: skip
OUTFLOWS = {FundEntry.Kind.ALLOCATION_OUT, FundEntry.Kind.SPENDING}


def to_fen(amount: Decimal | str) -> int:
    """Yuan → fen, rounded half-up to the fen (分)."""
    value = Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return int(value * 100)


def balance_fen(account: FundAccount) -> int:
    return FundEntry.unscoped.filter(account=account).aggregate(s=Sum("amount_fen"))["s"] or 0


def open_account(*, programme: str, level: str, year: int, area_code: str, name: str = "") -> FundAccount:
    account, _ = FundAccount.objects.get_or_create(
        programme=programme,
        year=year,
        area_code=area_code,
        defaults={"level": level, "name": name or f"{year}年{programme}专户"},
    )
    return account


@transaction.atomic
def post_entry(
    account: FundAccount,
    *,
    kind: str,
    amount: Decimal | str | int,
    document_reference: str,
    idempotency_key: str,
    user=None,
    note: str = "",
    counterpart: FundAccount | None = None,
    roll: PaymentRoll | None = None,
    override_reason: str = "",
    amount_is_fen: bool = False,
) -> FundEntry:
    """记账. The same idempotency key twice returns the first entry and writes nothing."""
    existing = FundEntry.unscoped.filter(idempotency_key=idempotency_key).first()
    if existing:
        return existing
    if kind not in INFLOWS | OUTFLOWS:
        raise DomainError(PaymentCode.FUND_KIND, "未知的资金类型")
    if not document_reference.strip():
        raise DomainError(PaymentCode.DOCUMENT_MISSING, "每笔资金流水必须填写凭证或文件号")
    fen = int(amount) if amount_is_fen else to_fen(amount)
    if fen <= 0:
        raise DomainError(PaymentCode.AMOUNT, "金额必须大于0")
    signed = fen if kind in INFLOWS else -fen
    # lock the account row: entries of one account are posted one at a time
    FundAccount.unscoped.select_for_update().get(pk=account.pk)
    after = balance_fen(account) + signed
    override_by = None
    if after < 0:
        if not override_reason.strip():
            raise DomainError(
                PaymentCode.INSUFFICIENT_FUNDS,
                f"{account.name}余额不足（记账后余额{yuan(after)}元），需审批人授权透支并说明理由",
            )
        if user is None or not user.can(Capability.APPROVE):
            raise DomainError(PaymentCode.OVERRIDE_FORBIDDEN, "只有审批人可以授权透支")
        override_by = user
    entry = FundEntry.unscoped.create(
        account=account,
        area_code=account.area_code,
        kind=kind,
        amount_fen=signed,
        document_reference=document_reference,
        counterpart=counterpart,
        roll=roll,
        note=note,
        balance_after_fen=after,
        override_reason=override_reason if override_by else "",
        override_by=override_by,
        idempotency_key=idempotency_key,
        recorded_by=user,
    )
    record(
        AuditEntry.Action.CREATE,
        obj=entry,
        changes={"kind": kind, "amount_fen": signed, "document": document_reference, "override": bool(override_by)},
    )
    return entry


@transaction.atomic
def allocate(
    source: FundAccount,
    target: FundAccount,
    *,
    amount: Decimal | str,
    document_reference: str,
    idempotency_key: str,
    user=None,
    override_reason: str = "",
) -> tuple[FundEntry, FundEntry]:
    """拨付下级: an outflow on the source and the matching inflow on the target, one document."""
    if source.programme != target.programme or source.year != target.year:
        raise DomainError(PaymentCode.ALLOCATION_MISMATCH, "只能在同一项目、同一年度的专户之间拨付")
    out = post_entry(
        source,
        kind=FundEntry.Kind.ALLOCATION_OUT,
        amount=amount,
        document_reference=document_reference,
        idempotency_key=f"{idempotency_key}:out",
        user=user,
        counterpart=target,
        override_reason=override_reason,
    )
    inflow = post_entry(
        target,
        kind=FundEntry.Kind.ALLOCATION_IN,
        amount=amount,
        document_reference=document_reference,
        idempotency_key=f"{idempotency_key}:in",
        user=user,
        counterpart=source,
    )
    return out, inflow


def account_for_roll(roll: PaymentRoll) -> FundAccount | None:
    return FundAccount.unscoped.filter(programme=roll.programme, year=roll.month.year, area_code=roll.area_code).first()


def post_roll_spending(roll: PaymentRoll, *, user, override_reason: str = "") -> FundEntry | None:
    """On approval the payable total leaves the roll's own fund account (if the area keeps one)."""
    account = account_for_roll(roll)
    if account is None or roll.payable_fen <= 0:
        return None
    return post_entry(
        account,
        kind=FundEntry.Kind.SPENDING,
        amount=roll.payable_fen,
        amount_is_fen=True,
        document_reference=roll.number,
        idempotency_key=f"roll:{roll.pk}:spending",
        user=user,
        roll=roll,
        note=f"{roll.month:%Y年%m月}发放名册",
        override_reason=override_reason,
    )


def post_roll_refund(roll: PaymentRoll, *, fen: int, return_id: int, user) -> FundEntry | None:
    """Failed payments come back from the bank into the account they left."""
    account = account_for_roll(roll)
    if account is None or fen <= 0:
        return None
    return post_entry(
        account,
        kind=FundEntry.Kind.REFUND,
        amount=fen,
        amount_is_fen=True,
        document_reference=f"{roll.number}-回盘{return_id}",
        idempotency_key=f"roll:{roll.pk}:return:{return_id}:refund",
        user=user,
        roll=roll,
        note="银行回盘失败退回",
    )


def account_for_area(programme: str, year: int, area_code: str) -> FundAccount | None:
    """The most specific fund account of a programme and year at or above an area (village → township
    → county …)."""
    codes = [area_code[:n].ljust(12, "0") for n in (12, 9, 6, 4, 2)] + [area_code]
    accounts = FundAccount.unscoped.filter(programme=programme, year=year, area_code__in=set(codes))
    return max(accounts, key=lambda a: len(a.area_code.rstrip("0")), default=None)


def post_one_off_spending(
    *, programme, area_code, amount, on_date, document_reference, idempotency_key, note, user
) -> str:
    """`ledger.hooks` listener: a grant paid outside a roll (临时救助 in kind or cash against a signed
    receipt) leaves the programme's fund account of its area, if the area keeps one."""
    account = account_for_area(programme, on_date.year, area_code)
    if account is None:
        return ""
    entry = post_entry(
        account,
        kind=FundEntry.Kind.SPENDING,
        amount=amount,
        document_reference=document_reference,
        idempotency_key=idempotency_key,
        user=user,
        note=note,
    )
    return f"已记入{account.name}支出{yuan(-entry.amount_fen)}元"


def post_order_spending(roll: PaymentRoll, *, fen: int, return_id: int, user) -> FundEntry | None:
    """A payment order (一次性支付单) leaves the fund when the bank's return says it was paid: from
    the programme's most specific account at or above the order's area (if the area keeps one).
    The room was checked when the order was issued (payments.orders); an account short since then
    takes it only from an approver (an override with the recorded reason)."""
    account = account_for_area(roll.programme, roll.month.year, roll.area_code)
    if account is None or fen <= 0:
        return None
    key = f"order:{roll.pk}:return:{return_id}:spending"
    short = balance_fen(account) < fen
    try:
        return post_entry(
            account,
            kind=FundEntry.Kind.SPENDING,
            amount=fen,
            amount_is_fen=True,
            document_reference=roll.number,
            idempotency_key=key,
            user=user,
            roll=roll,
            note=f"一次性支付单{roll.number}银行已支付",
            override_reason="银行已按支付单支付（回盘）" if short else "",
        )
    except DomainError:
        raise DomainError(
            PaymentCode.INSUFFICIENT_FUNDS,
            f"{account.name}余额不足以记入支付单{roll.number}的{yuan(fen)}元，请由审批人导入本回盘（授权透支）",
        ) from None
