"""Screens of the monthly evaluation: months, the ranking sheet (screen, print, Excel), 讲评, the
records behind a figure, entered scores and a subject's history."""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation

from accounts.models import Unit, User
from accounts.roles import Capability
from areas.codes import county_of
from core.errors import DomainError
from core.excel import xlsx_response
from supervision import evaluation as service
from supervision import sheet
from supervision.aggregates import AGGREGATED, WINDOW_DAYS
from supervision.aggregates import last_refresh as last_step_refresh
from supervision.indicators import COMPUTATIONS
from supervision.models import EnteredScore, Evaluation, Indicator, ScoreLine, SubjectResult, SubjectType
from supervision.views.common import Styled


def _evaluator(request) -> None:
    if not request.user.can(Capability.MANAGE_EVALUATION):
        raise PermissionDenied


def _county(user) -> str:
    if not user.area_code:
        raise PermissionDenied
    return county_of(user.area_code)


class MonthForm(Styled, forms.Form):
    month = forms.DateField(label="考核月份", widget=forms.DateInput(attrs={"type": "month"}), input_formats=["%Y-%m"])


@login_required
def evaluation_list(request):
    _evaluator(request)
    county = _county(request.user)
    form = MonthForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        evaluation = service.evaluation_for(county, form.cleaned_data["month"])
        try:
            service.compute_month(evaluation)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"{evaluation}已计算，请审核后公布")
        return redirect("supervision:evaluation_detail", evaluation.pk)
    evaluations = Evaluation.objects.filter(area_code=county).order_by("-month")
    indicators = Indicator.objects.filter(is_active=True).order_by("subject_type", "sort_order")
    return render(
        request,
        "supervision/evaluation_list.html",
        {"evaluations": evaluations, "form": form, "indicators": indicators, "computations": COMPUTATIONS},
    )


def _page_number(request, pages: int = 100_000) -> int:
    """?page=N, from 1 to the last page (a page number of thirty digits is the last page, not an error)."""
    number = int(request.GET["page"]) if request.GET.get("page", "").isdigit() else 1
    return min(max(1, number), max(1, pages))


