"""A county switches over: the township clerk takes on the county's own 低保 roster, whose column
names the platform does not all know, through the mapping step; the summary shows households,
recipients and the monthly total before anything is written; after her confirmation the next
payment roll pays exactly the roster's total."""

from datetime import date

import pytest
from django.db.models import Sum
from playwright.sync_api import expect

from accounts.models import Unit
from accounts.tests.factories import TEST_PASSWORD, StaffFactory, UnitFactory, ensure_area
from areas.jurisdiction import scope_for_area, system_scope, within
from ledger.models import Enrolment
from payments import rolls
from payments.models import RollLine
from policy.programmes import Programme
from policy.tests.factories import local_amounts
from registry.idcard import make_id_number
from registry.models import ImportPreset
from registry.tests import samples
from tests_browser.helpers import SCREENSHOTS, login

pytestmark = pytest.mark.browser

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = ["编号", "户主", "证件号码（户主）", "家庭人口", "月发放额", "分类施保（元）", "社区", "享受起始月",
          "开户银行", "银行帐号", "联系人微信"]  # fmt: skip
AMOUNTS = [("612.35", "20"), ("455.5", "0"), ("300.01", "15.5")]


@pytest.fixture
def clerk():
    ensure_area("430522000000", "新邵县")
    township = ensure_area("430522100000", "酿溪镇")
    ensure_area("430522100201", "城西社区")
    ensure_area("430522100202", "石桥村")
    local_amounts()
    unit = UnitFactory(name="酿溪镇民政办", kind=Unit.Kind.TOWNSHIP_OFFICE, area_code=township.code)
    return StaffFactory(username="clerk_takeon", full_name="李经办", unit=unit, roles=["clerk"])


def _roster() -> bytes:
    rows = [
        [
            n,
            f"陈{n}号",
            make_id_number("430522", date(1955, 2, n), n, True),
            3,
            amount,
            extra,
            "城西社区" if n % 2 else "石桥村",
            "2023年7月",
            "农商银行",
            f"62300010000{n:05d}",
            "wx",
        ]
        for n, (amount, extra) in enumerate(AMOUNTS, 1)
    ]
    return samples.any_roster_bytes(HEADER, rows, ["合计", "", "", 9, "1367.86", "35.5"])


def test_clerk_takes_on_a_county_roster_through_the_mapping_step(page, live_server, clerk):
    login(page, live_server, "clerk_takeon", TEST_PASSWORD)
    page.goto(f"{live_server.url}/registry/import/")
    page.locator("#id_file").set_input_files({"name": "县低保花名册.xlsx", "mimeType": XLSX, "buffer": _roster()})
    page.get_by_test_id("import-programme").select_option("dibao")
    with page.expect_navigation():
        page.get_by_test_id("upload").click()

    expect(page.get_by_test_id("mapping-needed")).to_be_visible()
    expect(page.get_by_test_id("mapping-form")).to_contain_text("陈1号")  # each column with its first values
    page.get_by_test_id("mapping-户主").select_option("head_name")
    page.get_by_test_id("mapping-证件号码（户主）").select_option("head_id")
    page.get_by_test_id("mapping-月发放额").select_option("monthly_amount")
    page.get_by_test_id("mapping-联系人微信").select_option("")
    page.get_by_test_id("preset-name").fill("县局低保花名册")
    page.screenshot(path=SCREENSHOTS / "registry_takeon_mapping.png", full_page=True)
    with page.expect_navigation():
        page.get_by_test_id("mapping-submit").click()

    expect(page.get_by_test_id("takeon-ready")).to_be_visible()
    expect(page.get_by_test_id("summary-households")).to_contain_text("3户")
    expect(page.get_by_test_id("summary-recipients")).to_contain_text("3户")
    expect(page.get_by_test_id("summary-total")).to_contain_text("1403.36元")
    expect(page.get_by_test_id("summary-totals")).to_contain_text("一致")
    expect(page.get_by_test_id("ignored-columns")).to_contain_text("联系人微信")
    page.screenshot(path=SCREENSHOTS / "registry_takeon_summary.png", full_page=True)
    with system_scope():
        assert not Enrolment.objects.exists()  # nothing written before the confirmation
    with page.expect_navigation():
        page.get_by_test_id("takeon-confirm").click()

    expect(page.get_by_test_id("import-done")).to_contain_text("已导入 3 户 3 人")
    expect(page.get_by_test_id("import-done")).to_contain_text("已纳入保障对象台账 3 条")
    with within(scope_for_area("430522100000")):
        assert ImportPreset.objects.filter(name="县局低保花名册").exists()
        roll = rolls.generate_roll(
            programme=Programme.DIBAO, month=date(2025, 5, 1), area_code="430522100000", user=clerk
        )
        total = RollLine.objects.filter(roll=roll).aggregate(total=Sum("amount_fen"))["total"]
    assert total == 140336  # the roster's 1403.36 yuan, to the fen
