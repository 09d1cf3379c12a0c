"""Screens: the closed-loop board (every warning's stage, overdue first), a warning with its visit,
application and closure, the monitored population."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.roles import Capability
from core.errors import DomainError
from core.excel import xlsx_response
from core.masking import mask_id_number
from grid.services import may_visit
from monitoring import services
from monitoring.models import Category, MonitoredHousehold, Risk, Signal, Warning

APPLICATION_ITEMS = [
    ("temp_expense", "临时救助（支出型）"),
    ("temp_emergency", "临时救助（急难型）"),
    ("dibao", "最低生活保障申请"),
    ("tekun", "特困人员救助供养申请"),
    ("disability_care", "重度残疾人护理补贴"),
    ("disability_living", "困难残疾人生活补贴"),
    ("rigid_expense", "刚性支出困难家庭认定"),
]


class BoardFilter(forms.Form):
    _select = forms.Select(attrs={"class": "form-select"})
    stage = forms.ChoiceField(
        label="环节", choices=[("", "全部环节"), *Warning.Stage.choices], required=False, widget=_select
    )
    signal = forms.ChoiceField(
        label="信号", choices=[("", "全部信号"), *Signal.choices], required=False, widget=_select
    )
    risk = forms.ChoiceField(label="风险", choices=[("", "全部风险"), *Risk.choices], required=False, widget=_select)
    overdue = forms.BooleanField(label="只看超期", required=False)
    mine = forms.BooleanField(label="只看分给我的", required=False)


@login_required
def board(request):
    today = timezone.localdate()
    form = BoardFilter(request.GET or None)
    warnings = Warning.objects.select_related("household", "person", "assigned_to", "assigned_unit", "case")
    if form.is_valid():
        data = form.cleaned_data
        for field in ("stage", "signal", "risk"):
            if data[field]:
                warnings = warnings.filter(**{field: data[field]})
        if data["overdue"]:
            warnings = warnings.filter(stage__in=Warning.OPEN_STAGES, due_on__lt=today)
        if data["mine"]:
            warnings = warnings.filter(assigned_to=request.user)
    warnings = warnings.order_by("closed_on", "due_on", "id")
    if request.GET.get("export") == "xlsx":
        rows = (
            [
                w.get_signal_display(),
                w.get_risk_display(),
                w.household.number,
                w.person.name if w.person_id else "",
                mask_id_number(w.person.id_number) if w.person_id else "",
                w.amount or "",
                w.raised_on,
                w.due_on,
                w.get_stage_display(),
                w.assigned_unit.name if w.assigned_unit_id else "",
                (w.assigned_to.full_name or w.assigned_to.username) if w.assigned_to_id else "",
                w.case.receipt_no if w.case_id else "",
                w.closure_reason,
            ]
            for w in warnings.iterator(chunk_size=2000)
        )
        headers = [
            "信号",
            "风险",
            "户编号",
            "相关人员",
            "身份证号",
            "金额",
            "预警日期",
            "走访期限",
            "环节",
            "责任单位",
            "民生员",
            "申请受理编号",
            "结案理由",
        ]
        return xlsx_response("监测预警", headers, rows, "预警")
    page = Paginator(warnings, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "monitoring/board.html",
        {
            "form": form,
            "page": page,
            "counts": services.board_counts(today),
            "today": today,
            "supervision": services.supervision_rows(today),
            "can_assign": request.user.can(Capability.ASSIGN_WARNINGS),
            "workers": services.workers_in_scope() if request.user.can(Capability.ASSIGN_WARNINGS) else [],
            "stages": Warning.Stage.choices,
        },
    )


@login_required
def population(request):
    households = MonitoredHousehold.objects.filter(until__isnull=True).select_related("household", "household__head")
    category = request.GET.get("category", "")
    if category in Category.values:
        households = households.filter(category=category)
    if request.GET.get("export") == "xlsx":
        rows = (
            [
                m.get_category_display(),
                m.household.number,
                m.household.head.name if m.household.head_id else "",
                m.since,
                m.get_basis_display(),
                m.area_code,
            ]
            for m in households.iterator(chunk_size=2000)
        )
        return xlsx_response("监测对象", ["类别", "户编号", "户主", "纳入日期", "依据", "区划"], rows, "监测对象")
    page = Paginator(households.order_by("area_code", "household_id"), 50).get_page(request.GET.get("page"))
    return render(
        request, "monitoring/population.html", {"page": page, "categories": Category.choices, "category": category}
    )


@login_required
@require_POST
def refresh(request):
    result = services.run_monitoring(timezone.localdate())
    messages.success(
        request, f"监测对象新增{result['population']['added']}户；新增预警{sum(result['raised'].values())}条"
    )
    return redirect("monitoring:board")


@login_required
def warning_detail(request, pk: int):
    warning = get_object_or_404(
        Warning.objects.select_related(
            "household", "person", "assigned_to", "assigned_unit", "case", "batch", "finding"
        ),
        pk=pk,
    )
    return render(
        request,
        "monitoring/warning_detail.html",
        {
            "warning": warning,
            "events": warning.events.select_related("actor"),
            "masked_id": mask_id_number(warning.person.id_number) if warning.person_id else "",
            "items": APPLICATION_ITEMS,
            "can_handle": services.can_handle(request.user, warning),
            "can_assign": services.may_assign(request.user, warning),
            "can_visit": may_visit(request.user),
            "workers": services.assignable_workers(warning) if services.may_assign(request.user, warning) else [],
            "overdue": warning.is_open and warning.due_on < timezone.localdate(),
        },
    )


def _act(request, pk: int, action):
    warning = get_object_or_404(Warning, pk=pk)
    try:
        message = action(warning)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, message)
    return redirect("monitoring:warning_detail", pk)


@login_required
@require_POST
def warning_visit(request, pk: int):
    def visit(warning):
        services.record_visit(
            warning, user=request.user, on_date=timezone.localdate(), note=request.POST.get("note", "")
        )
        return "已登记走访情况"

    return _act(request, pk, visit)


@login_required
@require_POST
def warning_apply(request, pk: int):
    def apply(warning):
        case = services.open_application(
            warning, user=request.user, item_code=request.POST.get("item", ""), on_date=timezone.localdate()
        )
        return f"已受理申请，受理编号{case.receipt_no}"

    return _act(request, pk, apply)


@login_required
@require_POST
def warning_close(request, pk: int):
    def close(warning):
        services.close_warning(
            warning, user=request.user, on_date=timezone.localdate(), reason=request.POST.get("reason", "")
        )
        return "已结案"

    return _act(request, pk, close)


@login_required
@require_POST
def warning_assign(request, pk: int):
    from datetime import date

    from accounts.models import User

    def assign(warning):
        worker = User.objects.filter(pk=request.POST.get("worker") or 0).select_related("unit").first()
        if worker is None:
            raise DomainError(services.MonitoringCode.BAD_ASSIGNEE, "请选择责任人")
        try:
            due_on = date.fromisoformat(request.POST.get("due_on", ""))
        except ValueError:
            raise DomainError(services.MonitoringCode.BAD_DEADLINE, "请填写走访期限") from None
        services.assign_warning(warning, user=request.user, worker=worker, due_on=due_on, on_date=timezone.localdate())
        return f"已分派给{worker.full_name or worker.username}"

    return _act(request, pk, assign)


@login_required
@require_POST
def warning_assign_bulk(request):
    """Several warnings of the board to one person with one deadline (each a conditional update)."""
    from datetime import date

    from django.utils.http import url_has_allowed_host_and_scheme

    from accounts.models import User

    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    worker = User.objects.filter(pk=request.POST.get("worker") or 0).select_related("unit").first()
    try:
        due_on = date.fromisoformat(request.POST.get("due_on", ""))
    except ValueError:
        due_on = None
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()][:200]
    if worker is None or due_on is None or not ids:
        messages.error(request, "请勾选预警，并选择责任人和走访期限")
        return redirect(back or "monitoring:board")
    done, refused = 0, []
    for warning in Warning.objects.filter(pk__in=ids):
        try:
            services.assign_warning(
                warning, user=request.user, worker=worker, due_on=due_on, on_date=timezone.localdate()
            )
            done += 1
        except DomainError as exc:
            refused.append(exc.message)
    if done:
        messages.success(request, f"已将{done}条预警分派给{worker.full_name or worker.username}")
    if refused:
        messages.error(request, f"{len(refused)}条未分派：{refused[0]}")
    return redirect(back or "monitoring:board")
