"""The daily deadline job (background task with progress): lights, automatic 督办, escalation."""

from datetime import date

from django.utils import timezone

from cases.supervision import recompute_deadlines
from jobs.services import job_function


@job_function("cases.recompute_deadlines")
def recompute_deadlines_job(run) -> dict:
    on_date = date.fromisoformat(run.params["on_date"]) if run.params.get("on_date") else timezone.localdate()
    return recompute_deadlines(on_date, progress=run.progress)
