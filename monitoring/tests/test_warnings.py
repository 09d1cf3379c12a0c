"""Warnings: signals from datasets → risk, 民生员, due date; visit → application or closure; closed loop."""

from datetime import date, timedelta

import pytest

from areas.jurisdiction import scope_for_area, scope_for_user, within
from cases.errors import CaseCode
from cases.models import Case
from core.errors import DomainError
from monitoring import services
from monitoring.models import MonitoredHousehold, Warning, WarningEvent
from verification.tests.factories import DAY, enrol, family, load

pytestmark = pytest.mark.django_db
BILL = ["身份证号", "姓名", "结算日期", "医疗总费用"]


@pytest.fixture
def monitored(worker_a):
    household = family({"name": "病甲"}, {"name": "病乙"})
    enrol(household)
    return household


def test_a_large_medical_bill_raises_a_warning_for_the_village_worker(monitored, worker_a):
    sick = monitored.current_memberships()[1].person
    load(
        "medical",
        BILL,
        [[sick.id_number, sick.name, "2025-08-20", "60000"], [monitored.head.id_number, "病甲", "2025-08-01", "900"]],
    )
    result = services.run_monitoring(DAY)
    assert result["population"]["added"] == 1
    warning = Warning.objects.get()
    assert (warning.signal, warning.person, warning.risk) == ("illness", sick, "high")  # ≥ 2.5 × 20,000
    assert (warning.assigned_to, warning.stage, warning.due_on) == (worker_a, "assigned", DAY + timedelta(days=7))
    again = services.run_monitoring(DAY)
    assert sum(again["raised"].values()) == 0 and Warning.objects.count() == 1


def test_visit_then_temporary_assistance_application_closes_the_loop(monitored, worker_a):
    sick = monitored.current_memberships()[1].person
    load("medical", BILL, [[sick.id_number, sick.name, "2025-08-20", "30000"]])
    services.run_monitoring(DAY)
    warning = Warning.objects.get()
    assert warning.risk == "medium"
    with within(scope_for_user(worker_a)):
        with pytest.raises(DomainError) as error:
            services.open_application(warning, user=worker_a, item_code="temp_expense", on_date=DAY)
        assert error.value.code == "visit_first"
        services.record_visit(warning, user=worker_a, on_date=DAY, note="住院化疗，家庭无力承担自付部分")
        with pytest.raises(DomainError) as error:  # means-tested: the assistance desk records the authorisation
            services.open_application(warning, user=worker_a, item_code="temp_expense", on_date=DAY)
        assert error.value.details["url"].startswith("/assistance/apply/?programme=temporary_spending")
        case = services.open_application(warning, user=worker_a, item_code="temp_emergency", on_date=DAY)
    warning.refresh_from_db()
    assert (warning.stage, warning.case) == ("applied", case)
    assert Case.objects.get().item.code == "temp_emergency"
    assert case.assistance.programme == "temporary_emergency"  # the case has its assistance application
    assert list(WarningEvent.objects.filter(warning=warning).values_list("stage", flat=True)) == [
        "unassigned",
        "assigned",
        "visited",
        "applied",
    ]


def test_the_engines_refusal_of_the_application_reaches_the_worker_unchanged(monitored, worker_a):
    sick = monitored.current_memberships()[1].person
    load("medical", BILL, [[sick.id_number, sick.name, "2025-08-20", "30000"]])
    services.run_monitoring(DAY)
    warning = Warning.objects.get()
    with within(scope_for_user(worker_a)):
        services.record_visit(warning, user=worker_a, on_date=DAY, note="住院化疗，家庭无力承担自付部分")
        with pytest.raises(DomainError) as error:  # 婚姻登记 is not accepted at a village window
            services.open_application(warning, user=worker_a, item_code="marriage", on_date=DAY)
    assert error.value.code is CaseCode.LEVEL_NOT_ALLOWED and "本窗口不能受理" in error.value.message
    warning.refresh_from_db()
    assert (warning.stage, warning.case) == ("visited", None) and not Case.objects.exists()


