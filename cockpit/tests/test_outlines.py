"""The map on real county outlines: a city leader sees its counties coloured by the chosen
indicator and a click leads into the county; a county keeps the schematic tiles (no township
outlines exist), and so does every level when the boundary package is not installed."""

import json

import pytest
from django.urls import reverse

from accounts.models import Unit
from accounts.tests.factories import StaffFactory, UnitFactory, ensure_area

pytestmark = pytest.mark.django_db

CITY = "430500000000"  # 邵阳市


def _square(x: float, y: float) -> dict:
    return {"type": "Polygon", "coordinates": [[[x, y], [x + 0.2, y], [x + 0.2, y + 0.2], [x, y + 0.2], [x, y]]]}


@pytest.fixture
def outlines(tmp_path, settings):
    """A boundary folder laid out as the package's: one file per city, a feature per county."""
    shaoyang = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": "430521", "properties": {"name": "邵东县"}, "geometry": _square(111.7, 27.2)},
            {"type": "Feature", "id": "430522", "properties": {"name": "新邵县"}, "geometry": _square(111.4, 27.3)},
        ],
    }
    other = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "id": "440103", "geometry": _square(113, 23)}],
    }
    (tmp_path / "hu2_nan2_shao4_yang2.geojson").write_text(json.dumps(shaoyang, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "guang3_dong1_guang3_zhou1.geojson").write_text(json.dumps(other), encoding="utf-8")
    settings.COCKPIT_BOUNDARY_DIR = tmp_path
    return tmp_path


@pytest.fixture
def city_leader(county_bureau):
    ensure_area(CITY, "邵阳市")
    ensure_area("430521000000", "邵东市")
    ensure_area("430523000000", "邵阳县")
    city = UnitFactory(name="邵阳市民政局", kind=Unit.Kind.BUREAU, area_code=CITY)
    return StaffFactory(username="city_leader", full_name="市局领导", unit=city, roles=["leader"])


def _map(page: str) -> dict:
    return json.loads(page.split('id="cockpit-map" type="application/json">', 1)[1].split("</script>", 1)[0])


def test_a_city_leader_sees_the_counties_on_their_outlines_coloured_and_clickable(
    client, outlines, city_leader, clerk_a, open_case
):
    from datetime import timedelta

    from django.utils import timezone

    from cases.models import Case
    from cockpit.figures import refresh_figures

    today = timezone.localdate()
    late = open_case(clerk_a, "430522100201", today - timedelta(days=40))
    Case.objects.filter(pk=late.pk).update(due_on=today - timedelta(days=5))
    refresh_figures(today)

    client.force_login(city_leader)
    page = client.get(reverse("cockpit:index")).content.decode()
    assert "按县级行政区边界" in page and "县级行政区边界图" in page
    drawn = _map(page)
    assert drawn["kind"] == "outline" and drawn["geo_url"] == "/cockpit/outlines/4305.json"
    values = {item["name"]: (item["area"], item["value"]) for item in drawn["option"]["series"][0]["data"]}
    assert values == {"430521": ("邵东市", 0), "430522": ("新邵县", 1)}  # our names, not the package's
    assert drawn["clicks"]["430522"] == "/cockpit/?area=430522000000"
    assert ["邵阳县", "/cockpit/?area=430523000000"] in drawn["links"]  # no outline (code not in the data): a link

    geo = client.get("/cockpit/outlines/4305.json")
    assert geo.status_code == 200 and geo["Content-Type"] == "application/geo+json"
    assert sorted(f["properties"]["name"] for f in json.loads(geo.content)["features"]) == ["430521", "430522"]
    assert client.get("/cockpit/outlines/4401.json").status_code == 404  # not the leader's area

    county = client.get(drawn["clicks"]["430522"]).content.decode()  # the click: the county, its townships
    assert _map(county)["kind"] == "tiles" and "示意方格图" in county


def test_a_county_leader_keeps_the_tiles_and_may_not_fetch_the_citys_outlines(client, outlines, county_bureau):
    leader = StaffFactory(username="leader", full_name="孙局长", unit=county_bureau, roles=["leader"])
    client.force_login(leader)
    page = client.get(reverse("cockpit:index")).content.decode()
    assert _map(page)["kind"] == "tiles"
    assert client.get("/cockpit/outlines/4305.json").status_code == 404


def test_without_the_boundary_package_the_city_gets_tiles(client, settings, tmp_path, city_leader):
    settings.COCKPIT_BOUNDARY_DIR = tmp_path / "missing"
    client.force_login(city_leader)
    page = client.get(reverse("cockpit:index")).content.decode()
    assert _map(page)["kind"] == "tiles" and "示意方格图" in page
