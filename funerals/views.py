"""Pages of the funeral line: deaths (with the files they came from), a file's import (mapping step,
all-or-nothing check, matching), suggested matches to confirm, and the funeral services."""

import re
import uuid
from datetime import date
from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.excel import xlsx_response
from core.masking import mask_id_number, mask_name
from funerals import services
from funerals.capabilities import MANAGE_DEATHS, VIEW_DEATHS
from funerals.importing import FIELDS, IGNORE, normalise, read_death_file
from funerals.models import Death, DeathFile, DeathReport, FuneralService
from registry.hooks import DeathSource
from registry.importing.reading import UnreadableFile
from registry.models import Organisation

MAX_UPLOAD = 10 * 1024 * 1024
_TOKEN = re.compile(r"^[0-9a-f]{32}\.(xlsx|xls|csv)$")


def _require(request, capability):
    if not request.user.can(capability):
        raise PermissionDenied("您没有使用该功能的权限")


def _source_label(code: str) -> str:
    return str(DeathSource(code).label) if code in DeathSource.values else "其他来源"


@login_required
def deaths(request):
    """死亡信息: every death on record in the user's area, newest first, with its sources."""
    _require(request, VIEW_DEATHS)
    rows = Death.objects.select_related("person").order_by("-died_on", "-id")
    q = (request.GET.get("q") or "").strip()[:30]
    if q:
        rows = rows.filter(person__name__contains=q)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            "死亡信息.xlsx",
            ["姓名", "身份证号", "死亡日期", "首次来源", "其他来源确认", "停发及复核情况"],
            (
                [
                    mask_name(d.person.name),
                    mask_id_number(d.person.id_number),
                    d.died_on,
                    _source_label(d.first_source),
                    d.confirmations,
                    d.outcome,
                ]
                for d in rows.iterator()
            ),
            "死亡信息",
        )
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    for death in page:
        death.masked_name = mask_name(death.person.name)
        death.masked_id = mask_id_number(death.person.id_number)
        death.source_label = _source_label(death.first_source)
        death.has_service = FuneralService.objects.filter(death_id=death.pk).exists()
    files = DeathFile.objects.select_related("organisation")[:10]
    return render(
        request,
        "funerals/deaths.html",
        {"page": page, "files": files, "q": q, "can_manage": request.user.can(MANAGE_DEATHS)},
    )


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label="来源", choices=DeathFile.Kind.choices)
    organisation = forms.ModelChoiceField(
        label="殡仪馆", queryset=None, required=False, empty_label="请选择（火化名单必选）"
    )
    month = forms.DateField(
        label="所属月份", widget=forms.DateInput(attrs={"type": "month"}), input_formats=["%Y-%m", "%Y-%m-%d"]
    )
    file = forms.FileField(label="文件（Excel表格或CSV）")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(kind=Organisation.Kind.FUNERAL_HOME)
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            )


def _store(upload) -> str:
    suffix = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if suffix not in {"xlsx", "xls", "csv"}:
        raise UnreadableFile("只接受 .xlsx、.xls 或 .csv 文件")
    if upload.size > MAX_UPLOAD:
        raise UnreadableFile("文件不能超过10MB")
    token = f"{uuid.uuid4().hex}.{suffix}"
    default_storage.save(f"funerals/uploads/{token}", ContentFile(upload.read()))
    return token


def _load(token: str) -> bytes:
    if not _TOKEN.match(token or ""):
        raise UnreadableFile("上传的文件已失效，请重新上传")
    path = f"funerals/uploads/{token}"
    if not default_storage.exists(path):
        raise UnreadableFile("上传的文件已失效，请重新上传")
    with default_storage.open(path, "rb") as handle:
        return handle.read()


