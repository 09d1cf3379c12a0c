"""The demo county's units and staff accounts (one per role), on top of the demo areas.

Units: the county civil-affairs bureau, one 民政办 per township (under the bureau), one 村(居)委会
per village/community (under its township office) and the other county departments that receive
transferred work (人社, 卫健, 医保, 残联, 住建, 公安, 应急, 教育). Accounts: one per role, all with the
published demo password and no forced change, so a demonstration can start at once. Never use them
in production: the password is in the source code.

Everything is idempotent: units are matched by (kind, department, area), accounts by username; an
existing account that does not belong to the demo county is left alone and reported.
"""

from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction

from accounts.models import Role, Unit, User
from accounts.roles import RoleCode
from areas import codes
from areas.demo import DEFAULT_COUNTY, DemoAreaReport, generate_demo_areas, get_county
from areas.jurisdiction import system_scope
from areas.models import Area

DEMO_PASSWORD = "Minzheng@2026"  # noqa: S105 - published demo password, demo data only
BATCH_SIZE = 500

# Other departments of the county government (names after the county's name).
DEPARTMENTS = [
    (Unit.Department.HUMAN_RESOURCES, "人力资源和社会保障局"),
    (Unit.Department.HEALTH, "卫生健康局"),
    (Unit.Department.MEDICAL_INSURANCE, "医疗保障局"),
    (Unit.Department.DISABLED_FEDERATION, "残疾人联合会"),
    (Unit.Department.HOUSING, "住房和城乡建设局"),
    (Unit.Department.PUBLIC_SECURITY, "公安局"),
    (Unit.Department.EMERGENCY, "应急管理局"),
    (Unit.Department.EDUCATION, "教育局"),
]

BUREAU, TOWNSHIP_A, TOWNSHIP_B, VILLAGE_A = "bureau", "township_a", "township_b", "village_a"


@dataclass(frozen=True)
class DemoAccountSpec:
    username: str
    full_name: str
    role: str
    place: str  # BUREAU, TOWNSHIP_A (the county seat), TOWNSHIP_B, VILLAGE_A (a village in TOWNSHIP_A)


DEMO_ACCOUNTS = [
    DemoAccountSpec("admin", "孙志强", RoleCode.ADMIN, BUREAU),
    DemoAccountSpec("leader", "刘国华", RoleCode.LEADER, BUREAU),
    DemoAccountSpec("approver", "陈明辉", RoleCode.APPROVER, BUREAU),
    DemoAccountSpec("auditor", "赵文静", RoleCode.AUDITOR, BUREAU),
    DemoAccountSpec("registrar", "李秀英", RoleCode.REGISTRAR, BUREAU),
    DemoAccountSpec("clerk", "张丽娟", RoleCode.CLERK, TOWNSHIP_A),
    DemoAccountSpec("reviewer", "黄志勇", RoleCode.REVIEWER, TOWNSHIP_A),
    DemoAccountSpec("clerk2", "罗小红", RoleCode.CLERK, TOWNSHIP_B),
    DemoAccountSpec("minsheng", "谢春花", RoleCode.LIVELIHOOD_WORKER, VILLAGE_A),
    DemoAccountSpec("wangge", "曾德华", RoleCode.GRID_WORKER, VILLAGE_A),
    DemoAccountSpec("jiuzhu", "王建军", RoleCode.RESCUE_OFFICER, BUREAU),
    DemoAccountSpec("ertong", "杨桂兰", RoleCode.CHILDREN_DIRECTOR, VILLAGE_A),
    DemoAccountSpec("shegong", "周晓燕", RoleCode.SOCIAL_WORKER, TOWNSHIP_A),
    DemoAccountSpec("jigou", "吴志明", RoleCode.PROVIDER_STAFF, TOWNSHIP_A),
]


class DemoAccountsError(Exception):
    pass


@dataclass
class DemoUnitsReport:
    bureau: Unit | None = None
    township_offices: int = 0
    village_committees: int = 0
    departments: int = 0
    created: int = 0
    updated: int = 0

    @property
    def total(self) -> int:
        return 1 + self.township_offices + self.village_committees + self.departments


@dataclass
class DemoAccount:
    username: str
    full_name: str
    role: str
    unit: str
    created: bool


@dataclass
class DemoReport:
    areas: DemoAreaReport
    units: DemoUnitsReport
    accounts: list[DemoAccount] = field(default_factory=list)
    skipped_accounts: list[str] = field(default_factory=list)
    password: str = DEMO_PASSWORD


