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
from registry import hooks
from registry.importing.columns import IGNORE, mapping_choices, normalise_header
from registry.importing.jobs import (
    KIND,
    MODE_ALL,
    MODE_TAKEON,
    MODE_TAKEON_CHECK,
    MODE_VALID_ONLY,
    start_import,
    store_upload,
)
from registry.importing.template import template_workbook
from registry.models import ImportPreset

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
ALLOWED_SUFFIXES = {"xlsx", "xls", "csv"}


class UploadForm(forms.Form):
    file = forms.FileField(label="台账文件", help_text="Excel（.xlsx/.xls）或CSV；本系统模板或原有花名册均可")
    programme = forms.ChoiceField(
        label="导入内容",
        required=False,
        help_text="选择救助项目时，花名册中的保障金额、起始月、收款人一并导入保障对象台账（先检查、确认后写入）",
    )
    preset = forms.ModelChoiceField(label="列对应方案", queryset=None, required=False, empty_label="自动识别列名")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        take_on = hooks.take_on()
        choices = [("", "仅导入家庭户和人员")]
        if take_on is not None and user is not None and user.can(Capability.TAKE_ON_RECIPIENTS):
            choices += [(code, f"存量保障对象：{label}") for code, label in take_on.programmes.items()]
        self.fields["programme"].choices = choices
        if user is not None:
            self.fields["preset"].queryset = unit_presets(user)

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


def unit_presets(user):
    """The column mappings the user's own unit saved."""
    return ImportPreset.objects.filter(area_code=user.area_code)


@can_import
def import_home(request):
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        programme = form.cleaned_data["programme"]
        preset = form.cleaned_data["preset"]
        job = start_import(
            user=request.user,
            stored_path=store_upload(upload),
            filename=upload.name,
            mode=MODE_TAKEON_CHECK if programme else MODE_ALL,
            programme=programme,
            mapping=preset.mapping if preset else None,
        )
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
        "open": _open_step(request, job),
        "programme_label": _programme_label(job.params.get("programme", "")),
    }
    if context["open"] and result.get("status") == "needs_mapping":
        context["mapping_rows"] = _mapping_rows(request.user, result.get("columns", []))
        context["field_choices"] = mapping_choices()
    return render(request, "registry/importing/detail.html", context)


def _programme_label(programme: str) -> str:
    take_on = hooks.take_on()
    return take_on.programmes.get(programme, "") if take_on and programme else ""


def _open_step(request, job: Job) -> bool:
    """Whether the job waits for its starter's next step (a mapping or a confirmation)."""
    result = job.result or {}
    return (
        job.status == Job.Status.SUCCEEDED
        and result.get("status") in ("needs_mapping", "ready")
        and not result.get("followed_by")
        and not result.get("cancelled")
        and job.created_by_id == request.user.pk
    )


def _mapping_rows(user, columns: list[dict]) -> list[dict]:
    """Each file column with the field it will be read as: the file's own known name, else what a
    preset of the unit said for that header (the latest first)."""
    remembered: dict[str, str] = {}
    for preset in unit_presets(user).order_by("updated_at"):
        remembered |= preset.mapping
    rows = []
    for column in columns:
        key = column["key"]
        if column["unknown"] and column["name"] in remembered:
            key = remembered[column["name"]]
        rows.append(column | {"chosen": key})
    return rows


def _next_step(request, pk: int) -> Job:
    job = get_object_or_404(_imports(), pk=pk)
    if not _open_step(request, job):
        if job.created_by_id != request.user.pk:
            raise PermissionDenied("只有上传该文件的人可以继续这次导入")
        raise Http404
    return job


@require_POST
@can_import
def import_mapping(request, pk: int):
    """The mapping step: each file column → a field or 忽略; optionally remembered as the unit's preset."""
    job = _next_step(request, pk)
    known = {key for key, _label in mapping_choices()}
    mapping: dict[str, str] = {}
    chosen: dict[str, str] = {}
    for column in job.result.get("columns", []):
        key = request.POST.get(f"col_{column['position']}", column["key"])
        if key not in known:
            key = IGNORE
        if key and key in chosen:
            messages.error(request, f"“{column['header']}”和“{chosen[key]}”不能对应同一字段，请重新选择")
            return redirect("registry:registry_import:detail", job.pk)
        if key:
            chosen[key] = column["header"]
        mapping[normalise_header(column["header"])] = key
    name = request.POST.get("preset_name", "").strip()[:50]
    if name:
        ImportPreset.objects.update_or_create(
            area_code=request.user.area_code,
            name=name,
            defaults={"mapping": mapping, "created_by": request.user},
        )
    follow = start_import(
        user=request.user,
        stored_path=job.params["path"],
        filename=job.params["filename"],
        mode=job.params.get("mode", MODE_ALL),
        source_job=job,
        mapping=mapping,
        programme=job.params.get("programme", ""),
    )
    if not _mark(job, followed_by=follow.pk):
        follow.delete()
        return redirect("registry:registry_import:detail", job.pk)
    return redirect("registry:registry_import:detail", follow.pk)


@require_POST
@can_import
def import_confirm(request, pk: int):
    """The clerk has read the summary: write households, persons and enrolments (all or nothing)."""
    if not request.user.can(Capability.TAKE_ON_RECIPIENTS):
        raise PermissionDenied("无权导入存量保障对象")
    job = _next_step(request, pk)
    if job.result.get("status") != "ready" or job.params.get("mode") != MODE_TAKEON_CHECK:
        raise Http404
    follow = start_import(
        user=request.user,
        stored_path=job.params["path"],
        filename=job.params["filename"],
        mode=MODE_TAKEON,
        source_job=job,
        mapping=job.params.get("mapping"),
        programme=job.params.get("programme", ""),
    )
    if not _mark(job, followed_by=follow.pk):
        follow.delete()
        return redirect("registry:registry_import:detail", job.pk)
    return redirect("registry:registry_import:detail", follow.pk)


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
        mapping=job.params.get("mapping"),
    )
    if not _mark(job, followed_by=follow.pk):
        follow.delete()
        return redirect("registry:registry_import:detail", job.pk)
    return redirect("registry:registry_import:detail", follow.pk)


@require_POST
@can_import
def import_cancel(request, pk: int):
    job = get_object_or_404(_imports(), pk=pk)
    if not _open_step(request, job):
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
