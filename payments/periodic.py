"""The month's draft payment rolls (当月发放名册草稿), made by the scheduler (jobs.periodic)."""

from datetime import date

from django.db.models.functions import Substr

from areas.codes import prefix_of
from areas.models import Area
from core.months import month_start
from ledger.models import Enrolment
from payments import rolls
from payments.models import PaymentRoll
from policy.programmes import Programme

# One-off payments are paid by their own orders, not by the monthly roll.
NOT_MONTHLY = {Programme.TEMPORARY_EMERGENCY, Programme.TEMPORARY_SPENDING}


def draft_monthly_rolls(day: date) -> dict:
    """For every county and programme with recipients in payment, the month's roll is generated as a
    draft for the clerks to check and the county to approve — unless a roll of that month already
    covers the county or any part of it (a township's own roll is never doubled). Drafts are never
    approved here: approval stays with a person."""
    month = month_start(day)
    pairs = (
        Enrolment.objects.filter(status=Enrolment.Status.IN_PAYMENT)
        .exclude(programme__in=NOT_MONTHLY)
        .annotate(county=Substr("area_code", 1, 6))
        .values_list("county", "programme")
        .order_by()
        .distinct()
    )
    existing = list(
        PaymentRoll.objects.filter(month=month, kind=PaymentRoll.Kind.MONTHLY).values_list("programme", "area_prefix")
    )
    made, skipped = [], 0
    for county, programme in sorted(set(pairs)):
        county_code = county + "000000"
        prefix = prefix_of(county_code)
        if any(p == programme and (a.startswith(prefix) or prefix.startswith(a)) for p, a in existing):
            skipped += 1
            continue
        roll = rolls.generate_roll(programme=programme, month=month, area_code=county_code, user=None)
        area = Area.objects.filter(code=county_code).values_list("name", flat=True).first() or county_code
        made.append(f"{area}{Programme(programme).label}（{roll.line_count}行）")
    return {"发放月份": f"{month:%Y年%m月}", "新生成名册草稿": made or "无", "已有名册": skipped}
