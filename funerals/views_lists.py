"""Pages of the funeral and cemetery monthly service lists (殡葬服务机构每月服务名单): the lists imported,
a list's import (upload → mapping step with the organisation's preset → all-or-nothing check → written),
and a list's lines, each exported to .xlsx."""

from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from core.errors import DomainError
from core.excel import xlsx_response
from core.masking import mask_id_number, mask_name
from funerals.capabilities import MANAGE_DEATHS, VIEW_DEATHS
from funerals.importing import IGNORE, normalise
from funerals.models import FuneralService, ServiceList
from funerals.service_lists import (
    FIELDS,
    check_against_register,
    import_service_list,
    read_service_list,
    remembered_mapping,
    yuan,
)
from funerals.views import _load, _require, _store
from registry.importing.reading import UnreadableFile
from registry.models import Organisation

KINDS = (Organisation.Kind.FUNERAL_HOME, Organisation.Kind.CEMETERY)


class ListUploadForm(forms.Form):
    organisation = forms.ModelChoiceField(label="殡仪馆或公墓", queryset=None, empty_label="请选择")
    month = forms.DateField(
        label="所属月份", widget=forms.DateInput(attrs={"type": "month"}), input_formats=["%Y-%m", "%Y-%m-%d"]
    )
    file = forms.FileField(label="服务名单（Excel表格或CSV）")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(kind__in=KINDS).order_by("kind", "name")
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("class", "form-select" if name == "organisation" else "form-control")


@login_required
def lists(request):
    """殡葬服务名单: the monthly lists imported in the user's area, newest first."""
    _require(request, VIEW_DEATHS)
    rows = ServiceList.objects.select_related("organisation").order_by("-month", "-id")
    headers = [
        "所属月份",
        "殡葬服务机构",
        "文件名",
        "行数",
        "新登记死亡",
        "确认已登记死亡",
        "殡葬服务",
        "生态安葬",
        "减免合计（元）",
        "奖补合计（元）",
    ]

    def cells(s):
        return [
            f"{s.month:%Y年%m月}",
            s.organisation.name,
            s.filename,
            s.line_count,
            s.new_deaths,
            s.confirmations,
            s.services,
            s.burials,
            yuan(s.waiver_fen),
            yuan(s.reward_fen),
        ]

    if request.GET.get("export") == "xlsx":
        return xlsx_response("殡葬服务名单.xlsx", headers, (cells(s) for s in rows.iterator()), "殡葬服务名单")
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    for s in page:
        s.cells = cells(s)
    return render(
        request,
        "funerals/lists.html",
        {"page": page, "headers": headers, "can_manage": request.user.can(MANAGE_DEATHS)},
    )


def _mapping_from(request) -> dict[str, str]:
    return {
        normalise(request.POST.get(f"header_{n}", "")): request.POST.get(f"map_{n}", "")
        for n in range(200)
        if request.POST.get(f"header_{n}") is not None and request.POST.get(f"map_{n}")
    }


@login_required
def list_new(request):
    """导入服务名单: upload → (map the columns; the organisation's preset pre-filled) → every line checked
    and checked against the register → written whole, or refused whole with every problem by row."""
    _require(request, MANAGE_DEATHS)
    form = ListUploadForm(request.POST or None, request.FILES or None)
    restart = reverse("funerals:list_new")
    context = {"form": form, "fields": FIELDS, "ignore": IGNORE, "restart_url": restart, "what": "服务名单"}
    if request.method != "POST":
        return render(request, "funerals/list_new.html", context)
    try:
        if request.POST.get("step", "upload") == "upload":
            if not form.is_valid():
                return render(request, "funerals/list_new.html", context, status=400)
            token = _store(form.cleaned_data["file"])
            organisation = form.cleaned_data["organisation"]
            meta = {
                "organisation": organisation.pk,
                "month": form.cleaned_data["month"].strftime("%Y-%m-%d"),
                "filename": form.cleaned_data["file"].name[:200],
            }
            mapping = remembered_mapping(organisation)
        else:
            token = request.POST.get("token", "")
            meta = {k: request.POST.get(k, "") for k in ("organisation", "month", "filename")}
            organisation = Organisation.objects.filter(kind__in=KINDS, pk=int(meta["organisation"] or 0)).first()
            if organisation is None:
                raise UnreadableFile("请重新选择殡仪馆或公墓")
            mapping = _mapping_from(request)
        month = date.fromisoformat(meta["month"])
        reading = read_service_list(_load(token), meta["filename"], organisation.kind, mapping)
    except (UnreadableFile, ValueError) as error:
        messages.error(request, str(error) if isinstance(error, UnreadableFile) else "月份格式不正确")
        return render(request, "funerals/list_new.html", context, status=400)
    context.update({"token": token, "meta": meta, "reading": reading, "mapping": mapping})
    if reading.needs_mapping:
        return render(request, "funerals/file_mapping.html", {**context, "columns": reading.describe()})
    if not reading.problems:
        check_against_register(reading, organisation)
    if reading.problems:
        return render(request, "funerals/file_problems.html", context, status=400)
    try:
        service_list = import_service_list(
            reading,
            organisation=organisation,
            month=month,
            filename=meta["filename"],
            user=request.user,
            area_code=request.user.area_code,
            mapping={normalise(reading.headers[p]): k for k, p in reading.columns.items()}
            | {normalise(h): IGNORE for h in reading.ignored_headers},
        )
    except DomainError as error:
        messages.error(request, str(error))
        return render(request, "funerals/list_new.html", context, status=400)
    default_storage.delete(f"funerals/uploads/{token}")
    messages.success(
        request,
        f"已导入{service_list.line_count}行：新登记死亡{service_list.new_deaths}人，确认已登记死亡{service_list.confirmations}人，"
        f"殡葬服务{service_list.services}条（减免{yuan(service_list.waiver_fen)}元），"
        f"生态安葬{service_list.burials}条（奖补{yuan(service_list.reward_fen)}元）。",
    )
    return redirect("funerals:list_detail", service_list.pk)


@login_required
def list_detail(request, pk: int):
    """A list's lines: the service or burial each made, with its waiver or reward."""
    _require(request, VIEW_DEATHS)
    service_list = get_object_or_404(ServiceList.objects.select_related("organisation"), pk=pk)
    field = "burial_list" if service_list.organisation.kind == Organisation.Kind.CEMETERY else "service_list"
    rows = (
        FuneralService.objects.filter(**{field: service_list})
        .select_related("death__person", "cemetery")
        .order_by("number")
    )
    headers = [
        "服务单号",
        "逝者",
        "身份证号",
        "死亡日期",
        "服务日期",
        "减免（元）",
        "安葬方式",
        "安葬日期",
        "奖补（元）",
        "奖补领取人",
    ]

    def cells(s):
        return [
            s.number,
            mask_name(s.death.person.name),
            mask_id_number(s.death.person.id_number),
            s.death.died_on,
            s.served_on,
            yuan(s.waiver_fen),
            str(s.get_burial_display()) if s.burial else "",
            s.buried_on or "",
            yuan(s.reward_fen),
            mask_name(s.family_name) if s.family_name else "",
        ]

    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            f"殡葬服务名单-{service_list.pk}.xlsx", headers, (cells(s) for s in rows.iterator()), "服务名单"
        )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    for s in page:
        s.cells = cells(s)
    return render(
        request,
        "funerals/list_detail.html",
        {
            "service_list": service_list,
            "page": page,
            "headers": headers,
            "waiver": yuan(service_list.waiver_fen),
            "reward": yuan(service_list.reward_fen),
        },
    )
