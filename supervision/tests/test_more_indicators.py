"""The three indicators added last — objections upheld, reviews on time, roll errors — each against a
hand-counted fixture, the objection's outcome recorded where it is answered (case page, portal), and
the drill-down to the records behind a township's figure."""

from datetime import date
from decimal import Decimal

import pytest

from assistance.casework import Objection, ReviewCase
from assistance.notice import lodge_objection, resolve_objections
from assistance.procedure import record_appraisal
from cases.services import accept_application
from cases.tests.factories import DAY, give_documents, item
from core.errors import DomainError
from payments.models import PaymentRoll, RollLine
from portal.tests.factories import running_notice
from registry.tests.factories import HouseholdFactory
from supervision import evaluation as service
from supervision.indicators import computed_figures
from supervision.models import SubjectType
from supervision.tests.factories import VILLAGE_A, VILLAGE_B, enrolments

pytestmark = pytest.mark.django_db

NOV = date(2025, 11, 1)
DOCS = ["id_card", "household_booklet", "application_form", "disability_certificate", "bank_card"]


def _objection(notice, outcome: str, resolved_on: date | None) -> Objection:
    return Objection.objects.create(
        notice=notice,
        lodged_on=date(2025, 10, 20),
        name="张某",
        content="家中有车",
        status=Objection.Status.RESOLVED if resolved_on else Objection.Status.OPEN,
        resolution=Objection.Resolution.RE_INVESTIGATED if resolved_on else "",
        resolution_note="复查属实" if outcome == "upheld" else "复查不属实",
        outcome=outcome,
        resolved_on=resolved_on,
        area_code=notice.area_code,
    )


def _review(enrolment, worker, due: date, outcome_on: date | None) -> ReviewCase:
    household = HouseholdFactory(area_code=enrolment.area_code)
    give_documents(household, DOCS)
    case = accept_application(user=worker, item=item("disability_living"), household=household, on_date=DAY).case
    return ReviewCase.objects.create(
        enrolment=enrolment,
        case=case,
        opened_on=date(2025, 10, 1),
        due_on=due,
        reason="定期复核",
        outcome="kept" if outcome_on else "",
        outcome_on=outcome_on,
        area_code=enrolment.area_code,
    )


def _roll(number: str, village: str, month: date, lines: list[tuple[bool, str, str, str]]) -> PaymentRoll:
    """A roll of `village` with lines (in bank file, status, hold reason, failure reason)."""
    roll = PaymentRoll.objects.create(
        programme="dibao",
        month=month,
        area_prefix=village[:9],
        number=number,
        status=PaymentRoll.Status.APPROVED,
        area_code=village[:9] + "000",
    )
    for seq, (in_file, status, hold, failure) in enumerate(lines, start=1):
        RollLine.objects.create(
            area_code=village,
            roll=roll,
            seq=seq,
            kind=RollLine.Kind.REGULAR,
            pay_month=month,
            household_number=f"H{seq}",
            head_name="户主",
            head_id_number="430522199001011234",
            covered_members=1,
            payee_name="户主",
            payee_id_number="430522199001011234",
            amount_fen=50000,
            in_bank_file=in_file,
            status=status,
            hold_reason=hold,
            failure_reason=failure,
        )
    return roll


@pytest.fixture
def month(worker_a, clerk_a, clerk_b, township_a, township_b):
    """November 2025 in 酿溪镇 (A) and 严塘镇 (B), counted by hand:

    objections answered in November and upheld: A 2 (a third answered 不成立, a fourth upheld in
    October), B 1 (and one still open).
    review cases due in November: A 3 — one answered by its date, one late, one still open — and one
    due in December; B 1, answered on its last day.
    roll lines of November's rolls sent to the bank: A 4, of which 1 failed and 1 failed then
    corrected (a fifth line held back, never sent, does not count; October's failed line neither);
    B 2, both paid.
    """
    P, S, H = RollLine.Status, RollLine.Status, RollLine.Hold
    notice_a = running_notice(HouseholdFactory(area_code=VILLAGE_A), clerk_a, date(2025, 10, 15))
    notice_b = running_notice(HouseholdFactory(area_code=VILLAGE_B), clerk_b, date(2025, 10, 15))
    _objection(notice_a, "upheld", date(2025, 11, 3))
    _objection(notice_a, "upheld", date(2025, 11, 28))
    _objection(notice_a, "rejected", date(2025, 11, 10))
    _objection(notice_a, "upheld", date(2025, 10, 30))
    _objection(notice_b, "upheld", date(2025, 11, 30))
    _objection(notice_b, "", None)
    enrolment_a = enrolments(VILLAGE_A, "dibao", 1)[0]
    enrolment_b = enrolments(VILLAGE_B, "dibao", 1)[0]
    _review(enrolment_a, worker_a, date(2025, 11, 10), date(2025, 11, 8))
    _review(enrolment_a, worker_a, date(2025, 11, 20), date(2025, 11, 25))
    _review(enrolment_a, worker_a, date(2025, 11, 25), None)
    _review(enrolment_a, worker_a, date(2025, 12, 2), None)
    _review(enrolment_b, worker_a, date(2025, 11, 5), date(2025, 11, 5))
    _roll(
        "A-11",
        VILLAGE_A,
        NOV,
        [
            (True, P.PAID, "", ""),
            (True, S.FAILED, "", "账号不存在"),
            (True, S.HELD, H.CORRECTED, "户名不符"),
            (True, P.PAID, "", ""),
            (False, S.HELD, H.SUSPENDED, ""),
        ],
    )
    _roll("A-10", VILLAGE_A, date(2025, 10, 1), [(True, S.FAILED, "", "账号已销户")])
    _roll("B-11", VILLAGE_B, NOV, [(True, P.PAID, "", ""), (True, P.PAID, "", "")])
    return {"a": township_a.pk, "b": township_b.pk}


