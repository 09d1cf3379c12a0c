"""Payment roll pages: list and generate, review and approve, bank file, bank return, corrections."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.roles import Capability
from areas.models import Area
from audit.models import AuditEntry
from audit.services import record, record_personal_data_view
from core.errors import DomainError
from core.excel import csv_response, xlsx_response
from core.masking import mask_bank_account, mask_id_number
from core.months import parse_month
from jobs.exports import export_response
from jobs.models import Job
from payments import bankfile, rolls
from payments.jobs import KIND as GENERATION_KIND
from payments.jobs import start_generation
from payments.models import BankFile, BankLayout, PaymentRoll, RollLine, yuan_number
from payments.returns import Reading, correct_failed_line, import_return, reconcile, record_counter_payment
from policy.programmes import Programme


class GenerateForm(forms.Form):
    programme = forms.ChoiceField(label="救助项目", choices=Programme.choices)
    month = forms.DateField(label="发放月份", widget=forms.DateInput(attrs={"type": "month"}), input_formats=["%Y-%m"])
    area = forms.ModelChoiceField(label="区域", queryset=Area.objects.none(), to_field_name="code")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        prefix = request_prefix(user)
        self.fields["area"].queryset = Area.objects.filter(
            code__startswith=prefix, level__in=["county", "township"]
        ).order_by("code")
        self.fields["area"].initial = user.area_code


class CorrectionForm(forms.Form):
    payee_name = forms.CharField(label="收款人", max_length=50)
    bank_name = forms.CharField(label="开户银行", max_length=50, required=False)
    bank_account = forms.CharField(label="银行账号", max_length=32)
    reason = forms.CharField(label="更正说明", max_length=200)


class CounterPaymentForm(forms.Form):
    voucher_number = forms.CharField(label="发放凭证号", max_length=40)
    paid_on = forms.DateField(label="发放日期", widget=forms.DateInput(attrs={"type": "date"}))


def request_prefix(user) -> str:
    from areas.jurisdiction import scope_for_user

    return scope_for_user(user).prefix


def _require(user, allowed: bool, message: str = "无权进行此操作") -> None:
    if not allowed:
        raise PermissionDenied(message)


ROLL_HEADERS = [
    "名册编号",
    "类型",
    "救助项目",
    "月份",
    "区域",
    "状态",
    "应发笔数",
    "应发金额",
    "已发放",
    "失败",
    "暂缓",
    "待回盘",
    "平衡",
]


@login_required
def roll_list(request):
    queryset = PaymentRoll.objects.select_related("generated_by", "approved_by")
    if programme := request.GET.get("programme"):
        queryset = queryset.filter(programme=programme)
    if month := parse_month(request.GET.get("month")):
        queryset = queryset.filter(month=month)
    if (kind := request.GET.get("kind")) in PaymentRoll.Kind.values:
        queryset = queryset.filter(kind=kind)
    recs = reconcile(queryset)
    if request.GET.get("export") == "xlsx":
        rows = (
            [
                r.roll.number,
                r.roll.get_kind_display(),
                r.roll.get_programme_display(),
                f"{r.roll.month:%Y-%m}",
                r.roll.area_code,
                r.roll.get_status_display(),
                r.planned_count,
                yuan_number(r.planned_fen),
                yuan_number(r.paid_fen),
                yuan_number(r.failed_fen),
                yuan_number(r.held_fen),
                yuan_number(r.pending_fen),
                "是" if r.balanced else "否",
            ]
            for r in recs
        )
        record(AuditEntry.Action.EXPORT, object_type="payments.paymentroll", object_repr="发放名册列表导出")
        return xlsx_response("发放名册", ROLL_HEADERS, rows, "发放名册")
    form = GenerateForm(user=request.user, initial={"month": timezone.localdate().replace(day=1)})
    return render(
        request,
        "payments/roll_list.html",
        {
            "recs": recs,
            "form": form,
            "can_prepare": rolls.can_prepare(request.user),
            "programmes": Programme.choices,
            "kinds": PaymentRoll.Kind.choices,
        },
    )


@login_required
@require_POST
def roll_generate(request):
    _require(request.user, rolls.can_prepare(request.user))
    form = GenerateForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, "请选择项目、月份和区域")
        return redirect("payments:roll_list")
    data = form.cleaned_data
    job = start_generation(
        programme=data["programme"], month=data["month"], area_code=data["area"].code, user=request.user
    )
    return redirect("payments:roll_generation", job.pk)


@login_required
def roll_generation(request, job_pk: int):
    """The generation job's progress; once the roll is written, the browser goes to it."""
    job = get_object_or_404(Job.objects.filter(kind=GENERATION_KIND), pk=job_pk)
    roll_id = (job.result or {}).get("roll_id")
    if request.htmx:  # the page's poller: redirect when done, stop polling (286) on failure
        if job.status == Job.Status.SUCCEEDED and roll_id:
            return HttpResponse(headers={"HX-Redirect": reverse("payments:roll_detail", args=[roll_id])})
        return HttpResponse(status=286 if job.is_finished else 204)
    if job.status == Job.Status.SUCCEEDED and roll_id:
        return redirect("payments:roll_detail", roll_id)
    return render(request, "payments/roll_generation.html", {"job": job})


