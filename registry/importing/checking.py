"""Checking a ledger: rows → households, every problem recorded against its row and column.

Nothing here writes. A household with any problem is excluded as a whole; the caller decides whether
anything is written at all (only when there are no problems, or when the user asked for the good
households only).
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from areas.jurisdiction import current_scope
from areas.models import Area
from registry.importing import columns as cols
from registry.importing import values as v
from registry.importing.bulk import gc_paused
from registry.importing.reading import Sheet
from registry.models import Person
from registry.relations import Relation

HEAD = str(Relation.HEAD.value)  # a plain str: compared once per row
_SPLIT = re.compile(r"[、，,；;/\n]+")
_AREA_CODE_JUNK = str.maketrans("", "", " '")
# The cells read for each person and for each household, fetched in one go per row.
_PERSON_CELLS = ("sex", "disability_grade", "phone")
_HOUSEHOLD_CELLS = ("address", "kind", "bank_name", "bank_account_name", "bank_account", "phone", "start_date")
_HOUSEHOLD_CELLS += ("area_code", "village", "township")
_TAKEON_KEYS = {column.key for column in cols.TAKEON_COLUMNS}
_URBAN_SUFFIXES = ("社区", "居委会", "居民委员会", "社区居委会")
_RURAL_SUFFIXES = ("村", "村委会", "村民委员会")


@dataclass
class TakeOnLine:
    """What a roster row says about the household's existing benefit (存量保障对象)."""

    base: Decimal | None = None  # 户月保障金额 (or 特困 基本生活 + 照料护理)
    extra: Decimal = Decimal("0")  # 分类施保
    start_month: date | None = None
    covered: int | None = None  # 保障人口
    certificate: str = ""
    care_arrangement: str = ""  # 特困供养方式: dispersed / centralised
    payee_name: str = ""
    payee_id: str = ""
    tier: str = ""
    remarks: str = ""
    text_amounts: int = 0  # amounts typed as text: Excel's SUM skips them

    @property
    def amount(self) -> Decimal:
        return (self.base or Decimal("0")) + self.extra


@dataclass(frozen=True)
class Problem:
    row: int  # sheet row number, 1-based; 0 for the file as a whole
    column: int | None  # 0-based column index, None for the whole row
    message: str


@dataclass
class PersonPlan:
    row: int
    name: str
    id_number: str
    sex: str
    birth_date: date
    relation: str
    fields: dict  # further Person fields (attnames)
    id_column: int | None = None
    pk: int | None = None  # set when written, or the registered person a take-on matched
    matched: bool = False


@dataclass
class HouseholdPlan:
    key: str
    rows: list[int] = field(default_factory=list)
    persons: list[PersonPlan] = field(default_factory=list)
    fields: dict = field(default_factory=dict)  # Household fields (attnames), from the head's row
    area_ref: tuple = ("", "", "")  # (code, village name, township name) as written
    area_cell: tuple[int, int | None] = (0, None)
    start_date: date | None = None
    family_size: tuple[int, int, int] | None = None  # (stated, row, column)
    takeon: TakeOnLine | None = None
    kind_given: bool = False  # 城乡类别 stated in the file (else from the village's name)
    address_given: bool = True
    household_id: int | None = None  # set when written (or the registered household a take-on matched)
    head_rows: list[int] = field(default_factory=list)
    unreadable_persons: int = 0  # rows whose person could not be read (bad ID, no name)

    @property
    def size(self) -> int:
        return len(self.persons) + self.unreadable_persons

    bad: bool = False

    def covered_members(self) -> int:
        """保障人口: as the roster states it, else 家庭人口, else the persons listed."""
        stated = self.takeon.covered if self.takeon is not None else None
        return stated or (self.family_size[0] if self.family_size else 0) or len(self.persons) or 1

    @property
    def head(self) -> PersonPlan | None:
        heads = [p for p in self.persons if p.relation == HEAD]
        return heads[0] if len(heads) == 1 else None


