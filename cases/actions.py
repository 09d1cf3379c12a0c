"""Acting on a step: approve (通过), return for correction (退回补正) and resume, reject (不予通过).

Every action is a conditional update on the step's (state, row_version): of two officers acting on
the same step at once exactly one succeeds; the other gets `step_conflict` with a clear message.
"""

from datetime import date, timedelta

from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from django.utils import timezone

from audit.services import chained_at_end, update_logged
from cases import events, hooks
from cases.access import can_accept, can_act_on
from cases.errors import CaseCode
from cases.models import Case, CaseStep, PauseInterval, StepDefinition, Supervision, Transfer
from cases.services import activate_step
from cases.workdays import WorkCalendar
from core.errors import DomainError

State = CaseStep.State


_STEP_RELATED = ("case", "case__version", "case__item", "definition", "responsible_unit")


def _open_rows_of_step(model, condition: str, params: tuple = ()) -> RawSQL:
    """Whether a row of `model` for the step matches `condition` (plain SQL on its own table `x`): an
    EXISTS of the ORM cost a third of reading the steps (about 0.4 ms of CPU each to build and compile,
    in-process); `cases/tests/test_step_flags.py` compares the answer with the ORM's Exists."""
    quote = connection.ops.quote_name
    step = f"{quote(CaseStep._meta.db_table)}.{quote('id')}"
    return RawSQL(  # noqa: S611 - the models' own names; values are parameters
        f"EXISTS (SELECT 1 FROM {quote(model._meta.db_table)} x WHERE x.{quote('step_id')} = {step} AND {condition})",  # noqa: S608
        params,
        output_field=BooleanField(),
    )


def _steps():
    """Steps with what acting on them needs; `has_open_transfers` and `has_open_supervisions` save
    acting a statement for the transfers (whichever department's area they belong to) and the 督办
    of the step when there are none, as almost always."""
    return CaseStep.objects.select_related(*_STEP_RELATED).annotate(
        has_open_transfers=_open_rows_of_step(Transfer, 'x."state" = %s', (Transfer.State.OPEN.value,)),
        has_open_supervisions=_open_rows_of_step(Supervision, 'x."closed_on" IS NULL'),
    )


def _open_transfers(step_id: int) -> list[tuple[str, str]]:
    """The step's own transfers (kind, department), whichever department's area they belong to."""
    return list(
        Transfer.unscoped.filter(step_id=step_id, state=Transfer.State.OPEN).values_list("kind", "to_unit__name")
    )


def load_step(step_id: int, case_id: int | None = None) -> CaseStep:
    """The step with its case; `case_id` (the case in a URL) must be the step's own case.

    Given `case_id`, every step of the case comes in the same query, in order, as
    `step.case.loaded_steps` (one shared case object): approving needs the next step and the API's
    answer shows them all, which would otherwise be two more queries."""
    if case_id is None:
        step = _steps().filter(pk=step_id).first()
    else:
        siblings = list(_steps().filter(case_id=case_id).order_by("order"))
        step = next((s for s in siblings if s.pk == step_id), None)
        if step is not None:
            for sibling in siblings:
                sibling.case = step.case
            step.case.loaded_steps = siblings
    if step is None:
        raise DomainError(CaseCode.NOT_FOUND, "找不到该办理环节，或不在您的辖区")
    return step


def _conflict(step: CaseStep) -> DomainError:
    fresh = CaseStep.objects.select_related("acted_by").filter(pk=step.pk).first()
    if fresh and fresh.acted_by_id and fresh.state != State.ACTIVE:
        who = fresh.acted_by.full_name or fresh.acted_by.username
        return DomainError(
            CaseCode.STEP_CONFLICT, f"“{step.name}”已由{who}处理（{fresh.get_state_display()}），请刷新页面查看最新情况"
        )
    return DomainError(CaseCode.STEP_CONFLICT, f"“{step.name}”刚刚被他人处理，请刷新页面查看最新情况")


def _check(user, step: CaseStep, expected_version: int, state: str = State.ACTIVE) -> None:
    if not can_act_on(user, step):
        unit = step.responsible_unit.name if step.responsible_unit_id else "—"
        raise DomainError(CaseCode.NO_PERMISSION, f"您不能办理“{step.name}”（责任单位：{unit}）")
    if step.state != state or step.row_version != expected_version:
        raise _conflict(step)


def _claim(step: CaseStep, expected_version: int, state_from: str = State.ACTIVE, **updates) -> None:
    """The conditional update on (state, row_version): of two officers acting at once, one changes the row."""
    changed = CaseStep.objects.filter(pk=step.pk, state=state_from, row_version=expected_version).update(
        row_version=expected_version + 1, **updates
    )
    if not changed:
        raise _conflict(step)
    for field, value in updates.items():
        setattr(step, field, value)
    step.row_version = expected_version + 1


