"""The case timeline: one small function per kind of event (who, unit, when, what, attachments).

Nothing else creates CaseEvent rows, and nothing changes them afterwards.
"""

from datetime import date

from django.utils import timezone

from cases.models import Case, CaseEvent, CaseStep

Kind = CaseEvent.Kind


def _write(
    case: Case,
    kind: str,
    *,
    on_date: date,
    user=None,
    step: CaseStep | None = None,
    text: str = "",
    data: dict | None = None,
    attachment=None,
    unit_name: str | None = None,
) -> CaseEvent:
    event = CaseEvent(
        case=case,
        step=step,
        kind=kind,
        at=timezone.now(),
        on_date=on_date,
        actor=user if getattr(user, "pk", None) else None,
        actor_name=(user.full_name or user.username) if getattr(user, "pk", None) else "系统",
        unit_name=unit_name if unit_name is not None else (user.unit.name if getattr(user, "unit_id", None) else ""),
        text=text,
        data=data or {},
    )
    if attachment is not None:
        event.attachment.save(attachment.name, attachment, save=False)
    event.save(force_insert=True)
    return event


def case_accepted(case: Case, user, on_date: date) -> CaseEvent:
    how = "代办受理" if case.proxy else "窗口受理"
    what = case.item.name if case.is_household_case else case.subject_title
    return _write(case, Kind.ACCEPTED, on_date=on_date, user=user, text=f"{how}：{what}，受理编号{case.receipt_no}")


def case_withdrawn(case: Case, user, on_date: date, reason: str, *, deemed: bool = False) -> CaseEvent:
    """撤回申请: by a party (said who and why), or deemed withdrawn by law when the system closes it."""
    text = ("视为撤回申请：" if deemed else "撤回申请：") + reason
    return _write(case, Kind.WITHDRAWN, on_date=on_date, user=user, text=text, data={"deemed": deemed})


def cases_opened_by_system(cases: list[Case], reasons: list[str], on_date: date) -> list[CaseEvent]:
    """Cases the system opened on its own initiative (依职权发起), one INSERT for all: 系统 is the
    actor, the accepting window the unit, and the reason is said."""
    at = timezone.now()
    return CaseEvent.objects.bulk_create(
        CaseEvent(
            case=case,
            kind=Kind.ACCEPTED,
            at=at,
            on_date=on_date,
            actor_name="系统",
            unit_name=case.accepting_unit.name,
            text=f"系统依职权发起：{case.item.name}，受理编号{case.receipt_no}" + (f"（{reason}）" if reason else ""),
            data={"opened_by": "system"},
        )
        for case, reason in zip(cases, reasons, strict=True)
    )


def steps_started(steps: list[CaseStep], on_date: date) -> list[CaseEvent]:
    """`step_started` for many steps (their cases opened together), one INSERT."""
    at = timezone.now()
    rows = []
    for step in steps:
        unit = step.responsible_unit.name if step.responsible_unit_id else ""
        text = f"“{step.name}”由{unit}办理，期限{step.due_on}"
        rows.append(
            CaseEvent(
                case=step.case,
                step=step,
                kind=Kind.STEP_STARTED,
                at=at,
                on_date=on_date,
                actor_name="系统",
                unit_name=unit,
                text=text,
            )
        )
    return CaseEvent.objects.bulk_create(rows)


def materials_notice_issued(case: Case, user, on_date: date, missing: list[str]) -> CaseEvent:
    return _write(
        case,
        Kind.MATERIALS_NOTICE,
        on_date=on_date,
        user=user,
        text="一次性告知须补齐的材料：" + "；".join(missing),
        data={"missing": missing},
    )


def materials_supplied(case: Case, user, on_date: date) -> CaseEvent:
    return _write(case, Kind.MATERIALS_SUPPLIED, on_date=on_date, user=user, text="材料已补齐，开始计时")


def step_started(step: CaseStep, on_date: date) -> CaseEvent:
    unit = step.responsible_unit.name if step.responsible_unit_id else ""
    return _write(
        step.case,
        Kind.STEP_STARTED,
        on_date=on_date,
        step=step,
        text=f"“{step.name}”由{unit}办理，期限{step.due_on}",
        unit_name=unit,
    )


def step_approved(step: CaseStep, user, on_date: date, opinion: str, attachment=None) -> CaseEvent:
    text = f"“{step.name}”通过" + (f"：{opinion}" if opinion else "")
    return _write(
        step.case, Kind.STEP_APPROVED, on_date=on_date, user=user, step=step, text=text, attachment=attachment
    )


def correction_requested(step: CaseStep, user, on_date: date, reason: str, attachment=None) -> CaseEvent:
    return _write(
        step.case,
        Kind.CORRECTION_REQUESTED,
        on_date=on_date,
        user=user,
        step=step,
        text=f"退回补正（暂停计时）：{reason}",
        attachment=attachment,
    )


def correction_supplied(step: CaseStep, user, on_date: date, note: str, working_days: int) -> CaseEvent:
    return _write(
        step.case,
        Kind.CORRECTION_SUPPLIED,
        on_date=on_date,
        user=user,
        step=step,
        text=f"补正完成，恢复计时，期限顺延{working_days}个工作日" + (f"：{note}" if note else ""),
        data={"working_days": working_days},
    )


def case_rejected(step: CaseStep, user, on_date: date, reason: str, attachment=None) -> CaseEvent:
    return _write(
        step.case,
        Kind.REJECTED,
        on_date=on_date,
        user=user,
        step=step,
        text=f"“{step.name}”不予通过：{reason}",
        attachment=attachment,
    )


def case_approved(case: Case, on_date: date) -> CaseEvent:
    return _write(case, Kind.APPROVED, on_date=on_date, text="全部环节办理完毕，准予")


def transferred(transfer, user, on_date: date) -> CaseEvent:
    return _write(
        transfer.case,
        Kind.TRANSFERRED,
        on_date=on_date,
        user=user,
        step=transfer.step,
        text=f"转办{transfer.to_unit.name}：{transfer.request}（答复期限{transfer.due_on}）",
        data={"transfer": transfer.pk},
    )


def opinion_requested(transfer, on_date: date) -> CaseEvent:
    return _write(
        transfer.case,
        Kind.OPINION_REQUESTED,
        on_date=on_date,
        step=transfer.step,
        text=f"征求{transfer.to_unit.name}会办意见（期限{transfer.due_on}）",
        data={"transfer": transfer.pk},
    )


def transfer_replied(transfer, user, on_date: date, attachment=None) -> CaseEvent:
    kind = Kind.OPINION_GIVEN if transfer.kind == "joint" else Kind.TRANSFER_REPLIED
    return _write(
        transfer.case,
        kind,
        on_date=on_date,
        user=user,
        step=transfer.step,
        text=f"{transfer.to_unit.name}答复：{transfer.reply}",
        data={"transfer": transfer.pk},
        attachment=attachment,
    )


def supervised(supervision, user, on_date: date) -> CaseEvent:
    who = "领导" if supervision.kind == "manual" else "系统自动"
    return _write(
        supervision.case,
        Kind.SUPERVISED,
        on_date=on_date,
        user=user,
        step=supervision.step,
        text=f"{who}督办（{supervision.level}级）{supervision.target_unit.name}：{supervision.reason}，限{supervision.due_on}前办结",
        data={"supervision": supervision.pk},
    )


def replied(case: Case, user, on_date: date, text: str) -> CaseEvent:
    return _write(case, Kind.REPLIED, on_date=on_date, user=user, text=f"统一答复申请人：{text}")
