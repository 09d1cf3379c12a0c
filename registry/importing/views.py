"""Pages: upload and history, the template download, an import's progress and preview, the choice
to import only the households without errors (or cancel), and the error workbook download.

Every page reads jobs through `Job.objects`, so the history and each import are scoped to the
user's jurisdiction like everything else.
"""

from functools import wraps
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.roles import Capability
from areas.jurisdiction import current_scope
from areas.models import Area
from audit.models import AuditEntry
from audit.services import record
from core.excel import XLSX_CONTENT_TYPE
from jobs.models import Job
from registry.importing.jobs import KIND, MODE_ALL, MODE_VALID_ONLY, start_import, store_upload
from registry.importing.template import template_workbook

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
ALLOWED_SUFFIXES = {"xlsx", "xls", "csv"}


class UploadForm(forms.Form):
    file = forms.FileField(label="台账文件", help_text="Excel（.xlsx/.xls）或CSV；本系统模板或原有花名册均可")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        if suffix not in ALLOWED_SUFFIXES:
            raise forms.ValidationError("只接受 .xlsx、.xls 或 .csv 文件")
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(f"文件过大：不能超过{MAX_UPLOAD_BYTES // 1024 // 1024}MB")
        return upload


def can_import(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.can(Capability.ACCEPT_APPLICATIONS):
            raise PermissionDenied("无权导入台账")
        return view(request, *args, **kwargs)

    return login_required(wrapped)


def _imports():
    return Job.objects.filter(kind=KIND).select_related("created_by")


@can_import
def import_home(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = start_import(user=request.user, stored_path=store_upload(upload), filename=upload.name)
        return redirect("registry:registry_import:detail", job.pk)
    return render(request, "registry/importing/home.html", {"form": form, "jobs": _imports()[:100]})


@can_import
def template_download(request):
    scope = current_scope()
    villages = (
        Area.objects.current().filter(level__in=["village"], code__startswith=scope.prefix).order_by("code")
        if scope.prefix
        else Area.objects.none()
    )
    names = list(dict.fromkeys(villages.values_list("name", flat=True)[:2000]))
    name = f"家庭户台账导入模板_{timezone.localdate():%Y%m%d}.xlsx"
    response = FileResponse(template_workbook(names), content_type=XLSX_CONTENT_TYPE, as_attachment=True, filename=name)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@can_import
def import_detail(request, pk: int):
    job = get_object_or_404(_imports(), pk=pk)
    result = job.result or {}
    followed = (
        Job.objects.filter(kind=KIND, pk=result.get("followed_by")).first() if result.get("followed_by") else None
    )
    context = {
        "job": job,
        "result": result,
        "followed": followed,
        "can_choose": (
            job.status == Job.Status.SUCCEEDED
            and result.get("status") == "has_errors"
            and job.params.get("mode") == MODE_ALL
            and not result.get("followed_by")
            and not result.get("cancelled")
        ),
        "good_households": result.get("households", 0) - result.get("bad_households", 0),
        "good_persons": result.get("persons", 0) - result.get("bad_persons", 0),
    }
    return render(request, "registry/importing/detail.html", context)


def _choosable(request, pk: int) -> Job:
    job = get_object_or_404(_imports(), pk=pk)
    result = job.result or {}
    if job.status != Job.Status.SUCCEEDED or result.get("status") != "has_errors" or job.params.get("mode") != MODE_ALL:
        raise Http404
    if job.created_by_id != request.user.pk:
        raise PermissionDenied("只有上传该文件的人可以决定是否导入")
    return job


def _mark(job: Job, **changes) -> bool:
    """Record the user's choice once: a conditional update, so a double click starts nothing twice."""
    result = dict(job.result)
    result.update(changes)
    return bool(
        Job.objects.filter(pk=job.pk, result__followed_by__isnull=True, result__cancelled__isnull=True).update(
            result=result
        )
    )


@require_POST
@can_import
def import_valid_only(request, pk: int):
    job = _choosable(request, pk)
    if job.result.get("followed_by") or job.result.get("cancelled"):
        return redirect("registry:registry_import:detail", job.pk)
    follow = start_import(
        user=request.user,
        stored_path=job.params["path"],
        filename=job.params["filename"],
        mode=MODE_VALID_ONLY,
        source_job=job,
    )
    if not _mark(job, followed_by=follow.pk):
        follow.delete()
        return redirect("registry:registry_import:detail", job.pk)
    return redirect("registry:registry_import:detail", follow.pk)


@require_POST
@can_import
def import_cancel(request, pk: int):
    job = _choosable(request, pk)
    if _mark(job, cancelled=True):
        default_storage.delete(job.params["path"])
        messages.info(request, "已取消本次导入，没有写入任何数据")
    return redirect("registry:registry_import:home")


@can_import
def error_download(request, pk: int):
    job = get_object_or_404(_imports(), pk=pk)
    path = (job.result or {}).get("error_file")
    if not path or not default_storage.exists(path):
        raise Http404("没有错误清单")
    record(
        AuditEntry.Action.EXPORT,
        object_type="registry.import",
        object_id=str(job.pk),
        object_repr=f"下载导入错误清单：{job.params.get('filename', '')}"[:200],
        area_code=job.area_code,
    )
    stem = job.params.get("filename", "台账").rsplit(".", 1)[0]
    name = f"{stem}_错误清单.xlsx"
    response = FileResponse(default_storage.open(path, "rb"), content_type=XLSX_CONTENT_TYPE, as_attachment=True)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
