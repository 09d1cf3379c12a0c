"""临时救助 paid the same day by the bank (issue 18 §3): a one-off payment order
(一次性支付单) of one line with its bank file in the payee's bank's layout; the bank's return reads
it, a paid order reaches the fund ledger, a failed one is re-issued or paid in cash; the month's
临时救助 roll never pays it a second time."""

from datetime import date
from decimal import Decimal

import pytest

from assistance.casework import TemporaryAidPayment
from assistance.procedure import confirm_application, pass_step
from assistance.temporary import disburse, pay_first, payment_summary, reissue_order, switch_to_cash
from assistance.tests.factories import (
    TEMPORARY_DAY,
    TEMPORARY_TOWNSHIP,
    fund_spending,
    open_temporary_fund,
    signed_receipt,
)
from core.errors import DomainError
from payments import rolls
from payments.models import BankFile, BankLayout, FundEntry, PaymentRoll, RollLine
from payments.orders import issue_order
from payments.returns import import_return
from policy.programmes import Programme

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_policy")]


def approve(application, worker_a, reviewer_a, approver, on=TEMPORARY_DAY, method="order"):
    application.facts = {**application.facts, "payment_method": method}
    application.save(update_fields=["facts"])
    pass_step(user=worker_a, application=application, on_date=on)
    pass_step(user=reviewer_a, application=application, on_date=on)
    confirm_application(user=approver, application=application, on_date=on)


def the_order(payment) -> PaymentRoll:
    return PaymentRoll.objects.get(pk=payment.payment_order_id)


def bank_text(order) -> str:
    bank_file = BankFile.objects.get(roll=order)
    from payments import bankfile

    result = bankfile.write_bank_file(order, bank_file.layout)  # the same bytes again
    return result.file.read().decode("gbk")


def a_return(order, ok=True, reason="账户已冻结") -> bytes:
    (line,) = RollLine.objects.filter(roll=order, in_bank_file=True)
    ref = f"{order.pk:06d}{line.seq:07d}"
    result = "0|成功" if ok else f"E102|{reason}"
    return f"{ref}|{line.payee_name}|{line.amount}|{line.bank_account}|{result}|\r\n".encode("gbk")


def test_approved_with_the_bank_order_one_line_its_file_paid_return_posts_the_fund(
    worker_a, clerk_a, reviewer_a, approver, fund, fire
):
    approve(fire, worker_a, reviewer_a, approver)
    (payment,) = payment_summary(fire)["payments"]
    assert (payment.method, payment.amount) == ("order", Decimal("1500"))
    order = the_order(payment)
    assert (order.kind, order.status, order.month, order.payable_fen) == ("order", "approved", date(2025, 9, 1), 150000)
    (line,) = RollLine.objects.filter(roll=order)
    household = fire.household
    assert (line.payee_name, line.bank_account, line.amount_fen, line.status) == (
        household.bank_account_name,
        household.bank_account,
        150000,
        "pending",
    )
    bank_file = BankFile.objects.get(roll=order)
    assert (bank_file.pay_date, bank_file.line_count, bank_file.total_fen) == (TEMPORARY_DAY, 1, 150000)
    text = bank_text(order)
    assert f"{order.pk:06d}0000001" in text and household.bank_account in text and "1500.00" in text
    assert "20250922" in text  # the pay date is the day the order was issued
    assert "开具一次性支付单" in payment.fund_note and payment.order["text"] == "已开具，待银行回盘"
    assert fund_spending(fund) == []  # nothing left the fund before the bank paid

    result = import_return(order, a_return(order), filename="回盘.txt", user=clerk_a)
    assert (result.paid_count, result.failed_count) == (1, 0)
    assert fund_spending(fund) == [-150000]
    entry = FundEntry.objects.get(account=fund, kind="spending")
    assert entry.document_reference == order.number and entry.roll_id == order.pk
    import_return(order, a_return(order), filename="回盘.txt", user=clerk_a)  # the same file again
    assert fund_spending(fund) == [-150000]
    assert payment_summary(fire)["payments"][0].order["text"] == "银行已支付"


def test_the_months_roll_never_pays_a_grant_an_order_paid(worker_a, clerk_a, reviewer_a, approver, fund, fire):
    from payments.tests.factories import household

    other = household(area="430522100201", name="李水生")
    approve(fire, worker_a, reviewer_a, approver)
    from ledger.services import grant_one_off

    grant_one_off(  # another grant of September, through the month's roll
        programme=Programme.TEMPORARY_EMERGENCY, household=other, amount=Decimal("300"), decided_on=TEMPORARY_DAY
    )
    september = rolls.generate_roll(
        programme=Programme.TEMPORARY_EMERGENCY, month=date(2025, 9, 1), area_code=TEMPORARY_TOWNSHIP, user=clerk_a
    )
    lines = list(RollLine.objects.filter(roll=september).values_list("head_name", "amount_fen"))
    assert lines == [("李水生", 30000)]  # the order's grant is not in the month's roll
    assert september.issue_count == 0
    rolls.approve_roll(september, user=approver)
    october = rolls.generate_roll(
        programme=Programme.TEMPORARY_EMERGENCY, month=date(2025, 10, 1), area_code=TEMPORARY_TOWNSHIP, user=clerk_a
    )
    assert not RollLine.objects.filter(roll=october).exists()  # nor as arrears in the next


