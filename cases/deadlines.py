"""Remaining working days and the traffic lights (green / yellow / red) of steps and cases."""

from dataclasses import dataclass
from datetime import date

from cases.models import Case, CaseStep, SupervisionPolicy
from cases.workdays import WorkCalendar

GREEN, YELLOW, RED = CaseStep.Light.GREEN, CaseStep.Light.YELLOW, CaseStep.Light.RED


@dataclass(frozen=True)
class Clock:
    due_on: date | None
    remaining: int | None  # working days left; negative = overdue by that many
    light: str
    paused: bool = False
    note: str = ""

    @property
    def css(self) -> str:
        return {GREEN: "text-bg-success", YELLOW: "text-bg-warning", RED: "text-bg-danger"}.get(
            self.light, "text-bg-light"
        )

    @property
    def label(self) -> str:
        if self.note:
            return self.note
        if self.remaining is None:
            return "—"
        if self.paused:
            return f"暂停计时（剩余{self.remaining}个工作日）"
        if self.remaining < 0:
            return f"超期{-self.remaining}个工作日"
        if self.remaining == 0:
            return "今日到期"
        return f"剩余{self.remaining}个工作日"


def statutory_period_start(*, received_on: date, previous_period_end: date | None) -> date:
    """The event a statutory waiting period counts from, not the day a clerk passes a step: the
    divorce cooling-off (民法典 第一千零七十七条) runs "自婚姻登记机关收到离婚登记申请之日起三十日",
    from the day the registry received the application; the 30 days to appear run from the end of
    the cooling-off ("前款规定期限届满后三十日内"). So a waiting period that follows another counts
    from that one's end, and the first from the day the (complete) application was received."""
    return previous_period_end or received_on


def light_for(remaining: int, warn_days: int) -> str:
    if remaining < 0:
        return RED
    return YELLOW if remaining <= warn_days else GREEN


def step_clock(step: CaseStep, today: date, calendar: WorkCalendar, warn_days: int) -> Clock:
    if step.state == CaseStep.State.CORRECTION and step.paused_on:
        return Clock(step.due_on, calendar.working_days_between(step.paused_on, step.due_on), "", paused=True)
    if step.state != CaseStep.State.ACTIVE or step.due_on is None:
        return Clock(step.due_on, None, "")
    remaining = calendar.working_days_between(today, step.due_on)
    return Clock(step.due_on, remaining, light_for(remaining, warn_days))


def case_clock(case: Case, today: date, calendar: WorkCalendar, warn_days: int) -> Clock:
    if case.status == Case.Status.MATERIALS:
        return Clock(None, None, "", paused=True, note="待补齐材料，补齐之日起计时")
    if case.status in Case.FINISHED:
        return Clock(case.due_on, None, "", note=f"已于{case.closed_on}办结")
    if case.due_on is None:
        return Clock(None, None, "")
    if case.status == Case.Status.CORRECTION and case.paused_on:
        return Clock(case.due_on, calendar.working_days_between(case.paused_on, case.due_on), "", paused=True)
    remaining = calendar.working_days_between(today, case.due_on)
    return Clock(case.due_on, remaining, light_for(remaining, warn_days))


def warn_days_on(today: date) -> int:
    return SupervisionPolicy.on(today).warn_working_days
