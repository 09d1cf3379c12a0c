"""保障对象 per programme, with status, and the .xlsx export."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from cases.access import ensure_case_staff
from core.excel import xlsx_response
from core.masking import mask_id_number
from ledger.models import Enrolment
from policy.programmes import Programme

HEADERS = [
    "项目",
    "户主",
    "享受人",
    "身份证号",
    "保障人口",
    "月保障金额",
    "状态",
    "起始发放月",
    "停发月",
    "下次复核",
    "复核逾期",
]


@login_required
def recipients(request):
    ensure_case_staff(request.user)
    programme = request.GET.get("programme", Programme.DIBAO)
    status = request.GET.get("status", "")
    overdue_only = request.GET.get("review") == "overdue"
    today = timezone.localdate()
    rows = Enrolment.objects.filter(programme=programme).select_related(
        "household__head", "beneficiary", "review_schedule"
    )
    if status:
        rows = rows.filter(status=status)
    overdue_count = rows.filter(review_schedule__due_on__lt=today).count()
    if overdue_only:
        rows = rows.filter(review_schedule__due_on__lt=today)
    rows = rows.order_by("area_code", "id")
    # 临时救助 is paid once (a one-month enrolment, temporary.disburse): not "stopped", paid once
    one_off = programme in (Programme.TEMPORARY_EMERGENCY, Programme.TEMPORARY_SPENDING)

    def overdue_days(e) -> int:
        """Days past the review date (逾期未复核), 0 when not overdue."""
        schedule = getattr(e, "review_schedule", None)
        return (today - schedule.due_on).days if schedule and schedule.due_on < today else 0

    def line(e):
        head = e.household.head
        schedule = getattr(e, "review_schedule", None)  # none once stopped or in gradual exit
        return [
            e.get_programme_display(),
            head.name if head else "",
            e.beneficiary.name if e.beneficiary_id else "",
            mask_id_number((e.beneficiary or head).id_number if (e.beneficiary or head) else ""),
            e.covered_members,
            e.monthly_amount,
            "一次性救助" if one_off else e.get_status_display(),
            e.start_month,
            e.end_month,
            schedule.due_on if schedule else None,
            f"逾期{overdue_days(e)}天" if overdue_days(e) else "",
        ]

    if request.GET.get("export") == "xlsx":
        return xlsx_response(f"保障对象_{Programme(programme).label}", HEADERS, (line(e) for e in rows.iterator()))
    context = {
        "rows": [(line(e), overdue_days(e)) for e in rows[:500]],
        "overdue_count": overdue_count,
        "overdue_only": overdue_only,
        "headers": [("救助金额" if one_off and h == "月保障金额" else h) for h in HEADERS],
        "programmes": Programme.choices,
        "programme": programme,
        "statuses": Enrolment.Status.choices,
        "status": status,
        "total": rows.count(),
    }
    return render(request, "assistance/recipients.html", context)
