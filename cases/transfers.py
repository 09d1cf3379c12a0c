"""转办 and 会办: a step sends work to another department (人社, 卫健, 残联 ...) with its own deadline;
the department's reply comes back onto the case timeline. Joint opinions (会办) are transfers the
step definition asks for when the step starts; the step cannot pass until every one is answered."""

from datetime import date

from accounts.models import Unit
from audit.services import chained_at_end
from cases import events
from cases.access import transfers_for_department
from cases.actions import _check, _claim, load_step
from cases.errors import CaseCode
from cases.models import CaseStep, Transfer
from cases.supervision import close_transfer_supervisions
from cases.workdays import WorkCalendar
from core.errors import DomainError


def department_units(area_code: str):
    """Departments of the case's county a step may transfer to (reference data, read unscoped)."""
    return Unit.unscoped.filter(
        kind=Unit.Kind.DEPARTMENT, area_code__startswith=area_code[:6], is_active=True
    ).order_by("department", "name")


def transfer_case(
    *,
    user,
    step_id: int,
    expected_version: int,
    to_unit: Unit,
    request: str,
    on_date: date,
    limit_wd: int | None = None,
    calendar: WorkCalendar | None = None,
    case_id: int | None = None,
) -> Transfer:
    """转办: the step stays with its unit and waits for the department's reply."""
    request = (request or "").strip()
    if not request:
        raise DomainError(CaseCode.REASON_REQUIRED, "转办须写明需要对方办理或答复的事项")
    if to_unit.kind != Unit.Kind.DEPARTMENT or not to_unit.is_active:
        raise DomainError(CaseCode.TRANSFER_TARGET, "转办对象须为其他职能部门（人社、卫健、残联等）")
    step = load_step(step_id, case_id)
    _check(user, step, expected_version)
    if not to_unit.area_code.startswith(step.case.area_code[:6]):
        raise DomainError(CaseCode.TRANSFER_TARGET, "只能转办本县（区）的职能部门")
    calendar = calendar or WorkCalendar()
    due = calendar.add_working_days(on_date, limit_wd or step.definition.transfer_limit_wd)
    with chained_at_end():
        _claim(step, expected_version)  # serialises with other actions on the step
        transfer = Transfer.objects.create(
            case=step.case,
            step=step,
            kind=Transfer.Kind.TRANSFER,
            from_unit=step.responsible_unit,
            to_unit=to_unit,
            request=request,
            sent_on=on_date,
            due_on=due,
            sent_by=user,
            area_code=to_unit.area_code,
        )
        events.transferred(transfer, user, on_date)
    return transfer


def request_opinions(step: CaseStep, departments: list[str], on_date: date, calendar: WorkCalendar) -> list[Transfer]:
    """会办: ask each named department of the county for its opinion on the step."""
    created = []
    for department in departments:
        unit = department_units(step.case.area_code).filter(department=department).first()
        if unit is None:
            label = Unit.Department(department).label
            raise DomainError(CaseCode.NO_UNIT, f"本县未设置{label}部门单位，无法征求会办意见，请联系管理员")
        transfer = Transfer.objects.create(
            case=step.case,
            step=step,
            kind=Transfer.Kind.JOINT,
            from_unit=step.responsible_unit,
            to_unit=unit,
            request=f"请对“{step.case.item.name}”（{step.case.receipt_no}）“{step.name}”出具会办意见",
            sent_on=on_date,
            due_on=calendar.add_working_days(on_date, step.definition.transfer_limit_wd),
            area_code=unit.area_code,
        )
        events.opinion_requested(transfer, on_date)
        created.append(transfer)
    return created


def reply_transfer(*, user, transfer_id: int, on_date: date, reply: str, attachment=None) -> Transfer:
    """The department answers; its reply lands on the case timeline and frees the step."""
    reply = (reply or "").strip()
    if not reply:
        raise DomainError(CaseCode.REASON_REQUIRED, "答复意见不能为空")
    transfer = transfers_for_department(user).filter(pk=transfer_id).first()
    if transfer is None:
        raise DomainError(CaseCode.NOT_FOUND, "找不到该转办事项，或不是发给本单位的")
    with chained_at_end():
        if not Transfer.objects.filter(pk=transfer.pk, state=Transfer.State.OPEN).update(
            state=Transfer.State.REPLIED, reply=reply, replied_on=on_date, replied_by=user
        ):
            raise DomainError(CaseCode.TRANSFER_CONFLICT, "该转办事项已答复或已撤回，请刷新页面")
        transfer.state, transfer.reply, transfer.replied_on = Transfer.State.REPLIED, reply, on_date
        events.transfer_replied(transfer, user, on_date, attachment)
        close_transfer_supervisions(transfer, on_date)
    return transfer
