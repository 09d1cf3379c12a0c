"""The resident's pages (/my/): sign-in by SMS code, binding, catalogue and online application,
documents, the household's cases, notices and objections, complaints, bookings and the 明白卡.

Every page but sign-in needs a resident session (portal.identity); every page past binding runs in
the scope of the resident's own village and reads only their household: another household's case,
document or complaint is a 404."""

from datetime import datetime
from functools import wraps

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from areas.jurisdiction import scope_for_area, within
from audit.context import client_ip
from cases.models import Case, CaseEvent, ServiceItem
from cases.public import catalogue_for_area
from core.errors import DomainError
from core.masking import mask_name, mask_phone
from portal import identity, services
from portal.models import Booking, Complaint, OnlineApplication, ServicePoint
from registry.models import Document, DocumentType

UPLOAD_SLOTS = 3


def resident_required(bound: bool = True):
    """The signed-in resident (request.resident) and, when `bound`, their household
    (request.household), the view running in the scope of the household's village."""

    def decorator(view):
        @wraps(view)
        @never_cache
        def wrapper(request, *args, **kwargs):
            account = identity.resident_of(request)
            if account is None:
                return redirect(f"{reverse('portal:login')}?next={request.path}")
            request.resident = account
            if not bound:
                return view(request, *args, **kwargs)
            household = services.household_of(account)
            if household is None:
                return redirect("portal:bind")
            request.household = household
            with within(scope_for_area(household.area_code[:12])):
                return view(request, *args, **kwargs)

        return wrapper

    return decorator


# ------------------------------------------------------------------ sign-in


@never_cache
def login(request):
    phone = (request.POST.get("phone") or request.GET.get("phone") or "").strip()
    if request.method == "POST":
        try:
            phone = identity.normalize_phone(phone)
            identity.send_code(phone, ip=client_ip(request))
        except DomainError as error:
            messages.error(request, error.message)
            status = 429 if error.code in ("too_soon", "locked") else 400
            return render(request, "portal/login.html", {"phone": phone}, status=status)
        request.session["portal_pending_phone"] = phone
        messages.success(request, f"验证码已发送至{mask_phone(phone)}，{identity.CODE_MINUTES}分钟内有效")
        return redirect("portal:login_code")
    return render(request, "portal/login.html", {"phone": phone})


@never_cache
def login_code(request):
    phone = request.session.get("portal_pending_phone")
    if not phone:
        return redirect("portal:login")
    if request.method == "POST":
        try:
            account = identity.verify_code(phone, request.POST.get("code", ""))
        except DomainError as error:
            messages.error(request, error.message)
            status = 429 if error.code == "locked" else 400
            return render(request, "portal/login_code.html", {"masked": mask_phone(phone)}, status=status)
        identity.sign_in(request, account)
        return redirect("portal:home")
    return render(request, "portal/login_code.html", {"masked": mask_phone(phone)})


@require_POST
def logout(request):
    identity.sign_out(request)
    return redirect("portal:login")


@resident_required(bound=False)
def bind(request):
    account = request.resident
    if account.is_bound:
        return redirect("portal:home")
    can_ask = False
    if request.method == "POST":
        try:
            services.bind(
                account,
                name=request.POST.get("name", ""),
                id_number=request.POST.get("id_number", ""),
                ask_township=request.POST.get("ask_township") == "1",
            )
        except DomainError as error:
            messages.error(request, error.message)
            can_ask = bool(error.details.get("can_ask_township"))
            context = {
                "account": account,
                "can_ask": can_ask,
                "name": request.POST.get("name", ""),
                "id_number": request.POST.get("id_number", ""),
            }
            return render(request, "portal/bind.html", context, status=400)
        if account.is_bound:
            messages.success(request, "身份核验通过，已绑定您的家庭")
            return redirect("portal:home")
        messages.success(request, "已提交乡镇民政办确认，确认后即可办理")
        return redirect("portal:bind")
    return render(request, "portal/bind.html", {"account": account, "can_ask": can_ask})


# ------------------------------------------------------------------ home, catalogue, apply


@resident_required()
def home(request):
    household = request.household
    cases = Case.objects.filter(household=household)
    context = {
        "person_name": mask_name(request.resident.person.name),
        "open_cases": cases.filter(status__in=Case.OPEN).count(),
        "waiting": OnlineApplication.objects.filter(
            household=household, status=OnlineApplication.Status.SUBMITTED
        ).count(),
        "open_complaints": Complaint.objects.filter(household=household, status=Complaint.Status.OPEN).count(),
        "bookings": Booking.objects.filter(household=household, status=Booking.Status.BOOKED).count(),
    }
    return render(request, "portal/home.html", context)


