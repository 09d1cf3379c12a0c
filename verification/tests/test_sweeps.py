"""Sweeps: each finding kind from a small hand-made dataset; findings open work; re-runs add nothing."""

from datetime import date
from decimal import Decimal

import pytest

from areas.jurisdiction import Scope, scope_for_area, within
from cases.models import Case
from ledger.deaths import record_death
from monitoring.models import Warning
from policy.programmes import Programme
from verification.jobs import sweep_and_open
from verification.models import Finding, Sweep
from verification.sweeps import run_sweep
from verification.tests.factories import DAY, enrol, family, load, raw_enrolment, two_deaths

pytestmark = pytest.mark.django_db
K = Finding.Kind


def kinds():
    return sorted(Finding.objects.values_list("kind", flat=True))


def test_a_death_stops_payment_opens_a_review_within_three_months_and_flags_payments_after_it(clerk_a, worker_a):
    couple, alone = two_deaths()
    result = sweep_and_open(on_date=DAY)

    deaths = Finding.objects.filter(kind=K.DEATH).order_by("due_on")
    assert [(f.household_id, f.due_on) for f in deaths] == [
        (couple.pk, date(2025, 8, 20)),
        (alone.pk, date(2025, 9, 15)),
    ]
    flag = Finding.objects.get(kind=K.PAID_AFTER_DEATH)  # the couple's dibao still has a living member
    assert flag.household_id == alone.pk
    assert flag.amount == Decimal("1800.00")  # July, August, September at 600
    review = Case.objects.get(household=alone)
    assert review.item.code == "dibao_change"
    # opened by the system, not in a clerk's name, with its clock running, in the township's queue
    assert review.accepted_by is None and review.accepting_unit == clerk_a.unit
    assert (review.status, review.clock_started_on) == ("in_progress", DAY)
    assert review.current_step.responsible_unit == clerk_a.unit and review.current_step.state == "active"
    assert review.events.get(kind="accepted").actor_name == "系统"
    # opened for this death (with the other deaths, beforehand), not "joined"
    assert Finding.objects.get(kind=K.DEATH, household=alone).work_note.startswith(f"已发起复核：{review.receipt_no}")
    assert flag.case_id == review.pk and flag.status == Finding.Status.WORK_OPENED
    assert Case.objects.filter(household=couple).count() == 1
    assert result["work_opened"] == 3
    # the reported death goes through ledger.deaths.record_death: the man alone stops from July
    stopped = alone.enrolments.get()
    assert (stopped.status, stopped.end_month) == ("stopped", date(2025, 7, 1))
    assert stopped.events.get(kind="stopped").case_reference == review.receipt_no
    assert alone.head.__class__.objects.get(pk=alone.head_id).death_date == date(2025, 6, 15)
    assert review.events.filter(kind="note", data__death_of=alone.head_id).count() == 1
    # the couple's dibao goes on for the widower until the review decides its amount
    assert couple.enrolments.get().status == "in_payment"
    assert "保障待复核后调整" in Finding.objects.get(kind=K.DEATH, household=couple).work_note


def test_a_death_recorded_at_the_registry_first_is_not_handled_twice_by_the_death_file(clerk_a):
    household = family({"name": "王大"}, {"name": "李二"})
    enrol(household)
    wife = household.current_memberships()[1].person
    first = record_death(wife, died_on=date(2025, 5, 20), source="registry", user=clerk_a, on_date=date(2025, 5, 25))
    load("funeral", ["逝者身份证号", "姓名", "火化日期"], [[wife.id_number, wife.name, "2025-05-22"]])
    sweep_and_open(on_date=DAY)
    finding = Finding.objects.get(kind=K.DEATH)
    assert finding.case == first.case and first.case.receipt_no in finding.work_note
    assert Case.objects.count() == 1
    assert first.case.events.filter(kind="note", data__death_of=wife.pk).count() == 1
    wife.refresh_from_db()
    assert wife.death_date == date(2025, 5, 20)  # the cremation date does not replace the date on record


def test_rerunning_a_sweep_creates_no_duplicate_findings_or_cases(clerk_a):
    household = family({"name": "王大"})
    enrol(household)
    load("death", ["身份证号", "姓名", "死亡日期"], [[household.head.id_number, "王大", "2025-05-20"]])
    sweep_and_open(on_date=DAY)
    before = (Finding.objects.count(), Case.objects.count())
    second = sweep_and_open(on_date=DAY)
    assert sum(second["counts"].values()) == 0
    assert (Finding.objects.count(), Case.objects.count()) == before


