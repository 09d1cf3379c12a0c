"""Large exports as background jobs: a list of a whole county (100,000 households) takes longer
than a request may (gunicorn ends it at 30 s), so past `BACKGROUND_ROWS` rows the export is written
by the worker, with progress on the job's page and a download link when done.

An app registers a builder under a name: `builder(params, user) -> (headers, rows, count)`, rows an
iterable of lists; params are what the list page was asked with (its GET query), so the worker
builds the same queryset in the user's own jurisdiction (jobs run within it).
"""

from collections.abc import Callable, Iterable

from django.core.files import File
from django.shortcuts import redirect

from core.excel import write_xlsx, xlsx_response
from core.replica import reads_from_replica
from jobs.models import Job
from jobs.services import JobRun, job_function, start_job

KIND = "jobs.export"
BACKGROUND_ROWS = 20_000  # more rows than a request writes within its time (about 10 s on one core)
PROGRESS_EVERY = 5_000

Builder = Callable[[dict, object], tuple[list[str], Iterable, int]]
_BUILDERS: dict[str, tuple[str, Builder]] = {}


def register_export(name: str, title: str, builder: Builder) -> None:
    _BUILDERS[name] = (title, builder)


def export_response(request, name: str, params: dict | None = None):
    """The list as .xlsx now, or past BACKGROUND_ROWS a background job (the browser goes to its page)."""
    title, builder = _BUILDERS[name]
    params = dict(params if params is not None else request.GET.items())
    params.pop("export", None)
    headers, rows, count = builder(params, request.user)
    if count <= BACKGROUND_ROWS:
        return xlsx_response(title, headers, rows, title)
    job = start_job(
        KIND,
        f"导出{title}（{count}行）",
        user=request.user,
        area_code=request.user.area_code,
        params={"export": name, "params": params, "count": count},
    )
    return redirect("jobs:detail", job.pk)


def _counted(rows: Iterable, run: JobRun, total: int):
    for done, row in enumerate(rows, start=1):
        if done % PROGRESS_EVERY == 0:
            run.progress(done, total, f"已写入{done}行")
        yield row


@job_function(KIND)
def run_export(run: JobRun) -> dict:
    name, params = run.params["export"], run.params["params"]
    title, builder = _BUILDERS[name]
    # The rows are read from the replica when there is one (core/replica.py); the job's own record stays on the primary.
    with reads_from_replica():
        headers, rows, count = builder(params, run.job.created_by)
        run.progress(0, count, "正在写入Excel……")
        output = write_xlsx(headers, _counted(rows, run, count), title)
    job = Job.unscoped.get(pk=run.job.pk)
    job.result_file.save(f"{title}_{job.pk}.xlsx", File(output), save=True)
    output.close()
    run.progress(count, count, f"已完成，共{count}行")
    return {"rows": count}