@login_required
def file_new(request):
    """导入死亡信息: upload → (map the columns nobody recognises) → every line checked → matched and recorded."""
    _require(request, MANAGE_DEATHS)
    form = UploadForm(request.POST or None, request.FILES or None)
    context = {"form": form, "fields": FIELDS, "ignore": IGNORE, "restart_url": reverse("funerals:file_new")}
    if request.method != "POST":
        return render(request, "funerals/file_new.html", context)
    step = request.POST.get("step", "upload")
    try:
        if step == "upload":
            if not form.is_valid():
                return render(request, "funerals/file_new.html", context, status=400)
            token = _store(form.cleaned_data["file"])
            meta = {
                "kind": form.cleaned_data["kind"],
                "organisation": form.cleaned_data["organisation"].pk if form.cleaned_data["organisation"] else "",
                "month": form.cleaned_data["month"].strftime("%Y-%m-%d"),
                "filename": form.cleaned_data["file"].name[:200],
            }
            mapping = {}
        else:
            token = request.POST.get("token", "")
            meta = {k: request.POST.get(k, "") for k in ("kind", "organisation", "month", "filename")}
            mapping = {
                normalise(request.POST.get(f"header_{n}", "")): request.POST.get(f"map_{n}", "")
                for n in range(200)
                if request.POST.get(f"header_{n}") is not None and request.POST.get(f"map_{n}")
            }
        data = _load(token)
        reading = read_death_file(data, meta["filename"], mapping)
    except UnreadableFile as error:
        messages.error(request, str(error))
        return render(request, "funerals/file_new.html", context, status=400)
    context.update({"token": token, "meta": meta, "reading": reading, "mapping": mapping})
    if reading.unknown or any(k not in reading.columns for k in ("name", "died_on")):
        return render(request, "funerals/file_mapping.html", {**context, "columns": reading.describe()})
    if reading.problems:
        return render(request, "funerals/file_problems.html", context, status=400)
    try:
        organisation = (
            Organisation.objects.filter(pk=int(meta["organisation"])).first() if meta["organisation"] else None
        )
        death_file = services.import_death_file(
            reading,
            kind=meta["kind"],
            month=date.fromisoformat(meta["month"]),
            filename=meta["filename"],
            user=request.user,
            area_code=request.user.area_code,
            organisation=organisation,
            mapping=mapping,
        )
    except (DomainError, ValueError) as error:
        messages.error(request, str(error) if isinstance(error, DomainError) else "月份格式不正确")
        return render(request, "funerals/file_new.html", context, status=400)
    default_storage.delete(f"funerals/uploads/{token}")
    messages.success(
        request,
        f"已导入{death_file.line_count}行：新登记死亡{death_file.new_deaths}人，确认已登记死亡{death_file.confirmations}人，"
        f"待确认匹配{death_file.suggested_count}行，未匹配{death_file.unmatched_count}行。",
    )
    return redirect("funerals:file_detail", death_file.pk)


@login_required
def file_detail(request, pk: int):
    _require(request, VIEW_DEATHS)
    death_file = get_object_or_404(DeathFile.objects.select_related("organisation"), pk=pk)
    reports = DeathReport.unscoped.filter(file=death_file).select_related("person").order_by("row_no")
    match = request.GET.get("match", "")
    if match in DeathReport.Match.values:
        reports = reports.filter(match=match)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            f"死亡信息比对结果-{death_file.pk}.xlsx",
            ["行号", "姓名", "身份证号", "死亡日期", "匹配结果", "处理"],
            (
                [
                    r.row_no,
                    mask_name(r.name),
                    mask_id_number(r.id_number),
                    r.died_on,
                    str(r.get_match_display()),
                    "首次登记" if r.first_report else ("确认" if r.death_id else ""),
                ]
                for r in reports.iterator()
            ),
            "比对结果",
        )
    page = Paginator(reports, 50).get_page(request.GET.get("page"))
    for r in page:
        r.masked_name = mask_name(r.name)
        r.masked_id = mask_id_number(r.id_number)
        r.person_masked = mask_id_number(r.person.id_number) if r.person_id and r.person else ""
        r.person_name = mask_name(r.person.name) if r.person_id and r.person else ""
    return render(
        request,
        "funerals/file_detail.html",
        {
            "file": death_file,
            "page": page,
            "match": match,
            "matches": DeathReport.Match.choices,
            "can_manage": request.user.can(MANAGE_DEATHS),
        },
    )


@login_required
@require_POST
def report_decide(request, pk: int):
    _require(request, MANAGE_DEATHS)
    report = get_object_or_404(DeathReport.objects, pk=pk)
    try:
        done = services.decide_suggestion(report, same_person=request.POST.get("same") == "1", user=request.user)
        messages.success(request, done)
    except DomainError as error:
        messages.error(request, str(error))
    return redirect("funerals:file_detail", report.file_id)


# --------------------------------------------------------------------- funeral services


