"""The monthly ranking on the public site (一月一公布), where the county chose to publish it: township
offices' ranks and totals only (no 讲评, no people), read unscoped because a visitor has no jurisdiction."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render

from areas.codes import InvalidAreaCode, county_of, validate_code
from areas.models import Area
from supervision.models import Evaluation, SubjectResult, SubjectType


def public_ranking(request, code: str):
    try:
        validate_code(code)
    except InvalidAreaCode:
        raise Http404("区划代码无效") from None
    area = get_object_or_404(Area, code=county_of(code))
    months = list(
        Evaluation.unscoped.filter(area_code=area.code, state=Evaluation.State.PUBLISHED, public=True).order_by(
            "-month"
        )
    )
    chosen = next((e for e in months if str(e.pk) == request.GET.get("month")), months[0] if months else None)
    results = (
        SubjectResult.unscoped.filter(evaluation=chosen, subject_type=SubjectType.TOWNSHIP_OFFICE)
        .order_by("rank", "name")
        .only("rank", "name", "total")
        if chosen
        else []
    )
    return render(
        request,
        "supervision/public_ranking.html",
        {"area": area, "months": months, "chosen": chosen, "results": results},
    )
