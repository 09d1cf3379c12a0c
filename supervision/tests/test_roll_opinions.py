"""稽查 in the money: a payment roll above a configured total waits for the auditor's opinion."""

from datetime import date

import pytest

from accounts.tests.factories import StaffFactory
from core.errors import DomainError
from payments import rolls
from payments.models import PaymentRoll
from payments.tests.factories import APRIL, dibao, household
from policy.programmes import Programme
from supervision.models import Opinion, OpinionRule
from supervision.opinions import give_opinion

pytestmark = pytest.mark.django_db


@pytest.fixture
def big_roll(approver):
    dibao(household())
    return rolls.generate_roll(programme=Programme.DIBAO, month=APRIL, area_code="430522000000", user=approver)


@pytest.fixture
def second_approver(county_bureau):
    return StaffFactory(username="approver_2", full_name="周审批", unit=county_bureau, roles=["approver"])


def _rule(threshold):
    return OpinionRule.objects.create(
        name="大额名册经稽查", kind=OpinionRule.Kind.ROLL_ABOVE, threshold=threshold, effective_from=date(2020, 1, 1)
    )


def test_a_roll_above_the_limit_waits_for_an_opinion_that_does_not_disagree(big_roll, second_approver, auditor):
    _rule(threshold=1)
    with pytest.raises(DomainError, match="须先取得稽查意见") as error:
        rolls.approve_roll(big_roll, user=second_approver)
    assert error.value.code == "opinion_required"
    give_opinion(user=auditor, verdict=Opinion.Verdict.DISAGREE, text="金额存疑", on_date=APRIL, roll=big_roll)
    with pytest.raises(DomainError, match="不同意"):
        rolls.approve_roll(big_roll, user=second_approver)
    give_opinion(user=auditor, verdict=Opinion.Verdict.AGREE, text="已核", on_date=APRIL, roll=big_roll)
    rolls.approve_roll(big_roll, user=second_approver)
    assert PaymentRoll.unscoped.get(pk=big_roll.pk).status == PaymentRoll.Status.APPROVED


def test_a_roll_under_the_limit_is_approved_without_an_opinion(big_roll, second_approver):
    _rule(threshold=big_roll.payable_fen // 100 + 1)
    rolls.approve_roll(big_roll, user=second_approver)
    assert PaymentRoll.unscoped.get(pk=big_roll.pk).status == PaymentRoll.Status.APPROVED