class ServiceForm(forms.Form):
    served_on = forms.DateField(label="服务日期", widget=forms.DateInput(attrs={"type": "date"}))
    funeral_home = forms.ModelChoiceField(label="殡仪馆", queryset=None, empty_label="请选择")
    burial = forms.ChoiceField(label="生态安葬方式", choices=FuneralService.Burial.choices, required=False)
    cemetery = forms.ModelChoiceField(label="安葬公墓", queryset=None, required=False, empty_label="未安葬于公墓")
    buried_on = forms.DateField(label="安葬日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    family_name = forms.CharField(label="领取人（家属）姓名", max_length=50, required=False)
    family_id_number = forms.CharField(label="领取人身份证号", max_length=18, required=False)
    family_bank_name = forms.CharField(label="领取人开户银行", max_length=50, required=False)
    family_bank_account = forms.CharField(label="领取人银行账号", max_length=32, required=False)

    CHARGE_ITEMS = [
        ("transport", "遗体接运"),
        ("storage", "遗体存放"),
        ("cremation", "遗体火化"),
        ("urn", "骨灰盒"),
        ("farewell", "告别仪式"),
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funeral_home"].queryset = Organisation.objects.filter(kind=Organisation.Kind.FUNERAL_HOME)
        self.fields["cemetery"].queryset = Organisation.objects.filter(kind=Organisation.Kind.CEMETERY)
        for code, label in self.CHARGE_ITEMS:
            self.fields[f"charge_{code}"] = forms.DecimalField(
                label=f"{label}收费（元）", min_value=0, max_digits=9, decimal_places=2, required=False
            )
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            )

    def charges(self) -> dict:
        return {
            code: self.cleaned_data[f"charge_{code}"]
            for code, _ in self.CHARGE_ITEMS
            if self.cleaned_data.get(f"charge_{code}")
        }


def _yuan(fen: int) -> str:
    return f"{Decimal(fen) / 100:.2f}"


@login_required
def service_list(request):
    _require(request, MANAGE_DEATHS)
    rows = FuneralService.objects.select_related("death__person", "funeral_home", "cemetery").order_by(
        "-served_on", "-id"
    )
    month = (request.GET.get("month") or "")[:7]
    if re.fullmatch(r"\d{4}-\d{2}", month):
        year, mon = map(int, month.split("-"))
        if 1 <= mon <= 12:
            rows = rows.filter(served_on__year=year, served_on__month=mon)
    headers = [
        "服务单号",
        "逝者",
        "身份证号",
        "服务日期",
        "殡仪馆",
        "减免金额（元）",
        "减免说明",
        "生态安葬",
        "奖补金额（元）",
    ]

    def cells(s):
        return [
            s.number,
            mask_name(s.death.person.name),
            mask_id_number(s.death.person.id_number),
            s.served_on,
            s.funeral_home.name if s.funeral_home_id else "",
            _yuan(s.waiver_fen),
            s.waiver_note,
            str(s.get_burial_display()) if s.burial else "",
            _yuan(s.reward_fen),
        ]

    if request.GET.get("export") == "xlsx":
        return xlsx_response("殡葬服务.xlsx", headers, (cells(s) for s in rows.iterator()), "殡葬服务")
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    for s in page:
        s.cells = cells(s)
    return render(request, "funerals/services.html", {"page": page, "month": month})


@login_required
def service_new(request, death_pk: int):
    _require(request, MANAGE_DEATHS)
    death = get_object_or_404(Death.objects.select_related("person"), pk=death_pk)
    form = ServiceForm(request.POST or None, initial={"served_on": death.died_on})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            service = services.record_service(
                death,
                served_on=data["served_on"],
                charges=form.charges(),
                user=request.user,
                funeral_home=data["funeral_home"],
                burial=data.get("burial") or "",
                cemetery=data.get("cemetery"),
                buried_on=data.get("buried_on"),
                family_name=data.get("family_name") or "",
                family_id_number=data.get("family_id_number") or "",
                family_bank_name=data.get("family_bank_name") or "",
                family_bank_account=data.get("family_bank_account") or "",
            )
        except (DomainError, InvalidOperation) as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                f"已登记{service.number}：减免{_yuan(service.waiver_fen)}元（{service.waiver_note}），"
                f"生态安葬奖补{_yuan(service.reward_fen)}元，分别列入当月减免结算和奖补发放名册。",
            )
            return redirect("funerals:services")
    return render(
        request,
        "funerals/service_form.html",
        {
            "form": form,
            "death": death,
            "masked_name": mask_name(death.person.name),
            "masked_id": mask_id_number(death.person.id_number),
        },
        status=400 if request.method == "POST" else 200,
    )
