"""Screens: department batches (upload, validation report), findings (filter, export, open work,
resolve), sweeps, verification reports (screen, PDF, 复查)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.roles import Capability
from audit.models import AuditEntry
from audit.services import record
from cases.models import Case
from core.errors import DomainError
from core.excel import xlsx_response
from core.masking import mask_id_number
from jobs.services import start_job
from registry.models import Household
from verification import report as reports
from verification.loading import receive_batch
from verification.models import Batch, Finding, ReportLine, VerificationReport
from verification.pdf import report_pdf as build_pdf
from verification.sources import SOURCE_CHOICES, SOURCES
from verification.work import open_work_for, resolve_finding


def can_manage_data(user) -> bool:
    """County staff who receive department data and run sweeps (approvers, auditors; superusers)."""
    return user.can(Capability.MANAGE_DEPARTMENT_DATA)


def can_verify(user) -> bool:
    return any(user.can(c) for c in (Capability.ACCEPT_APPLICATIONS, Capability.REVIEW, Capability.APPROVE))


def _require(ok: bool) -> None:
    if not ok:
        raise PermissionDenied


class UploadForm(forms.Form):
    source = forms.ChoiceField(label="数据源", choices=SOURCE_CHOICES)
    file = forms.FileField(label="数据文件（CSV / xlsx / Parquet）")
    provider = forms.CharField(label="提供单位及经办人", max_length=100)
    data_as_of = forms.DateField(label="数据截止日期", widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label="备注", max_length=200, required=False)


@login_required
def batch_list(request):
    batches = Batch.objects.select_related("uploaded_by").order_by("-id")
    if request.GET.get("export") == "xlsx":
        rows = (
            [
                b.get_source_display(),
                b.version,
                b.file_name,
                b.provider,
                b.data_as_of,
                b.uploaded_at,
                b.get_status_display(),
                b.row_count,
                b.error_count,
                b.sha256,
            ]
            for b in batches.iterator()
        )
        headers = ["数据源", "批次", "文件名", "提供单位", "数据截止", "上传时间", "状态", "行数", "错误行", "SHA-256"]
        return xlsx_response("部门数据批次", headers, rows, "批次")
    page = Paginator(batches, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "verification/batch_list.html",
        {"page": page, "sources": SOURCES.values(), "can_manage": can_manage_data(request.user), "form": UploadForm()},
    )


@login_required
@require_POST
def batch_upload(request):
    _require(can_manage_data(request.user))
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "上传信息不完整：" + "；".join(e for errs in form.errors.values() for e in errs))
        return redirect("verification:batch_list")
    data = form.cleaned_data
    try:
        batch = receive_batch(
            user=request.user,
            source=data["source"],
            upload=data["file"],
            provider=data["provider"],
            data_as_of=data["data_as_of"],
            note=data["note"],
            area_code=request.user.unit.area_code if request.user.unit_id else "",
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("verification:batch_list")
    messages.success(request, f"{batch} 已上传，正在后台校验入库")
    return redirect("verification:batch_detail", batch.pk)


@login_required
def batch_detail(request, pk: int):
    batch = get_object_or_404(Batch.objects.select_related("job", "uploaded_by"), pk=pk)
    if request.GET.get("export") == "xlsx":
        rows = ([e["row"], e["column"], e["code"], e["message"]] for e in batch.errors)
        return xlsx_response(
            f"校验错误_{batch.source}_{batch.version}", ["行号", "列", "错误代码", "说明"], rows, "错误"
        )
    findings = Finding.objects.filter(batch=batch).count()
    return render(
        request,
        "verification/batch_detail.html",
        {"batch": batch, "source": SOURCES[batch.source], "findings": findings},
    )


class FindingFilter(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=[("", "全部类型"), *Finding.Kind.choices], required=False)
    status = forms.ChoiceField(label="状态", choices=[("", "全部状态"), *Finding.Status.choices], required=False)


@login_required
def finding_list(request):
    form = FindingFilter(request.GET or None)
    findings = Finding.objects.select_related("household", "person", "case", "batch").order_by("-id")
    if form.is_valid():
        if form.cleaned_data["kind"]:
            findings = findings.filter(kind=form.cleaned_data["kind"])
        if form.cleaned_data["status"]:
            findings = findings.filter(status=form.cleaned_data["status"])
    if request.GET.get("export") == "xlsx":
        record(AuditEntry.Action.EXPORT, object_type="verification.finding", object_repr="比对发现")
        rows = (
            [
                f.get_kind_display(),
                f.household.number if f.household_id else "",
                f.person.name if f.person_id else "",
                mask_id_number(f.person.id_number) if f.person_id else "",
                f.event_date or "",
                f.amount if f.kind != Finding.Kind.DEPOSIT else "",
                f.detail,
                f.due_on or "",
                f.get_status_display(),
                f.case.receipt_no if f.case_id else "",
                f.work_note,
                f.area_code,
            ]
            for f in findings.iterator(chunk_size=2000)
        )
        headers = [
            "类型",
            "户编号",
            "姓名",
            "身份证号",
            "事件日期",
            "金额",
            "说明",
            "处理期限",
            "状态",
            "办件",
            "转办说明",
            "区划",
        ]
        return xlsx_response("比对发现", headers, rows, "比对发现")
    page = Paginator(findings, 50).get_page(request.GET.get("page"))
    for finding in page:
        finding.masked_id = mask_id_number(finding.person.id_number) if finding.person_id else ""
    return render(
        request,
        "verification/finding_list.html",
        {"page": page, "form": form, "can_manage": can_manage_data(request.user)},
    )


@login_required
def finding_detail(request, pk: int):
    finding = get_object_or_404(
        Finding.objects.select_related("household", "person", "case", "batch", "enrolment"), pk=pk
    )
    if request.method == "POST":
        _require(can_verify(request.user) or can_manage_data(request.user))
        try:
            if request.POST.get("action") == "open_work":
                open_work_for(finding, on_date=timezone.localdate(), user=request.user)
                messages.success(request, finding.work_note or "已转办")
            elif request.POST.get("action") == "resolve":
                resolve_finding(finding, on_date=timezone.localdate(), resolution=request.POST.get("resolution", ""))
                messages.success(request, "已办结")
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("verification:finding_detail", finding.pk)
    warnings = list(finding.warnings.all()) if hasattr(finding, "warnings") else []
    return render(
        request,
        "verification/finding_detail.html",
        {
            "finding": finding,
            "masked_id": mask_id_number(finding.person.id_number) if finding.person_id else "",
            "warnings": warnings,
        },
    )


@login_required
@require_POST
def sweep_run(request):
    _require(can_manage_data(request.user))
    area = request.user.unit.area_code if request.user.unit_id else ""
    job = start_job("verification.sweep", "月度全面比对", user=request.user, area_code=area)
    messages.success(request, "已开始全面比对，可在后台任务中查看进度")
    return redirect("jobs:detail", job.pk)


@login_required
def report_list(request):
    reports_qs = VerificationReport.objects.select_related("household", "applicant").order_by("-id")
    if request.GET.get("export") == "xlsx":
        rows = (
            [r.number, r.checked_at, r.programme, r.applicant.name, r.household.number, r.summary.get("breaches", 0)]
            for r in reports_qs.iterator()
        )
        return xlsx_response(
            "核对报告", ["报告编号", "核对时间", "申请项目", "申请人", "户编号", "超标项"], rows, "核对报告"
        )
    page = Paginator(reports_qs, 50).get_page(request.GET.get("page"))
    return render(request, "verification/report_list.html", {"page": page})


@login_required
def report_new(request, household_id: int):
    _require(can_verify(request.user))
    household = get_object_or_404(Household.objects.select_related("head"), pk=household_id)
    authorisations = list(reports.authorisations_for(household).select_related("doc_type"))
    cases = list(Case.objects.filter(household=household, status__in=Case.OPEN).select_related("item").order_by("-pk"))
    if request.method == "POST":
        chosen = next((a for a in authorisations if str(a.pk) == request.POST.get("authorisation")), None)
        try:
            report = reports.verify_household(
                user=request.user,
                household=household,
                authorisation=chosen,
                programme=request.POST.get("programme", "").strip() or "最低生活保障",
                on_date=timezone.localdate(),
                case=next((c for c in cases if str(c.pk) == request.POST.get("case")), None),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            return redirect("verification:report_detail", report.pk)
    return render(
        request,
        "verification/report_new.html",
        {"household": household, "authorisations": authorisations, "cases": cases},
    )


@login_required
def report_detail(request, pk: int):
    report = get_object_or_404(VerificationReport.objects.select_related("household", "applicant", "case"), pk=pk)
    lines = list(report.lines.select_related("person", "batch"))
    sections = []
    for code, source in SOURCES.items():
        feedback = report.summary.get("sources", {}).get(code)
        sections.append(
            {"code": code, "source": source, "feedback": feedback, "lines": [ln for ln in lines if ln.source == code]}
        )
    return render(
        request,
        "verification/report_detail.html",
        {
            "report": report,
            "sections": sections,
            "can_recheck": can_verify(request.user) or can_manage_data(request.user),
        },
    )


@login_required
def report_pdf(request, pk: int):
    report = get_object_or_404(VerificationReport.objects.select_related("applicant"), pk=pk)
    record(AuditEntry.Action.EXPORT, obj=report, changes={"format": "pdf"})
    response = HttpResponse(build_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{report.number}.pdf"'
    return response


@login_required
@require_POST
def line_recheck(request, pk: int):
    line = get_object_or_404(ReportLine.objects.select_related("report"), pk=pk)
    _require(can_verify(request.user) or can_manage_data(request.user))
    try:
        if request.POST.get("action") == "request":
            reports.request_recheck(line, user=request.user, reason=request.POST.get("reason", ""))
            messages.success(request, "已登记复查申请")
        else:
            reports.record_recheck(
                line,
                user=request.user,
                corrected=request.POST.get("action") == "correct",
                outcome=request.POST.get("outcome", ""),
            )
            messages.success(request, "已记录复查结果")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("verification:report_detail", line.report_id)