def test_paid_first_by_order_then_approval_pays_only_the_remainder(worker_a, clerk_a, reviewer_a, approver, fund, fire):
    pay_first(user=worker_a, application=fire, on_date=TEMPORARY_DAY, amount=Decimal("800"), method="order")
    advance = TemporaryAidPayment.objects.get(application=fire)
    assert advance.stage == "advance" and the_order(advance).payable_fen == 80000
    approve(fire, worker_a, reviewer_a, approver, on=date(2025, 9, 24))
    summary = payment_summary(fire)
    assert (summary["paid"], summary["remaining"]) == (Decimal("1500"), 0)
    first, rest = summary["payments"]
    assert (rest.stage, rest.method, rest.amount) == ("approved", "order", Decimal("700"))
    assert the_order(rest).payable_fen == 70000 and the_order(rest).pk != the_order(first).pk
    assert BankFile.objects.get(roll=the_order(rest)).pay_date == date(2025, 9, 24)


def test_a_failed_order_is_shown_then_reissued_to_a_corrected_account(
    worker_a, clerk_a, reviewer_a, approver, fund, fire
):
    approve(fire, worker_a, reviewer_a, approver)
    (payment,) = payment_summary(fire)["payments"]
    order = the_order(payment)
    import_return(order, a_return(order, ok=False), filename="回盘.txt", user=clerk_a)
    summary = payment_summary(fire)
    assert summary["failed"] == [payment] and "账户已冻结" in summary["payments"][0].order["text"]
    assert fund_spending(fund) == []  # nothing was paid, nothing posted, nothing to refund
    reissue_order(
        user=clerk_a,
        application=fire,
        payment_id=payment.pk,
        on_date=date(2025, 9, 23),
        payee_name="周火生",
        bank_name="邮政储蓄银行",
        bank_account="6217995500001234567",
        reason="原账户冻结，改用邮储卡",
    )
    payment.refresh_from_db()
    again = the_order(payment)
    assert again.pk != order.pk
    (line,) = RollLine.objects.filter(roll=again)
    assert (line.kind, line.bank_account, line.amount_fen) == ("reissue", "6217995500001234567", 150000)
    assert "6217995500001234567" in bank_text(again)
    assert payment_summary(fire)["failed"] == [] and payment_summary(fire)["paid"] == Decimal("1500")
    import_return(again, a_return(again), filename="回盘2.txt", user=clerk_a)
    assert fund_spending(fund) == [-150000]


def test_a_failed_order_switched_to_cash_is_paid_once(worker_a, clerk_a, reviewer_a, approver, fund, fire):
    approve(fire, worker_a, reviewer_a, approver)
    (payment,) = payment_summary(fire)["payments"]
    order = the_order(payment)
    with pytest.raises(DomainError):  # not failed (yet): nothing to switch
        switch_to_cash(
            user=clerk_a, application=fire, payment_id=payment.pk, on_date=TEMPORARY_DAY, received_by="周火生",
            receipt_scan=signed_receipt(), reason="银行退回",
        )  # fmt: skip
    import_return(order, a_return(order, ok=False, reason="户名不符"), filename="回盘.txt", user=clerk_a)
    switch_to_cash(
        user=clerk_a,
        application=fire,
        payment_id=payment.pk,
        on_date=date(2025, 9, 23),
        received_by="周火生",
        receipt_scan=signed_receipt(),
        reason="户名不符，当面发放现金",
    )
    summary = payment_summary(fire)
    withdrawn, cash = summary["payments"]
    assert withdrawn.withdrawn and withdrawn.order["status"] == "switched"
    assert (cash.method, cash.amount, summary["paid"], summary["remaining"]) == (
        "cash",
        Decimal("1500"),
        Decimal("1500"),
        0,
    )
    assert fund_spending(fund) == [-150000]  # the cash, once
    with pytest.raises(DomainError):
        reissue_order(
            user=clerk_a, application=fire, payment_id=payment.pk, on_date=TEMPORARY_DAY, payee_name="周火生",
            bank_name="x", bank_account="1", reason="再试",
        )  # fmt: skip


def test_an_order_is_refused_without_an_account_or_with_a_name_the_bank_file_cannot_carry(
    worker_a, clerk_a, reviewer_a, approver, fund, fire
):
    h = fire.household
    h.bank_account = ""
    h.save()
    with pytest.raises(DomainError) as error:
        approve(fire, worker_a, reviewer_a, approver)
    assert "没有银行账号" in error.value.message
    assert not PaymentRoll.objects.filter(kind="order").exists()


