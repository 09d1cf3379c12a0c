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


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"programme": "no_such_programme", "month": "2026-04-01", "area_code": "430522000000"}, "unknown_programme"),
        ({"programme": "dibao", "month": "2026-04-01", "area_code": "43052x"}, "bad_area"),
        ({"programme": "dibao", "month": "2026-04-01", "area_code": "4305220000001234567"}, "bad_area"),
    ],
)
def test_a_roll_for_an_unknown_programme_or_a_bad_area_code_is_refused_and_nothing_is_saved(
    client, approver, payload, code
):
    client.force_login(approver)
    response = client.post("/api/v1/payments/rolls", payload, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["message"])
    assert not PaymentRoll.unscoped.exists()


def test_a_malformed_month_gets_a_chinese_422(client, approver):
    client.force_login(approver)
    payload = {"programme": "dibao", "month": "2026-13-45", "area_code": "430522000000"}
    response = client.post("/api/v1/payments/rolls", payload, content_type="application/json")
    assert response.status_code == 422 and "month" in response.json()["message"]
