"""Screens of 稽查: the auditor's desk, samples and their check forms, rectifications, accountability,
special campaigns and 稽查 opinions."""

import secrets
from datetime import timedelta
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts.models import Unit
from accounts.roles import Capability
from areas.codes import county_of
from areas.models import Area
from cases.models import CaseStep
from core.errors import DomainError
from core.excel import xlsx_response
from policy.programmes import Programme
from supervision import opinions as opinion_service
from supervision import rectifications as service
from supervision.models import (
    Accountability,
    Campaign,
    Finding,
    Opinion,
    Rectification,
    Sample,
    SampleItem,
)
from supervision.sampling import draw_sample, stratum_label
from supervision.views.common import Styled


def _require(ok: bool) -> None:
    if not ok:
        raise PermissionDenied


def _inspector(request) -> None:
    _require(request.user.can(Capability.INSPECT))


def _townships_of(user) -> list[Area]:
    """The townships within the user's county (a township user: their own)."""
    code = user.area_code or ""
    if not code:
        return []
    if code.endswith("000000"):
        return list(Area.objects.filter(parent__code=county_of(code), level="township").order_by("code"))
    return list(Area.objects.filter(code=code[:9] + "000"))


class SampleForm(Styled, forms.Form):
    name = forms.CharField(label="抽查名称", max_length=100)
    target = forms.ChoiceField(label="抽查对象", choices=Sample.Target.choices)
    townships = forms.MultipleChoiceField(
        label="乡镇（不选为全部）", required=False, widget=forms.CheckboxSelectMultiple
    )
    programmes = forms.MultipleChoiceField(
        label="救助项目（不选为全部；抽查办件时按事项分层）",
        required=False,
        choices=Programme.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    share_percent = forms.DecimalField(label="抽查比例（%）", required=False, min_value=Decimal("0.01"), max_value=100)
    count = forms.IntegerField(label="或抽查数量", required=False, min_value=1)
    seed = forms.IntegerField(label="随机种子（相同种子可复现抽查结果）", min_value=0, max_value=2_000_000_000)
    campaign = forms.ModelChoiceField(label="专项整治（可选）", queryset=None, required=False)

    def __init__(self, *args, townships=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["townships"].choices = [(a.code, a.name) for a in townships]
        self.fields["campaign"].queryset = Campaign.objects.all()
        self.fields["campaign"].empty_label = "（不属于专项整治）"


@login_required
def desk(request):
    """稽查工作台: samples, checks still to do, fixes waiting for sign-off, campaigns."""
    _inspector(request)
    today = timezone.localdate()
    samples = (
        Sample.objects.select_related("campaign")
        .annotate(
            items_total=Count("items"),
            items_pending=Count("items", filter=Q(items__result=SampleItem.Result.PENDING)),
            items_problem=Count("items", filter=Q(items__result=SampleItem.Result.PROBLEM)),
        )
        .order_by("-id")[:20]
    )
    rectifications = Rectification.objects.select_related("finding", "responsible_unit")
    context = {
        "samples": samples,
        "waiting": rectifications.filter(state=Rectification.State.SUBMITTED).order_by("submitted_on", "pk")[:20],
        "open_count": rectifications.filter(state=Rectification.State.OPEN).count(),
        "overdue_count": service.overdue(today).count(),
        "campaigns": Campaign.objects.order_by("-started_on")[:10],
        "opinions_waiting": len(_steps_waiting_for_opinion(limit=20)),
    }
    return render(request, "supervision/desk.html", context)


@login_required
def sample_new(request):
    _inspector(request)
    townships = _townships_of(request.user)
    initial = {"seed": secrets.randbelow(1_000_000), "target": Sample.Target.ENROLMENT}
    if request.GET.get("campaign"):
        initial["campaign"] = request.GET["campaign"]
    form = SampleForm(request.POST or None, townships=townships, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        share = data["share_percent"] / 100 if data["share_percent"] else None
        try:
            sample = draw_sample(
                user=request.user,
                name=data["name"],
                target=data["target"],
                seed=data["seed"],
                on_date=timezone.localdate(),
                area_code=request.user.area_code,
                townships=data["townships"],
                programmes=data["programmes"],
                share=share,
                count=data["count"],
                campaign=data["campaign"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"已从{sample.population}条记录中抽取{sample.items.count()}条")
            return redirect("supervision:sample_detail", sample.pk)
    return render(request, "supervision/sample_new.html", {"form": form})


@login_required
def sample_detail(request, pk: int):
    _inspector(request)
    sample = get_object_or_404(Sample.objects.select_related("campaign", "drawn_by"), pk=pk)
    items = sample.items.order_by("township_code", "stratum", "object_id")
    townships = dict(Area.objects.filter(code__in={i.township_code for i in items}).values_list("code", "name"))
    strata = {}
    for item in items:
        item.township_name = townships.get(item.township_code, item.township_code)
        item.stratum_name = strata.setdefault(item.stratum, stratum_label(sample.target, item.stratum))
    if request.GET.get("export") == "xlsx":
        headers = [
            "乡镇",
            "项目",
            "抽中记录",
            *[str(SampleItem._meta.get_field(c).verbose_name) for c in SampleItem.CHECKS],
            "核查结果",
            "核查说明",
        ]
        yes_no = {True: "是", False: "否", None: "—"}
        rows = (
            [
                i.township_name,
                i.stratum_name,
                i.label,
                *[yes_no[getattr(i, c)] for c in SampleItem.CHECKS],
                i.get_result_display(),
                i.note,
            ]
            for i in items
        )
        return xlsx_response(f"抽查{sample.pk}", headers, rows, "抽查明细")
    summary = (
        items.values("township_code")
        .annotate(total=Count("pk"), problems=Count("pk", filter=Q(result=SampleItem.Result.PROBLEM)))
        .order_by("township_code")
    )
    for row in summary:
        row["name"] = townships.get(row["township_code"], row["township_code"])
    return render(
        request,
        "supervision/sample_detail.html",
        {"sample": sample, "items": items, "summary": summary, "share_percent": sample.share and sample.share * 100},
    )


class CheckForm(Styled, forms.Form):
    CHOICES = [("yes", "是"), ("no", "否"), ("na", "不适用")]
    documents_complete = forms.ChoiceField(label="材料齐全", choices=CHOICES, widget=forms.RadioSelect, initial="yes")
    survey_real = forms.ChoiceField(label="入户调查真实", choices=CHOICES, widget=forms.RadioSelect, initial="yes")
    amount_right = forms.ChoiceField(label="保障金额准确", choices=CHOICES, widget=forms.RadioSelect, initial="yes")
    right_account = forms.ChoiceField(label="发放到本人账户", choices=CHOICES, widget=forms.RadioSelect, initial="yes")
    notice_held = forms.ChoiceField(label="按规定公示", choices=CHOICES, widget=forms.RadioSelect, initial="yes")
    note = forms.CharField(
        label="核查说明（发现问题时写明问题情况）", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


@login_required
def item_check(request, pk: int):
    _inspector(request)
    item = get_object_or_404(SampleItem.objects.select_related("sample"), pk=pk)
    form = CheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        value = {"yes": True, "no": False, "na": None}
        answers = {check: value[form.cleaned_data[check]] for check in SampleItem.CHECKS}
        try:
            findings = service.record_check(
                item, user=request.user, on_date=timezone.localdate(), answers=answers, note=form.cleaned_data["note"]
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            if findings:
                messages.warning(request, f"已记录{len(findings)}个问题，并向{findings[0].responsible_unit}下发整改")
            else:
                messages.success(request, "已核查，未发现问题")
            return redirect("supervision:sample_detail", item.sample_id)
    findings = item.findings.select_related("rectification", "responsible_unit")
    return render(request, "supervision/item_check.html", {"item": item, "form": form, "findings": findings})


@login_required
def rectification_list(request):
    user = request.user
    _require(user.can(Capability.INSPECT) or user.can(Capability.RECTIFY))
    queryset = Rectification.objects.select_related("finding", "responsible_unit").order_by("state", "due_on", "pk")
    if not user.can(Capability.INSPECT):
        queryset = queryset.filter(responsible_unit_id=user.unit_id)
    state = request.GET.get("state", "")
    if state in Rectification.State.values:
        queryset = queryset.filter(state=state)
    today = timezone.localdate()
    page = Paginator(queryset, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/rectification_list.html",
        {
            "page": page,
            "states": Rectification.State.choices,
            "state": state,
            "today": today,
            "is_inspector": user.can(Capability.INSPECT),
        },
    )


class FixForm(Styled, forms.Form):
    evidence = forms.CharField(label="整改情况", widget=forms.Textarea(attrs={"rows": 3}))
    evidence_file = forms.FileField(label="佐证材料（可选）", required=False)


@login_required
def rectification_detail(request, pk: int):
    user = request.user
    _require(user.can(Capability.INSPECT) or user.can(Capability.RECTIFY))
    rect = get_object_or_404(
        Rectification.objects.select_related("finding", "finding__item", "finding__item__sample", "responsible_unit"),
        pk=pk,
    )
    is_unit = user.can(Capability.RECTIFY) and user.unit_id == rect.responsible_unit_id
    _require(is_unit or user.can(Capability.INSPECT))
    fix_form = (
        FixForm(request.POST or None, request.FILES or None) if request.POST.get("action") == "fix" else FixForm()
    )
    if request.method == "POST":
        action = request.POST.get("action")
        today = timezone.localdate()
        try:
            if action == "fix":
                _require(is_unit)
                if fix_form.is_valid():
                    service.submit_fix(
                        rect,
                        user=user,
                        on_date=today,
                        evidence=fix_form.cleaned_data["evidence"],
                        evidence_file=fix_form.cleaned_data["evidence_file"],
                    )
                    messages.success(request, "整改情况已报送，等待稽查人员销号")
                    return redirect("supervision:rectification_detail", rect.pk)
            elif action in ("sign_off", "return"):
                _require(user.can(Capability.INSPECT))
                service.sign_off(
                    rect, user=user, on_date=today, accept=action == "sign_off", note=request.POST.get("note", "")
                )
                messages.success(request, "已销号" if action == "sign_off" else "已退回整改")
                return redirect("supervision:rectification_detail", rect.pk)
        except DomainError as error:
            messages.error(request, error.message)
    return render(
        request,
        "supervision/rectification_detail.html",
        {
            "rect": rect,
            "is_unit": is_unit,
            "is_inspector": user.can(Capability.INSPECT),
            "fix_form": fix_form,
            "overdue": rect.state == Rectification.State.OPEN and rect.due_on < timezone.localdate(),
            "accountabilities": rect.finding.accountabilities.all(),
        },
    )


@login_required
def finding_list(request):
    _inspector(request)
    queryset = Finding.objects.select_related("responsible_unit", "rectification").order_by("-found_on", "-pk")
    unit = request.GET.get("unit")
    if unit and unit.isdigit():
        queryset = queryset.filter(responsible_unit_id=int(unit))
    page = Paginator(queryset, 30).get_page(request.GET.get("page"))
    return render(request, "supervision/finding_list.html", {"page": page})


class AccountabilityForm(Styled, forms.Form):
    measure = forms.ChoiceField(label="追责方式", choices=Accountability.Measure.choices)
    unit = forms.ModelChoiceField(label="责任单位", queryset=None)
    person_name = forms.CharField(label="责任人（单位追责可不填）", max_length=50, required=False)
    findings = forms.ModelMultipleChoiceField(label="相关问题", queryset=None, widget=forms.CheckboxSelectMultiple)
    decided_on = forms.DateField(label="决定日期", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label="追责事由", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(is_active=True).order_by("area_code", "name")
        self.fields["findings"].queryset = Finding.objects.none()


@login_required
def accountability_list(request):
    _inspector(request)
    findings = Finding.objects.select_related("responsible_unit").order_by("-found_on", "-pk")
    unit_id = request.POST.get("unit") or request.GET.get("unit")
    form = AccountabilityForm(request.POST or None, initial={"decided_on": timezone.localdate(), "unit": unit_id})
    if unit_id and str(unit_id).isdigit():
        form.fields["findings"].queryset = findings.filter(responsible_unit_id=int(unit_id))
    else:
        form.fields["findings"].queryset = findings.filter(found_on__gte=timezone.localdate() - timedelta(days=366))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            service.record_accountability(
                user=request.user,
                measure=data["measure"],
                unit=data["unit"],
                person_name=data["person_name"],
                findings=list(data["findings"]),
                decided_on=data["decided_on"],
                reason=data["reason"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "已记录责任追究")
            return redirect("supervision:accountabilities")
    records = Accountability.objects.select_related("unit").prefetch_related("findings").order_by("-decided_on", "-pk")
    page = Paginator(records, 30).get_page(request.GET.get("page"))
    return render(request, "supervision/accountability_list.html", {"page": page, "form": form})


class CampaignForm(Styled, forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["name", "started_on", "ended_on", "description"]
        widgets = {
            "started_on": forms.DateInput(attrs={"type": "date"}),
            "ended_on": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }


@login_required
def campaign_list(request):
    _inspector(request)
    form = CampaignForm(request.POST or None, initial={"started_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        campaign = form.save(commit=False)
        campaign.area_code = request.user.area_code
        campaign.created_by = request.user
        campaign.save()
        messages.success(request, f"已创建专项整治“{campaign.name}”")
        return redirect("supervision:campaign_detail", campaign.pk)
    campaigns = Campaign.objects.annotate(sample_count=Count("samples")).order_by("-started_on", "-pk")
    return render(request, "supervision/campaign_list.html", {"campaigns": campaigns, "form": form})


@login_required
def campaign_detail(request, pk: int):
    """The campaign's report: what was sampled, what was found, how the fixes stand."""
    _inspector(request)
    campaign = get_object_or_404(Campaign, pk=pk)
    items = SampleItem.objects.filter(sample__campaign=campaign)
    findings = Finding.objects.filter(item__sample__campaign=campaign)
    by_kind = [
        {"label": Finding.Kind(row["kind"]).label, "count": row["count"]}
        for row in findings.values("kind").annotate(count=Count("pk")).order_by("-count")
    ]
    by_state = [
        {"label": Rectification.State(row["rectification__state"]).label, "count": row["count"]}
        for row in findings.values("rectification__state").annotate(count=Count("pk")).order_by("rectification__state")
        if row["rectification__state"]
    ]
    by_unit = findings.values("responsible_unit__name").annotate(count=Count("pk")).order_by("-count")
    context = {
        "campaign": campaign,
        "samples": campaign.samples.annotate(items_total=Count("items")).order_by("pk"),
        "checked": items.exclude(result=SampleItem.Result.PENDING).count(),
        "total": items.count(),
        "problems": items.filter(result=SampleItem.Result.PROBLEM).count(),
        "by_kind": by_kind,
        "by_state": by_state,
        "by_unit": by_unit,
        "accountabilities": Accountability.objects.filter(findings__in=findings).distinct().select_related("unit"),
    }
    return render(request, "supervision/campaign_detail.html", context)


def _steps_waiting_for_opinion(limit: int = 100) -> list[CaseStep]:
    """Active steps some opinion rule names, without an opinion that lets them through (the first
    `limit`, by deadline; a few hundred steps looked at, at most)."""
    rules = opinion_service.rules_on(timezone.localdate())
    if not rules:
        return []
    steps = (
        CaseStep.objects.filter(state=CaseStep.State.ACTIVE)
        .select_related("case", "case__item", "definition", "responsible_unit")
        .order_by("due_on", "pk")
    )
    items = {rule.item_code for rule in rules}
    if "" not in items:
        steps = steps.filter(case__item__code__in=items)
    waiting = []
    for step in steps[: limit * 3]:
        if opinion_service.rules_for_step(step, rules=rules):
            latest = opinion_service.latest_opinion(step)
            if latest is None or latest.verdict == Opinion.Verdict.DISAGREE:
                waiting.append(step)
                if len(waiting) >= limit:
                    break
    return waiting


class OpinionForm(Styled, forms.Form):
    verdict = forms.ChoiceField(label="稽查结论", choices=Opinion.Verdict.choices, widget=forms.RadioSelect)
    text = forms.CharField(label="稽查意见", widget=forms.Textarea(attrs={"rows": 3}))


@login_required
def opinion_list(request):
    """Steps waiting for a 稽查 opinion, and the opinions given."""
    _inspector(request)
    reference = request.GET.get("reference", "").strip()
    if reference:
        try:
            step, roll = opinion_service.find_target(reference)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            query = f"step={step.pk}" if step else f"roll={roll.pk}"
            return redirect(f"{reverse('supervision:opinion_new')}?{query}")
    opinions = Opinion.objects.select_related("step", "step__case", "roll", "given_by").order_by("-pk")
    page = Paginator(opinions, 30).get_page(request.GET.get("page"))
    return render(request, "supervision/opinion_list.html", {"waiting": _steps_waiting_for_opinion(), "page": page})


@login_required
def opinion_new(request):
    """A 稽查 opinion on a case step (?step=) or a payment roll (?roll=)."""
    _inspector(request)
    step = roll = None
    if request.GET.get("step", "").isdigit():
        step = get_object_or_404(CaseStep.objects.select_related("case", "case__item"), pk=int(request.GET["step"]))
    elif request.GET.get("roll", "").isdigit():
        from payments.models import PaymentRoll

        roll = get_object_or_404(PaymentRoll, pk=int(request.GET["roll"]))
    else:
        raise PermissionDenied
    form = OpinionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            opinion_service.give_opinion(
                user=request.user,
                verdict=form.cleaned_data["verdict"],
                text=form.cleaned_data["text"],
                on_date=timezone.localdate(),
                step=step,
                roll=roll,
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "稽查意见已出具")
            return redirect("supervision:opinions")
    earlier = Opinion.objects.filter(step=step) if step else Opinion.objects.filter(roll=roll)
    rules = opinion_service.rules_for_step(step) if step else []
    return render(
        request,
        "supervision/opinion_new.html",
        {"form": form, "step": step, "roll": roll, "earlier": earlier.order_by("-pk"), "rules": rules},
    )
