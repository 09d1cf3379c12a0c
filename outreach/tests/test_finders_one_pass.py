"""政策找人 as one pass (issue 22, bench/care.py): the finders read one table of candidates computed
once per run (residents alive in a current household who are old enough for some band, hold a
disability grade, or are 低保/特困 elderly) instead of each scanning every resident. What they find
must not change: a hand-made population with every case the finders tell apart, and the findings
the finders wrote for it before the change (programme, person, reason, amount), word for word."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from assistance.tests.factories import add_member
from conftest import VILLAGE_A
from ledger.services import enrol, stop
from outreach import finders
from outreach.models import Finding
from outreach.services import find_eligible, horizon_of
from policy.parameters import Policy
from registry.models import Membership
from registry.tests.factories import HouseholdFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_policy")]

TODAY = date(2026, 11, 20)
VILLAGE_B = "430522100202"
LONG_AGO = date(2024, 1, 5)


def _home(name: str, born: date, village: str = VILLAGE_A, **person):
    household = HouseholdFactory(
        area_code=village,
        head__name=name,
        head__birth_date=born,
        head__sex=person.pop("sex", "F"),
        **{f"head__{k}": v for k, v in person.items()},
    )
    return household, household.head


def _dibao(household):
    return enrol(programme="dibao", household=household, monthly_amount=Decimal("600"), decided_on=LONG_AGO)


def _tekun(household, person):
    return enrol(
        programme="tekun", household=household, beneficiary=person, monthly_amount=Decimal("900"), decided_on=LONG_AGO
    )


def population() -> None:
    """Every case the finders tell apart, named after what should (or should not) be found."""
    _home("八十下月", date(1946, 12, 10))  # 80 within the horizon (end of next month)
    _home("八十二月", date(1947, 2, 1))  # 80 only after the horizon: nobody
    _home("九十二岁", date(1934, 5, 6), village=VILLAGE_B)
    _home("一百零一", date(1925, 3, 3), sex="M")
    _h, dead = _home("已故老人", date(1938, 1, 1))
    dead.life_status, dead.death_date = "deceased", date(2026, 1, 2)
    dead.save()
    home, enrolled = _home("已领津贴", date(1940, 3, 3))
    enrol(
        programme="elderly_allowance", household=home, beneficiary=enrolled, monthly_amount=Decimal("50"),
        decided_on=LONG_AGO,
    )  # fmt: skip
    home, _head = _home("低保老人", date(1956, 4, 4))  # 70, in 低保: the service subsidy, not care
    add_member(home, "低保残疾", "20", date(1990, 6, 6), disability_type="4", disability_grade=3)
    add_member(home, "低保重残", "20", date(1992, 6, 6), disability_type="1", disability_grade=2)
    add_member(home, "低保八五", "03", date(1941, 8, 8))  # 85, in 低保: allowance, service, care
    _dibao(home)
    _home("重残非低保", date(1985, 7, 7), disability_type="5", disability_grade=1)
    _home("轻残非低保", date(1985, 7, 7), disability_type="2", disability_grade=4)  # nobody
    home, person = _home("特困残疾", date(1951, 9, 9), disability_type="4", disability_grade=4)
    _tekun(home, person)  # 75, 特困 with a certificate: service and care
    home, person = _home("特困八二", date(1944, 2, 2), sex="M")
    _tekun(home, person)  # 82: allowance, service and care
    home, _person = _home("停保老人", date(1955, 5, 5))
    stop(_dibao(home), decided_on=date(2025, 3, 25), reason="收入超标")  # 低保 stopped: nobody
    home, _person = _home("低保五九", date(1967, 12, 20))  # 58: too young for the service subsidy
    _dibao(home)
    # moved household: the old membership ended, the current one names the household found
    old, mover = _home("迁户老人", date(1939, 10, 10))
    new, _head = _home("新户户主", date(1980, 1, 1))
    Membership.objects.filter(person=mover, household=old).update(end_date=date(2025, 5, 1), end_reason="迁出")
    Membership.objects.create(
        household=new, person=mover, relation="03", start_date=date(2025, 5, 1), area_code=new.area_code
    )
    # no current household at all: nobody lists them (nothing to apply with)
    _h, loose = _home("无户老人", date(1936, 6, 6))
    Membership.objects.filter(person=loose).update(end_date=date(2025, 5, 1), end_reason="迁出")
    # found before (and declined): never listed again
    _h, declined = _home("不愿申请", date(1935, 1, 1))
    Finding.objects.create(
        programme="elderly_allowance", person=declined, household=_h, area_code=_h.area_code, reason="旧线索",
        found_on=date(2026, 1, 1), status="declined",
    )  # fmt: skip
    # an orphan (both parents recorded dead): the children's finders start from the dead
    home, dad = _home("孤儿父亲", date(1985, 1, 1), sex="M")
    mum = add_member(home, "孤儿母亲", "10", date(1987, 1, 1), sex="F")
    add_member(home, "孤儿孩子", "20", date(2015, 6, 1), sex="M")
    for parent in (dad, mum):
        parent.life_status, parent.death_date = "deceased", date(2025, 3, 1)
        parent.save()


def found() -> set[tuple]:
    return {
        (f.programme, f.person.name, f.reason, f.monthly_amount, f.household.head.name if f.household else None)
        for f in Finding.objects.exclude(reason="旧线索").select_related("person", "household__head")
    }


def _y(text: str) -> Decimal:
    return Decimal(text)


# written by the finders before they shared one pass (commit 741c5c8), for the population above
BEFORE: set[tuple] = {
    ("disability_care", "低保重残", "持残疾证（视力残疾2级），属重度残疾人，每月80元，未享受重度残疾人护理补贴", _y("80"), "低保老人"),
    ("disability_care", "重残非低保", "持残疾证（智力残疾1级），属重度残疾人，每月100元，未享受重度残疾人护理补贴", _y("100"),
     "重残非低保"),
    ("disability_living", "低保残疾", "持残疾证（肢体残疾3级），所在家庭享受低保，每月80元，未享受困难残疾人生活补贴", _y("80"),
     "低保老人"),
    ("disability_living", "低保重残", "持残疾证（视力残疾2级），所在家庭享受低保，每月80元，未享受困难残疾人生活补贴", _y("80"),
     "低保老人"),
    ("elderly_allowance", "一百零一", "1925年3月出生，2025年3月年满100周岁，属100周岁以上档（每月500元），未享受高龄津贴",
     _y("500"), "一百零一"),
    ("elderly_allowance", "九十二岁", "1934年5月出生，2024年5月年满90周岁，属90—99周岁档（每月100元），未享受高龄津贴",
     _y("100"), "九十二岁"),
    ("elderly_allowance", "低保八五", "1941年8月出生，2021年8月年满80周岁，属80—89周岁档（每月50元），未享受高龄津贴",
     _y("50"), "低保老人"),
    ("elderly_allowance", "八十下月", "1946年12月出生，2026年12月年满80周岁，属80—89周岁档（每月50元），未享受高龄津贴",
     _y("50"), "八十下月"),
    ("elderly_allowance", "特困八二", "1944年2月出生，2024年2月年满80周岁，属80—89周岁档（每月50元），未享受高龄津贴",
     _y("50"), "特困八二"),
    ("elderly_allowance", "迁户老人", "1939年10月出生，2019年10月年满80周岁，属80—89周岁档（每月50元），未享受高龄津贴",
     _y("50"), "新户户主"),
    ("elderly_care", "低保八五", "1941年8月出生，年满60周岁，所在家庭享受低保，年满80周岁，可申请失能等级评估（半失能每月100元、"
     "失能每月200元），未享受经济困难失能老年人护理补贴", None, "低保老人"),
    ("elderly_care", "特困八二", "1944年2月出生，年满60周岁，本人为特困人员，年满80周岁，可申请失能等级评估（半失能每月100元、"
     "失能每月200元），未享受经济困难失能老年人护理补贴", None, "特困八二"),
    ("elderly_care", "特困残疾", "1951年9月出生，年满60周岁，本人为特困人员，持残疾证（肢体残疾4级），可申请失能等级评估（半失能"
     "每月100元、失能每月200元），未享受经济困难失能老年人护理补贴", None, "特困残疾"),
    ("elderly_service", "低保八五", "1941年8月出生，年满60周岁，所在家庭享受低保，每月50元，未享受经济困难老年人服务补贴",
     _y("50"), "低保老人"),
    ("elderly_service", "低保老人", "1956年4月出生，年满60周岁，所在家庭享受低保，每月50元，未享受经济困难老年人服务补贴",
     _y("50"), "低保老人"),
    ("elderly_service", "特困八二", "1944年2月出生，年满60周岁，本人为特困人员，每月50元，未享受经济困难老年人服务补贴",
     _y("50"), "特困八二"),
    ("elderly_service", "特困残疾", "1951年9月出生，年满60周岁，本人为特困人员，每月50元，未享受经济困难老年人服务补贴",
     _y("50"), "特困残疾"),
    ("orphan", "孤儿孩子", "父亲死亡（居民库死亡登记），母亲死亡（居民库死亡登记），父母双亡，属孤儿，每月1400元，"
     "未享受孤儿基本生活费", _y("1400"), "孤儿父亲"),
}  # fmt: skip


def test_findings_are_word_for_word_those_before_the_one_pass():
    population()
    result = find_eligible(TODAY)
    assert found() == BEFORE
    assert result["elderly_allowance"] == sum(1 for row in BEFORE if row[0] == "elderly_allowance")
    assert find_eligible(TODAY)["elderly_allowance"] == 0  # a re-run adds nobody


def test_each_finder_answers_alike_read_from_the_candidates_or_from_the_residents():
    """The candidates table is how find_eligible runs the finders; a finder run on its own (an engine
    of engines/, a test) reads the residents directly: both give the same rows."""
    population()
    run = finders.FindRun(today=TODAY, horizon=horizon_of(TODAY))
    run.policies["430522"] = Policy.for_area("430522000000", TODAY)

    def rows(finder) -> list[tuple]:
        select, params = finder.find(run)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM ({select}) c", params)
            return sorted(cursor.fetchall(), key=repr)

    direct = {finder.programme: rows(finder) for finder in finders.registered()}
    assert sum(len(r) for r in direct.values()) > 10
    with finders.candidates(run):
        shared = {finder.programme: rows(finder) for finder in finders.registered()}
    assert shared == direct


def test_a_county_that_sets_the_care_screening_age_lists_its_elderly_from_that_age():
    """护理补贴's 高龄 without a certificate is the county's `elderly.care_screening_age`, not 80 written in:
    at 85, the 82-year-old 特困 person is no longer listed, the 85-year-old is, and the reason says 85."""
    from policy.models import PolicyParameter
    from policy.programmes import ParameterKey

    population()
    PolicyParameter.objects.create(
        area_code="430522000000", key=ParameterKey.ELDERLY_CARE_SCREENING_AGE, value=85, effective_from=date(2026, 1, 1)
    )
    find_eligible(TODAY)
    care = {f.person.name: f.reason for f in Finding.objects.filter(programme="elderly_care").select_related("person")}
    assert set(care) == {"低保八五", "特困残疾"}
    assert "，年满85周岁，可申请失能等级评估" in care["低保八五"]
