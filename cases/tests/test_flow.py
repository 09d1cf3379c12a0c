"""A case from acceptance to the end: one-time notice, steps between levels, transfer, conflicts."""

from datetime import date

import pytest

from areas.jurisdiction import scope_for_user, within
from audit.context import acting_as, actor_for_user
from audit.models import AuditEntry
from audit.services import verify_chain
from cases.actions import approve_step, reject_case
from cases.catalogue import publish_version
from cases.models import Case, CaseEvent, CaseStep, Transfer
from cases.services import accept_application, supply_materials
from cases.tests.factories import DAY, give_documents, item
from cases.transfers import reply_transfer, transfer_case
from core.errors import DomainError
from registry.tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db

DISABILITY_DOCS = ["id_card", "household_booklet", "application_form", "disability_certificate", "bank_card"]


def active(case) -> CaseStep:
    return case.steps.get(state=CaseStep.State.ACTIVE)


def act(user, case, **kw):
    step = active(case)
    return approve_step(user=user, step_id=step.pk, expected_version=step.row_version, **kw)


def test_missing_document_gives_one_time_notice_and_holds_the_clock(worker_a, household):
    give_documents(household, ["id_card", "household_booklet", "application_form", "bank_card"])
    result = accept_application(user=worker_a, item=item("disability_living"), household=household, on_date=DAY)
    case = result.case
    assert [m.text for m in result.missing] == [f"{household.head.name}：残疾人证缺少"]
    assert case.status == Case.Status.MATERIALS and case.proxy  # 民生员 → 代办
    assert case.receipt_no.startswith("43052220250926") and len(case.receipt_no) == 18
    assert case.due_on is None and not case.steps.filter(state=CaseStep.State.ACTIVE).exists()
    assert list(case.events.values_list("kind", flat=True)) == ["accepted", "materials_notice"]
    with pytest.raises(DomainError) as error:
        supply_materials(user=worker_a, case=case, on_date=DAY)
    assert error.value.code == "materials_missing"

    give_documents(household, ["disability_certificate"])
    supply_materials(user=worker_a, case=case, on_date=date(2025, 9, 30))
    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS
    assert case.clock_started_on == date(2025, 9, 30)
    assert case.due_on == date(2025, 11, 4)  # 20 WD after 30 Sep, across 1–8 Oct, counting Sat 11 Oct
    intake = active(case)
    assert intake.responsible_unit == worker_a.unit and intake.due_on == date(2025, 10, 11)  # 3 WD
    assert case.pauses.get(kind="materials").ended_on == date(2025, 9, 30)


def test_an_acceptance_is_in_the_audit_chain_with_who_accepted_what(worker_a, household):
    give_documents(household, DISABILITY_DOCS)
    with acting_as(actor_for_user(worker_a, "10.0.0.8")):
        case = accept_application(user=worker_a, item=item("disability_living"), household=household, on_date=DAY).case
    created, started = AuditEntry.unscoped.filter(object_type="cases.case", object_id=str(case.pk)).order_by("id")
    assert (created.action, created.username, created.ip) == ("create", worker_a.username, "10.0.0.8")
    assert created.changes["receipt_no"] == [None, case.receipt_no]
    # The clock starts at once (documents complete): the case now points at its first step.
    assert (started.action, started.username) == ("update", worker_a.username)
    assert started.changes["current_step_id"] == [None, str(case.current_step_id)]
    assert verify_chain().ok


def test_a_case_links_the_library_documents_it_uses_picked_or_current_once_each(worker_a, household):
    unrelated = give_documents(household, ["death_certificate"])[0]
    picked, *_ = give_documents(household, DISABILITY_DOCS)
    chosen = accept_application(
        user=worker_a, item=item("disability_living"), household=household, on_date=DAY, documents=[picked.pk]
    ).case
    assert list(chosen.documents.values_list("document_id", flat=True)) == [picked.pk]

    withheld = give_documents(HouseholdFactory(), ["disability_certificate"])[0]  # another household's
    held = give_documents(household, ["id_card", "household_booklet", "application_form", "bank_card"])
    other = HouseholdFactory(area_code=household.area_code)
    give_documents(other, ["id_card", "household_booklet", "application_form", "bank_card"])
    waiting = accept_application(user=worker_a, item=item("disability_living"), household=other, on_date=DAY).case
    assert waiting.status == Case.Status.MATERIALS and waiting.documents.count() == 4
    certificate = give_documents(other, ["disability_certificate"])[0]
    supply_materials(user=worker_a, case=waiting, on_date=DAY)
    linked = list(waiting.documents.values_list("doc_type_id", "document_id"))
    assert len(linked) == 5 and ("disability_certificate", certificate.pk) in linked
    assert {unrelated.pk, withheld.pk, *(d.pk for d in held)}.isdisjoint(d for _, d in linked)


