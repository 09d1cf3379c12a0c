"""Monthly work of the elderly-care line: 高龄津贴 moves to the next band (90, 100) from the month
after the birthday (policy.rules.elderly_allowance_for_month)."""

from datetime import date

from django.db import connection

from core.months import add_months, month_end, month_start, next_month_start
from ledger.models import Enrolment
from ledger.services import adjust_amount
from policy import rules
from policy.parameters import Policy
from policy.programmes import Programme

# open 高龄津贴 enrolments whose beneficiary reaches an age in this month (one statement per band age)
REACHING_SQL = """
SELECT e.id, p.birth_date FROM ledger_enrolment e JOIN registry_person p ON p.id = e.beneficiary_id
WHERE e.programme = 'elderly_allowance' AND e.status = 'in_payment' AND e.area_code LIKE %(county)s
 AND p.birth_date >= %(born_from)s AND p.birth_date <= %(born_to)s
"""


def _counties() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT substr(area_code, 1, 6) FROM ledger_enrolment WHERE programme = 'elderly_allowance'"
            " AND status = 'in_payment'"
        )
        return sorted(row[0] for row in cursor.fetchall())


def adjust_allowance_bands(day: date) -> dict:
    """Run late in the month (the 25th): everyone enrolled who reaches a later band's age this month
    is paid that band from next month (调整金额, effective the month after the decision). Only the
    few who cross a band are read: one indexed range per county and band."""
    first, last = month_start(day), month_end(day)
    adjusted = 0
    for county in _counties():
        policy = Policy.for_area(county + "000000", day)
        try:
            tiers = rules.elderly_allowance_tiers(policy)
        except LookupError:
            continue
        for tier in tiers[1:]:
            params = {
                "county": county + "%",
                "born_from": add_months(first, -12 * tier.from_age),
                "born_to": add_months(last, -12 * tier.from_age),
            }
            with connection.cursor() as cursor:
                cursor.execute(REACHING_SQL, params)
                rows = cursor.fetchall()
            for enrolment_id, _born in rows:
                enrolment = Enrolment.objects.select_related("beneficiary").get(pk=enrolment_id)
                amount = rules.elderly_allowance_for_month(
                    policy, enrolment.beneficiary.birth_date, next_month_start(day)
                )
                if amount is not None and amount != enrolment.monthly_amount:
                    adjust_amount(
                        enrolment,
                        new_amount=amount,
                        decided_on=day,
                        reason=f"年满{tier.from_age}周岁，高龄津贴调整为{tier.label}档",
                    )
                    adjusted += 1
    return {"adjusted": adjusted, "programme": str(Programme.ELDERLY_ALLOWANCE)}
