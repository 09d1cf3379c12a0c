"""Divorce by agreement (民法典 第一千零七十七条): the cooling-off from the day the application is
received, withdrawal by either party within it, the divorce when both appear within the 30 days
after it, and the scheduler deeming the application withdrawn the day after the last day."""

from datetime import date

import pytest

from cases.models import Case, CaseEvent, CaseStep, SmsOutbox
from core.errors import DomainError
from jobs.periodic import periodic
from marriage import services
from marriage.models import DivorceApplication, MarriageRecord
from marriage.tests.conftest import party
from registry.models import Person

pytestmark = pytest.mark.django_db

MARRIED_ON = date(2024, 6, 1)
RECEIVED = date(2025, 3, 3)  # Monday; cooling-off to 2 April, appear by 6 May (2 May is Labour Day)


@pytest.fixture
def marriage(registrar):
    man, woman = party("王磊", male=True, phone="13900000001"), party("刘婷", male=False, phone="13900000002")
    return services.register_marriage(user=registrar, first=man, second=woman, on_date=MARRIED_ON).record


def apply(registrar, marriage, on_date=RECEIVED):
    decision, application = services.apply_divorce(
        user=registrar,
        marriage=marriage,
        on_date=on_date,
        agreement="无子女，财产各自所有",
        agreement_signed=True,
        both_present=True,
    )
    assert decision.allowed, decision.refusals
    return application


def test_the_application_fixes_the_cooling_off_and_the_days_to_appear(registrar, marriage):
    application = apply(registrar, marriage)
    assert application.cooling_off_ends_on == date(2025, 4, 2)
    assert application.appear_by == date(2025, 5, 6)
    case = application.case
    assert case.subject_title == "王磊、刘婷（协议离婚登记）"
    cooling = case.steps.get(definition__code="cooling_off")
    assert cooling.state == CaseStep.State.ACTIVE and cooling.due_on == application.cooling_off_ends_on
    assert case.events.filter(kind=CaseEvent.Kind.NOTE, text__contains="冷静期30日").exists()


def test_either_party_may_withdraw_within_the_cooling_off(registrar, marriage):
    application = apply(registrar, marriage)
    services.withdraw_divorce(
        user=registrar, application=application, party="woman", on_date=date(2025, 3, 20), reason="愿意和好"
    )
    application.refresh_from_db()
    assert application.status == DivorceApplication.Status.WITHDRAWN and application.withdrawn_by == "woman"
    case = Case.objects.get(pk=application.case_id)
    assert case.status == Case.Status.WITHDRAWN
    assert "刘婷在冷静期内撤回离婚登记申请" in case.events.get(kind=CaseEvent.Kind.WITHDRAWN).text
    marriage.refresh_from_db()
    assert marriage.status == MarriageRecord.Status.IN_FORCE


def test_no_withdrawal_after_the_cooling_off(registrar, marriage):
    application = apply(registrar, marriage)
    with pytest.raises(DomainError) as error:
        services.withdraw_divorce(user=registrar, application=application, party="man", on_date=date(2025, 4, 3))
    assert error.value.code == services.MarriageCode.NOT_WITHIN_PERIOD


def test_no_divorce_during_the_cooling_off(registrar, marriage):
    application = apply(registrar, marriage)
    with pytest.raises(DomainError) as error:
        services.register_divorce(user=registrar, application=application, on_date=date(2025, 4, 2))
    assert "冷静期至2025年04月02日届满" in error.value.message


def test_both_appear_within_the_30_days_and_are_divorced(registrar, marriage):
    application = apply(registrar, marriage)
    divorce = services.register_divorce(user=registrar, application=application, on_date=date(2025, 4, 10))
    assert divorce.kind == MarriageRecord.Kind.DIVORCE and divorce.number == "L430522-2025-000001"
    marriage.refresh_from_db()
    assert marriage.status == MarriageRecord.Status.DISSOLVED and marriage.ended_on == date(2025, 4, 10)
    assert Person.objects.get(pk=marriage.man_id).marital_status == Person.MaritalStatus.DIVORCED
    case = Case.objects.get(pk=application.case_id)
    assert case.status == Case.Status.APPROVED
    assert services.marital_answer(marriage.woman_id_number) == "no"


def test_the_scheduler_deems_it_withdrawn_the_day_after_the_last_day_to_appear(registrar, marriage):
    application = apply(registrar, marriage)
    job = periodic("marriage.close_lapsed_divorces")
    assert job.run(date(2025, 4, 2))["冷静期届满待到场"] == 0  # the cooling-off's last day
    assert job.run(date(2025, 4, 3))["冷静期届满待到场"] == 1
    application.refresh_from_db()
    assert application.status == DivorceApplication.Status.AWAITING
    steps = {s.definition.code: s for s in application.case.steps.select_related("definition")}
    assert steps["cooling_off"].state == CaseStep.State.DONE and steps["cooling_off"].acted_by is None
    assert steps["appear"].state == CaseStep.State.ACTIVE and steps["appear"].due_on == date(2025, 5, 6)
    assert job.run(date(2025, 5, 6))["视为撤回"] == 0  # the last day to appear: still open
    assert job.run(date(2025, 5, 7))["视为撤回"] == 1
    assert job.run(date(2025, 5, 7))["视为撤回"] == 0  # idempotent
    application.refresh_from_db()
    assert application.status == DivorceApplication.Status.DEEMED_WITHDRAWN
    assert application.closed_on == date(2025, 5, 7)
    case = Case.objects.get(pk=application.case_id)
    assert case.status == Case.Status.WITHDRAWN
    event = case.events.get(kind=CaseEvent.Kind.WITHDRAWN)
    assert event.actor_name == "系统" and event.text.startswith("视为撤回申请")
    assert "第一千零七十七条" in event.text
    assert set(SmsOutbox.objects.filter(case=case).values_list("phone", flat=True)) == {"13900000001", "13900000002"}
    marriage.refresh_from_db()
    assert marriage.status == MarriageRecord.Status.IN_FORCE


def test_a_second_open_application_is_refused(registrar, marriage):
    apply(registrar, marriage)
    decision, application = services.apply_divorce(
        user=registrar, marriage=marriage, on_date=RECEIVED, agreement="x", agreement_signed=True, both_present=True
    )
    assert application is None and decision.rules == ["pending"]


def test_a_marriage_registered_elsewhere_can_divorce_here(registrar):
    man, woman = party("高峰", male=True, area6="110105"), party("唐宁", male=False, area6="310115")
    record = services.record_marriage_elsewhere(
        user=registrar,
        man=man,
        woman=woman,
        registered_on=date(2019, 5, 20),
        number="J110105-2019-001234",
        office_name="北京市朝阳区民政局婚姻登记处",
    )
    assert record.registered_elsewhere and services.marital_answer(man.id_number) == "yes"
    assert apply(registrar, record).case.subject_title == "高峰、唐宁（协议离婚登记）"
