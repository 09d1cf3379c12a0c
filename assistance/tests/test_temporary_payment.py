"""临时救助 is paid (issue 18 §3): 先行救助 paid first against a signed receipt and confirmed later,
the rest through the month's 临时救助 payment roll with its bank file, or goods against a signed
receipt — every payment reaches the fund ledger."""

from datetime import date
from decimal import Decimal

import pytest

from assistance.casework import TemporaryAidPayment
from assistance.procedure import confirm_application, pass_step
from assistance.temporary import disburse, pay_first, payment_summary
from assistance.tests.factories import (
    TEMPORARY_DAY,
    TEMPORARY_TOWNSHIP,
    fund_spending,
    open_temporary_fund,
    signed_receipt,
)
from core.errors import DomainError
from payments import bankfile, funds, rolls
from payments.models import BankLayout, RollLine
from policy.programmes import Programme

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_policy")]


def test_emergency_aid_paid_first_in_kind_then_the_rest_through_the_roll(
    worker_a, clerk_a, reviewer_a, approver, fund, fire
):
    pay_first(
        user=worker_a,
        application=fire,
        on_date=TEMPORARY_DAY,
        amount=Decimal("800"),
        method="in_kind",
        goods="棉被4床、大米50公斤、食用油10升",
        received_by="周火生",
        receipt_scan=signed_receipt(),
    )
    assert fund_spending(fund) == [-80000]  # the goods left the fund the day they were handed over
    pass_step(user=worker_a, application=fire, on_date=TEMPORARY_DAY)
    pass_step(user=reviewer_a, application=fire, on_date=TEMPORARY_DAY)
    confirm_application(user=approver, application=fire, on_date=date(2025, 9, 24))
    summary = payment_summary(fire)
    assert (summary["approved"], summary["paid"], summary["remaining"]) == (Decimal("1500"), Decimal("1500"), 0)
    advance, rest = summary["payments"]
    assert (advance.stage, advance.method, rest.stage, rest.method) == ("advance", "in_kind", "approved", "roll")
    assert rest.amount == Decimal("700") and rest.enrolment.start_month == date(2025, 9, 1)

    roll = rolls.generate_roll(
        programme=Programme.TEMPORARY_EMERGENCY, month=date(2025, 9, 1), area_code=TEMPORARY_TOWNSHIP, user=clerk_a
    )
    (line,) = RollLine.objects.filter(roll=roll)
    assert (line.head_name, line.amount_fen, line.status, line.in_bank_file) == ("周火生", 70000, "pending", True)
    rolls.approve_roll(roll, user=approver)
    assert fund_spending(fund) == [-80000, -70000]  # the roll's payable total left the same account
    assert funds.balance_fen(fund) == 2000000 - 150000
    layout = BankLayout.objects.get(code="bank-daifa-pipe")
    result = bankfile.write_bank_file(roll, layout, pay_date=date(2025, 10, 10), user=clerk_a)
    assert (result.bank_file.line_count, result.bank_file.total_fen) == (1, 70000)


def test_a_grant_approved_after_the_months_roll_is_paid_in_the_next(
    worker_a, clerk_a, reviewer_a, approver, fund, fire
):
    september = rolls.generate_roll(
        programme=Programme.TEMPORARY_EMERGENCY, month=date(2025, 9, 1), area_code=TEMPORARY_TOWNSHIP, user=clerk_a
    )
    rolls.approve_roll(september, user=approver)  # nothing to pay yet
    pass_step(user=worker_a, application=fire, on_date=TEMPORARY_DAY)
    pass_step(user=reviewer_a, application=fire, on_date=TEMPORARY_DAY)
    confirm_application(user=approver, application=fire, on_date=date(2025, 9, 29))
    october = rolls.generate_roll(
        programme=Programme.TEMPORARY_EMERGENCY, month=date(2025, 10, 1), area_code=TEMPORARY_TOWNSHIP, user=clerk_a
    )
    (line,) = RollLine.objects.filter(roll=october)
    assert (line.kind, line.pay_month, line.amount_fen) == ("arrears", date(2025, 9, 1), 150000)
    # and never twice: November has nothing for it
    rolls.approve_roll(october, user=approver)
    november = rolls.generate_roll(
        programme=Programme.TEMPORARY_EMERGENCY, month=date(2025, 11, 1), area_code=TEMPORARY_TOWNSHIP, user=clerk_a
    )
    assert not RollLine.objects.filter(roll=november).exists()


