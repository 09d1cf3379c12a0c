"""发放名册 as staff build and approve them, inside their own jurisdiction scope: 酿溪镇's clerk
builds the township's roll from its own recipients only, the county approves it; 严塘镇's clerk
cannot build a roll for 酿溪镇 and sees neither the roll nor its lines."""

import pytest

from areas.jurisdiction import scope_for_user, within
from core.errors import DomainError
from payments import rolls
from payments.models import PaymentRoll, RollLine
from payments.tests.factories import APRIL, VILLAGE_A, VILLAGE_B, dibao, household
from policy.programmes import Programme

pytestmark = pytest.mark.django_db
TOWNSHIP_A, TOWNSHIP_B = "430522100000", "430522101000"


def generate(user, area_code):
    return rolls.generate_roll(programme=Programme.DIBAO, month=APRIL, area_code=area_code, user=user)


def test_a_township_builds_its_roll_in_its_own_scope_from_its_own_recipients_only(clerk_a, clerk_b, approver):
    ours = dibao(household(VILLAGE_A, name="张三"), "810.00")
    theirs = dibao(household(VILLAGE_B, name="李四"), "700.00")
    with within(scope_for_user(clerk_a)):
        roll = generate(clerk_a, TOWNSHIP_A)
        assert [(x.enrolment_id, x.amount_fen) for x in RollLine.objects.filter(roll=roll)] == [(ours.pk, 81000)]
        assert roll.payable_fen == 81000 and roll.issue_count == 0
    with within(scope_for_user(approver)):
        rolls.approve_roll(PaymentRoll.objects.get(pk=roll.pk), user=approver)
    with within(scope_for_user(clerk_b)):
        assert not PaymentRoll.objects.filter(pk=roll.pk).exists()
        assert not RollLine.objects.filter(roll_id=roll.pk).exists()
        with pytest.raises(DomainError) as error:
            generate(clerk_b, TOWNSHIP_A)
        assert error.value.code == "outside_jurisdiction"
        own = generate(clerk_b, TOWNSHIP_B)
        assert [x.enrolment_id for x in RollLine.objects.filter(roll=own)] == [theirs.pk]
    with within(scope_for_user(clerk_a)):
        assert PaymentRoll.objects.get(pk=roll.pk).status == PaymentRoll.Status.APPROVED
        assert not PaymentRoll.objects.filter(pk=own.pk).exists()
