"""The leader's cockpit in a real browser: the leader logs in, lands on the cockpit of the county,
clicks a township on the (schematic) map, and follows the overdue figure to the cases behind it."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Unit
from accounts.tests.factories import TEST_PASSWORD, StaffFactory, UnitFactory, ensure_area
from cases.models import Case
from cases.services import accept_application
from cases.tests.factories import give_documents, item, restore_reference_data
from cockpit.figures import refresh_figures
from registry.tests.factories import HouseholdFactory
from tests_browser.helpers import SCREENSHOTS, login

pytestmark = pytest.mark.browser

COUNTY, TOWNSHIP_A, TOWNSHIP_B = "430522000000", "430522100000", "430522101000"
VILLAGE_A, VILLAGE_B = "430522100201", "430522101201"
DOCS = ["id_card", "household_booklet", "application_form", "disability_certificate", "bank_card"]


@pytest.fixture
def county():
    """酿溪镇 has one overdue case and one on time; 严塘镇 one overdue case."""
    restore_reference_data()
    ensure_area(COUNTY, "新邵县")
    ensure_area(TOWNSHIP_A, "酿溪镇")
    ensure_area(TOWNSHIP_B, "严塘镇")
    ensure_area(VILLAGE_A, "城西社区")
    ensure_area(VILLAGE_B, "白水村")
    bureau = UnitFactory(name="新邵县民政局", kind=Unit.Kind.BUREAU, area_code=COUNTY)
    office_a = UnitFactory(name="酿溪镇民政办", area_code=TOWNSHIP_A, parent=bureau)
    office_b = UnitFactory(name="严塘镇民政办", area_code=TOWNSHIP_B, parent=bureau)
    clerk_a = StaffFactory(username="jb_a", unit=office_a, roles=["clerk"])
    clerk_b = StaffFactory(username="jb_b", unit=office_b, roles=["clerk"])
    StaffFactory(username="ld_sun", full_name="孙局长", unit=bureau, roles=["leader"])
    today = timezone.localdate()
    cases = {}
    for name, clerk, village, due in (
        ("overdue_a", clerk_a, VILLAGE_A, today - timedelta(days=4)),
        ("fine_a", clerk_a, VILLAGE_A, today + timedelta(days=40)),
        ("overdue_b", clerk_b, VILLAGE_B, today - timedelta(days=4)),
    ):
        household = HouseholdFactory(area_code=village)
        give_documents(household, DOCS)
        case = accept_application(
            user=clerk, item=item("disability_living"), household=household, on_date=today - timedelta(days=30)
        ).case
        Case.objects.filter(pk=case.pk).update(due_on=due)
        cases[name] = case
    refresh_figures(today)
    return cases


def test_leader_clicks_a_township_on_the_map_and_reaches_its_overdue_cases(page, live_server, county):
    login(page, live_server, "ld_sun", TEST_PASSWORD)
    expect(page.get_by_test_id("home-title")).to_contain_text("局领导工作台")
    chart = page.locator("#chart-map")
    expect(chart).to_have_attribute("data-ready", "1")
    page.screenshot(path=SCREENSHOTS / "cockpit-county.png", full_page=True)

    # Click the 酿溪镇 tile on the map canvas itself (where ECharts drew it).
    x, y = page.evaluate(
        """() => {
          const chart = echarts.getInstanceByDom(document.getElementById('chart-map'));
          const tiles = chart.getOption().series[0].data;
          const index = tiles.findIndex((t) => t.name === '酿溪镇');
          return chart.convertToPixel({seriesIndex: 0}, tiles[index].value.slice(0, 2));
        }"""
    )
    box = chart.bounding_box()
    with page.expect_navigation():
        page.mouse.click(box["x"] + x, box["y"] + y)
    expect(page.get_by_test_id("cockpit-trail")).to_contain_text("酿溪镇")

    # The overdue figure of the township, then the cases behind it.
    page.get_by_test_id("total-case_light").filter(has_text="超期").click()
    expect(page.get_by_test_id("records-title")).to_contain_text("酿溪镇")
    table = page.get_by_test_id("records-table")
    expect(table).to_contain_text(county["overdue_a"].receipt_no)
    expect(table).not_to_contain_text(county["fine_a"].receipt_no)
    expect(table).not_to_contain_text(county["overdue_b"].receipt_no)
    table.get_by_role("link", name=county["overdue_a"].receipt_no).click()
    expect(page).to_have_url(f"{live_server.url}/cases/{county['overdue_a'].pk}/")
