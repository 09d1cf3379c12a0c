"""The rules of issue 18 §4 on the real paths, not only in policy.rules: the household as the
registry knows it (students up to bachelor level), single-person households for clergy living
apart, the benefit on household totals rounded once, 特困 only without labour capacity."""

from datetime import date
from decimal import Decimal

import pytest

from assistance.procedure import apply_for_assistance, confirm_application
from assistance.survey import record_survey
from assistance.tests.factories import add_member
from assistance.tests.test_other_programmes import elder, tekun_to_confirm
from core.errors import DomainError
from policy.models import PolicyParameter
from policy.programmes import ParameterKey as K
from registry.models import Person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_policy")]

ON = date(2025, 9, 22)


def accept(worker, household, **extra):
    return apply_for_assistance(
        user=worker, programme="dibao", household=household, on_date=ON, authorisation_signed=True, **extra
    )


def counted(application):
    return sorted(m["name"] for m in application.composition["counted"])


def students(family):
    add_member(family, "李本科", "20", date(2003, 5, 1), employment="student", education="bachelor")
    add_member(family, "李硕士", "20", date(2001, 5, 1), employment="student", education="postgraduate")


def test_students_are_counted_from_the_registry_up_to_bachelor_level(worker_a, wang_family):
    students(wang_family)
    application = accept(worker_a, wang_family)
    assert "李本科" in counted(application) and "李硕士" not in counted(application)
    left = {m["name"]: m["reason"] for m in application.composition["left_out"]}
    assert "已成年" in left["李硕士"]


def test_a_province_that_counts_postgraduates_gets_them_counted(worker_a, wang_family):
    students(wang_family)
    PolicyParameter.objects.create(area_code="430000000000", key=K.POSTGRADUATE_COUNTS, value=True, effective_from=ON)
    assert "李硕士" in counted(accept(worker_a, wang_family))


def test_an_adult_child_the_registry_records_without_labour_capacity_counts(worker_a, wang_family):
    add_member(wang_family, "李残", "20", date(1995, 5, 1), labour_capacity=Person.LabourCapacity.NONE)
    assert "李残" in counted(accept(worker_a, wang_family))


def test_clergy_living_apart_in_a_religious_site_may_apply_alone(worker_a, wang_family):
    head = wang_family.head
    application = accept(worker_a, wang_family, alone=True, member_inputs={head.pk: {"religious_apart": True}})
    assert counted(application) == ["王秀兰"] and "宗教场所" in application.composition["note"]
    with pytest.raises(DomainError) as error:  # without the category: the whole household applies
        accept(worker_a, wang_family, alone=True)
    assert error.value.code == "not_alone"


def test_the_survey_computes_the_benefit_on_the_household_total_rounded_once(worker_a, clerk_a, wang_family):
    application = accept(worker_a, wang_family)  # three counted, rural standard 470
    record_survey(
        user=clerk_a,
        application=application,
        visited_on=ON,
        investigators=[{"name": "甲", "confirmed": True}, {"name": "乙", "confirmed": True}],
        income_items=[{"kind": "wages", "annual_amount": "10000"}],
    )
    application.refresh_from_db()
    assert application.monthly_per_capita == Decimal("277.78")
    assert application.proposed_amount == Decimal("576.67")  # 470 × 3 − 833.333…, not (470 − 277.78) × 3


def test_tekun_is_refused_at_confirmation_for_a_person_able_to_work(worker_a, clerk_a, approver):
    codes = ["id_card", "household_booklet", "application_form", "verification_authorization", "photo"]
    household = elder(codes)
    Person.objects.filter(pk=household.head_id).update(birth_date=date(1980, 2, 1))  # 45: not 60 or over
    application = tekun_to_confirm(worker_a, clerk_a, household)
    with pytest.raises(DomainError) as error:
        confirm_application(user=approver, application=application, on_date=date(2025, 10, 10))
    assert error.value.code == "labour_capacity" and "无劳动能力" in error.value.message
    Person.objects.filter(pk=household.head_id).update(disability_type="5", disability_grade=3)
    application.refresh_from_db()
    application.beneficiary.refresh_from_db()
    confirmed = confirm_application(user=approver, application=application, on_date=date(2025, 10, 10))
    assert confirmed.decision == "confirmed"  # a grade-3 intellectual disability: no labour capacity
