"""Monthly service lists of funeral homes and cemeteries (殡葬服务机构每月服务名单), docs/domain.md §14.

A funeral home sends the month's cremations with what it charged for each basic service; a cemetery
sends the month's burials with the method (树葬, 花坛葬, …) and the family member the eco-burial reward
is paid to. The list is read as it comes (.xlsx/.xls/.csv): every column is a field (by its usual
name, by the organisation's remembered mapping — its preset — or as the clerk maps it) or one the clerk
chose not to import; a column nobody mapped stops the import at the mapping step. Every line is
checked, then checked against the register (the deceased a resident of the scope, no service or
burial recorded twice), before anything is written: one bad line and the list is refused with every
problem named by row (all or nothing).

Writing (`import_service_list`): the list's deaths go through the death file it makes (source
殡仪馆火化名单; the first report of a death through the single death service, a later one a
confirmation), then each line becomes the month's `FuneralService` (a funeral home's line: the service
and its waiver, settled to the funeral home by the monthly roll) or the burial of one (a cemetery's
line: the eco-burial reward paid to the family by the monthly roll).
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import record
from core.errors import DomainError
from funerals.errors import FuneralCode
from funerals.importing import IGNORE, normalise
from funerals.models import Death, DeathFile, DeathReport, FuneralService, ServiceList
from registry.importing.reading import UnreadableFile, read_rows, row_kind
from registry.importing.values import CellError, a_date, amount, text
from registry.importing.values import id_number as id_number_of
from registry.models import Organisation, Person

FUNERAL_HOME, CEMETERY = Organisation.Kind.FUNERAL_HOME, Organisation.Kind.CEMETERY
CHARGE_ITEMS = {
    "transport": "遗体接运费",
    "storage": "遗体存放费",
    "cremation": "遗体火化费",
    "urn": "骨灰盒费",
    "farewell": "告别仪式费",
}
FIELDS = {
    "name": "逝者姓名",
    "id_number": "逝者身份证号",
    "died_on": "死亡日期",
    "served_on": "服务（火化）日期",
    **{f"charge_{code}": label for code, label in CHARGE_ITEMS.items()},
    "burial": "安葬方式",
    "buried_on": "安葬日期",
    "family_name": "领取人姓名",
    "family_id_number": "领取人身份证号",
    "family_bank_name": "领取人开户银行",
    "family_bank_account": "领取人银行账号",
}
REQUIRED = {
    FUNERAL_HOME: ("name", "id_number", "died_on", "served_on"),
    CEMETERY: ("name", "id_number", "died_on", "burial", "buried_on"),
}
ALIASES = {
    "姓名": "name",
    "逝者姓名": "name",
    "死者姓名": "name",
    "身份证号": "id_number",
    "身份证号码": "id_number",
    "逝者身份证号": "id_number",
    "死者身份证号": "id_number",
    "公民身份号码": "id_number",
    "死亡日期": "died_on",
    "死亡时间": "died_on",
    "服务日期": "served_on",
    "火化日期": "served_on",
    "火化时间": "served_on",
    "服务（火化）日期": "served_on",
    "接运费": "charge_transport",
    "遗体接运费": "charge_transport",
    "存放费": "charge_storage",
    "遗体存放费": "charge_storage",
    "火化费": "charge_cremation",
    "遗体火化费": "charge_cremation",
    "骨灰盒费": "charge_urn",
    "骨灰盒": "charge_urn",
    "告别仪式费": "charge_farewell",
    "告别费": "charge_farewell",
    "安葬方式": "burial",
    "葬式": "burial",
    "安葬日期": "buried_on",
    "下葬日期": "buried_on",
    "领取人姓名": "family_name",
    "家属姓名": "family_name",
    "领取人身份证号": "family_id_number",
    "家属身份证号": "family_id_number",
    "开户银行": "family_bank_name",
    "领取人开户银行": "family_bank_name",
    "银行账号": "family_bank_account",
    "领取人银行账号": "family_bank_account",
}
KNOWN_UNUSED = {"序号", "编号", "备注", "民族", "年龄", "性别", "户籍地址", "住址", "联系电话", "经办人", "合计"}
BURIALS = {
    "树葬": "tree",
    "花坛葬": "flower",
    "花葬": "flower",
    "草坪葬": "lawn",
    "骨灰撒散": "scatter",
    "撒散": "scatter",
    "海葬": "scatter",
    "骨灰格位存放": "wall",
    "格位存放": "wall",
    "壁葬": "wall",
    "传统墓葬": "",
    "墓葬": "",
    "无": "",
}
HEADER_SCAN_ROWS = 10


@dataclass
class ServiceLine:
    row_no: int
    name: str
    id_number: str
    died_on: date
    served_on: date | None
    charges: dict[str, Decimal]
    burial: str
    buried_on: date | None
    family_name: str
    family_id_number: str
    family_bank_name: str
    family_bank_account: str


@dataclass
class ListReading:
    kind: str
    headers: list[str]
    columns: dict[str, int] = field(default_factory=dict)
    unknown: list[int] = field(default_factory=list)
    ignored: list[int] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    lines: list[ServiceLine] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)
    previews: dict[int, list[str]] = field(default_factory=dict)

    def describe(self) -> list[dict]:
        by_position = {p: k for k, p in self.columns.items()}
        return [
            {
                "position": position,
                "header": header or f"第{position + 1}列",
                "key": by_position.get(position, IGNORE if position in self.ignored else ""),
                "unknown": position in self.unknown,
                "preview": "、".join(self.previews.get(position, [])),
            }
            for position, header in enumerate(self.headers)
            if header or position in self.unknown
        ]

    @property
    def ignored_headers(self) -> list[str]:
        return [self.headers[p] or f"第{p + 1}列" for p in self.ignored]

    @property
    def needs_mapping(self) -> bool:
        return bool(self.unknown or self.missing)


def remembered_mapping(organisation: Organisation) -> dict[str, str]:
    """The organisation's preset: the column choices of its earlier lists, the latest winning."""
    remembered: dict[str, str] = {}
    for mapping in (
        ServiceList.objects.filter(organisation=organisation)
        .order_by("uploaded_at", "id")
        .values_list("mapping", flat=True)
    ):
        remembered |= mapping or {}
    return remembered