@resident_required()
def catalogue(request):
    rows = [
        row
        for row in catalogue_for_area(request.household.area_code, timezone.localdate())
        if "township" in row["item"].accept_levels
    ]
    return render(request, "portal/catalogue.html", {"rows": rows})


def _documents_context(household):
    documents = services.household_documents(household)
    return {
        "library": [{"doc": d, "holder": mask_name(d.person.name) if d.person_id else "本户"} for d in documents],
        "doc_types": DocumentType.objects.order_by("sort_order", "code"),
        "slots": range(UPLOAD_SLOTS),
    }


def _uploads(request, account, household) -> list[Document]:
    """The files of this form (doc_type_N + file_N), put into the library first."""
    types = {t.code: t for t in DocumentType.objects.all()}
    created = []
    for n in range(UPLOAD_SLOTS):
        upload = request.FILES.get(f"file_{n}")
        if upload is None:
            continue
        doc_type = types.get(request.POST.get(f"doc_type_{n}", ""))
        if doc_type is None:
            raise DomainError(services.PortalCode.BAD_INPUT, "请为上传的文件选择材料类型")
        created.append(services.upload_document(account, household, doc_type=doc_type, upload=upload))
    return created


@resident_required()
def apply(request, code):
    item = ServiceItem.objects.filter(code=code, is_active=True).first()
    if item is None or not item.applies_to(request.household.area_code):
        raise Http404("没有该事项")
    version = item.version_on(timezone.localdate())
    context = {"item": item, "version": version, **_documents_context(request.household)}
    if request.method == "POST":
        chosen_ids = {int(x) for x in request.POST.getlist("documents") if x.isdigit()}
        try:
            uploaded = _uploads(request, request.resident, request.household)
            documents = [row["doc"] for row in context["library"] if row["doc"].pk in chosen_ids] + uploaded
            application = services.submit_application(
                request.resident,
                request.household,
                item=item,
                reason=request.POST.get("reason", ""),
                documents=documents,
                requested_amount=request.POST.get("requested_amount", ""),
                on_date=timezone.localdate(),
            )
        except DomainError as error:
            messages.error(request, error.message)
            context["reason"] = request.POST.get("reason", "")
            return render(request, "portal/apply.html", context, status=400)
        messages.success(request, f"已提交至{application.window.name}，窗口受理后开始计算办理时限")
        return redirect("portal:cases")
    return render(request, "portal/apply.html", context)


# ------------------------------------------------------------------ documents


@resident_required()
def documents(request):
    if request.method == "POST":
        try:
            created = _uploads(request, request.resident, request.household)
        except DomainError as error:
            messages.error(request, error.message)
            return render(request, "portal/documents.html", _documents_context(request.household), status=400)
        if created:
            messages.success(request, f"已保存{len(created)}份材料，今后办事不必重复提交")
        return redirect("portal:documents")
    return render(request, "portal/documents.html", _documents_context(request.household))


@resident_required()
def document_file(request, pk):
    """A library document's file, for its own household only (another household's is a 404)."""
    document = next((d for d in services.household_documents(request.household) if d.pk == pk), None)
    if document is None or not document.file:
        raise Http404("没有该材料")
    response = FileResponse(document.file.open("rb"), content_type=document.content_type or "application/octet-stream")
    response["Content-Disposition"] = f'inline; filename="document-{document.pk}"'
    response["Cache-Control"] = "private, no-store"
    return response


# ------------------------------------------------------------------ cases


@resident_required()
def case_list(request):
    household = request.household
    cases = Case.objects.filter(household=household).select_related("item", "current_step").order_by("-id")
    waiting = (
        OnlineApplication.objects.filter(household=household)
        .exclude(status=OnlineApplication.Status.ACCEPTED)
        .select_related("item", "window")
    )
    return render(request, "portal/cases.html", {"cases": cases, "waiting": waiting})


@resident_required()
def case_detail(request, pk):
    case = get_object_or_404(
        Case.objects.select_related("item", "accepting_unit", "current_step"), pk=pk, household=request.household
    )
    steps = case.steps.select_related("responsible_unit").order_by("order")
    shown = {
        CaseEvent.Kind.ACCEPTED,
        CaseEvent.Kind.MATERIALS_NOTICE,
        CaseEvent.Kind.MATERIALS_SUPPLIED,
        CaseEvent.Kind.STEP_APPROVED,
        CaseEvent.Kind.CORRECTION_REQUESTED,
        CaseEvent.Kind.REJECTED,
        CaseEvent.Kind.APPROVED,
        CaseEvent.Kind.REPLIED,
    }
    events = [e for e in case.events.order_by("id") if e.kind in shown]
    reply = getattr(case, "reply", None) if case.replied_at else None
    context = {
        "case": case,
        "steps": steps,
        "events": events,
        "reply": reply,
        "documents": case.documents.select_related("doc_type"),
    }
    return render(request, "portal/case_detail.html", context)