def test_the_three_indicators_match_the_hand_count(month):
    a, b = month["a"], month["b"]
    assert computed_figures("objections_upheld", NOV) == {a: (2, None), b: (1, None)}
    assert computed_figures("reviews_on_time_rate", NOV) == {a: (1, 3), b: (1, 1)}
    assert computed_figures("roll_error_rate", NOV) == {a: (2, 4), b: (0, 2)}


def test_the_township_scores_count_the_three_and_drill_down_to_their_records(month, client, auditor):
    evaluation = service.evaluation_for("430522000000", NOV)
    service.compute_month(evaluation)
    a = evaluation.results.get(subject_type=SubjectType.TOWNSHIP_OFFICE, name="酿溪镇民政办")
    lines = {line.indicator.computation: line for line in a.lines.select_related("indicator")}
    assert lines["objections_upheld"].score == Decimal("0.00")  # 2 against B's 1: the worse
    assert lines["reviews_on_time_rate"].score == Decimal("1.67")  # 5 × 1/3
    assert lines["roll_error_rate"].score == Decimal("2.50")  # 5 × (1 − 2/4)
    assert sum(line.indicator.weight for line in lines.values() if line.indicator.computation) + sum(
        line.indicator.weight for line in a.lines.select_related("indicator") if not line.indicator.computation
    ) == Decimal(100)

    client.force_login(auditor)
    page = client.get(f"/supervision/results/{a.pk}/drill/{lines['roll_error_rate'].indicator_id}/").content.decode()
    assert "账号不存在" in page and "户名不符" in page
    assert page.index("账号不存在") < page.index("第1行")  # the lines that cost marks come first
    assert "账号已销户" not in page  # October's roll
    page = client.get(f"/supervision/results/{a.pk}/drill/{lines['objections_upheld'].indicator_id}/").content.decode()
    assert page.count("公示异议（异议成立）") == 2 and "异议不成立" not in page
    page = client.get(f"/supervision/results/{a.pk}/drill/{lines['reviews_on_time_rate'].indicator_id}/").content
    assert page.decode().count("定期复核") == 3


def test_an_objection_is_answered_with_whether_it_was_upheld(clerk_a, client):
    from policy.demo import load_demo_policy

    load_demo_policy()  # the case page reads the county's temporary-aid cap
    notice = running_notice(HouseholdFactory(area_code=VILLAGE_A), clerk_a, date(2025, 10, 15))
    application = notice.application
    lodge_objection(notice=notice, on_date=date(2025, 10, 16), content="家中有车", name="张某")
    record_appraisal(
        user=clerk_a,
        application=application,
        held_on=date(2025, 10, 18),
        participants=9,
        agree=2,
        disagree=7,
        conclusion="车辆属实",
    )
    with pytest.raises(DomainError, match="是否成立"):
        resolve_objections(
            user=clerk_a,
            application=application,
            on_date=date(2025, 10, 18),
            resolution="appraised",
            outcome="",
            note="属实",
        )
    client.force_login(clerk_a)
    page = client.get(f"/assistance/{application.pk}/").content.decode()
    assert 'data-testid="objection-outcome"' in page and "异议成立" in page
    client.post(
        f"/assistance/{application.pk}/act/",
        {"action": "resolve", "resolution": "appraised", "outcome": "upheld", "text": "经评议车辆属实"},
    )
    objection = Objection.objects.get(notice=notice)
    assert objection.outcome == Objection.Outcome.UPHELD and objection.status == Objection.Status.RESOLVED
    assert "异议成立" in client.get(f"/assistance/{application.pk}/").content.decode()


def test_an_open_review_not_yet_due_is_neither_on_time_nor_late(worker_a, township_a):
    from django.utils import timezone

    today = timezone.localdate()
    enrolment = enrolments(VILLAGE_A, "dibao", 1)[0]
    _review(enrolment, worker_a, today, None)  # its last day is today: not late yet
    _review(enrolment, worker_a, today, today)  # answered today: on time
    assert computed_figures("reviews_on_time_rate", today) == {township_a.pk: (1, 1)}