def _header(rows: list[list], aliases: dict[str, str]) -> tuple[int, dict[str, int]]:
    best, best_columns = -1, {}
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        columns = {}
        for position, cell in enumerate(row):
            key = aliases.get(normalise(cell))
            if key and key != IGNORE and key not in columns:
                columns[key] = position
        if len(columns) > len(best_columns):
            best, best_columns = index, columns
    if best < 0:
        raise UnreadableFile("找不到表头：前10行中没有一行包含“逝者姓名”“身份证号”“死亡日期”等列名")
    return best, best_columns


def read_service_list(data: bytes, filename: str, kind: str, mapping: dict[str, str] | None = None) -> ListReading:
    """Read and check every line of a list (`kind`: the organisation's kind). `mapping`: normalised
    header → field key or IGNORE (the preset and the clerk's choices)."""
    mapping = mapping or {}
    if kind not in REQUIRED:
        raise UnreadableFile("只有殡仪馆和公墓报送服务名单")
    rows = read_rows(data, filename)
    index, columns = _header(rows, ALIASES | mapping)
    headers = [text(cell) for cell in rows[index]]
    reading = ListReading(kind=kind, headers=headers, columns=columns)
    used = set(columns.values())
    body = [(index + 2 + n, cells) for n, cells in enumerate(rows[index + 1 :])]
    for position, header in enumerate(headers):
        if position in used:
            continue
        has_data = any(position < len(c) and text(c[position]) for _, c in body)
        name = normalise(header)
        if mapping.get(name) == IGNORE or name in KNOWN_UNUSED or not has_data:
            if has_data or header:
                reading.ignored.append(position)
        else:
            reading.unknown.append(position)
        reading.previews[position] = [
            text(c[position])[:20] for _, c in body if position < len(c) and text(c[position])
        ][:3]
    reading.missing = [FIELDS[k] for k in REQUIRED[kind] if k not in columns]
    if reading.needs_mapping:
        return reading

    def cell(cells, key):
        position = columns.get(key)
        return cells[position] if position is not None and position < len(cells) else None

    today = timezone.localdate()
    seen: dict[str, int] = {}
    for row_no, cells in body:
        if row_kind(cells) != "data" or not any(text(c) for c in cells):
            continue
        problems: list[str] = []
        name = text(cell(cells, "name"))
        if not name:
            problems.append("逝者姓名为空")
        number = ""
        if not text(cell(cells, "id_number")):
            problems.append("逝者身份证号为空")
        else:
            try:
                number, _sex, _birth = id_number_of(cell(cells, "id_number"))
            except CellError as error:
                problems.append(error.message)
        dates: dict[str, date | None] = {}
        for key in ("died_on", "served_on", "buried_on"):
            try:
                dates[key] = a_date(cell(cells, key), FIELDS[key])
            except CellError as error:
                problems.append(error.message)
                dates[key] = None
        charges: dict[str, Decimal] = {}
        for code in CHARGE_ITEMS:
            try:
                value = amount(cell(cells, f"charge_{code}"), CHARGE_ITEMS[code])
            except CellError as error:
                problems.append(error.message)
                continue
            if value:
                charges[code] = value
        raw_burial = normalise(cell(cells, "burial"))
        burial = BURIALS.get(raw_burial)
        if burial is None:
            if raw_burial:
                problems.append(f"安葬方式“{raw_burial}”不认识，可填：{'、'.join(BURIALS)}")
            burial = ""
        family = {k: text(cell(cells, k)) for k in ("family_name", "family_bank_name")}
        family["family_id_number"] = text(cell(cells, "family_id_number")).upper()
        family["family_bank_account"] = text(cell(cells, "family_bank_account")).replace(" ", "")
        died_on, served_on, buried_on = dates["died_on"], dates["served_on"], dates["buried_on"]
        if died_on is None and not any("死亡日期" in p for p in problems):
            problems.append("死亡日期为空")
        if died_on and died_on > today:
            problems.append("死亡日期晚于今天")
        if kind == FUNERAL_HOME and served_on is None and not any("服务" in p for p in problems):
            problems.append("服务（火化）日期为空")
        if kind == CEMETERY:
            if buried_on is None and not any("安葬日期" in p for p in problems):
                problems.append("安葬日期为空")
            if burial and not (family["family_name"] and family["family_bank_account"]):
                problems.append("生态安葬奖补发给家属，须填写领取人姓名和银行账号")
            if family["family_bank_account"] and not family["family_bank_account"].isdigit():
                problems.append("领取人银行账号只能是数字")
        for key, label in (("served_on", "服务（火化）日期"), ("buried_on", "安葬日期")):
            if died_on and dates[key] and dates[key] < died_on:
                problems.append(f"{label}早于死亡日期")
        if number and number in seen:
            problems.append(f"与第{seen[number]}行是同一逝者")
        if problems:
            reading.problems += [(row_no, p) for p in problems]
            continue
        seen[number] = row_no
        reading.lines.append(
            ServiceLine(row_no, name, number, died_on, served_on, charges, burial, buried_on, **family)
        )
    if not reading.lines and not reading.problems:
        raise UnreadableFile("名单中没有逝者记录")
    return reading


