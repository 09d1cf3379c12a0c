"""特困 (self-care assessment, ≥30% county spot check), 临时救助 (先行救助, caps, Xinshao four-in-one),
children without public notice, and the engine's deadlines for these programmes."""

from datetime import date
from decimal import Decimal

import pytest

from assistance.casework import LocalPractice, PublicNotice, SpotCheckItem
from assistance.notice import latest_notice
from assistance.procedure import apply_for_assistance, confirm_application, current_step, pass_step, record_appraisal
from assistance.tekun import assess_self_care, draw_spot_check, record_spot_check_result
from assistance.temporary import approval_summary, pay_first
from assistance.tests.factories import DIBAO_DOCS
from cases.models import Case
from cases.tests.factories import give_documents
from core.errors import DomainError
from ledger.models import Enrolment
from registry.tests.factories import HouseholdFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_policy")]

DAY = date(2025, 9, 22)
ON = date(2025, 9, 24)
ALL_ABLE = dict.fromkeys(["eating", "dressing", "bed_transfer", "toileting", "walking_indoors", "bathing"], True)


def elder(codes):
    household = HouseholdFactory(head__name="孙老汉", head__birth_date=date(1950, 2, 1))
    give_documents(household, codes)
    return household


def tekun_to_confirm(worker, clerk, household, on=ON):
    application = apply_for_assistance(
        user=worker, programme="tekun", household=household, on_date=DAY, authorisation_signed=True
    )
    pass_step(user=worker, application=application, on_date=on)
    with pytest.raises(DomainError) as error:
        pass_step(user=clerk, application=application, on_date=on)
    assert error.value.code == "assessment_missing"
    able = {**ALL_ABLE, "bathing": False, "walking_indoors": False}
    assert assess_self_care(user=clerk, application=application, on_date=on, able=able) == "partly_disabled"
    pass_step(user=clerk, application=application, on_date=on)
    pass_step(user=worker, application=application, on_date=date(2025, 10, 10))  # the day after the 7-day notice
    return application


def test_tekun_assessment_sets_the_care_standard_and_the_spot_check_holds_confirmation(worker_a, clerk_a, approver):
    codes = ["id_card", "household_booklet", "application_form", "verification_authorization", "photo"]
    apps = [tekun_to_confirm(worker_a, clerk_a, elder(codes)) for _ in range(4)]
    notice = latest_notice(apps[0])
    assert notice.status == PublicNotice.Status.COMPLETED
    check = draw_spot_check(user=approver, on_date=date(2025, 10, 10), seed="fixed")
    items = list(check.items.select_related("application"))
    assert check.population == 4 and len(items) == 2  # ≥ 30% of 4, rounded up
    drawn = items[0].application
    with pytest.raises(DomainError) as error:
        confirm_application(user=approver, application=drawn, on_date=date(2025, 10, 10))
    assert error.value.code == "spot_check_pending"
    record_spot_check_result(
        user=approver, item=items[0], on_date=date(2025, 10, 10), result="confirmed", note="入户核实属实"
    )
    confirm_application(user=approver, application=drawn, on_date=date(2025, 10, 10))
    drawn.refresh_from_db()
    # basic = 470 × 1.3 = 611; care for 部分丧失 = 300
    assert drawn.enrolment.monthly_amount == Decimal("911.00")
    assert drawn.enrolment.beneficiary_id == drawn.household.head_id
    assert SpotCheckItem.objects.get(pk=items[0].pk).result == "confirmed"


