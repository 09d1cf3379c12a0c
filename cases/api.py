"""REST API of the one-window engine (/api/v1/cases): accept, act on a step, view a case, queues.

Same services and scoping as the pages; errors come back as {code, message} with 400/403/404/409.
"""

from datetime import date

from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import computed_field

from cases import actions
from cases.access import is_department_officer
from cases.errors import CaseCode
from cases.models import Case, CaseStep, ServiceItem
from cases.services import accept_application
from cases.transfers import department_units, transfer_case
from cases.workdays import is_provisional
from core.api import ErrorOut
from core.errors import DomainError
from registry.models import Household

router = Router(tags=["一门受理"])

# HTTP statuses of the engine's refusals (core.api.domain_error_handler answers them; 400 otherwise).
ERROR_STATUS = {
    CaseCode.NO_PERMISSION: 403,
    CaseCode.NOT_FOUND: 404,
    CaseCode.STEP_CONFLICT: 409,
    CaseCode.TRANSFER_CONFLICT: 409,
    CaseCode.REPLY_ISSUED: 409,
}


class StepOut(Schema):
    id: int
    order: int
    name: str
    state: str
    unit: str
    due_on: date | None
    version: int

    @computed_field(description="办理期限暂定：该年度节假日安排尚未录入，期限按周一至周五计算")
    @property
    def due_on_provisional(self) -> bool:
        return is_provisional(self.due_on)


class CaseOut(Schema):
    id: int
    receipt_no: str
    item: str
    subject_kind: str
    subject: str  # "张三、李四（结婚登记）"
    household_id: int | None = None
    status: str
    due_on: date | None
    missing: list[str] = []
    current_step: StepOut | None = None
    steps: list[StepOut] = []

    @computed_field(description="办理期限暂定：该年度节假日安排尚未录入，期限按周一至周五计算")
    @property
    def due_on_provisional(self) -> bool:
        return is_provisional(self.due_on)


class AcceptIn(Schema):
    item: str
    household_id: int
    applicant_id: int | None = None
    document_ids: list[int] = []
    phone: str = ""


class ActIn(Schema):
    action: str  # approve / correct / reject / transfer
    version: int
    text: str = ""
    to_unit_id: int | None = None


class QueueRow(Schema):
    case_id: int
    receipt_no: str
    item: str
    step_id: int
    step: str
    due_on: date | None
    version: int

    @computed_field(description="办理期限暂定：该年度节假日安排尚未录入，期限按周一至周五计算")
    @property
    def due_on_provisional(self) -> bool:
        return is_provisional(self.due_on)


def _forbidden():
    return 403, ErrorOut(code="no_permission", message="部门人员请通过转办事项办理")


def _case_steps(case_id: int) -> list[CaseStep]:
    """The case's steps in order, with their responsible unit."""
    return list(CaseStep.objects.select_related("responsible_unit").filter(case_id=case_id).order_by("order"))


def _step_out(step: CaseStep, unit_name: str = "") -> StepOut:
    return StepOut(
        id=step.pk,
        order=step.order,
        name=step.name,
        state=step.state,
        unit=unit_name,
        due_on=step.due_on,
        version=step.row_version,
    )


def _case_out(
    case: Case, missing: list[str] | None = None, with_steps: bool = False, steps: list[CaseStep] | None = None
) -> CaseOut:
    if steps is None:
        steps = _case_steps(case.pk)
    current = next((s for s in steps if s.state in ("active", "correction")), None)
    return CaseOut(
        id=case.pk,
        receipt_no=case.receipt_no,
        item=case.item.name,
        subject_kind=case.subject_kind,
        subject=case.subject_title,
        household_id=case.household_id,
        status=case.status,
        due_on=case.due_on,
        missing=missing or [],
        current_step=_step_out(current, current.responsible_unit.name) if current else None,
        steps=[_step_out(s, s.responsible_unit.name if s.responsible_unit_id else "") for s in steps]
        if with_steps
        else [],
    )


@router.post("/accept", response={200: CaseOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}, summary="受理申请")
def accept(request, payload: AcceptIn):
    if is_department_officer(request.user):
        return _forbidden()
    item = ServiceItem.objects.filter(code=payload.item).first()
    household = Household.objects.select_related("head").filter(pk=payload.household_id).first()
    if item is None or household is None:
        return 404, ErrorOut(code="not_found", message="找不到该事项或家庭，或不在您的辖区")
    applicant = None
    if payload.applicant_id:
        applicant = next(
            (m.person for m in household.current_memberships() if m.person_id == payload.applicant_id), None
        )
    result = accept_application(
        user=request.user,
        item=item,
        household=household,
        applicant=applicant,
        documents=payload.document_ids,
        phone=payload.phone,
        on_date=timezone.localdate(),
        route_to_line=True,  # a 社会救助 item becomes its assistance application
    )
    return 200, _case_out(result.case, [m.text for m in result.missing], steps=result.steps)