def check_against_register(reading: ListReading, organisation: Organisation) -> list[tuple[int, str]]:
    """What only the register can tell (no writes): each deceased a resident of the scope, not yet
    given this service; added to the reading's problems (the list is refused whole)."""
    numbers = [line.id_number for line in reading.lines]
    persons = dict(Person.objects.filter(id_number__in=numbers).values_list("id_number", "pk"))
    services = {
        person_id: (number, burial_done)
        for person_id, number, burial_done in FuneralService.objects.filter(
            death__person_id__in=persons.values()
        ).values_list("death__person_id", "number", "buried_on")
    }
    problems = []
    for line in reading.lines:
        person_id = persons.get(line.id_number)
        if person_id is None:
            problems.append((line.row_no, "身份证号在本辖区居民档案中找不到：请核对，非本辖区逝者请从名单中删除该行"))
            continue
        done = services.get(person_id)
        if done and reading.kind == FUNERAL_HOME:
            problems.append((line.row_no, f"该逝者已登记殡葬服务（单号{done[0]}），请勿重复报送"))
        if done and reading.kind == CEMETERY and done[1]:
            problems.append((line.row_no, f"该逝者已登记安葬（单号{done[0]}），请勿重复报送"))
    reading.problems += problems
    return problems


def _require_list(reading: ListReading, organisation: Organisation) -> None:
    if organisation.kind not in REQUIRED or organisation.kind != reading.kind:
        raise DomainError(FuneralCode.NO_FUNERAL_HOME, "服务名单须由殡仪馆或公墓报送")
    if reading.problems or reading.needs_mapping:
        raise DomainError(FuneralCode.FILE_NOT_CHECKED, "名单尚有问题或未对应的列，未导入任何数据")


