"""政策找人 pages: the findings of the user's area by village (cards on a phone, a table on a
desk, an .xlsx export), one finding with its visit / apply / decline actions, and the run button."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.roles import Capability
from areas.models import Area
from core.errors import DomainError
from core.excel import xlsx_response
from core.masking import mask_id_number, mask_name
from outreach import services
from outreach.capabilities import FIND_PEOPLE
from outreach.finders import registered
from outreach.models import Finding
from policy.programmes import Programme

PAGE = 200


def _require(user) -> None:
    if not user.is_authenticated or not user.can(FIND_PEOPLE):
        raise PermissionDenied("您没有使用政策找人的权限")


@login_required
def findings(request):
    _require(request.user)
    rows = Finding.objects.select_related("person").order_by("area_code", "programme", "id")
    status = request.GET.get("status", "")
    if status == "all":
        pass
    elif status in Finding.Status.values:
        rows = rows.filter(status=status)
    else:
        status = ""
        rows = rows.filter(status__in=Finding.OPEN_STATUSES)
    programme = request.GET.get("programme", "")
    if programme in Programme.values:
        rows = rows.filter(programme=programme)
    else:
        programme = ""
    village = request.GET.get("village", "")
    if village.isdigit():
        rows = rows.filter(area_code__startswith=village)
    else:
        village = ""
    if request.GET.get("export") == "xlsx":
        codes = {code[:12] for code in rows.values_list("area_code", flat=True).distinct()}
        names = dict(Area.objects.filter(code__in=codes).values_list("code", "name"))
        return xlsx_response(
            "政策找人",
            [
                "村（社区）",
                "姓名",
                "身份证号",
                "项目",
                "符合条件的理由",
                "可享受金额（元/月）",
                "状态",
                "发现日期",
                "走访情况",
            ],
            (
                [
                    names.get(f.area_code[:12], f.area_code[:12]),
                    mask_name(f.person.name),
                    mask_id_number(f.person.id_number),
                    f.get_programme_display(),
                    f.reason,
                    f.monthly_amount,
                    f.get_status_display(),
                    f.found_on,
                    f.visit_note,
                ]
                for f in rows.iterator()
            ),
        )
    by_village = (
        Finding.objects.filter(status__in=Finding.OPEN_STATUSES)
        .values("area_code")
        .annotate(open=Count("id", filter=Q(status=Finding.Status.OPEN)), total=Count("id"))
        .order_by("area_code")
    )
    villages: dict[str, dict] = {}
    for row in by_village:
        entry = villages.setdefault(row["area_code"][:12], {"code": row["area_code"][:12], "open": 0, "total": 0})
        entry["open"] += row["open"]
        entry["total"] += row["total"]
    names = dict(Area.objects.filter(code__in=list(villages)).values_list("code", "name"))
    for code, entry in villages.items():
        entry["name"] = names.get(code, code)
    shown = list(rows[:PAGE])
    for f in shown:
        f.masked_name = mask_name(f.person.name)
        f.village_name = names.get(f.area_code[:12], "")
    context = {
        "rows": shown,
        "more": rows.count() > PAGE,
        "villages": list(villages.values()),
        "status": status,
        "statuses": Finding.Status.choices,
        "programme": programme,
        "programmes": [(f.programme, Programme(f.programme).label) for f in registered()],
        "village": village,
        "can_run": request.user.can(Capability.APPROVE) or request.user.can(Capability.REVIEW),
    }
    return render(request, "outreach/findings.html", context)


@login_required
def detail(request, pk: int):
    _require(request.user)
    finding = Finding.objects.select_related("person", "household", "handled_by").filter(pk=pk).first()
    if finding is None:
        messages.error(request, "找不到该线索，或不在您的辖区")
        return redirect("outreach:findings")
    finding.masked_name = mask_name(finding.person.name)
    finding.masked_id = mask_id_number(finding.person.id_number)
    return render(request, "outreach/detail.html", {"f": finding})


def _act(request, pk: int, action) -> object:
    _require(request.user)
    try:
        finding = action(pk, user=request.user, on_date=timezone.localdate(), note=request.POST.get("note", ""))
    except DomainError as error:
        messages.error(request, error.message)
        return None
    messages.success(request, f"已记录：{finding.get_status_display()}")
    return finding


@login_required
@require_POST
def visit(request, pk: int):
    _act(request, pk, services.visit)
    return redirect("outreach:detail", pk=pk)


@login_required
@require_POST
def decline(request, pk: int):
    _act(request, pk, services.decline)
    return redirect("outreach:detail", pk=pk)


@login_required
@require_POST
def apply(request, pk: int):
    _require(request.user)
    if not request.user.can(Capability.ACCEPT_APPLICATIONS):
        messages.error(request, "您没有受理申请的权限，请联系乡镇经办员")
        return redirect("outreach:detail", pk=pk)
    try:
        _finding, url = services.start_application(pk, user=request.user, on_date=timezone.localdate())
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("outreach:detail", pk=pk)
    return redirect(url)


@login_required
@require_POST
def run(request):
    _require(request.user)
    if not (request.user.can(Capability.APPROVE) or request.user.can(Capability.REVIEW)):
        raise PermissionDenied("只有审核、审批人员可以立即运行政策找人")
    prefix = request.jurisdiction.prefix
    result = services.find_eligible(timezone.localdate(), prefix)
    found = sum(v for k, v in result.items() if k in Programme.values)
    messages.success(request, f"已完成：新发现{found}条线索，{result.get('closed_enrolled', 0)}条因已享受而办结")
    return redirect("outreach:findings")
