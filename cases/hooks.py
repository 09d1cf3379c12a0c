"""Extension points of the cases engine for business lines built on it (assistance first).

- `note`: a business line adds a line to a case's timeline (survey recorded, objection lodged …).
- `restart_notice`: a public notice starts over (公示有异议 → 复查 → 重新公示): the notice step gets a
  fresh period from the restart date and the case clock is credited with the new notice days, minus
  the days of the interrupted notice that were credited but never ran.
- approval guards: a business line may refuse the approval of a step its rules do not allow yet
  (an open objection blocks the end of a notice). `cases.actions.approve_step` calls
  `check_approval_guards(step)` before it claims the step.
- acceptance guards: a business line may refuse an acceptance its rules do not allow (a second
  open application for the same programme through another window); `accept_application` calls
  `check_acceptance_guards` before it opens the case.
- case replied: `cases.replies.issue_reply` tells every registered listener of the one reply
  (统一答复), inside its transaction (the partners' webhooks tell the systems that asked).
- overdue work: a business line shows its own overdue work per responsible unit on the supervision
  board (督办看板) beside the cases' (监测预警超期 from monitoring), without the engine importing it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from audit.services import update_logged
from cases import events
from cases.errors import CaseCode
from cases.models import Case, CaseEvent, CaseStep, PauseInterval, StepDefinition
from cases.workdays import WorkCalendar
from core.errors import DomainError

ApprovalGuard = Callable[[CaseStep], None]
_GUARDS: list[ApprovalGuard] = []


def register_approval_guard(guard: ApprovalGuard) -> ApprovalGuard:
    """Register a function that raises DomainError when a step may not be approved yet."""
    if guard not in _GUARDS:
        _GUARDS.append(guard)
    return guard


def check_approval_guards(step: CaseStep) -> None:
    for guard in _GUARDS:
        guard(step)


AcceptanceGuard = Callable[..., None]
_ACCEPTANCE_GUARDS: list[AcceptanceGuard] = []


def register_acceptance_guard(guard: AcceptanceGuard) -> AcceptanceGuard:
    """Register `guard(item=, household=, applicant=, subject=)` that raises DomainError when an
    application may not be accepted (one intake: the same programme is already being handled for
    this household or person, whichever window accepted it). `subject` is the person a personal
    item is for, when the window names one; otherwise the applicant."""
    if guard not in _ACCEPTANCE_GUARDS:
        _ACCEPTANCE_GUARDS.append(guard)
    return guard


def check_acceptance_guards(*, item, household, applicant, subject=None) -> None:
    for guard in _ACCEPTANCE_GUARDS:
        guard(item=item, household=household, applicant=applicant, subject=subject or applicant)


@dataclass(frozen=True)
class OverdueWork:
    """One business line's overdue work per responsible unit, a column of the supervision board.

    `rows(on_date)` returns, within the caller's jurisdiction, one dict per unit with the keys
    `responsible_unit` (the unit's id), `responsible_unit__name`, `responsible_unit__area_code`, and
    `count` (how many items of this work are overdue)."""

    key: str
    label: str
    rows: Callable[[date], list[dict]]


_OVERDUE_WORK: list[OverdueWork] = []


def register_overdue_work(source: OverdueWork) -> OverdueWork:
    if all(s.key != source.key for s in _OVERDUE_WORK):
        _OVERDUE_WORK.append(source)
    return source


def overdue_work() -> list[OverdueWork]:
    """The registered columns, in registration order."""
    return list(_OVERDUE_WORK)


ReplyListener = Callable[..., None]
_REPLY_LISTENERS: list[ReplyListener] = []


def register_case_replied(listener: ReplyListener) -> ReplyListener:
    """`listener(case, reply)` after the window's one reply is written, inside its transaction."""
    if listener not in _REPLY_LISTENERS:
        _REPLY_LISTENERS.append(listener)
    return listener


def case_replied(case: Case, reply) -> None:
    for listener in _REPLY_LISTENERS:
        listener(case, reply)


def note(case: Case, user, on_date: date, text: str, *, step: CaseStep | None = None, data=None, attachment=None):
    """A business line's own line on the case timeline (append-only, like every event)."""
    return events._write(
        case, CaseEvent.Kind.NOTE, on_date=on_date, user=user, step=step, text=text, data=data, attachment=attachment
    )


def system_notes(notes: list[tuple[int, str, dict]], on_date: date) -> int:
    """Many business-line notes written by the system (系统, no unit), one INSERT for all: each is
    (case id, text, data), as `note` writes one."""
    at = timezone.now()
    written = CaseEvent.objects.bulk_create(
        CaseEvent(
            case_id=case_id, kind=CaseEvent.Kind.NOTE, at=at, on_date=on_date, actor_name="系统", text=text, data=data
        )
        for case_id, text, data in notes
    )
    return len(written)


def _shift_working_days(calendar: WorkCalendar, day: date, days: int) -> date:
    if days >= 0:
        return calendar.add_working_days(day, days) if days else day
    for _ in range(-days):
        day -= timedelta(days=1)
        while not calendar.is_workday(day):
            day -= timedelta(days=1)
    return day


def restart_notice(
    step: CaseStep, *, user, on_date: date, reason: str, calendar: WorkCalendar | None = None
) -> CaseStep:
    """Run the public notice of `step` again for its full period from `on_date`."""
    calendar = calendar or WorkCalendar()
    definition = step.definition
    if definition.kind != StepDefinition.Kind.NOTICE or step.state != CaseStep.State.ACTIVE:
        raise DomainError(CaseCode.STEP_NOT_ACTIVE, "只有进行中的公示环节可以重新公示")
    case = Case.objects.get(pk=step.case_id)
    days = case.version.notice_period_days()
    new_due = calendar.add_calendar_days(on_date, days, roll_to_workday=definition.rolls_to_workday)
    pauses_clock = case.version.notice_pauses_clock or definition.pauses_case_clock
    with transaction.atomic():
        if not CaseStep.objects.filter(pk=step.pk, state=CaseStep.State.ACTIVE, row_version=step.row_version).update(
            due_on=new_due, row_version=step.row_version + 1
        ):
            raise DomainError(CaseCode.STEP_CONFLICT, f"“{step.name}”刚刚被他人处理，请刷新页面查看最新情况")
        step.due_on, step.row_version = new_due, step.row_version + 1
        if pauses_clock:
            unused = 0
            for pause in PauseInterval.objects.filter(step=step, kind=PauseInterval.Kind.NOTICE, ended_on__gt=on_date):
                ran = max(0, calendar.working_days_between(pause.started_on, on_date))
                unused += pause.working_days - ran
                PauseInterval.objects.filter(pk=pause.pk).update(ended_on=on_date, working_days=ran)
            credit = max(0, calendar.working_days_between(on_date, new_due))
            PauseInterval.objects.create(
                case=case,
                step=step,
                kind=PauseInterval.Kind.NOTICE,
                started_on=on_date,
                ended_on=new_due,
                working_days=credit,
            )
            update_logged(Case.objects.all(), case, due_on=_shift_working_days(calendar, case.due_on, credit - unused))
        note(case, user, on_date, f"重新公示至{new_due}：{reason}", step=step, data={"notice_due_on": str(new_due)})
    return step


LineIntake = Callable[..., Any]
_LINE_INTAKES: dict[str, tuple[LineIntake, Callable[..., str]]] = {}


def register_line_intake(item_codes, intake: LineIntake, page: Callable[..., str]) -> None:
    """A business line that keeps its own record of an application for these items (assistance:
    its Application, with the household composition and the signed authorisation) opens their cases
    itself. `accept_application(..., route_to_line=True)` (the one-window paths) hands such an item
    to `intake(user=, item=, household=, on_date=, applicant=, documents=, phone=, calendar=,
    subject=)`, which creates the line's record, calls `accept_application` back and returns the
    Acceptance. `page(item, household)` is the URL of the line's own intake form (the one-window
    page sends the clerk there)."""
    for code in item_codes:
        _LINE_INTAKES[code] = (intake, page)


def line_intake_for(item_code: str) -> LineIntake | None:
    entry = _LINE_INTAKES.get(item_code)
    return entry[0] if entry else None


def line_intake_page(item, household) -> str | None:
    entry = _LINE_INTAKES.get(item.code)
    return entry[1](item, household) if entry else None
