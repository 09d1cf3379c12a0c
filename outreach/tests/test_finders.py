"""政策找人: who each finder lists and why, that a re-run never duplicates, and that a finding
closes when the enrolment starts — through the window's application, to the payment roll."""

from datetime import date
from decimal import Decimal

import pytest

from assistance.procedure import apply_for_assistance, confirm_application, pass_step
from assistance.tests.factories import add_member
from cases.tests.factories import give_documents
from conftest import COUNTY, VILLAGE_A
from ledger.deaths import record_death
from ledger.models import Enrolment
from ledger.services import enrol
from outreach.models import Finding
from outreach.services import find_eligible, start_application, visit
from payments.rolls import generate_roll
from registry.tests.factories import HouseholdFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_policy")]

TODAY = date(2026, 11, 20)


def elder(name: str, born: date, **person):
    household = HouseholdFactory(
        area_code=VILLAGE_A,
        head__name=name,
        head__birth_date=born,
        head__sex="F",
        bank_account="6222000011112222",
        bank_name="农商银行",
        **{f"head__{k}": v for k, v in person.items()},
    )
    return household, household.head


def findings(programme=None):
    rows = Finding.objects.all()
    if programme:
        rows = rows.filter(programme=programme)
    return {f.person.name: f for f in rows.select_related("person")}


def test_a_resident_turning_80_next_month_is_listed_with_the_reason_and_only_once(worker_a):
    elder("周桂英", date(1946, 12, 10))  # 80 on 10 Dec: within the horizon (end of next month)
    elder("吴七九", date(1947, 2, 1))  # 80 only in February
    elder("郑九二", date(1934, 5, 6))  # 92: the 90–99 band
    _h, gone = elder("钱已故", date(1940, 1, 1))
    gone.life_status, gone.death_date = "deceased", date(2026, 1, 2)
    gone.save()
    result = find_eligible(TODAY)
    found = findings("elderly_allowance")
    assert set(found) == {"周桂英", "郑九二"}
    assert found["周桂英"].reason == "1946年12月出生，2026年12月年满80周岁，属80—89周岁档（每月50元），未享受高龄津贴"
    assert found["周桂英"].monthly_amount == Decimal("50")
    assert found["周桂英"].area_code == VILLAGE_A and found["周桂英"].household_id
    assert found["郑九二"].reason.startswith("1934年5月出生，2024年5月年满90周岁，属90—99周岁档（每月100元）")
    assert result["elderly_allowance"] == 2
    again = find_eligible(TODAY)
    assert again["elderly_allowance"] == 0 and Finding.objects.count() == len(
        Finding.objects.values("person", "programme").distinct()
    )
    assert Finding.objects.filter(programme="elderly_allowance").count() == 2


def test_people_already_enrolled_are_not_listed(worker_a):
    household, person = elder("冯已领", date(1940, 3, 3))
    enrol(
        programme="elderly_allowance",
        household=household,
        beneficiary=person,
        monthly_amount=Decimal("50"),
        decided_on=date(2025, 1, 5),
    )
    find_eligible(TODAY)
    assert "冯已领" not in findings("elderly_allowance")


def test_disability_and_service_subsidies_are_found_from_grade_and_dibao(worker_a):
    household, _head = elder("陈低保", date(1960, 4, 4))  # 66, in a 低保 household
    disabled = add_member(household, "陈小残", "20", date(1990, 6, 6), disability_type="4", disability_grade=3)
    enrol(
        programme="dibao",
        household=household,
        monthly_amount=Decimal("600"),
        decided_on=date(2025, 1, 5),
        covered_members=2,
    )
    _h2, severe = elder("褚重残", date(1985, 7, 7), disability_type="5", disability_grade=1)
    find_eligible(TODAY)
    assert (
        findings("disability_living")["陈小残"].reason
        == "持残疾证（肢体残疾3级），所在家庭享受低保，每月80元，未享受困难残疾人生活补贴"
    )
    assert (
        findings("disability_care")["褚重残"].reason
        == "持残疾证（智力残疾1级），属重度残疾人，每月100元，未享受重度残疾人护理补贴"
    )
    assert "陈小残" not in findings("disability_care")  # grade 3 is not 重度
    service = findings("elderly_service")
    assert set(service) == {"陈低保"}
    assert (
        service["陈低保"].reason
        == "1960年4月出生，年满60周岁，所在家庭享受低保，每月50元，未享受经济困难老年人服务补贴"
    )
    assert disabled.pk and severe.pk