@dataclass
class Plan:
    sheet: Sheet
    households: list[HouseholdPlan]
    problems: list[Problem]
    notices: list[str]
    totals: list[dict] = field(default_factory=list)  # the file's 合计 row against the sum of its lines

    @property
    def good(self) -> list[HouseholdPlan]:
        return [h for h in self.households if not h.bad]

    def counts(self) -> dict:
        bad = [h for h in self.households if h.bad]
        return {
            "households": len(self.households),
            "persons": sum(h.size for h in self.households),
            "bad_households": len(bad),
            "bad_persons": sum(h.size for h in bad),
            "problems": len(self.problems),
        }

    def summary(self) -> dict:
        """What a take-on will write: households, persons, recipients, the monthly total (text, yuan)."""
        good = self.good
        lines = [h.takeon for h in good if h.takeon is not None]
        total = sum((line.amount for line in lines), Decimal("0"))
        return {
            "households": len(good),
            "new_households": sum(1 for h in good if h.household_id is None),
            "persons": sum(len(h.persons) for h in good),
            "matched_persons": sum(1 for h in good for p in h.persons if p.matched),
            "recipients": len(lines),
            "covered": sum(h.covered_members() for h in good if h.takeon is not None),
            "monthly_total": f"{total:.2f}",
            "classified_extra": f"{sum((line.extra for line in lines), Decimal('0')):.2f}",
            "totals": self.totals,
        }


