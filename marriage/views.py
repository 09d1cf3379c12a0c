"""Pages of the marriage registration office: the register, the window, divorces, prints, queries."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.models import AuditEntry
from audit.services import record as audit_record
from core.errors import DomainError
from core.excel import xlsx_response
from core.masking import mask_id_number
from marriage import services
from marriage.capabilities import MANAGE_MARRIAGES, QUERY_MARITAL_STATUS
from marriage.forms import DivorceForm, ElsewhereForm, PartyForm, QueryForm, ReissueForm, RevokeForm, WithdrawForm
from marriage.models import Certificate, DivorceApplication, MaritalStatusQuery, MarriageRecord

PAGE_SIZE = 30


def _require(request, capability: str = MANAGE_MARRIAGES) -> None:
    if not request.user.can(capability):
        raise PermissionDenied("您没有办理婚姻登记的权限")


def _records(request):
    q = (request.GET.get("q") or "").strip()
    rows = MarriageRecord.objects.all()
    if q:
        rows = rows.filter(
            Q(man_name=q)
            | Q(woman_name=q)
            | Q(man_id_number=q.upper())
            | Q(woman_id_number=q.upper())
            | Q(number=q.upper())
            | Q(certificates__number=q.upper())
        ).distinct()
    kind = request.GET.get("kind") or ""
    if kind in MarriageRecord.Kind.values:
        rows = rows.filter(kind=kind)
    start, end = _date(request.GET.get("from")), _date(request.GET.get("to"))
    if start:
        rows = rows.filter(registered_on__gte=start)
    if end:
        rows = rows.filter(registered_on__lte=end)
    return q, kind, start, end, rows.order_by("-registered_on", "-id")


def _date(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
def index(request):
    """The register (婚姻登记簿): search by name, ID number or certificate number; ID numbers masked."""
    _require(request)
    q, kind, start, end, rows = _records(request)
    if request.GET.get("export") == "xlsx":
        return _export(request, rows)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for row in page:
        row.man_id_masked, row.woman_id_masked = mask_id_number(row.man_id_number), mask_id_number(row.woman_id_number)
    open_divorces = DivorceApplication.objects.filter(status__in=DivorceApplication.OPEN).count()
    context = {"page": page, "q": q, "kind": kind, "start": start, "end": end, "kinds": MarriageRecord.Kind.choices}
    context["open_divorces"] = open_divorces
    context["querystring"] = request.GET.urlencode()
    return render(request, "marriage/index.html", context)


def _export(request, rows):
    audit_record(
        AuditEntry.Action.EXPORT,
        object_type="marriage.marriagerecord",
        object_repr="婚姻登记簿导出（脱敏）",
        area_code=request.user.area_code,
        changes={"filter": request.GET.urlencode()},
    )
    lines = (
        (
            r.number,
            r.get_kind_display(),
            r.registered_on,
            r.man_name,
            mask_id_number(r.man_id_number),
            r.woman_name,
            mask_id_number(r.woman_id_number),
            r.office_name,
            r.get_status_display(),
        )
        for r in rows.iterator(chunk_size=2000)
    )
    headers = ["登记字号", "类别", "登记日期", "男方", "男方身份证号", "女方", "女方身份证号", "登记机关", "状态"]
    return xlsx_response("婚姻登记簿", headers, lines, "婚姻登记簿")


@login_required
def marriage_new(request):
    """结婚登记 at the window: both parties, their declarations; refused with the rules named."""
    _require(request)
    man, woman = PartyForm(request.POST or None, prefix="a"), PartyForm(request.POST or None, prefix="b")
    decision = None
    if request.method == "POST":
        if man.is_valid() and woman.is_valid():
            try:
                result = services.register_marriage(
                    user=request.user, first=man.party(), second=woman.party(), on_date=timezone.localdate()
                )
            except DomainError as error:
                messages.error(request, error.message)
                return render(request, "marriage/marriage_new.html", {"man": man, "woman": woman}, status=400)
            if result.record is not None:
                messages.success(request, f"结婚登记完成，登记字号{result.record.number}")
                return redirect("marriage:record", pk=result.record.pk)
            decision = result.decision
        else:
            messages.error(request, "请填写双方的姓名和身份证号")
            return render(request, "marriage/marriage_new.html", {"man": man, "woman": woman}, status=400)
    return render(request, "marriage/marriage_new.html", {"man": man, "woman": woman, "decision": decision})


def _record_or_404(pk: int) -> MarriageRecord:
    record = MarriageRecord.objects.select_related("man", "woman", "case", "marriage").filter(pk=pk).first()
    if record is None:
        raise Http404("找不到该登记记录，或不在您的辖区")
    return record


@login_required
def record_detail(request, pk: int):
    _require(request)
    record = _record_or_404(pk)
    context = {
        "record": record,
        "man_id": mask_id_number(record.man_id_number),
        "woman_id": mask_id_number(record.woman_id_number),
        "certificates": record.certificates.select_related("holder").order_by("-is_current", "-issued_on", "-id"),
        "applications": record.divorce_applications.select_related("case").order_by("-received_on"),
        "divorces": record.divorces.all(),
        "divorce_form": DivorceForm(),
        "reissue_form": ReissueForm(prefix="reissue"),
        "revoke_form": RevokeForm(prefix="revoke"),
        "decision": None,
    }
    if request.method == "POST":
        action, today = request.POST.get("action"), timezone.localdate()
        try:
            if action == "divorce":
                form = context["divorce_form"] = DivorceForm(request.POST)
                if not form.is_valid():
                    raise DomainError(services.MarriageCode.BAD_INPUT, "请填写离婚协议要点")
                decision, application = services.apply_divorce(
                    user=request.user, marriage=record, on_date=today, **form.cleaned_data
                )
                if application is not None:
                    messages.success(request, "已受理离婚登记申请，进入离婚冷静期")
                    return redirect("marriage:divorce", pk=application.pk)
                context["decision"] = decision
            elif action == "reissue":
                form = context["reissue_form"] = ReissueForm(request.POST, prefix="reissue")
                if not form.is_valid():
                    raise DomainError(services.MarriageCode.BAD_INPUT, "请选择补领的一方并写明原因")
                certificate = services.reissue_certificate(
                    user=request.user, record=record, on_date=today, **form.cleaned_data
                )
                messages.success(request, f"已补发证件，证号{certificate.number}")
                return redirect("marriage:record", pk=record.pk)
            elif action == "revoke":
                form = context["revoke_form"] = RevokeForm(request.POST, prefix="revoke")
                if not form.is_valid():
                    raise DomainError(services.MarriageCode.BAD_INPUT, "请写明撤销的依据和原因")
                services.revoke_marriage(user=request.user, record=record, on_date=today, **form.cleaned_data)
                messages.success(request, "已在登记簿注记撤销婚姻")
                return redirect("marriage:record", pk=record.pk)
            else:
                raise DomainError(services.MarriageCode.BAD_INPUT, "未知的操作")
        except DomainError as error:
            messages.error(request, error.message)
            return render(request, "marriage/record.html", context, status=400)
    return render(request, "marriage/record.html", context)


@login_required
def certificate(request, pk: int, cert: int):
    """The printed certificate (结婚证 / 离婚证 内页): full names and ID numbers — a reveal, logged."""
    _require(request)
    record = _record_or_404(pk)
    certificate = Certificate.objects.select_related("holder").filter(pk=cert, record=record).first()
    if certificate is None:
        raise Http404("找不到该证件")
    audit_record(
        AuditEntry.Action.VIEW_PERSONAL_DATA,
        obj=record,
        object_repr=f"打印{record.get_kind_display()}证 {certificate.number}",
        area_code=record.area_code,
    )
    return render(request, "marriage/print_certificate.html", {"record": record, "certificate": certificate})


@login_required
def sheet(request):
    """登记簿册页: the register of a period, printed (ID numbers masked)."""
    _require(request)
    q, _kind, start, end, rows = _records(request)
    today = timezone.localdate()
    if not start and not end and not q:
        start = today.replace(day=1)
        rows = rows.filter(registered_on__gte=start)
    rows = list(rows[:500])
    for row in rows:
        row.man_id_masked, row.woman_id_masked = mask_id_number(row.man_id_number), mask_id_number(row.woman_id_number)
    context = {"rows": rows, "start": start, "end": end or today, "office": request.user.unit}
    return render(request, "marriage/print_sheet.html", context)


@login_required
def divorces(request):
    _require(request)
    status = request.GET.get("status") or "open"
    rows = DivorceApplication.objects.select_related("marriage", "case")
    if status == "open":
        rows = rows.filter(status__in=DivorceApplication.OPEN)
    elif status in DivorceApplication.Status.values:
        rows = rows.filter(status=status)
    rows = rows.order_by("appear_by", "id")
    if request.GET.get("export") == "xlsx":
        lines = (
            (
                a.case.receipt_no,
                a.marriage.parties,
                a.received_on,
                a.cooling_off_ends_on,
                a.appear_by,
                a.get_status_display(),
                a.closed_on,
            )
            for a in rows.iterator(chunk_size=2000)
        )
        headers = ["受理编号", "当事人", "收到申请", "冷静期届满", "到场截止", "状态", "结束日期"]
        return xlsx_response("离婚登记申请", headers, lines, "离婚登记申请")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    choices = [("open", "办理中"), *DivorceApplication.Status.choices, ("all", "全部")]
    context = {"page": page, "status": status, "choices": choices, "today": timezone.localdate()}
    context["elsewhere_form"] = ElsewhereForm()
    return render(request, "marriage/divorces.html", context)


def _application_or_404(pk: int) -> DivorceApplication:
    application = (
        DivorceApplication.objects.select_related("marriage", "marriage__man", "marriage__woman", "case", "divorce")
        .filter(pk=pk)
        .first()
    )
    if application is None:
        raise Http404("找不到该离婚申请，或不在您的辖区")
    return application


@login_required
def divorce_detail(request, pk: int):
    _require(request)
    application = _application_or_404(pk)
    today = timezone.localdate()
    periods = services.periods_of(application)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "withdraw":
                form = WithdrawForm(request.POST)
                if not form.is_valid():
                    raise DomainError(services.MarriageCode.BAD_INPUT, "请选择撤回申请的一方")
                services.withdraw_divorce(
                    user=request.user, application=application, on_date=today, **form.cleaned_data
                )
                messages.success(request, "已撤回离婚登记申请")
            elif request.POST.get("action") == "register":
                divorce = services.register_divorce(user=request.user, application=application, on_date=today)
                messages.success(request, f"离婚登记完成，登记字号{divorce.number}")
                return redirect("marriage:record", pk=divorce.pk)
            else:
                raise DomainError(services.MarriageCode.BAD_INPUT, "未知的操作")
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("marriage:divorce", pk=application.pk)
        return redirect("marriage:divorce", pk=application.pk)
    context = {
        "application": application,
        "events": application.case.events.order_by("id"),
        "may_withdraw": application.status in DivorceApplication.OPEN and services.rules.may_withdraw(periods, today),
        "may_register": application.status in DivorceApplication.OPEN
        and services.rules.may_register_divorce(periods, today),
        "withdraw_form": WithdrawForm(),
        "today": today,
    }
    return render(request, "marriage/divorce.html", context)


@login_required
@require_POST
def elsewhere_new(request):
    """A marriage registered at another office, entered from its certificates, to receive a divorce."""
    _require(request)
    form = ElsewhereForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请完整填写外地结婚登记信息")
        return redirect("marriage:divorces")
    data = form.cleaned_data
    try:
        record = services.record_marriage_elsewhere(
            user=request.user,
            man=services.PartyInput(id_number=data["man_id_number"], name=data["man_name"]),
            woman=services.PartyInput(id_number=data["woman_id_number"], name=data["woman_name"]),
            registered_on=data["registered_on"],
            number=data["number"],
            office_name=data["office_name"],
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("marriage:divorces")
    messages.success(request, "已录入外地结婚登记，可受理离婚申请")
    return redirect("marriage:record", pk=record.pk)


@login_required
def queries(request):
    """婚姻状况查询: ask (the same answer as the API) and the log of every query."""
    _require(request, QUERY_MARITAL_STATUS)
    form = QueryForm(request.POST or None)
    answer = None
    if request.method == "POST" and form.is_valid():
        try:
            answer = services.answer_query(
                user=request.user,
                id_number=form.cleaned_data["id_number"],
                purpose=form.cleaned_data["purpose"],
                on_date=timezone.localdate(),
                ip=request.META.get("REMOTE_ADDR"),
            )
        except DomainError as error:
            messages.error(request, error.message)
    rows = MaritalStatusQuery.objects.select_related("user").order_by("-at", "-id")
    if request.GET.get("export") == "xlsx":
        lines = (
            (
                timezone.localtime(r.at).strftime("%Y-%m-%d %H:%M"),
                r.agency,
                r.user.full_name or r.user.username,
                r.purpose,
                mask_id_number(r.id_number),
                r.get_answer_display(),
            )
            for r in rows.iterator(chunk_size=2000)
        )
        return xlsx_response(
            "婚姻状况查询记录", ["查询时间", "查询机关", "查询人", "事由", "被查询人", "答复"], lines, "查询记录"
        )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for row in page:
        row.id_masked = mask_id_number(row.id_number)
    answers = dict(MaritalStatusQuery.Answer.choices)
    return render(
        request,
        "marriage/queries.html",
        {"form": form, "answer": answers.get(answer) if answer else None, "page": page},
    )
