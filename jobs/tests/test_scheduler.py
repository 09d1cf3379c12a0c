"""The scheduler runs each registered periodic work once per period, however many workers tick."""

import threading
from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import StaffFactory
from jobs import periodic as registry
from jobs import scheduler
from jobs.models import PeriodicRun
from jobs.periodic import Every, Periodic, register_periodic

pytestmark = pytest.mark.django_db


def at(text: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(text))


@pytest.fixture(autouse=True)
def _commit_each_call(monkeypatch, django_capture_on_commit_callbacks):
    """The test's transaction never commits: what tick() and run_now() queue on commit runs as
    each call returns, as it would after the scheduler's own commit."""
    for name in ("tick", "run_now"):
        original = getattr(scheduler, name)

        def committed(*args, _original=original, **kwargs):
            with django_capture_on_commit_callbacks(execute=True):
                return _original(*args, **kwargs)

        monkeypatch.setattr(scheduler, name, committed)


@pytest.fixture
def calls(monkeypatch):
    """A registry of two test works (the apps' real ones set aside), and what each was run for."""
    monkeypatch.setattr(registry, "_REGISTRY", {})
    seen: dict[str, list[date]] = {"daily": [], "monthly": []}
    register_periodic(
        Periodic("test.daily", "测试日任务", Every.DAILY, lambda day: seen["daily"].append(day) or {"处理": 1}, time(2))
    )
    register_periodic(
        Periodic(
            "test.monthly",
            "测试月任务",
            Every.MONTHLY,
            lambda day: seen["monthly"].append(day) or {},
            time(3),
            day_of_month=5,
        )
    )
    return seen


def test_two_workers_ticking_in_the_same_period_run_each_job_once(calls):
    now = at("2027-03-05T04:00")
    first = scheduler.tick(now)  # worker 1
    second = scheduler.tick(now + timedelta(seconds=30))  # worker 2, same period
    assert {r.key for r in first} == {"test.daily", "test.monthly"}
    assert second == []
    assert calls == {"daily": [date(2027, 3, 5)], "monthly": [date(2027, 3, 5)]}
    assert set(PeriodicRun.objects.values_list("status", flat=True)) == {"succeeded"}


def test_the_next_period_runs_again(calls):
    scheduler.tick(at("2027-03-05T04:00"))
    scheduler.tick(at("2027-03-06T01:59"))  # before the daily run time: still the 5th's period
    scheduler.tick(at("2027-03-06T02:00"))
    scheduler.tick(at("2027-04-05T03:00"))
    assert calls["daily"] == [date(2027, 3, 5), date(2027, 3, 6), date(2027, 4, 5)]
    assert calls["monthly"] == [date(2027, 3, 5), date(2027, 4, 5)]


def test_a_monthly_work_before_its_day_runs_for_last_month(calls):
    scheduler.tick(at("2027-01-04T12:00"))
    assert calls["monthly"] == [date(2026, 12, 5)]


def test_a_period_another_worker_already_claimed_is_not_run(calls):
    PeriodicRun.objects.create(
        key="test.daily", period=date(2027, 3, 5), status=PeriodicRun.Status.RUNNING, queued_at=at("2027-03-05T03:59")
    )
    scheduler.tick(at("2027-03-05T04:00"))
    assert calls["daily"] == []


def test_a_task_delivered_twice_runs_once(calls):
    run = PeriodicRun.objects.create(key="test.daily", period=date(2027, 3, 5))
    scheduler.run_periodic.call(run.pk)
    scheduler.run_periodic.call(run.pk)
    assert calls["daily"] == [date(2027, 3, 5)]


def test_a_failed_period_is_retried_later_and_at_most_three_times(monkeypatch):
    monkeypatch.setattr(registry, "_REGISTRY", {})
    tries = []

    def failing(day):
        tries.append(day)
        raise RuntimeError("数据库暂时不可用")

    register_periodic(Periodic("test.failing", "总是失败", Every.DAILY, failing, time(2)))
    now = at("2027-03-05T04:00")
    scheduler.tick(now)
    run = PeriodicRun.objects.get()
    assert run.status == "failed" and "数据库暂时不可用" in run.error
    scheduler.tick(now + timedelta(minutes=5))  # too soon
    assert len(tries) == 1
    scheduler.tick(now + timedelta(minutes=20))
    scheduler.tick(now + timedelta(minutes=40))
    scheduler.tick(now + timedelta(minutes=60))
    assert len(tries) == 3
    assert PeriodicRun.objects.get().attempts == 3


