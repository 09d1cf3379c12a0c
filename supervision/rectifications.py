"""Checks, findings, rectification (整改) and accountability (责任追究).

A check form answered "否" on an item records a finding of that kind; each finding opens one
rectification for its responsible unit, due after the working days of the rectification policy in
force (on the working-day calendar of cases.workdays). The unit reports its fix with evidence, the
auditor signs it off (销号) or returns it. Overdue rectifications escalate daily, like 督办: one level
more every few working days, up to the highest level, each step a notice to the unit and its superior.
"""

from datetime import date

from django.db import transaction
from django.db.models import Count

from accounts.models import Unit
from accounts.roles import Capability
from audit.services import update_logged
from cases.models import Notification
from cases.workdays import WorkCalendar
from core.errors import DomainError
from supervision.errors import SupervisionCode
from supervision.models import Accountability, Finding, Rectification, RectificationPolicy, SampleItem

State = Rectification.State


def rectification_policy(on_date: date) -> RectificationPolicy:
    """The rectification period and escalation in force on `on_date`."""
    policy = RectificationPolicy.objects.filter(effective_from__lte=on_date).order_by("-effective_from").first()
    if policy is None:
        raise DomainError(SupervisionCode.NO_POLICY, f"{on_date}没有生效的整改时限设置，请系统管理员先设定")
    return policy


def township_office_for(township_code: str) -> Unit:
    """The unit answerable for a record of this township: its 民政办 (or the unit of that area)."""
    units = Unit.objects.filter(area_code=township_code, is_active=True)
    unit = units.filter(kind=Unit.Kind.TOWNSHIP_OFFICE).first() or units.first()
    if unit is None:
        raise DomainError(SupervisionCode.NO_UNIT, f"区划{township_code}没有对应的责任单位，请在单位管理中设置")
    return unit


def record_check(
    item: SampleItem,
    *,
    user,
    on_date: date,
    answers: dict[str, bool | None],
    note: str = "",
    details: dict | None = None,
) -> list[Finding]:
    """Fill in the check form of a sampled record; every "否" becomes a finding with its rectification.

    `answers` maps each check of `SampleItem.CHECKS` to True (是), False (否) or None (不适用);
    `details` may give a finding's description per check (else the note is used)."""
    if item.result != SampleItem.Result.PENDING:
        raise DomainError(SupervisionCode.ALREADY_CHECKED, "该记录已核查，不能重复填写")
    failed = [check for check in SampleItem.CHECKS if answers.get(check) is False]
    if failed and not (note.strip() or any((details or {}).get(c, "").strip() for c in failed)):
        raise DomainError(SupervisionCode.BAD_SAMPLE, "发现问题时请写明问题情况")
    unit = township_office_for(item.township_code) if failed else None
    findings = []
    with transaction.atomic():
        changed = SampleItem.objects.filter(pk=item.pk, result=SampleItem.Result.PENDING).update(
            **{check: answers.get(check) for check in SampleItem.CHECKS},
            note=note,
            result=SampleItem.Result.PROBLEM if failed else SampleItem.Result.PASSED,
            checked_by=user,
            checked_on=on_date,
        )
        if not changed:
            raise DomainError(SupervisionCode.ALREADY_CHECKED, "该记录刚刚已被他人核查")
        for check in failed:
            text = ((details or {}).get(check) or note).strip()
            findings.append(
                record_finding(
                    user=user,
                    on_date=on_date,
                    kind=check,
                    description=text,
                    unit=unit,
                    item=item,
                    area_code=item.area_code,
                )
            )
    item.refresh_from_db()
    return findings


def record_finding(
    *, user, on_date: date, kind: str, description: str, unit: Unit, area_code: str, item: SampleItem | None = None
) -> Finding:
    """A finding and the rectification it opens."""
    if not description.strip():
        raise DomainError(SupervisionCode.BAD_SAMPLE, "请写明问题情况")
    policy = rectification_policy(on_date)
    with transaction.atomic():
        finding = Finding.objects.create(
            item=item,
            kind=kind,
            description=description.strip(),
            responsible_unit=unit,
            found_on=on_date,
            found_by=user,
            area_code=area_code,
        )
        Rectification.objects.create(
            finding=finding,
            responsible_unit=unit,
            opened_on=on_date,
            due_on=WorkCalendar().add_working_days(on_date, policy.limit_working_days),
            area_code=area_code,
        )
        Notification.objects.create(
            unit=unit, text=f"稽查发现问题（{finding.get_kind_display()}），请于期限内整改：{finding.description}"[:300]
        )
    return finding