LINE_HEADERS = [
    "序号",
    "类型",
    "所属月份",
    "户编号",
    "户主",
    "享受人",
    "保障人口",
    "收款人",
    "开户银行",
    "银行账号",
    "金额",
    "状态",
    "原因",
]


ROLL_LINES_EXPORT = "payments.roll_lines"


def roll_lines_export(params: dict, user):
    """The roll's lines for jobs.exports: a county's roll of 300,000 lines is written by the worker."""
    roll = PaymentRoll.objects.get(pk=params["roll"])
    lines = RollLine.objects.filter(roll=roll).order_by("area_code", "seq")
    if params.get("status"):
        lines = lines.filter(status=params["status"])
    return LINE_HEADERS, _line_rows(lines.iterator(chunk_size=2000)), lines.count() + 1


def _line_rows(lines):
    """The roll's lines for Excel, the amount a number (SUM works), then a 合计 row."""
    count, total = 0, 0
    for x in lines:
        count += 1
        total += x.amount_fen if x.kind != RollLine.Kind.RECOVERY else 0
        yield [
            x.seq,
            x.get_kind_display(),
            f"{x.pay_month:%Y-%m}",
            x.household_number,
            x.head_name,
            x.beneficiary_name,
            x.covered_members,
            x.payee_name,
            x.bank_name,
            mask_bank_account(x.bank_account),
            yuan_number(x.amount_fen),
            x.get_status_display(),
            x.failure_reason or x.get_hold_reason_display(),
        ]
    yield ["合计", f"{count}行", "", "", "", "", "", "", "", "", yuan_number(total), "不含追回", ""]


@login_required
def roll_detail(request, pk: int):
    roll = get_object_or_404(PaymentRoll.objects.select_related("generated_by", "approved_by"), pk=pk)
    # Lines are numbered in enrolment order (cheapest to write); reviewers read a roll village by village.
    lines = RollLine.objects.filter(roll=roll).order_by("area_code", "seq")
    status = request.GET.get("status", "")
    if status:
        lines = lines.filter(status=status)
    export = request.GET.get("export")
    if export in ("xlsx", "csv"):
        record(AuditEntry.Action.EXPORT, obj=roll, changes={"lines": status or "all", "masked": True})
        if export == "csv":
            return csv_response(f"发放名册{roll.number}", LINE_HEADERS, _line_rows(lines.iterator(chunk_size=2000)))
        return export_response(request, ROLL_LINES_EXPORT, {"roll": roll.pk, "status": status})
    page = Paginator(lines, 50).get_page(request.GET.get("page"))
    for line in page:
        line.masked_account = mask_bank_account(line.bank_account)
        line.masked_id = mask_id_number(line.payee_id_number)
    (rec,) = reconcile(PaymentRoll.objects.filter(pk=roll.pk)) or [None]
    layouts = list(BankLayout.objects.filter(is_active=True))
    user = request.user
    context = {
        "roll": roll,
        "page": page,
        "status": status,
        "statuses": RollLine.Status.choices,
        "rec": rec,
        "issues": roll.issues.select_related("line", "other_roll")[:200],
        "failed": RollLine.objects.filter(roll=roll, status=RollLine.Status.FAILED).order_by("seq")[:200],
        "manual": bankfile.manual_lines(roll).select_related("counter_payment__paid_by")[:200],
        "today": timezone.localdate(),
        "layouts": layouts,
        "banks": bankfile.banks_of(roll, [lay for lay in layouts if lay.bank_keywords]),
        "bank_files": roll.bank_files.select_related("layout").order_by("pk"),
        "returns": roll.returns.select_related("bank_file__layout").order_by("pk"),
        "readings": Reading.choices,
        "can_approve": roll.status == "generated" and user.can(Capability.APPROVE) and roll.generated_by_id != user.pk,
        "can_prepare": rolls.can_prepare(user),
        "can_bank": rolls.can_prepare(user) and user.can(Capability.UNMASK_PERSONAL_DATA),
    }
    return render(request, "payments/roll_detail.html", context)