@transaction.atomic
def import_service_list(
    reading: ListReading, *, organisation: Organisation, month: date, filename: str, user, area_code: str, mapping=None
) -> ServiceList:
    """Write a checked list, all or nothing: its deaths (through the death file it makes), then each
    line's service (funeral home) or burial (cemetery), each computed by the policy on its date."""
    from funerals.services import _apply, _require, record_burial, record_service, write_and_match

    _require(user)
    check_against_register(reading, organisation)
    _require_list(reading, organisation)
    month = month.replace(day=1)
    death_file = DeathFile.objects.create(
        kind=DeathFile.Kind.FUNERAL,
        organisation=organisation,
        month=month,
        filename=filename[:200],
        mapping=mapping or {},
        line_count=len(reading.lines),
        uploaded_by=user,
        area_code=area_code,
    )
    counts = write_and_match(
        death_file,
        (
            (
                line.row_no,
                line.name,
                line.id_number,
                None,
                line.died_on,
                "",
                line.served_on if reading.kind == FUNERAL_HOME else None,
            )
            for line in reading.lines
        ),
        area_code=area_code,
    )
    if counts["matched"] != len(reading.lines):  # checked above; a resident moved away meanwhile
        raise DomainError(FuneralCode.FILE_NOT_CHECKED, "名单中有逝者不在本辖区居民档案中，未导入任何数据")
    new = confirmed = 0
    for report in DeathReport.objects.filter(file=death_file).order_by("row_no"):
        created, _ = _apply(report, DeathFile.Kind.FUNERAL, user)
        new += created
        confirmed += not created
    death_file.matched_count, death_file.new_deaths, death_file.confirmations = counts["matched"], new, confirmed
    death_file.save()
    service_list = ServiceList.objects.create(
        organisation=organisation,
        month=month,
        filename=filename[:200],
        mapping=mapping or {},
        death_file=death_file,
        line_count=len(reading.lines),
        new_deaths=new,
        confirmations=confirmed,
        uploaded_by=user,
        area_code=area_code,
    )
    numbers = [line.id_number for line in reading.lines]
    deaths = {
        d.person.id_number: d for d in Death.objects.filter(person__id_number__in=numbers).select_related("person")
    }
    for line in reading.lines:
        death = deaths[line.id_number]
        family = {
            "family_name": line.family_name,
            "family_id_number": line.family_id_number,
            "family_bank_name": line.family_bank_name,
            "family_bank_account": line.family_bank_account,
        }
        if reading.kind == FUNERAL_HOME:
            service = record_service(
                death, served_on=line.served_on, charges=line.charges, user=user, funeral_home=organisation
            )
            FuneralService.objects.filter(pk=service.pk).update(service_list=service_list)
            continue
        existing = FuneralService.objects.filter(death=death).first()
        if existing is None:
            service = record_service(
                death,
                served_on=line.buried_on,
                charges={},
                user=user,
                burial=line.burial,
                cemetery=organisation,
                buried_on=line.buried_on,
                **family,
            )
            FuneralService.objects.filter(pk=service.pk).update(
                service_list=service_list, burial_list=service_list, cemetery=organisation, buried_on=line.buried_on
            )
        else:
            record_burial(
                existing, burial=line.burial, cemetery=organisation, buried_on=line.buried_on, user=user, **family
            )
            FuneralService.objects.filter(pk=existing.pk).update(burial_list=service_list)
    totals = FuneralService.objects.filter(service_list=service_list).aggregate(w=Sum("waiver_fen"))
    rewards = FuneralService.objects.filter(burial_list=service_list).aggregate(r=Sum("reward_fen"))
    service_list.services = FuneralService.objects.filter(service_list=service_list).count()
    service_list.burials = FuneralService.objects.filter(burial_list=service_list).exclude(burial="").count()
    service_list.waiver_fen = totals["w"] or 0
    service_list.reward_fen = rewards["r"] or 0
    service_list.save()
    record(
        AuditEntry.Action.IMPORT,
        obj=service_list,
        changes={
            "lines": len(reading.lines),
            "new_deaths": new,
            "confirmations": confirmed,
            "waiver_yuan": str(Decimal(service_list.waiver_fen) / 100),
            "reward_yuan": str(Decimal(service_list.reward_fen) / 100),
        },
    )
    return service_list


def yuan(fen: int) -> str:
    return f"{Decimal(fen) / 100:.2f}"
