"""The leader's cockpit (数据驾驶舱): charts of the county's work from the pre-aggregated figures,
each drilling down county → township → village → the list of records behind the figure."""

from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST

from accounts.home import cards_for_request
from accounts.roles import Capability
from areas import codes
from areas.models import Area
from cockpit import boundaries, charts
from cockpit.errors import BadArea
from cockpit.figures import INDICATORS, figure_total, last_refresh, records, refresh_figures
from cockpit.rows import record_rows
from core.months import add_months, parse_month

PAGE_SIZE = 50


def _require(user) -> None:
    if not user.can(Capability.VIEW_DASHBOARD):
        raise PermissionDenied("只有局领导可以查看数据驾驶舱")


def _area(request) -> Area:
    """The area asked for (?area=), within the user's jurisdiction; the user's own area by default."""
    code = request.GET.get("area") or request.user.area_code
    if not code:
        raise BadArea("您的账号没有管辖区划，无法查看驾驶舱")
    try:
        codes.validate_code(code)
    except codes.InvalidAreaCode as error:
        raise BadArea(str(error)) from error
    if not request.jurisdiction.allows(code):
        raise BadArea("该区划不在您的管辖范围内")
    area = Area.objects.filter(code=code).first()
    if area is None:
        raise BadArea("找不到该区划")
    return area


def _trail(area: Area, user) -> list[Area]:
    """The areas from the user's own area down to this one (the breadcrumb)."""
    trail = []
    node = area
    while node is not None:
        trail.append(node)
        if node.code == user.area_code:
            break
        node = node.parent
    return list(reversed(trail))


def _figure_charts(area: Area, refreshed, map_indicator: str) -> tuple[list[dict], dict]:
    """The charts and the map of an area: read from the figures only, so the same for every leader who may see
    the area until the next refresh; kept PAGE_CACHE_SECONDS under the refresh's id (a refresh shows at once)."""
    seconds = getattr(settings, "PAGE_CACHE_SECONDS", 0)
    if seconds <= 0:
        return charts.build(area), charts.outline_map(area, map_indicator) or charts.grid_map(area, map_indicator)
    key = f"cockpit-charts:{refreshed.pk}:{refreshed.finished_at.timestamp()}:{area.code}:{map_indicator}"
    kept = cache.get(key)
    if kept is None:
        kept = (charts.build(area), charts.outline_map(area, map_indicator) or charts.grid_map(area, map_indicator))
        cache.set(key, kept, seconds)
    return kept


def cockpit_context(request, area: Area) -> dict:
    today = timezone.localdate()
    refreshed = last_refresh()
    if refreshed is None:  # a fresh installation: build the figures once, then the scheduler keeps them
        refreshed = refresh_figures(today)
    map_indicator = request.GET.get("map", "overdue")
    if map_indicator not in charts.MAP_INDICATORS:
        map_indicator = "overdue"
    chart_list, grid_map = _figure_charts(area, refreshed, map_indicator)
    return {
        "area": area,
        "trail": _trail(area, request.user),
        "refreshed": refreshed,
        "charts": chart_list,
        "units": charts.units_table(area, today),
        "grid_map": grid_map,
        "map_indicator": map_indicator,
        "map_indicators": charts.MAP_INDICATORS,
        "level_label": codes.LEVEL_LABELS[codes.level_of(area.code)],
    }


def leader_home(request, greeting: dict):
    """The leader's home page is the cockpit of their own area (accounts.home landing)."""
    try:
        area = _area(request)
    except BadArea as error:
        messages.error(request, error.message)
        return render(request, "accounts/home.html", greeting)
    # The leader's own pending work (a step at the bureau, say) above the county's figures.
    cards = [
        card
        for card in cards_for_request(request, timezone.localdate())
        if any(figure.count for figure in card.figures)
    ]
    context = {**greeting, **cockpit_context(request, area), "is_home": True, "cards": cards}
    return render(request, "cockpit/index.html", context)


@login_required
def index(request):
    _require(request.user)
    try:
        area = _area(request)
    except BadArea as error:
        return render(request, "cockpit/bad_request.html", {"message": error.message}, status=400)
    return render(request, "cockpit/index.html", cockpit_context(request, area))


@login_required
def outlines(request, prefix: str):
    """The county outlines under a province or city the leader oversees (GeoJSON, from the app)."""
    _require(request.user)
    if len(prefix) not in (2, 4) or not prefix.isdigit() or not request.jurisdiction.allows(prefix.ljust(12, "0")):
        raise Http404("没有该区划的边界数据")
    if not boundaries.has_outlines(prefix):
        raise Http404("没有该区划的边界数据")
    response = HttpResponse(boundaries.outlines(prefix), content_type="application/geo+json")
    response["Cache-Control"] = "private, max-age=86400"
    return response


