"""Findings become work, never silent changes (docs/domain.md §5.4): verification reads the registry
and the departments' data, it never edits an enrolment behind a case's back.

A death (公安 death file, 殡葬 cremation file) goes through ledger.deaths.record_death, which stops
payment and opens (or joins) the household's review case; other review kinds open (or join) a
review case for the household; a payment after a death is a recovery flag carried by the same
household's review case; missed aid opens an outreach visit
for the village 民生员. Each move of a finding is a conditional update on its status.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone

from core.errors import DomainError
from ledger.deaths import record_death
from ledger.reviews import open_review_case
from verification.errors import VerificationCode
from verification.hooks import open_outreach_task
from verification.models import Finding

K = Finding.Kind
REVIEW_KINDS = {
    K.DEATH,
    K.PAID_AFTER_DEATH,
    K.VEHICLE,
    K.BUSINESS,
    K.PROPERTY,
    K.INCOME,
    K.DEPOSIT,
    K.INCOMPATIBLE,
    K.TWO_HOUSEHOLDS,
    K.SAME_NEED,
    K.SHARED_ACCOUNT,
}
OUTREACH_KINDS = {K.MISSED_CARE, K.MISSED_LIVING, K.MISSED_TEKUN}
ORDER = [K.DEATH, K.PAID_AFTER_DEATH]  # deaths first: the recovery flag joins the death's review case


def describe(finding: Finding) -> str:
    parts = [finding.get_kind_display()]
    if finding.person_id:
        parts.append(finding.person.name)
    if finding.event_date:
        parts.append(f"{finding.event_date:%Y-%m-%d}")
    if finding.amount is not None and finding.kind != K.DEPOSIT:
        parts.append(f"{finding.amount}元")
    if finding.detail:
        parts.append(finding.detail)
    return "；".join(parts)


def open_work_for(finding: Finding, *, on_date: date, user=None) -> Finding:
    if finding.status != Finding.Status.OPEN:
        return finding
    if finding.household_id is None:
        raise DomainError(VerificationCode.NO_HOUSEHOLD, "该发现没有对应家庭，无法转办")
    reason = describe(finding)
    updates = {}
    if finding.kind in OUTREACH_KINDS:
        warning = open_outreach_task(
            household=finding.household, person=finding.person, reason=reason, on_date=on_date, finding=finding
        )
        who = warning.assigned_to.full_name if warning.assigned_to_id else "（待分派）"
        updates["work_note"] = f"已派民生员走访：{who}"
    elif finding.kind == K.DEATH:  # a death stops payment, whoever reports it: one service does it all
        recorded = record_death(
            finding.person,
            died_on=finding.event_date,
            source=finding.source,
            user=user,
            on_date=on_date,
            finding_id=finding.pk,
        )
        if recorded.case is None:
            Finding.objects.filter(pk=finding.pk, status=Finding.Status.OPEN).update(work_note=recorded.summary[:200])
            finding.work_note = recorded.summary
            return finding
        updates["case"] = recorded.case
        updates["work_note"] = recorded.summary[:200]
    else:
        opened = open_review_case(
            finding.household,
            reason=reason,
            due_on=finding.due_on,
            on_date=on_date,
            user=user,
            origin="verification",
            finding_id=finding.pk,
        )
        case, note = opened.case, opened.note
        if case is None:
            Finding.objects.filter(pk=finding.pk, status=Finding.Status.OPEN).update(work_note=note[:200])
            finding.work_note = note
            return finding
        updates["case"] = case
        label = "追回款项随复核办件处理" if finding.kind == K.PAID_AFTER_DEATH else "已发起复核"
        updates["work_note"] = f"{label}：{case.receipt_no}" + (f"（{note}）" if note else "")
    changed = Finding.objects.filter(pk=finding.pk, status=Finding.Status.OPEN).update(
        status=Finding.Status.WORK_OPENED, **updates
    )
    if changed:
        finding.status = Finding.Status.WORK_OPENED
        for field, value in updates.items():
            setattr(finding, field, value)
    return finding


def open_work(*, on_date: date, user=None, sweep=None, progress=None, limit: int = 5000) -> int:
    """Open work for every open finding of the scope (or of one sweep), deaths first."""
    queryset = Finding.objects.filter(status=Finding.Status.OPEN, work_note="").select_related(
        "household", "person", "household__head"
    )
    if sweep is not None:
        queryset = queryset.filter(sweep=sweep)
    findings = sorted(
        queryset[:limit], key=lambda f: (f.kind not in ORDER, ORDER.index(f.kind) if f.kind in ORDER else 0, f.pk)
    )
    opened = 0
    for number, finding in enumerate(findings, start=1):
        with transaction.atomic():
            if open_work_for(finding, on_date=on_date, user=user).status == Finding.Status.WORK_OPENED:
                opened += 1
        if progress and number % 20 == 0:
            progress(number, len(findings), f"已转办{opened}条")
    return opened


def resolve_finding(finding: Finding, *, on_date: date, resolution: str) -> Finding:
    """办结: the case decided or the visit closed; the reason is kept."""
    resolution = (resolution or "").strip()
    if not resolution:
        raise DomainError(VerificationCode.RESOLUTION_REQUIRED, "办结须写明结果")
    Finding.objects.filter(pk=finding.pk).exclude(status=Finding.Status.RESOLVED).update(
        status=Finding.Status.RESOLVED, resolved_on=on_date, resolution=resolution[:300]
    )
    finding.refresh_from_db()
    return finding


def today() -> date:
    return timezone.localdate()