def _close_supervisions(step: CaseStep, on_date: date) -> None:
    from cases.supervision import close_supervisions

    if step.has_open_supervisions:
        close_supervisions(step, on_date)


def _finish(case: Case, status: str, on_date: date, reason: str) -> None:
    closed = {"status": status, "closed_on": on_date, "outcome_reason": reason, "current_step": None, "paused_on": None}
    if not update_logged(Case.objects.filter(status__in=Case.OPEN), case, **closed):
        raise DomainError(CaseCode.CASE_CLOSED, "该办件已办结")


def _next_pending(case: Case, step: CaseStep) -> CaseStep | None:
    loaded = getattr(case, "loaded_steps", None)
    if loaded is not None:
        return next((s for s in loaded if s.order > step.order and s.state == State.PENDING), None)
    following = case.steps.filter(order__gt=step.order, state=State.PENDING)
    return following.select_related("definition", "responsible_unit").order_by("order").first()


def check_notice_has_run(last_day: date, on_date: date) -> None:
    """A public notice (公示) runs its full period: its last day is still a day of the notice, on
    which anyone may object (民法典第二百零三条: a period ends at 24:00 of its last day), so the step
    is passed from the next day on, never on the last day itself."""
    if on_date <= last_day:
        raise DomainError(
            CaseCode.NOTICE_RUNNING,
            f"公示期至{last_day:%Y年%m月%d日}（含当日）届满，{last_day + timedelta(days=1):%Y年%m月%d日}起方可办理",
        )


def approve_step(
    *,
    user,
    step_id: int,
    expected_version: int,
    on_date: date,
    opinion: str = "",
    attachment=None,
    calendar: WorkCalendar | None = None,
    case_id: int | None = None,
    period_event: bool = False,
) -> CaseStep:
    """Pass a step. A notice or statutory period is passed once it has run; `period_event` passes a
    waiting step before its end because the event it waits for happened within it (both parties of
    a divorce appeared within the 30 days after the cooling-off) — the business line says so."""
    step = load_step(step_id, case_id)
    _check(user, step, expected_version)
    hooks.check_approval_guards(step)  # a business line's rules (e.g. an open 公示 objection) come first
    kind = step.definition.kind
    early_allowed = period_event and kind == StepDefinition.Kind.WAITING
    if kind == StepDefinition.Kind.NOTICE:
        check_notice_has_run(step.due_on, on_date)
    elif kind != StepDefinition.Kind.HANDLE and on_date < step.due_on and not early_allowed:
        raise DomainError(CaseCode.PERIOD_RUNNING, f"法定期间至{step.due_on}届满，期满后方可办理")
    pending = _open_transfers(step_id=step.pk) if step.has_open_transfers else []
    if pending:
        joint = [name for kind_, name in pending if kind_ == Transfer.Kind.JOINT]
        if joint:
            raise DomainError(CaseCode.OPINIONS_PENDING, "尚待以下部门出具会办意见：" + "、".join(joint))
        raise DomainError(CaseCode.TRANSFERS_OPEN, "转办尚未答复：" + "、".join(name for _, name in pending))
    calendar = calendar or WorkCalendar()
    case = step.case
    with chained_at_end():
        _claim(
            step,
            expected_version,
            state=State.DONE,
            finished_on=on_date,
            finished_at=timezone.now(),
            acted_by=user,
            opinion=opinion,
            light=CaseStep.Light.NONE,
        )
        events.step_approved(step, user, on_date, opinion, attachment)
        _close_supervisions(step, on_date)
        following = _next_pending(case, step)
        if following is not None:
            activate_step(case, following, on_date, calendar)
        else:
            _finish(case, Case.Status.APPROVED, on_date, opinion)
            events.case_approved(case, on_date)
    return step


