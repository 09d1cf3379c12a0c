"""Screens of disaster relief and campaigns: events and their summary (county), the village's loss
report (phone first), the township's check, households' relief assessments, the stock and its
ledger, issues against a signed receipt, campaigns and the delivery at the door (phone first)."""

import contextlib
import uuid
from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from areas import codes
from areas.jurisdiction import current_scope
from areas.models import Area
from core.errors import DomainError
from core.excel import xlsx_response
from core.masking import mask_name
from registry.models import Household
from relief import assess, campaigns, reporting, stock, visibility
from relief import capabilities as cap
from relief.errors import ReliefCode
from relief.models import (
    UNITS,
    Campaign,
    CampaignTarget,
    DisasterEvent,
    DisasterKind,
    LossReport,
    Material,
    Receipt,
    ReliefAssessment,
    ReliefCategory,
    Stage,
    StockMovement,
    Store,
)


def _require(allowed: bool):
    if not allowed:
        raise PermissionDenied("您没有使用该功能的权限")


def _local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def household_label(household) -> str:
    head = household.head.name if household.head_id else ""
    return f"户{household.number} {mask_name(head)}".strip()


def _household(number: str) -> Household:
    household = Household.objects.filter(number=(number or "").strip(), is_active=True).select_related("head").first()
    if household is None:
        raise DomainError(ReliefCode.OUT_OF_AREA, "找不到该户编号，或不在您的管辖范围")
    return household


def _upload(request, name: str) -> bytes | None:
    file = request.FILES.get(name)
    if not file:
        return None
    if file.size > stock.MAX_IMAGE_BYTES:
        raise DomainError(ReliefCode.BAD_INPUT, "照片太大（不超过2MB）")
    return file.read()


# ------------------------------------------------------------------ events


class EventForm(forms.Form):
    name = forms.CharField(label="灾害名称", max_length=100)
    kind = forms.ChoiceField(label="灾害种类", choices=DisasterKind.choices)
    started_at = forms.DateTimeField(
        label="发生时间", input_formats=["%Y-%m-%dT%H:%M"], widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    areas = forms.MultipleChoiceField(label="受灾乡镇或村", widget=forms.SelectMultiple(attrs={"size": 8}))
    description = forms.CharField(label="灾情简述", max_length=300, required=False)

    def __init__(self, *args, county: str, **kwargs):
        super().__init__(*args, **kwargs)
        areas = Area.objects.current().below(county).filter(level__in=[codes.TOWNSHIP, codes.VILLAGE]).order_by("code")
        self.fields["areas"].choices = [
            (a.code, a.name if a.level == codes.TOWNSHIP else f"　{a.name}") for a in areas[:3000]
        ]
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            )


@login_required
def events(request):
    user = request.user
    _require(user.can(cap.VIEW_RELIEF))
    form = None
    if user.can(cap.MANAGE_EVENTS) and user.area_code and codes.is_county_or_above(user.area_code):
        form = EventForm(request.POST or None, county=user.area_code)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                event = reporting.declare_event(
                    user=user,
                    name=data["name"],
                    kind=data["kind"],
                    started_at=data["started_at"],
                    areas=data["areas"],
                    description=data["description"],
                )
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, f"已登记灾害事件“{event.name}”，受灾村可以开始报灾")
                return redirect("relief:event", event.pk)
    elif request.method == "POST":
        raise PermissionDenied("只有县级可以登记灾害事件")
    rows = visibility.events_for(user)
    return render(
        request, "relief/events.html", {"form": form, "rows": rows, "may_report": user.can(cap.REPORT_LOSSES)}
    )


def _summary_rows(summary):
    for row in summary.rows:
        latest = row.latest
        yield [
            row.township,
            row.area.name,
            *[state.text for state in row.states],
            latest.get_stage_display() if latest else "未上报",
            *[getattr(latest, name) if latest else "" for name in LossReport.FIGURES],
        ]


SUMMARY_HEADERS = ["乡镇", "村（社区）", "初报", "续报", "核报", "已上报数据阶段"] + [
    str(LossReport._meta.get_field(name).verbose_name) for name in LossReport.FIGURES
]


