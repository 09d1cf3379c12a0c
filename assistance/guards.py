"""What assistance checks before the cases engine approves any step (registered with cases.hooks).

Every approval of every case asks, and most cases are neither an assistance application nor a review
case. Whether the case is either comes in one plain SQL statement: through the ORM the two scoped
subqueries cost about a millisecond of CPU to build for a statement the database answers in
microseconds, a quarter of an approval's own work. `assistance.tests.test_guards` proves the answer
equals the ORM's (`orm_assistance_of_case` there)."""

from django.db import connection

from assistance import procedure, reviews
from assistance.casework import Application, ReviewCase
from cases.models import CaseStep


def assistance_of_case(case_id: int) -> tuple[int | None, str | None]:
    """(the case's application, its review case's outcome), None for what the case does not have.

    Read through the case, unscoped: the caller has the case's step in scope, and an application or
    review case lies in its case's area."""
    application = connection.ops.quote_name(Application._meta.db_table)
    review = connection.ops.quote_name(ReviewCase._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT (SELECT a."id" FROM {application} a WHERE a."case_id" = %s ORDER BY a."id" LIMIT 1), '  # noqa: S608
            f'(SELECT r."outcome" FROM {review} r WHERE r."case_id" = %s LIMIT 1)',
            [case_id, case_id],
        )
        return cursor.fetchone()


def approval_guard(step: CaseStep) -> None:
    """The application's procedure (an open objection, a missing survey …) and the review case's
    recorded outcome may refuse the approval."""
    application_id, review_outcome = assistance_of_case(step.case_id)
    if application_id is not None:
        procedure.check_approval(step, Application.objects.get(pk=application_id))
    if review_outcome is not None:
        reviews.check_approval(step, review_outcome)
