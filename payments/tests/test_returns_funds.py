"""Bank returns, correction of failed payments, reconciliation to the fen, fund accounts."""

from decimal import Decimal

import pytest

from core.errors import DomainError
from payments import bankfile, funds, rolls
from payments.models import BankLayout, FundAccount, FundEntry, PaymentRoll, RollLine
from payments.returns import correct_failed_line, import_return, reconcile
from payments.tests.factories import APRIL, MAY, bank_reference, dibao, household
from policy.programmes import Programme

pytestmark = pytest.mark.django_db
COUNTY = "430522000000"


def make_roll(clerk, approver, month=APRIL, count=5):
    if month == APRIL:
        for i in range(count):
            dibao(household(), f"{300 + i}.50")
    roll = rolls.generate_roll(programme=Programme.DIBAO, month=month, area_code=COUNTY, user=clerk)
    return rolls.approve_roll(roll, user=approver)


def return_file(roll, failures: dict[int, str]) -> bytes:
    out = ["1|1|20250501|民政局|1|1|0|0|"]
    for line in RollLine.objects.filter(roll=roll, in_bank_file=True).order_by("seq"):
        ok = line.seq not in failures
        out.append(
            f"{bank_reference(line)}|{line.payee_name}|{line.amount}|{line.bank_account}|{'0' if ok else 'E1'}|"
            f"{'成功' if ok else failures[line.seq]}|"
        )
    return "\r\n".join(out).encode("gbk")


def test_return_with_failures_then_correction_reissued_next_month_and_reconciliation_balances(clerk_a, approver):
    layout = BankLayout.objects.get(code="bank-daifa-pipe")
    roll = make_roll(clerk_a, approver)
    data = return_file(roll, {2: "账户已销户", 4: "户名不符", 5: "账户已冻结"})
    result = import_return(roll, layout, data, filename="hp.txt", user=clerk_a)
    assert (result.paid_count, result.failed_count, result.rejected_rows) == (2, 3, [])
    again = import_return(roll, layout, data, filename="hp.txt", user=clerk_a)
    assert again.pk == result.pk  # the same file twice changes nothing
    failed = RollLine.objects.get(roll=roll, seq=2)
    assert (failed.status, failed.failure_reason) == ("failed", "账户已销户")
    correct_failed_line(
        failed, payee_name=failed.payee_name, bank_name="农业银行", bank_account="6228480000000000001",
        reason="户主提供新账户", user=clerk_a,
    )  # fmt: skip
    (rec,) = reconcile(PaymentRoll.objects.filter(pk=roll.pk))
    assert rec.balanced and rec.planned_fen == roll.payable_fen
    assert (rec.paid_count, rec.failed_count, rec.held_count, rec.pending_count) == (2, 2, 1, 0)
    assert rec.planned_fen == rec.paid_fen + rec.failed_fen + rec.held_fen
    may = make_roll(clerk_a, approver, MAY)
    reissue = RollLine.objects.get(roll=may, kind="reissue")
    assert (reissue.bank_account, reissue.amount_fen, reissue.pay_month) == (
        "6228480000000000001",
        failed.amount_fen,
        APRIL,
    )
    failed.refresh_from_db()
    assert failed.released_to == may and failed.bank_account != "6228480000000000001"  # the April line is frozen


def test_return_rows_of_another_roll_or_with_a_wrong_amount_are_listed_not_applied(clerk_a, approver):
    layout = BankLayout.objects.get(code="bank-daifa-pipe")
    roll = make_roll(clerk_a, approver, count=2)
    line = RollLine.objects.get(roll=roll, seq=1)
    data = (
        f"{bank_reference(line)}|{line.payee_name}|1.00|{line.bank_account}|0|成功|\r\n9999990000001|某某|1.00|1|0|成功|\r\n"
    ).encode("gbk")
    result = import_return(roll, layout, data, filename="bad.txt", user=clerk_a)
    assert result.paid_count == 0 and [r["reason"][:4] for r in result.rejected_rows] == ["金额不符", "不属于本"]


def test_correcting_a_line_that_did_not_fail_is_refused(clerk_a, approver):
    roll = make_roll(clerk_a, approver, count=1)
    with pytest.raises(DomainError) as error:
        correct_failed_line(
            RollLine.objects.get(roll=roll), payee_name="张三", bank_name="", bank_account="1", reason="x", user=clerk_a
        )
    assert error.value.code == "not_failed"


