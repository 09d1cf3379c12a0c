"""督办: lights recomputed daily, automatic supervision of overdue steps and of overdue transfers
(the department's own deadline) with escalation, and manual supervision by leaders. `recompute_deadlines` is idempotent: a second run on the same day changes
nothing (set-based light updates, one automatic supervision per step and level)."""

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q

from cases import events
from cases.access import can_supervise
from cases.errors import CaseCode
from cases.models import Case, CaseStep, Notification, StepDefinition, Supervision, SupervisionPolicy, Transfer
from cases.workdays import WorkCalendar
from core.errors import DomainError

State, Light = CaseStep.State, CaseStep.Light


def _superior(unit, levels: int):
    """The unit `levels` steps up the hierarchy (or the highest there is)."""
    current = unit
    for _ in range(levels):
        if current.parent_id is None:
            break
        current = current.parent
    return current if current.pk != unit.pk else None


def _notify(supervision: Supervision) -> None:
    text = f"督办（{supervision.level}级）：{supervision.case.receipt_no}“{supervision.step.name if supervision.step else supervision.case.item.name}”{supervision.reason}，限{supervision.due_on}前办结"
    units = [supervision.target_unit] + ([supervision.superior_unit] if supervision.superior_unit_id else [])
    Notification.objects.bulk_create(
        Notification(unit=unit, case=supervision.case, supervision=supervision, text=text[:300]) for unit in units
    )


def _raise(supervision: Supervision) -> Supervision | None:
    try:
        with transaction.atomic():
            supervision.save()
            _notify(supervision)
            events.supervised(supervision, None, on_date=supervision.issued_on)
    except IntegrityError:  # another run raised it a moment ago
        return None
    return supervision


def _raise_auto(step: CaseStep, level: int, on_date: date, calendar: WorkCalendar, policy) -> Supervision | None:
    overdue = -calendar.working_days_between(on_date, step.due_on)
    return _raise(
        Supervision(
            case=step.case,
            step=step,
            kind=Supervision.Kind.AUTO,
            level=level,
            target_unit=step.responsible_unit,
            superior_unit=_superior(step.responsible_unit, level),
            reason=f"已超过办理期限（{step.due_on}）{overdue}个工作日",
            issued_on=on_date,
            due_on=calendar.add_working_days(on_date, policy.escalate_after_wd),
            area_code=step.area_code,
        )
    )


def _raise_transfer(
    transfer: Transfer, level: int, on_date: date, calendar: WorkCalendar, policy
) -> Supervision | None:
    """The department has not answered a 转办/会办 by its own deadline: 督办 the department."""
    overdue = -calendar.working_days_between(on_date, transfer.due_on)
    return _raise(
        Supervision(
            case=transfer.case,
            step=transfer.step,
            transfer=transfer,
            kind=Supervision.Kind.TRANSFER,
            level=level,
            target_unit=transfer.to_unit,
            superior_unit=_superior(transfer.to_unit, level),
            reason=f"{transfer.get_kind_display()}答复已超过期限（{transfer.due_on}）{overdue}个工作日",
            issued_on=on_date,
            due_on=calendar.add_working_days(on_date, policy.escalate_after_wd),
            area_code=transfer.case.area_code,
        )
    )


def _due_for_escalation(supervision: Supervision, on_date: date, calendar: WorkCalendar, policy) -> bool:
    """Its escalation period has run (the candidates already leave out a 督办 raised a level higher)."""
    return calendar.add_working_days(supervision.issued_on, policy.escalate_after_wd) <= on_date


