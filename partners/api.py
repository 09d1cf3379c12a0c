"""The partners' API (/api/v1/partners/...): what other departments' and the province's systems call.

Authentication is the client credential (`Authorization: Bearer <client_id>.<secret>`,
partners.credentials), never a staff session or a staff token; every call is counted against the
client's rate limit, needs the scope its endpoint names, and runs inside the client's area exactly
as a staff member of that area would (areas.jurisdiction.within). Refusals are
`{"code": …, "message": "中文说明"}`: 401 without a valid credential or for a revoked client, 403
outside the scopes, 429 over the rate limit (with Retry-After), 409 for a batch id reused for other
content, 422 for a batch that does not fit the format (every bad line named).
"""

import functools
from datetime import date, timedelta
from typing import Literal

from django.http import HttpResponse
from django.utils import timezone
from ninja import Field, Header, Router, Schema, Status
from ninja.security import HttpBearer

from areas.jurisdiction import scope_for_area, within
from audit.context import Actor, acting_as, client_ip
from core.api import ErrorOut
from core.errors import DomainError
from core.masking import mask_name
from partners import credentials, exchange
from partners.errors import PartnerCode
from partners.models import ExchangeBatch, PartnerClient
from partners.scopes import Scope


class PartnerAuth(HttpBearer):
    """Client credentials; any failure is a Chinese 401 (or 429), never the framework's English."""

    def __call__(self, request):
        value = request.headers.get("Authorization", "")
        scheme, _, credential = value.partition(" ")
        if scheme.lower() != "bearer" or not credential.strip():
            raise DomainError(
                PartnerCode.NO_CREDENTIALS, "缺少客户端凭证（请求头 Authorization: Bearer 客户端编号.密钥）"
            )
        return self.authenticate(request, credential.strip())

    def authenticate(self, request, token):
        client = credentials.authenticate(token)
        credentials.count_call(client)
        now = timezone.now()
        if client.last_used_at is None or now - client.last_used_at > timedelta(minutes=1):
            PartnerClient.unscoped.filter(pk=client.pk).update(last_used_at=now)
        return client


AUTH_ERRORS = {401: ErrorOut, 403: ErrorOut, 429: ErrorOut}
router = Router(tags=["部门与上级系统接口"], auth=PartnerAuth())


def partner_call(scope: str | None = None):
    """Check the scope, then run the endpoint inside the client's area, as the client."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            client: PartnerClient = request.auth
            if scope:
                credentials.require_scope(client, scope)
            actor = Actor(
                user_id=None,
                username=f"接口:{client.client_id}",
                unit_name=f"{client.department}·{client.name}"[:100],
                ip=client_ip(request),
                area_code=client.area_code,
            )
            with within(scope_for_area(client.area_code)), acting_as(actor):
                return view(request, *args, **kwargs)

        return wrapper

    return decorate


class ClientOut(Schema):
    client_id: str
    name: str
    department: str
    area_code: str
    scopes: list[str]
    rate_limit_per_minute: int


@router.get("/me", response={200: ClientOut, **AUTH_ERRORS}, summary="本客户端的授权信息")
@partner_call()
def me(request):
    client = request.auth
    return ClientOut(
        client_id=client.client_id,
        name=client.name,
        department=client.department,
        area_code=client.area_code,
        scopes=client.scopes,
        rate_limit_per_minute=client.rate_limit_per_minute,
    )


class PersonStatusOut(Schema):
    id_number: str
    name: str = Field(description="姓名（脱敏）")
    life_status: str
    life_status_name: str
    died_on: date | None
    area_code: str


@router.get(
    "/persons/{id_number}",
    response={200: PersonStatusOut, 400: ErrorOut, 404: ErrorOut, **AUTH_ERRORS},
    summary="按身份证号查询居民生存状态（registry:read）",
)
@partner_call(Scope.REGISTRY_READ)
def person_status(request, id_number: str):
    from registry.idcard import InvalidIdNumber, parse
    from registry.models import Person

    try:
        number = parse(id_number).number
    except InvalidIdNumber as exc:
        raise DomainError(PartnerCode.BAD_INPUT, exc.message) from None
    person = Person.objects.filter(id_number=number).first()
    if person is None:
        raise DomainError(PartnerCode.NOT_FOUND, "辖区居民库中没有该身份证号的居民")
    return PersonStatusOut(
        id_number=person.id_number,
        name=mask_name(person.name),
        life_status=person.life_status,
        life_status_name=str(person.get_life_status_display()),
        died_on=person.death_date,
        area_code=person.area_code,
    )


class DeathIn(Schema):
    id_number: str = Field(max_length=18, description="身份证号")
    name: str = Field(max_length=50, description="姓名")
    died_on: date = Field(description="死亡日期")
    source: Literal["death", "funeral"] = Field(description="death：公安死亡人员信息；funeral：殡葬火化信息")


class DeathOut(Schema):
    recorded: bool = Field(description="本次新登记为死亡；false 表示此前已登记")
    message: str


@router.post(
    "/deaths",
    response={200: DeathOut, 400: ErrorOut, 422: ErrorOut, **AUTH_ERRORS},
    summary="报送一条死亡信息（deaths:write）",
)
@partner_call(Scope.DEATHS_WRITE)
def report_death(request, payload: DeathIn):
    """The same checks and the same consequences as one line of a deaths batch: the resident
    must be in the client's area under that name; payment stops and the review opens."""
    record = {
        "id_number": payload.id_number.strip().upper(),
        "name": payload.name.strip(),
        "died_on": payload.died_on.isoformat(),
        "source": payload.source,
    }
    result = exchange.record_deaths(request.auth.area_code, [record], first_line=None)
    recorded = bool(result["新登记死亡"])
    return DeathOut(
        recorded=recorded, message="已登记死亡，停发和复核随之办理" if recorded else "此前已登记死亡，未作改动"
    )