@dataclass
class _UnitSpec:
    kind: str
    department: str
    area_code: str
    name: str
    parent_key: tuple | None

    @property
    def key(self) -> tuple:
        return (self.kind, self.department, self.area_code)


def _unit_specs(county: Area, townships: list[Area], villages: list[Area]) -> list[_UnitSpec]:
    civil = Unit.Department.CIVIL_AFFAIRS
    bureau_key = (Unit.Kind.BUREAU, civil, county.code)
    specs = [_UnitSpec(Unit.Kind.BUREAU, civil, county.code, f"{county.name}民政局", None)]
    specs += [
        _UnitSpec(Unit.Kind.DEPARTMENT, department, county.code, f"{county.name}{name}", None)
        for department, name in DEPARTMENTS
    ]
    township_names = {}
    for township in townships:
        township_names[township.code] = township.name
        specs.append(_UnitSpec(Unit.Kind.TOWNSHIP_OFFICE, civil, township.code, f"{township.name}民政办", bureau_key))
    for village in villages:
        township_code = village.code[:9] + "000"
        if township_code not in township_names:
            continue
        committee = "居委会" if village.name.endswith("社区") else "村委会"
        specs.append(
            _UnitSpec(
                Unit.Kind.VILLAGE_COMMITTEE,
                civil,
                village.code,
                f"{township_names[township_code]}{village.name}{committee}",
                (Unit.Kind.TOWNSHIP_OFFICE, civil, township_code),
            )
        )
    return specs


def _free_names(specs: list[_UnitSpec], existing: dict[tuple, Unit], county: Area) -> None:
    """Unit names are unique nationally: qualify a name another county already uses."""
    ours = {unit.pk for unit in existing.values()}
    names = [spec.name for spec in specs]
    taken: set[str] = set()
    for start in range(0, len(names), BATCH_SIZE):
        taken.update(
            Unit.unscoped.filter(name__in=names[start : start + BATCH_SIZE])
            .exclude(pk__in=ours)
            .values_list("name", flat=True)
        )
    # Names held by our own units under another identity must also be avoided.
    held = {unit.name: key for key, unit in existing.items()}
    for spec in specs:
        owner = held.get(spec.name)
        if spec.name in taken or (owner is not None and owner != spec.key):
            qualified = spec.name if spec.name.startswith(county.name) else f"{county.name}{spec.name}"
            if qualified in taken or (held.get(qualified, spec.key) != spec.key):
                qualified = f"{qualified}（{spec.area_code}）"
            spec.name = qualified