def recompute_deadlines(on_date: date, calendar: WorkCalendar | None = None, progress=None) -> dict:
    """The daily job: lights of every open step, automatic 督办 of overdue steps and of transfers
    the department has not answered in time, escalation of both."""
    calendar = calendar or WorkCalendar()
    policy = SupervisionPolicy.on(on_date)
    warn_until = calendar.add_working_days(on_date, policy.warn_working_days)
    active = CaseStep.objects.filter(state=State.ACTIVE)
    # A notice is passed from the day after its last day (actions.check_notice_has_run): that day is
    # the first it may be passed, not a day late.
    late = Q(due_on__lt=on_date) & ~Q(definition__kind=StepDefinition.Kind.NOTICE, due_on=on_date - timedelta(days=1))
    changed = {
        "red": active.filter(late).exclude(light=Light.RED).update(light=Light.RED),
        "yellow": active.filter(due_on__gte=on_date, due_on__lte=warn_until)
        .exclude(light=Light.YELLOW)
        .update(light=Light.YELLOW),
        "green": active.filter(due_on__gt=warn_until).exclude(light=Light.GREEN).update(light=Light.GREEN),
        "paused": CaseStep.objects.filter(state=State.CORRECTION).exclude(light=Light.NONE).update(light=Light.NONE),
    }
    if progress:
        progress(1, 3, "时限状态已更新")
    first_level = Supervision.objects.filter(kind=Supervision.Kind.AUTO, level=1).values("step_id")
    overdue = (
        active.filter(late)
        .exclude(pk__in=first_level)
        .select_related("case", "case__item", "responsible_unit__parent__parent__parent")
    )
    raised = sum(1 for step in overdue.iterator(chunk_size=500) if _raise_auto(step, 1, on_date, calendar, policy))
    # Transfers belong to the department's area: the job reads them through the cases in scope.
    supervised = Supervision.objects.filter(kind=Supervision.Kind.TRANSFER, level=1).values("transfer_id")
    late_transfers = (
        Transfer.unscoped.filter(
            state=Transfer.State.OPEN, due_on__lt=on_date, case__in=Case.objects.filter(status__in=Case.OPEN)
        )
        .exclude(pk__in=supervised)
        .select_related("case", "case__item", "step", "to_unit__parent__parent__parent")
    )
    raised_transfers = sum(
        1 for t in late_transfers.iterator(chunk_size=500) if _raise_transfer(t, 1, on_date, calendar, policy)
    )
    if progress:
        progress(2, 3, f"新增超期督办{raised}件，转办超期督办{raised_transfers}件")
    escalated = 0
    # a 督办 already raised to the next level is left out in the query, not asked about one by one
    raised_above = Supervision.objects.filter(
        Q(kind=Supervision.Kind.AUTO) | Q(transfer=OuterRef("transfer")),
        step=OuterRef("step"),
        kind=OuterRef("kind"),
        level=OuterRef("level") + 1,
    )
    candidates = (
        Supervision.objects.filter(closed_on__isnull=True, level__lt=policy.max_level)
        .exclude(Exists(raised_above))
        .filter(
            Q(kind=Supervision.Kind.AUTO, step__state=State.ACTIVE)
            | Q(kind=Supervision.Kind.TRANSFER, transfer__state=Transfer.State.OPEN)
        )
        .select_related(
            "step",
            "case",
            "case__item",
            "step__responsible_unit__parent__parent__parent",
            "transfer__case__item",
            "transfer__step",
            "transfer__to_unit__parent__parent__parent",
        )
    )
    for supervision in candidates.iterator(chunk_size=500):
        if not _due_for_escalation(supervision, on_date, calendar, policy):
            continue
        level = supervision.level + 1
        if supervision.kind == Supervision.Kind.TRANSFER:
            raised_now = _raise_transfer(supervision.transfer, level, on_date, calendar, policy)
        else:
            raised_now = _raise_auto(supervision.step, level, on_date, calendar, policy)
        escalated += 1 if raised_now else 0
    if progress:
        progress(3, 3, f"升级督办{escalated}件")
    return {"lights": changed, "raised": raised, "raised_transfers": raised_transfers, "escalated": escalated}


def close_supervisions(step: CaseStep, on_date: date) -> int:
    """The step was dealt with: every open 督办 on it is closed (read through the step, not the scope)."""
    return Supervision.unscoped.filter(step_id=step.pk, closed_on__isnull=True).update(closed_on=on_date)


def close_transfer_supervisions(transfer: Transfer, on_date: date) -> int:
    """The department answered: its 督办 on the transfer is closed."""
    return Supervision.unscoped.filter(transfer=transfer, closed_on__isnull=True).update(closed_on=on_date)


def issue_supervision(*, user, case: Case, on_date: date, due_on: date, reason: str) -> Supervision:
    """A leader's manual 督办 of the case's current step, with a due date."""
    if not can_supervise(user):
        raise DomainError(CaseCode.NO_PERMISSION, "只有局领导可以督办")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(CaseCode.REASON_REQUIRED, "督办须写明事由")
    if not case.is_open or case.current_step_id is None:
        raise DomainError(CaseCode.CASE_CLOSED, "该办件已办结或尚未进入办理环节，无需督办")
    if due_on < on_date:
        raise DomainError(CaseCode.DUE_IN_PAST, "限办日期不能早于今天")
    step = CaseStep.objects.select_related("responsible_unit__parent").get(pk=case.current_step_id)
    with transaction.atomic():
        supervision = Supervision.objects.create(
            case=case,
            step=step,
            kind=Supervision.Kind.MANUAL,
            level=1,
            target_unit=step.responsible_unit,
            superior_unit=_superior(step.responsible_unit, 1),
            reason=reason,
            issued_on=on_date,
            due_on=due_on,
            issued_by=user,
            area_code=case.area_code,
        )
        _notify(supervision)
        events.supervised(supervision, user, on_date)
    return supervision


def board(on_date: date, calendar: WorkCalendar | None = None, area_code: str = "") -> list[dict]:
    """Per responsible unit: open steps, yellow, red, open 督办 (within the viewer's scope)."""
    calendar = calendar or WorkCalendar()
    warn_until = calendar.add_working_days(on_date, SupervisionPolicy.on(on_date).warn_working_days)
    steps = CaseStep.objects.filter(state__in=[State.ACTIVE, State.CORRECTION])
    supervisions = Supervision.objects.filter(closed_on__isnull=True)
    if area_code:
        steps, supervisions = steps.in_area(area_code), supervisions.in_area(area_code)
    rows = {
        row["responsible_unit"]: row
        for row in steps.values("responsible_unit", "responsible_unit__name", "responsible_unit__area_code").annotate(
            open=Count("id"),
            red=Count("id", filter=Q(state=State.ACTIVE, due_on__lt=on_date)),
            yellow=Count("id", filter=Q(state=State.ACTIVE, due_on__gte=on_date, due_on__lte=warn_until)),
            paused=Count("id", filter=Q(state=State.CORRECTION)),
        )
    }
    for unit_id, count in supervisions.values_list("target_unit").annotate(n=Count("id")):
        rows.setdefault(unit_id, {"responsible_unit": unit_id, "open": 0, "red": 0, "yellow": 0, "paused": 0})
        rows[unit_id]["supervisions"] = count
    result = sorted(
        rows.values(),
        key=lambda r: (-r.get("red", 0), -r.get("supervisions", 0), r.get("responsible_unit__area_code", "")),
    )
    for row in result:
        row.setdefault("supervisions", 0)
    return result
