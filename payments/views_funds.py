"""Fund account pages (专户) and the three-checks report (三查)."""

import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.roles import Capability
from areas.codes import is_county_or_above
from audit.models import AuditEntry
from audit.services import record
from core.errors import DomainError
from core.excel import xlsx_response
from core.months import parse_month
from payments import funds
from payments.checks import three_checks as compute_three_checks
from payments.errors import PaymentCode
from payments.models import FundAccount, FundEntry, yuan, yuan_number
from payments.views import request_prefix
from policy.programmes import Programme


def _can_keep_books(user) -> bool:
    return user.can(Capability.APPROVE) or user.can(Capability.REVIEW)


class AccountForm(forms.Form):
    programme = forms.ChoiceField(label="救助项目", choices=Programme.choices)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    area_code = forms.CharField(label="区划代码", max_length=12)
    name = forms.CharField(label="账户名称", max_length=100)


class EntryForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=[c for c in FundEntry.Kind.choices if c[0] != "allocation_in"])
    amount = forms.DecimalField(label="金额（元）", max_digits=14, decimal_places=2, min_value=0)
    document_reference = forms.CharField(label="凭证/文件号", max_length=100)
    target = forms.ModelChoiceField(label="拨付至（仅拨付下级）", queryset=FundAccount.unscoped.none(), required=False)
    note = forms.CharField(label="摘要", max_length=200, required=False)
    override_reason = forms.CharField(label="透支授权理由（仅审批人）", max_length=200, required=False)
    key = forms.CharField(widget=forms.HiddenInput)


@login_required
def fund_list(request):
    accounts = FundAccount.objects.annotate(balance=Sum("entries__amount_fen")).order_by(
        "-year", "programme", "area_code"
    )
    if request.GET.get("export") == "xlsx":
        record(AuditEntry.Action.EXPORT, object_type="payments.fundaccount", object_repr="资金专户导出")
        rows = ([a.name, a.get_programme_display(), a.year, a.area_code, yuan_number(a.balance)] for a in accounts)
        return xlsx_response("资金专户", ["账户名称", "救助项目", "年度", "区划代码", "余额（元）"], rows, "资金专户")
    for account in accounts:
        account.balance_yuan = yuan(account.balance)
    form = AccountForm(initial={"year": timezone.localdate().year, "area_code": request.user.area_code})
    return render(
        request,
        "payments/fund_list.html",
        {"accounts": accounts, "form": form, "can_keep": _can_keep_books(request.user)},
    )


@login_required
@require_POST
def fund_open(request):
    if not _can_keep_books(request.user):
        raise PermissionDenied("无权开设专户")
    form = AccountForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        if not request.jurisdiction.allows(data["area_code"]):
            raise PermissionDenied("只能为本辖区开设专户")
        level = "county" if is_county_or_above(data["area_code"]) else "township"
        account = funds.open_account(
            programme=data["programme"], level=level, year=data["year"], area_code=data["area_code"], name=data["name"]
        )
        return redirect("payments:fund_detail", account.pk)
    messages.error(request, "请完整填写专户信息")
    return redirect("payments:fund_list")


@login_required
def fund_detail(request, pk: int):
    account = get_object_or_404(FundAccount.objects, pk=pk)
    entries = FundEntry.objects.filter(account=account).select_related("recorded_by", "override_by").order_by("id")
    if request.GET.get("export") == "xlsx":
        record(AuditEntry.Action.EXPORT, obj=account, changes={"entries": True})
        rows = (
            [e.recorded_at.strftime("%Y-%m-%d %H:%M"), e.get_kind_display(), yuan_number(e.amount_fen), yuan_number(e.balance_after_fen),
             e.document_reference, e.note, e.override_reason, str(e.recorded_by or "")]
            for e in entries
        )  # fmt: skip
        headers = ["时间", "类型", "金额（元）", "余额（元）", "凭证/文件号", "摘要", "透支理由", "记账人"]
        return xlsx_response(f"资金流水{account.name}", headers, rows, "资金流水")
    form = EntryForm(request.POST or None, initial={"key": uuid.uuid4().hex})
    form.fields["target"].queryset = FundAccount.objects.filter(programme=account.programme, year=account.year).exclude(
        pk=account.pk
    )
    if request.method == "POST":
        if not _can_keep_books(request.user):
            raise PermissionDenied("无权记账")
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["kind"] == FundEntry.Kind.ALLOCATION_OUT:
                    if not data["target"]:
                        raise DomainError(PaymentCode.TARGET_MISSING, "拨付下级须选择下级专户")
                    funds.allocate(account, data["target"], amount=data["amount"],
                                   document_reference=data["document_reference"], idempotency_key=data["key"],
                                   user=request.user, override_reason=data["override_reason"])  # fmt: skip
                else:
                    funds.post_entry(account, kind=data["kind"], amount=data["amount"],
                                     document_reference=data["document_reference"], idempotency_key=data["key"],
                                     user=request.user, note=data["note"],
                                     override_reason=data["override_reason"])  # fmt: skip
                messages.success(request, "已记账")
                return redirect("payments:fund_detail", account.pk)
            except DomainError as error:
                form.add_error(None, error.message)
    for entry in entries:
        entry.amount_yuan, entry.balance_yuan = yuan(entry.amount_fen), yuan(entry.balance_after_fen)
    return render(
        request,
        "payments/fund_detail.html",
        {
            "account": account,
            "entries": entries,
            "balance": yuan(funds.balance_fen(account)),
            "form": form,
            "can_keep": _can_keep_books(request.user),
        },
    )


CHECK_HEADERS = [
    "乡镇",
    "保障对象",
    "缺决定",
    "缺证照",
    "台账完善",
    "名册数",
    "未公示名册",
    "已公示",
    "待回盘",
    "超期未发",
    "发放到位",
]


@login_required
def three_checks(request):
    month = parse_month(request.GET.get("month")) or timezone.localdate().replace(day=1)
    try:
        days = max(1, min(365, int(request.GET.get("days", 30))))
    except ValueError:
        days = 30
    rows = compute_three_checks(month=month, days=days, area_prefix=request_prefix(request.user))
    if request.GET.get("export") == "xlsx":
        record(AuditEntry.Action.EXPORT, object_type="payments.threechecks", object_repr=f"三查报告{month:%Y-%m}")
        yes = {True: "是", False: "否"}
        data = (
            [r.name, r.recipients, r.missing_decision, r.missing_documents, yes[r.ledger_complete], r.rolls,
             "、".join(r.unpublished_rolls), yes[r.disclosed], r.pending_lines, r.overdue_lines, yes[r.paid_in_full]]
            for r in rows
        )  # fmt: skip
        return xlsx_response(f"三查报告{month:%Y%m}", CHECK_HEADERS, data, "三查")
    return render(request, "payments/three_checks.html", {"rows": rows, "month": month, "days": days})
