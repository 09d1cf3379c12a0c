"""The staff side of the portal: the window's desk of online applications, identity confirmations
and complaints; the bookings of a worker or a window. Staff sign in as staff (request.user); a
resident's session is no staff session and is sent to the staff login."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.excel import xlsx_response
from core.masking import mask_id_number, mask_name, mask_phone
from portal import services
from portal.capabilities import RESIDENT_DESK, SERVE_BOOKINGS
from portal.models import Booking, Complaint, OnlineApplication, ResidentAccount


def _require(request, capability: str) -> None:
    if not request.user.can(capability):
        raise PermissionDenied("您没有使用该功能的权限")


def _head(household) -> str:
    return mask_name(household.head.name) if household.head_id else ""


@login_required
def desk(request):
    _require(request, RESIDENT_DESK)
    applications = list(services.online_queue()[:200])
    bindings = list(services.pending_bindings()[:200])
    complaints = list(services.complaint_queue().filter(status=Complaint.Status.OPEN)[:200])
    today = timezone.localdate()
    if request.GET.get("export") == "xlsx":
        rows = [
            ("网上申请", a.item.name, _head(a.household), f"{timezone.localtime(a.submitted_at):%Y-%m-%d %H:%M}", "")
            for a in applications
        ]
        rows += [
            ("身份确认", "", mask_name(b.claimed_name), f"{timezone.localtime(b.created_at):%Y-%m-%d}", "")
            for b in bindings
        ]
        rows += [("投诉", c.get_kind_display(), _head(c.household), f"{c.filed_on}", f"{c.due_on}") for c in complaints]
        return xlsx_response("网上办事待办.xlsx", ["类别", "事项", "家庭/申请人", "提交日期", "答复期限"], rows, "待办")
    context = {
        "applications": [{"a": a, "head": _head(a.household)} for a in applications],
        "bindings": [
            {
                "b": b,
                "name": mask_name(b.claimed_name),
                "id": mask_id_number(b.claimed_id_number),
                "phone": mask_phone(b.phone),
            }
            for b in bindings
        ],
        "complaints": [{"c": c, "head": _head(c.household), "overdue": c.due_on < today} for c in complaints],
    }
    return render(request, "portal/staff/desk.html", context)


@login_required
def online_detail(request, pk):
    _require(request, RESIDENT_DESK)
    application = get_object_or_404(
        OnlineApplication.objects.select_related("item", "household__head", "applicant", "window", "case"), pk=pk
    )
    if request.method == "POST":
        try:
            if request.POST.get("action") == "accept":
                case = services.accept_online(user=request.user, application=application, on_date=timezone.localdate())
                messages.success(request, f"已受理，受理编号{case.receipt_no}，办理时限自今日起算")
                return redirect("cases:detail", pk=case.pk)
            services.return_online(user=request.user, application=application, reason=request.POST.get("reason", ""))
            messages.success(request, "已退回，申请人可在网上看到退回理由")
            return redirect("portal:desk")
        except DomainError as error:
            messages.error(request, error.message)
    context = {
        "a": application,
        "head": _head(application.household),
        "applicant": mask_name(application.applicant.name),
        "phone": mask_phone(application.phone),
        "documents": application.documents.select_related("doc_type", "person"),
    }
    return render(request, "portal/staff/online_detail.html", context)


@login_required
@require_POST
def binding_decide(request, pk):
    _require(request, RESIDENT_DESK)
    account = get_object_or_404(ResidentAccount.objects, pk=pk)
    try:
        services.confirm_binding(
            user=request.user,
            account=account,
            confirm=request.POST.get("action") == "confirm",
            note=request.POST.get("note", ""),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "已处理身份确认")
    return redirect("portal:desk")


@login_required
def complaint_staff(request, pk):
    _require(request, RESIDENT_DESK)
    complaint = get_object_or_404(Complaint.objects.select_related("household__head", "case__item", "unit"), pk=pk)
    if request.method == "POST":
        try:
            services.answer_complaint(
                user=request.user,
                complaint=complaint,
                answer=request.POST.get("answer", ""),
                on_date=timezone.localdate(),
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "已答复投诉人")
            return redirect("portal:desk")
    context = {"c": complaint, "head": _head(complaint.household), "overdue": complaint.due_on < timezone.localdate()}
    return render(request, "portal/staff/complaint.html", context)


@login_required
def bookings_staff(request):
    _require(request, SERVE_BOOKINGS)
    rows = list(services.bookings_for(request.user)[:300])
    if request.GET.get("export") == "xlsx":
        data = [
            (
                b.get_kind_display(),
                f"{timezone.localtime(b.starts_at):%Y-%m-%d %H:%M}",
                _head(b.household),
                b.need,
                b.get_status_display(),
                b.result,
            )
            for b in rows
        ]
        return xlsx_response("服务预约.xlsx", ["方式", "预约时间", "家庭", "需求", "状态", "结果"], data, "预约")
    if request.method == "POST":
        booking = get_object_or_404(
            Booking.objects, pk=request.POST.get("booking", "0") if request.POST.get("booking", "").isdigit() else 0
        )
        try:
            services.finish_booking(user=request.user, booking=booking, result=request.POST.get("result", ""))
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "已记录服务结果")
        return redirect("portal:bookings_staff")
    context = {"rows": [{"b": b, "head": _head(b.household), "address": b.household.address} for b in rows]}
    return render(request, "portal/staff/bookings.html", context)