# ------------------------------------------------------------------ notices and objections


@resident_required()
def notices(request):
    today = timezone.localdate()
    rows = services.notices_for(request.household, today)
    mine = services.my_objections(request.resident)
    supervisors = services.conduct_supervisors(request.household.area_code)
    context = {"notices": rows, "objections": mine, "today": today, "supervisors": supervisors}
    return render(request, "portal/notices.html", context)


@resident_required()
@require_POST
def object_to(request, token):
    today = timezone.localdate()
    notice = get_object_or_404(services.notices_for(request.household, today), token=token)
    try:
        services.object_to_notice(
            request.resident,
            notice=notice,
            content=request.POST.get("content", ""),
            anonymous=request.POST.get("anonymous") == "1",
            on_date=today,
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "异议已提交，村(居)委会和乡镇将重新调查核实，处理结果会在这里告诉您")
    return redirect("portal:notices")


# ------------------------------------------------------------------ complaints


@resident_required()
def complaints(request):
    household = request.household
    cases = Case.objects.filter(household=household).select_related("item").order_by("-id")[:20]
    context = {
        "complaints": Complaint.objects.filter(household=household).order_by("-id"),
        "kinds": Complaint.Kind.choices,
        "cases": cases,
    }
    if request.method == "POST":
        case = None
        if request.POST.get("case", "").isdigit():
            case = Case.objects.filter(household=household, pk=request.POST["case"]).first()
        try:
            complaint = services.file_complaint(
                request.resident,
                household,
                kind=request.POST.get("kind", ""),
                content=request.POST.get("content", ""),
                case=case,
                on_date=timezone.localdate(),
            )
        except DomainError as error:
            messages.error(request, error.message)
            context["content"] = request.POST.get("content", "")
            return render(request, "portal/complaints.html", context, status=400)
        messages.success(
            request,
            f"投诉已受理（编号{complaint.number}），{complaint.unit.name}将于{complaint.due_on:%Y年%m月%d日}前答复",
        )
        return redirect("portal:complaint", pk=complaint.pk)
    return render(request, "portal/complaints.html", context)


@resident_required()
def complaint_detail(request, pk):
    complaint = get_object_or_404(
        Complaint.objects.select_related("unit", "case__item"), pk=pk, household=request.household
    )
    return render(request, "portal/complaint_detail.html", {"complaint": complaint})


# ------------------------------------------------------------------ 明白卡


@resident_required()
def card(request):
    data = services.clarity_card(request.household, timezone.localdate())
    return render(request, "portal/card.html", {"card": data, "today": timezone.localdate()})


# ------------------------------------------------------------------ bookings


def _parse_time(value: str):
    try:
        moment = datetime.fromisoformat((value or "").strip())
    except ValueError:
        return None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


@resident_required()
def bookings(request):
    household = request.household
    points = list(services.service_points(household.area_code))
    items = ServiceItem.objects.filter(is_active=True).order_by("code")
    context = {
        "bookings": Booking.objects.filter(household=household)
        .select_related("point", "item", "worker")
        .order_by("-starts_at"),
        "points": points,
        "items": items,
        "kinds": Booking.Kind.choices,
    }
    if request.method == "POST":
        starts_at = _parse_time(request.POST.get("starts_at", ""))
        point = next((p for p in points if str(p.pk) == request.POST.get("point")), None)
        item = items.filter(code=request.POST.get("item", "")).first()
        try:
            if starts_at is None:
                raise DomainError(services.PortalCode.BAD_INPUT, "请选择预约时间")
            services.book(
                request.resident,
                household,
                kind=request.POST.get("kind", ""),
                starts_at=starts_at,
                need=request.POST.get("need", ""),
                item=item,
                point=point,
            )
        except DomainError as error:
            messages.error(request, error.message)
            return render(request, "portal/bookings.html", context, status=400)
        messages.success(request, "预约成功，工作人员会按约定时间为您服务")
        return redirect("portal:bookings")
    return render(request, "portal/bookings.html", context)


# ------------------------------------------------------------------ public


def points(request):
    """便民服务中心 and 社区服务站: address, hours and items, for everybody (no sign-in)."""
    rows = ServicePoint.unscoped.filter(is_active=True).prefetch_related("items").order_by("area_code", "kind", "id")
    return render(request, "portal/points.html", {"points": rows})
