"""低保 by the 2021 procedure on the cases engine: household composition at acceptance, the signed
authorisation, the home-visit survey with its working, notice with an anonymous objection, 民主评议,
the re-run notice and the clock, county confirmation into the ledger, and refusal with its notice."""

from datetime import date
from decimal import Decimal

import pytest

from areas.jurisdiction import scope_for_user, within
from assistance.casework import Application, CloseRelative, Objection, PublicNotice
from assistance.notice import latest_notice, lodge_objection, rerun_public_notice, resolve_objections
from assistance.procedure import (
    apply_for_assistance,
    confirm_application,
    current_step,
    pass_step,
    record_appraisal,
    refuse_application,
)
from assistance.survey import record_survey
from cases.actions import approve_step
from cases.hooks import check_approval_guards
from cases.models import Case, ServiceItemVersion
from core.errors import DomainError
from ledger.models import Enrolment

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_policy")]

ACCEPTED = date(2025, 9, 22)  # Monday; National Day holidays 1–8 Oct 2025
ON = date(2025, 9, 24)
TEAM = [{"name": "李经办", "confirmed": True}, {"name": "赵民生", "confirmed": True}]


def accept(worker, household, **extra):
    return apply_for_assistance(
        user=worker, programme="dibao", household=household, on_date=ACCEPTED, authorisation_signed=True, **extra
    )


def survey(clerk, application, wages="7200", kind="home_visit", on=ON):
    return record_survey(
        user=clerk,
        application=application,
        visited_on=on,
        investigators=TEAM,
        neighbours=[{"name": "邻居张大爷", "statement": "家中确实困难"}],
        income_items=[
            {"kind": "wages", "annual_amount": wages},
            {"kind": "scholarship", "annual_amount": "1000"},
        ],
        deposits="2000",
        kind=kind,
    )


def to_notice(worker, clerk, reviewer, approver, application):
    pass_step(user=worker, application=application, on_date=ON, opinion="材料齐全")
    survey(clerk, application)
    pass_step(user=clerk, application=application, on_date=ON, opinion="调查属实")
    pass_step(user=approver, application=application, on_date=ON, opinion="核对无异常")
    pass_step(user=reviewer, application=application, on_date=ON, opinion="初审同意")


def test_household_is_assembled_by_the_shared_living_rules(worker_a, wang_family):
    son = wang_family.current_memberships().get(person__name="李大山").person
    application = accept(worker_a, wang_family)
    counted = [m["name"] for m in application.composition["counted"]]
    assert counted == ["王秀兰", "李建国", "李小雨"]
    (left,) = application.composition["left_out"]
    assert left["person_id"] == son.pk and "已成年" in left["reason"]
    assert application.covered_members == 3
    assert application.case.status == Case.Status.IN_PROGRESS
    assert application.case.events.filter(text__contains="核对授权书").exists()


def test_a_prisoner_does_not_count_and_acceptance_needs_the_signed_authorisation(worker_a, wang_family):
    husband = wang_family.current_memberships().get(person__name="李建国").person
    with pytest.raises(DomainError) as error:
        apply_for_assistance(user=worker_a, programme="dibao", household=wang_family, on_date=ACCEPTED)
    assert error.value.code == "authorisation_missing"
    application = accept(worker_a, wang_family, member_inputs={husband.pk: {"exclusion": "prisoner"}})
    assert [m["name"] for m in application.composition["counted"]] == ["王秀兰", "李小雨"]
    assert "服刑" in application.composition["left_out"][0]["reason"]


