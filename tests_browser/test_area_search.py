"""The household list's area box suggests areas as one types and filters by the one picked; the
page never lists every area of the county."""

import pytest
from playwright.sync_api import expect

from accounts.models import Unit
from accounts.tests.factories import TEST_PASSWORD, StaffFactory, UnitFactory, ensure_area
from cases.tests.factories import restore_reference_data
from registry.tests.factories import HouseholdFactory
from tests_browser.helpers import login

pytestmark = pytest.mark.browser


@pytest.fixture
def county():
    restore_reference_data()
    ensure_area("430522000000", "新邵县")
    ensure_area("430522100000", "酿溪镇")
    ensure_area("430522100201", "城西社区")
    ensure_area("430522100202", "城东社区")
    bureau = UnitFactory(name="新邵县民政局", kind=Unit.Kind.BUREAU, area_code="430522000000")
    StaffFactory(username="ld_sun", unit=bureau, roles=["leader"])
    return {
        "west": HouseholdFactory(area_code="430522100201", number="43052210020100001"),
        "east": HouseholdFactory(area_code="430522100202", number="43052210020200001"),
    }


def test_typing_an_area_suggests_it_and_picking_it_filters_the_list(page, live_server, county):
    login(page, live_server, "ld_sun", TEST_PASSWORD)
    page.goto(f"{live_server.url}/registry/households/")
    expect(page.locator("#area-options option")).to_have_count(0)  # nothing listed up front
    page.locator("#id_area").fill("城西")
    suggestion = page.locator("#area-options option")
    expect(suggestion).to_have_count(1)
    value = suggestion.first.get_attribute("value")
    assert value.startswith("城西社区（") and "430522100201" in value
    page.locator("#id_area").fill(value)
    page.get_by_test_id("search-button").click()
    table = page.get_by_test_id("household-table")
    expect(table).to_contain_text(county["west"].number)
    expect(table).not_to_contain_text(county["east"].number)
