"""Households with enrolments in named townships, for the supervision tests."""

from datetime import date
from decimal import Decimal

from accounts.tests.factories import ensure_area
from ledger.models import Enrolment
from registry.tests.factories import HouseholdFactory

VILLAGE_A = "430522100201"  # 城西社区, 酿溪镇
VILLAGE_B = "430522101201"  # 严塘镇


def enrolments(village: str, programme: str, n: int, amount: str = "500.00") -> list[Enrolment]:
    """`n` open enrolments of `programme` in `village`, one household each."""
    ensure_area(village)
    made = []
    for _ in range(n):
        household = HouseholdFactory(area_code=village)
        made.append(
            Enrolment.objects.create(
                programme=programme,
                household=household,
                monthly_amount=Decimal(amount),
                start_month=date(2025, 1, 1),
                last_reviewed_on=date(2025, 1, 1),
                area_code=village,
            )
        )
    return made