def test_fund_ledger_balance_from_entries_never_negative_without_recorded_override(approver, clerk_a):
    county = funds.open_account(programme=Programme.DIBAO, level="county", year=2025, area_code=COUNTY)
    town = funds.open_account(programme=Programme.DIBAO, level="township", year=2025, area_code="430522100000")
    funds.post_entry(county, kind="budget_received", amount="1000000.00", document_reference="湘财社〔2025〕1号",
                     idempotency_key="b1", user=approver)  # fmt: skip
    funds.post_entry(county, kind="budget_received", amount="1000000.00", document_reference="湘财社〔2025〕1号",
                     idempotency_key="b1", user=approver)  # fmt: skip
    funds.post_entry(county, kind="local_matching", amount=Decimal("200000.005"), document_reference="邵财〔2025〕9号",
                     idempotency_key="m1", user=approver)  # fmt: skip
    assert funds.balance_fen(county) == 120000001  # 0.005 rounds half-up to the fen
    funds.allocate(
        county, town, amount="50000", document_reference="新民发〔2025〕3号", idempotency_key="a1", user=approver
    )
    assert (funds.balance_fen(county), funds.balance_fen(town)) == (115000001, 5000000)
    with pytest.raises(DomainError) as error:
        funds.post_entry(
            town, kind="spending", amount="60000", document_reference="x", idempotency_key="s1", user=clerk_a
        )
    assert error.value.code == "insufficient_funds"
    with pytest.raises(DomainError) as error:
        funds.post_entry(town, kind="spending", amount="60000", document_reference="x", idempotency_key="s1",
                         user=clerk_a, override_reason="上级资金未到，先行垫付")  # fmt: skip
    assert error.value.code == "override_forbidden"
    entry = funds.post_entry(town, kind="spending", amount="60000", document_reference="x", idempotency_key="s1",
                             user=approver, override_reason="上级资金未到，先行垫付")  # fmt: skip
    assert (entry.balance_after_fen, entry.override_by, funds.balance_fen(town)) == (-1000000, approver, -1000000)
    with pytest.raises(DomainError):
        funds.post_entry(county, kind="spending", amount="1", document_reference="", idempotency_key="s2")


def test_fund_entries_are_append_only_in_the_database(approver):
    from django.db import DatabaseError, transaction

    account = funds.open_account(programme=Programme.DIBAO, level="county", year=2025, area_code=COUNTY)
    entry = funds.post_entry(account, kind="budget_received", amount="10", document_reference="d", idempotency_key="k")
    with pytest.raises(DatabaseError), transaction.atomic():
        FundEntry.objects.filter(pk=entry.pk).update(amount_fen=1)


def test_approval_spends_from_the_fund_account_and_failures_come_back(clerk_a, approver):
    account = funds.open_account(programme=Programme.DIBAO, level="county", year=2025, area_code=COUNTY)
    funds.post_entry(account, kind="budget_received", amount="100000", document_reference="d", idempotency_key="k")
    roll = make_roll(clerk_a, approver, count=3)
    assert funds.balance_fen(account) == 10000000 - roll.payable_fen
    import_return(roll, BankLayout.objects.get(code="bank-daifa-pipe"), return_file(roll, {1: "账户已销户"}),
                  filename="r.txt", user=clerk_a)  # fmt: skip
    first = RollLine.objects.get(roll=roll, seq=1)
    assert funds.balance_fen(account) == 10000000 - roll.payable_fen + first.amount_fen
    assert FundAccount.objects.count() == 1


def test_approval_without_enough_funds_is_refused(clerk_a, approver):
    account = funds.open_account(programme=Programme.DIBAO, level="county", year=2025, area_code=COUNTY)
    funds.post_entry(account, kind="budget_received", amount="1", document_reference="d", idempotency_key="k")
    dibao(household())
    roll = rolls.generate_roll(programme=Programme.DIBAO, month=APRIL, area_code=COUNTY, user=clerk_a)
    with pytest.raises(DomainError) as error:
        rolls.approve_roll(roll, user=approver)
    assert error.value.code == "insufficient_funds"
    roll.refresh_from_db()
    assert roll.status == "generated"
    rolls.approve_roll(roll, user=approver, fund_override_reason="资金在途，先行发放")
    assert bankfile.write_bank_file(roll, BankLayout.objects.get(code="bank-daifa-pipe")).bank_file.line_count == 1