def test_survey_needs_two_signed_investigators_and_shows_the_working(worker_a, clerk_a, wang_family):
    application = accept(worker_a, wang_family)
    with pytest.raises(DomainError) as error:
        record_survey(
            user=clerk_a,
            application=application,
            visited_on=ON,
            investigators=[{"name": "李经办", "confirmed": True}],
            income_items=[],
        )
    assert error.value.code == "investigators"
    survey(clerk_a, application)
    application.refresh_from_db()
    # 7,200 wages counted, scholarship excluded: 7200 / 12 / 3 = 200; (470 − 200) × 3 = 810
    assert application.monthly_per_capita == Decimal("200.00")
    assert application.proposed_amount == Decimal("810")
    working = "\n".join(application.working["lines"])
    assert "计入：工资性收入 7200元/年" in working and "不计入：奖学金、助学金" in working
    assert "低保标准470.00元 × 3人 − 家庭月收入600.00元 = 810.00元/月" in working


def test_objection_blocks_until_appraised_and_the_notice_runs_again_with_the_clock_extended(
    worker_a, clerk_a, reviewer_a, approver, wang_family
):
    application = accept(worker_a, wang_family)
    case = application.case
    assert case.due_on == date(2025, 11, 7)  # 30 working days
    to_notice(worker_a, clerk_a, reviewer_a, approver, application)
    notice = latest_notice(application)
    assert (notice.masked_name, notice.household_size, notice.amount) == ("王*兰", 3, Decimal("810.00"))
    assert notice.ends_on == date(2025, 10, 9)  # 7 days → 1 Oct (holiday) → next working day
    case.refresh_from_db()
    assert case.due_on == date(2025, 11, 17)  # the notice does not count: +6 working days (24 Sep → 9 Oct)

    lodge_objection(notice=notice, on_date=date(2025, 9, 26), content="其子在外务工收入较高", anonymous=True)
    step = current_step(application)
    # The engine's own approval is refused by the registered guard, even after the period.
    with pytest.raises(DomainError) as error:
        check_approval_guards(step)
    assert error.value.code == "objection_open"
    with pytest.raises(DomainError) as error:
        pass_step(user=worker_a, application=application, on_date=date(2025, 10, 9))
    assert error.value.code == "objection_open"
    with pytest.raises(DomainError):
        rerun_public_notice(user=reviewer_a, application=application, on_date=date(2025, 10, 9), opinion="同意")

    with pytest.raises(DomainError) as error:
        resolve_objections(
            user=clerk_a,
            application=application,
            on_date=date(2025, 10, 9),
            resolution="appraised",
            outcome="rejected",
            note="—",
        )
    assert error.value.code == "objection_open"  # no 民主评议 recorded yet
    record_appraisal(
        user=clerk_a,
        application=application,
        held_on=date(2025, 10, 9),
        participants=9,
        agree=8,
        disagree=1,
        conclusion="其子已成年另立门户，不计入家庭成员，符合条件",
    )
    resolve_objections(
        user=clerk_a,
        application=application,
        on_date=date(2025, 10, 9),
        resolution="appraised",
        outcome="rejected",
        note="异议不成立",
    )
    rerun_public_notice(user=reviewer_a, application=application, on_date=date(2025, 10, 10), opinion="评议后同意")
    second = latest_notice(application)
    assert second.round == 2 and second.ends_on == date(2025, 10, 17)
    assert PublicNotice.objects.get(pk=notice.pk).status == PublicNotice.Status.SUPERSEDED
    step = current_step(application)
    assert step.due_on == date(2025, 10, 17)
    case.refresh_from_db()
    # The first notice had run its full period (credited 6 WD, nothing to take back); the new one,
    # 10 → 17 Oct, adds 6 more (11 Oct is a working Saturday): 17 Nov + 6 WD.
    assert case.due_on == date(2025, 11, 25)
    with pytest.raises(DomainError) as error:
        pass_step(user=worker_a, application=application, on_date=date(2025, 10, 17))  # its last day
    assert error.value.code in ("notice_running",) and "2025年10月18日起方可办理" in error.value.message
    pass_step(user=worker_a, application=application, on_date=date(2025, 10, 18), opinion="公示期满无异议")
    assert Objection.objects.get().status == "resolved"

    decided = date(2025, 10, 20)
    # The generic case page cannot confirm around the ledger: the last step passes only here.
    last = current_step(application)
    with pytest.raises(DomainError) as error:
        approve_step(user=approver, step_id=last.pk, expected_version=last.row_version, on_date=decided)
    assert error.value.code == "confirm_via_assistance"
    confirm_application(user=approver, application=application, on_date=decided, opinion="准予")
    application.refresh_from_db()
    enrolment = application.enrolment
    assert application.decision == Application.Decision.CONFIRMED
    assert enrolment.programme == "dibao" and enrolment.monthly_amount == Decimal("810.00")
    assert enrolment.start_month == date(2025, 11, 1) and enrolment.covered_members == 3
    case.refresh_from_db()
    assert case.status == Case.Status.APPROVED and case.closed_on <= case.due_on


