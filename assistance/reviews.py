"""The outcome of a review case (复核): keep, adjust, gradually exit, stop, or fraud — each through
the ledger's own service. The outcome is the county's decision on the review case's last step
(审核确认): recording it approves that step through the cases engine, so the case is closed in the
township's queue with the outcome as its opinion. The earlier steps (受理审查, 乡镇核查) are passed
on the case page like any other case's."""

from datetime import date
from decimal import Decimal

from django.db import transaction

from assistance.casework import ReviewCase
from assistance.errors import AssistanceCode
from cases.access import can_act_on
from cases.actions import approve_step
from cases.models import CaseStep
from core.errors import DomainError
from ledger import services as ledger

Outcome = ReviewCase.Outcome


def keep_review_records(opened) -> None:
    """`ledger.hooks.reviews_opened` listener: a review case opened (or joined) for an enrolment gets
    its 复核案件 record, once per case, where the outcome is later recorded — for many cases at once
    (a sweep's follow-up) in two statements: the cases that have their record already, then the new
    records."""
    wanted = {}
    for one in opened:
        if one.enrolment is not None and one.case.pk not in wanted:
            wanted[one.case.pk] = one
    if not wanted:
        return
    have = set(ReviewCase.objects.filter(case_id__in=list(wanted)).values_list("case_id", flat=True))
    ReviewCase.objects.bulk_create(
        ReviewCase(
            case=one.case,
            enrolment=one.enrolment,
            opened_on=one.on_date,
            due_on=one.due_on or one.on_date,
            reason=one.reason[:100],
            area_code=one.enrolment.area_code,
        )
        for case_id, one in wanted.items()
        if case_id not in have
    )


def active_step(review: ReviewCase) -> CaseStep | None:
    return (
        review.case.steps.select_related("definition", "responsible_unit")
        .filter(state__in=[CaseStep.State.ACTIVE, CaseStep.State.CORRECTION])
        .first()
    )


def is_last_step(step: CaseStep) -> bool:
    return not CaseStep.objects.filter(case_id=step.case_id, order__gt=step.order).exists()


def check_approval(step: CaseStep, outcome: str) -> None:
    """Before the engine approves a step of a review case (assistance.guards): its last step passes
    only with an outcome recorded here, so no review is closed without the ledger knowing what was
    decided."""
    if not outcome and is_last_step(step):
        raise DomainError(AssistanceCode.REVIEW_OUTCOME_REQUIRED, "复核案件的审核确认须在“复核案件”页面记录复核结果")


def _apply_outcome(
    user,
    review: ReviewCase,
    on_date: date,
    outcome: str,
    reason: str,
    new_amount: Decimal | None,
    review_basis: str | None,
    months_paid_wrongly: int,
    fine_multiple: Decimal,
) -> str:
    """The ledger change the outcome means; returns the conclusion as recorded."""
    enrolment = review.enrolment
    common = {"user": user, "case_reference": review.case.receipt_no}
    try:
        if outcome == Outcome.KEPT:
            ledger.keep_after_review(enrolment, reviewed_on=on_date, review_basis=review_basis, **common)
        elif outcome == Outcome.ADJUSTED:
            if not new_amount or new_amount <= 0:
                raise DomainError(AssistanceCode.AMOUNT, "请填写调整后的金额")
            ledger.adjust_amount(enrolment, new_amount=new_amount, decided_on=on_date, reason=reason, **common)
            ledger.keep_after_review(enrolment, reviewed_on=on_date, review_basis=review_basis, **common)
        elif outcome == Outcome.GRADUAL_EXIT:
            ledger.start_gradual_exit(enrolment, decided_on=on_date, reason=reason, **common)
        elif outcome == Outcome.STOPPED:
            ledger.stop(enrolment, decided_on=on_date, reason=reason, **common)
        elif outcome == Outcome.FRAUD:
            recovered, fine = ledger.record_fraud(
                enrolment,
                decided_on=on_date,
                months_paid_wrongly=months_paid_wrongly,
                fine_multiple=fine_multiple,
                reason=reason,
                **common,
            )
            reason = f"{reason}；追回{recovered}元，罚款{fine}元"
        else:
            raise DomainError(AssistanceCode.AMOUNT, "请选择复核结果")
    except ValueError as error:
        raise DomainError(AssistanceCode.AMOUNT, str(error)) from error
    return reason


@transaction.atomic
def decide_review(
    *,
    user,
    review: ReviewCase,
    on_date: date,
    outcome: str,
    reason: str,
    new_amount: Decimal | None = None,
    review_basis: str | None = None,
    months_paid_wrongly: int = 0,
    fine_multiple: Decimal = Decimal("1"),
) -> ReviewCase:
    """Record the outcome at the review case's last step, apply it to the ledger and close the case."""
    if review.outcome:
        raise DomainError(AssistanceCode.CLOSED, "该复核已有结果")
    if not (reason or "").strip():
        raise DomainError(AssistanceCode.AMOUNT, "请填写复核结论")
    step = active_step(review)
    if step is None or step.state != CaseStep.State.ACTIVE or not is_last_step(step):
        where = f"正在“{step.name}”环节" if step else "不在办理中"
        raise DomainError(AssistanceCode.WRONG_STEP, f"该复核案件{where}，前面环节办结后方可记录复核结果")
    if not can_act_on(user, step):
        unit = step.responsible_unit.name if step.responsible_unit_id else "—"
        raise DomainError(AssistanceCode.NO_PERMISSION, f"您不能办理“{step.name}”（责任单位：{unit}）")
    conclusion = _apply_outcome(
        user, review, on_date, outcome, reason.strip(), new_amount, review_basis, months_paid_wrongly, fine_multiple
    )
    if not ReviewCase.objects.filter(pk=review.pk, outcome="").update(
        outcome=outcome, outcome_on=on_date, outcome_note=conclusion
    ):
        raise DomainError(AssistanceCode.CLOSED, "该复核已有结果")
    review.refresh_from_db()
    approve_step(
        user=user,
        step_id=step.pk,
        expected_version=step.row_version,
        on_date=on_date,
        opinion=f"复核结果：{review.get_outcome_display()}。{conclusion}",
    )
    return review
