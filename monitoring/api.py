"""REST API of monitoring: warnings (the closed loop) and the board counts. Scoped like the UI."""

from datetime import date
from decimal import Decimal

from django.utils import timezone
from ninja import Router, Schema
from ninja.pagination import paginate

from core.api import Page
from monitoring.models import Warning
from monitoring.services import board_counts

router = Router(tags=["低收入人口动态监测"])


class WarningOut(Schema):
    id: int
    signal: str
    risk: str
    stage: str
    household_id: int
    amount: Decimal | None
    raised_on: date
    due_on: date
    assigned_unit_id: int | None
    assigned_to_id: int | None
    case_id: int | None
    closure_reason: str
    area_code: str


@router.get("/warnings", response=list[WarningOut])
@paginate(Page, page_size=50)
def warnings(request, stage: str = "", overdue: bool = False):
    queryset = Warning.objects.order_by("due_on", "id")
    if stage:
        queryset = queryset.filter(stage=stage)
    if overdue:
        queryset = queryset.filter(stage__in=Warning.OPEN_STAGES, due_on__lt=timezone.localdate())
    return queryset


@router.get("/board")
def board(request):
    return board_counts(timezone.localdate())
