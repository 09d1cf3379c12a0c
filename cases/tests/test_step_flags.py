"""The flags a step is read with (open transfers, open 督办) are plain SQL inside the ORM statement:
their answer is the ORM's Exists (the SQL-twin), for open and closed transfers and 督办."""

from datetime import date

import pytest
from django.db.models import Exists, OuterRef

from areas.jurisdiction import scope_for_user, within
from cases.actions import _steps, approve_step
from cases.models import CaseStep, Supervision, Transfer
from cases.services import accept_application
from cases.supervision import close_supervisions, issue_supervision
from cases.tests.factories import DAY, give_documents, item
from cases.transfers import reply_transfer, transfer_case
from registry.tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db

DOCS = ["id_card", "household_booklet", "application_form", "disability_certificate", "bank_card"]


def _at_township(worker_a):
    """A new case whose township step is active; that step."""
    household = HouseholdFactory()
    give_documents(household, DOCS)
    case = accept_application(user=worker_a, item=item("disability_living"), household=household, on_date=DAY).case
    intake = case.steps.get(state=CaseStep.State.ACTIVE)
    approve_step(user=worker_a, step_id=intake.pk, expected_version=intake.row_version, on_date=DAY)
    return CaseStep.objects.select_related("case").get(case=case.pk, state=CaseStep.State.ACTIVE)


def _transfer(clerk_a, step, disabled_federation):
    return transfer_case(
        user=clerk_a,
        step_id=step.pk,
        expected_version=step.row_version,
        to_unit=disabled_federation,
        request="请核实残疾等级",
        on_date=date(2025, 9, 29),
    )


def test_the_steps_flags_are_the_orms_exists(worker_a, clerk_a, leader, cl_officer, disabled_federation):
    open_transfer = _at_township(worker_a)
    _transfer(clerk_a, open_transfer, disabled_federation)
    answered = _at_township(worker_a)
    transfer = _transfer(clerk_a, answered, disabled_federation)
    with within(scope_for_user(cl_officer)):
        reply_transfer(user=cl_officer, transfer_id=transfer.pk, on_date=date(2025, 10, 9), reply="经核实为肢体二级")
    supervised = _at_township(worker_a)
    issue_supervision(user=leader, case=supervised.case, on_date=DAY, due_on=date(2025, 10, 10), reason="加快")
    closed = _at_township(worker_a)
    issue_supervision(user=leader, case=closed.case, on_date=DAY, due_on=date(2025, 10, 10), reason="加快")
    close_supervisions(closed, DAY)

    flags = {step.pk: (step.has_open_transfers, step.has_open_supervisions) for step in _steps()}
    orm = CaseStep.objects.annotate(
        open_transfers=Exists(Transfer.unscoped.filter(step_id=OuterRef("pk"), state=Transfer.State.OPEN)),
        open_supervisions=Exists(Supervision.unscoped.filter(step_id=OuterRef("pk"), closed_on__isnull=True)),
    )

    assert flags == {step.pk: (step.open_transfers, step.open_supervisions) for step in orm}
    assert flags[open_transfer.pk] == (True, False) and flags[answered.pk] == (False, False)
    assert flags[supervised.pk] == (False, True) and flags[closed.pk] == (False, False)
