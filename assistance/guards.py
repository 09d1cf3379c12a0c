"""What assistance checks before the cases engine approves any step (registered with cases.hooks).

Every approval of every case asks, and most cases are neither an assistance application nor a review
case: whether the case is either comes in one statement."""

from django.db.models import OuterRef, Subquery

from assistance import procedure, reviews
from assistance.casework import Application, ReviewCase
from cases.models import Case, CaseStep


def _assistance_of_case(case_id: int) -> tuple[int | None, str | None] | None:
    """(the case's application, its review case's outcome), or None when the case is out of scope."""
    return (
        Case.objects.filter(pk=case_id)
        .annotate(
            application_id=Subquery(Application.objects.filter(case_id=OuterRef("pk")).order_by("pk").values("pk")[:1]),
            review_outcome=Subquery(ReviewCase.objects.filter(case_id=OuterRef("pk")).values("outcome")[:1]),
        )
        .values_list("application_id", "review_outcome")
        .first()
    )


def approval_guard(step: CaseStep) -> None:
    """The application's procedure (an open objection, a missing survey …) and the review case's
    recorded outcome may refuse the approval."""
    row = _assistance_of_case(step.case_id)
    if row is None:
        return
    application_id, review_outcome = row
    if application_id is not None:
        procedure.check_approval(step, Application.objects.get(pk=application_id))
    if review_outcome is not None:
        reviews.check_approval(step, review_outcome)
