"""REST API of verification: sources, batches (upload with provenance), findings. Scoped like the UI."""

from datetime import date, datetime
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import File, Form, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import paginate

from core.api import ErrorOut, Page
from core.masking import mask_id_number
from verification.loading import receive_batch
from verification.models import Batch, Finding
from verification.sources import SOURCES
from verification.views import can_manage_data

router = Router(tags=["信息核对与比对"])


class SourceOut(Schema):
    code: str
    name: str
    department: str
    columns: list[str]


class BatchOut(Schema):
    id: int
    source: str
    version: int
    file_name: str
    provider: str
    data_as_of: date
    uploaded_at: datetime
    status: str
    row_count: int
    error_count: int
    sha256: str


class FindingOut(Schema):
    id: int
    kind: str
    kind_label: str
    status: str
    household_id: int | None
    person_name: str
    person_id_number: str
    event_date: date | None
    amount: Decimal | None
    detail: str
    due_on: date | None
    case_receipt_no: str
    area_code: str


@router.get("/sources", response=list[SourceOut])
def sources(request):
    return [
        {"code": s.code, "name": s.name, "department": s.department, "columns": [c.header for c in s.columns]}
        for s in SOURCES.values()
    ]


@router.get("/batches", response=list[BatchOut])
@paginate(Page, page_size=50)
def batches(request, source: str = ""):
    queryset = Batch.objects.order_by("-id")
    return queryset.filter(source=source) if source else queryset


@router.get("/batches/{batch_id}", response=BatchOut)
def batch(request, batch_id: int):
    return get_object_or_404(Batch.objects, pk=batch_id)


@router.post("/batches", response={201: BatchOut, 400: ErrorOut})
def upload(
    request,
    source: Form[str],
    provider: Form[str],
    data_as_of: Form[date],
    file: File[UploadedFile],
    note: Form[str] = "",
):
    if not can_manage_data(request.user):
        raise HttpError(403, "您没有上传部门数据的权限")
    user = request.user
    batch = receive_batch(
        user=user,
        source=source,
        upload=file,
        provider=provider,
        data_as_of=data_as_of,
        note=note,
        area_code=user.unit.area_code if user.unit_id else "",
    )
    return 201, batch


@router.get("/findings", response=list[FindingOut])
@paginate(Page, page_size=50)
def findings(request, kind: str = "", status: str = ""):
    queryset = Finding.objects.select_related("person", "case").order_by("-id")
    if kind:
        queryset = queryset.filter(kind=kind)
    if status:
        queryset = queryset.filter(status=status)
    return [
        {
            "id": f.pk,
            "kind": f.kind,
            "kind_label": f.get_kind_display(),
            "status": f.status,
            "household_id": f.household_id,
            "person_name": f.person.name if f.person_id else "",
            "person_id_number": mask_id_number(f.person.id_number) if f.person_id else "",
            "event_date": f.event_date,
            "amount": None if f.kind == Finding.Kind.DEPOSIT else f.amount,
            "detail": f.detail,
            "due_on": f.due_on,
            "case_receipt_no": f.case.receipt_no if f.case_id else "",
            "area_code": f.area_code,
        }
        for f in queryset
    ]
