"""REST API of the registry (/api/v1/registry/...): persons, households, documents and search.

Jurisdiction-scoped exactly like the pages (the same middleware sets the scope; every lookup goes
through the scoped managers, so another township's rows are 404). Personal data is masked; only
`GET persons/{id}?unmask=1` / `GET households/{id}?unmask=1` return full values, for staff with
Capability.UNMASK_PERSONAL_DATA, and each such call is written to the audit log.
Errors are `{"code": ..., "message": "中文说明"}`: 409 for a duplicate ID number, 400 otherwise.
"""

from datetime import date, datetime

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import File, Form, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import paginate

from accounts.roles import Capability
from areas.codes import InvalidAreaCode, validate_code
from audit.services import record_personal_data_view
from core.api import ErrorOut, Page
from core.errors import DomainError
from core.masking import mask_address, mask_bank_account, mask_id_number, mask_phone
from registry import services
from registry.errors import RegistryCode
from registry.hooks import DeathSource
from registry.models import Document, DocumentType, Household, Membership, Person, with_current_household
from registry.relations import Relation
from registry.search import search_ids, search_persons
from registry.views.intake import MemberRow, RowError, register_household_with_members

router = Router(tags=["居民户籍库"])

# HTTP statuses of the registry's refusals (core.api.domain_error_handler answers them; 400 otherwise).
ERROR_STATUS = {RegistryCode.DUPLICATE_ID: 409}


def _in_area(queryset, area_code: str):
    try:
        validate_code(area_code)
    except InvalidAreaCode as exc:
        raise HttpError(400, str(exc)) from None
    return queryset.in_area(area_code)


def _unmask_allowed(request, unmask: bool) -> bool:
    if unmask and not request.user.can(Capability.UNMASK_PERSONAL_DATA):
        raise HttpError(403, "无权查看完整个人信息")
    return unmask


# --- persons ---------------------------------------------------------------------------------


class PersonOut(Schema):
    id: int
    name: str
    id_number: str
    sex: str
    birth_date: date
    phone: str
    area_code: str
    life_status: str
    household_id: int | None = None
    household_number: str = ""
    relation: str = ""


class PersonDetailOut(PersonOut):
    ethnicity: str
    hukou_area_code: str
    marital_status: str
    disability_type: str
    disability_grade: int | None
    disability_certificate: str
    serious_illness: str
    labour_capacity: str
    employment: str
    education: str
    death_date: date | None
    unmasked: bool = False


class PersonIn(Schema):
    id_number: str
    name: str
    area_code: str
    phone: str = ""
    ethnicity: str = "汉族"
    hukou_area_code: str = ""
    marital_status: str = Person.MaritalStatus.UNKNOWN
    disability_type: str = ""
    disability_grade: int | None = None
    disability_certificate: str = ""
    serious_illness: str = ""
    labour_capacity: str = Person.LabourCapacity.FULL
    employment: str = ""
    education: str = ""


def person_out(person: Person, full: bool = False, detail: bool = False) -> dict:
    current = person.current_household
    data = {
        "id": person.pk,
        "name": person.name,
        "id_number": person.id_number if full else mask_id_number(person.id_number),
        "sex": person.sex,
        "birth_date": person.birth_date,
        "phone": person.phone if full else mask_phone(person.phone),
        "area_code": person.area_code,
        "life_status": person.life_status,
        "household_id": current.household_id if current else None,
        "household_number": current.number if current else "",
        "relation": current.relation if current else "",
    }
    if detail:
        for name in PersonDetailOut.model_fields:
            if name not in data and name != "unmasked":
                data[name] = getattr(person, name)
        data["unmasked"] = full
    return data


@router.get("/persons", response=list[PersonOut], summary="居民列表（脱敏）")
@paginate(Page, page_size=50)
def list_persons(
    request,
    q: str = "",
    area_code: str = "",
    sex: str = "",
    disability: str = "",
    life_status: str = "",
):
    """q: 姓名、拼音、首字母、身份证号后几位、电话、住址；disability: any / none / 残疾类别代码。"""
    queryset = with_current_household(Person.objects.order_by("area_code", "name", "id"))
    if q:
        queryset = queryset.filter(pk__in=search_ids(q, limit=1000))
    if area_code:
        queryset = _in_area(queryset, area_code)
    if sex:
        queryset = queryset.filter(sex=sex)
    if disability == "any":
        queryset = queryset.exclude(disability_type="")
    elif disability == "none":
        queryset = queryset.filter(disability_type="")
    elif disability:
        queryset = queryset.filter(disability_type=disability)
    if life_status:
        queryset = queryset.filter(life_status=life_status)
    return [person_out(p) for p in queryset]


@router.get(
    "/persons/{person_id}", response=PersonDetailOut, summary="居民详情（脱敏；unmask=1 查看完整信息并记入日志）"
)
def get_person(request, person_id: int, unmask: bool = False):
    person = get_object_or_404(Person.objects, pk=person_id)
    full = _unmask_allowed(request, unmask)
    if full:
        record_personal_data_view(person, ["id_number", "phone"], reason="API")
    return person_out(person, full=full, detail=True)


