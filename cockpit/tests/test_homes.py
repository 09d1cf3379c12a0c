"""Each role's home page is that person's own work in their own area, and the menu offers only
what the role can use."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import StaffFactory
from cases.models import CaseStep
from cockpit.tests.conftest import VILLAGE_A, VILLAGE_B
from monitoring.models import Warning
from monitoring.services import raise_warning

pytestmark = pytest.mark.django_db


def home_of(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def menu_of(client, user) -> str:
    """The top menu only (the part of the page before <main>)."""
    return home_of(client, user).split("<main", 1)[0]


@pytest.fixture
def work(clerk_a, clerk_b, worker_a, village_b, open_case):
    today = timezone.localdate()
    overdue_a = open_case(clerk_a, VILLAGE_A, today - timedelta(days=40))
    today_a = open_case(clerk_a, VILLAGE_A, today - timedelta(days=1))
    overdue_b = open_case(clerk_b, VILLAGE_B, today - timedelta(days=40))
    CaseStep.objects.filter(case=overdue_a, state=CaseStep.State.ACTIVE).update(due_on=today - timedelta(days=3))
    CaseStep.objects.filter(case=today_a, state=CaseStep.State.ACTIVE).update(due_on=today)
    mine = raise_warning(household=overdue_a.household, signal="illness", on_date=today, natural_key="w-mine")
    other = raise_warning(household=overdue_b.household, signal="illness", on_date=today, natural_key="w-other")
    Warning.objects.filter(pk=mine.pk).update(stage=Warning.Stage.ASSIGNED, assigned_to=worker_a)
    return {"overdue_a": overdue_a, "today_a": today_a, "overdue_b": overdue_b, "mine": mine, "other": other}


def test_clerk_sees_own_township_steps_due_today_and_overdue_not_the_other_township(client, work, clerk_a, worker_a):
    # The intake step of a case accepted by the clerk sits at the accepting window.
    CaseStep.objects.filter(case__in=[work["overdue_a"], work["today_a"]], state=CaseStep.State.ACTIVE).update(
        responsible_unit=clerk_a.unit
    )
    page = home_of(client, clerk_a)
    assert "待我办理的环节" in page and "本窗口受理" in page
    assert work["overdue_a"].receipt_no in page and work["today_a"].receipt_no in page
    assert "已超期" in page and "今日到期" in page
    assert work["overdue_b"].receipt_no not in page
    assert "分给我的预警" not in page  # a clerk is not the 民生员 the warning went to


def test_livelihood_worker_sees_the_warnings_assigned_to_them_only(client, work, worker_a):
    page = home_of(client, worker_a)
    assert "分给我的预警" in page
    assert work["mine"].household.number in page
    assert work["other"].household.number not in page


def test_other_township_clerk_sees_only_their_own_case(client, work, clerk_b):
    CaseStep.objects.filter(case=work["overdue_b"], state=CaseStep.State.ACTIVE).update(responsible_unit=clerk_b.unit)
    page = home_of(client, clerk_b)
    assert work["overdue_b"].receipt_no in page
    assert work["overdue_a"].receipt_no not in page and work["today_a"].receipt_no not in page


def test_auditor_home_is_the_audit_log_and_the_open_findings(client, work, auditor):
    page = home_of(client, auditor)
    assert "今日操作日志" in page and "待处理的比对发现" in page
    assert "待我办理的环节" not in page  # auditors do not handle case steps


def test_grid_worker_has_no_case_or_money_menus(client, worker_a, township_a):
    grid = StaffFactory(username="grid_a", unit=worker_a.unit, roles=["grid_worker"])
    menu = menu_of(client, grid)
    for label in ("我的待办", "一门受理", "发放名册", "资金专户", "三查", "部门数据", "数据驾驶舱", "操作日志"):
        assert label not in menu
    assert "您今天没有待办事项" in home_of(client, grid)


def test_registrar_is_not_offered_money_or_monitoring(client, county_bureau):
    registrar = StaffFactory(username="registrar", unit=county_bureau, roles=["registrar"])
    menu = menu_of(client, registrar)
    assert "一门受理" in menu and "我的待办" in menu
    for label in ("发放名册", "资金专户", "监测预警", "比对发现", "部门数据", "数据驾驶舱"):
        assert label not in menu


def test_leader_is_offered_the_cockpit_and_the_money_but_not_data_upload(client, leader):
    menu = menu_of(client, leader)
    assert "数据驾驶舱" in menu and "发放名册" in menu and "督办看板" in menu
    assert "部门数据" not in menu and "一门受理" not in menu
