"""经济困难失能老年人护理补贴: 政策找人 lists a 低保 elder with a disability, the 民生员 applies from the
finding with the household filled in, the level is assessed, another person approves, the roll pays
from the month after the assessment, and a death stops it."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import VILLAGE_A
from core.errors import DomainError
from eldercare import care_subsidy
from eldercare.models import CareSubsidyApplication
from ledger.models import Enrolment
from ledger.services import enrol
from outreach.models import Finding
from outreach.services import find_eligible, start_application, visit
from payments.models import RollLine
from payments.rolls import generate_roll
from registry.services import register_death
from registry.tests.factories import HouseholdFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_policy")]

TODAY = date(2026, 11, 20)


def dibao_elder(name="孙失能", born=date(1950, 2, 2), **person):
    household = HouseholdFactory(
        area_code=VILLAGE_A,
        head__name=name,
        head__birth_date=born,
        bank_account="6222000011113333",
        bank_name="农商银行",
        **{f"head__{k}": v for k, v in person.items()},
    )
    enrol(programme="dibao", household=household, monthly_amount=Decimal("600"), decided_on=date(2025, 1, 5))
    return household, household.head


def test_found_applied_from_the_finding_assessed_approved_paid_next_month_and_stopped_by_death(
    client, worker_a, clerk_a, reviewer_a
):
    household, elder = dibao_elder(disability_type="4", disability_grade=2)
    HouseholdFactory(area_code=VILLAGE_A, head__name="李无残", head__birth_date=date(1950, 1, 1))  # not 低保
    find_eligible(TODAY)
    finding = Finding.objects.get(programme="elderly_care")
    assert finding.person_id == elder.pk and finding.monthly_amount is None
    assert finding.reason == (
        "1950年2月出生，年满60周岁，所在家庭享受低保，持残疾证（肢体残疾2级），"
        "可申请失能等级评估（半失能每月100元、失能每月200元），未享受经济困难失能老年人护理补贴"
    )

    visit(finding.pk, user=worker_a, on_date=TODAY, note="见到本人，卧床，愿意申请")
    _finding, url = start_application(finding.pk, user=worker_a, on_date=TODAY)
    assert url.startswith(reverse("eldercare:care_apply")) and f"household={household.pk}" in url
    client.force_login(worker_a)
    page = client.get(url)
    assert page.status_code == 200 and page.context["household"] == household and page.context["person"] == elder
    assert f'name="finding" value="{finding.pk}"' in page.content.decode()
    care_subsidy.apply(person=elder, household=household, user=worker_a, on_date=TODAY, finding_id=finding.pk)
    application = CareSubsidyApplication.objects.get(person=elder)
    assert application.basis == "所在家庭享受低保" and application.finding_id == finding.pk

    assessed = care_subsidy.assess(
        application.pk, care_level="fully_disabled", user=clerk_a, on_date=TODAY, note="评估量表得分15分"
    )
    assert assessed.status == "assessed" and assessed.monthly_amount == Decimal("200")
    with pytest.raises(DomainError) as same_person:
        care_subsidy.approve(application.pk, user=clerk_a, on_date=TODAY)
    assert same_person.value.code == "maker_checker"
    approved = care_subsidy.approve(application.pk, user=reviewer_a, on_date=date(2026, 12, 3))
    enrolment = approved.enrolment
    assert enrolment.programme == "elderly_care" and enrolment.start_month == date(2026, 12, 1)  # after assessment

    roll = generate_roll(programme="elderly_care", month=date(2026, 12, 1), area_code=VILLAGE_A, user=None)
    line = RollLine.objects.get(roll=roll, kind="regular")
    assert line.enrolment_id == enrolment.pk and line.amount_fen == 20000
    find_eligible(TODAY)
    assert Finding.objects.get(pk=finding.pk).status == "enrolled"

    register_death(elder, died_on=date(2027, 1, 10))
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.STOPPED and enrolment.end_month == date(2027, 2, 1)


def test_a_self_caring_elder_gets_none_and_only_the_economically_difficult_may_apply(clerk_a):
    household, elder = dibao_elder()
    application = care_subsidy.apply(person=elder, household=household, user=clerk_a, on_date=TODAY)
    with pytest.raises(DomainError) as twice:
        care_subsidy.apply(person=elder, household=household, user=clerk_a, on_date=TODAY)
    assert twice.value.code == "order_exists"
    done = care_subsidy.assess(application.pk, care_level="self_care", user=clerk_a, on_date=TODAY)
    assert done.status == "not_eligible" and done.monthly_amount is None

    other = HouseholdFactory(area_code=VILLAGE_A, head__name="周有钱", head__birth_date=date(1940, 1, 1))
    with pytest.raises(DomainError) as not_poor:
        care_subsidy.apply(person=other.head, household=other, user=clerk_a, on_date=TODAY)
    assert "低保" in not_poor.value.message
    _h, young = dibao_elder("吴年轻", date(1980, 1, 1))
    with pytest.raises(DomainError) as too_young:
        care_subsidy.apply(person=young, household=_h, user=clerk_a, on_date=TODAY)
    assert "60周岁" in too_young.value.message


def test_the_list_and_its_export_mask_the_elder(client, clerk_a, worker_a):
    household, elder = dibao_elder()
    client.force_login(worker_a)  # the 民生员 applies on the page
    posted = client.post(reverse("eldercare:care_apply"), {"beneficiary": elder.pk, "household": household.pk})
    assert posted.status_code == 302 and CareSubsidyApplication.objects.get(person=elder).applied_by == worker_a
    client.force_login(clerk_a)
    page = client.get(reverse("eldercare:care_list"))
    assert page.status_code == 200 and "孙失能" not in page.content.decode() and "待评估" in page.content.decode()
    export = client.get(reverse("eldercare:care_list") + "?export=xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    bad = client.post(reverse("eldercare:care_step", args=[999999, "assess"]), {"care_level": "x"})
    assert bad.status_code == 302