@router.post("/persons", response={201: PersonDetailOut, 400: ErrorOut, 409: ErrorOut}, summary="登记居民")
def create_person(request, payload: PersonIn):
    data = payload.dict()
    person = services.register_person(
        id_number=data.pop("id_number"), name=data.pop("name"), area_code=data.pop("area_code"), **data
    )
    return 201, person_out(person, detail=True)


class DeathIn(Schema):
    died_on: date


class DeathOut(Schema):
    person: PersonDetailOut
    done: list[str]  # what followed the record: payment stopped, roll lines held, the review opened


@router.post(
    "/persons/{person_id}/death", response={200: DeathOut, 400: ErrorOut}, summary="登记死亡（停发、复核随之办理）"
)
def record_person_death(request, person_id: int, payload: DeathIn):
    """The same as the person page's 登记死亡: a death already on record keeps its date, and a
    repeated call changes nothing."""
    person = get_object_or_404(Person.objects, pk=person_id)
    done = services.register_death(person, died_on=payload.died_on, source=DeathSource.API, user=request.user)
    person.refresh_from_db()
    return {"person": person_out(person, detail=True), "done": done}


# --- households ------------------------------------------------------------------------------


class MemberOut(Schema):
    person: PersonOut
    relation: str
    relation_label: str
    start_date: date
    end_date: date | None
    end_reason: str


class HouseholdOut(Schema):
    id: int
    number: str
    head_id: int | None
    head_name: str
    kind: str
    address: str
    phone: str
    bank_name: str
    bank_account: str
    area_code: str
    is_active: bool
    size: int


class HouseholdDetailOut(HouseholdOut):
    members: list[MemberOut]
    past_members: list[MemberOut]
    unmasked: bool = False


class MemberIn(Schema):
    """An already registered person (person_id) or a new one (id_number + name + details)."""

    relation: str
    person_id: int | None = None
    id_number: str = ""
    name: str = ""
    phone: str = ""
    ethnicity: str = "汉族"
    marital_status: str = Person.MaritalStatus.UNKNOWN
    disability_type: str = ""
    disability_grade: int | None = None
    labour_capacity: str = Person.LabourCapacity.FULL
    employment: str = ""
    education: str = ""


class HouseholdIn(Schema):
    area_code: str
    address: str
    kind: str = Household.Kind.RURAL
    phone: str = ""
    bank_name: str = ""
    bank_account_name: str = ""
    bank_account: str = ""
    on_date: date | None = None
    members: list[MemberIn]  # the first is the head (relation "02")


def household_out(household: Household, full: bool = False, members: bool = False) -> dict:
    data = {
        "id": household.pk,
        "number": household.number,
        "head_id": household.head_id,
        "head_name": household.head.name if household.head_id else "",
        "kind": household.kind,
        "address": household.address if full or members else mask_address(household.address),
        "phone": household.phone if full else mask_phone(household.phone),
        "bank_name": household.bank_name,
        "bank_account": household.bank_account if full else mask_bank_account(household.bank_account),
        "area_code": household.area_code,
        "is_active": household.is_active,
        "size": getattr(household, "size", None)
        if getattr(household, "size", None) is not None
        else household.current_memberships().count(),
    }
    if members:
        rows = list(
            Membership.objects.filter(household=household)
            .select_related("person", "household")
            .order_by("relation", "id")
        )
        for m in rows:
            if m.end_date is None:
                m.person.current = [m]
        as_out = [
            {
                "person": person_out(m.person, full=full),
                "relation": m.relation,
                "relation_label": m.get_relation_display(),
                "start_date": m.start_date,
                "end_date": m.end_date,
                "end_reason": m.end_reason,
            }
            for m in rows
        ]
        data["members"] = [m for m in as_out if m["end_date"] is None]
        data["past_members"] = [m for m in as_out if m["end_date"] is not None]
        data["unmasked"] = full
    return data


@router.get("/households", response=list[HouseholdOut], summary="家庭户列表（脱敏）")
@paginate(Page, page_size=50)
def list_households(request, q: str = "", area_code: str = "", kind: str = "", include_closed: bool = False):
    size = Count("memberships", filter=Q(memberships__end_date__isnull=True))
    queryset = Household.objects.select_related("head").annotate(size=size).order_by("area_code", "number")
    if not include_closed:
        queryset = queryset.filter(is_active=True)
    if q:
        people = search_ids(q, limit=1000)
        in_household = Membership.objects.filter(person_id__in=people, end_date__isnull=True).values("household_id")
        queryset = queryset.filter(Q(pk__in=in_household) | Q(number=q) | Q(address__contains=q))
    if area_code:
        queryset = _in_area(queryset, area_code)
    if kind:
        queryset = queryset.filter(kind=kind)
    return [household_out(h) for h in queryset]