class BatchOut(Schema):
    batch_id: str
    kind: str
    records: int
    sha256: str
    status: str
    result: dict
    received_at: str
    duplicate: bool = False


def _batch_out(batch: ExchangeBatch, duplicate: bool = False) -> BatchOut:
    return BatchOut(
        batch_id=batch.batch_id,
        kind=batch.kind,
        records=batch.records,
        sha256=batch.sha256,
        status=batch.status,
        result=batch.result,
        received_at=timezone.localtime(batch.received_at).isoformat(),
        duplicate=duplicate,
    )


@router.post(
    "/batches",
    response={200: BatchOut, 201: BatchOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, **AUTH_ERRORS},
    summary="上传批量交换文件（batches:write，JSON Lines 第1版）",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/x-ndjson": {"schema": {"type": "string", "description": "第一行批次头，其后每行一条记录"}}
            },
        }
    },
)
@partner_call(Scope.BATCHES_WRITE)
def upload_batch(request, x_batch_sha256: str = Header("", alias="X-Batch-SHA256", max_length=100)):
    """201 when stored now; 200 with `duplicate: true` when the same file came before under this id."""
    received = exchange.receive_batch(request.auth, request.body, x_batch_sha256)
    return Status(201 if received.created else 200, _batch_out(received.batch, duplicate=not received.created))


@router.get(
    "/batches/{batch_id}",
    response={200: BatchOut, 404: ErrorOut, **AUTH_ERRORS},
    summary="查询已上传批次的处理结果（batches:write）",
)
@partner_call(Scope.BATCHES_WRITE)
def batch_status(request, batch_id: str):
    batch = ExchangeBatch.objects.filter(
        client=request.auth, batch_id=batch_id[:64], direction=ExchangeBatch.Direction.INBOUND
    ).first()
    if batch is None:
        raise DomainError(PartnerCode.NOT_FOUND, "没有这个批次编号")
    return _batch_out(batch)


@router.get(
    "/exchange/enrolments",
    response={200: str, **AUTH_ERRORS},
    summary="导出本辖区保障对象（enrolments:read，JSON Lines 第1版）",
    openapi_extra={
        "responses": {
            200: {
                "description": "JSON Lines 文件；请求头 X-Batch-Id、X-Batch-SHA256",
                "content": {"application/x-ndjson": {"schema": {"type": "string"}}},
            }
        }
    },
)
@partner_call(Scope.ENROLMENTS_READ)
def export_enrolments(request, include_stopped: bool = False):
    exported = exchange.export_enrolments(request.auth, include_stopped=include_stopped)
    response = HttpResponse(exported.body, content_type="application/x-ndjson; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{exported.batch.batch_id}.jsonl"'
    response["X-Batch-Id"] = exported.batch.batch_id
    response["X-Batch-SHA256"] = exported.batch.sha256
    return response


@router.get(
    "/exchange/{kind}",
    response={200: str, 403: ErrorOut, 404: ErrorOut, **AUTH_ERRORS},
    summary="导出其他交换数据（medical_eligible：医疗救助对象名单，medical:read；JSON Lines 第1版）",
    openapi_extra={
        "responses": {
            200: {
                "description": "JSON Lines 文件；请求头 X-Batch-Id、X-Batch-SHA256",
                "content": {"application/x-ndjson": {"schema": {"type": "string"}}},
            }
        }
    },
)
@partner_call()
def export_kind(request, kind: str, delta: bool = False):
    """`delta=true`: only the changes since the last list the platform sent (by file or here)."""
    exported = exchange.export_kind(request.auth, kind[:40], {"delta": delta})
    response = HttpResponse(exported.body, content_type="application/x-ndjson; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{exported.batch.batch_id}.jsonl"'
    response["X-Batch-Id"] = exported.batch.batch_id
    response["X-Batch-SHA256"] = exported.batch.sha256
    return response
