"""Batch exchange, format version 1 (docs/exchange/v1/*.schema.json; docs/partners-api.md).

A batch is a JSON Lines file: the first line is the batch header (batch id, kind, area, record
count), every other line one record of that kind. The SHA-256 of the whole file travels beside it
(`X-Batch-SHA256`). The schema files are not only documentation: `validate` reads them, so what the
page promises and what the platform checks cannot drift apart.

Receiving (`receive_batch`) is idempotent by batch id and all-or-nothing: the same file under the
same id is stored once (the second answer says so); another file under a used id is refused (409);
every line is checked before anything is written, and one bad line refuses the whole batch with
every line's reason in Chinese. Sending up (`export_enrolments`) writes the same format.
"""

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from areas.codes import prefix_of
from core.errors import DomainError
from partners.credentials import require_scope
from partners.errors import PartnerCode
from partners.models import ExchangeBatch, PartnerClient
from partners.scopes import Scope

FORMAT = "minzheng-exchange"
VERSION = "1"
SCHEMA_DIR = Path(settings.BASE_DIR) / "docs" / "exchange" / "v1"
MAX_BYTES = 20 * 1024 * 1024
MAX_ERRORS = 50
KIND_SCHEMA = {"deaths": "death", "enrolments": "enrolment"}
KIND_LABEL = {"deaths": "死亡信息", "enrolments": "保障对象"}
# Which kinds a department may send down, and the scope it needs for each.
INBOUND_SCOPE = {"deaths": Scope.DEATHS_WRITE}


@cache
def schema(name: str) -> dict:
    return json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))


_TYPES = {
    "object": dict,
    "string": str,
    "integer": int,
    "number": (int, float),
    "boolean": bool,
    "array": list,
    "null": type(None),
}
_TYPE_NAMES = {
    "object": "对象",
    "string": "文本",
    "integer": "整数",
    "number": "数字",
    "boolean": "是或否",
    "array": "列表",
    "null": "空值",
}


def _is(value, type_name: str) -> bool:
    if type_name in ("integer", "number") and isinstance(value, bool):
        return False
    return isinstance(value, _TYPES[type_name])


def _check_value(value, rule: dict, label: str) -> str | None:
    types = rule.get("type")
    if types is not None:
        types = [types] if isinstance(types, str) else types
        if not any(_is(value, t) for t in types):
            return f"“{label}”应为{'或'.join(_TYPE_NAMES[t] for t in types)}"
    if value is None:
        return None
    if "const" in rule and value != rule["const"]:
        return f"“{label}”应为 {rule['const']}"
    if "enum" in rule and value not in rule["enum"]:
        return f"“{label}”只能是 " + "、".join(str(v) for v in rule["enum"])
    if isinstance(value, str):
        if len(value) < rule.get("minLength", 0):
            return f"“{label}”不能为空"
        if "maxLength" in rule and len(value) > rule["maxLength"]:
            return f"“{label}”过长（最多{rule['maxLength']}个字符）"
        if "pattern" in rule and not re.search(rule["pattern"], value):
            return f"“{label}”格式不正确"
        if rule.get("format") == "date":
            try:
                date.fromisoformat(value)
            except ValueError:
                return f"“{label}”不是有效日期"
    if isinstance(value, int | float) and not isinstance(value, bool):
        if "minimum" in rule and value < rule["minimum"]:
            return f"“{label}”不能小于{rule['minimum']}"
        if "maximum" in rule and value > rule["maximum"]:
            return f"“{label}”不能大于{rule['maximum']}"
    return None


def validate(record, name: str) -> list[str]:
    """The reasons a record does not fit schema `name` (the subset of JSON Schema the files use)."""
    spec = schema(name)
    if not isinstance(record, dict):
        return ["应为JSON对象"]
    properties = spec.get("properties", {})
    problems = [
        f"缺少“{properties.get(key, {}).get('title', key)}”" for key in spec.get("required", []) if key not in record
    ]
    if spec.get("additionalProperties") is False:
        extra = [key for key in record if key not in properties]
        if extra:
            problems.append("有未定义的字段：" + "、".join(str(k)[:30] for k in extra[:5]))
    for key, rule in properties.items():
        if key in record:
            problem = _check_value(record[key], rule, rule.get("title", key))
            if problem:
                problems.append(problem)
    return problems