@router.get("/households/{household_id}", response=HouseholdDetailOut, summary="家庭户详情及成员")
def get_household(request, household_id: int, unmask: bool = False):
    household = get_object_or_404(Household.objects.select_related("head"), pk=household_id)
    full = _unmask_allowed(request, unmask)
    if full:
        record_personal_data_view(household, ["bank_account", "phone", "members.id_number"], reason="API")
    return household_out(household, full=full, members=True)


@router.post(
    "/households", response={201: HouseholdDetailOut, 400: ErrorOut, 409: ErrorOut}, summary="登记家庭户及成员"
)
def create_household(request, payload: HouseholdIn):
    rows = []
    for member in payload.members:
        person = get_object_or_404(Person.objects, pk=member.person_id) if member.person_id else None
        fields = member.dict(exclude={"relation", "person_id", "id_number", "name"})
        rows.append(
            MemberRow(
                relation=member.relation, person=person, name=member.name, id_number=member.id_number, fields=fields
            )
        )
    if rows and rows[0].relation != Relation.HEAD:
        return 400, {"code": "head_missing", "message": "members 的第一项须为户主（relation 02）"}
    try:
        household = register_household_with_members(
            rows=rows,
            area_code=payload.area_code,
            address=payload.address,
            on_date=payload.on_date or timezone.localdate(),
            kind=payload.kind,
            phone=payload.phone,
            bank_name=payload.bank_name,
            bank_account_name=payload.bank_account_name,
            bank_account=payload.bank_account,
        )
    except RowError as exc:
        raise DomainError(exc.error.code, f"第{exc.index + 1}位成员：{exc.error.message}") from exc
    return 201, household_out(household, members=True)


# --- documents -------------------------------------------------------------------------------


class DocumentOut(Schema):
    id: int
    doc_type: str
    doc_type_name: str
    person_id: int | None
    household_id: int | None
    number: str
    issued_by: str
    valid_from: date | None
    valid_until: date | None
    is_current: bool
    expired: bool
    has_file: bool
    content_type: str
    size: int
    uploaded_at: datetime


class DocumentIn(Schema):
    doc_type: str
    person_id: int | None = None
    household_id: int | None = None
    number: str = ""
    issued_by: str = ""
    valid_from: date | None = None
    valid_until: date | None = None
    note: str = ""


def document_out(d: Document) -> dict:
    today = timezone.localdate()
    return {
        "id": d.pk,
        "doc_type": d.doc_type_id,
        "doc_type_name": d.doc_type.name,
        "person_id": d.person_id,
        "household_id": d.household_id,
        "number": mask_id_number(d.number),
        "issued_by": d.issued_by,
        "valid_from": d.valid_from,
        "valid_until": d.valid_until,
        "is_current": d.is_current,
        "expired": bool(d.valid_until and d.valid_until < today),
        "has_file": bool(d.file),
        "content_type": d.content_type,
        "size": d.size,
        "uploaded_at": d.uploaded_at,
    }


@router.get("/documents", response=list[DocumentOut], summary="证照材料（编号脱敏）")
@paginate(Page, page_size=50)
def list_documents(
    request, person: int | None = None, household: int | None = None, doc_type: str = "", include_history: bool = False
):
    queryset = Document.objects.select_related("doc_type").order_by("-uploaded_at", "-id")
    if person is not None:
        queryset = queryset.filter(person=get_object_or_404(Person.objects, pk=person))
    if household is not None:
        queryset = queryset.filter(household=get_object_or_404(Household.objects, pk=household))
    if doc_type:
        queryset = queryset.filter(doc_type_id=doc_type)
    if not include_history:
        queryset = queryset.filter(is_current=True)
    return [document_out(d) for d in queryset]


@router.post("/documents", response={201: DocumentOut, 400: ErrorOut}, summary="采集材料（multipart 上传 PDF/JPG/PNG）")
def create_document(request, payload: Form[DocumentIn], file: UploadedFile = File(None)):  # noqa: B008
    doc_type = DocumentType.objects.filter(code=payload.doc_type).first()
    if doc_type is None:
        return 400, {"code": "doc_type_unknown", "message": f"没有证照类型{payload.doc_type}"}
    person = get_object_or_404(Person.objects, pk=payload.person_id) if payload.person_id else None
    household = get_object_or_404(Household.objects, pk=payload.household_id) if payload.household_id else None
    document = services.attach_document(
        doc_type=doc_type,
        person=person,
        household=household,
        upload=file,
        uploaded_by=request.user,
        **payload.dict(exclude={"doc_type", "person_id", "household_id"}),
    )
    return 201, document_out(document)


# --- search ----------------------------------------------------------------------------------


@router.get("/search", response=list[PersonOut], summary="一框查找居民（姓名、拼音、首字母、身份证号、电话、住址）")
def search(request, q: str, limit: int = 50):
    people = search_persons(q, limit=max(1, min(limit, 200)))
    return [person_out(p) for p in people]
