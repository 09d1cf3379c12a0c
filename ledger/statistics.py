"""民政统计: the county change report (变动情况表) of a month, from the ledger's events.

For each programme: 新增 (enrolled with effect in the month), 停保 (stopped), 增发 and 减发 (amounts
adjusted up or down) — each as households, persons covered and the monthly amount concerned (for an
adjustment, the difference). One GROUP BY over the month's events of the current scope.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import Coalesce

from core.months import month_start
from ledger.models import EnrolmentEvent
from policy.programmes import Programme

Kind = EnrolmentEvent.Kind
ZERO = Decimal("0.00")
# (column, which events count, the amount each brings)
_MONEY = DecimalField(max_digits=14, decimal_places=2)
CHANGES = {
    "新增": (Q(kind=Kind.ENROLLED), F("amount_after")),
    "停保": (Q(kind=Kind.STOPPED), F("amount_before")),
    "增发": (Q(kind=Kind.ADJUSTED, amount_after__gt=F("amount_before")), F("amount_after") - F("amount_before")),
    "减发": (Q(kind=Kind.ADJUSTED, amount_after__lt=F("amount_before")), F("amount_before") - F("amount_after")),
}


@dataclass
class ChangeRow:
    programme: str
    label: str
    figures: dict = field(default_factory=dict)  # column → (households, persons, amount)


def change_report(month: date) -> list[ChangeRow]:
    """The change report of `month` for the current scope, a row per programme with any change."""
    month = month_start(month)
    events = EnrolmentEvent.objects.filter(effective_month=month).order_by()
    aggregates = {}
    for column, (which, amount) in CHANGES.items():
        aggregates[f"{column}_h"] = Count("enrolment__household", filter=which, distinct=True)
        aggregates[f"{column}_p"] = Coalesce(Sum("enrolment__covered_members", filter=which), 0)
        aggregates[f"{column}_a"] = Coalesce(
            Sum(ExpressionWrapper(amount, output_field=_MONEY), filter=which), ZERO, output_field=_MONEY
        )
    rows = []
    for row in events.values("enrolment__programme").annotate(**aggregates).order_by("enrolment__programme"):
        code = row["enrolment__programme"]
        figures = {c: (row[f"{c}_h"], row[f"{c}_p"], row[f"{c}_a"] or ZERO) for c in CHANGES}
        if any(h or p or a for h, p, a in figures.values()):
            rows.append(ChangeRow(code, str(Programme(code).label) if code in Programme.values else code, figures))
    return rows