@dataclass(frozen=True)
class Received:
    batch: ExchangeBatch
    created: bool


def _refuse(errors: list[str]):
    shown = errors[:MAX_ERRORS]
    more = f"；另有{len(errors) - MAX_ERRORS}处错误未列出" if len(errors) > MAX_ERRORS else ""
    raise DomainError(PartnerCode.BATCH_INVALID, "批次未接收（整批不保存）：" + "；".join(shown) + more, errors=shown)


def refuse_batch(errors: list[str]):
    """Refuse a whole batch with every bad line's reason (422 batch_invalid): for a line's apply."""
    _refuse(errors)


def parse_batch(body: bytes) -> tuple[dict, list]:
    """The header and the records of a batch file, or a DomainError listing every bad line."""
    if len(body) > MAX_BYTES:
        raise DomainError(PartnerCode.BAD_INPUT, f"批次文件过大（最多{MAX_BYTES // 1024 // 1024}MB），请分批报送")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise DomainError(PartnerCode.BAD_INPUT, "批次文件应为UTF-8编码") from None
    if "\x00" in text:
        raise DomainError(PartnerCode.BAD_INPUT, "批次文件含有空字符")
    lines = [line for line in text.split("\n")]
    if lines and lines[-1].strip() == "":
        lines.pop()
    if not lines or not lines[0].strip():
        raise DomainError(PartnerCode.BAD_INPUT, "批次文件为空：第一行应为批次头")
    parsed = []
    errors = []
    for number, line in enumerate(lines, start=1):
        try:
            parsed.append(json.loads(line))
        except ValueError:
            parsed.append(None)
            errors.append(f"第{number}行：不是合法的JSON")
    header = parsed[0]
    if header is None:
        _refuse(errors)
    header_errors = validate(header, "header")
    if header_errors:
        _refuse([f"第1行（批次头）：{p}" for p in header_errors])
    records = parsed[1:]
    if header["records"] != len(records):
        errors.append(f"批次头写明{header['records']}条记录，实际为{len(records)}条")
    record_schema = KIND_SCHEMA[header["kind"]]
    for number, record in enumerate(records, start=2):
        if record is None:
            continue
        errors.extend(f"第{number}行：{p}" for p in validate(record, record_schema))
    if errors:
        _refuse(errors)
    return header, records