@login_required
@require_POST
def roll_approve(request, pk: int):
    roll = get_object_or_404(PaymentRoll.objects, pk=pk)
    try:
        rolls.approve_roll(roll, user=request.user, fund_override_reason=request.POST.get("override_reason", ""))
        messages.success(request, "名册已审批，已冻结")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("payments:roll_detail", roll.pk)


@login_required
@require_POST
def roll_reject(request, pk: int):
    roll = get_object_or_404(PaymentRoll.objects, pk=pk)
    try:
        rolls.reject_roll(roll, user=request.user, reason=request.POST.get("reason", ""))
        messages.success(request, "名册已退回")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("payments:roll_detail", roll.pk)


@login_required
@require_POST
def roll_publish(request, pk: int):
    roll = get_object_or_404(PaymentRoll.objects, pk=pk)
    _require(request.user, rolls.can_prepare(request.user))
    if roll.programme in ("orphan", "unsupported_child"):
        messages.error(request, "儿童保障名单不公示（保护未成年人隐私）")
    elif PaymentRoll.objects.filter(pk=roll.pk, status="approved", published_at__isnull=True).update(
        published_at=timezone.now()
    ):
        record(AuditEntry.Action.UPDATE, obj=roll, changes={"published": True})
        messages.success(request, "已在公开页面公示本月名单（仅姓名脱敏、保障人口、金额）")
    else:
        messages.error(request, "只有已审批且未公示的名册可以公示")
    return redirect("payments:roll_detail", roll.pk)


@login_required
@require_POST
def roll_return(request, pk: int):
    roll = get_object_or_404(PaymentRoll.objects, pk=pk)
    _require(request.user, rolls.can_prepare(request.user))
    bank_file = None
    if request.POST.get("bank_file"):
        bank_file = get_object_or_404(BankFile, pk=request.POST["bank_file"], roll=roll)
    reading = request.POST.get("reading") or Reading.AUTO
    if reading not in Reading.values:
        reading = Reading.AUTO
    upload = request.FILES.get("file")
    if not upload:
        messages.error(request, "请选择回盘文件")
        return redirect("payments:roll_detail", roll.pk)
    if upload.size > 200 * 1024 * 1024:
        messages.error(request, "回盘文件过大")
        return redirect("payments:roll_detail", roll.pk)
    try:
        result = import_return(
            roll, upload.read(), filename=upload.name, user=request.user, bank_file=bank_file, reading=reading
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("payments:roll_detail", roll.pk)
    messages.success(
        request,
        f"回盘已导入（{Reading(result.reading).label if result.reading else ''}）：成功 {result.paid_count} 笔，"
        f"失败 {result.failed_count} 笔，无法匹配 {len(result.rejected_rows)} 行",
    )
    if result.rejected_rows:
        return redirect("payments:return_detail", roll.pk, result.pk)
    return redirect("payments:roll_detail", roll.pk)


@login_required
def line_correct(request, pk: int, seq: int):
    """The payment screen: the failed line with its full account, and the correction form."""
    roll = get_object_or_404(PaymentRoll.objects, pk=pk)
    line = get_object_or_404(RollLine.objects, roll=roll, seq=seq)
    _require(request.user, rolls.can_prepare(request.user) and request.user.can(Capability.UNMASK_PERSONAL_DATA))
    initial = {"payee_name": line.payee_name, "bank_name": line.bank_name}
    form = CorrectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            correct_failed_line(line, user=request.user, **form.cleaned_data)
            messages.success(request, f"第{line.seq}行已更正，将在下一期名册中重发")
            return redirect("payments:roll_detail", roll.pk)
        except DomainError as error:
            form.add_error(None, error.message)
    record_personal_data_view(line, ["bank_account", "payee_id_number"], reason="更正失败发放")
    return render(request, "payments/line_correct.html", {"roll": roll, "line": line, "form": form})


@login_required
@require_POST
def line_counter_payment(request, pk: int, seq: int):
    """柜台发放 of a rare-name line the bank file could not hold."""
    roll = get_object_or_404(PaymentRoll.objects, pk=pk)
    line = get_object_or_404(RollLine.objects, roll=roll, seq=seq)
    _require(request.user, rolls.can_prepare(request.user))
    form = CounterPaymentForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写发放凭证号和发放日期")
        return redirect("payments:roll_detail", roll.pk)
    try:
        record_counter_payment(line, user=request.user, **form.cleaned_data)
        messages.success(request, f"第{line.seq}行已登记柜台发放")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("payments:roll_detail", roll.pk)