def test_the_worker_visits_applies_and_the_allowance_reaches_next_months_roll(worker_a, clerk_a, approver):
    household, person = elder("周桂英", date(1946, 11, 5))  # 80 on 5 November
    give_documents(household, ["id_card", "household_booklet", "bank_card"])
    find_eligible(TODAY)
    finding = findings("elderly_allowance")["周桂英"]
    visit(finding.pk, user=worker_a, on_date=TODAY, note="见到本人，愿意申请")
    finding, url = start_application(finding.pk, user=worker_a, on_date=TODAY)
    assert finding.status == "applied"
    assert (
        f"household={household.pk}" in url
        and f"beneficiary={person.pk}" in url
        and "programme=elderly_allowance" in url
    )
    application = apply_for_assistance(
        user=worker_a, programme="elderly_allowance", household=household, beneficiary=person, on_date=TODAY
    )
    pass_step(user=worker_a, application=application, on_date=TODAY)
    pass_step(user=clerk_a, application=application, on_date=TODAY)
    confirm_application(user=approver, application=application, on_date=TODAY)
    enrolment = Enrolment.objects.get(programme="elderly_allowance", beneficiary=person)
    assert enrolment.monthly_amount == Decimal("50") and enrolment.start_month == date(2026, 12, 1)
    assert find_eligible(TODAY)["closed_enrolled"] == 1
    assert Finding.objects.get(pk=finding.pk).status == "enrolled"
    roll = generate_roll(programme="elderly_allowance", month=date(2026, 12, 1), area_code=COUNTY, user=clerk_a)
    assert roll.payable_count == 1 and roll.payable_fen == 5000
    assert (
        generate_roll(programme="elderly_allowance", month=date(2026, 11, 1), area_code=COUNTY, user=clerk_a).line_count
        == 0
    )


def test_applying_in_advance_starts_payment_the_month_after_the_birthday(worker_a, clerk_a, approver):
    household, person = elder("林预先", date(1946, 12, 10))
    give_documents(household, ["id_card", "household_booklet", "bank_card"])
    application = apply_for_assistance(
        user=worker_a, programme="elderly_allowance", household=household, beneficiary=person, on_date=TODAY
    )
    pass_step(user=worker_a, application=application, on_date=TODAY)
    pass_step(user=clerk_a, application=application, on_date=TODAY)
    confirm_application(user=approver, application=application, on_date=TODAY)
    assert Enrolment.objects.get(beneficiary=person).start_month == date(2027, 1, 1)


def test_a_death_stops_the_allowance_and_voids_an_open_finding(worker_a):
    household, person = elder("何高龄", date(1930, 1, 1))
    enrolment = enrol(
        programme="elderly_allowance",
        household=household,
        beneficiary=person,
        monthly_amount=Decimal("100"),
        decided_on=date(2025, 1, 5),
    )
    _h, other = elder("何未领", date(1931, 1, 1))
    find_eligible(TODAY)
    record_death(person, died_on=date(2026, 10, 3), source="registry")
    enrolment.refresh_from_db()
    assert enrolment.status == "stopped" and enrolment.end_month == date(2026, 11, 1)
    from registry.services import register_death

    register_death(other, died_on=date(2026, 11, 1))
    assert find_eligible(TODAY)["closed_gone"] == 1
    assert findings("elderly_allowance")["何未领"].status == "void"
