"""Staff pages of assistance applications: list (with export), apply at the window, the case file
with its step actions, survey, notice, objections, 民主评议, and the county decision."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.roles import Capability
from areas.codes import is_township_or_above
from assistance import forms, notice, procedure, tekun, temporary
from assistance.casework import Application, Objection, PublicNotice, Survey, TemporaryAidPayment
from assistance.errors import AssistanceCode
from assistance.survey import INCOME_KINDS, record_survey
from cases.access import can_act_on, ensure_case_staff
from cases.deadlines import case_clock, step_clock, warn_days_on
from cases.workdays import WorkCalendar
from core.errors import DomainError
from core.excel import xlsx_response
from policy.programmes import Programme
from policy.rules import DAILY_ACTIVITIES, Exclusion
from registry.models import Household
from registry.search import search_households

ACTIVITY_LABELS = {
    "eating": "进食",
    "dressing": "穿衣",
    "bed_transfer": "上下床",
    "toileting": "如厕",
    "walking_indoors": "室内行走",
    "bathing": "洗澡",
}


def _application(request, pk: int) -> Application:
    ensure_case_staff(request.user)
    application = (
        Application.objects.select_related("case", "case__version", "household__head", "beneficiary", "enrolment")
        .filter(pk=pk)
        .first()
    )
    if application is None:
        raise Http404("找不到该申请，或不在您的辖区")
    return application


@login_required
def applications(request):
    ensure_case_staff(request.user)
    rows = Application.objects.select_related("case", "household__head", "case__current_step").order_by("-id")
    programme = request.GET.get("programme", "")
    if programme:
        rows = rows.filter(programme=programme)
    if request.GET.get("close_relative"):
        rows = rows.filter(close_relative=True)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            "救助申请",
            ["受理编号", "项目", "户主", "保障人口", "近亲属备案", "当前环节", "拟保障金额", "结果", "决定日期"],
            (
                [
                    a.case.receipt_no,
                    a.get_programme_display(),
                    a.household.head.name if a.household.head_id else "",
                    a.covered_members,
                    "是" if a.close_relative else "",
                    a.case.current_step.name if a.case.current_step_id else "",
                    a.proposed_amount,
                    a.get_decision_display(),
                    a.decided_on,
                ]
                for a in rows.iterator()
            ),
        )
    context = {"rows": rows[:200], "programmes": Programme.choices, "programme": programme}
    return render(request, "assistance/applications.html", context)


@login_required
def apply(request):
    ensure_case_staff(request.user)
    programme = request.POST.get("programme") or request.GET.get("programme") or Programme.DIBAO
    q = request.GET.get("q", "").strip()
    households = []
    if q:
        households = search_households(q)  # pinyin, initials, ID tail … as the registry search
    household = None
    if hh := request.POST.get("household") or request.GET.get("household"):
        household = Household.objects.select_related("head").filter(pk=hh).first()
    members = [m for m in household.current_memberships()] if household else []
    existing = None
    if request.method == "POST" and household is not None:
        ids = [m.person_id for m in members]
        chosen = next((m.person for m in members if str(m.person_id) == request.POST.get("beneficiary")), None)
        facts = {}
        if request.POST.get("requested_amount"):
            facts["requested_amount"] = request.POST["requested_amount"]
            facts["reason"] = request.POST.get("reason", "")
        try:
            application = procedure.apply_for_assistance(
                user=request.user,
                programme=programme,
                household=household,
                on_date=timezone.localdate(),
                beneficiary=chosen,
                member_inputs=forms.member_inputs(request.POST, ids),
                alone=request.POST.get("alone") == "on",
                family_is_edge=request.POST.get("family_is_edge") == "on",
                unemployed=request.POST.get("unemployed") == "on",
                authorisation_signed=request.POST.get("authorisation") == "on",
                facts=facts,
            )
        except DomainError as error:
            messages.error(request, error.message)
            existing = error.details.get("url")
        else:
            messages.success(request, f"已受理，受理编号{application.case.receipt_no}")
            return redirect("assistance:detail", pk=application.pk)
    context = {
        "programme": programme,
        "programmes": Programme.choices,
        "q": q,
        "households": households,
        "household": household,
        "members": members,
        "exclusions": Exclusion.LABELS.items(),
        "existing_url": existing,
        "chosen_beneficiary": request.POST.get("beneficiary") or request.GET.get("beneficiary", ""),
    }
    return render(request, "assistance/apply.html", context)


def can_disburse(user) -> bool:
    """Whoever accepts, reviews or approves may record a hand-over or send the rest to the roll."""
    return any(user.can(c) for c in (Capability.ACCEPT_APPLICATIONS, Capability.REVIEW, Capability.APPROVE))


@login_required
def detail(request, pk: int):
    application = _application(request, pk)
    case, user = application.case, request.user
    today, calendar = timezone.localdate(), WorkCalendar()
    warn = warn_days_on(today)
    steps = list(case.steps.select_related("definition", "responsible_unit", "acted_by").order_by("order"))
    current = procedure.current_step(application)
    latest = notice.latest_notice(application)
    context = {
        "application": application,
        "case": case,
        "rows": [(s, step_clock(s, today, calendar, warn)) for s in steps],
        "clock": case_clock(case, today, calendar, warn),
        "current": current,
        "can_act": current is not None and can_act_on(user, current),
        "is_confirm": current is not None and current.order == len(steps),
        "is_notice": current is not None and current.definition.kind == "notice",
        "notice": latest,
        "notices": application.notices.prefetch_related("objections").order_by("round"),
        "open_objections": notice.open_objections(application),
        "surveys": application.surveys.select_related("recorded_by"),
        "appraisals": application.appraisals.all(),
        "events": case.events.order_by("id"),
        "income_kinds": INCOME_KINDS.items(),
        "survey_kinds": Survey.Kind.choices,
        "slots3": range(3),
        "slots4": range(4),
        "slots2": range(2),
        "activities": [(a, ACTIVITY_LABELS[a]) for a in DAILY_ACTIVITIES],
        "resolutions": Objection.Resolution.choices,
        "outcomes": Objection.Outcome.choices,
        "is_staff_above_village": bool(user.unit_id) and is_township_or_above(user.unit.area_code),
    }
    if application.programme in (Programme.TEMPORARY_EMERGENCY, Programme.TEMPORARY_SPENDING):
        context["temporary"] = temporary.approval_summary(application)
        context["paid"] = temporary.payment_summary(application)
        context["payment_methods"] = TemporaryAidPayment.Method.choices
        context["can_disburse"] = can_disburse(user)
    return render(request, "assistance/detail.html", context)


@login_required
@require_POST
def act(request, pk: int):
    """One endpoint for the file's actions; each calls one service and reports its message."""
    application = _application(request, pk)
    user, today, post = request.user, timezone.localdate(), request.POST
    action = post.get("action", "")
    text = post.get("text", "").strip()
    try:
        if action == "pass":
            procedure.pass_step(user=user, application=application, on_date=today, opinion=text)
            messages.success(request, "已通过，转入下一环节")
        elif action == "survey":
            values = forms.survey_values(post)
            record_survey(
                user=user,
                application=application,
                visited_on=forms.day(post.get("visited_on"), today),
                kind=post.get("kind", Survey.Kind.HOME_VISIT),
                signature_scan=request.FILES.get("signature_scan"),
                **values,
            )
            messages.success(request, "调查记录已保存")
        elif action == "objection":
            current = notice.latest_notice(application)
            if current is None:
                raise DomainError(AssistanceCode.NO_NOTICE, "尚未公示")
            notice.lodge_objection(notice=current, on_date=today, content=text, name=post.get("name", ""), user=user)
            messages.warning(request, "已登记异议，本案在复查前不能确认")
        elif action == "appraisal":
            procedure.record_appraisal(
                user=user,
                application=application,
                held_on=forms.day(post.get("held_on"), today),
                participants=int(post.get("participants") or 0),
                agree=int(post.get("agree") or 0),
                disagree=int(post.get("disagree") or 0),
                conclusion=text,
            )
            messages.success(request, "民主评议记录已保存")
        elif action == "resolve":
            notice.resolve_objections(
                user=user,
                application=application,
                on_date=today,
                resolution=post.get("resolution", ""),
                outcome=post.get("outcome", ""),
                note=text,
            )
            messages.success(request, "异议已处理，请重新初审并重新公示")
        elif action == "rerun":
            again = notice.rerun_public_notice(user=user, application=application, on_date=today, opinion=text)
            messages.success(request, f"已重新公示至{again.ends_on}")
        elif action == "confirm":
            if application.programme in procedure.TEMPORARY:
                method = post.get("payment_method", "roll")
                if method not in TemporaryAidPayment.Method.values:
                    raise DomainError(AssistanceCode.AMOUNT, "请选择发放方式")
                facts = {**application.facts, "payment_method": method}
                Application.objects.filter(pk=application.pk).update(facts=facts)
                application.facts = facts
            procedure.confirm_application(user=user, application=application, on_date=today, opinion=text)
            if application.programme in procedure.TEMPORARY:
                left = temporary.payment_summary(application)["remaining"]
                done = "已审批，已开具一次性支付单，请下载银行文件送银行" if method == "order" else "已审批并安排发放"
                messages.success(request, f"已审批；尚待发放{left}元，请凭签收单登记发放" if left else done)
            else:
                messages.success(request, "已审核确认，自次月起发放")
        elif action == "refuse":
            procedure.refuse_application(user=user, application=application, on_date=today, reason=text)
            days = application.case.version.refusal_notice_wd
            messages.success(request, f"已作出不予确认决定，请在{days}个工作日内书面告知申请人")
        elif action == "assess":
            tekun.assess_self_care(
                user=user,
                application=application,
                on_date=today,
                able={a: post.get(f"able_{a}") == "on" for a in DAILY_ACTIVITIES},
            )
            messages.success(request, "生活自理能力评估已保存")
        elif action == "advance":
            temporary.pay_first(
                user=user,
                application=application,
                on_date=today,
                amount=Decimal(post.get("amount") or "0"),
                method=post.get("method", ""),
                goods=post.get("goods", ""),
                received_by=post.get("received_by", ""),
                receipt_scan=request.FILES.get("receipt_scan"),
            )
            messages.success(request, "已先行救助，事后补齐材料")
        elif action == "disburse":
            if not can_disburse(user):
                raise DomainError(AssistanceCode.NO_PERMISSION, "无权登记发放")
            temporary.disburse(
                user=user,
                application=application,
                on_date=today,
                amount=Decimal(post.get("amount") or "0"),
                method=post.get("method", ""),
                goods=post.get("goods", ""),
                received_by=post.get("received_by", ""),
                receipt_scan=request.FILES.get("receipt_scan"),
            )
            messages.success(
                request, "已开具一次性支付单，请下载银行文件送银行" if post.get("method") == "order" else "已登记发放"
            )
        elif action in ("order_reissue", "order_cash"):
            if not can_disburse(user):
                raise DomainError(AssistanceCode.NO_PERMISSION, "无权登记发放")
            if action == "order_reissue":
                temporary.reissue_order(
                    user=user,
                    application=application,
                    payment_id=int(post.get("payment") or 0),
                    on_date=today,
                    payee_name=post.get("payee_name", ""),
                    bank_name=post.get("bank_name", ""),
                    bank_account=post.get("bank_account", ""),
                    reason=post.get("reason", ""),
                )
                messages.success(request, "已重新开具一次性支付单，请下载银行文件送银行")
            else:
                temporary.switch_to_cash(
                    user=user,
                    application=application,
                    payment_id=int(post.get("payment") or 0),
                    on_date=today,
                    received_by=post.get("received_by", ""),
                    receipt_scan=request.FILES.get("receipt_scan"),
                    reason=post.get("reason", ""),
                )
                messages.success(request, "支付单已作废，已登记现金发放")
        else:
            messages.error(request, "未知操作")
    except DomainError as error:
        messages.error(request, error.message)
    except (ValueError, ArithmeticError):
        messages.error(request, "提交的内容格式不正确")
    return redirect("assistance:detail", pk=application.pk)


@login_required
def print_notice(request, pk: int):
    """The notice sheet for the village board (only masked name, household size and amount)."""
    application = _application(request, pk)
    current = notice.latest_notice(application)
    if current is None:
        raise Http404("尚未公示")
    rows = PublicNotice.objects.filter(pk=current.pk)
    return render(request, "assistance/notice_sheet.html", {"notice": current, "rows": rows, "printing": True})
