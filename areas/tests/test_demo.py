"""Demo villages, communities and grids of 新邵县 without the village data package (generated in the
9xx codes the statistical codes never use, deterministic, marked is_demo). With the package:
areas/tests/test_villages.py."""

import pytest

from areas import codes
from areas.demo import DEMO_SOURCE, DemoError, chinese_number, generate_demo_areas, grid_name
from areas.loading import load_divisions
from areas.models import Area
from areas.tests.factories import XINSHAO_TOWNSHIPS, build_wheel

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_village_package(monkeypatch, tmp_path):
    monkeypatch.setattr("areas.villages.default_source", lambda: tmp_path / "not-installed")


@pytest.fixture
def xinshao(tmp_path):
    load_divisions(build_wheel(tmp_path), ["湖南省"], history=False)
    return Area.objects.get(code="430522000000")


def test_xinshao_gets_417_villages_and_communities_with_grids(xinshao):
    report = generate_demo_areas("430522")

    villages = Area.objects.filter(level=codes.VILLAGE)
    assert villages.count() == report.communities + report.villages == 417
    assert report.townships == len(XINSHAO_TOWNSHIPS) == 15
    for township in xinshao.children.all():
        assert 10 <= township.children.count() <= 99, township.name
    grids = Area.objects.filter(level=codes.GRID)
    assert grids.count() == report.grids
    for village in villages.prefetch_related("children"):
        assert 2 <= len(village.children.all()) <= 6
    assert Area.objects.filter(is_demo=True).count() == report.created == 417 + report.grids
    assert set(Area.objects.filter(is_demo=True).values_list("source", flat=True)) == {DEMO_SOURCE}


def test_codes_names_and_full_names_follow_the_scheme(xinshao):
    generate_demo_areas()

    names = set()
    for area in Area.objects.filter(is_demo=True).select_related("parent"):
        assert area.code.startswith(area.parent.prefix), area.code
        assert codes.level_of(area.code) == area.level
        assert area.full_name == area.parent.full_name + area.name
        if area.level == codes.VILLAGE:
            assert len(area.code) == 12 and area.parent.level == codes.TOWNSHIP
            sequence = int(area.code[9:])
            if area.name.endswith("社区"):
                assert 901 <= sequence <= 919
            else:
                assert area.name.endswith("村") and 920 <= sequence <= 999
            names.add(area.name)
        else:
            assert len(area.code) == 15 and area.parent.level == codes.VILLAGE
            assert area.name == grid_name(int(area.code[12:]))
    assert len(names) == 417  # no two villages of the county share a name
    assert Area.objects.get(code="430522100901").full_name.startswith("湖南省邵阳市新邵县酿溪镇")
    assert Area.objects.get(code="430522100901" + "001").name == "第一网格"


def test_running_twice_changes_nothing(xinshao):
    generate_demo_areas()
    before = list(Area.objects.order_by("code").values_list("id", "code", "name", "full_name", "parent_id"))

    report = generate_demo_areas("430522000000")

    assert (report.created, report.updated) == (0, 0)
    assert list(Area.objects.order_by("code").values_list("id", "code", "name", "full_name", "parent_id")) == before


def test_real_rows_are_left_alone(xinshao):
    township = Area.objects.get(code="430522100000")
    real = Area.objects.create(code="430522100901", name="真实社区", level=codes.VILLAGE, parent=township)

    report = generate_demo_areas()

    real.refresh_from_db()
    assert (real.name, real.is_demo) == ("真实社区", False)
    assert not Area.objects.filter(code__startswith="430522100901", level=codes.GRID).exists()
    assert report.skipped_real >= 3  # the community and its grids


def test_it_needs_load_areas_first(db):
    with pytest.raises(DemoError, match=r"请先运行 python manage\.py load_areas"):
        generate_demo_areas()
    Area.objects.create(code="430522000000", name="新邵县", level=codes.COUNTY)
    with pytest.raises(DemoError, match="没有乡镇数据"):
        generate_demo_areas()


def test_a_county_code_is_required():
    with pytest.raises(DemoError, match="县级区划代码无效"):
        generate_demo_areas("430522100000")


def test_chinese_numbers():
    assert [chinese_number(n) for n in (1, 6, 10, 12, 20, 35, 99)] == [
        "一",
        "六",
        "十",
        "十二",
        "二十",
        "三十五",
        "九十九",
    ]
    assert grid_name(3) == "第三网格"
