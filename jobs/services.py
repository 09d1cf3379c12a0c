"""Starting background jobs and reporting their progress.

A job function takes a `JobRun` and does its work inside the job's jurisdiction and as the
user who started it; it calls `run.progress(...)` as it goes and returns a result dict.
Register it with `@job_function("kind")`. Tasks take the job's id, never objects.
"""

import logging
import traceback
from collections.abc import Callable

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from areas.jurisdiction import Scope, system_scope, within
from audit.context import SYSTEM_ACTOR, Actor, acting_as
from jobs.models import Job

logger = logging.getLogger(__name__)
_FUNCTIONS: dict[str, Callable[["JobRun"], dict]] = {}


def job_function(kind: str):
    def register(func: Callable[["JobRun"], dict]):
        _FUNCTIONS[kind] = func
        return func

    return register


class JobRun:
    """What a running job function sees: its parameters and a way to report progress."""

    def __init__(self, job: Job):
        self.job = job
        self.params = job.params

    def progress(self, done: int, total: int | None = None, message: str = "") -> None:
        updates = {"progress_done": done}
        if total is not None:
            updates["progress_total"] = total
        if message:
            updates["message"] = message[:500]
        Job.unscoped.filter(pk=self.job.pk).update(**updates)

    def log(self, line: str) -> None:
        self.job.log.append({"at": timezone.now().isoformat(timespec="seconds"), "line": line})
        Job.unscoped.filter(pk=self.job.pk).update(log=self.job.log)


def start_job(kind: str, title: str, *, user, area_code: str, params: dict | None = None) -> Job:
    """Record a job and queue it once the surrounding transaction commits."""
    if kind not in _FUNCTIONS:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job.unscoped.create(kind=kind, title=title, params=params or {}, created_by=user, area_code=area_code)
    transaction.on_commit(lambda: run_job.enqueue(job.pk))
    return job


@task()
def run_job(job_id: int) -> None:
    with system_scope():
        claimed = Job.unscoped.filter(pk=job_id, status=Job.Status.QUEUED).update(
            status=Job.Status.RUNNING, started_at=timezone.now()
        )
        if not claimed:  # another worker has it, or it already ran
            return
        job = Job.unscoped.select_related("created_by__unit").get(pk=job_id)
    actor = _actor_of(job)
    run = JobRun(job)
    try:
        with within(Scope(prefix=_prefix(job.area_code))), acting_as(actor):
            result = _FUNCTIONS[job.kind](run)
    except Exception as exc:
        logger.exception("job %s failed", job_id)
        run.log(traceback.format_exc(limit=5))
        Job.unscoped.filter(pk=job_id).update(
            status=Job.Status.FAILED, finished_at=timezone.now(), message=str(exc)[:500]
        )
        return
    Job.unscoped.filter(pk=job_id).update(
        status=Job.Status.SUCCEEDED,
        finished_at=timezone.now(),
        result=result or {},
        progress_done=F("progress_total"),
    )


def _prefix(area_code: str) -> str:
    from areas.codes import prefix_of

    return prefix_of(area_code) if area_code else ""


def _actor_of(job: Job) -> Actor:
    user = job.created_by
    if user is None:
        return SYSTEM_ACTOR
    unit = user.unit.name if user.unit_id else ""
    return Actor(user_id=user.pk, username=user.username, unit_name=unit, ip="", area_code=user.area_code)
