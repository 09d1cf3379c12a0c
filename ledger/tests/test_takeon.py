"""Take-on of a county's existing recipients (ledger/takeon.py through the registry importer):
households, persons and enrolments from the county's own roster, in one all-or-nothing batch."""

from datetime import date
from decimal import Decimal

import pytest

from accounts.tests.factories import ensure_area
from areas.jurisdiction import scope_for_area, within
from ledger.models import Enrolment, EnrolmentEvent, ReviewSchedule
from policy.programmes import Programme
from registry import hooks
from registry.idcard import make_id_number
from registry.importing.checking import check
from registry.importing.reading import NeedsMapping, read_sheet
from registry.importing.writing import write_households
from registry.models import Household, Membership, Person
from registry.tests import samples

pytestmark = pytest.mark.django_db
VILLAGE_A = "430522100201"  # 城西社区
VILLAGE_R = "430522100202"  # 石桥村
HEADER = ["序号", "户主姓名", "户主身份证号", "家庭人口", "保障人口", "户月保障金额（元）", "分类施保总额（元）",
          "合计（元）", "所属社区", "最初享受月", "开户银行", "银行帐号", "收款人姓名", "收款人身份证号", "备注"]  # fmt: skip


@pytest.fixture
def villages(township_a):
    ensure_area(VILLAGE_A, "城西社区")
    ensure_area(VILLAGE_R, "石桥村")


def ident(n: int, year: int = 1950, male: bool = True) -> str:
    return make_id_number("430522", date(year, 1 + n % 12, 1 + n % 28), n, male)


def row(n: int, amount, extra=0, total=None, village="城西社区", start="2019.3", payee=("", ""), size=3):
    total = total if total is not None else (Decimal(str(amount)) + Decimal(str(extra)) if amount != "" else "")
    return [n, f"王{'一二三四五六七八九'[n % 9]}{n}", ident(n), size, size, amount, extra, total, village, start,
            "农商银行", f"62300010000{n:05d}", payee[0], payee[1], ""]  # fmt: skip


def plan_of(data: bytes, takeon=True, mapping=None):
    sheet = read_sheet(data, "花名册.xlsx", mapping, strict=True)
    with within(scope_for_area("430522100000")):
        plan = check(sheet, default_area="430522100000", takeon=takeon)
        for household, message in hooks.take_on().check(plan.good, programme=Programme.DIBAO):
            plan.problems.append(message)
            household.bad = True
    return plan


def take_on(plan, programme=Programme.DIBAO, user=None):
    with within(scope_for_area("430522100000")):
        return write_households(
            plan.good,
            source="花名册.xlsx",
            then=lambda plans: hooks.take_on().write(plans, programme=programme, user=user, on_date=date(2025, 4, 10)),
        )


def test_heads_only_roster_becomes_households_persons_and_enrolments(villages, clerk_a):
    son = make_id_number("430522", date(1980, 5, 6), 77, True)
    rows = [row(1, 650, 50), row(2, "320.5", 0, village="石桥村", size=1), row(3, 400, 0, payee=("王小三", son))]
    data = samples.any_roster_bytes(HEADER, rows, ["合计", "", "", "", "", 1050, 50, 1100])
    plan = plan_of(data)
    assert not plan.problems, plan.problems
    summary = plan.summary()
    assert (summary["households"], summary["persons"], summary["recipients"]) == (3, 3, 3)
    assert summary["monthly_total"] == "1420.50" and summary["covered"] == 7
    # the file's 合计 row missed the text amount "320.5" (Excel's SUM skips text): shown, not hidden
    by_column = {line["column"]: line for line in summary["totals"]}
    assert by_column["户月保障金额（元）"]["file_total"] == "1050.00"
    assert by_column["户月保障金额（元）"]["sum"] == "1370.50" and not by_column["户月保障金额（元）"]["matches"]
    assert any("Excel求和时会跳过" in notice for notice in plan.notices)

    written = take_on(plan, user=clerk_a)

    assert written["enrolments"] == 3 and written["monthly_total"] == "1420.50"
    assert Household.unscoped.count() == 3 and Person.unscoped.count() == 3
    first = Household.unscoped.get(head__id_number=ident(1))
    assert first.address == "城西社区" and first.kind == "urban"  # no 家庭住址 column: the village
    assert Household.unscoped.get(head__id_number=ident(2)).kind == "rural"  # 石桥村
    enrolment = Enrolment.unscoped.get(household=first)
    assert enrolment.monthly_amount == Decimal("700.00") and enrolment.classified_extra == Decimal("50.00")
    assert enrolment.start_month == date(2019, 3, 1) and enrolment.covered_members == 3
    assert enrolment.programme == Programme.DIBAO and enrolment.beneficiary_id is None
    proxy = Enrolment.unscoped.get(household__head__id_number=ident(3))
    assert (proxy.payee_name, proxy.payee_id_number) == ("王小三", son)
    assert proxy.household.bank_account_name == "王小三"
    event = EnrolmentEvent.objects.get(enrolment=enrolment)
    assert event.kind == "enrolled" and event.recorded_by == clerk_a and event.details["分类施保"] == "50.00"
    assert ReviewSchedule.objects.filter(enrolment=enrolment).exists()


