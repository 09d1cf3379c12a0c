"""The cases services as staff run them: inside the jurisdiction scope of the person acting (the
request middleware sets it from the user's unit), not the system scope the other tests start in.
A case goes from the village to the county with each actor in their own scope, and a window of
another village or township neither reaches the household nor sees the case."""

import pytest

from accounts.models import Unit
from accounts.tests.factories import StaffFactory, UnitFactory, ensure_area
from areas.jurisdiction import scope_for_user, within
from cases.actions import approve_step
from cases.models import Case, CaseEvent, CaseStep
from cases.services import accept_application
from cases.tests.factories import DAY, give_documents, item
from core.errors import DomainError

pytestmark = pytest.mark.django_db

DISABILITY_DOCS = ["id_card", "household_booklet", "application_form", "disability_certificate", "bank_card"]


@pytest.fixture
def worker_next_village(township_a):
    """钱民生, 民生员 of 城东社区, the next village in the same township as 赵民生's."""
    ensure_area("430522100202", "城东社区")
    village = UnitFactory(
        name="城东社区居委会", kind=Unit.Kind.VILLAGE_COMMITTEE, area_code="430522100202", parent=township_a
    )
    return StaffFactory(username="worker_a2", full_name="钱民生", unit=village, roles=["livelihood_worker"])


def act_as(user, case_pk, **kw) -> CaseStep:
    """Approve the case's active step the way the step page does: everything read in the user's scope."""
    with within(scope_for_user(user)):
        step = CaseStep.objects.get(case_id=case_pk, state=CaseStep.State.ACTIVE)
        return approve_step(user=user, step_id=step.pk, expected_version=step.row_version, on_date=DAY, **kw)


def test_a_case_goes_from_village_to_county_with_every_actor_in_their_own_scope(worker_a, clerk_a, approver, household):
    give_documents(household, DISABILITY_DOCS)
    with within(scope_for_user(worker_a)):
        case = accept_application(user=worker_a, item=item("disability_living"), household=household, on_date=DAY).case
        assert Case.objects.filter(pk=case.pk).exists()
    act_as(worker_a, case.pk, opinion="材料齐全")
    act_as(clerk_a, case.pk, opinion="同意上报")
    act_as(approver, case.pk, opinion="准予")
    with within(scope_for_user(clerk_a)):
        case = Case.objects.get(pk=case.pk)
        assert case.status == Case.Status.APPROVED
        approvals = CaseEvent.objects.filter(case=case, kind="step_approved").order_by("pk")
        assert [e.actor for e in approvals] == [worker_a, clerk_a, approver]


def test_another_village_or_township_neither_accepts_for_the_household_nor_sees_the_case(
    worker_a, worker_next_village, clerk_b, household
):
    give_documents(household, DISABILITY_DOCS)
    with within(scope_for_user(worker_a)):
        case = accept_application(user=worker_a, item=item("disability_living"), household=household, on_date=DAY).case
        intake = CaseStep.objects.get(case_id=case.pk, state=CaseStep.State.ACTIVE)
    for outsider in (worker_next_village, clerk_b):
        with within(scope_for_user(outsider)):
            with pytest.raises(DomainError) as error:
                accept_application(user=outsider, item=item("disability_living"), household=household, on_date=DAY)
            assert error.value.code == "outside_jurisdiction", outsider
            assert not Case.objects.filter(pk=case.pk).exists()
            assert not CaseStep.objects.filter(case_id=case.pk).exists()
            with pytest.raises(DomainError) as error:
                approve_step(user=outsider, step_id=intake.pk, expected_version=0, on_date=DAY)
            assert error.value.code == "not_found", outsider
    with within(scope_for_user(worker_a)):  # nothing changed: the intake step still waits for 赵民生
        assert CaseStep.objects.get(case_id=case.pk, state=CaseStep.State.ACTIVE) == intake
