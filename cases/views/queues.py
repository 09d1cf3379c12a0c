"""Work queues per user and unit: to do, done, returned, transferred out, overdue, awaiting
materials, awaiting reply — with bulk approval and Excel export. Department officers get their
transfer inbox instead (cases.access)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cases import actions
from cases.access import ensure_case_staff, is_department_officer, transfers_for_department, transfers_sent_by
from cases.deadlines import step_clock, warn_days_on
from cases.models import Case, CaseStep, Notification, Transfer
from cases.transfers import reply_transfer
from cases.workdays import WorkCalendar
from core.errors import DomainError
from core.excel import xlsx_response

QUEUES = [
    ("todo", "待办"),
    ("overdue", "超期"),
    ("returned", "退回补正"),
    ("materials", "待补齐材料"),
    ("transferred", "已转办"),
    ("to_reply", "待答复"),
    ("done", "已办"),
]
STEP_RELATED = (
    "case",
    "case__item",
    "case__applicant",
    "case__partner",
    "case__organisation",
    "definition",
    "responsible_unit",
)


def queue_queryset(user, name: str, today):
    """The rows of one queue (steps, transfers or cases), through the scoped managers."""
    unit = user.unit_id
    steps = CaseStep.objects.select_related(*STEP_RELATED)
    if name == "todo":
        return steps.filter(responsible_unit_id=unit, state=CaseStep.State.ACTIVE).order_by("due_on", "id")
    if name == "overdue":
        return steps.filter(responsible_unit_id=unit, state=CaseStep.State.ACTIVE, due_on__lt=today).order_by("due_on")
    if name == "returned":
        return steps.filter(responsible_unit_id=unit, state=CaseStep.State.CORRECTION).order_by("paused_on")
    if name == "done":
        return steps.filter(acted_by=user, finished_at__isnull=False).order_by("-finished_at")
    if name == "transferred":
        return transfers_sent_by(unit).filter(state=Transfer.State.OPEN).order_by("due_on")
    if name == "materials":
        return (
            Case.objects.filter(accepting_unit_id=unit, status=Case.Status.MATERIALS)
            .select_related("item", "applicant", "partner", "organisation")
            .order_by("accepted_on")
        )
    if name == "to_reply":
        return (
            Case.objects.filter(accepting_unit_id=unit, status__in=Case.FINISHED, replied_at__isnull=True)
            .select_related("item", "applicant", "partner", "organisation")
            .order_by("closed_on")
        )
    raise Http404("没有这个工作队列")


def _export(name: str, label: str, rows, today, calendar, warn):
    def lines():
        for row in rows.iterator(chunk_size=2000):
            if isinstance(row, CaseStep):
                clock = step_clock(row, today, calendar, warn)
                yield (
                    row.case.receipt_no,
                    row.case.item.name,
                    row.case.subject_name,
                    row.name,
                    row.responsible_unit.name if row.responsible_unit_id else "",
                    row.due_on,
                    clock.label,
                )
            elif isinstance(row, Transfer):
                yield (
                    row.case.receipt_no,
                    row.case.item.name,
                    "",
                    row.step.name,
                    row.to_unit.name,
                    row.due_on,
                    row.get_state_display(),
                )
            else:
                yield (row.receipt_no, row.item.name, row.subject_name, row.get_status_display(), "", row.due_on, "")

    headers = ["受理编号", "服务事项", "申请人（办件对象）", "环节/状态", "单位", "期限", "时限"]
    return xlsx_response(f"工作队列_{label}", headers, lines(), label)


@login_required
def queue(request, name: str = "todo"):
    if is_department_officer(request.user):
        return redirect("cases:inbox")
    ensure_case_staff(request.user)
    labels = dict(QUEUES)
    if name not in labels:
        raise Http404("没有这个工作队列")
    today, calendar = timezone.localdate(), WorkCalendar()
    warn = warn_days_on(today)
    rows = queue_queryset(request.user, name, today)
    if request.GET.get("export") == "xlsx":
        return _export(name, labels[name], rows, today, calendar, warn)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    items = [
        (row, step_clock(row, today, calendar, warn) if isinstance(row, CaseStep) else None) for row in page.object_list
    ]
    counts = {  # the open queue's own count is the pager's (one statement less)
        key: page.paginator.count if key == name else queue_queryset(request.user, key, today).count()
        for key in ("todo", "overdue", "returned", "to_reply")
    }
    notifications = Notification.objects.filter(unit_id=request.user.unit_id, read_at__isnull=True).select_related(
        "case"
    )[:20]
    return render(
        request,
        "cases/queue.html",
        {
            "queues": QUEUES,
            "name": name,
            "label": labels[name],
            "page": page,
            "items": items,
            "counts": counts,
            "notifications": notifications,
        },
    )


@login_required
@require_POST
def bulk(request):
    """Bulk approval from the to-do list: each step is its own conditional update."""
    ensure_case_staff(request.user)
    done, failed = 0, []
    for value in request.POST.getlist("steps"):
        step_id, _, version = value.partition(":")
        try:
            actions.approve_step(
                user=request.user,
                step_id=int(step_id),
                expected_version=int(version),
                on_date=timezone.localdate(),
                opinion=request.POST.get("text", "").strip() or "批量审核通过",
            )
            done += 1
        except DomainError as error:
            failed.append(error.message)
        except ValueError:
            failed.append("提交的内容不完整")
    if done:
        messages.success(request, f"已批量通过{done}件")
    for message in failed[:10]:
        messages.error(request, message)
    return redirect("cases:queue")


@login_required
def inbox(request):
    """A department's transfers and joint-opinion requests (转办/会办)."""
    state = request.GET.get("state", Transfer.State.OPEN)
    rows = transfers_for_department(request.user).filter(state=state).order_by("due_on", "id")
    if request.GET.get("export") == "xlsx":
        lines = (
            (
                t.get_kind_display(),
                t.case.receipt_no,
                t.case.item.name,
                t.from_unit.name,
                t.request,
                t.due_on,
                t.get_state_display(),
                t.reply,
            )
            for t in rows.iterator(chunk_size=2000)
        )
        headers = ["类型", "受理编号", "服务事项", "转出单位", "转办事项", "答复期限", "状态", "答复意见"]
        return xlsx_response("转办事项", headers, lines, "转办事项")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "cases/inbox.html", {"page": page, "state": state, "today": timezone.localdate()})


@login_required
def transfer_detail(request, pk: int):
    """What the department sees of a case: the summary reached through the transfer, nothing more."""
    transfer = transfers_for_department(request.user).filter(pk=pk).first()
    if transfer is None:
        raise Http404("找不到该转办事项，或不是发给本单位的")
    if request.method == "POST":
        try:
            reply_transfer(
                user=request.user,
                transfer_id=transfer.pk,
                on_date=timezone.localdate(),
                reply=request.POST.get("reply", ""),
                attachment=request.FILES.get("attachment"),
            )
            messages.success(request, "已答复，意见已反馈至办件")
            return redirect("cases:inbox")
        except DomainError as error:
            messages.error(request, error.message)
    return render(request, "cases/transfer_detail.html", {"transfer": transfer, "case": transfer.case})


@login_required
@require_POST
def notifications_read(request):
    Notification.objects.filter(unit_id=request.user.unit_id, read_at__isnull=True).update(read_at=timezone.now())
    return redirect("cases:queue")
