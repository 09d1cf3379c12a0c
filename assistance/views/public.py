"""Public pages (no login): the village notice with its objection form, and the long-term
publication list. Only masked name, household size and amount are ever shown."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from areas.models import Area
from assistance.casework import PublicNotice
from assistance.notice import lodge_objection, running_notices_for
from core.errors import DomainError
from core.masking import mask_name
from ledger.models import Enrolment


def notice(request, token):
    """One household's notice; anyone may object, named or anonymously."""
    item = PublicNotice.unscoped.select_related("application").filter(token=token).first()
    if item is None:
        raise Http404("找不到该公示")
    if request.method == "POST":
        try:
            lodge_objection(
                notice=item,
                on_date=timezone.localdate(),
                content=request.POST.get("content", ""),
                name=request.POST.get("name", ""),
                phone=request.POST.get("phone", ""),
                anonymous=request.POST.get("anonymous") == "on",
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "您的意见已收到，乡镇（街道）将重新调查核实。谢谢您的监督！")
            return redirect("assistance:public_notice", token=token)
    return render(request, "assistance/public_notice.html", {"notice": item, "rows": [item]})


def village(request, code: str):
    """Every notice running in a village or community today: the sheet to print and post."""
    area = Area.objects.filter(code=code[:12]).first()
    if area is None:
        raise Http404("找不到该村(社区)")
    rows = list(running_notices_for(code, timezone.localdate()))
    first = rows[0] if rows else None
    return render(
        request, "assistance/notice_sheet.html", {"notice": first, "rows": rows, "area": area, "printing": True}
    )


def publication(request, code: str):
    """长期公布: 低保 recipients of an area — masked name, household size, monthly amount."""
    area = Area.objects.filter(code=code[:12]).first()
    if area is None:
        raise Http404("找不到该地区")
    prefix = code.rstrip("0") or code
    rows = (
        Enrolment.unscoped.filter(area_code__startswith=prefix, programme="dibao")
        .exclude(status=Enrolment.Status.STOPPED)
        .select_related("household__head")
        .order_by("area_code", "id")[:2000]
    )
    table = [
        (mask_name(e.household.head.name if e.household.head_id else ""), e.covered_members, e.monthly_amount)
        for e in rows
    ]
    return render(request, "assistance/publication.html", {"area": area, "table": table})