def test_dates_and_amounts_as_clerks_type_them(villages):
    starts = ["2025.3.1", "2025年3月", "202503", 45717, "2025-03"]  # 45717: Excel's serial for 2025-03-01
    rows = [row(n, 500, start=start) for n, start in enumerate(starts, 1)]
    rows.append(row(9, "伍佰元", total=""))
    plan = plan_of(samples.any_roster_bytes(HEADER, rows))
    months = {h.persons[0].name: h.takeon.start_month for h in plan.households if h.takeon}
    assert set(list(months.values())[:5]) == {date(2025, 3, 1)}
    [problem] = plan.problems
    assert problem.row == 8 and HEADER[problem.column] == "户月保障金额（元）"
    assert "伍佰元" in problem.message and "应为500" in problem.message


def test_missing_amount_and_month_are_errors_naming_row_and_column(villages):
    rows = [row(1, "", start=""), row(2, 600, 0, total=650)]
    plan = plan_of(samples.any_roster_bytes(HEADER, rows))
    messages = {(p.row, HEADER[p.column] if p.column is not None else ""): p.message for p in plan.problems}
    assert "户月保障金额不能为空" in messages[(3, "户月保障金额（元）")]
    assert "最初享受月不能为空" in messages[(3, "最初享受月")]
    assert "合计650" in messages[(4, "合计（元）")]


def test_unknown_columns_need_a_mapping_and_ignored_ones_are_listed(villages):
    header = [*HEADER[:5], "低保金（元/月）", "其中：分类施保", *HEADER[7:], "联系人微信"]
    rows = [[*row(1, 500, 20), "wx123"]]
    data = samples.any_roster_bytes(header, rows)
    with pytest.raises(NeedsMapping) as raised:
        read_sheet(data, "花名册.xlsx", strict=True)
    unknown = [raised.value.sheet.headers[p] for p in raised.value.sheet.unknown]
    assert unknown == ["其中：分类施保", "联系人微信"]  # 低保金 is a known name with its unit
    mapping = {"其中：分类施保": "classified_extra", "联系人微信": ""}
    sheet = read_sheet(data, "花名册.xlsx", mapping, strict=True)
    assert sheet.ignored_headers == ["序号", "联系人微信"]
    plan = plan_of(data, mapping=mapping)
    assert not plan.problems and plan.households[0].takeon.amount == Decimal("520")


def test_registered_person_is_matched_not_duplicated(villages, clerk_a):
    take_on(plan_of(samples.any_roster_bytes(HEADER, [row(1, 500)])), user=clerk_a)
    Enrolment.unscoped.update(status=Enrolment.Status.STOPPED)  # stopped in the old system meanwhile
    plan = plan_of(samples.any_roster_bytes(HEADER, [row(1, 600)]))
    assert not plan.problems and plan.households[0].persons[0].matched
    take_on(plan, user=clerk_a)
    assert Person.unscoped.count() == 1 and Household.unscoped.count() == 1 and Membership.unscoped.count() == 1
    assert Enrolment.unscoped.filter(status="in_payment").get().monthly_amount == Decimal("600")