def submit_fix(
    rectification: Rectification, *, user, on_date: date, evidence: str, evidence_file=None
) -> Rectification:
    """The responsible unit reports what it fixed, with evidence (整改情况 and 佐证材料)."""
    if not user.can(Capability.RECTIFY) or user.unit_id != rectification.responsible_unit_id:
        raise DomainError(SupervisionCode.NOT_YOUR_UNIT, "只有责任单位的工作人员可以报送整改情况")
    if not evidence.strip():
        raise DomainError(SupervisionCode.EVIDENCE_MISSING, "请填写整改情况")
    changes = {"state": State.SUBMITTED, "evidence": evidence.strip(), "submitted_on": on_date, "submitted_by": user}
    if evidence_file:
        rectification.evidence_file = evidence_file
        rectification.save(update_fields=["evidence_file"])
    if not update_logged(Rectification.objects.filter(state=State.OPEN), rectification, **changes):
        raise DomainError(SupervisionCode.WRONG_STATE, "该整改不在整改中，不能报送")
    return rectification


def sign_off(rectification: Rectification, *, user, on_date: date, accept: bool, note: str = "") -> Rectification:
    """The auditor closes the rectification (销号), or returns it to the unit with the reason."""
    if not user.can(Capability.INSPECT):
        raise DomainError(SupervisionCode.WRONG_STATE, "只有稽查人员可以销号")
    if accept:
        changes = {"state": State.SIGNED_OFF, "signed_off_on": on_date, "signed_off_by": user, "review_note": note}
    else:
        if not note.strip():
            raise DomainError(SupervisionCode.EVIDENCE_MISSING, "退回整改时请写明理由")
        changes = {"state": State.OPEN, "review_note": note.strip()}
    if not update_logged(Rectification.objects.filter(state=State.SUBMITTED), rectification, **changes):
        raise DomainError(SupervisionCode.WRONG_STATE, "该整改尚未报送整改情况，不能销号")
    if not accept:
        Notification.objects.create(unit=rectification.responsible_unit, text=f"整改被退回：{note}"[:300])
    return rectification


def overdue(on_date: date):
    """Rectifications not reported by their deadline (scoped)."""
    return Rectification.objects.filter(state=State.OPEN, due_on__lt=on_date)


def overdue_rows(on_date: date) -> list[dict]:
    """Overdue rectifications per responsible unit, the supervision board's column (cases.hooks.OverdueWork)."""
    rows = (
        overdue(on_date)
        .values("responsible_unit", "responsible_unit__name", "responsible_unit__area_code")
        .annotate(count=Count("id"))
        .order_by("-count")
    )
    return list(rows)


def escalate_overdue(on_date: date) -> dict:
    """Daily: raise the 督办 level of each overdue rectification (one level more every few working
    days past the deadline, up to the highest), with a notice to the unit and its superior.
    Idempotent for a day: a level already reached is not raised again."""
    policy = rectification_policy(on_date)
    calendar = WorkCalendar()
    raised = 0
    for rect in overdue(on_date).select_related("responsible_unit", "finding").order_by("pk"):
        late = calendar.working_days_between(rect.due_on, on_date)
        level = min(policy.max_level, 1 + max(0, late - 1) // max(1, policy.escalate_every_wd))
        if level <= rect.escalation_level:
            continue
        with transaction.atomic():
            if not update_logged(
                Rectification.objects.filter(escalation_level=rect.escalation_level),
                rect,
                escalation_level=level,
                escalated_on=on_date,
            ):
                continue
            text = (
                f"整改督办（{level}级）：“{rect.finding.description[:60]}”已超过整改期限（{rect.due_on}），请立即整改"
            )
            units = [rect.responsible_unit]
            superior = rect.responsible_unit.parent
            for _ in range(level - 1):
                if superior is None or superior.parent_id is None:
                    break
                superior = superior.parent
            if superior is not None:
                units.append(superior)
            Notification.objects.bulk_create(Notification(unit=unit, text=text[:300]) for unit in units)
        raised += 1
    return {"督办升级": raised}


def record_accountability(
    *,
    user,
    measure: str,
    unit: Unit,
    findings: list[Finding],
    decided_on: date,
    reason: str,
    person=None,
    person_name: str = "",
) -> Accountability:
    """A measure (谈话提醒, 通报批评, 诫勉, 移交纪检) against a person or unit, linked to its findings."""
    if not findings:
        raise DomainError(SupervisionCode.BAD_SAMPLE, "请选择相关的稽查问题")
    if not reason.strip():
        raise DomainError(SupervisionCode.BAD_SAMPLE, "请写明追责事由")
    with transaction.atomic():
        record = Accountability.objects.create(
            measure=measure,
            unit=unit,
            person=person,
            person_name=person_name or (person.full_name if person else ""),
            decided_on=decided_on,
            reason=reason.strip(),
            recorded_by=user,
            area_code=unit.area_code,
        )
        record.findings.set(findings)
    return record
