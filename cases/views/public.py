"""Pages for the public (no login): the service catalogue of an area and progress by receipt number."""

from django.shortcuts import render
from django.utils import timezone

from areas.codes import county_of, is_county_or_above
from areas.jurisdiction import system_scope
from areas.models import Area
from audit.context import client_ip
from cases.forms import ProgressForm
from cases.public import (
    PROGRESS_WINDOW_SECONDS,
    catalogue_for_area,
    find_progress,
    note_failed_progress,
    progress_blocked,
)


def _county_code(area) -> str:
    """The county whose townships the catalogue offers: the area's own, or the area itself above it."""
    if area is None:
        return ""
    return area.code if is_county_or_above(area.code) else county_of(area.code)


def catalogue(request):
    area_code = request.GET.get("area", "").strip()
    area = Area.objects.filter(code=area_code).first() if area_code else None
    counties = Area.objects.current().filter(level="county").order_by("code")[:100]
    townships = []
    county_code = request.GET.get("county") or _county_code(area)
    if county_code:
        townships = Area.objects.current().filter(parent__code=county_code).order_by("code")[:100]
    with system_scope():  # reference data; nothing area-owned is read
        rows = catalogue_for_area(area.code if area else "", timezone.localdate())
    return render(
        request,
        "cases/public_catalogue.html",
        {"rows": rows, "area": area, "counties": counties, "townships": townships, "county_code": county_code},
    )


def progress(request):
    form = ProgressForm(request.GET or None)
    result, searched, blocked = None, False, False
    ip = client_ip(request)
    if form.is_valid():
        blocked = progress_blocked(ip)
        if not blocked:
            searched = True
            result = find_progress(form.cleaned_data["receipt_no"], form.cleaned_data["id_tail"])
            if result is None:
                note_failed_progress(ip)
    context = {"form": form, "result": result, "searched": searched, "blocked": blocked}
    context["retry_minutes"] = PROGRESS_WINDOW_SECONDS // 60
    return render(request, "cases/public_progress.html", context, status=429 if blocked else 200)
