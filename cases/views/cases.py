"""Window pages: accept an application, the case page with its steps, clocks and timeline, actions,
and the printable receipt, one-time notice and reply."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cases import actions
from cases.access import can_accept, can_act_on, can_supervise, ensure_case_staff
from cases.catalogue import items_for_window
from cases.deadlines import case_clock, step_clock, warn_days_on
from cases.errors import CaseCode
from cases.forms import AddDocumentForm, StepActionForm, SuperviseForm
from cases.hooks import line_intake_page
from cases.models import Case, CaseStep, Transfer
from cases.replies import default_reply_text, issue_reply
from cases.services import accept_application, supply_materials
from cases.supervision import issue_supervision
from cases.transfers import department_units, transfer_case
from cases.workdays import WorkCalendar
from core.errors import DomainError
from registry.models import Document, DocumentType, Household
from registry.search import search_households
from registry.services import attach_document, missing_documents


def _case_or_404(request, pk: int) -> Case:
    ensure_case_staff(request.user)
    case = (
        Case.objects.select_related(
            "item",
            "version",
            "household",
            "applicant",
            "partner",
            "organisation",
            "accepting_unit",
            "accepted_by",
            "current_step",
        )
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise Http404("找不到该办件，或不在您的辖区")
    return case


@login_required
def accept(request):
    ensure_case_staff(request.user)
    if not can_accept(request.user):
        raise PermissionDenied
    items = items_for_window(request.user.unit.area_code)
    q = request.GET.get("q", "").strip()
    households = []
    if q:
        households = search_households(q)  # pinyin, initials, ID tail … as the registry search
    household = None
    if hh := request.POST.get("household") or request.GET.get("household"):
        household = Household.objects.select_related("head").filter(pk=hh).first()
    item = None
    if code := request.POST.get("item") or request.GET.get("item"):
        item = next((i for i in items if i.code == code), None)
    if item is not None and (page := line_intake_page(item, household)):
        return redirect(page)  # 社会救助: its own form (composition, authorisation), filled in with the household
    today = timezone.localdate()
    context = {"items": items, "q": q, "households": households, "household": household, "item": item}
    if household is not None:
        members = [m.person for m in household.current_memberships()]
        context["members"] = members
        context["library"] = (
            Document.objects.filter(is_current=True)
            .filter(Q(household=household) | Q(person__in=members))
            .select_related("doc_type", "person")
        )
        if item is not None and (version := item.version_on(today)):
            context["version"] = version
            context["required"] = version.required_documents.all()
            context["missing"] = missing_documents(household, version.required_codes(), today)
    if request.method == "POST" and household is not None and item is not None:
        applicant = next((p for p in context["members"] if str(p.pk) == request.POST.get("applicant")), None)
        try:
            result = accept_application(
                user=request.user,
                item=item,
                household=household,
                applicant=applicant,
                documents=request.POST.getlist("documents"),
                phone=request.POST.get("phone", "").strip(),
                on_date=today,
                route_to_line=True,
            )
        except DomainError as error:
            messages.error(request, error.message)
            context["existing_url"] = error.details.get("url")  # one intake: the open application
        else:
            if result.missing:
                messages.warning(
                    request, f"已受理（编号{result.case.receipt_no}），材料不齐，请打印一次性告知书交申请人"
                )
            else:
                messages.success(request, f"已受理，受理编号{result.case.receipt_no}")
            return redirect("cases:detail", pk=result.case.pk)
    return render(request, "cases/accept.html", context)


@login_required
def detail(request, pk: int):
    case = _case_or_404(request, pk)
    user, today, calendar = request.user, timezone.localdate(), WorkCalendar()
    warn = warn_days_on(today)
    steps = list(case.steps.select_related("definition", "responsible_unit", "acted_by").order_by("order"))
    rows = [(step, step_clock(step, today, calendar, warn)) for step in steps]
    current = next((s for s in steps if s.state in (CaseStep.State.ACTIVE, CaseStep.State.CORRECTION)), None)
    context = {
        "case": case,
        "rows": rows,
        "clock": case_clock(case, today, calendar, warn),
        "current": current,
        "can_act": current is not None and can_act_on(user, current),
        "can_resume": current is not None
        and current.state == CaseStep.State.CORRECTION
        and (can_act_on(user, current) or user.unit_id == case.accepting_unit_id),
        "departments": department_units(case.area_code),
        "transfers": Transfer.unscoped.filter(case=case).select_related("to_unit", "from_unit", "step"),
        "events": case.events.select_related("step").order_by("id"),
        "documents": case.documents.select_related("doc_type", "document__person"),
        "pauses": case.pauses.select_related("step"),
        "supervisions": case.supervisions.select_related("target_unit", "superior_unit"),
        "can_supervise": can_supervise(user) and case.is_open,
        "supervise_form": SuperviseForm(),
        "can_reply": case.status in Case.FINISHED and not case.replied_at and user.unit_id == case.accepting_unit_id,
        "reply_text": default_reply_text(case) if case.status in Case.FINISHED else "",
        "has_notice": case.events.filter(kind="materials_notice").exists(),
    }
    if case.status == Case.Status.MATERIALS and case.household_id:
        context["missing"] = missing_documents(case.household, case.version.required_codes(), today)
        context["members"] = [m.person for m in case.household.current_memberships()]
        context["doc_types"] = DocumentType.objects.filter(code__in=case.version.required_codes())
    return render(request, "cases/detail.html", context)


@login_required
@require_POST
def act(request, pk: int, step_id: int):
    case = _case_or_404(request, pk)
    form = StepActionForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "提交的内容不完整")
        return redirect("cases:detail", pk=case.pk)
    data, user, today = form.cleaned_data, request.user, timezone.localdate()
    common = {"user": user, "step_id": step_id, "expected_version": data["version"], "on_date": today}
    try:
        if data["action"] == "approve":
            actions.approve_step(**common, opinion=data["text"], attachment=data["attachment"])
            messages.success(request, "已通过，转入下一环节")
        elif data["action"] == "correct":
            actions.return_for_correction(**common, reason=data["text"], attachment=data["attachment"])
            messages.success(request, "已退回补正，暂停计时")
        elif data["action"] == "reject":
            actions.reject_case(**common, reason=data["text"], attachment=data["attachment"])
            messages.success(request, "已作出不予通过决定，请受理窗口统一答复")
        elif data["action"] == "transfer":
            to_unit = department_units(case.area_code).filter(pk=data["to_unit"]).first()
            if to_unit is None:
                raise DomainError(CaseCode.TRANSFER_TARGET, "请选择转办部门")
            transfer_case(**common, to_unit=to_unit, request=data["text"], limit_wd=data["limit_wd"])
            messages.success(request, f"已转办{to_unit.name}")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_POST
def resume(request, pk: int, step_id: int):
    case = _case_or_404(request, pk)
    try:
        actions.resume_after_correction(
            user=request.user,
            step_id=step_id,
            expected_version=int(request.POST.get("version", -1)),
            on_date=timezone.localdate(),
            note=request.POST.get("text", ""),
        )
        messages.success(request, "补正已登记，恢复计时")
    except (DomainError, ValueError) as error:
        messages.error(request, getattr(error, "message", "提交的内容不完整"))
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_POST
def materials(request, pk: int):
    """Add a missing document to the library (collected once), then check the case again."""
    case = _case_or_404(request, pk)
    if request.POST.get("doc_type"):
        form = AddDocumentForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            holder = {"household": case.household}
            if case.household is None:
                messages.error(request, "该办件的材料由窗口当场核验，不从家庭材料库采集")
                return redirect("cases:detail", pk=case.pk)
            if data["holder"] != "household":
                person = next(
                    (m.person for m in case.household.current_memberships() if str(m.person_id) == data["holder"]), None
                )
                if person is None:
                    messages.error(request, "请选择本户成员")
                    return redirect("cases:detail", pk=case.pk)
                holder = {"person": person}
            try:
                attach_document(
                    doc_type=data["doc_type"],
                    upload=data["upload"],
                    uploaded_by=request.user,
                    number=data["number"],
                    valid_until=data["valid_until"],
                    **holder,
                )
                messages.success(request, f"{data['doc_type'].name}已采集入库")
            except DomainError as error:
                messages.error(request, error.message)
                return redirect("cases:detail", pk=case.pk)
        else:
            messages.error(request, "材料信息不完整")
            return redirect("cases:detail", pk=case.pk)
    try:
        supply_materials(user=request.user, case=case, on_date=timezone.localdate())
        messages.success(request, "材料已补齐，开始计时")
    except DomainError as error:
        (messages.info if error.code == CaseCode.MATERIALS_MISSING else messages.error)(request, error.message)
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_POST
def supervise(request, pk: int):
    case = _case_or_404(request, pk)
    form = SuperviseForm(request.POST)
    if form.is_valid():
        try:
            issue_supervision(user=request.user, case=case, on_date=timezone.localdate(), **form.cleaned_data)
            messages.success(request, "已督办，责任单位及其上级已收到通知")
        except DomainError as error:
            messages.error(request, error.message)
    else:
        messages.error(request, "请填写限办日期和督办事由")
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_POST
def reply(request, pk: int):
    case = _case_or_404(request, pk)
    try:
        issue_reply(user=request.user, case=case, on_date=timezone.localdate(), text=request.POST.get("text", ""))
        messages.success(request, "已统一答复申请人（答复通知书可打印，短信已发出）")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("cases:detail", pk=case.pk)


@login_required
def print_receipt(request, pk: int):
    case = _case_or_404(request, pk)
    return render(
        request, "cases/print_receipt.html", {"case": case, "documents": case.documents.select_related("doc_type")}
    )


@login_required
def print_notice(request, pk: int):
    case = _case_or_404(request, pk)
    event = case.events.filter(kind="materials_notice").order_by("id").first()
    if event is None:
        raise Http404("该办件没有一次性告知书")
    return render(
        request, "cases/print_notice.html", {"case": case, "missing": event.data.get("missing", []), "event": event}
    )


@login_required
def print_reply(request, pk: int):
    case = _case_or_404(request, pk)
    reply_ = getattr(case, "reply", None)
    if reply_ is None:
        raise Http404("该办件尚未答复")
    return render(request, "cases/print_reply.html", {"case": case, "reply": reply_})
