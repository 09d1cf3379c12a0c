"""REST API of payments (/api/v1/payments/...): rolls with their reconciliation; generate, approve.
Scoped like the pages (another township's roll is 404); errors are {"code", "message"}."""

from datetime import date

from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from core.api import ErrorOut
from payments import rolls
from payments.models import PaymentRoll
from payments.returns import reconcile

router = Router(tags=["资金与发放"])


class RollOut(Schema):
    id: int
    number: str
    programme: str
    month: date
    area_code: str
    status: str
    line_count: int
    planned: str
    paid: str
    failed: str
    held: str
    pending: str
    balanced: bool
    issue_count: int


class GenerateIn(Schema):
    programme: str
    month: date
    area_code: str


def _out(rec) -> dict:
    roll = rec.roll
    return {
        "id": roll.pk,
        "number": roll.number,
        "programme": roll.programme,
        "month": roll.month,
        "area_code": roll.area_code,
        "status": roll.status,
        "line_count": roll.line_count,
        "planned": rec.planned_yuan,
        "paid": rec.paid_yuan,
        "failed": rec.failed_yuan,
        "held": rec.held_yuan,
        "pending": rec.pending_yuan,
        "balanced": rec.balanced,
        "issue_count": roll.issue_count,
    }


@router.get("/rolls", response=list[RollOut])
def list_rolls(request, month: date | None = None, programme: str = ""):
    queryset = PaymentRoll.objects.all()
    if month:
        queryset = queryset.filter(month=month.replace(day=1))
    if programme:
        queryset = queryset.filter(programme=programme)
    return [_out(rec) for rec in reconcile(queryset[:500])]


@router.get("/rolls/{roll_id}", response=RollOut)
def get_roll(request, roll_id: int):
    roll = get_object_or_404(PaymentRoll.objects, pk=roll_id)
    return _out(reconcile(PaymentRoll.objects.filter(pk=roll.pk))[0])


@router.post("/rolls", response={201: RollOut, 400: ErrorOut})
def generate(request, payload: GenerateIn):
    roll = rolls.generate_roll(
        programme=payload.programme, month=payload.month, area_code=payload.area_code, user=request.user
    )
    return 201, _out(reconcile(PaymentRoll.objects.filter(pk=roll.pk))[0])


@router.post("/rolls/{roll_id}/approve", response={200: RollOut, 400: ErrorOut})
def approve(request, roll_id: int):
    roll = get_object_or_404(PaymentRoll.objects, pk=roll_id)
    rolls.approve_roll(roll, user=request.user)
    return _out(reconcile(PaymentRoll.objects.filter(pk=roll.pk))[0])