def test_village_to_township_to_county_with_a_transfer_to_the_disabled_federation(
    worker_a, clerk_a, approver, cl_officer, disabled_federation, household
):
    give_documents(household, DISABILITY_DOCS)
    case = accept_application(user=worker_a, item=item("disability_living"), household=household, on_date=DAY).case
    assert case.due_on == date(2025, 10, 30)  # 20 WD from Fri 26 Sep 2025 (Sun 28 Sep worked)
    act(worker_a, case, on_date=DAY, opinion="材料齐全，情况属实")
    review = active(case)
    assert review.responsible_unit == clerk_a.unit and review.due_on == date(2025, 10, 13)
    transfer = transfer_case(
        user=clerk_a,
        step_id=review.pk,
        expected_version=review.row_version,
        to_unit=disabled_federation,
        request="请核实残疾等级",
        on_date=date(2025, 9, 29),
    )
    assert transfer.area_code == disabled_federation.area_code and transfer.due_on == date(2025, 10, 13)
    with pytest.raises(DomainError) as error:
        act(clerk_a, case, on_date=date(2025, 9, 29))
    assert error.value.code == "transfers_open"
    with within(scope_for_user(cl_officer)):
        reply_transfer(user=cl_officer, transfer_id=transfer.pk, on_date=date(2025, 10, 9), reply="经核实为肢体二级")
    with pytest.raises(DomainError) as error:
        reply_transfer(user=cl_officer, transfer_id=transfer.pk, on_date=date(2025, 10, 9), reply="again")
    assert error.value.code == "transfer_conflict"
    act(clerk_a, case, on_date=date(2025, 10, 9), opinion="同意上报")
    confirm = active(case)
    assert confirm.responsible_unit.name == "新邵县民政局"
    with pytest.raises(DomainError) as error:  # the clerk is not the county's approver
        approve_step(user=clerk_a, step_id=confirm.pk, expected_version=confirm.row_version, on_date=date(2025, 10, 10))
    assert error.value.code == "no_permission"
    act(approver, case, on_date=date(2025, 10, 10), opinion="准予")
    case.refresh_from_db()
    assert case.status == Case.Status.APPROVED and case.closed_on == date(2025, 10, 10)
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == [
        "accepted",
        "step_started",
        "step_approved",
        "step_started",
        "transferred",
        "transfer_replied",
        "step_approved",
        "step_started",
        "step_approved",
        "approved",
    ]
    replied = case.events.get(kind="transfer_replied")
    assert replied.actor == cl_officer and replied.unit_name == "新邵县残疾人联合会"


def test_stale_version_is_refused_with_a_clear_message(worker_a, household):
    give_documents(household, DISABILITY_DOCS)
    case = accept_application(user=worker_a, item=item("disability_living"), household=household, on_date=DAY).case
    step = active(case)
    approve_step(user=worker_a, step_id=step.pk, expected_version=0, on_date=DAY)
    with pytest.raises(DomainError) as error:
        approve_step(user=worker_a, step_id=step.pk, expected_version=0, on_date=DAY)
    assert error.value.code == "step_conflict"
    assert "赵民生" in error.value.message