def test_closing_needs_a_visit_and_a_reason(monitored, worker_a):
    load(
        "disaster",
        ["户主身份证号", "姓名", "受灾日期", "损失金额"],
        [[monitored.head.id_number, "病甲", "2025-08-01", "15000"]],
    )
    services.run_monitoring(DAY)
    warning = Warning.objects.get()
    assert (warning.signal, warning.risk) == ("disaster", "high")
    with within(scope_for_user(worker_a)):
        with pytest.raises(DomainError):
            services.close_warning(warning, user=worker_a, on_date=DAY, reason="已获保险赔付")
        services.record_visit(warning, user=worker_a, on_date=DAY, note="房屋受损，已获保险赔付")
        with pytest.raises(DomainError) as error:
            services.close_warning(warning, user=worker_a, on_date=DAY, reason=" ")
        assert error.value.code == "reason_required"
        services.close_warning(warning, user=worker_a, on_date=DAY, reason="已获保险赔付，无需救助")
    assert Warning.objects.get().stage == "closed"


def test_bills_under_the_threshold_and_unmonitored_households_raise_nothing(monitored):
    outsider = family({"name": "富户"})
    load(
        "medical",
        BILL,
        [
            [monitored.head.id_number, "病甲", "2025-08-20", "5000"],
            [outsider.head.id_number, "富户", "2025-08-20", "90000"],
        ],
    )
    services.run_monitoring(DAY)
    assert not Warning.objects.exists()


def test_warnings_are_scoped_and_overdue_ones_reach_supervision(monitored, worker_a, clerk_b):
    load(
        "social_insurance",
        ["身份证号", "姓名", "参保状态", "日期"],
        [[monitored.head.id_number, "病甲", "失业登记", "2025-08-01"]],
    )
    services.run_monitoring(date(2025, 8, 1))
    warning = Warning.objects.get()
    with within(scope_for_area("430522101000")):
        assert not Warning.objects.exists()
        assert not services.can_handle(clerk_b, warning)
    rows = services.supervision_rows(DAY)
    assert rows[0]["count"] == 1 and rows[0]["responsible_unit"] == worker_a.unit_id
    assert services.board_counts(DAY)["overdue"] == 1


def test_stopped_enrolments_leave_the_monitored_population(monitored):
    from ledger.services import stop

    services.refresh_population(DAY)
    stop(monitored.enrolments.get(), decided_on=DAY, reason="收入超标")
    assert services.refresh_population(DAY + timedelta(days=31)) == {"added": 0, "left": 1}
    assert MonitoredHousehold.objects.get().until == DAY + timedelta(days=31)


def test_a_new_batch_raises_warnings_only_for_the_people_it_names_and_never_twice(monitored, worker_a):
    other = family({"name": "户主丙"}, {"name": "丙妻"})
    enrol(other)
    sick = monitored.current_memberships()[1].person
    first = load("medical", BILL, [[sick.id_number, sick.name, "2025-08-20", "60000"]])
    assert sum(services.run_monitoring(DAY, batch_id=first.pk)["raised"].values()) == 1
    death = load("death", ["身份证号", "姓名", "死亡日期"], [[other.head.id_number, "户主丙", "2025-09-01"]])
    raised = services.run_monitoring(DAY, batch_id=death.pk)["raised"]
    assert {signal: n for signal, n in raised.items() if n} == {"earner_death": 1}
    warning = Warning.objects.get(signal="earner_death")
    assert (warning.household, warning.person, warning.risk) == (other, other.head, "high")
    assert sum(services.run_monitoring(DAY, batch_id=death.pk)["raised"].values()) == 0
    assert sum(services.run_monitoring(DAY)["raised"].values()) == 0  # the monthly run finds the same two
    assert Warning.objects.count() == 2
