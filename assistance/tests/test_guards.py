"""The approval guard's plain SQL gives the ORM's answer (the SQL-twin): for a case with an assistance
application, a review case with and without an outcome, and a case that is neither."""

from datetime import date
from decimal import Decimal

import pytest
from django.db.models import OuterRef, Subquery

from assistance.casework import Application, ReviewCase
from assistance.guards import assistance_of_case
from assistance.procedure import apply_for_assistance
from cases.models import Case
from cases.services import accept_application
from cases.tests.factories import DAY, give_documents, item
from ledger.reviews import open_review_cases, schedule_reviews
from ledger.services import enrol
from registry.tests.factories import HouseholdFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_policy")]


def orm_assistance_of_case(case_id: int) -> tuple[int | None, str | None]:
    """The same question through the ORM."""
    return (
        Case.objects.filter(pk=case_id)
        .annotate(
            application_id=Subquery(Application.objects.filter(case_id=OuterRef("pk")).order_by("pk").values("pk")[:1]),
            review_outcome=Subquery(ReviewCase.objects.filter(case_id=OuterRef("pk")).values("outcome")[:1]),
        )
        .values_list("application_id", "review_outcome")
        .get()
    )


def test_the_guards_plain_sql_answers_as_the_orm(worker_a, wang_family, clerk_a):
    application = apply_for_assistance(
        user=worker_a, programme="dibao", household=wang_family, on_date=date(2025, 9, 22), authorisation_signed=True
    )
    for decided_on in (date(2024, 10, 15), date(2024, 10, 16)):
        household = HouseholdFactory()
        give_documents(household, ["id_card", "household_booklet", "income_proof"])
        enrol(
            programme="dibao",
            household=household,
            monthly_amount=Decimal("600"),
            decided_on=decided_on,
            covered_members=2,
            review_basis="stable",
        )
    schedule_reviews(date(2025, 10, 1))
    assert open_review_cases(date(2025, 10, 1), window_days=30).opened == 2
    reviewed = list(ReviewCase.objects.order_by("pk"))
    ReviewCase.objects.filter(pk=reviewed[0].pk).update(outcome="stop")
    household = HouseholdFactory()
    give_documents(
        household, ["id_card", "household_booklet", "application_form", "disability_certificate", "bank_card"]
    )
    plain = accept_application(user=worker_a, item=item("disability_living"), household=household, on_date=DAY).case

    answers = {case.pk: assistance_of_case(case.pk) for case in Case.objects.all()}

    assert answers == {case.pk: orm_assistance_of_case(case.pk) for case in Case.objects.all()}
    assert answers[application.case_id] == (application.pk, None)
    assert answers[reviewed[0].case_id] == (None, "stop") and answers[reviewed[1].case_id] == (None, "")
    assert answers[plain.pk] == (None, None)
