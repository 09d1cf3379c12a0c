"""Screens of the medical-assistance exchange: the files sent to the 医保局 (generated in the
background), their downloads (audit-logged: they hold full ID numbers), and the import of the
bureau's file of assistance paid with its column mapping."""

import os
import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.models import AuditEntry
from audit.services import record
from core.errors import DomainError
from core.excel import xlsx_response
from core.masking import mask_id_number, mask_name
from medical import capabilities as caps
from medical import exchange, paid
from medical.models import ExchangeFile, MedicalPayment, PaidImport

MAX_UPLOAD = 50 * 1024 * 1024


def _require(user):
    if not user.can(caps.EXCHANGE_MEDICAL):
        raise PermissionDenied("您没有使用该功能的权限")


@login_required
def index(request):
    _require(request.user)
    context = {
        "files": ExchangeFile.objects.select_related("created_by")[:50],
        "imports": PaidImport.objects.select_related("imported_by")[:20],
        "columns": exchange.COLUMNS,
        "classes": exchange.AidClass.choices,
    }
    return render(request, "medical/index.html", context)


@login_required
@require_POST
def generate(request):
    _require(request.user)
    kind = request.POST.get("kind")
    if kind not in ExchangeFile.Kind.values:
        messages.error(request, "请选择文件类型")
        return redirect("medical:index")
    job = exchange.start_exchange(kind=kind, user=request.user, as_of=timezone.localdate())
    return redirect("jobs:detail", job.pk)


@login_required
def download(request, pk, fmt):
    _require(request.user)
    exchange_file = get_object_or_404(ExchangeFile.objects, pk=pk)
    field = {"xlsx": exchange_file.xlsx, "csv": exchange_file.csv}.get(fmt)
    if not field:
        raise Http404("没有这个文件")
    record(AuditEntry.Action.EXPORT, obj=exchange_file, changes={"format": fmt, "rows": exchange_file.rows})
    return FileResponse(field.open("rb"), as_attachment=True, filename=os.path.basename(field.name))


@login_required
def import_paid(request):
    _require(request.user)
    mapping = {f.key: request.POST.get(f"col_{f.key}", f.default) for f in paid.FIELDS}
    errors, status = [], 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise DomainError(paid.MedicalCode.BAD_FILE, "请选择医保局的医疗救助支付文件")
            if upload.size > MAX_UPLOAD:
                raise DomainError(paid.MedicalCode.BAD_FILE, "文件超过50MB，请分批导入")
            content = upload.read()
            suffix = "." + upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
            with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
                handle.write(content)
                handle.flush()
                imported = paid.import_paid(
                    content=content, name=upload.name, mapping=mapping, user=request.user, path=handle.name
                )
        except DomainError as error:
            errors = error.details.get("errors") or [error.message]
            messages.error(request, error.message if not error.details.get("errors") else "文件有错误，整个文件未导入")
            status = 400
        else:
            record(AuditEntry.Action.IMPORT, obj=imported, changes={"rows": imported.rows})
            messages.success(request, f"已导入{imported.rows}条医疗救助支付记录，合计{imported.total_aid}元")
            return redirect("medical:payments")
    context = {"fields": [(f, mapping[f.key]) for f in paid.FIELDS], "errors": errors}
    return render(request, "medical/import.html", context, status=status)


@login_required
def payments(request):
    _require(request.user)
    rows = MedicalPayment.objects.select_related("person", "household").order_by("-settled_on", "-id")
    if request.GET.get("export") == "xlsx":
        record(AuditEntry.Action.EXPORT, object_type="medical.medicalpayment", object_repr="医疗救助支付记录（脱敏）")
        return xlsx_response(
            "医疗救助支付记录",
            [
                "结算日期",
                "姓名",
                "身份证号",
                "户编号",
                "医疗机构",
                "医疗总费用",
                "医保支付",
                "医疗救助",
                "个人自付",
                "结算单号",
            ],
            (
                [
                    p.settled_on,
                    mask_name(p.person.name),
                    mask_id_number(p.person.id_number),
                    p.household.number if p.household_id else "",
                    p.hospital,
                    p.total_cost,
                    p.insurance_paid,
                    p.aid_paid,
                    p.self_paid,
                    p.settlement_no,
                ]
                for p in rows.iterator()
            ),
        )
    context = {
        "rows": [
            {"p": p, "name": mask_name(p.person.name), "id_number": mask_id_number(p.person.id_number)}
            for p in rows[:200]
        ]
    }
    return render(request, "medical/payments.html", context)
