"""Background jobs of verification, each reporting progress (jobs.services)."""

from django.utils import timezone

from areas.jurisdiction import Scope, within
from jobs.services import JobRun, job_function
from verification.hooks import run_after_sweep
from verification.loading import load_batch
from verification.models import Batch, Sweep
from verification.sweeps import county_progress, open_engine, run_sweep, sweep_areas
from verification.work import open_work


def _user(run: JobRun):
    return run.job.created_by


def sweep_and_open(*, on_date, batch=None, user=None, progress=None, engine=None) -> dict:
    """Per county of the current scope (sweeps.sweep_areas): sweep (findings written), then open work
    for the new findings, then the signals of the lines registered to run after a sweep (low-income
    monitoring). Counts are summed over the counties; `sweeps` lists each county's sweep. `engine`
    as run_sweep's (default settings.SWEEP_ENGINE; a new batch's sweep, which reads that batch only,
    stays in the database): one snapshot for every county of the run."""
    result: dict = {"sweeps": [], "counts": {}, "work_opened": 0}
    areas = sweep_areas()
    with open_engine(engine or ("database" if batch else None)) as running:
        for n, prefix in enumerate(areas):
            with within(Scope(prefix=prefix)):
                (sweep,) = run_sweep(
                    on_date=on_date,
                    kind=Sweep.Kind.BATCH if batch else Sweep.Kind.MONTHLY,
                    batch=batch,
                    user=user,
                    progress=county_progress(progress, n, len(areas)),
                    engine=running or "database",
                )
                opened = open_work(on_date=on_date, sweep=sweep, progress=county_progress(progress, n, len(areas)))
                Sweep.objects.filter(pk=sweep.pk).update(work_opened=opened)
                after = run_after_sweep(on_date, batch.pk if batch else None)
            result["sweeps"].append(sweep.pk)
            result["work_opened"] += opened
            _add(result["counts"], sweep.counts)
            for name, counts in after.items():
                _add(result.setdefault(name, {}), counts)
    return result


def _add(total: dict[str, int], counts: dict[str, int]) -> None:
    for key, value in counts.items():
        total[key] = total.get(key, 0) + value


@job_function("verification.load_batch")
def load_batch_job(run: JobRun) -> dict:
    batch = Batch.unscoped.get(pk=run.params["batch_id"])

    def progress(done, message):
        run.progress(done, None, message)

    run.progress(0, 3, "校验中")
    batch = load_batch(batch, progress=progress)
    if batch.status != Batch.Status.LOADED:
        run.log(f"校验未通过：{batch.error_count}行有错误，整批未入库")
        return {"status": batch.status, "errors": batch.error_count}
    run.progress(1, 3, f"已入库{batch.row_count}行，开始比对")
    result = sweep_and_open(on_date=timezone.localdate(), batch=batch, user=_user(run))
    run.progress(3, 3, f"比对完成：转办{result['work_opened']}条")
    return {"status": batch.status, "rows": batch.row_count, **result}


@job_function("verification.sweep")
def sweep_job(run: JobRun) -> dict:
    def progress(done, total, message):
        run.progress(done, total + 2, message)

    result = sweep_and_open(on_date=timezone.localdate(), user=_user(run), progress=progress)
    run.log(f"新增发现：{result['counts']}；转办{result['work_opened']}条")
    return result
