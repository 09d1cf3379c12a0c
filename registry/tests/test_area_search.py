"""Registry lists carry no list of all areas: the area box suggests areas as one types
(areas:search) and the list filters by what was typed, within the user's jurisdiction."""

import pytest

from accounts.tests.factories import ensure_area
from registry.tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db

VILLAGE_A = "430522100201"
VILLAGE_A2 = "430522100202"
VILLAGE_B = "430522101201"


@pytest.fixture
def villages(clerk_a):
    ensure_area(VILLAGE_A, "城西社区")
    ensure_area(VILLAGE_A2, "城东社区")
    ensure_area(VILLAGE_B, "白水村")
    return {
        "west": HouseholdFactory(area_code=VILLAGE_A),
        "east": HouseholdFactory(area_code=VILLAGE_A2, number="43052210020200001"),
    }


def test_the_household_list_has_no_area_options(client, clerk_a, villages):
    client.force_login(clerk_a)
    page = client.get("/registry/households/").content.decode()
    assert "城西社区" not in page.split('id="results"', 1)[0]  # the filter form names no area
    assert 'list="area-options"' in page


def test_suggestions_match_the_typed_name_within_the_jurisdiction(client, clerk_a, villages):
    client.force_login(clerk_a)
    options = client.get("/areas/search/", {"area": "城"}).content.decode()
    assert "城西社区（" in options and "城东社区（" in options
    assert "白水村" not in client.get("/areas/search/", {"area": "白水"}).content.decode()  # 严塘镇: not the clerk's


def test_the_list_filters_by_the_suggestion_or_an_exact_name(client, clerk_a, villages):
    client.force_login(clerk_a)
    picked = client.get("/registry/households/", {"area": f"城西社区（酿溪镇，{VILLAGE_A}）"}).content.decode()
    assert villages["west"].number in picked and villages["east"].number not in picked
    typed = client.get("/registry/households/", {"area": "城东社区"}).content.decode()
    assert villages["east"].number in typed and villages["west"].number not in typed


def test_an_area_outside_the_jurisdiction_is_refused_with_a_message(client, clerk_a, villages):
    client.force_login(clerk_a)
    response = client.get("/registry/households/", {"area": f"白水村（{VILLAGE_B}）"})
    assert response.status_code == 200
    assert "辖区内找不到该区域" in response.content.decode()
