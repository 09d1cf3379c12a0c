"""The payments API answers a refused action with the service's code and Chinese message."""

import pytest

from payments import rolls
from payments.models import PaymentRoll
from payments.tests.factories import APRIL, dibao, household
from policy.programmes import Programme

pytestmark = pytest.mark.django_db


def test_the_maker_cannot_approve_their_own_roll_through_the_api(client, approver):
    dibao(household())
    roll = rolls.generate_roll(programme=Programme.DIBAO, month=APRIL, area_code="430522000000", user=approver)
    client.force_login(approver)
    response = client.post(f"/api/v1/payments/rolls/{roll.pk}/approve")
    assert response.status_code == 400
    assert response.json() == {
        "code": "maker_checker",
        "message": "名册生成人不能审批自己生成的名册（审核与审批须由不同人员完成）",
    }
    roll.refresh_from_db()
    assert roll.status == PaymentRoll.Status.GENERATED