def return_for_correction(
    *,
    user,
    step_id: int,
    expected_version: int,
    on_date: date,
    reason: str,
    attachment=None,
    case_id: int | None = None,
) -> CaseStep:
    """退回补正: the applicant must supply or correct something; the clocks stop until they do."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(CaseCode.REASON_REQUIRED, "退回补正须写明需要补正的内容")
    step = load_step(step_id, case_id)
    _check(user, step, expected_version)
    with chained_at_end():
        _claim(step, expected_version, state=State.CORRECTION, paused_on=on_date, acted_by=user)
        update_logged(
            Case.objects.filter(status=Case.Status.IN_PROGRESS),
            step.case,
            status=Case.Status.CORRECTION,
            paused_on=on_date,
        )
        PauseInterval.objects.create(case=step.case, step=step, kind=PauseInterval.Kind.CORRECTION, started_on=on_date)
        events.correction_requested(step, user, on_date, reason, attachment)
    return step


def resume_after_correction(
    *, user, step_id: int, expected_version: int, on_date: date, note: str = "", calendar: WorkCalendar | None = None
) -> CaseStep:
    """The correction came in (at the step's unit or the accepting window): clocks resume, extended
    by the working days they stood still."""
    step = load_step(step_id)
    case = step.case
    if not (can_act_on(user, step) or (can_accept(user) and user.unit_id == case.accepting_unit_id)):
        raise DomainError(CaseCode.NO_PERMISSION, "只有本环节责任单位或受理窗口可以登记补正")
    if step.state != State.CORRECTION or step.row_version != expected_version:
        raise _conflict(step)
    calendar = calendar or WorkCalendar()
    lost = max(0, calendar.working_days_between(step.paused_on, on_date))
    step_due = calendar.add_working_days(step.due_on, lost) if lost else step.due_on
    case_due = calendar.add_working_days(case.due_on, lost) if lost else case.due_on
    with chained_at_end():
        _claim(step, expected_version, state_from=State.CORRECTION, state=State.ACTIVE, paused_on=None, due_on=step_due)
        if not update_logged(
            Case.objects.filter(status=Case.Status.CORRECTION),
            case,
            status=Case.Status.IN_PROGRESS,
            paused_on=None,
            due_on=case_due,
        ):
            case.status, case.due_on = Case.Status.IN_PROGRESS, case_due
        PauseInterval.objects.filter(step=step, kind=PauseInterval.Kind.CORRECTION, ended_on__isnull=True).update(
            ended_on=on_date, working_days=lost
        )
        events.correction_supplied(step, user, on_date, note, lost)
    return step


def reject_case(
    *,
    user,
    step_id: int,
    expected_version: int,
    on_date: date,
    reason: str,
    attachment=None,
    case_id: int | None = None,
) -> CaseStep:
    """不予通过 with written reasons; the case ends and the window replies once."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(CaseCode.REASON_REQUIRED, "不予通过须写明理由")
    step = load_step(step_id, case_id)
    _check(user, step, expected_version)
    with chained_at_end():
        _claim(
            step,
            expected_version,
            state=State.REJECTED,
            finished_on=on_date,
            finished_at=timezone.now(),
            acted_by=user,
            opinion=reason,
            light=CaseStep.Light.NONE,
        )
        CaseStep.objects.filter(case=step.case_id, state=State.PENDING).update(state=State.CANCELLED)
        Transfer.unscoped.filter(step__case=step.case_id, state=Transfer.State.OPEN).update(
            state=Transfer.State.CANCELLED
        )
        _close_supervisions(step, on_date)
        _finish(step.case, Case.Status.REJECTED, on_date, reason)
        events.case_rejected(step, user, on_date, reason, attachment)
    return step


def withdraw_case(*, user, case: Case, on_date: date, reason: str, deemed: bool = False) -> Case:
    """撤回申请: the applicant (either party) withdraws, or the law deems the application withdrawn
    (`deemed`, the system closes it, user None). Open steps and transfers end; the case is closed as
    已撤回 with the reason on its timeline."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(CaseCode.REASON_REQUIRED, "撤回申请须写明原因")
    if case.status not in Case.OPEN:
        raise DomainError(CaseCode.CASE_CLOSED, "该办件已办结，不能撤回")
    with chained_at_end():
        CaseStep.objects.filter(case=case.pk, state__in=[State.PENDING, State.ACTIVE, State.CORRECTION]).update(
            state=State.CANCELLED, light=CaseStep.Light.NONE
        )
        Transfer.unscoped.filter(step__case=case.pk, state=Transfer.State.OPEN).update(state=Transfer.State.CANCELLED)
        _finish(case, Case.Status.WITHDRAWN, on_date, reason)
        events.case_withdrawn(case, user, on_date, reason, deemed=deemed)
    return case


def end_period(*, step_id: int, on_date: date, text: str) -> CaseStep:
    """A statutory waiting period ends by itself: nobody decides that the law's days have run out.
    The system passes the waiting step the day after its last day (the divorce cooling-off, 民法典
    第一千零七十七条) and starts the next step, as `approve_step` would for a person."""
    step = load_step(step_id)
    if step.definition.kind != StepDefinition.Kind.WAITING or step.state != State.ACTIVE:
        raise DomainError(CaseCode.STEP_NOT_ACTIVE, "该环节不是进行中的法定期间")
    if on_date <= step.due_on:
        raise DomainError(CaseCode.PERIOD_RUNNING, f"法定期间至{step.due_on}届满")
    case = step.case
    with chained_at_end():
        _claim(
            step,
            step.row_version,
            state=State.DONE,
            finished_on=on_date,
            finished_at=timezone.now(),
            acted_by=None,
            opinion=text,
            light=CaseStep.Light.NONE,
        )
        events.step_approved(step, None, on_date, text)
        _close_supervisions(step, on_date)
        following = _next_pending(case, step)
        if following is not None:
            activate_step(case, following, on_date, WorkCalendar())
        else:
            _finish(case, Case.Status.APPROVED, on_date, text)
            events.case_approved(case, on_date)
    return step