@login_required
def event(request, pk: int):
    user = request.user
    _require(user.can(cap.VIEW_RELIEF))
    item = visibility.event_for(user, pk)
    summary = reporting.summary(item)
    if request.GET.get("export") == "xlsx":
        rows = list(_summary_rows(summary))
        rows.append(["合计（已核查上报）", "", "", "", "", ""] + [summary.totals[name] for name in LossReport.FIGURES])
        return xlsx_response(f"灾情汇总_{item.name}", SUMMARY_HEADERS, rows, "灾情汇总")
    pending = []
    if user.can(cap.CHECK_LOSSES) and codes.level_of(user.area_code or "430000000000") != codes.VILLAGE:
        pending = list(
            LossReport.objects.filter(event=item, status=LossReport.Status.SUBMITTED).order_by("submitted_at")
        )
        names = dict(Area.objects.filter(code__in={r.area_code for r in pending}).values_list("code", "name"))
        for report in pending:
            report.village_name = names.get(report.area_code, report.area_code)
    totals = [(LossReport._meta.get_field(name).verbose_name, summary.totals[name]) for name in LossReport.FIGURES]
    return render(
        request,
        "relief/event.html",
        {
            "event": item,
            "summary": summary,
            "totals": totals,
            "pending": pending,
            "may_report": user.can(cap.REPORT_LOSSES) and bool(reporting.village_choices(user, item)),
            "may_manage": user.can(cap.MANAGE_EVENTS) and current_scope().allows(item.area_code),
            "may_assess": user.can(cap.ASSESS_RELIEF),
            "now": timezone.now(),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def event_stable(request, pk: int):
    user = request.user
    _require(user.can(cap.MANAGE_EVENTS))
    item = get_object_or_404(DisasterEvent.objects, pk=pk)
    try:
        day = date.fromisoformat(request.POST.get("stable_on", ""))
        reporting.mark_stable(item, stable_on=day, user=user)
    except ValueError:
        messages.error(request, "请填写灾情稳定日期")
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "已确认灾情稳定，各村开始核报")
    return redirect("relief:event", pk)


class ReportForm(forms.Form):
    village = forms.ChoiceField(label="村（社区）")
    stage = forms.ChoiceField(label="报送阶段", choices=Stage.choices)
    report_date = forms.DateField(
        label="统计日期（续报）", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    affected_people = forms.IntegerField(label="受灾人口（人）", min_value=0, initial=0)
    relocated_people = forms.IntegerField(label="紧急转移安置（人）", min_value=0, initial=0)
    needing_aid = forms.IntegerField(label="需紧急生活救助（人）", min_value=0, initial=0)
    dead_missing = forms.IntegerField(label="死亡失踪（人）", min_value=0, initial=0)
    houses_collapsed = forms.IntegerField(label="倒塌房屋（间）", min_value=0, initial=0)
    houses_severely_damaged = forms.IntegerField(label="严重损坏房屋（间）", min_value=0, initial=0)
    houses_damaged = forms.IntegerField(label="一般损坏房屋（间）", min_value=0, initial=0)
    crops_affected_ha = forms.DecimalField(
        label="农作物受灾面积（公顷）", min_value=0, max_digits=10, decimal_places=2, initial=0
    )
    crops_lost_ha = forms.DecimalField(
        label="绝收面积（公顷）", min_value=0, max_digits=10, decimal_places=2, initial=0
    )
    direct_loss = forms.DecimalField(
        label="直接经济损失（万元）", min_value=0, max_digits=12, decimal_places=2, initial=0
    )
    note = forms.CharField(label="情况说明", max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [(v.code, v.name) for v in villages]
        for _name, field in self.fields.items():
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs.setdefault("class", css)
            if isinstance(field, forms.IntegerField | forms.DecimalField):
                field.widget.attrs["inputmode"] = "numeric" if isinstance(field, forms.IntegerField) else "decimal"


@login_required
def report(request, pk: int):
    """报灾 (phone first): the village's figures for a stage."""
    user = request.user
    _require(user.can(cap.REPORT_LOSSES))
    item = visibility.event_for(user, pk)
    villages = reporting.village_choices(user, item)
    if not villages:
        raise PermissionDenied("您所在的村（社区）不在本次灾害的受灾区域")
    initial = {
        "stage": Stage.UPDATE if LossReport.objects.filter(event=item).exists() else Stage.INITIAL,
        "report_date": timezone.localdate(),
    }
    form = ReportForm(request.POST or None, villages=villages, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = reporting.submit_report(
                user=user,
                event=item,
                village_code=data["village"],
                stage=data["stage"],
                report_date=data["report_date"],
                figures={name: data[name] for name in LossReport.FIGURES},
                note=data["note"],
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            when = "（已超过报送时限，请说明原因）" if saved.late else ""
            messages.success(request, f"已报送{saved.get_stage_display()}，等待乡镇核查{when}")
            return redirect("relief:report", pk)
    mine = LossReport.objects.filter(event=item, area_code__in=[v.code for v in villages]).order_by("-submitted_at")[
        :10
    ]
    deadlines = []
    for stage in Stage.values:
        with contextlib.suppress(DomainError):
            deadlines.append((Stage(stage).label, reporting.deadline_rule("village", stage, timezone.localdate())))
    return render(request, "relief/report.html", {"event": item, "form": form, "mine": mine, "deadlines": deadlines})


@login_required
@require_POST
def check(request, pk: int):
    """核查: forward to the county or return to the village."""
    user = request.user
    _require(user.can(cap.CHECK_LOSSES))
    item = get_object_or_404(LossReport.objects, pk=pk)
    try:
        reporting.check_report(
            user=user, report=item, forward=request.POST.get("decision") == "forward", note=request.POST.get("note", "")
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "已核查上报" if request.POST.get("decision") == "forward" else "已退回村里重报")
    return redirect("relief:event", item.event_id)


# ------------------------------------------------------------------ relief to households


class AssessForm(forms.Form):
    household = forms.CharField(label="户编号", max_length=30)
    category = forms.ChoiceField(label="救助类别", choices=ReliefCategory.choices)
    persons = forms.IntegerField(label="救助人数", min_value=1, max_value=50, initial=1)
    days = forms.IntegerField(label="救助天数（过渡期）", min_value=0, max_value=366, initial=0, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            )


@login_required
def assessments(request, pk: int):
    user = request.user
    _require(user.can(cap.ASSESS_RELIEF) or user.can(cap.APPROVE_RELIEF))
    item = visibility.event_for(user, pk)
    form = AssessForm(request.POST or None)
    if request.method == "POST":
        _require(user.can(cap.ASSESS_RELIEF))
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = assess.assess(
                    user=user,
                    event=item,
                    household=_household(data["household"]),
                    category=data["category"],
                    persons=data["persons"],
                    days=data["days"] or 0,
                )
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request, f"已评定：{saved.get_category_display()}{saved.amount}元（{saved.basis}），待审批"
                )
                return redirect("relief:assessments", pk)
    rows = ReliefAssessment.objects.filter(event=item).select_related("household__head", "assessed_by")
    if request.GET.get("export") == "xlsx":
        data = (
            [household_label(r.household), r.get_category_display(), r.persons, r.days or "", r.amount, r.basis,
             r.get_status_display(), r.assessed_on]
            for r in rows
        )  # fmt: skip
        headers = ["家庭", "救助类别", "人数", "天数", "金额（元）", "计算依据", "状态", "评定日期"]
        return xlsx_response(f"受灾家庭救助_{item.name}", headers, data, "救助评定")
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    for r in page:
        r.label = household_label(r.household)
    return render(
        request,
        "relief/assessments.html",
        {"event": item, "form": form, "page": page, "may_approve": user.can(cap.APPROVE_RELIEF)},
    )


@login_required
@require_POST
def approve(request, pk: int):
    user = request.user
    _require(user.can(cap.APPROVE_RELIEF))
    item = get_object_or_404(ReliefAssessment.objects, pk=pk)
    try:
        assess.approve(user=user, assessment=item)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "已审批，将随本月自然灾害生活救助发放名册发放")
    return redirect("relief:assessments", item.event_id)


# ------------------------------------------------------------------ stock


class ReceiveForm(forms.Form):
    store = forms.ModelChoiceField(label="仓库", queryset=None)
    material = forms.ChoiceField(label="物资", choices=Material.choices)
    quantity = forms.IntegerField(label="数量", min_value=1, max_value=1_000_000)
    document_reference = forms.CharField(label="调拨单或凭证号", max_length=100)
    note = forms.CharField(label="来源说明", max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["store"].queryset = Store.objects.all()
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            )


@login_required
def stock_page(request):
    user = request.user
    _require(user.can(cap.MANAGE_STOCK))
    form = ReceiveForm(request.POST or None, prefix="in")
    if request.method == "POST" and request.POST.get("action") == "store":
        name = request.POST.get("name", "").strip()
        if not name or not user.area_code:
            messages.error(request, "请填写仓库名称")
        else:
            Store.objects.get_or_create(area_code=user.area_code, name=name[:60])
            messages.success(request, f"已新建仓库“{name[:60]}”")
        return redirect("relief:stock")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            moved = stock.receive(
                store=data["store"],
                material=data["material"],
                quantity=data["quantity"],
                document_reference=data["document_reference"],
                note=data["note"],
                user=user,
                idempotency_key=request.POST.get("key") or None,
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                f"已入库{moved.quantity}{moved.item.unit}{moved.item.get_material_display()}，结存{moved.balance_after}",
            )
            return redirect("relief:stock")
    stores = Store.objects.all()
    movements = StockMovement.objects.select_related("item__store", "receipt__household", "recorded_by").order_by("-id")
    if request.GET.get("export") == "xlsx":
        data = (
            [_local(m.recorded_at), m.item.store.name, m.item.get_material_display(), m.get_kind_display(), m.quantity,
             m.balance_after, m.item.unit, m.document_reference,
             household_label(m.receipt.household) if m.receipt_id else "", m.note,
             m.recorded_by.full_name if m.recorded_by_id else ""]
            for m in movements.select_related("receipt__household__head").iterator(chunk_size=2000)
        )  # fmt: skip
        headers = ["时间", "仓库", "物资", "类型", "数量", "结存", "单位", "凭证号", "签收家庭", "摘要", "经办人"]
        return xlsx_response("救灾物资台账", headers, data, "物资台账")
    page = Paginator(movements, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "relief/stock.html",
        {"form": form, "balances": stock.balances(stores), "page": page, "key": uuid.uuid4(), "stores": stores},
    )


class IssueForm(forms.Form):
    store = forms.ModelChoiceField(label="出库仓库", queryset=None)
    household = forms.CharField(label="户编号", max_length=30)
    material = forms.ChoiceField(label="物资", choices=Material.choices)
    quantity = forms.IntegerField(label="数量", min_value=1, max_value=1000, initial=1)
    purpose = forms.CharField(label="用途", max_length=100, initial="受灾群众生活救助")
    signer_name = forms.CharField(label="签收人", max_length=40)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["store"].queryset = Store.objects.all()
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            )


@login_required
def issue(request):
    """发放: goods to one household against its signature (phone or tablet at the distribution point)."""
    user = request.user
    _require(user.can(cap.MANAGE_STOCK))
    form = IssueForm(request.POST or None, initial={"store": request.GET.get("store")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            receipt = stock.issue(
                store=data["store"],
                household=_household(data["household"]),
                lines=[(data["material"], data["quantity"])],
                signer_name=data["signer_name"],
                signature=stock.decode_signature(request.POST.get("signature")),
                photo=_upload(request, "photo"),
                purpose=data["purpose"],
                user=user,
                idempotency_key=request.POST.get("key") or f"issue-{uuid.uuid4()}",
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"已发放并签收：户{receipt.household.number}（签收单{receipt.pk}）")
            return redirect(f"{request.path}?store={data['store'].pk}")
    recent = (
        Receipt.objects.filter(issued_by=user)
        .select_related("household__head")
        .prefetch_related("movements__item")[:10]
    )
    for receipt in recent:
        receipt.label = household_label(receipt.household)
    return render(request, "relief/issue.html", {"form": form, "key": uuid.uuid4(), "recent": recent})


@login_required
def receipt(request, pk: int):
    user = request.user
    _require(user.can(cap.MANAGE_STOCK) or user.can(cap.DELIVER) or user.can(cap.VIEW_RELIEF))
    item = get_object_or_404(Receipt.objects.select_related("household__head", "issued_by"), pk=pk)
    return render(
        request,
        "relief/receipt.html",
        {"receipt": item, "label": household_label(item.household), "lines": item.movements.select_related("item")},
    )


@login_required
def receipt_image(request, pk: int, which: str):
    user = request.user
    _require(user.can(cap.MANAGE_STOCK) or user.can(cap.DELIVER) or user.can(cap.VIEW_RELIEF))
    item = get_object_or_404(Receipt.objects, pk=pk)
    file = item.signature if which == "signature" else item.photo
    if not file:
        raise Http404("没有该图片")
    data = file.open("rb")
    kind = "image/png" if file.name.endswith(".png") else "image/jpeg"
    return FileResponse(data, content_type=kind)


# ------------------------------------------------------------------ campaigns


class CampaignForm(forms.Form):
    name = forms.CharField(label="行动名称", max_length=100)
    kind = forms.ChoiceField(label="类别", choices=Campaign.Kind.choices)
    rule = forms.ChoiceField(label="对象范围", choices=Campaign.Rule.choices)
    starts_on = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label="结束日期", widget=forms.DateInput(attrs={"type": "date"}))
    cash_per_household = forms.DecimalField(
        label="每户慰问金（元）", min_value=0, max_digits=10, decimal_places=2, initial=0
    )
    material = forms.ChoiceField(label="每户物资", choices=[("", "不发物资"), *Material.choices], required=False)
    quantity_per_household = forms.IntegerField(label="每户数量", min_value=0, max_value=100, initial=0)
    store = forms.ModelChoiceField(label="出库仓库", queryset=None, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["store"].queryset = Store.objects.all()
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            )


@login_required
def campaign_list(request):
    user = request.user
    _require(user.can(cap.MANAGE_CAMPAIGNS) or user.can(cap.DELIVER))
    form = None
    if user.can(cap.MANAGE_CAMPAIGNS) and user.area_code and codes.is_township_or_above(user.area_code):
        form = CampaignForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                saved = campaigns.create_campaign(user=user, area_code=user.area_code, **form.cleaned_data)
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, f"已发起“{saved.name}”，请生成或选定行动对象")
                return redirect("relief:campaign", saved.pk)
    elif request.method == "POST":
        raise PermissionDenied("专项行动由乡镇或县级发起")
    shown = {c.pk: c for c in Campaign.objects.order_by("-starts_on", "-id")[:100]}
    # a village worker sees the campaigns with households of the village to reach (through the targets)
    for target in (
        CampaignTarget.objects.exclude(campaign_id__in=list(shown))
        .select_related("campaign")
        .order_by("campaign_id")
        .distinct("campaign_id")
        if connection.vendor == "postgresql"
        else CampaignTarget.objects.exclude(campaign_id__in=list(shown)).select_related("campaign")[:2000]
    ):
        shown.setdefault(target.campaign_id, target.campaign)
    rows = sorted(shown.values(), key=lambda c: (c.starts_on, c.pk), reverse=True)
    for row in rows:
        row.to_reach = CampaignTarget.objects.filter(campaign=row, delivered_at__isnull=True, not_reached="").count()
    return render(request, "relief/campaigns.html", {"form": form, "rows": rows})


def _campaign_for(user, pk: int) -> Campaign:
    item = Campaign.objects.filter(pk=pk).first()
    if item is None:
        target = CampaignTarget.objects.filter(campaign_id=pk).select_related("campaign").first()
        if target is None:
            raise Http404("找不到该专项行动")
        item = target.campaign
    return item


@login_required
def campaign(request, pk: int):
    user = request.user
    _require(user.can(cap.MANAGE_CAMPAIGNS) or user.can(cap.DELIVER))
    item = _campaign_for(user, pk)
    manage = user.can(cap.MANAGE_CAMPAIGNS) and current_scope().allows(item.area_code)
    if request.method == "POST":
        _require(manage)
        action = request.POST.get("action")
        try:
            if action == "rule":
                added = campaigns.build_targets(item)
                messages.success(request, f"按规则新增行动对象{added}户")
            elif action == "select":
                added, missing = campaigns.add_selected(
                    item, request.POST.get("numbers", "").split(), request.POST.get("reason", "")
                )
                messages.success(
                    request, f"新增行动对象{added}户" + (f"；找不到：{'、'.join(missing[:10])}" if missing else "")
                )
            elif action == "start":
                campaigns.start(item)
                messages.success(request, "专项行动已开始，民生员可以入户送达登记")
            elif action == "close":
                campaigns.close(item)
                messages.success(request, "专项行动已结束")
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("relief:campaign", pk)
    targets = CampaignTarget.objects.filter(campaign=item).select_related("household__head", "delivered_by")
    state = request.GET.get("state", "")
    if state == "reached":
        targets = targets.filter(delivered_at__isnull=False)
    elif state == "not_reached":
        targets = targets.filter(delivered_at__isnull=True)
    progress = campaigns.progress(item)
    village_codes = {row["village"] for row in progress}
    names = dict(Area.objects.filter(code__in=village_codes).values_list("code", "name"))
    if request.GET.get("export") == "xlsx":
        data = (
            [names.get(t.area_code[:12], t.area_code), household_label(t.household), t.reason,
             "已送达" if t.delivered_at else "未送达", _local(t.delivered_at),
             t.receipt.signer_name if t.receipt_id else "", t.delivered_by.full_name if t.delivered_by_id else "",
             t.not_reached]
            for t in targets.select_related("receipt").iterator(chunk_size=2000)
        )  # fmt: skip
        headers = ["村（社区）", "家庭", "列入原因", "送达情况", "送达时间", "签收人", "送达人", "未送达原因"]
        return xlsx_response(f"专项行动送达情况_{item.name}", headers, data, "送达情况")
    for row in progress:
        row["name"] = names.get(row["village"], row["village"])
    page = Paginator(targets, 30).get_page(request.GET.get("page"))
    for t in page:
        t.label = household_label(t.household)
        t.village = names.get(t.area_code[:12], "")
    total = sum(r["total"] for r in progress)
    reached = sum(r["reached"] for r in progress)
    return render(
        request,
        "relief/campaign.html",
        {
            "campaign": item,
            "manage": manage,
            "progress": progress,
            "page": page,
            "state": state,
            "total": total,
            "reached": reached,
            "remaining": total - reached,
            "unit": UNITS.get(item.material, ""),
            "may_deliver": user.can(cap.DELIVER) and item.status == Campaign.Status.UNDER_WAY,
        },
    )


@login_required
def deliver(request, pk: int):
    """入户送达 (phone first): who signed, when, signature or photo; or why not reached."""
    user = request.user
    _require(user.can(cap.DELIVER))
    target = get_object_or_404(CampaignTarget.objects.select_related("campaign", "household__head"), pk=pk)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "not_reached":
                campaigns.not_reached(target=target, reason=request.POST.get("reason", ""))
                messages.success(request, "已记录未送达原因")
            else:
                campaigns.deliver(
                    user=user,
                    target=target,
                    signer_name=request.POST.get("signer_name", ""),
                    signature=stock.decode_signature(request.POST.get("signature")),
                    photo=_upload(request, "photo"),
                    idempotency_key=request.POST.get("key") or None,
                )
                messages.success(request, f"已送达：{household_label(target.household)}")
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("relief:deliver", pk)
        return redirect(f"{reverse('relief:campaign', args=[target.campaign_id])}?state=not_reached")
    return render(
        request,
        "relief/deliver.html",
        {
            "target": target,
            "campaign": target.campaign,
            "label": household_label(target.household),
            "unit": UNITS.get(target.campaign.material, ""),
            "key": uuid.uuid4(),
        },
    )
