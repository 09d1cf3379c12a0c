"""The leaders' supervision board (督办看板) by unit and area, and the daily job's trigger."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.roles import Capability
from areas.codes import prefix_of
from areas.models import Area
from cases.access import can_supervise
from cases.hooks import overdue_work
from cases.models import Supervision
from cases.supervision import board as board_rows
from core.excel import xlsx_response
from jobs.services import start_job


def _ensure_leader(user):
    if not (can_supervise(user) or user.can(Capability.VIEW_DASHBOARD)):
        raise PermissionDenied


def with_overdue_work(rows: list[dict], on_date, area: str) -> list[dict]:
    """The case board's rows with each unit's overdue work of the other lines (e.g. 监测预警超期)
    merged in, one column per registered source (`cases.hooks.register_overdue_work`); a unit with
    only such work gets a row of its own. Sources are already limited to the viewer's jurisdiction;
    an area filter keeps the units in that area. Each row's `overdue_work` lists the counts in the
    order of the columns."""
    prefix = prefix_of(area) if area else ""
    sources = overdue_work()
    by_unit = {row["responsible_unit"]: row for row in rows}
    for source in sources:
        for item in source.rows(on_date):
            if prefix and not item["responsible_unit__area_code"].startswith(prefix):
                continue
            row = by_unit.get(item["responsible_unit"])
            if row is None:
                row = {
                    "responsible_unit": item["responsible_unit"],
                    "responsible_unit__name": item["responsible_unit__name"],
                    "responsible_unit__area_code": item["responsible_unit__area_code"],
                    "open": 0,
                    "red": 0,
                    "yellow": 0,
                    "paused": 0,
                    "supervisions": 0,
                }
                rows.append(row)
                by_unit[item["responsible_unit"]] = row
            row[source.key] = item["count"]
    for row in rows:
        row["overdue_work"] = [row.get(source.key, 0) for source in sources]
    return rows


@login_required
def board(request):
    _ensure_leader(request.user)
    today = timezone.localdate()
    area = request.GET.get("area", "").strip()
    if area and not (area.isdigit() and len(area) in (12, 15)):
        area = ""
    rows = with_overdue_work(board_rows(today, area_code=area), today, area)
    columns = [source.label for source in overdue_work()]
    open_supervisions = Supervision.objects.filter(closed_on__isnull=True).select_related(
        "case", "case__item", "step", "target_unit", "superior_unit"
    )
    if area:
        open_supervisions = open_supervisions.in_area(area)
    if request.GET.get("export") == "xlsx":
        lines = (
            (
                r.get("responsible_unit__name", ""),
                r.get("responsible_unit__area_code", ""),
                r["open"],
                r["yellow"],
                r["red"],
                r["paused"],
                r["supervisions"],
                *r["overdue_work"],
            )
            for r in rows
        )
        headers = ["责任单位", "区划", "在办", "临期", "超期", "暂停", "未结督办", *columns]
        return xlsx_response("督办看板", headers, lines, "督办看板")
    prefix = request.user.area_code[:6] if request.user.area_code else ""
    areas = Area.objects.current().filter(code__startswith=prefix, level__in=["county", "township"])[:200]
    return render(
        request,
        "cases/board.html",
        {
            "rows": rows,
            "columns": columns,
            "supervisions": open_supervisions[:200],
            "area": area,
            "areas": areas,
            "today": today,
        },
    )


@login_required
@require_POST
def run_daily(request):
    _ensure_leader(request.user)
    job = start_job(
        "cases.recompute_deadlines",
        "办件时限与超期督办",
        user=request.user,
        area_code=request.user.area_code,
        params={"on_date": timezone.localdate().isoformat()},
    )
    messages.success(request, "已开始重新计算时限与督办")
    return redirect("jobs:detail", pk=job.pk)