def test_close_relative_of_a_village_cadre_is_flagged_and_needs_the_county_visit(
    worker_a, clerk_a, reviewer_a, approver, wang_family
):
    husband = wang_family.current_memberships().get(person__name="李建国").person
    CloseRelative.objects.create(
        person=husband,
        cadre_name="李支书",
        position="village_cadre",
        relation="sibling",
        recorded_on=date(2025, 1, 1),
        area_code=husband.area_code,
    )
    application = accept(worker_a, wang_family)
    assert application.close_relative and "李支书" in application.close_relative_note
    to_notice(worker_a, clerk_a, reviewer_a, approver, application)
    pass_step(user=worker_a, application=application, on_date=date(2025, 10, 10))
    with pytest.raises(DomainError) as error:
        confirm_application(user=approver, application=application, on_date=date(2025, 10, 10))
    assert error.value.code == "county_visit_missing"
    survey(approver, application, kind="county_visit", on=date(2025, 10, 10))
    confirm_application(user=approver, application=application, on_date=date(2025, 10, 10))
    assert Enrolment.objects.filter(household=wang_family, programme="dibao").exists()


def test_refusal_sets_the_three_working_day_notice_and_the_engine_rejects(
    worker_a, clerk_a, reviewer_a, approver, wang_family
):
    application = accept(worker_a, wang_family)
    to_notice(worker_a, clerk_a, reviewer_a, approver, application)
    pass_step(user=worker_a, application=application, on_date=date(2025, 10, 10))  # the notice has run
    refuse_application(user=approver, application=application, on_date=date(2025, 10, 10), reason="存款超过上限")
    application.refresh_from_db()
    assert application.decision == Application.Decision.REFUSED
    assert application.refusal_notice_due_on == date(2025, 10, 14)  # 11 (a working Saturday), 13, 14 Oct
    assert application.case.status == Case.Status.REJECTED
    assert not Enrolment.objects.exists()


def test_the_refusal_notice_period_is_the_catalogues_and_a_missing_one_refuses_nothing(
    worker_a, clerk_a, reviewer_a, approver, wang_family
):
    application = accept(worker_a, wang_family)
    to_notice(worker_a, clerk_a, reviewer_a, approver, application)
    pass_step(user=worker_a, application=application, on_date=date(2025, 10, 10))
    ServiceItemVersion.objects.filter(pk=application.case.version_id).update(refusal_notice_wd=None)
    application.refresh_from_db()
    with pytest.raises(DomainError) as error:
        refuse_application(user=approver, application=application, on_date=date(2025, 10, 10), reason="存款超过上限")
    assert error.value.code == "refusal_notice_period_missing"
    application.refresh_from_db()
    assert application.decision == Application.Decision.PENDING
    assert application.case.status == Case.Status.IN_PROGRESS
    ServiceItemVersion.objects.filter(pk=application.case.version_id).update(refusal_notice_wd=5)
    application.refresh_from_db()
    refuse_application(user=approver, application=application, on_date=date(2025, 10, 10), reason="存款超过上限")
    application.refresh_from_db()
    assert application.refusal_notice_due_on == date(2025, 10, 16)  # 11 (a working Saturday), 13, 14, 15, 16