def _screen_page(request, evaluation: Evaluation, subject_type: str, columns) -> tuple[list, dict | None]:
    """The rows the screen shows: every subject, or a page of `SCREEN_PAGE` when there are more."""
    count = sheet.count(evaluation, subject_type)
    if count <= sheet.SCREEN_PAGE:
        return sheet.rows(evaluation, subject_type, columns), None
    pages = -(-count // sheet.SCREEN_PAGE)
    number = _page_number(request, pages)
    start = (number - 1) * sheet.SCREEN_PAGE
    rows = sheet.rows(evaluation, subject_type, columns, start, start + sheet.SCREEN_PAGE)
    paging = {"number": number, "pages": pages, "count": count, "size": sheet.SCREEN_PAGE}
    return rows, paging


@login_required
def evaluation_detail(request, pk: int):
    _evaluator(request)
    evaluation = get_object_or_404(Evaluation, pk=pk)
    types = sheet.subject_types(evaluation)
    subject_type = request.GET.get("type") or (types[0][0] if types else SubjectType.TOWNSHIP_OFFICE)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "compute":
                service.compute_month(evaluation)
                messages.success(request, "已重新计算")
            elif action == "publish":
                service.publish(evaluation, user=request.user, public=request.POST.get("public") == "1")
                messages.success(request, f"{evaluation}已公布，结果已冻结")
            elif action == "comment":
                result = get_object_or_404(SubjectResult, pk=request.POST.get("result"), evaluation=evaluation)
                service.set_comment(result, request.POST.get("comment", ""))
                messages.success(request, f"已保存对{result.name}的讲评")
        except DomainError as error:
            messages.error(request, error.message)
        page = request.POST.get("page", "")
        return redirect(f"{request.path}?type={subject_type}" + (f"&page={page}" if page.isdigit() else ""))
    columns = sheet.columns(evaluation, subject_type)
    label = str(dict(SubjectType.choices).get(subject_type, ""))
    if request.GET.get("export") == "xlsx":
        headers = ["名次", "考核对象", "总分", *[f"{c.name}（{c.weight}分）" for c in columns], "讲评"]
        rows = sheet.xlsx_rows(sheet.rows(evaluation, subject_type, columns))
        return xlsx_response(f"{evaluation}{label}排名", headers, rows, label[:30])
    printing = bool(request.GET.get("print"))
    if printing:  # the printed sheet: every subject
        rows, paging = sheet.rows(evaluation, subject_type, columns), None
    else:
        rows, paging = _screen_page(request, evaluation, subject_type, columns)
    sheet.fill_cells(rows, links=not printing)
    template = "supervision/evaluation_print.html" if printing else "supervision/evaluation_detail.html"
    return render(
        request,
        template,
        {
            "evaluation": evaluation,
            "types": types,
            "subject_type": subject_type,
            "type_label": label,
            "columns": columns,
            "results": rows,
            "paging": paging,
            "aggregated_labels": [COMPUTATIONS[code].label for code in AGGREGATED],
            "window_days": WINDOW_DAYS,
            "step_refresh": last_step_refresh(),
        },
    )


@login_required
def drill(request, pk: int, indicator_id: int):
    """The records behind one subject's figure (as they are now; the published figure stays frozen)."""
    _evaluator(request)
    result = get_object_or_404(SubjectResult.objects.select_related("evaluation"), pk=pk)
    line = get_object_or_404(ScoreLine.objects.select_related("indicator"), result=result, indicator_id=indicator_id)
    indicator = line.indicator
    subject_id = result.person_id or result.unit_id
    if indicator.source == Indicator.Source.ENTERED:
        field = {"person_id": subject_id} if result.person_id else {"unit_id": subject_id}
        records = EnteredScore.objects.filter(indicator=indicator, month=result.evaluation.month, **field)
        rows = [(f"{s.value}分", s.evidence, s.evidence_file.url if s.evidence_file else "") for s in records]
        return render(request, "supervision/drill.html", {"result": result, "line": line, "entered": rows, "rows": []})
    computation = COMPUTATIONS.get(indicator.computation)
    if computation is None:
        raise Http404
    records = computation.records(result.evaluation.month, subject_id)
    names = {f.name for f in records.model._meta.get_fields()}
    records = records.select_related(*({"case", "finding", "rectification"} & names))
    if request.GET.get("export") == "xlsx":  # every record, those that cost marks first
        if computation.on_time is not None:
            costs = computation.on_time if indicator.better == Indicator.Better.LOWER else ~computation.on_time
            ordered = [records.filter(costs).order_by("pk"), records.exclude(costs).order_by("pk")]
        else:
            ordered = [records.order_by("pk")]
        urls = sheet.Urls()
        records_rows = (_drill_row(record, urls) for part in ordered for record in part.iterator(2000))
        lines = ([row["label"], row["detail"]] for row in records_rows)
        return xlsx_response(f"{result.name}{indicator.name}明细", ["记录", "情况"], lines, "得分明细")
    number = _page_number(request)
    window, costly_count = _drill_window(records, computation, indicator, number)
    urls = sheet.Urls()
    rows = [_drill_row(record, urls) for record in window[:DRILL_PAGE]]
    page = {"number": number, "has_previous": number > 1, "has_next": len(window) > DRILL_PAGE}
    return render(
        request,
        "supervision/drill.html",
        {
            "result": result,
            "line": line,
            "rows": rows,
            "entered": None,
            "page": page,
            "costly_count": costly_count,
            "is_rate": computation.on_time is not None,
            "page_size": DRILL_PAGE,
        },
    )


DRILL_PAGE = 100


def _drill_window(records, computation, indicator: Indicator, number: int) -> tuple[list, int | None]:
    """One page (and one row more, to know whether another follows) of the records behind a figure.

    For a rate, the records that cost marks (late steps, failed roll lines) come first: two LIMITed
    queries in id order — those first, then the rest — never a sort of all the month's records; the
    number of costly ones is counted (few, through the (unit, finished_on) index) to know where the
    second part starts. For a count, every record costs: id order."""
    start = (number - 1) * DRILL_PAGE
    wanted = DRILL_PAGE + 1
    if computation.on_time is None:
        return list(records.order_by("pk")[start : start + wanted]), None
    costs = computation.on_time if indicator.better == Indicator.Better.LOWER else ~computation.on_time
    costly = records.filter(costs).order_by("pk")
    rest = records.exclude(costs).order_by("pk")
    count = costly.count()
    window = list(costly[start : start + wanted]) if start < count else []
    if len(window) < wanted:
        skip = max(0, start - count)
        window += list(rest[skip : skip + wanted - len(window)])
    return window, count


def _label(record, field: str) -> str:
    """A choice's label, as get_FOO_display() gives it, without rebuilding the choices on every row (a
    page of a hundred rows spent a quarter of its time there)."""
    key = (record._meta.label, field, getattr(record, field), translation.get_language())
    if key not in _LABELS:
        labels = dict(record._meta.get_field(field).choices or [])
        _LABELS[key] = str(labels.get(key[2], key[2]))
    return _LABELS[key]


_LABELS: dict[tuple, str] = {}


def _drill_row(record, url: sheet.Urls) -> dict:
    """One record behind a figure: what it is, its dates, and where to open it (`url` formed
    once per page and URL name)."""
    model = record._meta.model_name
    if model == "casestep":
        case = record.case
        return {
            "label": f"{case.receipt_no}「{record.name}」",
            "detail": f"期限 {record.due_on or '—'}，完成 {record.finished_on or '未完成'}，{_label(record, 'state')}",
            "url": url("cases:detail", record.case_id),
        }
    if model == "supervision":
        return {
            "label": f"{record.case.receipt_no} {_label(record, 'kind')}（{record.level}级）",
            "detail": f"{record.issued_on} {record.reason}",
            "url": url("cases:detail", record.case_id),
        }
    if model == "transfer":
        return {
            "label": f"{record.case.receipt_no} {_label(record, 'kind')}",
            "detail": f"期限 {record.due_on}，答复 {record.replied_on or '未答复'}",
            "url": url("cases:detail", record.case_id),
        }
    if model == "caseevent":
        return {
            "label": f"{record.case.receipt_no} {_label(record, 'kind')}",
            "detail": f"{record.on_date} {record.text[:60]}",
            "url": url("cases:detail", record.case_id),
        }
    if model == "finding":
        return {
            "label": f"{_label(record, 'kind')}",
            "detail": f"{record.found_on} {record.description[:60]}",
            "url": url("supervision:rectification_detail", record.rectification.pk),
        }
    if model == "rectification":
        return {
            "label": f"整改：{record.finding.description[:40]}",
            "detail": f"期限 {record.due_on}，报送 {record.submitted_on or '未报送'}，{_label(record, 'state')}",
            "url": url("supervision:rectification_detail", record.pk),
        }
    if model == "objection":
        application = record.notice.application
        return {
            "label": f"公示异议（{_label(record, 'outcome')}）",
            "detail": f"{record.lodged_on}提出，{record.resolved_on}答复：{record.resolution_note[:60]}",
            "url": url("assistance:detail", application.pk),
        }
    if model == "reviewcase":
        return {
            "label": f"{record.case.receipt_no} 复核（{record.reason[:30]}）",
            "detail": f"期限 {record.due_on}，结果 {record.outcome_on or '未出结果'} {_label(record, 'outcome')}",
            "url": url("cases:detail", record.case_id),
        }
    if model == "rollline":
        failed = f"，退回原因：{record.failure_reason}" if record.failure_reason else ""
        return {
            "label": f"名册{record.roll.number}第{record.seq}行",
            "detail": f"{record.pay_month:%Y年%m月} {_label(record, 'status')}{failed}",
            "url": url("payments:roll_detail", record.roll_id),
        }
    return {"label": str(record), "detail": "", "url": ""}


class EnteredScoreForm(Styled, forms.Form):
    indicator = forms.ModelChoiceField(label="指标", queryset=Indicator.objects.none())
    month = forms.DateField(label="考核月份", widget=forms.DateInput(attrs={"type": "month"}), input_formats=["%Y-%m"])
    unit = forms.ModelChoiceField(label="考核单位（单位类指标）", queryset=None, required=False)
    person = forms.ModelChoiceField(label="考核人员（人员类指标）", queryset=User.objects.none(), required=False)
    value = forms.DecimalField(label="得分（百分制）", min_value=Decimal(0), max_value=Decimal(100), decimal_places=1)
    evidence = forms.CharField(label="评分依据", widget=forms.Textarea(attrs={"rows": 2}))
    evidence_file = forms.FileField(label="佐证材料（可选）", required=False)

    def __init__(self, *args, county: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.filter(source=Indicator.Source.ENTERED, is_active=True)
        self.fields["unit"].queryset = Unit.objects.filter(
            is_active=True, kind__in=[Unit.Kind.TOWNSHIP_OFFICE, Unit.Kind.BUREAU]
        ).order_by("area_code")
        self.fields["person"].queryset = User.objects.filter(
            is_active=True, unit__area_code__startswith=county[:6]
        ).order_by("unit__area_code", "full_name")

    def clean(self):
        data = super().clean()
        indicator = data.get("indicator")
        if indicator:
            person_type = indicator.subject_type in (SubjectType.LIVELIHOOD_WORKER, SubjectType.STAFF)
            if person_type and not data.get("person"):
                self.add_error("person", "该指标考核人员，请选择人员")
            if not person_type and not data.get("unit"):
                self.add_error("unit", "该指标考核单位，请选择单位")
        return data


@login_required
def entered_scores(request):
    _evaluator(request)
    county = _county(request.user)
    today = timezone.localdate()
    form = EnteredScoreForm(
        request.POST or None, request.FILES or None, county=county, initial={"month": today.strftime("%Y-%m")}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person_type = data["indicator"].subject_type in (SubjectType.LIVELIHOOD_WORKER, SubjectType.STAFF)
        try:
            service.enter_score(
                user=request.user,
                indicator=data["indicator"],
                month=data["month"],
                value=data["value"],
                evidence=data["evidence"],
                unit=None if person_type else data["unit"],
                person=data["person"] if person_type else None,
                evidence_file=data["evidence_file"],
                area_code=county,
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "已录入")
            return redirect("supervision:entered_scores")
    scores = EnteredScore.objects.select_related("indicator", "unit", "person").order_by("-month", "-pk")[:100]
    return render(request, "supervision/entered_scores.html", {"form": form, "scores": scores})


@login_required
def history(request, kind: str, subject_id: int):
    """A subject's totals and ranks over the published months (trend and ranking history)."""
    _evaluator(request)
    if kind not in ("unit", "person"):
        raise Http404
    results = (
        SubjectResult.objects.filter(evaluation__state=Evaluation.State.PUBLISHED, **{f"{kind}_id": subject_id})
        .select_related("evaluation")
        .order_by("evaluation__month", "subject_type")
    )
    if not results:
        raise Http404
    counts = {}
    for result in results:
        key = (result.evaluation_id, result.subject_type)
        if key not in counts:
            counts[key] = SubjectResult.objects.filter(
                evaluation_id=result.evaluation_id, subject_type=result.subject_type
            ).count()
        result.out_of = counts[key]
        result.bar = int(result.total)
    trend = {
        "months": [f"{r.evaluation.month:%Y年%m月}" for r in results],
        "totals": [float(r.total) for r in results],
        "ranks": [r.rank for r in results],
    }
    return render(request, "supervision/history.html", {"results": results, "name": results[0].name, "trend": trend})


@login_required
def my_evaluation(request):
    """本单位及本人的考核: the published months' totals, ranks, figures and 讲评 of the user's unit
    and of the user, as discussed with them (一月一讲评)."""
    user = request.user
    if not user.can(Capability.VIEW_OWN_EVALUATION):
        raise PermissionDenied
    results = (
        SubjectResult.objects.filter(evaluation__state=Evaluation.State.PUBLISHED)
        .filter(Q(unit_id=user.unit_id) | Q(person_id=user.pk))
        .select_related("evaluation")
        .prefetch_related("lines__indicator")
        .order_by("-evaluation__month", "subject_type")[:24]
    )
    return render(request, "supervision/my_evaluation.html", {"results": results})