def test_reject_needs_a_reason_and_ends_the_case(worker_a, household):
    give_documents(household, DISABILITY_DOCS)
    case = accept_application(user=worker_a, item=item("disability_living"), household=household, on_date=DAY).case
    step = active(case)
    with pytest.raises(DomainError) as error:
        reject_case(user=worker_a, step_id=step.pk, expected_version=0, on_date=DAY, reason=" ")
    assert error.value.code == "reason_required"
    reject_case(user=worker_a, step_id=step.pk, expected_version=0, on_date=DAY, reason="不符合条件")
    case.refresh_from_db()
    assert case.status == Case.Status.REJECTED and case.outcome_reason == "不符合条件"
    assert set(case.steps.exclude(pk=step.pk).values_list("state", flat=True)) == {"cancelled"}


def test_another_township_cannot_reach_the_case(worker_a, clerk_b, household):
    give_documents(household, DISABILITY_DOCS)
    case = accept_application(user=worker_a, item=item("disability_living"), household=household, on_date=DAY).case
    step = case.steps.first()
    with within(scope_for_user(clerk_b)):
        assert not Case.objects.filter(pk=case.pk).exists()
        with pytest.raises(DomainError) as error:
            approve_step(user=clerk_b, step_id=step.pk, expected_version=0, on_date=DAY)
        assert error.value.code == "not_found"


def test_window_level_and_jurisdiction_are_checked(worker_a, clerk_b, household):
    with pytest.raises(DomainError) as error:
        accept_application(user=worker_a, item=item("marriage"), household=household, on_date=DAY)
    assert error.value.code == "level_not_allowed"
    with within(scope_for_user(clerk_b)), pytest.raises(DomainError) as error:
        accept_application(user=clerk_b, item=item("dibao"), household=household, on_date=DAY)
    assert error.value.code == "outside_jurisdiction"


def test_joint_opinions_must_all_come_in(worker_a, clerk_a, county_bureau, household):
    from accounts.models import Unit
    from accounts.tests.factories import StaffFactory, UnitFactory

    units = {
        dept: UnitFactory(name=f"新邵县{dept}", kind=Unit.Kind.DEPARTMENT, department=dept, area_code="430522000000")
        for dept in ("medical_insurance", "education")
    }
    give_documents(
        household,
        [
            "id_card",
            "household_booklet",
            "application_form",
            "verification_authorization",
            "income_proof",
            "bank_card",
            "medical_bills",
        ],
    )
    case = accept_application(user=worker_a, item=item("rigid_expense"), household=household, on_date=DAY).case
    act(worker_a, case, on_date=DAY)
    investigate = active(case)
    joint = Transfer.unscoped.filter(step=investigate, kind="joint")
    assert joint.count() == 2
    with pytest.raises(DomainError) as error:
        act(clerk_a, case, on_date=DAY)
    assert error.value.code == "opinions_pending"
    for dept, unit in units.items():
        officer = StaffFactory(unit=unit, roles=[])
        reply_transfer(user=officer, transfer_id=joint.get(to_unit=unit).pk, on_date=DAY, reply=f"{dept}无异议")
    act(clerk_a, case, on_date=DAY)
    assert active(case).definition.kind == "notice"
    assert case.events.filter(kind=CaseEvent.Kind.OPINION_GIVEN).count() == 2


def test_a_version_published_after_cases_ran_applies_to_the_next_acceptance(
    worker_a, household, django_capture_on_commit_callbacks
):
    """The steps of a version in use are kept per process: a newer version must still take over."""
    give_documents(household, DISABILITY_DOCS)
    disability = item("disability_living")
    with django_capture_on_commit_callbacks(execute=True):
        first = accept_application(user=worker_a, item=disability, household=household, on_date=DAY).case
    publish_version(
        disability,
        effective_from=date(2025, 10, 1),
        total_limit_wd=10,
        steps=[
            {"code": "confirm", "name": "县级一次审定", "kind": "handle", "level": "county", "limit": 8, "role": ""}
        ],
    )
    neighbour = HouseholdFactory()  # one open application per programme and household (one intake)
    give_documents(neighbour, DISABILITY_DOCS)
    with django_capture_on_commit_callbacks(execute=True):
        later = accept_application(user=worker_a, item=disability, household=neighbour, on_date=date(2025, 10, 9)).case
    assert list(later.steps.values_list("name", flat=True)) == ["县级一次审定"]
    assert first.steps.count() > 1 and "县级一次审定" not in first.steps.values_list("name", flat=True)