def test_registered_person_with_another_name_or_enrolment_is_an_error(villages, clerk_a):
    take_on(plan_of(samples.any_roster_bytes(HEADER, [row(1, 500)])), user=clerk_a)
    renamed = row(1, 500)
    renamed[1] = "李四"
    plan = plan_of(samples.any_roster_bytes(HEADER, [renamed]))
    assert "与表中姓名“李四”不一致" in plan.problems[0].message
    plan = plan_of(samples.any_roster_bytes(HEADER, [row(1, 500)]))
    assert plan.problems == ["该户已在最低生活保障（低保）保障中，不能重复导入"]
    assert Person.unscoped.count() == 1 and Enrolment.unscoped.count() == 1


def test_tekun_needs_care_arrangement(villages, clerk_a):
    header = ["户主姓名", "户主身份证号", "基本生活总费用", "照料护理总费用", "所属社区", "最初享受月", "供养方式"]
    rows = [["赵一", ident(1, 1940), 1100, 300, "城西社区", "2020.1", "分散供养"], ["赵二", ident(2, 1941), 1100, 0, "城西社区", "2020.1", ""]]  # fmt: skip
    sheet = read_sheet(samples.any_roster_bytes(header, rows), "特困.xlsx", strict=True)
    with within(scope_for_area("430522100000")):
        plan = check(sheet, default_area="430522100000", takeon=True)
        problems = hooks.take_on().check(plan.good, programme=Programme.TEKUN)
    assert [(h.persons[0].name, message) for h, message in problems] == [
        ("赵二", "特困人员须填写供养方式（分散供养或集中供养）")
    ]
    problems[0][0].bad = True
    take_on(plan, programme=Programme.TEKUN, user=clerk_a)
    enrolment = Enrolment.unscoped.get()
    assert enrolment.monthly_amount == Decimal("1400") and enrolment.care_arrangement == "dispersed"
    assert enrolment.beneficiary.name == "赵一" and enrolment.covered_members == 1


@pytest.mark.postgres_only
def test_first_take_on_loads_in_bulk_and_leaves_the_ledger_schema_as_migrated(villages, clerk_a):
    """A take-on larger than the ledger sets its indexes and foreign keys aside and makes them again
    (registry/importing/takeon.py): afterwards every index and constraint is what the migrations made."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("需要 PostgreSQL：批量导入模式只在 PostgreSQL 上删除并重建索引")
    from ledger.takeon import LEDGER_TABLES

    def schema():
        with connection.cursor() as cursor:
            return {
                model._meta.db_table: connection.introspection.get_constraints(cursor, model._meta.db_table)
                for model in LEDGER_TABLES
            }

    migrated = schema()
    written = take_on(plan_of(samples.any_roster_bytes(HEADER, [row(1, 500), row(2, 600)])), user=clerk_a)
    assert written["ledger_bulk"] == 1 and written["enrolments"] == 2
    assert schema() == migrated
    assert EnrolmentEvent.objects.filter(enrolment__household__head__id_number=ident(2)).get().amount_after == 600


def test_a_header_of_only_unfamiliar_names_goes_to_the_mapping_step(villages, clerk_a):
    header = ["户主名", "公民证号", "每月金额", "村名", "起始"]
    data = samples.any_roster_bytes(header, [["钱一", ident(5), 480, "城西社区", "2021.6"]])
    with pytest.raises(NeedsMapping) as raised:
        read_sheet(data, "花名册.xlsx", strict=True)
    sheet = raised.value.sheet
    assert sheet.header_index == 1 and [sheet.headers[p] for p in sheet.unknown] == header
    mapping = dict(zip(header, ["head_name", "head_id", "monthly_amount", "village", "start_month"], strict=True))
    plan = plan_of(data, mapping=mapping)
    assert not plan.problems and plan.summary()["monthly_total"] == "480.00"


def test_a_column_without_a_name_is_listed_as_ignored(villages):
    rows = [[*row(1, 500), "", "另有低保边缘"]]
    sheet = read_sheet(samples.any_roster_bytes([*HEADER, "", ""], rows), "花名册.xlsx", strict=True)
    assert sheet.ignored_headers == ["序号", "第17列（无列名）"]


def test_a_proxy_remark_without_a_payee_is_pointed_out(villages):
    remarked = row(1, 500)
    remarked[-1] = "子女代领"
    plan = plan_of(samples.any_roster_bytes(HEADER, [remarked, row(2, 400)]))
    assert not plan.problems
    assert any("1户的备注写有“代领”" in notice and "第3行" in notice for notice in plan.notices)