def test_emergency_aid_is_paid_first_and_the_cap_decides_the_level(worker_a, clerk_a, reviewer_a, approver, household):
    give_documents(household, ["id_card"])
    application = apply_for_assistance(
        user=worker_a,
        programme="temporary_emergency",
        household=household,
        on_date=DAY,
        facts={"requested_amount": "1500", "reason": "火灾"},
    )
    pay_first(user=worker_a, application=application, on_date=DAY, amount=Decimal("1000"), method="roll")
    assert application.advance_paid_on == DAY
    assert approval_summary(application)["level"] == "township"
    pass_step(user=worker_a, application=application, on_date=DAY)
    pass_step(user=reviewer_a, application=application, on_date=DAY)
    confirm_application(user=approver, application=application, on_date=DAY, opinion="备案")
    application.refresh_from_db()
    assert application.decision == "confirmed" and application.enrolment is None  # no standing enrolment
    assert application.case.status == Case.Status.APPROVED
    paid = [(p.stage, p.amount) for p in application.payments.order_by("id")]
    assert paid == [("advance", Decimal("1000")), ("approved", Decimal("500"))]  # the rest after approval
    big = apply_for_assistance(
        user=worker_a,
        programme="temporary_emergency",
        household=household,
        on_date=DAY,
        facts={"requested_amount": "25000"},
    )
    assert approval_summary(big)["level"] == "refused"
    with pytest.raises(DomainError) as error:
        pay_first(user=worker_a, application=big, on_date=DAY, amount=Decimal("5000"))
    assert error.value.code == "amount"


def test_xinshao_four_in_one_needs_the_representatives_appraisal_first(worker_a, clerk_a, household):
    give_documents(household, [*DIBAO_DOCS, "medical_bills"])
    LocalPractice.objects.create(
        area_code="430522000000", programme="temporary_spending", variant="xinshao", effective_from=date(2021, 1, 1)
    )
    application = apply_for_assistance(
        user=worker_a,
        programme="temporary_spending",
        household=household,
        on_date=DAY,
        authorisation_signed=True,
        facts={"requested_amount": "3000"},
    )
    assert application.variant == "xinshao"
    assert approval_summary(application)["level"] == "county"  # above the township's 2,000 cap
    with pytest.raises(DomainError) as error:
        pass_step(user=worker_a, application=application, on_date=ON)
    assert error.value.code == "appraisal_missing"
    record_appraisal(
        user=worker_a, application=application, held_on=ON, participants=7, agree=7, disagree=0, conclusion="同意救助"
    )
    pass_step(user=worker_a, application=application, on_date=ON)
    assert current_step(application).definition.kind == "notice"  # 民生员 first review → notice


def test_orphan_allowance_runs_without_public_notice_within_the_engine_deadline(worker_a, clerk_a, approver):
    household = HouseholdFactory(head__name="小明", head__birth_date=date(2015, 6, 1))
    give_documents(
        household, ["id_card", "household_booklet", "application_form", "death_certificate", "guardianship_proof"]
    )
    application = apply_for_assistance(user=worker_a, programme="orphan", household=household, on_date=DAY)
    case = application.case
    assert case.due_on == date(2025, 11, 7)  # 30 working days, nothing paused: no notice
    pass_step(user=worker_a, application=application, on_date=DAY)
    pass_step(user=clerk_a, application=application, on_date=ON)
    confirm_application(user=approver, application=application, on_date=date(2025, 10, 9))
    application.refresh_from_db()
    assert not PublicNotice.objects.filter(application=application).exists()
    assert not case.pauses.exists()
    assert application.enrolment.monthly_amount == Decimal("1400.00")
    assert Enrolment.objects.get().start_month == date(2025, 11, 1)


def test_the_step_deadline_stops_for_a_correction_in_an_assistance_case(worker_a, clerk_a, wang_family):
    from cases.actions import resume_after_correction, return_for_correction

    application = apply_for_assistance(
        user=worker_a, programme="dibao", household=wang_family, on_date=DAY, authorisation_signed=True
    )
    pass_step(user=worker_a, application=application, on_date=ON)
    step = current_step(application)
    assert step.due_on == date(2025, 10, 10)  # 7 working days across National Day
    return_for_correction(
        user=clerk_a,
        step_id=step.pk,
        expected_version=step.row_version,
        on_date=date(2025, 9, 29),
        reason="补充收入证明",
    )
    step.refresh_from_db()
    resume_after_correction(
        user=clerk_a, step_id=step.pk, expected_version=step.row_version, on_date=date(2025, 10, 10)
    )
    step.refresh_from_db()
    case = Case.objects.get(pk=application.case_id)
    # paused 29 Sep → 10 Oct: 3 working days lost (30 Sep, 9 Oct, 10 Oct); both clocks move by 3
    assert step.due_on == date(2025, 10, 14) and case.due_on == date(2025, 11, 12)
