"""Money files as banks make them, in the browser: a 子女代领 line pays the son under his own name
and ID, the roll's two banks get two files with their own counts and totals, and the bank's own
return layout with a failure reconciles to the fen."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import TEST_PASSWORD
from ledger import services
from ledger.payees import set_payee
from payments import rolls
from payments.models import BankLayout, RollLine
from policy.programmes import Programme
from policy.tests.factories import local_amounts
from registry.tests.factories import HouseholdFactory, PersonFactory
from tests_browser.helpers import SCREENSHOTS, login

pytestmark = pytest.mark.browser
VILLAGE = "430522100201"
DAIFA = ["ref", "name", "amount", "account", "unit", "id_type", "id_number", "times"]


def layout(code, name, keyword, unit_code, **extra):
    columns = [{"field": f} for f in DAIFA]
    return BankLayout.objects.update_or_create(
        code=code,
        defaults={
            "name": name, "format": "delimited", "encoding": "gbk", "delimiter": "|", "trailing_delimiter": True,
            "line_ending": "\r\n", "summary": "first", "summary_template": "1|1|{date}|{unit_code}|1|1|{count}|{total}|",
            "unit_code": unit_code, "bank_keywords": [keyword], "columns": columns, **extra,
        },
    )[0]  # fmt: skip


@pytest.fixture
def roll(clerk_a):
    local_amounts()
    layout(
        "rcb", "农商行代发", "农村商业", "RCB0001",
        return_columns=["account", "name", "amount", "result", "message", "ref"],
        return_header_rows=1, return_success_codes=["S"],
    )  # fmt: skip
    layout("psbc", "邮储代发", "邮政储蓄", "PSBC77")
    son = PersonFactory(name="王小明", birth_date=date(1975, 3, 2))
    for i, (name, bank, amount) in enumerate(
        [("王老汉", "湖南新邵农村商业银行", "600.00"), ("李四", "湖南新邵农村商业银行", "500.50"),
         ("赵敏", "中国邮政储蓄银行新邵县支行", "300.25")]
    ):  # fmt: skip
        household = HouseholdFactory(area_code=VILLAGE, head__name=name)
        household.bank_name, household.bank_account = bank, f"6221580000000{i:06d}"
        household.bank_account_name = son.name if name == "王老汉" else name
        household.save()
        enrolment = services.enrol(
            programme=Programme.DIBAO, household=household, monthly_amount=Decimal(amount),
            decided_on=date(2025, 3, 10), covered_members=1, case_reference=f"DB2025-{i:04d}",
        )  # fmt: skip
        if name == "王老汉":
            set_payee(enrolment, name=son.name, id_number=son.id_number, relation="儿子", reason="年老卧床，由儿子代领")
    roll = rolls.generate_roll(
        programme=Programme.DIBAO, month=date(2025, 4, 1), area_code="430522100000", user=clerk_a
    )
    return roll, son


def test_son_paid_two_banks_two_files_and_a_bank_return_with_a_failure_reconciles(page, live_server, roll, approver):
    roll, son = roll
    login(page, live_server, "approver", TEST_PASSWORD)
    page.goto(f"{live_server.url}/payments/rolls/{roll.pk}/")
    expect(page.get_by_test_id("line-table")).to_contain_text("王小明")
    with page.expect_navigation():
        page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("bank-table")).to_contain_text("中国邮政储蓄银行新邵县支行")
    roll_url = page.url

    files = {}
    for code, count, total, day in (
        ("rcb", "2笔", "1100.50元", "2025-04-15"),
        ("psbc", "1笔", "300.25元", "2025-04-16"),
    ):
        with page.expect_navigation():
            page.get_by_test_id(f"bank-export-{code}").click()
        expect(page.get_by_test_id("export-count")).to_have_text(count)
        expect(page.get_by_test_id("export-total")).to_have_text(total)
        page.fill("#id_pay_date", day)
        with page.expect_download() as info:
            page.get_by_test_id("export-download").click()
        files[code] = Path(info.value.path()).read_bytes().decode("gbk").split("\r\n")[:-1]
        page.goto(roll_url)
    assert files["rcb"][0] == "1|1|20250415|RCB0001|1|1|2|1100.50|"
    assert files["psbc"][0] == "1|1|20250416|PSBC77|1|1|1|300.25|"
    father = files["rcb"][1].split("|")
    assert (father[1], father[6]) == ("王小明", son.id_number)  # the son, with the son's ID
    expect(page.get_by_test_id("bank-files")).to_contain_text("农商行代发")
    expect(page.get_by_test_id("bank-files")).to_contain_text("邮储代发")

    # the bank's own return: its own column order and a title row; 李四's payment refused
    answer = ["账号|户名|金额|处理结果|结果说明|业务编号"]
    for line in files["rcb"][1:]:
        ref, name, amount, account, *_ = line.split("|")
        ok = name != "李四"
        answer.append(f"{account}|{name}|{amount}|{'S' if ok else 'F'}|{'成功' if ok else '户名不符'}|{ref}")
    page.get_by_test_id("return-file").set_input_files(
        {"name": "rcb_huipan.txt", "mimeType": "text/plain", "buffer": "\r\n".join(answer).encode("gbk")}
    )
    with page.expect_navigation():
        page.get_by_test_id("import-return").click()
    expect(page.locator(".alert-success")).to_contain_text("成功 1 笔，失败 1 笔，无法匹配 0 行")
    expect(page.get_by_test_id("failed-table")).to_contain_text("户名不符")
    expect(page.get_by_test_id("balanced")).to_be_visible()
    expect(page.get_by_test_id("paid")).to_have_text("600.00")
    expect(page.get_by_test_id("failed")).to_have_text("500.50")
    expect(page.get_by_test_id("pending")).to_have_text("300.25")  # the 邮储 file awaits its return
    page.screenshot(path=str(SCREENSHOTS / "bank_files_reconciled.png"), full_page=True)
    assert RollLine.objects.get(roll=roll, payee_name="李四").failure_reason == "户名不符"
