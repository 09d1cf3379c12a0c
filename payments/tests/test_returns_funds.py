"""Bank returns, correction of failed payments, reconciliation to the fen, fund accounts."""

from datetime import date
from decimal import Decimal

import pytest

from core.errors import DomainError
from payments import bankfile, funds, rolls
from payments.models import BankLayout, FundAccount, FundEntry, PaymentRoll, RollLine, yuan
from payments.returns import correct_failed_line, import_return, reconcile
from payments.tests.factories import APRIL, MAY, bank_reference, dibao, household
from policy.programmes import Programme

pytestmark = pytest.mark.django_db
COUNTY = "430522000000"
PAY_DAY = date(2025, 4, 10)


def make_roll(clerk, approver, month=APRIL, count=5, export=True):
    if month == APRIL:
        for i in range(count):
            dibao(household(), f"{300 + i}.50")
    roll = rolls.generate_roll(programme=Programme.DIBAO, month=month, area_code=COUNTY, user=clerk)
    roll = rolls.approve_roll(roll, user=approver)
    if export and roll.payable_count:
        bankfile.write_bank_file(roll, BankLayout.objects.get(code="bank-daifa-pipe"), pay_date=PAY_DAY)
    return roll


def return_file(roll, failures: dict[int, str]) -> bytes:
    lines = RollLine.objects.filter(roll=roll, in_bank_file=True).order_by("seq")
    out = [f"1|1|20250410|民政局|1|1|{len(lines)}|{yuan(sum(x.amount_fen for x in lines))}|"]
    for line in lines:
        ok = line.seq not in failures
        out.append(
            f"{bank_reference(line)}|{line.payee_name}|{line.amount}|{line.bank_account}|{'0' if ok else 'E1'}|"
            f"{'成功' if ok else failures[line.seq]}|"
        )
    return "\r\n".join(out).encode("gbk")


def test_return_with_failures_then_correction_reissued_next_month_and_reconciliation_balances(clerk_a, approver):
    roll = make_roll(clerk_a, approver)
    data = return_file(roll, {2: "账户已销户", 4: "户名不符", 5: "账户已冻结"})
    result = import_return(roll, data, filename="hp.txt", user=clerk_a)
    assert (result.paid_count, result.failed_count, result.rejected_rows) == (2, 3, [])
    again = import_return(roll, data, filename="hp.txt", user=clerk_a)
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
    roll = make_roll(clerk_a, approver, count=3)
    one, two, three = RollLine.objects.filter(roll=roll).order_by("seq")
    data = (
        f"{bank_reference(one)}|{one.payee_name}|{one.amount}|{one.bank_account}|0|成功|\r\n"
        f"{bank_reference(two)}|{two.payee_name}|{two.amount}|{two.bank_account}|E1|户名不符|\r\n"
        f"{bank_reference(three)}|{three.payee_name}|1.00|{three.bank_account}|0|成功|\r\n"
        "9999990000001|某某|1.00|1|0|成功|\r\n"
    ).encode("gbk")
    result = import_return(roll, data, filename="bad.txt", user=clerk_a)
    assert (result.paid_count, result.failed_count) == (1, 1)
    assert [(r["row"], r["reason"][:4]) for r in result.rejected_rows] == [(3, "金额不符"), (4, "流水号9")]
    three.refresh_from_db()
    assert three.status == "pending"


def test_a_file_of_another_roll_is_refused_whole_with_a_reason(clerk_a, approver):
    roll = make_roll(clerk_a, approver, count=2)
    data = "9999990000001|某某|1.00|1|0|成功|\r\n9999990000002|某某|2.00|1|0|成功|\r\n".encode("gbk")
    with pytest.raises(DomainError) as error:
        import_return(roll, data, filename="other.txt", user=clerk_a)
    assert error.value.code == "return_unrecognised" and "无法识别的回盘文件" in error.value.message
    assert not RollLine.objects.filter(roll=roll).exclude(status="pending").exists()


def test_the_banks_echo_of_our_file_with_a_result_code_is_recognised_not_read_as_all_failed(clerk_a, approver):
    roll = make_roll(clerk_a, approver, count=3)
    sent = bankfile.write_bank_file(roll, BankLayout.objects.get(code="bank-daifa-pipe")).file.read().decode("gbk")
    summary, *body = sent.split("\r\n")[:-1]
    echoed = [summary] + [line + ("0000|成功|" if i != 1 else "E102|账户已冻结|") for i, line in enumerate(body)]
    result = import_return(roll, "\r\n".join(echoed).encode("gbk"), filename="echo.txt", user=clerk_a)
    assert (result.reading, result.paid_count, result.failed_count, result.rejected_rows) == ("echo", 2, 1, [])
    assert RollLine.objects.get(roll=roll, seq=2).failure_reason == "账户已冻结"


def test_the_banks_own_return_layout_with_named_columns_and_a_title_row(clerk_a, approver):
    layout = BankLayout.objects.get(code="bank-daifa-pipe")
    layout.return_columns = ["account", "name", "amount", "result", "message", "ref"]
    layout.return_header_rows = 1
    layout.save()
    roll = make_roll(clerk_a, approver, count=2)
    one, two = RollLine.objects.filter(roll=roll).order_by("seq")
    data = (
        "账号|户名|金额|处理结果|结果说明|业务编号\r\n"
        f"{one.bank_account}|{one.payee_name}|{one.amount}|S|成功|{bank_reference(one)}\r\n"
        f"{two.bank_account}|{two.payee_name}|{two.amount}|F|户名不符|{bank_reference(two)}\r\n"
    ).encode("gbk")
    layout.return_success_codes = ["S"]
    layout.save()
    result = import_return(roll, data, filename="bank.txt", user=clerk_a)
    assert (result.reading, result.paid_count, result.failed_count) == ("bank", 1, 1)


def test_a_return_where_every_line_failed_is_refused_unless_the_reading_is_chosen(clerk_a, approver):
    roll = make_roll(clerk_a, approver, count=2)
    data = return_file(roll, {1: "系统繁忙", 2: "系统繁忙"})
    with pytest.raises(DomainError) as error:
        import_return(roll, data, filename="all-failed.txt", user=clerk_a)
    assert "每一笔都是失败" in error.value.message
    result = import_return(roll, data, filename="all-failed.txt", user=clerk_a, reading="ours")
    assert (result.paid_count, result.failed_count) == (0, 2)


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
    import_return(roll, return_file(roll, {1: "账户已销户"}), filename="r.txt", user=clerk_a)
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
    daifa = BankLayout.objects.get(code="bank-daifa-pipe")
    assert bankfile.write_bank_file(roll, daifa, pay_date=PAY_DAY).bank_file.line_count == 1
