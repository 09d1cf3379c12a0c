"""The stock of relief materials (救灾物资): received, stored, issued against a signed receipt.

Two guards keep a store from issuing what it does not hold: every issue is a conditional UPDATE
(`on_hand = on_hand - n WHERE on_hand >= n`), so two clerks issuing the last quilts at the same
moment cannot both succeed — the second UPDATE waits for the first row lock and then matches no
row; and a CHECK constraint (`on_hand >= 0`) refuses any write that would go below zero. Every
movement is an append-only `StockMovement` carrying the balance after it (ADR 0030)."""

import base64
import binascii
import uuid

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone

from areas.jurisdiction import current_scope
from audit.models import AuditEntry
from audit.services import record
from core.errors import DomainError
from relief.errors import ReliefCode
from relief.models import UNITS, Material, Receipt, StockItem, StockMovement, Store

PNG = b"\x89PNG\r\n\x1a\n"
JPEG = b"\xff\xd8\xff"
MAX_IMAGE_BYTES = 2 * 1024 * 1024
SIGNATURE_PREFIX = "data:image/png;base64,"


def item_for(store: Store, material: str) -> StockItem:
    if material not in Material.values:
        raise DomainError(ReliefCode.BAD_INPUT, "请选择物资")
    item, _ = StockItem.objects.get_or_create(store=store, material=material, defaults={"area_code": store.area_code})
    return item


def _quantity(quantity) -> int:
    try:
        quantity = int(quantity)
    except (TypeError, ValueError):
        raise DomainError(ReliefCode.BAD_INPUT, "数量须是整数") from None
    if quantity <= 0:
        raise DomainError(ReliefCode.BAD_INPUT, "数量必须大于0")
    return quantity


@transaction.atomic
def receive(*, store: Store, material: str, quantity, document_reference: str, user, note: str = "",
            idempotency_key: str | None = None) -> StockMovement:  # fmt: skip
    """入库 (调拨、采购、捐赠): the document it came with is required."""
    key = idempotency_key or f"receive:{uuid.uuid4()}"
    earlier = StockMovement.objects.filter(idempotency_key=key).first()
    if earlier is not None:
        return earlier
    quantity = _quantity(quantity)
    if not (document_reference or "").strip():
        raise DomainError(ReliefCode.BAD_INPUT, "入库须填写调拨单、采购或捐赠凭证号")
    if not current_scope().allows(store.area_code):
        raise DomainError(ReliefCode.OUT_OF_AREA, "不是本辖区的仓库")
    item = item_for(store, material)
    StockItem.objects.filter(pk=item.pk).update(on_hand=F("on_hand") + quantity)
    item.refresh_from_db(fields=["on_hand"])
    movement = StockMovement.objects.create(
        item=item,
        area_code=item.area_code,
        kind=StockMovement.Kind.RECEIVED,
        quantity=quantity,
        balance_after=item.on_hand,
        document_reference=document_reference.strip()[:100],
        note=(note or "")[:200],
        idempotency_key=key,
        recorded_by=user,
    )
    record(AuditEntry.Action.CREATE, obj=movement, changes={"material": material, "quantity": quantity})
    return movement


def take(item: StockItem, quantity: int, *, kind: str, document_reference: str, user, receipt=None, note: str = "",
         idempotency_key: str) -> StockMovement:  # fmt: skip
    """Take `quantity` out of the item, inside the caller's transaction; refuses when short."""
    try:
        with transaction.atomic():
            changed = StockItem.unscoped.filter(pk=item.pk, on_hand__gte=quantity).update(
                on_hand=F("on_hand") - quantity
            )
    except IntegrityError:  # the CHECK constraint: a write that slipped past the condition
        changed = 0
    if not changed:
        have = StockItem.unscoped.filter(pk=item.pk).values_list("on_hand", flat=True).first() or 0
        raise DomainError(
            ReliefCode.STOCK_SHORT,
            f"{item.store.name}的{item.get_material_display()}库存不足：现有{have}{UNITS.get(item.material, '')}，"
            f"需要{quantity}{UNITS.get(item.material, '')}",
        )
    item.refresh_from_db(fields=["on_hand"])
    return StockMovement.unscoped.create(
        item=item,
        area_code=item.area_code,
        kind=kind,
        quantity=-quantity,
        balance_after=item.on_hand,
        document_reference=document_reference,
        receipt=receipt,
        note=note[:200],
        idempotency_key=idempotency_key,
        recorded_by=user,
    )