def test_a_run_left_running_by_a_killed_worker_is_queued_again(calls):
    PeriodicRun.objects.create(key="test.daily", period=date(2027, 3, 5), status=PeriodicRun.Status.RUNNING)
    PeriodicRun.objects.update(queued_at=at("2027-03-05T02:00"))
    scheduler.tick(at("2027-03-05T09:00"))
    assert calls["daily"] == [date(2027, 3, 5)]


def test_a_manual_run_does_not_take_the_scheduled_one(calls):
    scheduler.run_now("test.daily", now=at("2027-03-05T01:00"))
    scheduler.tick(at("2027-03-05T02:30"))
    assert calls["daily"] == [date(2027, 3, 5), date(2027, 3, 5)]
    assert PeriodicRun.objects.filter(trigger="manual").count() == 1


def test_next_run_and_schedule_as_the_page_says_them(calls):
    daily, monthly = registry.periodic("test.daily"), registry.periodic("test.monthly")
    assert scheduler.describe_schedule(daily) == "每天 02:00"
    assert scheduler.describe_schedule(monthly) == "每月5日 03:00"
    assert scheduler.next_run_after(daily, at("2027-12-31T08:00")) == at("2028-01-01T02:00")
    assert scheduler.next_run_after(monthly, at("2027-12-06T08:00")) == at("2028-01-05T03:00")
    assert scheduler.next_run_after(monthly, at("2027-12-04T08:00")) == at("2027-12-05T03:00")


def test_the_admin_page_lists_last_and_next_run_and_runs_now(client, calls, township_a):
    admin = StaffFactory(unit=township_a, roles=["admin"])
    clerk = StaffFactory(unit=township_a, roles=["clerk"])
    scheduler.tick(at("2027-03-05T04:00"))
    client.force_login(clerk)
    assert client.get(reverse("jobs:periodic")).status_code == 403
    assert client.post(reverse("jobs:periodic_run_now", args=["test.daily"])).status_code == 403
    client.force_login(admin)
    page = client.get(reverse("jobs:periodic")).content.decode()
    assert "测试日任务" in page and "每天 02:00" in page and "处理：1" in page and "下次运行" in page
    response = client.post(reverse("jobs:periodic_run_now", args=["test.daily"]))
    assert response.status_code == 302
    assert len(calls["daily"]) == 2
    history = client.get(reverse("jobs:periodic_runs", args=["test.daily"])).content.decode()
    assert "手动" in history and "按时" in history


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections ticking at once: PostgreSQL only")
def test_two_threads_ticking_at_the_same_moment_run_once(calls):
    barrier = threading.Barrier(2)
    now = at("2027-03-05T04:00")

    def worker():
        from django.db import connection as own

        barrier.wait()
        scheduler.tick(now)
        own.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert calls == {"daily": [date(2027, 3, 5)], "monthly": [date(2027, 3, 5)]}


def test_a_scheduler_that_loses_the_insert_race_goes_on(calls, monkeypatch):
    """Both schedulers saw no row; the second insert hits the unique constraint and queues nothing."""
    now = at("2027-03-05T04:00")
    PeriodicRun.objects.create(key="test.daily", period=date(2027, 3, 5), queued_at=now)
    monkeypatch.setattr("django.db.models.query.QuerySet.exists", lambda self: False)
    assert scheduler._claim(registry.periodic("test.daily"), date(2027, 3, 5), now) is None
    assert PeriodicRun.objects.filter(key="test.daily").count() == 1


def test_a_fresh_worker_process_knows_every_loop():
    """The worker runs what the apps register in ready(): the loops issue 18 names are all there."""
    import json
    import subprocess
    import sys

    from django.conf import settings

    script = (
        "import django, json; django.setup(); "
        "from jobs.periodic import registered; print(json.dumps([p.key for p in registered()]))"
    )
    env = {"PATH": "/usr/bin:/bin", "MINZHENG_DEBUG": "1", "DJANGO_SETTINGS_MODULE": "minzheng.settings"}
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    keys = set(json.loads(result.stdout.strip().splitlines()[-1]))
    assert {
        "cases.supervise_overdue",
        "ledger.open_due_reviews",
        "monitoring.refresh",
        "payments.draft_monthly_rolls",
        "assistance.end_notices",
        "cases.check_calendar",
    } <= keys
