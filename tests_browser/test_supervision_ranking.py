"""The month's ranking in the browser: the auditor computes and publishes it, a later correction of
the records leaves the published month as it was."""

from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Unit
from accounts.tests.factories import TEST_PASSWORD, StaffFactory, UnitFactory, ensure_area
from supervision.models import Finding
from tests_browser.helpers import SCREENSHOTS, login

pytestmark = pytest.mark.browser


@pytest.fixture
def county():
    ensure_area("430522000000", "新邵县")
    ensure_area("430522100000", "酿溪镇")
    ensure_area("430522101000", "严塘镇")
    bureau = UnitFactory(name="新邵县民政局", kind=Unit.Kind.BUREAU, area_code="430522000000")
    township_a = UnitFactory(name="酿溪镇民政办", area_code="430522100000", parent=bureau)
    UnitFactory(name="严塘镇民政办", area_code="430522101000", parent=bureau)
    StaffFactory(username="auditor_r", full_name="陈稽查", unit=bureau, roles=["auditor"])
    month = timezone.localdate().replace(day=1)
    for day in (1, 2):
        Finding.objects.create(
            kind="other",
            description="台账不全",
            responsible_unit=township_a,
            found_on=date(month.year, month.month, day),
            area_code=township_a.area_code,
        )
    return month


def test_the_published_month_stays_as_published_after_a_correction(live_server, page, county):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    login(page, live_server, "auditor_r", TEST_PASSWORD)
    page.goto(f"{live_server.url}/supervision/evaluations/")
    page.fill("#id_month", county.strftime("%Y-%m"))
    page.get_by_test_id("compute").click()
    rows = page.get_by_test_id("rank-row")
    expect(rows.first).to_contain_text("严塘镇民政办")  # no findings: first
    expect(rows.nth(1)).to_contain_text("酿溪镇民政办")
    before = rows.nth(1).get_by_test_id("total").inner_text()
    page.get_by_test_id("publish").click()
    expect(page.get_by_test_id("evaluation-state")).to_contain_text("已公布")
    page.screenshot(path=SCREENSHOTS / "supervision_ranking.png", full_page=True)

    Finding.objects.all().delete()  # a later correction: the findings are withdrawn
    page.reload()
    expect(page.get_by_test_id("rank-row").nth(1)).to_contain_text("酿溪镇民政办")
    assert page.get_by_test_id("rank-row").nth(1).get_by_test_id("total").inner_text() == before
    expect(page.get_by_test_id("publish")).to_have_count(0)

    # the township's history: the month's total and rank drawn by ECharts (served by the app)
    page.get_by_test_id("rank-row").nth(1).get_by_role("link", name="酿溪镇民政办").click()
    expect(page.get_by_test_id("page-title")).to_contain_text("酿溪镇民政办历月考核")
    expect(page.locator("#trend-chart canvas")).to_have_count(1)