def test_new_car_business_and_second_house_above_the_limits_open_reviews(clerk_a):
    household = family({"name": "钱多"}, {"name": "钱妻"})
    enrol(household, decided_on=date(2025, 1, 10))
    head = household.head.id_number
    load(
        "vehicle",
        ["所有人身份证号", "姓名", "号牌号码", "初次登记日期", "车辆类型"],
        [
            [head, "钱多", "湘E00001", "2025-04-01", "小型汽车"],
            [head, "钱多", "湘E00002", "2025-04-01", "残疾人专用车"],
        ],
    )
    load(
        "business",
        ["投资人身份证号", "姓名", "统一社会信用代码", "成立日期", "登记状态"],
        [
            [head, "钱多", "91430522MA4L111111", "2025-03-01", "存续"],
            [head, "钱多", "91430522MA4L222222", "2019-03-01", "存续"],  # known at enrolment
        ],
    )
    load(
        "real_estate",
        ["权利人身份证号", "姓名", "不动产权证号", "登记日期", "用途"],
        [
            [head, "钱多", "湘(2018)新邵县不动产权第0001号", "2018-01-01", "住宅"],
            [head, "钱多", "湘(2025)新邵县不动产权第0002号", "2025-05-01", "住宅"],
        ],
    )
    sweep_and_open(on_date=DAY)
    found = {(f.kind, f.ref) for f in Finding.objects.all()}
    assert found == {
        (K.VEHICLE, "湘E00001"),
        (K.BUSINESS, "91430522MA4L111111"),
        (K.PROPERTY, "湘(2025)新邵县不动产权第0002号"),
    }
    assert Case.objects.filter(household=household).count() == 1  # one review case carries them all


def test_income_and_deposits_over_the_standard(clerk_a):
    household = family({"name": "孙工"})
    enrol(household)
    worker = household.head.id_number
    load(
        "wage",
        ["身份证号", "姓名", "所属月份", "应发工资"],
        [[worker, "孙工", f"2025-0{m}", "3000"] for m in range(1, 9)],
    )
    load("deposit", ["身份证号", "姓名", "查询日期", "金融资产余额"], [[worker, "孙工", "2025-08-31", "20000"]])
    run_sweep(on_date=DAY)
    income = Finding.objects.get(kind=K.INCOME)
    assert income.amount == Decimal("2000.00")  # 24,000 over 12 months, one member; rural standard 470
    assert Finding.objects.filter(kind=K.DEPOSIT).exists()  # limit 470 × 24 × 1 = 11,280


def test_duplicate_and_overlapping_aid(clerk_a):
    first = family({"name": "周甲"}, {"name": "周乙"}, bank_account="6228480000000001")
    other = family({"name": "吴丙"}, bank_account="6228480000000001")
    enrol(first)
    enrol(other)
    member = first.current_memberships()[1].person
    raw_enrolment(first, Programme.TEKUN, beneficiary=member)  # 低保 and 特困 for the same person
    raw_enrolment(first, Programme.EDGE)  # 低保 and 边缘 pay for the same need
    elsewhere = family({"name": "郑丁"})
    raw_enrolment(elsewhere, Programme.DISABILITY_LIVING, beneficiary=first.head)  # counted in a second household
    run_sweep(on_date=DAY, kinds=["incompatible", "two_households", "same_need", "shared_account"])
    assert set(kinds()) == {K.INCOMPATIBLE, K.TWO_HOUSEHOLDS, K.SAME_NEED, K.SHARED_ACCOUNT}
    assert Finding.objects.get(kind=K.INCOMPATIBLE).person == member
    assert set(Finding.objects.filter(kind=K.SHARED_ACCOUNT).values_list("household_id", flat=True)) == {
        first.pk,
        other.pk,
    }
    assert Finding.objects.get(kind=K.TWO_HOUSEHOLDS).person == first.head


def test_missed_aid_becomes_an_outreach_visit_for_the_village_worker(worker_a, clerk_a):
    severe = family({"name": "冯残", "disability_type": "4", "disability_grade": 1})
    poor = family({"name": "陈父"}, {"name": "陈子", "disability_type": "5", "disability_grade": 3})
    enrol(poor)
    lonely = family({"name": "蒋奶", "birth_date": date(1950, 3, 1)})
    pensioner = family({"name": "韩爷", "birth_date": date(1950, 3, 1)})
    load(
        "pension",
        ["身份证号", "姓名", "发放月份", "养老金金额"],
        [[pensioner.head.id_number, "韩爷", "2025-08", "2000"]],
    )
    sweep_and_open(on_date=DAY)
    missed = {(f.kind, f.person.name) for f in Finding.objects.filter(kind__startswith="missed")}
    assert missed == {(K.MISSED_CARE, "冯残"), (K.MISSED_LIVING, "陈子"), (K.MISSED_TEKUN, "蒋奶")}
    visits = Warning.objects.filter(signal="missed_aid")
    assert visits.count() == 3
    assert {w.assigned_to for w in visits} == {worker_a}
    assert {w.household_id for w in visits} == {severe.pk, poor.pk, lonely.pk}
    assert set(Finding.objects.filter(kind__startswith="missed").values_list("status", flat=True)) == {"work_opened"}


