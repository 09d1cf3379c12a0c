"""The scheduler (定时任务调度): runs the registry of jobs.periodic once per period.

`tick(now)` looks at every registered periodic work: when the run time of its latest period has
passed and that period has no scheduled run yet, it inserts the run's row — the row is the claim,
unique per (key, period), so two schedulers ticking at the same moment (two workers, two machines)
queue it once — and enqueues `run_periodic` on the task queue, which `manage.py db_worker` runs.
The task claims the row again (queued → running) so a task delivered twice runs once.

A failed period is retried by a later tick (at most MAX_ATTEMPTS times, RETRY_AFTER apart); a run
left queued or running for STALE_AFTER (a worker killed mid-run) is queued again. Missed periods
are not replayed one by one: after a stop the latest period runs, and every registered work takes
the day it runs for, so it catches up by itself (a review due last week is still due today).

`manage.py run_scheduler` ticks every 30 seconds; `make run` starts it beside the task worker.
"""

import logging
import traceback
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django_tasks import task

from areas.jurisdiction import system_scope
from audit.context import SYSTEM_ACTOR, acting_as
from jobs.models import PeriodicRun
from jobs.periodic import Every, Periodic, periodic, registered

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
RETRY_AFTER = timedelta(minutes=15)
STALE_AFTER = timedelta(hours=6)

Status = PeriodicRun.Status
Trigger = PeriodicRun.Trigger


# ------------------------------------------------------------------ periods


def _previous_month(day: date) -> date:
    return date(day.year - 1, 12, day.day) if day.month == 1 else date(day.year, day.month - 1, day.day)


def _next_month(day: date) -> date:
    return date(day.year + 1, 1, day.day) if day.month == 12 else date(day.year, day.month + 1, day.day)


def run_time(work: Periodic, period: date) -> datetime:
    """When the run of `period` is due (aware, in the local time zone)."""
    return timezone.make_aware(datetime.combine(period, work.at))


def latest_period(work: Periodic, now: datetime) -> date:
    """The latest period whose run time is not after `now`."""
    local = timezone.localtime(now)
    if work.every == Every.DAILY:
        day = local.date()
        return day if local.time() >= work.at else day - timedelta(days=1)
    candidate = date(local.year, local.month, work.day_of_month)
    return candidate if run_time(work, candidate) <= now else _previous_month(candidate)


def next_period(work: Periodic, period: date) -> date:
    return period + timedelta(days=1) if work.every == Every.DAILY else _next_month(period)


def next_run_after(work: Periodic, now: datetime) -> datetime:
    return run_time(work, next_period(work, latest_period(work, now)))


def describe_schedule(work: Periodic) -> str:
    """每天 02:30 / 每月1日 03:00"""
    if work.every == Every.DAILY:
        return f"每天 {work.at:%H:%M}"
    return f"每月{work.day_of_month}日 {work.at:%H:%M}"


# ------------------------------------------------------------------ claiming and running


def _claim(work: Periodic, period: date, now: datetime) -> PeriodicRun | None:
    """The scheduled run of this period, queued by this caller; None when someone else has it."""
    this_period = PeriodicRun.objects.filter(key=work.key, period=period, trigger=Trigger.SCHEDULE)
    if not this_period.exists():  # usually it does: ask before inserting, not by a failed insert every tick
        try:
            with transaction.atomic():
                return PeriodicRun.objects.create(key=work.key, period=period, trigger=Trigger.SCHEDULE, queued_at=now)
        except IntegrityError:  # another scheduler inserted it a moment ago
            return None
    run = this_period.filter(
        Q(status=Status.FAILED, attempts__lt=MAX_ATTEMPTS, queued_at__lte=now - RETRY_AFTER)
        | Q(status__in=[Status.QUEUED, Status.RUNNING], queued_at__lte=now - STALE_AFTER)
    ).first()
    if run is None:
        return None
    # The conditional update is the claim: of two schedulers retrying at once, one changes the row.
    claimed = PeriodicRun.objects.filter(pk=run.pk, status=run.status, attempts=run.attempts).update(
        status=Status.QUEUED, attempts=F("attempts") + 1, queued_at=now, error=""
    )
    return PeriodicRun.objects.get(pk=run.pk) if claimed else None


def tick(now: datetime | None = None) -> list[PeriodicRun]:
    """Queue every periodic work whose period is due and not yet run; returns the runs queued."""
    now = now or timezone.now()
    queued = []
    for work in registered():
        run = _claim(work, latest_period(work, now), now)
        if run is not None:
            transaction.on_commit(lambda pk=run.pk: run_periodic.enqueue(pk))
            queued.append(run)
    return queued


def run_now(key: str, *, user=None, now: datetime | None = None) -> PeriodicRun:
    """立即运行: a manual run for today's period, beside (never instead of) the scheduled one."""
    work = periodic(key)
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    if work.every == Every.DAILY:
        period = today
    else:
        period = date(today.year, today.month, work.day_of_month)
        period = period if period <= today else _previous_month(period)
    run = PeriodicRun.objects.create(key=key, period=period, trigger=Trigger.MANUAL, started_by=user, queued_at=now)
    transaction.on_commit(lambda: run_periodic.enqueue(run.pk))
    return run


@task()
def run_periodic(run_id: int) -> None:
    """Run one claimed period (the task worker calls this): under the system actor and scope."""
    claimed = PeriodicRun.objects.filter(pk=run_id, status=Status.QUEUED).update(
        status=Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:  # a second delivery of the same task, or already done
        return
    run = PeriodicRun.objects.get(pk=run_id)
    try:
        work = periodic(run.key)
        with system_scope(), acting_as(SYSTEM_ACTOR):
            result = work.run(run.period) or {}
    except Exception as exc:
        logger.exception("periodic work %s for %s failed", run.key, run.period)
        PeriodicRun.objects.filter(pk=run_id).update(
            status=Status.FAILED,
            finished_at=timezone.now(),
            error=f"{exc}\n\n{traceback.format_exc(limit=8)}"[:5000],
        )
        return
    PeriodicRun.objects.filter(pk=run_id).update(
        status=Status.SUCCEEDED, finished_at=timezone.now(), result=_plain(result)
    )


def _plain(value):
    """A result a JSON field keeps (dates as ISO text)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    if isinstance(value, int | float | str | bool) or value is None:
        return value
    return str(value)


# ------------------------------------------------------------------ the overview page


@dataclass
class PeriodicStatus:
    work: Periodic
    schedule: str
    last: PeriodicRun | None
    next_run: datetime
    failures: int  # failed runs in the last 30 days
    last_failure: PeriodicRun | None


def overview(now: datetime | None = None) -> list[PeriodicStatus]:
    now = now or timezone.now()
    works = registered()
    keys = [w.key for w in works]
    since = now - timedelta(days=30)
    failures = dict(
        PeriodicRun.objects.filter(key__in=keys, status=Status.FAILED, queued_at__gte=since)
        .values("key")
        .annotate(n=Count("id"))
        .values_list("key", "n")
    )
    out = []
    for work in sorted(works, key=lambda w: (w.every == Every.MONTHLY, w.at, w.key)):
        runs = PeriodicRun.objects.filter(key=work.key).select_related("started_by")
        out.append(
            PeriodicStatus(
                work=work,
                schedule=describe_schedule(work),
                last=runs.order_by("-queued_at", "-id").first(),
                next_run=next_run_after(work, now),
                failures=failures.get(work.key, 0),
                last_failure=runs.filter(status=Status.FAILED).order_by("-id").first(),
            )
        )
    return out
