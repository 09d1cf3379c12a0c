"""The columns of the record list behind each figure: what a leader needs to recognise the record,
personal data masked (names as the lists show them, no identity numbers), a link to its page."""

from django.urls import reverse

from cases.models import Case, CaseStep, Supervision
from core.masking import mask_name
from ledger.models import Enrolment
from monitoring.models import Warning
from verification.models import Finding

CASE_HEADERS = ["受理编号", "服务事项", "申请人", "受理日期", "办结期限", "状态"]


def _case_row(case: Case) -> tuple[str, list]:
    return reverse("cases:detail", args=[case.pk]), [
        case.receipt_no,
        case.item.name,
        mask_name(case.applicant.name),
        case.accepted_on,
        case.due_on or "",
        case.get_status_display(),
    ]


def record_rows(indicator: str, objects) -> tuple[list[str], list[tuple[str, list]]]:
    """(headers, [(url, cells)]) for one page of records."""
    objects = list(objects)
    if indicator in ("case_status", "case_light", "on_time"):
        cases = Case.objects.select_related("item", "applicant").in_bulk([o.pk for o in objects])
        return CASE_HEADERS, [_case_row(cases[o.pk]) for o in objects]
    if objects and isinstance(objects[0], Supervision):
        sups = Supervision.objects.select_related("case", "target_unit").in_bulk([o.pk for o in objects])
        return ["督办事由", "受理编号", "被督办单位", "督办日期", "限办日期", "级别"], [
            (
                reverse("cases:detail", args=[s.case_id]) if s.case_id else "",
                [s.reason, s.case.receipt_no if s.case_id else "", s.target_unit.name, s.issued_on, s.due_on, s.level],
            )
            for s in (sups[o.pk] for o in objects)
        ]
    if objects and isinstance(objects[0], CaseStep):
        steps = CaseStep.objects.select_related("case", "case__item", "responsible_unit").in_bulk(
            [o.pk for o in objects]
        )
        return ["受理编号", "服务事项", "环节", "责任单位", "环节期限"], [
            (
                reverse("cases:detail", args=[s.case_id]),
                [
                    s.case.receipt_no,
                    s.case.item.name,
                    s.name,
                    s.responsible_unit.name if s.responsible_unit_id else "",
                    s.due_on,
                ],
            )
            for s in (steps[o.pk] for o in objects)
        ]
    if indicator == "recipients":
        enrolments = Enrolment.objects.select_related("household", "household__head").in_bulk([o.pk for o in objects])
        return ["户编号", "户主", "救助项目", "保障人口", "月保障金额（元）", "城乡", "状态"], [
            (
                reverse("registry:household_detail", args=[e.household_id]),
                [
                    e.household.number,
                    mask_name(e.household.head.name) if e.household.head_id else "",
                    e.get_programme_display(),
                    e.covered_members,
                    e.monthly_amount,
                    e.household.get_kind_display(),
                    e.get_status_display(),
                ],
            )
            for e in (enrolments[o.pk] for o in objects)
        ]
    if indicator == "warnings":
        warnings = Warning.objects.select_related("household").in_bulk([o.pk for o in objects])
        return ["信号", "户编号", "预警日期", "走访期限", "环节"], [
            (
                reverse("monitoring:warning_detail", args=[w.pk]),
                [w.get_signal_display(), w.household.number, w.raised_on, w.due_on, w.get_stage_display()],
            )
            for w in (warnings[o.pk] for o in objects)
        ]
    if indicator == "findings":
        findings = Finding.objects.select_related("household").in_bulk([o.pk for o in objects])
        return ["类型", "户编号", "说明", "处理期限", "状态"], [
            (
                reverse("verification:finding_detail", args=[f.pk]),
                [
                    f.get_kind_display(),
                    f.household.number if f.household_id else "",
                    f.detail,
                    f.due_on or "",
                    f.get_status_display(),
                ],
            )
            for f in (findings[o.pk] for o in objects)
        ]
    return [], []