@login_required
def record_list(request, indicator: str, key: str):
    """The records behind one figure in one area (live, paginated, each linking to its page)."""
    _require(request.user)
    spec = INDICATORS.get(indicator)
    if spec is None or key not in spec.keys:
        raise Http404("没有这个统计项")
    try:
        area = _area(request)
    except BadArea as error:
        return render(request, "cockpit/bad_request.html", {"message": error.message}, status=400)
    today = timezone.localdate()
    month = None
    if request.GET.get("month"):
        try:
            month = date.fromisoformat(request.GET["month"]).replace(day=1)
        except ValueError:
            return render(request, "cockpit/bad_request.html", {"message": "月份格式不正确"}, status=400)
    queryset = records(indicator, key, today, month).in_area(area.code).order_by("id")
    unit = request.GET.get("unit", "")
    if indicator == "supervision" and unit.isdigit():  # one unit's 督办 or overdue steps
        field = "target_unit_id" if key == "supervision" else "responsible_unit_id"
        queryset = queryset.filter(**{field: int(unit)})
    # No COUNT over the live rows (a county's closed cases are hundreds of thousands): the total
    # is the figure the leader clicked, and the pages step on while there are more rows.
    number = int(request.GET["page"]) if request.GET.get("page", "").isdigit() else 1
    number = max(1, number)
    window = list(queryset[(number - 1) * PAGE_SIZE : number * PAGE_SIZE + 1])
    page = {"number": number, "has_previous": number > 1, "has_next": len(window) > PAGE_SIZE}
    if indicator == "supervision" and unit.isdigit():
        total = queryset.count()  # one unit's open rows: few
    else:
        total = figure_total(indicator, key, area.code, month)
    headers, rows = record_rows(indicator, window[:PAGE_SIZE])
    query = {"area": area.code, **({"month": month.isoformat()} if month else {})}
    if indicator == "supervision" and unit.isdigit():
        query["unit"] = unit
    return render(
        request,
        "cockpit/records.html",
        {
            "area": area,
            "trail": _trail(area, request.user),
            "indicator": spec,
            "key_label": spec.keys[key],
            "month": month,
            "page": page,
            "total": total,
            "headers": headers,
            "rows": rows,
            "query": urlencode(query),
            "back": reverse("cockpit:index") + "?" + urlencode({"area": area.code}),
        },
    )


@login_required
@require_POST
def refresh(request):
    _require(request.user)
    done = refresh_figures(timezone.localdate())
    messages.success(request, f"汇总数已刷新，用时{done.seconds:.1f}秒")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("cockpit:index")  # never a page of another site
    return redirect(target)


def _report_month(request) -> date:
    """?month=YYYY-MM; this month by default; anything else is a Chinese 400 (BadArea's page)."""
    text = (request.GET.get("month") or "").strip()
    if not text:
        return timezone.localdate().replace(day=1)
    month = parse_month(text)
    if month is None:
        raise BadArea("月份格式应为“2026-12”")
    return month


@login_required
def changes(request):
    """民政统计 · 变动情况表: the month's new, stopped, raised and lowered enrolments by programme."""
    from core.excel import xlsx_response
    from ledger.statistics import CHANGES, change_report

    _require(request.user)
    try:
        month = _report_month(request)
    except BadArea as error:
        return render(request, "cockpit/bad_request.html", {"message": error.message}, status=400)
    rows = change_report(month)
    columns = list(CHANGES)
    if request.GET.get("export") == "xlsx":
        headers = ["救助项目"] + [f"{c}{part}" for c in columns for part in ("户数", "人数", "金额（元）")]
        lines = [[row.label] + [value for c in columns for value in row.figures[c]] for row in rows]
        return xlsx_response(f"变动情况表{month:%Y%m}", headers, lines, "变动情况表")
    this_month = timezone.localdate().replace(day=1)
    months = [add_months(this_month, -back) for back in range(36)]
    context = {"rows": rows, "columns": columns, "month": month, "months": months}
    return render(request, "cockpit/changes.html", context)


@login_required
def monthly(request):
    """民政统计 · 月报: persons, amounts, average per person, standard and the year's spending by programme."""
    from cockpit.statistics import monthly_report
    from core.excel import xlsx_response

    _require(request.user)
    try:
        month = _report_month(request)
    except BadArea as error:
        return render(request, "cockpit/bad_request.html", {"message": error.message}, status=400)
    rows = monthly_report(month, request.user.area_code)
    if request.GET.get("export") == "xlsx":
        headers = [
            "救助项目",
            "保障户数",
            "保障人数",
            "月保障金额（元）",
            "月人均补助水平（元）",
            "保障标准",
            "本年累计发放（元）",
        ]
        lines = [[r.label, r.households, r.persons, r.amount, r.per_person, r.standard, r.year_to_date] for r in rows]
        return xlsx_response(f"民政统计月报{month:%Y%m}", headers, lines, "民政统计月报")
    this_month = timezone.localdate().replace(day=1)
    months = [add_months(this_month, -back) for back in range(36)]
    return render(request, "cockpit/monthly.html", {"rows": rows, "month": month, "months": months})
