"""The 医保局 through the partners' API (docs/partners-api.md §4; ADR 0033): the same two lists as
the files of the medical page, as JSON Lines batches of format version 1.

- `GET /api/v1/partners/exchange/medical_eligible` (scope medical:read): the eligible persons of the
  client's area with their class and validity — the full list, or with `delta=true` the changes
  since the last list sent (by file or here). Either is also an ExchangeFile on the medical page,
  and what the bureau was told (SentPerson) follows it, exactly as for a file.
- `POST /api/v1/partners/batches` with kind `medical_paid` (scopes batches:write and medical:write):
  the assistance paid, checked line by line as the file import checks its rows (medical.paid), all
  or nothing, then stored the same way (MedicalPayment, the 医保 department batch)."""

import csv
import hashlib
import io

from django.utils import timezone

from medical import exchange, paid
from medical.models import AidClass, ExchangeFile
from partners.exchange import refuse_batch, register_inbound, register_outbound
from partners.scopes import Scope

CHANGE = {"": "current", "new": "new", "changed": "changed", "stopped": "stopped"}


def eligible_records(client, params: dict) -> list[dict]:
    kind = ExchangeFile.Kind.DELTA if params.get("delta") else ExchangeFile.Kind.FULL
    made = exchange.build_file(kind=kind, as_of=timezone.localdate(), area_code=client.area_code)
    if made is None:  # a delta with nothing to say
        return []
    return [
        {
            "change": CHANGE[change],
            "id_number": e.id_number,
            "name": e.name,
            "aid_class": e.aid_class,
            "aid_class_label": str(AidClass(e.aid_class).label),
            "valid_from": e.valid_from.isoformat(),
            "valid_to": e.valid_to.isoformat() if e.valid_to else None,
            "area_code": e.area_code,
        }
        for e, change in made.pairs
    ]


def _csv(records: list[dict]) -> bytes:
    keys = [f.key for f in paid.FIELDS]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([f.default for f in paid.FIELDS])
    for record in records:
        writer.writerow([record.get(key, "") for key in keys])
    return out.getvalue().encode("utf-8-sig")


def apply_paid(client, header: dict, records: list[dict]) -> dict:
    from core.errors import DomainError

    try:
        rows = paid.check_records(records, timezone.localdate())
    except DomainError as error:
        refuse_batch(list(error.details.get("errors") or [error.message]))
    content = _csv(records)
    stored = paid.store_paid(
        rows,
        name=f"{header['batch_id']}.csv",
        sha=hashlib.sha256(f"partners:{client.client_id}:{header['batch_id']}".encode()).hexdigest(),
        content=content,
        area=header["area_code"],
        user=None,
        mapping={"来源": f"接口:{client.client_id}"},
    )
    return {"导入支付明细": stored.rows, "医疗救助合计（元）": str(stored.total_aid)}


register_outbound(
    "medical_eligible",
    label="医疗救助对象",
    schema="medical_eligible",
    scope=Scope.MEDICAL_READ,
    build=eligible_records,
)
register_inbound(
    "medical_paid", label="医疗救助支付明细", schema="medical_paid", scope=Scope.MEDICAL_WRITE, apply=apply_paid
)
