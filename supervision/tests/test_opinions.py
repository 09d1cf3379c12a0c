"""稽查 opinions: for the items the county configured, the approval waits for the auditor."""

from datetime import date
from decimal import Decimal

import pytest

from cases.actions import approve_step
from cases.models import CaseStep
from cases.services import accept_application
from cases.tests.factories import DAY, give_documents, item
from core.errors import DomainError
from registry.tests.factories import HouseholdFactory
from supervision.models import Opinion, OpinionRule
from supervision.opinions import give_opinion, rule_applies, rules_for_step

pytestmark = pytest.mark.django_db

DOCS = ["id_card", "household_booklet", "application_form", "disability_certificate", "bank_card"]


def active(case) -> CaseStep:
    return case.steps.get(state=CaseStep.State.ACTIVE)


def act(user, case, on_date):
    step = active(case)
    return approve_step(user=user, step_id=step.pk, expected_version=step.row_version, on_date=on_date)


@pytest.fixture
def case_at_county(worker_a, clerk_a, approver):
    household = HouseholdFactory()
    give_documents(household, DOCS)
    case = accept_application(user=worker_a, item=item("disability_living"), household=household, on_date=DAY).case
    act(worker_a, case, DAY)
    act(clerk_a, case, date(2025, 9, 29))
    return case


def test_a_configured_item_waits_for_the_opinion_and_a_disagreement_keeps_it_waiting(case_at_county, approver, auditor):
    OpinionRule.objects.create(
        name="残疾人补贴全部经稽查",
        kind=OpinionRule.Kind.ITEM,
        item_code="disability_living",
        effective_from=date(2020, 1, 1),
    )
    confirm = active(case_at_county)
    with pytest.raises(DomainError, match="须先取得稽查意见") as error:
        act(approver, case_at_county, date(2025, 9, 30))
    assert error.value.code == "opinion_required"
    give_opinion(
        user=auditor, verdict=Opinion.Verdict.DISAGREE, text="残疾等级存疑", on_date=date(2025, 9, 30), step=confirm
    )
    with pytest.raises(DomainError, match="不同意"):
        act(approver, case_at_county, date(2025, 9, 30))
    give_opinion(
        user=auditor, verdict=Opinion.Verdict.AGREE, text="经复核属实", on_date=date(2025, 9, 30), step=confirm
    )
    act(approver, case_at_county, date(2025, 9, 30))
    confirm.refresh_from_db()
    assert confirm.state == CaseStep.State.DONE


def test_no_rule_no_wait_and_only_the_final_step_waits_unless_a_step_is_named(worker_a, clerk_a, approver):
    household = HouseholdFactory()
    give_documents(household, DOCS)
    case = accept_application(user=worker_a, item=item("disability_living"), household=household, on_date=DAY).case
    act(worker_a, case, DAY)  # no rule at all
    OpinionRule.objects.create(name="全部", kind=OpinionRule.Kind.ITEM, effective_from=date(2020, 1, 1))
    review = active(case)
    assert rules_for_step(review, date(2025, 9, 29)) == []  # not the final step
    act(clerk_a, case, date(2025, 9, 29))
    assert [r.name for r in rules_for_step(active(case), date(2025, 9, 29))] == ["全部"]
    old = OpinionRule.objects.create(
        name="已失效", kind=OpinionRule.Kind.ITEM, effective_from=date(2020, 1, 1), effective_to=date(2024, 12, 31)
    )
    assert old not in rules_for_step(active(case), date(2025, 9, 29))


class _Application:
    def __init__(self, **kw):
        self.close_relative = kw.get("close_relative", False)
        self.proposed_amount = kw.get("proposed_amount")
        self.advance_amount = kw.get("advance_amount")


@pytest.mark.parametrize(
    ("kind", "threshold", "application", "waits"),
    [
        (OpinionRule.Kind.ENROLMENT_ABOVE, "1000", _Application(proposed_amount=Decimal("1200")), True),
        (OpinionRule.Kind.ENROLMENT_ABOVE, "1000", _Application(proposed_amount=Decimal("1000")), False),
        (OpinionRule.Kind.ADVANCE_ABOVE, "2000", _Application(advance_amount=Decimal("2500")), True),
        (OpinionRule.Kind.ADVANCE_ABOVE, "2000", _Application(advance_amount=None), False),
        (OpinionRule.Kind.CLOSE_RELATIVE, None, _Application(close_relative=True), True),
        (OpinionRule.Kind.CLOSE_RELATIVE, None, _Application(), False),
        (OpinionRule.Kind.CLOSE_RELATIVE, None, None, False),
    ],
)
def test_which_applications_a_rule_names(case_at_county, kind, threshold, application, waits):
    rule = OpinionRule(name="r", kind=kind, threshold=threshold and Decimal(threshold), effective_from=date(2020, 1, 1))
    assert rule_applies(rule, active(case_at_county), application) is waits


def test_an_opinion_is_on_the_case_timeline_and_found_by_receipt_number(case_at_county, auditor, client):
    client.force_login(auditor)
    response = client.get("/supervision/opinions/", {"reference": case_at_county.receipt_no})
    confirm = active(case_at_county)
    assert response.status_code == 302 and response["Location"].endswith(f"?step={confirm.pk}")
    client.post(response["Location"], {"verdict": "agree_notes", "text": "建议补充邻里访问记录"})
    event = case_at_county.events.get(kind="note")
    assert event.text == "稽查意见（原则同意，提出意见）：建议补充邻里访问记录" and event.step == confirm
    response = client.get("/supervision/opinions/", {"reference": "无此编号"}, follow=True)
    assert "找不到受理编号或名册编号" in response.content.decode()


def test_the_auditor_sees_which_approvals_wait_for_an_opinion(case_at_county, auditor, client):
    client.force_login(auditor)
    assert case_at_county.receipt_no not in client.get("/supervision/opinions/").content.decode()
    OpinionRule.objects.create(
        name="残疾人补贴全部经稽查",
        kind=OpinionRule.Kind.ITEM,
        item_code="disability_living",
        effective_from=date(2020, 1, 1),
    )
    assert case_at_county.receipt_no in client.get("/supervision/opinions/").content.decode()
    give_opinion(user=auditor, verdict=Opinion.Verdict.AGREE, text="同意", on_date=DAY, step=active(case_at_county))
    page = client.get("/supervision/opinions/").content.decode()
    assert "没有等待稽查意见的审批" in page
