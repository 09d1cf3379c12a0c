"""Statutory periods start from the event the law names (民法典 第一千零七十七条): the divorce
cooling-off runs from the day the registry received the application, not from the day the clerk
passed the acceptance step; the 30 days to appear run from the end of the cooling-off."""

from datetime import date

import pytest

from accounts.tests.factories import StaffFactory
from cases.actions import approve_step
from cases.models import CaseStep
from cases.services import accept_application
from cases.tests.factories import give_documents, item
from registry.tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db

RECEIVED = date(2025, 3, 3)  # Monday


@pytest.fixture
def registrar(county_bureau):
    return StaffFactory(username="registrar", full_name="陈登记", unit=county_bureau, roles=["registrar"])


def step(case, code) -> CaseStep:
    return case.steps.get(definition__code=code)


def test_cooling_off_counts_from_the_day_the_application_was_received(registrar):
    couple = HouseholdFactory()
    give_documents(couple, ["id_card", "marriage_certificate", "photo"])
    case = accept_application(user=registrar, item=item("divorce"), household=couple, on_date=RECEIVED).case
    apply = step(case, "apply")
    # the clerk passes the acceptance step three days later: the law's clock has been running since 3 March
    approve_step(user=registrar, step_id=apply.pk, expected_version=apply.row_version, on_date=date(2025, 3, 6))
    cooling = step(case, "cooling_off")
    assert cooling.started_on == date(2025, 3, 6)
    assert cooling.due_on == date(2025, 4, 2)  # 3 March + 30 days (a Wednesday), not 5 April
    # the cooling-off is passed late, on 10 April: the 30 days to appear still run from 2 April
    approve_step(user=registrar, step_id=cooling.pk, expected_version=cooling.row_version, on_date=date(2025, 4, 10))
    assert step(case, "appear").due_on == date(2025, 5, 6)  # 2 April + 30 = 2 May (holiday) → 6 May