def checksum(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def receive_batch(client: PartnerClient, body: bytes, declared_sha256: str) -> Received:
    """接收部门批次: checksum, header, idempotency by batch id, every line checked, then applied."""
    declared = (declared_sha256 or "").strip().lower()
    if not re.fullmatch(r"[0-9a-f]{64}", declared):
        raise DomainError(
            PartnerCode.CHECKSUM, "缺少或格式不正确的校验值：请求头 X-Batch-SHA256 应为64位十六进制SHA-256"
        )
    actual = checksum(body)
    if actual != declared:
        raise DomainError(PartnerCode.CHECKSUM, "校验值不符：文件在传输中可能损坏，请重新发送")
    header, records = parse_batch(body)
    kind = header["kind"]
    if kind not in INBOUND_SCOPE:
        raise DomainError(PartnerCode.BAD_INPUT, f"{KIND_LABEL[kind]}批次只能由民政向外报送，不能上传")
    require_scope(client, INBOUND_SCOPE[kind])
    if not header["area_code"].startswith(prefix_of(client.area_code)):
        raise DomainError(PartnerCode.OUT_OF_AREA, f"批次的区划代码{header['area_code']}不在该客户端的辖区内")
    earlier = _earlier(client, header["batch_id"], actual)
    if earlier is not None:
        return Received(earlier, created=False)
    try:
        with transaction.atomic():
            batch = ExchangeBatch.objects.create(
                client=client,
                area_code=header["area_code"],
                batch_id=header["batch_id"],
                direction=ExchangeBatch.Direction.INBOUND,
                kind=kind,
                format_version=VERSION,
                sha256=actual,
                records=len(records),
                size_bytes=len(body),
            )
            result = APPLY[kind](client, header, records)
            ExchangeBatch.objects.filter(pk=batch.pk).update(status=ExchangeBatch.Status.APPLIED, result=result)
            batch.status, batch.result = ExchangeBatch.Status.APPLIED, result
    except IntegrityError:  # the same batch id sent twice at once: the first one stands
        earlier = _earlier(client, header["batch_id"], actual)
        if earlier is None:
            raise
        return Received(earlier, created=False)
    return Received(batch, created=True)


def _earlier(client: PartnerClient, batch_id: str, sha256: str) -> ExchangeBatch | None:
    earlier = ExchangeBatch.unscoped.filter(
        client=client, batch_id=batch_id, direction=ExchangeBatch.Direction.INBOUND
    ).first()
    if earlier is not None and earlier.sha256 != sha256:
        raise DomainError(
            PartnerCode.BATCH_CONFLICT,
            f"批次编号{batch_id}已于{timezone.localtime(earlier.received_at):%Y-%m-%d %H:%M}接收过另一份文件，"
            "同一编号不能用于不同内容，请换用新的批次编号",
        )
    return earlier


def record_deaths(area_code: str, records: list[dict], *, first_line: int | None = 2) -> dict:
    """死亡信息: each named resident of the area is recorded dead through the registry
    (registry.services.register_death: the ledger stops payment and opens the review). Every
    record is checked first — a valid ID number, a resident of the area under that name, once,
    a date not in the future — and one bad record refuses all. `first_line` numbers the records
    as lines of a batch file (None: a single record, no line numbers)."""
    from registry.hooks import DeathSource
    from registry.idcard import InvalidIdNumber, parse
    from registry.models import Person

    def where(index: int) -> str:
        return "" if first_line is None else f"第{first_line + index}行："

    errors = []
    for index, record in enumerate(records):
        try:
            parse(record["id_number"])
        except InvalidIdNumber as exc:
            errors.append(where(index) + exc.message)
        if date.fromisoformat(record["died_on"]) > timezone.localdate():
            errors.append(where(index) + "死亡日期不能晚于今天")
    people = {
        p.id_number: p
        for p in Person.objects.in_area(area_code).filter(id_number__in=[r["id_number"] for r in records])
    }
    seen = set()
    for index, record in enumerate(records):
        person = people.get(record["id_number"])
        if person is None:
            errors.append(where(index) + f"辖区居民库中没有身份证号为{record['id_number']}的居民")
        elif person.name != record["name"]:
            errors.append(where(index) + f"身份证号{record['id_number']}登记的姓名与“{record['name']}”不符")
        elif record["id_number"] in seen:
            errors.append(where(index) + "同一居民在本批次中重复出现")
        seen.add(record["id_number"])
    if errors:
        if first_line is None:
            raise DomainError(PartnerCode.BAD_INPUT, "；".join(dict.fromkeys(errors)))
        _refuse(errors)
    from registry.services import register_death

    sources = {"death": DeathSource.POLICE, "funeral": DeathSource.FUNERAL}
    recorded = already = 0
    for record in records:
        person = people[record["id_number"]]
        was_dead = not person.is_alive
        register_death(
            person, died_on=date.fromisoformat(record["died_on"]), source=sources[record["source"]], user=None
        )
        already += was_dead
        recorded += not was_dead
    return {"新登记死亡": recorded, "此前已登记": already}


def apply_deaths(client: PartnerClient, header: dict, records: list[dict]) -> dict:
    return record_deaths(header["area_code"], records)


APPLY = {"deaths": apply_deaths}


def register_inbound(
    kind: str, *, label: str, schema: str, scope: str, apply: Callable[[PartnerClient, dict, list[dict]], dict]
) -> None:
    """A kind of batch a department sends down, for a line above this one (medical: the 医保局's
    assistance paid): its schema file in docs/exchange/v1, the write scope it needs, and the
    function that applies its checked records in the batch's transaction (refusing with
    `refuse_batch` when a line does not fit)."""
    KIND_SCHEMA[kind], KIND_LABEL[kind], INBOUND_SCOPE[kind], APPLY[kind] = schema, label, scope, apply


@dataclass(frozen=True)
class OutboundKind:
    kind: str
    label: str
    scope: str
    build: Callable[[PartnerClient, dict], list[dict]]


_OUTBOUND: dict[str, OutboundKind] = {}


def register_outbound(
    kind: str, *, label: str, schema: str, scope: str, build: Callable[[PartnerClient, dict], list[dict]]
) -> None:
    """A kind of batch a department fetches (`GET /exchange/<kind>`), for a line above this one
    (medical: the eligible persons for the 医保局): `build(client, params)` returns its records,
    read inside the client's area."""
    KIND_SCHEMA[kind], KIND_LABEL[kind] = schema, label
    _OUTBOUND[kind] = OutboundKind(kind, label, scope, build)


@dataclass(frozen=True)
class Exported:
    batch: ExchangeBatch
    body: bytes


def export_enrolments(client: PartnerClient, *, include_stopped: bool = False) -> Exported:
    """保障对象上报: every enrolment of the client's area (the open ones unless asked), one line
    each, in the v1 format, recorded as an outbound batch with its checksum."""
    from ledger.models import Enrolment
    from partners.events import enrolment_data

    require_scope(client, Scope.ENROLMENTS_READ)
    queryset = Enrolment.objects.select_related("household__head", "beneficiary").order_by("area_code", "id")
    if not include_stopped:
        queryset = queryset.exclude(status=Enrolment.Status.STOPPED)
    return _export(client, "enrolments", [enrolment_data(e) for e in queryset.iterator(chunk_size=2000)])


def export_kind(client: PartnerClient, kind: str, params: dict) -> Exported:
    """A registered outbound kind (register_outbound), in the v1 format, recorded like the enrolments."""
    if kind == "enrolments":
        return export_enrolments(client, include_stopped=bool(params.get("include_stopped")))
    outbound = _OUTBOUND.get(kind)
    if outbound is None:
        raise DomainError(PartnerCode.NOT_FOUND, f"没有“{kind[:30]}”这类可导出的交换数据")
    require_scope(client, outbound.scope)
    return _export(client, kind, outbound.build(client, params))


def _export(client: PartnerClient, kind: str, records: list[dict]) -> Exported:
    lines = [json.dumps(record, ensure_ascii=False) for record in records]
    now = timezone.localtime()
    batch_id = f"{client.client_id}-{now:%Y%m%d%H%M%S%f}"
    header = {
        "format": FORMAT,
        "version": VERSION,
        "batch_id": batch_id[:64],
        "kind": kind,
        "area_code": client.area_code,
        "created_at": now.isoformat(),
        "sender": str(getattr(settings, "MINZHENG", {}).get("SITE_NAME", "民政一体化服务平台"))[:100],
        "records": len(lines),
    }
    body = ("\n".join([json.dumps(header, ensure_ascii=False), *lines]) + "\n").encode()
    batch = ExchangeBatch.objects.create(
        client=client,
        area_code=client.area_code,
        batch_id=header["batch_id"],
        direction=ExchangeBatch.Direction.OUTBOUND,
        kind=kind,
        sha256=checksum(body),
        records=len(lines),
        size_bytes=len(body),
        status=ExchangeBatch.Status.APPLIED,
    )
    return Exported(batch, body)
