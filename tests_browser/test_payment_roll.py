"""A month's payment roll end to end in the browser: the township clerk generates it, the county
approver reviews and approves it, the bank file is exported, a return file with three failures is
imported, one failure is corrected, and the reconciliation balances to the fen."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import TEST_PASSWORD
from ledger import services
from payments.models import RollLine
from policy.programmes import Programme
from policy.tests.factories import local_amounts
from registry.tests.factories import HouseholdFactory
from tests_browser.helpers import SCREENSHOTS, login

pytestmark = pytest.mark.browser
VILLAGE = "430522100201"


@pytest.fixture
def recipients(clerk_a, approver):
    local_amounts()
    for i, name in enumerate(["张三", "李四", "王芳", "刘洋", "陈静", "杨帆"]):
        household = HouseholdFactory(area_code=VILLAGE, head__name=name)
        household.bank_name = "农村商业银行"
        household.bank_account = f"6221580000000{i:06d}"
        household.bank_account_name = name
        household.save()
        services.enrol(
            programme=Programme.DIBAO,
            household=household,
            monthly_amount=Decimal("600.50") + i,
            decided_on=date(2025, 3, 10),
            covered_members=2,
            case_reference=f"DB2025-{i:04d}",
        )


def logout(page):
    with page.expect_navigation():
        page.get_by_role("button", name="退出").click()


def return_file(bank_file: str) -> bytes:
    """The bank's answer: every line back, the 2nd, 4th and 5th refused."""
    lines = bank_file.split("\r\n")[1:-1]
    out = []
    for n, line in enumerate(lines, start=1):
        ref, name, amount, account, *_ = line.split("|")
        failure = {2: "账户已销户", 4: "户名不符", 5: "账户已冻结"}.get(n)
        out.append(f"{ref}|{name}|{amount}|{account}|{'E1' if failure else '0'}|{failure or '成功'}|")
    return "\r\n".join(out).encode("gbk")


def test_generate_review_approve_export_return_correct_and_reconcile(page, live_server, recipients):
    login(page, live_server, "clerk_a", TEST_PASSWORD)
    page.goto(f"{live_server.url}/payments/rolls/")
    page.select_option("#id_programme", "dibao")
    page.fill("#id_month", "2025-04")
    page.select_option("#id_area", "430522100000")
    with page.expect_navigation():
        page.get_by_test_id("generate").click()
    expect(page.get_by_test_id("roll-status")).to_have_text("待审批")
    expect(page.get_by_test_id("planned")).to_have_text("3618.00")
    expect(page.get_by_test_id("approve-hint")).to_be_visible()  # the maker cannot approve
    roll_url = page.url
    logout(page)

    login(page, live_server, "approver", TEST_PASSWORD)
    page.goto(roll_url)
    expect(page.get_by_test_id("line-table")).to_contain_text("张三")
    expect(page.get_by_test_id("line-table")).not_to_contain_text("6221580000000000000")  # masked on review
    with page.expect_navigation():
        page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("roll-status")).to_have_text("已审批（冻结）")

    page.select_option("[data-testid=bank-file-form] select", "bank-daifa-pipe")
    with page.expect_navigation():
        page.get_by_test_id("bank-file").click()  # the check before download
    expect(page.get_by_test_id("export-count")).to_have_text("6笔")
    page.fill("#id_pay_date", "2025-04-15")
    with page.expect_download() as info:
        page.get_by_test_id("export-download").click()
    data = Path(info.value.path()).read_bytes()
    text = data.decode("gbk")
    assert text.split("\r\n")[0] == "1|1|20250415|民政局|1|1|6|3618.00|"
    page.goto(roll_url)
    with page.expect_download() as again:
        page.get_by_role("link", name="再次下载").click()
    assert Path(again.value.path()).read_bytes() == data  # byte-identical

    page.get_by_test_id("return-file").set_input_files(
        {"name": "huipan.txt", "mimeType": "text/plain", "buffer": return_file(text)}
    )
    with page.expect_navigation():
        page.get_by_test_id("import-return").click()
    expect(page.locator(".alert-success")).to_contain_text("成功 3 笔，失败 3 笔")
    expect(page.get_by_test_id("failed-table")).to_contain_text("账户已销户")

    with page.expect_navigation():
        page.get_by_test_id("correct-2").click()
    expect(page.get_by_test_id("full-account")).to_have_text("6221580000000000001")  # the payment screen
    page.fill("#id_bank_account", "6228480000000000099")
    page.fill("#id_bank_name", "农业银行")
    page.fill("#id_reason", "户主提供新账户")
    with page.expect_navigation():
        page.get_by_test_id("save-correction").click()
    expect(page.locator(".alert-success")).to_contain_text("第2行已更正")

    expect(page.get_by_test_id("balanced")).to_be_visible()
    expect(page.get_by_test_id("paid")).to_have_text("1808.50")  # 600.50 + 602.50 + 605.50
    expect(page.get_by_test_id("failed")).to_have_text("1208.00")  # 603.50 + 604.50
    expect(page.get_by_test_id("held")).to_have_text("601.50")  # corrected, reissued next month
    expect(page.get_by_test_id("pending")).to_have_text("0.00")
    page.screenshot(path=str(SCREENSHOTS / "payment_roll_reconciled.png"), full_page=True)
    line = RollLine.objects.get(seq=2)
    assert (line.status, line.hold_reason, line.corrected_bank_account) == ("held", "corrected", "6228480000000000099")