def create_demo_units(county: Area, townships: list[Area]) -> tuple[dict[tuple, Unit], DemoUnitsReport]:
    villages = list(
        Area.objects.filter(code__startswith=county.prefix, level=codes.VILLAGE, valid_to__isnull=True).order_by("code")
    )
    specs = _unit_specs(county, townships, villages)
    existing: dict[tuple, Unit] = {}
    for unit in Unit.objects.filter(area_code__startswith=county.prefix).order_by("-pk"):
        existing[(unit.kind, unit.department, unit.area_code)] = unit  # the oldest wins
    _free_names(specs, existing, county)

    report = DemoUnitsReport(
        township_offices=sum(1 for s in specs if s.kind == Unit.Kind.TOWNSHIP_OFFICE),
        village_committees=sum(1 for s in specs if s.kind == Unit.Kind.VILLAGE_COMMITTEE),
        departments=sum(1 for s in specs if s.kind == Unit.Kind.DEPARTMENT),
    )
    units: dict[tuple, Unit] = {}
    # Parents before children: bureau and departments, township offices, village committees.
    for kinds in (
        (Unit.Kind.BUREAU, Unit.Kind.DEPARTMENT),
        (Unit.Kind.TOWNSHIP_OFFICE,),
        (Unit.Kind.VILLAGE_COMMITTEE,),
    ):
        to_create, to_update = [], []
        for spec in (s for s in specs if s.kind in kinds):
            parent = units.get(spec.parent_key) if spec.parent_key else None
            values = {"name": spec.name, "parent_id": parent.pk if parent else None, "is_active": True}
            unit = existing.get(spec.key)
            if unit is None:
                unit = Unit(kind=spec.kind, department=spec.department, area_code=spec.area_code, **values)
                to_create.append(unit)
            elif any(getattr(unit, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(unit, k, v)
                to_update.append(unit)
            units[spec.key] = unit
        if to_update:
            # Free the old names first so that swapped names do not trip the unique constraint.
            Unit.objects.bulk_update(to_update, ["name", "parent", "is_active"], batch_size=BATCH_SIZE)
        if to_create:
            created = Unit.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
            if not all(unit.pk for unit in created):  # backends without RETURNING
                by_key = {
                    (u.kind, u.department, u.area_code): u
                    for u in Unit.objects.filter(area_code__startswith=county.prefix, kind__in=kinds)
                }
                for spec in specs:
                    if spec.kind in kinds:
                        units[spec.key] = by_key[spec.key]
        report.created += len(to_create)
        report.updated += len(to_update)
    report.bureau = units[(Unit.Kind.BUREAU, Unit.Department.CIVIL_AFFAIRS, county.code)]
    return units, report


def _places(county: Area, townships: list[Area], units: dict[tuple, Unit]) -> dict[str, Unit]:
    civil = Unit.Department.CIVIL_AFFAIRS
    seat = next((t for t in townships if t.name.endswith(("镇", "街道"))), townships[0])
    other = next((t for t in townships if t != seat), seat)
    village_codes = sorted(
        key[2] for key in units if key[0] == Unit.Kind.VILLAGE_COMMITTEE and codes.is_within(key[2], seat.code)
    )
    if not village_codes:
        raise DemoAccountsError(f"{seat.name}下没有村/社区，无法创建民生员、网格员演示账号。")
    # A village (村委会) rather than a community if there is one.
    village_code = next(
        (c for c in village_codes if units[(Unit.Kind.VILLAGE_COMMITTEE, civil, c)].name.endswith("村委会")),
        village_codes[0],
    )
    return {
        BUREAU: units[(Unit.Kind.BUREAU, civil, county.code)],
        TOWNSHIP_A: units[(Unit.Kind.TOWNSHIP_OFFICE, civil, seat.code)],
        TOWNSHIP_B: units[(Unit.Kind.TOWNSHIP_OFFICE, civil, other.code)],
        VILLAGE_A: units[(Unit.Kind.VILLAGE_COMMITTEE, civil, village_code)],
    }


def create_demo_accounts(county: Area, places: dict[str, Unit]) -> tuple[list[DemoAccount], list[str]]:
    """One account per role; an account of the same name outside the demo county is left alone."""
    password = make_password(DEMO_PASSWORD)  # hashed once for all ten accounts
    roles = {role.code: role for role in Role.objects.all()}
    accounts, skipped = [], []
    for spec in DEMO_ACCOUNTS:
        unit = places[spec.place]
        user = User.objects.select_related("unit").filter(username=spec.username).first()
        if user is not None and not (user.unit_id and codes.is_within(user.unit.area_code, county.code)):
            where = user.unit.name if user.unit_id else "无单位"
            skipped.append(f"{spec.username}（已存在，属于{where}，未修改）")
            continue
        created = user is None
        if created:
            user = User(username=spec.username)
        user.full_name = spec.full_name
        user.unit = unit
        user.password = password
        user.must_change_password = False
        user.is_active = True
        user.save()
        user.roles.set([roles[spec.role]])
        accounts.append(DemoAccount(spec.username, spec.full_name, str(RoleCode(spec.role).label), unit.name, created))
    return accounts, skipped


def load_demo(county_value: str = DEFAULT_COUNTY) -> DemoReport:
    """Demo villages and grids, units and one account per role for a county; idempotent."""
    with system_scope(), transaction.atomic():
        area_report = generate_demo_areas(county_value)
        county, townships = get_county(county_value)
        units, unit_report = create_demo_units(county, townships)
        accounts, skipped = create_demo_accounts(county, _places(county, townships, units))
        if unit_report.created or unit_report.updated or area_report.created or area_report.updated:
            _audit(county, area_report, unit_report)
    return DemoReport(areas=area_report, units=unit_report, accounts=accounts, skipped_accounts=skipped)


def _audit(county: Area, areas: DemoAreaReport, units: DemoUnitsReport) -> None:
    """Bulk writes bypass the per-row audit signals: one summary entry."""
    from audit.models import AuditEntry
    from audit.services import record

    record(
        AuditEntry.Action.IMPORT,
        object_type="accounts.unit",
        object_repr=f"演示数据：{county.name}",
        area_code=county.code,
        changes={
            "区划新增": areas.created,
            "区划更新": areas.updated,
            "单位新增": units.created,
            "单位更新": units.updated,
        },
    )
