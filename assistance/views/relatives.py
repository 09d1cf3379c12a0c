"""近亲属备案 register: township and county staff record and list close-relative relations."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from assistance.casework import CloseRelative
from assistance.relatives import can_keep_register, end_close_relative, record_close_relative, staff_choices
from cases.access import ensure_case_staff
from core.errors import DomainError
from core.excel import xlsx_response
from core.masking import mask_id_number

HEADERS = ["居民", "身份证号", "区划", "工作人员身份", "工作人员", "亲属关系", "登记日期", "终止日期"]


@login_required
def close_relatives(request):
    ensure_case_staff(request.user)
    if request.method == "POST":
        post = request.POST
        try:
            record_close_relative(
                user=request.user,
                id_number=post.get("id_number", ""),
                position=post.get("position", ""),
                relation=post.get("relation", ""),
                staff_id=int(post["staff"]) if post.get("staff", "").isdigit() else None,
                cadre_name=post.get("cadre_name", ""),
                on_date=timezone.localdate(),
            )
            messages.success(request, "近亲属关系已登记")
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("assistance:close_relatives")
    rows = CloseRelative.objects.select_related("person", "staff").order_by("ended_on", "area_code", "id")
    current = request.GET.get("all") != "1"
    if current:
        rows = rows.filter(ended_on__isnull=True)

    def line(r):
        who = r.staff.full_name or r.staff.username if r.staff_id else r.cadre_name
        return [
            r.person.name,
            mask_id_number(r.person.id_number),
            r.area_code,
            r.get_position_display(),
            who,
            r.get_relation_display(),
            r.recorded_on,
            r.ended_on,
        ]

    if request.GET.get("export") == "xlsx":
        return xlsx_response("近亲属备案", HEADERS, (line(r) for r in rows.iterator(chunk_size=2000)))
    context = {
        "rows": [(r, line(r)) for r in rows[:500]],
        "total": rows.count(),
        "headers": HEADERS,
        "current": current,
        "can_keep": can_keep_register(request.user),
        "positions": CloseRelative.Position.choices,
        "relations": CloseRelative.Relation.choices,
        "staff": staff_choices() if can_keep_register(request.user) else [],
    }
    return render(request, "assistance/close_relatives.html", context)


@login_required
@require_POST
def close_relative_end(request, pk: int):
    ensure_case_staff(request.user)
    relation = get_object_or_404(CloseRelative, pk=pk)
    try:
        end_close_relative(user=request.user, relation=relation, on_date=timezone.localdate())
        messages.success(request, "已终止该近亲属关系")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("assistance:close_relatives")
