"""The document library (证照材料库): list with validity flags, export, and the file itself."""

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from accounts.roles import Capability
from audit.services import record_personal_data_view
from core.excel import xlsx_response
from core.masking import mask_id_number
from registry.forms import DocumentFilterForm
from registry.models import Document, Membership
from registry.views.common import (
    area_names,
    export_is_full,
    paginate,
    record_export,
    searched_person_ids,
    wants_export,
)


def document_queryset(form: DocumentFilterForm):
    today = timezone.localdate()
    queryset = Document.objects.select_related("doc_type", "person", "household__head")
    validity = ""
    if form.is_valid():
        data = form.cleaned_data
        validity = data["validity"]
        if q := data["q"].strip():
            people = searched_person_ids(q)
            households = Membership.objects.filter(person_id__in=people, end_date__isnull=True).values("household_id")
            queryset = queryset.filter(Q(person_id__in=people) | Q(household_id__in=households) | Q(number=q))
        if data["area"]:
            queryset = queryset.in_area(data["area"].code)
        if data["doc_type"]:
            queryset = queryset.filter(doc_type=data["doc_type"])
    if validity != "all":
        queryset = queryset.filter(is_current=True)
    if validity == "expired":
        queryset = queryset.filter(valid_until__lt=today)
    elif validity == "valid":
        queryset = queryset.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    return queryset.order_by("-uploaded_at", "-id")


def holder_name(document: Document) -> str:
    if document.person_id:
        return document.person.name
    head = document.household.head
    return f"{head.name if head else ''}户（{document.household.number}）"


def validity_text(document: Document, today) -> str:
    if not document.is_current:
        return "已替换"
    if document.valid_until and document.valid_until < today:
        return "已过期"
    if document.valid_from and document.valid_from > today:
        return "未生效"
    return "有效"


DOCUMENT_EXPORT_HEADERS = [
    "证照类型",
    "持有人",
    "证照编号",
    "发证机关",
    "有效期起",
    "有效期至",
    "状态",
    "区划代码",
    "采集时间",
    "文件",
]


def _export_row(d: Document, full: bool, today) -> list:
    return [
        d.doc_type.name,
        holder_name(d),
        d.number if full else mask_id_number(d.number),
        d.issued_by,
        d.valid_from or "",
        d.valid_until or "",
        validity_text(d, today),
        d.area_code,
        timezone.localtime(d.uploaded_at).strftime("%Y-%m-%d %H:%M"),
        "有" if d.file else "无",
    ]


@login_required
def document_list(request):
    form = DocumentFilterForm(request.GET or None, user=request.user)
    queryset = document_queryset(form)
    today = timezone.localdate()
    if wants_export(request):
        full = export_is_full(request)
        record_export(request, "registry.document", "证照材料", full)
        rows = (_export_row(d, full, today) for d in queryset.iterator(chunk_size=2000))
        return xlsx_response("证照材料", DOCUMENT_EXPORT_HEADERS, rows, "证照材料")
    page = paginate(request, queryset)
    names = area_names(d.area_code for d in page)
    for document in page:
        document.holder = holder_name(document)
        document.masked_number = mask_id_number(document.number)
        document.status = validity_text(document, today)
        document.area_name = names.get(document.area_code, document.area_code)
    context = {"form": form, "page": page, "can_unmask": request.user.can(Capability.UNMASK_PERSONAL_DATA)}
    return render(request, "registry/document_list.html", context)


@login_required
def document_file(request, pk: int):
    """The scanned file, streamed from storage; opening it is a view of personal data and logged."""
    document = get_object_or_404(Document.objects, pk=pk)
    if not document.file:
        raise Http404("该材料没有上传文件")
    record_personal_data_view(document, ["file"])
    suffix = document.file.name.rsplit(".", 1)[-1]
    return FileResponse(
        document.file.open("rb"),
        content_type=document.content_type or "application/octet-stream",
        filename=f"{document.doc_type.name}_{document.pk}.{suffix}",
    )
