"""Monthly work of the elderly-care line: 高龄津贴 moves to the next band (90, 100) from the month
after the birthday (policy.rules.elderly_allowance_for_month), set-based.

For each county and each band after the first, two statements over the enrolments whose beneficiary
was born in the month that reaches the band's age this month: one INSERT … SELECT of the 调整金额
events (amount before and after, effective next month, an idempotency key per enrolment and month,
so a second run adds nothing), then one UPDATE of those enrolments' amounts. No enrolment is read
into Python; only the events just written are handed to the ledger's event listeners (the partners'
webhook outbox), which is one delivery per event by nature.
"""

from datetime import date

from django.db import connection, transaction
from django.utils import timezone

from areas.jurisdiction import system_scope
from core.months import add_months, month_end, month_start, next_month_start
from ledger import hooks as ledger_hooks
from ledger.models import EnrolmentEvent
from policy import rules
from policy.parameters import Policy
from policy.programmes import Programme

# the enrolments of the county whose beneficiary reaches the band's age this month and is not yet
# paid the band's amount (a person born on 29 February reaches it on the 28th: the same month)
_CROSSING = """FROM ledger_enrolment e JOIN registry_person p ON p.id = e.beneficiary_id
WHERE e.programme = 'elderly_allowance' AND e.status IN ('in_payment', 'suspended')
 AND e.area_code LIKE %(county)s AND p.birth_date >= %(born_from)s AND p.birth_date <= %(born_to)s
 AND p.life_status = 'alive' AND e.monthly_amount <> %(amount)s"""

EVENTS_SQL = f"""
INSERT INTO ledger_enrolmentevent (area_code, enrolment_id, kind, effective_month, status_after, amount_before,
 amount_after, money, reason, details, case_reference, idempotency_key, recorded_by_id, recorded_at)
SELECT e.area_code, e.id, 'adjusted', %(effective)s, e.status, e.monthly_amount, %(amount)s, NULL, %(reason)s,
 %(details)s, '', %(key)s || e.id, NULL, %(now)s
{_CROSSING}
 AND NOT EXISTS (SELECT 1 FROM ledger_enrolmentevent x WHERE x.idempotency_key = %(key)s || e.id)
"""  # noqa: S608 - constant fragments only; every value is a parameter

UPDATE_SQL = f"""
UPDATE ledger_enrolment SET monthly_amount = %(amount)s, version = version + 1, updated_at = %(now)s
WHERE id IN (SELECT e.id {_CROSSING})
"""  # noqa: S608 - constant fragments only; every value is a parameter


def _counties() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT substr(area_code, 1, 6) FROM ledger_enrolment WHERE programme = 'elderly_allowance'"
            " AND status IN ('in_payment', 'suspended')"
        )
        return sorted(row[0] for row in cursor.fetchall())


@transaction.atomic
def adjust_allowance_bands(day: date) -> dict:
    """Run late in the month (the 25th): everyone enrolled who reaches a later band's age this month
    is paid that band from next month (调整金额, effective the month after the birthday). One INSERT …
    SELECT of the events and one UPDATE of the amounts per county and band; idempotent."""
    first = month_start(day)
    effective = next_month_start(day)
    now = timezone.now()
    adjusted = 0
    written: list[int] = []
    for county in _counties():
        policy = Policy.for_area(county + "000000", day)
        try:
            tiers = rules.elderly_allowance_tiers(policy)
        except LookupError:
            continue
        for tier in tiers[1:]:
            born_from = add_months(first, -12 * tier.from_age)
            params = {
                "county": county + "%",
                "born_from": born_from,
                "born_to": month_end(born_from),
                "amount": tier.amount,
                "effective": effective,
                "reason": f"年满{tier.from_age}周岁，高龄津贴自{effective:%Y年%m月}起调整为{tier.label}档",
                "details": f'{{"band_from_age": {tier.from_age}}}',
                "key": f"elderly_band:{effective:%Y%m}:{tier.from_age}:",
                "now": now,
            }
            with connection.cursor() as cursor:
                cursor.execute(EVENTS_SQL, params)
                cursor.execute(UPDATE_SQL, params)
                adjusted += cursor.rowcount
            written.append(tier.from_age)
    if adjusted:
        # the listeners (webhook outbox) see each event as the ledger's own services would hand it
        prefix = f"elderly_band:{effective:%Y%m}:"
        with system_scope():
            for event in EnrolmentEvent.objects.filter(idempotency_key__startswith=prefix, recorded_at=now):
                ledger_hooks.enrolment_event_recorded(event)
    return {"adjusted": adjusted, "programme": str(Programme.ELDERLY_ALLOWANCE)}