def test_the_order_uses_the_layout_of_the_payees_bank(worker_a, clerk_a, reviewer_a, approver, fund, fire):
    BankLayout.objects.filter(code="rcb-daifa-pipe").update(unit_code="RCB0042")
    approve(fire, worker_a, reviewer_a, approver)
    order = the_order(payment_summary(fire)["payments"][0])
    bank_file = BankFile.objects.get(roll=order)
    assert bank_file.layout.code == "rcb-daifa-pipe"
    assert "RCB0042" in bank_text(order)


def test_a_rare_name_is_refused_for_the_order(worker_a, clerk_a, reviewer_a, approver, fund, fire):
    h = fire.household
    h.bank_account_name = "周𠀀生"  # not in GBK
    h.save()
    BankLayout.objects.filter(code="bank-daifa-pipe").update(allow_gb18030=False)
    with pytest.raises(DomainError) as error:
        approve(fire, worker_a, reviewer_a, approver)
    assert "生僻字" in error.value.message and "现金" in error.value.message


def test_the_fund_must_have_room_for_the_order(worker_a, reviewer_a, approver, fire):
    account = open_temporary_fund(2025)
    FundEntry.objects.filter(account=account).count()
    from payments import funds

    funds.post_entry(
        account, kind="spending", amount="19000", document_reference="x", idempotency_key="spend-most", user=approver
    )
    with pytest.raises(DomainError) as error:
        approve(fire, worker_a, reviewer_a, approver)
    assert "可用余额1000.00元" in error.value.message


def test_issue_refuses_a_grant_already_in_a_roll(worker_a, clerk_a, reviewer_a, approver, fund, fire):
    approve(fire, worker_a, reviewer_a, approver, method="roll")
    (payment,) = payment_summary(fire)["payments"]
    rolls.generate_roll(
        programme=Programme.TEMPORARY_EMERGENCY, month=date(2025, 9, 1), area_code=TEMPORARY_TOWNSHIP, user=clerk_a
    )
    with pytest.raises(DomainError) as error:
        issue_order(enrolment=payment.enrolment, on_date=TEMPORARY_DAY, user=clerk_a)
    assert "已列入发放名册" in error.value.message


def test_an_order_before_approval_cannot_be_disbursed(worker_a, fire):
    with pytest.raises(DomainError):
        disburse(user=worker_a, application=fire, on_date=TEMPORARY_DAY, amount=Decimal("100"), method="order")


def test_the_pages_choose_the_order_download_its_file_and_list_it_among_the_rolls(
    client, worker_a, clerk_a, reviewer_a, approver, fire
):
    from django.utils import timezone

    today = timezone.localdate()
    fund = open_temporary_fund(today.year)
    pass_step(user=worker_a, application=fire, on_date=TEMPORARY_DAY)
    pass_step(user=reviewer_a, application=fire, on_date=TEMPORARY_DAY)
    client.force_login(approver)
    page = client.get(f"/assistance/{fire.pk}/").content.decode()
    assert "银行即时支付（一次性支付单）" in page
    page = client.post(
        f"/assistance/{fire.pk}/act/", {"action": "confirm", "payment_method": "order", "text": "同意"}, follow=True
    ).content.decode()
    assert "已开具一次性支付单" in page and 'data-testid="order-state"' in page and "待银行回盘" in page
    (payment,) = TemporaryAidPayment.objects.filter(application=fire)
    order = the_order(payment)
    assert 'data-testid="order-bank-file"' in page
    client.force_login(clerk_a)
    download = client.get(f"/payments/rolls/{order.pk}/bank-file/?layout=bank-daifa-pipe")
    assert download.status_code == 200 and download["X-Bank-File-Count"] == "1"
    body = b"".join(download.streaming_content).decode("gbk")
    assert fire.household.bank_account in body and f"{today:%Y%m%d}" in body

    listing = client.get("/payments/rolls/?kind=order").content.decode()
    assert order.number in listing and "一次性支付单" in listing and "待银行回盘" in listing
    export = client.get("/payments/rolls/?kind=order&export=xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    detail = client.get(f"/payments/rolls/{order.pk}/").content.decode()
    assert "一次性支付单" in detail and 'data-testid="order-badge"' in detail

    import_return(order, a_return(order, ok=False, reason="账户已销户"), filename="回盘.txt", user=clerk_a)
    page = client.get(f"/assistance/{fire.pk}/").content.decode()
    assert "银行支付失败（账户已销户）" in page and 'data-testid="order-reissue-form"' in page
    page = client.post(
        f"/assistance/{fire.pk}/act/",
        {
            "action": "order_cash",
            "payment": payment.pk,
            "received_by": "周火生",
            "receipt_scan": signed_receipt(),
            "reason": "销户",
        },
        follow=True,
    ).content.decode()
    assert "支付单已作废，已登记现金发放" in page and "待发放 0" in page
    assert fund_spending(fund) == [-150000]
    page = client.post(f"/assistance/{fire.pk}/act/", {"action": "order_cash", "payment": "x"}, follow=True)
    assert page.status_code == 200