def _image(data: bytes | None, what: str) -> bytes | None:
    if not data:
        return None
    if len(data) > MAX_IMAGE_BYTES:
        raise DomainError(ReliefCode.BAD_INPUT, f"{what}太大（不超过2MB）")
    if not (data.startswith(PNG) or data.startswith(JPEG)):
        raise DomainError(ReliefCode.BAD_INPUT, f"{what}须是PNG或JPEG图片")
    return data


def decode_signature(value: str | None) -> bytes | None:
    """The signature pad's data URL (`data:image/png;base64,…`) → PNG bytes; blank → None."""
    value = (value or "").strip()
    if not value:
        return None
    if not value.startswith(SIGNATURE_PREFIX):
        raise DomainError(ReliefCode.BAD_INPUT, "签名格式有误，请重新签名")
    try:
        data = base64.b64decode(value[len(SIGNATURE_PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        raise DomainError(ReliefCode.BAD_INPUT, "签名格式有误，请重新签名") from None
    return _image(data, "签名")


@transaction.atomic
def issue(
    *,
    store: Store | None,
    household,
    lines: list[tuple[str, int]],
    signer_name: str,
    signature: bytes | None,
    photo: bytes | None = None,
    cash=0,
    purpose: str,
    user,
    idempotency_key: str,
    document_reference: str = "",
    now=None,
) -> Receipt:
    """发放: goods (and cash handed over) to one household against its signed receipt — a drawn
    signature or a photo of the signed paper. The same idempotency key twice returns the first
    receipt (a double tap on a phone issues once)."""
    earlier = Receipt.objects.filter(idempotency_key=idempotency_key).first()
    if earlier is not None:
        return earlier
    if not current_scope().allows(household.area_code):
        raise DomainError(ReliefCode.OUT_OF_AREA, "该家庭不在本辖区")
    signer_name = (signer_name or "").strip()
    if not signer_name:
        raise DomainError(ReliefCode.NO_SIGNATURE, "请填写签收人姓名")
    signature, photo = _image(signature, "签名"), _image(photo, "照片")
    if not signature and not photo:
        raise DomainError(ReliefCode.NO_SIGNATURE, "请签收人签名，或拍下签字的签收单")
    lines = [(material, _quantity(quantity)) for material, quantity in lines if quantity]
    if lines and store is None:
        raise DomainError(ReliefCode.BAD_INPUT, "请选择出库仓库")
    if not lines and not cash:
        raise DomainError(ReliefCode.BAD_INPUT, "没有要发放的物资或现金")
    if store is not None and store.area_code[:6] != household.area_code[:6]:
        raise DomainError(ReliefCode.OUT_OF_AREA, "不能从外县的仓库发放")
    receipt = Receipt(
        household=household,
        area_code=household.area_code,
        signer_name=signer_name[:40],
        cash=cash or 0,
        purpose=purpose[:100],
        issued_by=user,
        issued_at=now or timezone.now(),
        idempotency_key=idempotency_key,
    )
    if signature:
        receipt.signature.save(f"{uuid.uuid4().hex}.png", ContentFile(signature), save=False)
    if photo:
        receipt.photo.save(f"{uuid.uuid4().hex}.jpg", ContentFile(photo), save=False)
    receipt.save()
    reference = document_reference or f"签收单{receipt.pk}"
    for index, (material, quantity) in enumerate(lines):
        # the store was read in scope by whoever chose it (the clerk here, the campaign for a 民生员)
        item = StockItem.unscoped.filter(store=store, material=material).select_related("store").first()
        if item is None:
            raise DomainError(ReliefCode.STOCK_SHORT, f"{store.name}没有{Material(material).label}库存")
        take(
            item,
            quantity,
            kind=StockMovement.Kind.ISSUED,
            document_reference=reference,
            user=user,
            receipt=receipt,
            note=f"{purpose}：户{household.number}",
            idempotency_key=f"{idempotency_key}:{index}",
        )
    record(AuditEntry.Action.CREATE, obj=receipt, changes={"household": household.number, "lines": lines})
    return receipt


def balances(stores) -> list[dict]:
    """Each item with its on_hand and the sum of its movements — the two must agree (账实相符)."""
    items = list(StockItem.objects.filter(store__in=stores).select_related("store").order_by("store", "material"))
    sums = {
        row["item"]: row
        for row in StockMovement.objects.filter(item__in=items)
        .values("item")
        .annotate(total=Sum("quantity"), issued=Sum("quantity", filter=Q(kind=StockMovement.Kind.ISSUED)))
    }
    rows = []
    for item in items:
        row = sums.get(item.pk, {})
        ledger = row.get("total") or 0
        rows.append(
            {"item": item, "ledger": ledger, "issued": -(row.get("issued") or 0), "agrees": ledger == item.on_hand}
        )
    return rows