def test_aid_in_kind_after_approval_needs_the_signed_receipt(worker_a, reviewer_a, approver, fund, fire):
    fire.facts = {**fire.facts, "payment_method": "in_kind"}
    fire.save(update_fields=["facts"])
    pass_step(user=worker_a, application=fire, on_date=TEMPORARY_DAY)
    pass_step(user=reviewer_a, application=fire, on_date=TEMPORARY_DAY)
    confirm_application(user=approver, application=fire, on_date=TEMPORARY_DAY)
    assert payment_summary(fire)["remaining"] == Decimal("1500")  # waits for the hand-over
    with pytest.raises(DomainError) as error:
        disburse(
            user=worker_a,
            application=fire,
            on_date=TEMPORARY_DAY,
            amount=Decimal("1500"),
            method="in_kind",
            goods="帐篷",
            received_by="周火生",
        )
    assert error.value.code == "in_kind_receipt" and "签收单" in error.value.message
    with pytest.raises(DomainError) as error:
        disburse(
            user=worker_a,
            application=fire,
            on_date=TEMPORARY_DAY,
            amount=Decimal("2000"),
            method="in_kind",
            goods="帐篷",
            received_by="周火生",
            receipt_scan=signed_receipt(),
        )
    assert "超过尚未发放的1500" in error.value.message
    disburse(
        user=worker_a,
        application=fire,
        on_date=TEMPORARY_DAY,
        amount=Decimal("1500"),
        method="in_kind",
        goods="帐篷1顶、折叠床2张",
        received_by="周火生",
        receipt_scan=signed_receipt(),
    )
    assert fund_spending(fund) == [-150000] and payment_summary(fire)["remaining"] == 0
    assert TemporaryAidPayment.objects.get(application=fire).receipt_scan.name.endswith(".jpg")
    assert "已记入酿溪镇临时救助专户支出1500.00元" in fire.case.events.last().text


def test_nothing_is_paid_before_approval_except_a_first_payment(worker_a, fire):
    with pytest.raises(DomainError) as error:
        disburse(user=worker_a, application=fire, on_date=TEMPORARY_DAY, amount=Decimal("100"), method="roll")
    assert error.value.code == "wrong_step"


def test_the_application_page_pays_first_in_kind_and_shows_what_remains(client, worker_a, reviewer_a, approver, fire):
    from django.utils import timezone

    fund = open_temporary_fund(timezone.localdate().year)  # the pages pay today
    client.force_login(worker_a)
    page = client.get(f"/assistance/{fire.pk}/").content.decode()
    assert 'data-testid="advance-form"' in page and "实物救助（领取人签收）" in page
    response = client.post(
        f"/assistance/{fire.pk}/act/",
        {
            "action": "advance",
            "amount": "600",
            "method": "in_kind",
            "goods": "棉被2床",
            "received_by": "周火生",
            "receipt_scan": signed_receipt(),
        },
        follow=True,
    )
    page = response.content.decode()
    assert "已先行救助" in page and "棉被2床" in page and "已上传签收单" in page
    assert fund_spending(fund) == [-60000]
    pass_step(user=worker_a, application=fire, on_date=TEMPORARY_DAY)
    pass_step(user=reviewer_a, application=fire, on_date=TEMPORARY_DAY)
    client.force_login(approver)
    page = client.post(
        f"/assistance/{fire.pk}/act/", {"action": "confirm", "payment_method": "cash", "text": "同意"}, follow=True
    ).content.decode()
    assert "尚待发放900.00元" in page and 'data-testid="disburse-form"' in page
    page = client.post(
        f"/assistance/{fire.pk}/act/",
        {"action": "disburse", "amount": "900", "method": "cash", "received_by": "周火生"},
        follow=True,
    ).content.decode()
    assert "请上传领取人签字的签收单" in page  # a clear refusal, nothing recorded
    page = client.post(
        f"/assistance/{fire.pk}/act/",
        {
            "action": "disburse",
            "amount": "900",
            "method": "cash",
            "received_by": "周火生",
            "receipt_scan": signed_receipt(),
        },
        follow=True,
    ).content.decode()
    assert "已登记发放" in page and "待发放 0" in page and 'data-testid="disburse-form"' not in page
    assert fund_spending(fund) == [-60000, -90000]