def test_a_household_already_on_tekun_is_refused_at_acceptance(worker_a, wang_family):
    """§4 兼容: 特困 and 低保 are refused at the window, not first at the county's confirmation."""
    from assistance.casework import Application
    from ledger.services import enrol

    enrol(
        programme="tekun",
        household=wang_family,
        beneficiary=wang_family.head,
        monthly_amount=Decimal("700"),
        decided_on=date(2025, 1, 10),
    )
    with pytest.raises(DomainError) as error:
        accept(worker_a, wang_family)
    assert error.value.code == "incompatible" and "王秀兰已享受特困" in error.value.message
    assert not Application.objects.filter(household=wang_family).exists()  # no case opened either


def test_tekun_enrolled_while_the_dibao_case_runs_is_refused_at_confirmation(
    worker_a, clerk_a, reviewer_a, approver, wang_family
):
    from ledger.services import enrol

    application = accept(worker_a, wang_family)
    enrol(
        programme="tekun",
        household=wang_family,
        beneficiary=wang_family.head,
        monthly_amount=Decimal("700"),
        decided_on=date(2025, 1, 10),
    )
    to_notice(worker_a, clerk_a, reviewer_a, approver, application)
    pass_step(user=worker_a, application=application, on_date=date(2025, 10, 10))
    with pytest.raises(DomainError) as error:
        confirm_application(user=approver, application=application, on_date=date(2025, 10, 10))
    assert error.value.code == "incompatible" and "王秀兰已享受特困" in error.value.message
    step = current_step(application)
    assert step.definition.code == "confirm" and step.state == "active"  # nothing half-done


def test_engine_approval_of_investigation_without_survey_is_refused(worker_a, clerk_a, wang_family):
    application = accept(worker_a, wang_family)
    pass_step(user=worker_a, application=application, on_date=ON)
    step = current_step(application)
    with pytest.raises(DomainError) as error:
        pass_step(user=clerk_a, application=application, on_date=ON)
    assert error.value.code == "survey_missing"
    # the engine's own approve_step consults the same guard (cases.hooks)
    with pytest.raises(DomainError):
        check_approval_guards(step)


def test_the_whole_procedure_runs_with_every_actor_in_their_own_scope(
    worker_a, clerk_a, reviewer_a, approver, clerk_b, wang_family
):
    """As on the pages: each service runs inside the acting person's jurisdiction, not the system
    scope; the confirmed enrolment is seen by the household's township and not by another one."""

    def as_user(user, action, **kwargs):
        with within(scope_for_user(user)):
            return action(user=user, **kwargs)

    application = as_user(
        worker_a,
        apply_for_assistance,
        programme="dibao",
        household=wang_family,
        on_date=ACCEPTED,
        authorisation_signed=True,
    )
    as_user(worker_a, pass_step, application=application, on_date=ON, opinion="材料齐全")
    with within(scope_for_user(clerk_a)):
        survey(clerk_a, application)
    for user, opinion in ((clerk_a, "调查属实"), (approver, "核对无异常"), (reviewer_a, "初审同意")):
        as_user(user, pass_step, application=application, on_date=ON, opinion=opinion)
    as_user(worker_a, pass_step, application=application, on_date=date(2025, 10, 10), opinion="公示期满无异议")
    with within(scope_for_user(clerk_b)), pytest.raises(DomainError) as error:
        pass_step(user=clerk_b, application=application, on_date=date(2025, 10, 10))
    assert error.value.code == "wrong_step"  # 严塘镇 sees no step of 酿溪镇's case to act on
    as_user(approver, confirm_application, application=application, on_date=date(2025, 10, 10), opinion="准予")
    with within(scope_for_user(clerk_a)):
        enrolment = Enrolment.objects.get(household=wang_family, programme="dibao")
        assert enrolment.monthly_amount == Decimal("810.00")
        assert Application.objects.get(pk=application.pk).decision == Application.Decision.CONFIRMED
    with within(scope_for_user(clerk_b)):
        assert not Enrolment.objects.filter(pk=enrolment.pk).exists()
        assert not Application.objects.filter(pk=application.pk).exists()
