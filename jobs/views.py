from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from audit.models import AuditEntry
from audit.services import record
from jobs import scheduler
from jobs.capabilities import MANAGE_PERIODIC_WORK
from jobs.models import Job, PeriodicRun
from jobs.periodic import periodic, registered, result_label


@login_required
def job_list(request):
    jobs = Job.objects.select_related("created_by")[:100]
    return render(request, "jobs/list.html", {"jobs": jobs})


@login_required
def job_detail(request, pk: int):
    job = get_object_or_404(Job, pk=pk)
    template = "jobs/_progress.html" if request.htmx else "jobs/detail.html"
    return render(request, template, {"job": job})


def _require_manager(user) -> None:
    if not user.can(MANAGE_PERIODIC_WORK):
        raise PermissionDenied("无权管理定时任务")


def _result_text(result) -> str:
    """A run's result as a clerk reads it: 「新立复核案件：3；到期未复核：12」."""
    if isinstance(result, dict):
        return "；".join(f"{result_label(key)}：{_result_text(value)}" for key, value in result.items()) or "—"
    if isinstance(result, list | tuple):
        return "、".join(_result_text(v) for v in result) or "无"
    return result_label(result) if isinstance(result, str) else str(result)


@login_required
def periodic_list(request):
    _require_manager(request.user)
    rows = scheduler.overview()
    for row in rows:
        row.result_text = _result_text(row.last.result) if row.last and row.last.result else ""
    return render(request, "jobs/periodic.html", {"rows": rows})


@login_required
def periodic_runs(request, key: str):
    _require_manager(request.user)
    if key not in {w.key for w in registered()}:
        raise PermissionDenied("没有这项定时任务")
    runs = list(PeriodicRun.objects.filter(key=key).select_related("started_by")[:60])
    for run in runs:
        run.result_text = _result_text(run.result) if run.result else ""
    return render(request, "jobs/periodic_runs.html", {"work": periodic(key), "runs": runs})


@login_required
@require_POST
def periodic_run_now(request, key: str):
    _require_manager(request.user)
    if key not in {w.key for w in registered()}:
        messages.error(request, "没有这项定时任务")
        return redirect("jobs:periodic")
    run = scheduler.run_now(key, user=request.user)
    record(
        AuditEntry.Action.CREATE,
        obj=run,
        object_repr=f"立即运行定时任务：{periodic(key).label}",
        changes={"period": run.period.isoformat()},
    )
    messages.success(request, f"已提交“{periodic(key).label}”立即运行，稍后刷新查看结果")
    return redirect("jobs:periodic")


def job_download(request, pk: int):
    """A job's result file, for the person who started it (files are not served as public media)."""
    job = get_object_or_404(Job, pk=pk)
    if job.created_by_id != request.user.pk and not request.user.is_superuser:
        raise PermissionDenied("只有发起人可以下载导出文件")
    if not job.result_file:
        raise Http404("没有结果文件")
    name = job.result_file.name.rsplit("/", 1)[-1]
    return FileResponse(job.result_file.open("rb"), as_attachment=True, filename=name)
