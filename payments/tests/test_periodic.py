"""当月发放名册草稿: the scheduler drafts the month's roll per county and programme, never doubles
a roll of the month (the county's or a township's), and leaves approval to a person."""

from datetime import date
from decimal import Decimal

import pytest

from ledger.services import enrol
from payments import rolls
from payments.models import PaymentRoll
from payments.periodic import draft_monthly_rolls
from policy.demo import load_demo_policy
from policy.programmes import Programme
from registry.tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def recipients(db):
    load_demo_policy()
    for amount in ("500.00", "320.50"):
        enrol(
            programme=Programme.DIBAO,
            household=HouseholdFactory(),
            monthly_amount=Decimal(amount),
            decided_on=date(2025, 1, 10),
        )


def test_the_months_draft_roll_per_county_once(recipients):
    result = draft_monthly_rolls(date(2025, 4, 1))
    roll = PaymentRoll.objects.get()
    assert (roll.programme, roll.month, roll.area_code) == ("dibao", date(2025, 4, 1), "430522000000")
    assert roll.status == PaymentRoll.Status.GENERATED and roll.generated_by is None
    assert roll.line_count == 2 and roll.payable_fen + roll.held_fen == 82050
    assert result["发放月份"] == "2025年04月" and len(result["新生成名册草稿"]) == 1
    assert draft_monthly_rolls(date(2025, 4, 1))["已有名册"] == 1
    assert PaymentRoll.objects.count() == 1


def test_a_township_roll_of_the_month_is_not_doubled_by_a_county_draft(recipients, clerk_a):
    rolls.generate_roll(programme=Programme.DIBAO, month=date(2025, 5, 1), area_code="430522100000", user=clerk_a)
    result = draft_monthly_rolls(date(2025, 5, 1))
    assert result["新生成名册草稿"] == "无" and result["已有名册"] == 1
    assert PaymentRoll.objects.filter(month=date(2025, 5, 1)).count() == 1
