"""The outcome of a review case (复核): keep, adjust, gradually exit, stop, or fraud — each through
the ledger's own service, named on the review case and the case timeline."""

from datetime import date
from decimal import Decimal

from django.db import transaction

from assistance.casework import ReviewCase
from assistance.errors import AssistanceError
from cases import hooks
from ledger import services as ledger
from ledger.errors import LedgerError

Outcome = ReviewCase.Outcome


@transaction.atomic
def decide_review(
    *,
    user,
    review: ReviewCase,
    on_date: date,
    outcome: str,
    reason: str,
    new_amount: Decimal | None = None,
    review_basis: str = "stable",
    months_paid_wrongly: int = 0,
    fine_multiple: Decimal = Decimal("1"),
) -> ReviewCase:
    if review.outcome:
        raise AssistanceError("closed", "该复核已有结果")
    if not (reason or "").strip():
        raise AssistanceError("amount", "请填写复核结论")
    enrolment, ref = review.enrolment, review.case.receipt_no
    common = {"user": user, "case_reference": ref}
    try:
        if outcome == Outcome.KEPT:
            ledger.keep_after_review(enrolment, reviewed_on=on_date, review_basis=review_basis, **common)
        elif outcome == Outcome.ADJUSTED:
            if not new_amount or new_amount <= 0:
                raise AssistanceError("amount", "请填写调整后的金额")
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
            raise AssistanceError("amount", "请选择复核结果")
    except LedgerError as error:
        raise AssistanceError(error.code, error.message) from error
    except ValueError as error:
        raise AssistanceError("amount", str(error)) from error
    ReviewCase.objects.filter(pk=review.pk, outcome="").update(outcome=outcome, outcome_on=on_date, outcome_note=reason)
    review.refresh_from_db()
    hooks.note(review.case, user, on_date, f"复核结果：{review.get_outcome_display()}。{reason}")
    return review
