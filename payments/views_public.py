"""Public disclosure (公开公示), no login: the visitor chooses the area. A recipient list shows
exactly three things per row — partly masked name, household size (保障人口), amount — and the
queries select only those columns, so nothing else about a person can reach the page."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.models import Unit
from areas.codes import InvalidAreaCode, prefix_of, validate_code
from areas.models import Area
from core.masking import mask_name
from payments.checks import NOT_PUBLISHED
from payments.models import PaymentRoll, RollLine, yuan
from policy.parameters import MissingParameter, Policy
from policy.programmes import ParameterKey, Programme

PUBLIC_STANDARDS = [
    ParameterKey.DIBAO_STANDARD_URBAN,
    ParameterKey.DIBAO_STANDARD_RURAL,
    ParameterKey.DISABILITY_LIVING_AMOUNT,
    ParameterKey.ORPHAN_AMOUNT,
    ParameterKey.UNSUPPORTED_CHILD_AMOUNT,
    ParameterKey.TEMPORARY_COUNTY_CAP,
]
PERSONAL = {Programme.TEKUN, Programme.DISABILITY_LIVING, Programme.DISABILITY_CARE}


def _area(code: str) -> Area:
    try:
        validate_code(code)
    except InvalidAreaCode:
        raise Http404("区划代码无效") from None
    return get_object_or_404(Area, code=code)


def _catalogue_url(area: Area) -> str:
    try:
        return reverse("cases:public_catalogue") + f"?area={area.code}"
    except NoReverseMatch:
        return ""


def _common(area: Area) -> dict:
    return {"area": area, "catalogue_url": _catalogue_url(area), "ancestors": _ancestors(area)}


def _ancestors(area: Area) -> list[Area]:
    chain, node = [], area.parent
    while node is not None:
        chain.insert(0, node)
        node = node.parent
    return chain


def _rolls_for(area: Area):
    """Published rolls that may hold lines of this area: rolls of the area, of an area above or below it."""
    prefix = prefix_of(area.code)
    rolls = PaymentRoll.unscoped.filter(status=PaymentRoll.Status.APPROVED, published_at__isnull=False).exclude(
        programme__in=NOT_PUBLISHED
    )
    return [r for r in rolls.filter(area_code__startswith=prefix[:6]).order_by("-month", "programme")
            if prefix.startswith(r.area_prefix) or r.area_prefix.startswith(prefix)]  # fmt: skip


def public_index(request):
    counties = Area.objects.filter(level="county").order_by("code")
    return render(request, "payments/public/index.html", {"counties": counties})


def public_area(request, code: str):
    area = _area(code)
    children = Area.objects.filter(parent=area).order_by("code")[:500]
    return render(
        request, "payments/public/area.html", {**_common(area), "children": children, "rolls": _rolls_for(area)}
    )


def public_roll(request, code: str, roll_id: int):
    area = _area(code)
    roll = next((r for r in _rolls_for(area) if r.pk == roll_id), None)
    if roll is None:
        raise Http404("名单未公示")
    name_field = "beneficiary_name" if roll.programme in PERSONAL else "head_name"
    rows = (
        RollLine.unscoped.filter(roll=roll, kind=RollLine.Kind.REGULAR, area_code__startswith=prefix_of(area.code))
        .exclude(status=RollLine.Status.HELD)
        .order_by("seq")
        .values_list(name_field, "covered_members", "amount_fen")
    )
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    start = page.start_index()
    entries = [(start + i, mask_name(name), size, yuan(fen)) for i, (name, size, fen) in enumerate(page.object_list)]
    return render(
        request, "payments/public/roll.html", {**_common(area), "roll": roll, "page": page, "entries": entries}
    )


def public_standards(request, code: str):
    area = _area(code)
    policy = Policy.for_area(area.code, timezone.localdate())
    standards = []
    for key in PUBLIC_STANDARDS:
        try:
            standards.append((ParameterKey(key).label, policy.amount(key)))
        except (MissingParameter, ValueError, TypeError):
            continue
    return render(request, "payments/public/standards.html", {**_common(area), "standards": standards})


def public_complaints(request, code: str):
    area = _area(code)
    codes = [a.code for a in [*_ancestors(area), area]]
    units = Unit.unscoped.filter(area_code__in=codes).exclude(phone="").order_by("area_code")
    offices = [(u.name, u.phone) for u in units]
    return render(request, "payments/public/complaints.html", {**_common(area), "offices": offices})