class _Checker:
    def __init__(
        self,
        sheet: Sheet,
        default_area: str,
        progress: Callable[[int, int], None] | None,
        takeon: bool = False,
    ):
        self.sheet = sheet
        self.takeon = takeon
        self.columns = sheet.columns
        self.default_area = default_area
        self.progress = progress or (lambda done, total: None)
        self.problems: list[Problem] = []
        self.notices: list[str] = []
        self.households: dict[str, HouseholdPlan] = {}
        self.row_household: dict[int, HouseholdPlan] = {}
        self.today = timezone.localdate()
        choices = (
            ("marital_status", "婚姻状况", cols.MARITAL_OPTIONS),
            ("disability_type", "残疾类别", cols.DISABILITY_OPTIONS),
            ("labour_capacity", "劳动能力", cols.LABOUR_OPTIONS),
            ("employment", "就业状况", cols.EMPLOYMENT_OPTIONS),
            ("education", "文化程度", cols.EDUCATION_OPTIONS),
        )
        texts = (("ethnicity", 20), ("disability_certificate", 30), ("serious_illness", 100))
        # Only the columns the sheet has are looked at, row after row.
        self.choice_columns = [c for c in choices if c[0] in self.columns]
        self.text_columns = [c for c in texts if c[0] in self.columns]
        self.money_columns = [key for key in cols.ALL_COLUMNS if key in self.columns and key in _TAKEON_KEYS]
        # (key, position, label as the file writes it, how it is read) of each take-on column
        self.money_cells = [
            (
                key,
                self.columns[key],
                sheet.headers[self.columns[key]] or cols.label_of(key),
                "money" if key in cols.MONEY_KEYS else {"certificate_number": "certificate"}.get(key, key),
            )
            for key in self.money_columns
        ]
        self.person_cells = [self.columns.get(key) for key in _PERSON_CELLS]
        self.household_cells = [self.columns.get(key) for key in _HOUSEHOLD_CELLS]

    # -- helpers ---------------------------------------------------------------------------------

    def problem(self, row: int, key: str | None, message: str, household: HouseholdPlan | None = None) -> None:
        column = self.columns.get(key) if key else None
        self.problems.append(Problem(row, column, message))
        household = household or self.row_household.get(row)
        if household is not None:
            household.bad = True

    def cell(self, cells: list, key: str):
        position = self.columns.get(key)
        return cells[position] if position is not None else ""

    def household(self, key: str) -> HouseholdPlan:
        plan = self.households.get(key)
        if plan is None:
            plan = self.households[key] = HouseholdPlan(key=key)
        return plan

    # -- persons ---------------------------------------------------------------------------------

    def person(self, row: int, cells: list, name_value, id_value, relation: str, id_key: str) -> PersonPlan | None:
        name = v.text(name_value)
        ok = True
        if not name:
            self.problem(row, "name" if id_key == "id_number" else id_key.replace("id", "name"), "姓名不能为空")
            ok = False
        elif len(name) > 50:
            self.problem(row, "name", f"姓名“{name[:10]}…”过长")
            ok = False
        try:
            number, sex, birth_date = v.id_number(id_value)
        except v.CellError as exc:
            self.problem(row, id_key, exc.message)
            return None
        if not ok:
            return None
        fields = {"ethnicity": "汉族"}
        plan = PersonPlan(row, name, number, sex, birth_date, relation, fields, self.columns.get(id_key))
        if id_key == "id_number":
            self.person_details(row, cells, plan)
        return plan

    def person_details(self, row: int, cells: list, plan: PersonPlan) -> None:
        fields = plan.fields
        sex, grade, phone = ["" if at is None else cells[at] for at in self.person_cells]
        if sex not in ("", None):
            try:
                given = v.choice(sex, "性别", cols.SEX_OPTIONS)
                if given and given != plan.sex:
                    shown = "男" if plan.sex == "M" else "女"
                    self.problem(row, "sex", f"性别“{v.text(sex)}”与身份证号不一致（身份证号显示为{shown}），请核对")
            except v.CellError as exc:
                self.problem(row, "sex", exc.message)
        for key, label, options in self.choice_columns:
            raw = cells[self.columns[key]]
            if raw == "" or raw is None:
                continue
            try:
                value = v.choice(raw, label, options)
            except v.CellError as exc:
                self.problem(row, key, exc.message)
                continue
            if value:
                fields[key] = value
        if grade not in ("", None):
            try:
                fields["disability_grade"] = int(v.choice(grade, "残疾等级", cols.GRADE_OPTIONS))
            except v.CellError as exc:
                self.problem(row, "disability_grade", exc.message)
        if fields.get("disability_grade") and not fields.get("disability_type"):
            self.problem(row, "disability_type", "填写了残疾等级，但没有填写残疾类别")
        if fields.get("disability_type") and not fields.get("disability_grade"):
            self.problem(row, "disability_grade", "填写了残疾类别，但没有填写残疾等级")
        for key, limit in self.text_columns:
            value = v.text(cells[self.columns[key]])
            if len(value) > limit:
                self.problem(row, key, f"{cols.label_of(key)}过长（不超过{limit}字）")
            elif value:
                fields[key] = value
        if phone not in ("", None):
            try:
                fields["phone"] = v.phone(phone)
            except v.CellError as exc:
                self.problem(row, "phone", exc.message)

    # -- household-level cells ---------------------------------------------------------------------

    def household_details(self, row: int, cells: list, plan: HouseholdPlan) -> None:
        fields = plan.fields
        address, kind, bank_name, bank_account_name, bank_account, phone, start_date, area_code, village, township = [
            "" if at is None else cells[at] for at in self.household_cells
        ]
        address = v.text(address)
        if not address and ("address" not in self.columns or self.sheet.layout == "roster"):
            plan.address_given = False  # the village's name, once the village is known
        elif not address:
            self.problem(row, "address", "家庭住址不能为空（填在户主所在行）", plan)
        elif len(address) > 200:
            self.problem(row, "address", "家庭住址过长（不超过200字）", plan)
        fields["address"] = address
        try:
            kind = v.choice(kind, "城乡类别", cols.KIND_OPTIONS)
            plan.kind_given = bool(kind)
            fields["kind"] = kind
        except v.CellError as exc:
            self.problem(row, "kind", exc.message, plan)
        for key, value in (("bank_name", bank_name), ("bank_account_name", bank_account_name)):
            value = v.text(value)
            if len(value) > 50:
                self.problem(row, key, f"{cols.label_of(key)}过长", plan)
            fields[key] = value
        try:
            fields["bank_account"] = v.digits(bank_account, "银行账号", 8, 32)
        except v.CellError as exc:
            self.problem(row, "bank_account", exc.message, plan)
        try:
            fields["phone"] = v.phone(phone)
        except v.CellError:
            fields["phone"] = ""  # reported on the person
        try:
            plan.start_date = v.a_date(start_date, "入户日期")
            if plan.start_date and plan.start_date > self.today:
                self.problem(row, "start_date", "入户日期不能晚于今天", plan)
        except v.CellError as exc:
            self.problem(row, "start_date", exc.message, plan)
        plan.area_ref = (v.text(area_code).translate(_AREA_CODE_JUNK), v.text(village), v.text(township))
        plan.area_cell = (row, "area_code" if plan.area_ref[0] else "village")
        if self.money_columns:
            self.roster_money(row, cells, plan)

    def roster_money(self, row: int, cells: list, plan: HouseholdPlan | None) -> None:
        """The take-on columns of a household's row: amounts, start month, certificate, payee."""
        line = TakeOnLine()
        amounts: dict[str, Decimal | None] = {}
        failed: set[str] = set()
        for key, position, label, kind in self.money_cells:
            raw = cells[position]
            if raw is None or raw == "":
                continue
            try:
                if kind == "money":
                    amounts[key] = v.amount(raw, label)
                    if type(raw) is str and raw.strip():
                        line.text_amounts += 1
                elif kind == "start_month":
                    line.start_month = v.a_month(raw, label)
                elif kind == "covered_members":
                    line.covered = v.count(raw, label)
                elif kind == "care_arrangement":
                    line.care_arrangement = v.choice(raw, label, cols.CARE_OPTIONS)
                elif kind == "payee_id":
                    line.payee_id = v.id_number(raw)[0] if v.text(raw) else ""
                else:
                    value = v.text(raw)
                    if len(value) > 100:
                        raise v.CellError("too_long", f"{label}过长（不超过100字）")
                    setattr(line, kind, value)
            except v.CellError as exc:
                failed.add(key)
                self.problem(row, key, exc.message, plan)
        base = amounts.get("monthly_amount")
        if base is None and (amounts.get("basic_living") is not None or amounts.get("care_cost") is not None):
            base = (amounts.get("basic_living") or Decimal("0")) + (amounts.get("care_cost") or Decimal("0"))
        line.base = base
        line.extra = amounts.get("classified_extra") or Decimal("0")
        stated_total = amounts.get("row_total")
        if line.base is None and stated_total is not None:
            line.base = stated_total - line.extra
        elif stated_total is not None and stated_total != line.amount:
            self.problem(
                row,
                "row_total",
                f"合计{stated_total}元与户月保障金额{line.base}元加分类施保{line.extra}元不一致，请核对",
                plan,
            )
        if plan is None:
            return
        if plan.takeon is None:
            plan.takeon = line
        if line.payee_name and not plan.fields.get("bank_account_name"):
            plan.fields["bank_account_name"] = line.payee_name  # the account holder: 子女代领
        if self.takeon:
            if failed & set(cols.MONEY_KEYS):
                pass  # the amount's own error is reported
            elif line.base is None or line.base <= 0:
                key = "monthly_amount" if "monthly_amount" in self.columns else None
                self.problem(row, key, "户月保障金额不能为空，且须大于0", plan)
            if "start_month" in failed:
                pass
            elif line.start_month is None:
                self.problem(row, "start_month" if "start_month" in self.columns else None, "最初享受月不能为空", plan)
            elif line.start_month > self.today:
                self.problem(row, "start_month", "最初享受月不能晚于本月", plan)

    # -- layouts ---------------------------------------------------------------------------------

    def ledger(self, rows: list) -> None:
        key_at, relation_at = self.columns.get("household_key"), self.columns.get("relation")
        name_at, id_at = self.columns["name"], self.columns["id_number"]
        relations: dict[str, str] = {}  # a ledger writes a handful of relations, each a hundred thousand times
        current_key = ""
        for number, (row, cells) in enumerate(rows, 1):
            if number % 20000 == 0:
                self.progress(number, len(rows))
            relation = ""
            if relation_at is not None:
                relation_raw = cells[relation_at]
                relation = relations.get(relation_raw) if type(relation_raw) is str else None
                if relation is None:
                    try:
                        relation = v.relation(relation_raw)
                        if type(relation_raw) is str:
                            relations[relation_raw] = relation
                    except v.CellError as exc:
                        relation = "?"
                        relation_error = exc.message
            if key_at is not None:
                key = v.text(cells[key_at])
            else:  # no key column: a 户主 row opens a household, the rows below it belong to it
                if relation == HEAD or not current_key:
                    current_key = f"第{row}行起的户"
                key = current_key
            if not key:
                self.problems.append(
                    Problem(row, self.columns.get("household_key"), "户编号不能为空：同一户的成员须填写同一个户编号")
                )
                continue
            plan = self.household(key)
            plan.rows.append(row)
            self.row_household[row] = plan
            if relation == "?":
                self.problem(row, "relation", relation_error, plan)
            elif not relation:
                self.problem(row, "relation", "与户主关系不能为空", plan)
            if relation == HEAD:
                plan.head_rows.append(row)
                if len(plan.head_rows) == 1:
                    self.household_details(row, cells, plan)
            person = self.person(row, cells, cells[name_at], cells[id_at], relation, "id_number")
            if person is None:
                plan.bad = True
                plan.unreadable_persons += 1
                continue
            plan.persons.append(person)
        for plan in self.households.values():
            if len(plan.head_rows) > 1:
                for row in plan.head_rows:
                    self.problem(
                        row, "relation", f"户编号“{plan.key}”有{len(plan.head_rows)}名户主，每户只能有一名户主", plan
                    )
            elif not plan.head_rows:
                for row in plan.rows:
                    self.problem(
                        row,
                        "household_key",
                        f"户编号“{plan.key}”在表中找不到户主行：每户须有一名与户主关系为“户主”的成员",
                        plan,
                    )

    def roster(self, rows: list) -> None:
        current: HouseholdPlan | None = None
        members_by_row = "member_names" in self.columns or "name" in self.columns
        for number, (row, cells) in enumerate(rows, 1):
            if number % 20000 == 0:
                self.progress(number, len(rows))
            head_name, head_id = self.cell(cells, "head_name"), self.cell(cells, "head_id")
            if v.text(head_name) or v.text(head_id):
                current = self.household(f"第{row}行")
                current.rows.append(row)
                self.row_household[row] = current
                head = self.person(row, cells, head_name, head_id, HEAD, "head_id")
                if head is None:
                    current.bad = True
                    current.unreadable_persons += 1
                else:
                    self.person_details(row, cells, head)
                    current.persons.append(head)
                self.household_details(row, cells, current)
                size = self.cell(cells, "family_size")
                try:
                    stated = v.count(size, "家庭人口")
                    if stated is not None:
                        current.family_size = (stated, row, self.columns["family_size"])
                except v.CellError as exc:
                    self.problem(row, "family_size", exc.message, current)
            elif current is None:
                self.problems.append(Problem(row, None, "该行没有户主姓名和户主身份证号，也不在某一户之下"))
                continue
            else:
                current.rows.append(row)
                self.row_household[row] = current
            if members_by_row:
                self.roster_members(row, cells, current)
        for plan in self.households.values():
            # A roster listing heads only (one row per household, 家庭人口 > 1) is normal: the count is
            # compared only when the row also lists the members.
            if plan.family_size and not plan.bad and len(plan.persons) > 1:
                stated, row, column = plan.family_size
                if stated != len(plan.persons):
                    self.problems.append(
                        Problem(row, column, f"家庭人口填写为{stated}人，但表中列出了{len(plan.persons)}人（含户主）")
                    )
                    plan.bad = True

    def roster_members(self, row: int, cells: list, plan: HouseholdPlan) -> None:
        name_key = "member_names" if "member_names" in self.columns else "name"
        id_key = "member_ids" if "member_ids" in self.columns else "id_number"
        names_raw, ids_raw = self.cell(cells, name_key), self.cell(cells, id_key)
        names = [n for n in _SPLIT.split(v.text(names_raw)) if n.strip()]
        ids = [i for i in _SPLIT.split(v.text(ids_raw)) if i.strip()] if isinstance(ids_raw, str) else [ids_raw]
        ids = [i for i in ids if i not in ("", None)]
        relation_key = "member_relations" if "member_relations" in self.columns else "relation"
        relations = [r for r in _SPLIT.split(v.text(self.cell(cells, relation_key))) if r.strip()]
        if not names and not ids:
            return
        if len(names) != len(ids):
            self.problem(
                row, id_key, f"家庭成员姓名有{len(names)}个，身份证号有{len(ids)}个，须一一对应（用顿号“、”分隔）", plan
            )
            return
        head = plan.persons[0] if plan.persons and plan.persons[0].relation == HEAD else None
        unknown = 0
        for index, (name, id_value) in enumerate(zip(names, ids, strict=True)):
            relation = Relation.OTHER_RELATIVE
            if index < len(relations) and len(relations) == len(names):
                try:
                    relation = v.relation(relations[index])
                except v.CellError as exc:
                    self.problem(row, relation_key, exc.message, plan)
                    continue
            else:
                unknown += 1
            person = self.person(row, cells, name.strip(), id_value, relation, id_key)
            if person is None:
                plan.bad = True
                plan.unreadable_persons += 1
                continue
            if head is not None and person.id_number == head.id_number:
                continue  # the roster lists the head among the members too
            if relation == HEAD:
                self.problem(row, relation_key, f"{name}被标为户主，但本户户主已在户主姓名列填写", plan)
                continue
            if len(names) > 1:  # the row's other cells describe no one member in particular
                person.fields = {"ethnicity": "汉族"}
            plan.persons.append(person)
        if unknown:
            self.unknown_relations = getattr(self, "unknown_relations", 0) + unknown

    # -- across the file -------------------------------------------------------------------------

    def duplicates_in_file(self) -> None:
        first: dict[str, PersonPlan] = {}
        for plan in self.households.values():
            for person in plan.persons:
                earlier = first.get(person.id_number)
                if earlier is None:
                    first[person.id_number] = person
                    continue
                self.problems.append(
                    Problem(person.row, person.id_column, f"身份证号与第{earlier.row}行重复：同一人只能出现一次")
                )
                self.problems.append(
                    Problem(earlier.row, earlier.id_column, f"身份证号在第{person.row}行再次出现：同一人只能出现一次")
                )
                plan.bad = True
                self.row_household[earlier.row].bad = True

    def duplicates_in_registry(self) -> None:
        scope = current_scope()
        numbers = [p.id_number for h in self.households.values() for p in h.persons]
        registered = {number: (name, area_code) for number, name, area_code in _registered(numbers)}
        # Rows only for the numbers found (usually none), not a map of all 300,000.
        by_id = {p.id_number: (p, h) for h in self.households.values() for p in h.persons if p.id_number in registered}
        if self.takeon and registered:
            self.match_registered(registered, by_id, scope)
            return
        for number, (name, area_code) in registered.items():
            person, plan = by_id[number]
            if scope.allows(area_code):
                message = f"身份证号已登记：{name}（区划{area_code}），不能重复导入，请在原记录上修改"
            else:
                message = "该身份证号已在其他辖区登记，不能导入；请联系其常住地乡镇办理迁入"
            self.problems.append(Problem(person.row, person.id_column, message))
            plan.bad = True

    def match_registered(self, registered: dict, by_id: dict, scope) -> None:
        """A take-on matches a person already in the registry instead of registering them twice:
        same ID and same name, inside the jurisdiction. A registered head brings their household
        (the new members join it); a registered member of another household is an error."""
        from registry.models import Membership

        current = dict(
            Membership.unscoped.filter(person__id_number__in=list(registered), end_date__isnull=True).values_list(
                "person__id_number", "household_id"
            )
        )
        pks = dict(Person.unscoped.filter(id_number__in=list(registered)).values_list("id_number", "pk"))
        heads = dict(
            Membership.unscoped.filter(
                household_id__in=set(current.values()), relation=HEAD, end_date__isnull=True
            ).values_list("household_id", "person__name")
        )
        for number, (name, area_code) in registered.items():
            person, plan = by_id[number]
            if not scope.allows(area_code):
                message = "该身份证号已在其他辖区登记，不能导入；请联系其常住地乡镇办理迁入"
                self.problems.append(Problem(person.row, person.id_column, message))
                plan.bad = True
            elif name != person.name:
                message = f"身份证号已登记为“{name}”，与表中姓名“{person.name}”不一致，请核对"
                self.problems.append(Problem(person.row, person.id_column, message))
                plan.bad = True
            else:
                person.pk, person.matched = pks[number], True
        for plan in self.households.values():
            matched = [p for p in plan.persons if p.matched]
            if plan.bad or not matched:
                continue
            head = plan.head
            household_id = current.get(head.id_number) if head is not None and head.matched else None
            if household_id is None:
                person = matched[0]
                where = current.get(person.id_number)
                message = (
                    f"{person.name}已登记在户主为“{heads.get(where, '')}”的家庭户，与本表的户主不是同一户，请核对"
                    if where
                    else f"{person.name}已登记但不属于任何家庭户，请先在居民档案中为其建户"
                )
                self.problems.append(Problem(person.row, person.id_column, message))
                plan.bad = True
                continue
            for person in matched:
                if current.get(person.id_number) != household_id:
                    message = f"{person.name}已登记在另一家庭户（户主{heads.get(current.get(person.id_number), '')}），与本表不一致"
                    self.problems.append(Problem(person.row, person.id_column, message))
                    plan.bad = True
            plan.household_id = household_id

    def totals(self) -> list[dict]:
        """The file's own 合计 row against the sum of its lines, per money column."""
        if not self.sheet.totals:
            return []
        compared = []
        lines = [h.takeon for h in self.households.values() if h.takeon is not None]
        text_rows = sum(line.text_amounts for line in lines)
        for key in cols.MONEY_KEYS:
            position = self.columns.get(key)
            if position is None:
                continue
            stated = None
            for _row, cells in self.sheet.totals:
                try:
                    stated = v.amount(cells[position] if position < len(cells) else "") if stated is None else stated
                except v.CellError:
                    continue
            if stated is None:
                continue
            attr = {"monthly_amount": "base", "classified_extra": "extra", "row_total": "amount"}.get(key)
            if attr is None:
                continue
            summed = sum((getattr(line, attr) or Decimal("0") for line in lines), Decimal("0"))
            compared.append(
                {
                    "column": self.sheet.headers[position],
                    "file_total": f"{stated:.2f}",
                    "sum": f"{summed:.2f}",
                    "difference": f"{summed - stated:.2f}",
                    "matches": stated == summed,
                    "text_amounts": text_rows,
                }
            )
        return compared

    def areas(self) -> None:
        scope = current_scope()
        plans = [p for p in self.households.values() if p.fields]
        codes = {p.area_ref[0] for p in plans if p.area_ref[0]}
        names = {p.area_ref[1] for p in plans if not p.area_ref[0] and p.area_ref[1]}
        known = dict(Area.objects.filter(code__in=codes, valid_to__isnull=True).values_list("code", "name"))
        area_names = dict(known)
        by_name: dict[str, list[str]] = {}
        for code, name in Area.objects.filter(name__in=names, valid_to__isnull=True).values_list("code", "name"):
            by_name.setdefault(name, []).append(code)
            area_names[code] = name
        if self.default_area and not ({"area_code", "village"} & self.columns.keys()):
            area_names |= dict(Area.objects.filter(code=self.default_area).values_list("code", "name"))
        townships: dict[str, list[str]] = {}
        wanted = {p.area_ref[2] for p in plans if p.area_ref[2]}
        for code, name in Area.objects.filter(name__in=wanted, valid_to__isnull=True).values_list("code", "name"):
            townships.setdefault(name, []).append(code[:9])
        no_area_column = not ({"area_code", "village"} & self.columns.keys())
        for plan in plans:
            code, village, township = plan.area_ref
            row, key = plan.area_cell
            if code:
                if code not in known:
                    self.problem(row, key, f"区划代码“{code}”不存在或已停用，请填写12位村（社区）区划代码", plan)
                    continue
            elif village:
                found = by_name.get(village, [])
                if township:
                    found = [c for c in found if c[:9] in townships.get(township, [])]
                inside = [c for c in found if scope.allows(c)]
                if len(inside) > 1:
                    self.problem(row, key, f"本辖区有{len(inside)}个名为“{village}”的村（社区），请改填区划代码", plan)
                    continue
                if not found:
                    self.problem(row, key, f"找不到名为“{village}”的村（社区），请核对名称或改填区划代码", plan)
                    continue
                code = (inside or found)[0]
            elif no_area_column:
                code = self.default_area
            else:
                self.problem(row, key, "所属村（社区）或区划代码不能为空（填在户主所在行）", plan)
                continue
            if not scope.allows(code):
                self.problem(row, key, f"区划“{code}”不在您的辖区内，只能导入本辖区的家庭", plan)
                continue
            plan.fields["area_code"] = code
            village_name = area_names.get(code, "")
            if not plan.address_given:
                plan.fields["address"] = village_name or code
            if not plan.kind_given:
                kind = kind_of_village(village_name)
                if kind:
                    plan.fields["kind"] = kind
                else:
                    self.problem(
                        row,
                        "kind",
                        f"无法从“{village_name or code}”判断城乡类别，请在表中填写城乡类别（城市或农村）",
                        plan,
                    )

    def run(self) -> Plan:
        rows = self.sheet.data_rows()
        self.progress(0, len(rows))
        if self.sheet.layout == "roster":
            self.roster(rows)
        else:
            self.ledger(rows)
        self.duplicates_in_file()
        self.areas()
        self.duplicates_in_registry()
        compared = self.totals()
        proxies = [h for h in self.households.values() if h.takeon and "代领" in h.takeon.remarks]
        unnamed = [h for h in proxies if not h.takeon.payee_name]
        if unnamed:
            self.notices.append(
                f"{len(unnamed)}户的备注写有“代领”，但没有填写收款人姓名和身份证号（如第{unnamed[0].rows[0]}行）；"
                "导入后按银行账户名称发放，请在收款人处补充代领人信息"
            )
        for line in compared:
            if not line["matches"]:
                self.notices.append(
                    f"表中“{line['column']}”的合计行为{line['file_total']}元，逐行相加为{line['sum']}元，"
                    f"相差{line['difference']}元"
                    + ("（表中有以文本形式填写的金额，Excel求和时会跳过）" if line["text_amounts"] else "")
                )
        if not self.households:
            self.problems.append(Problem(0, None, "表中没有可导入的数据行"))
        if getattr(self, "unknown_relations", 0):
            self.notices.append(
                f"{self.unknown_relations}名家庭成员未注明与户主关系，导入后记为“其他亲属”，请核实后更正"
            )
        for reason, number in self.sheet.skipped.items():
            self.notices.append(f"已跳过{number}个{reason}")
        self.problems.sort(key=lambda p: (p.row, p.column if p.column is not None else -1))
        return Plan(self.sheet, list(self.households.values()), self.problems, self.notices, compared)