@router.get("/queue/{name}", response={200: list[QueueRow], 403: ErrorOut, 404: ErrorOut}, summary="工作队列")
def queue(request, name: str, limit: int = Query(50, ge=1, le=200)):
    from django.http import Http404

    from cases.views.queues import queue_queryset

    if is_department_officer(request.user):
        return _forbidden()
    if name not in ("todo", "overdue", "returned", "done"):
        return 404, ErrorOut(code="not_found", message="没有这个工作队列")
    try:
        steps = queue_queryset(request.user, name, timezone.localdate())
    except Http404:
        return 404, ErrorOut(code="not_found", message="没有这个工作队列")
    # The row's fields only: a queue page of model instances with five related objects each cost
    # more CPU than its query.
    fields = ("case_id", "case__receipt_no", "case__item__name", "id", "name", "due_on", "row_version")
    return 200, [
        QueueRow(case_id=c, receipt_no=r, item=i, step_id=s, step=n, due_on=d, version=v)
        for c, r, i, s, n, d, v in steps.values_list(*fields)[:limit]
    ]


_DETAIL_FIELDS = (
    *("id", "order", "name", "state", "responsible_unit__name", "due_on", "row_version"),
    *("case__subject_kind", "case__applicant__name", "case__partner__name", "case__organisation__name"),
    *("case__subject_label", "case__household_id"),
    *("case__receipt_no", "case__item__name", "case__status", "case__due_on"),
)


@router.get("/{case_id}", response={200: CaseOut, 403: ErrorOut, 404: ErrorOut}, summary="办件详情")
def case_detail(request, case_id: int):
    if is_department_officer(request.user):
        return _forbidden()
    # A case's steps carry its area code: the steps in scope, with their case, are the case in scope.
    # The answer's fields only: steps with three related objects each cost twice the CPU.
    rows = list(CaseStep.objects.filter(case_id=case_id).order_by("order").values_list(*_DETAIL_FIELDS))
    if not rows:
        return 404, ErrorOut(code="not_found", message="找不到该办件，或不在您的辖区")
    steps = [
        StepOut(id=i, order=o, name=n, state=s, unit=u or "", due_on=d, version=v) for i, o, n, s, u, d, v, *_ in rows
    ]
    kind, applicant, partner, organisation, label, household_id = rows[0][7:13]
    receipt_no, item, status, due_on = rows[0][-4:]
    names = {"applicant": applicant or "", "partner": partner or "", "organisation": organisation or ""}
    subject = Case.name_of_subject(kind, label=label, **names)
    current = next((step for step in steps if step.state in ("active", "correction")), None)
    return 200, CaseOut(
        id=case_id,
        receipt_no=receipt_no,
        item=item,
        subject_kind=kind,
        subject=f"{subject}（{item}）",
        household_id=household_id,
        status=status,
        due_on=due_on,
        current_step=current,
        steps=steps,
    )


@router.post(
    "/{case_id}/steps/{step_id}/act",
    response={200: CaseOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="办理环节：通过 / 退回补正 / 不予通过 / 转办",
)
def act(request, case_id: int, step_id: int, payload: ActIn):
    if is_department_officer(request.user):
        return _forbidden()
    common = {"user": request.user, "step_id": step_id, "expected_version": payload.version, "case_id": case_id}
    common["on_date"] = timezone.localdate()
    if payload.action == "approve":
        step = actions.approve_step(**common, opinion=payload.text)
        # The case's steps as loaded and then changed by the approval: no need to read them again.
        return 200, _case_out(step.case, steps=step.case.loaded_steps)
    elif payload.action == "correct":
        step = actions.return_for_correction(**common, reason=payload.text)
    elif payload.action == "reject":
        step = actions.reject_case(**common, reason=payload.text)
    elif payload.action == "transfer":
        to_unit = department_units(request.user.area_code).filter(pk=payload.to_unit_id).first()
        if to_unit is None:
            raise DomainError(CaseCode.TRANSFER_TARGET, "请选择转办部门")
        step = transfer_case(**common, to_unit=to_unit, request=payload.text).step
    else:
        raise DomainError(CaseCode.BAD_ACTION, "未知的办理动作")
    return 200, _case_out(step.case)  # the step's case (in scope), as the action left it
