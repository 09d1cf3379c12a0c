"""民政统计 · 月报 (monthly statistics report): for each programme of the current scope, the households and persons in
payment in the month, the month's amount and the average per person (人均补助水平), the local standard where the
programme has one, and the year's cumulative spending to that month from the approved payment rolls.

Set-based: one GROUP BY over the enrolments in payment in the month, one over the year's approved rolls.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, DecimalField, Q, Sum
from django.db.models.functions import Coalesce

from core.months import month_start
from ledger.models import Enrolment
from payments.models import PaymentRoll
from policy.parameters import MissingParameter, Policy
from policy.programmes import ParameterKey, Programme

ZERO = Decimal("0.00")
_MONEY = DecimalField(max_digits=14, decimal_places=2)


@dataclass(frozen=True)
class MonthlyRow:
    programme: str
    label: str
    households: int
    persons: int
    amount: Decimal  # the month's amount in payment (月保障金额合计; classified extras are part of it)
    per_person: Decimal  # 月人均补助水平
    standard: str  # 保障标准 of the area where the programme has one, else ""
    year_to_date: Decimal  # 本年累计发放 (approved rolls, January to the month)


def in_payment_in(month: date):
    """Enrolments that pay for `month`: started by it and not stopped before or in it (停发月 is the first unpaid)."""
    return Q(start_month__lte=month) & (Q(end_month__isnull=True) | Q(end_month__gt=month))


def _standard(programme: str, area_code: str, month: date) -> str:
    if programme != Programme.DIBAO:
        return ""
    policy = Policy.for_area(area_code, month)
    try:
        urban, rural = (
            policy.amount(ParameterKey.DIBAO_STANDARD_URBAN),
            policy.amount(ParameterKey.DIBAO_STANDARD_RURAL),
        )
    except MissingParameter:
        return "未录入"
    return f"城市{urban:.0f}元、农村{rural:.0f}元/人·月"


def monthly_report(month: date, area_code: str) -> list[MonthlyRow]:
    """The month's report for the current scope (`area_code` is the area whose local standards are shown)."""
    month = month_start(month)
    paying = (
        Enrolment.objects.filter(in_payment_in(month))
        .order_by()
        .values("programme")
        .annotate(
            households=Count("household", distinct=True),
            persons=Coalesce(Sum("covered_members"), 0),
            amount=Coalesce(Sum("monthly_amount"), ZERO, output_field=_MONEY),
        )
    )
    spent = dict(
        PaymentRoll.objects.filter(
            status=PaymentRoll.Status.APPROVED, month__gte=month.replace(month=1), month__lte=month
        )
        .order_by()
        .values("programme")
        .annotate(fen=Coalesce(Sum("payable_fen"), 0))
        .values_list("programme", "fen")
    )
    rows = []
    for row in sorted(
        paying, key=lambda r: list(Programme.values).index(r["programme"]) if r["programme"] in Programme.values else 99
    ):
        code, persons, amount = row["programme"], row["persons"], row["amount"] or ZERO
        per_person = (amount / persons).quantize(Decimal("0.01"), ROUND_HALF_UP) if persons else ZERO
        rows.append(
            MonthlyRow(
                programme=code,
                label=str(Programme(code).label) if code in Programme.values else code,
                households=row["households"],
                persons=persons,
                amount=amount,
                per_person=per_person,
                standard=_standard(code, area_code, month),
                year_to_date=Decimal(spent.pop(code, 0)) / 100,
            )
        )
    for code, fen in spent.items():  # paid this year, nobody in payment this month (e.g. temporary aid)
        rows.append(
            MonthlyRow(
                code,
                str(Programme(code).label) if code in Programme.values else code,
                0,
                0,
                ZERO,
                ZERO,
                "",
                Decimal(fen) / 100,
            )
        )
    return rows