def test_findings_are_scoped_to_the_jurisdiction(clerk_a, clerk_b, client):
    here = family({"name": "王大"})
    there = family({"name": "李四"}, area="430522101001")
    enrol(here)
    enrol(there)
    load(
        "death",
        ["身份证号", "姓名", "死亡日期"],
        [[here.head.id_number, "王大", "2025-05-20"], [there.head.id_number, "李四", "2025-05-21"]],
    )
    run_sweep(on_date=DAY)
    assert Finding.objects.filter(kind=K.DEATH).count() == 2
    with within(scope_for_area("430522101000")):
        assert list(Finding.objects.filter(kind=K.DEATH).values_list("household_id", flat=True)) == [there.pk]
    client.force_login(clerk_a)
    page = client.get("/verification/findings/").content.decode()
    assert here.number in page and there.number not in page
    mine = Finding.objects.get(household=there, kind=K.DEATH)
    assert client.get(f"/verification/findings/{mine.pk}/").status_code == 404


def test_a_sweep_in_a_township_scope_only_reads_its_own_enrolments():
    here = family({"name": "王大"})
    there = family({"name": "李四"}, area="430522101001")
    enrol(here)
    enrol(there)
    load(
        "death",
        ["身份证号", "姓名", "死亡日期"],
        [[here.head.id_number, "王大", "2025-05-20"], [there.head.id_number, "李四", "2025-05-21"]],
    )
    with within(scope_for_area("430522101000")):
        run_sweep(on_date=DAY, kinds=["death"])
    assert list(Finding.objects.values_list("household_id", flat=True)) == [there.pk]


def test_a_sweep_above_county_level_sweeps_each_county_under_it_on_its_own():
    people = {}
    for area in ("430522100201", "430523100201", "430102001001"):  # 新邵县 and 邵阳县 (邵阳市), 长沙市芙蓉区
        household = family({"name": "王大"}, area=area)
        enrol(household)
        people[area[:6]] = household.head.id_number
    load("death", ["身份证号", "姓名", "死亡日期"], [[number, "王大", "2025-05-20"] for number in people.values()])

    with within(Scope(prefix="4305")):  # a city bureau's sweep: its two counties, each a sweep of its own
        city = run_sweep(on_date=DAY, kinds=["death"])
    assert [(s.area_code, s.counts) for s in city] == [("430522000000", {"death": 1}), ("430523000000", {"death": 1})]
    assert {f.area_code[:6]: f.sweep.area_code for f in Finding.objects.all()} == {
        "430522": "430522000000",
        "430523": "430523000000",
    }
    everywhere = run_sweep(on_date=DAY, kinds=["death"])  # the system scope: every county with households
    assert [(s.area_code, s.counts) for s in everywhere] == [
        ("430102000000", {"death": 1}),
        ("430522000000", {"death": 0}),
        ("430523000000", {"death": 0}),
    ]
    assert Sweep.objects.count() == 5


def test_a_county_that_lowers_the_tekun_age_has_its_younger_lonely_elderly_found(worker_a, clerk_a):
    """独居无收入老人未纳入特困 reads the county's 特困 age (tekun.elderly_age), never 60 written in."""
    from policy.models import PolicyParameter
    from policy.programmes import ParameterKey

    younger = family({"name": "沈姨", "birth_date": date(1968, 3, 1)})  # 57 on the sweep's day
    sweep_and_open(on_date=DAY)
    assert not Finding.objects.filter(kind=K.MISSED_TEKUN).exists()

    PolicyParameter.objects.create(
        area_code="430522000000", key=ParameterKey.TEKUN_ELDERLY_AGE, value=55, effective_from=date(2025, 7, 1)
    )
    sweep_and_open(on_date=DAY)
    finding = Finding.objects.get(kind=K.MISSED_TEKUN)
    assert finding.person == younger.head
    assert finding.detail.startswith("55周岁以上独居")


def test_the_care_grades_the_county_pays_are_the_grades_the_sweep_misses(worker_a, clerk_a):
    """重度残疾人护理补贴's grades are the county's (disability.care_amounts), not 1 and 2 written in:
    a county that adds grade 3 has its grade-3 residents without the subsidy found, and says so."""
    from policy.models import PolicyParameter
    from policy.programmes import ParameterKey

    third = family({"name": "卫三级", "disability_type": "5", "disability_grade": 3})
    sweep_and_open(on_date=DAY)
    assert not Finding.objects.filter(kind=K.MISSED_CARE).exists()

    PolicyParameter.objects.create(
        area_code="430522000000",
        key=ParameterKey.DISABILITY_CARE_AMOUNTS,
        value={"1": "100", "2": "80", "3": "60"},
        effective_from=date(2025, 7, 1),
    )
    sweep_and_open(on_date=DAY)
    finding = Finding.objects.get(kind=K.MISSED_CARE)
    assert finding.person == third.head
    assert finding.detail == "1、2、3级残疾人应享受重度残疾人护理补贴"