def _registered(numbers: list[str]) -> list[tuple[str, str, str]]:
    """(id_number, name, area_code) of the numbers already in the registry, in any jurisdiction.

    One parameter per 50,000 numbers: the ORM's `__in` spent longer building 300,000 placeholders
    than the database spent on the unique index. On PostgreSQL the numbers go as one comma-joined
    string that the server splits (checked numbers are digits and X, never a comma): psycopg
    dumps a list element by element in Python (300,000 numbers: 0.45 → 0.19 s). SQLite: JSON.
    """
    if connection.vendor == "postgresql":
        where, wrap = "id_number = ANY(string_to_array(%s, ','))", ",".join
    else:
        where, wrap = "id_number IN (SELECT value FROM json_each(%s))", json.dumps
    sql = f"SELECT id_number, name, area_code FROM {Person._meta.db_table} WHERE {where}"  # noqa: S608 - our table
    found = []
    with connection.cursor() as cursor:
        for start in range(0, len(numbers), 50_000):
            cursor.execute(sql, [wrap(numbers[start : start + 50_000])])
            found += cursor.fetchall()
    return found


def kind_of_village(name: str) -> str:
    """城乡类别 from the name of a village or community: 社区/居委会 are urban, 村 rural; "" when the
    name does not say (then the file must)."""
    if name.endswith(_URBAN_SUFFIXES):
        return "urban"
    if name.endswith(_RURAL_SUFFIXES):
        return "rural"
    return ""


@gc_paused()
def check(
    sheet: Sheet, default_area: str, progress: Callable[[int, int], None] | None = None, takeon: bool = False
) -> Plan:
    """Check every row of a sheet inside the current jurisdiction; nothing is written.

    `takeon`: the rows are existing recipients (存量保障对象) whose benefit goes into the ledger:
    amounts and the start month are required, and a person already registered is matched."""
    return _Checker(sheet, default_area, progress, takeon).run()
