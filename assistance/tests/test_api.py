"""The assistance API (/api/v1/assistance): the same services as the pages, scoped to the caller's
jurisdiction, errors as {code, message}."""

from datetime import date

import pytest

from assistance.casework import ReviewCase
from assistance.procedure import apply_for_assistance, pass_step
from assistance.reviews import active_step
from cases.actions import approve_step
from ledger.reviews import open_review_cases, schedule_reviews

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_policy")]

SURVEY = {
    "visited_on": "2025-09-24",
    "investigators": [{"name": "甲", "confirmed": True}, {"name": "乙", "confirmed": True}],
    "income_items": [{"kind": "wages", "annual_amount": "7200"}],
}


@pytest.fixture
def at_survey(worker_a, clerk_a, wang_family):
    application = apply_for_assistance(
        user=worker_a, programme="dibao", household=wang_family, on_date=date(2025, 9, 22), authorisation_signed=True
    )
    pass_step(user=worker_a, application=application, on_date=date(2025, 9, 24))
    return application


def post(client, url, data):
    return client.post(f"/api/v1/assistance{url}", data, content_type="application/json")


def test_survey_passes_and_objection_through_the_api(client, clerk_a, reviewer_a, approver, at_survey):
    client.force_login(clerk_a)
    url = f"/applications/{at_survey.pk}"
    one = post(client, f"{url}/surveys", {**SURVEY, "investigators": [{"name": "甲", "confirmed": True}]})
    assert one.status_code == 400 and one.json()["code"] == "investigators"
    recorded = post(client, f"{url}/surveys", SURVEY).json()
    assert recorded["monthly_per_capita"] == "200.00"  # 7200 ÷ 12 ÷ 3
    for user in (clerk_a, approver, reviewer_a):
        client.force_login(user)
        assert post(client, f"{url}/pass", {}).status_code == 200
    client.force_login(clerk_a)
    assert (
        post(client, f"{url}/objections", {"content": "家中有车辆未申报", "name": "张某"}).json()["open_objections"]
        == 1
    )
    client.force_login(approver)
    early = post(client, f"{url}/confirm", {})
    assert early.status_code == 400 and early.json()["code"] == "wrong_step"
    assert client.get(f"/api/v1/assistance{url}").json()["decision"] == "pending"


def test_another_township_gets_404(client, clerk_b, at_survey):
    client.force_login(clerk_b)
    assert client.get(f"/api/v1/assistance/applications/{at_survey.pk}").status_code == 404
    response = post(client, f"/applications/{at_survey.pk}/surveys", SURVEY)
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_review_outcome_through_the_api(client, clerk_a, reviewer_a, approver, wang_family):
    from ledger.services import enrol

    enrol(programme="dibao", household=wang_family, monthly_amount=600, decided_on=date(2024, 10, 15))
    schedule_reviews(date(2025, 10, 1))
    open_review_cases(date(2025, 10, 1))
    review = ReviewCase.objects.get()
    for user in (clerk_a, reviewer_a):
        step = active_step(review)
        approve_step(user=user, step_id=step.pk, expected_version=step.row_version, on_date=date(2025, 10, 10))
    client.force_login(approver)
    decision = {"outcome": "kept", "reason": "收入未变化"}
    done = post(client, f"/reviews/{review.pk}/decide", decision)
    assert done.status_code == 200 and (done.json()["outcome"], done.json()["case_status"]) == ("kept", "approved")
    again = post(client, f"/reviews/{review.pk}/decide", decision)
    assert again.status_code == 409 and again.json()["code"] == "closed"
