"""养老服务 pages: institutions with beds, occupancy and staff, and beds per 1,000 elderly by township;
an institution's residents (admission, discharge); home-care orders and service records;
settlements; and the carer's check-in page (a phone, 375 px)."""

from datetime import datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from areas.models import Area
from core.errors import DomainError
from core.excel import xlsx_response
from core.masking import mask_id_number, mask_name
from core.months import month_start, parse_month
from eldercare import services
from eldercare.capabilities import MANAGE_ELDERCARE, RECORD_HOME_CARE
from eldercare.errors import ElderCode
from eldercare.models import (
    Beds,
    CareLevel,
    HomeCareItem,
    HomeCareOrder,
    InstitutionProfile,
    Residence,
    ServiceRecord,
    Settlement,
)
from registry.models import Person


def _require(user, capability=MANAGE_ELDERCARE) -> None:
    if not user.is_authenticated or not user.can(capability):
        raise PermissionDenied("您没有使用该功能的权限")


def _institution(pk: int) -> InstitutionProfile:
    found = InstitutionProfile.objects.select_related("organisation").filter(pk=pk).first()
    if found is None:
        raise DomainError(ElderCode.NOT_FOUND, "找不到该机构，或不在您的辖区")
    return found


def _person_by_id_number(text: str) -> Person:
    text = (text or "").strip().upper()
    person = Person.objects.filter(id_number=text).first() if len(text) == 18 else None
    if person is None:
        raise DomainError(ElderCode.NOT_FOUND, "请填写辖区内居民的18位身份证号")
    return person


def _township_names(codes: list[str]) -> dict[str, str]:
    return dict(Area.objects.filter(code__in=[c[:9] + "000" for c in codes]).values_list("code", "name"))


@login_required
def index(request):
    _require(request.user)
    today = timezone.localdate()
    prefix = request.jurisdiction.prefix
    rows, total = services.beds_per_thousand(prefix, today)
    names = _township_names([r.code for r in rows])
    for r in rows:
        r.name = names.get(r.code + "000", r.code)
    beds = {}
    for b in Beds.objects.all():
        beds.setdefault(b.institution_id, {})[b.care_level] = b.count
    occupied = dict(
        Residence.objects.filter(discharged_on__isnull=True)
        .values("institution_id")
        .annotate(n=Count("id"))
        .values_list("institution_id", "n")
    )
    listed = list(services.institutions().order_by("area_code", "id"))
    for i in listed:
        i.bed_levels = [(label, beds.get(i.pk, {}).get(level, 0)) for level, label in CareLevel.choices]
        i.bed_total = sum(beds.get(i.pk, {}).values())
        i.occupied = occupied.get(i.pk, 0)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            "养老机构",
            [
                "机构名称",
                "性质",
                "备案/许可",
                "编号",
                *[f"{label}床位" for _v, label in CareLevel.choices],
                "在院",
                "工作人员",
                "护理员",
            ],
            (
                [
                    i.organisation.name,
                    i.get_ownership_display(),
                    i.get_licence_display(),
                    i.licence_number,
                    *[count for _label, count in i.bed_levels],
                    i.occupied,
                    i.staff,
                    i.carers,
                ]
                for i in listed
            ),
        )
    context = {"rows": rows, "total": total, "institutions": listed, "levels": CareLevel.choices}
    return render(request, "eldercare/index.html", context)


@login_required
def institution(request, pk: int):
    _require(request.user)
    try:
        found = _institution(pk)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("eldercare:index")
    residents = list(
        found.residences.select_related("person", "tekun_enrolment").order_by("discharged_on", "-admitted_on")[:200]
    )
    for r in residents:
        r.masked_name = mask_name(r.person.name)
        r.masked_id = mask_id_number(r.person.id_number)
    beds = dict(found.beds.values_list("care_level", "count"))
    free = services.free_beds(found)
    levels = [(v, label, beds.get(v, 0), free.get(v, 0)) for v, label in CareLevel.choices]
    return render(
        request,
        "eldercare/institution.html",
        {"i": found, "residents": residents, "levels": levels, "today": timezone.localdate()},
    )


@login_required
@require_POST
def beds(request, pk: int):
    _require(request.user)
    try:
        found = _institution(pk)
        counts = {}
        for level in CareLevel.values:
            raw = request.POST.get(f"beds_{level}", "0").strip() or "0"
            if not raw.isdigit() or int(raw) > 10000:
                raise DomainError(ElderCode.BAD_INPUT, "床位数须为0至10000的整数")
            counts[level] = int(raw)
        services.set_beds(found, counts)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "床位已更新")
    return redirect("eldercare:institution", pk=pk)


@login_required
@require_POST
def admit(request, pk: int):
    _require(request.user)
    try:
        found = _institution(pk)
        person = _person_by_id_number(request.POST.get("id_number"))
        residence = services.admit(
            institution=found,
            person=person,
            care_level=request.POST.get("care_level", ""),
            on_date=timezone.localdate(),
            user=request.user,
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        extra = "，特困供养已转为集中供养" if residence.tekun_enrolment_id else ""
        messages.success(request, f"已办理入住{extra}")
    return redirect("eldercare:institution", pk=pk)


@login_required
@require_POST
def discharge(request, pk: int):
    _require(request.user)
    residence = Residence.objects.select_related("person", "tekun_enrolment").filter(pk=pk).first()
    if residence is None:
        messages.error(request, "找不到该入住记录，或不在您的辖区")
        return redirect("eldercare:index")
    try:
        services.discharge(
            residence, on_date=timezone.localdate(), reason=request.POST.get("reason", ""), user=request.user
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "已办理离院")
    return redirect("eldercare:institution", pk=residence.institution_id)


# ------------------------------------------------------------------ home care


@login_required
def orders(request):
    _require(request.user)
    month = parse_month(request.GET.get("month")) or month_start(timezone.localdate())
    listed = HomeCareOrder.objects.select_related("person", "provider__organisation").order_by("-id")
    used = dict(
        ServiceRecord.objects.filter(month=month)
        .values("order_id")
        .annotate(m=Sum("minutes"))
        .values_list("order_id", "m")
    )
    records = (
        ServiceRecord.objects.filter(month=month)
        .select_related("order__person", "item", "carer")
        .order_by("-started_at")
    )
    flag = request.GET.get("flag", "")
    if flag == "any":
        records = records.exclude(flag="")
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            "居家养老服务记录",
            ["服务对象", "服务项目", "护理员", "开始", "结束", "时长（分钟）", "签到时间", "老人确认", "核查结果"],
            (
                [
                    mask_name(r.order.person.name),
                    r.item.name,
                    r.carer.name,
                    timezone.localtime(r.started_at).strftime("%Y-%m-%d %H:%M"),
                    timezone.localtime(r.ended_at).strftime("%Y-%m-%d %H:%M"),
                    r.minutes,
                    timezone.localtime(r.checked_in_at).strftime("%Y-%m-%d %H:%M"),
                    "是" if r.confirmed else "否",
                    r.get_flag_display(),
                ]
                for r in records.iterator()
            ),
        )
    shown = list(listed[:200])
    for o in shown:
        o.masked_name = mask_name(o.person.name)
        o.used_hours = round((used.get(o.pk) or 0) / 60, 1)
    shown_records = list(records[:200])
    for r in shown_records:
        r.masked_name = mask_name(r.order.person.name)
    context = {
        "orders": shown,
        "records": shown_records,
        "month": month,
        "flag": flag,
        "flagged": ServiceRecord.objects.filter(month=month).exclude(flag="").count(),
        "providers": services.providers(),
    }
    return render(request, "eldercare/orders.html", context)


@login_required
def order_new(request):
    _require(request.user)
    providers = list(services.providers())
    items = list(HomeCareItem.objects.filter(is_active=True).select_related("provider__organisation"))
    person = None
    hours = None
    if request.method == "POST":
        try:
            person = _person_by_id_number(request.POST.get("id_number"))
            provider = next((p for p in providers if str(p.pk) == request.POST.get("provider")), None)
            if provider is None:
                raise DomainError(ElderCode.BAD_INPUT, "请选择服务组织")
            chosen = [i for i in items if str(i.pk) in request.POST.getlist("items")]
            order = services.create_order(
                person=person, provider=provider, items=chosen, on_date=timezone.localdate(), user=request.user
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"已派单：{order.basis}")
            return redirect("eldercare:orders")
    elif request.GET.get("id_number") or request.GET.get("person"):
        try:
            if request.GET.get("person"):  # sent from the one-window desk (一门受理), the person filled in
                person = services.person_in_scope(request.GET.get("person"))
                if person is None:
                    raise DomainError(ElderCode.NOT_FOUND, "该老人不在您的辖区")
            else:
                person = _person_by_id_number(request.GET.get("id_number"))
            hours = services.hours_for(person, timezone.localdate())
        except DomainError as error:
            messages.error(request, error.message)
            person = None
    household = services.household_in_scope(request.GET.get("household")) if request.GET.get("household") else None
    context = {
        "providers": providers,
        "items": items,
        "person": person,
        "masked_name": mask_name(person.name) if person else "",
        "hours": hours,
        "id_number": request.POST.get("id_number")
        or request.GET.get("id_number", "")
        or (person.id_number if person else ""),
        # the one-window desk sent a household: its members to choose the elderly person from
        "members": [(m.person_id, mask_name(m.person.name)) for m in household.current_memberships()]
        if household is not None and person is None
        else [],
    }
    return render(request, "eldercare/order_new.html", context)


@login_required
def settlements(request):
    _require(request.user)
    if request.method == "POST":
        month = parse_month(request.POST.get("month"))
        provider = services.providers().filter(pk=request.POST.get("provider") or 0).first()
        try:
            if month is None or provider is None:
                raise DomainError(ElderCode.BAD_INPUT, "请选择服务组织和结算月份")
            settlement = services.generate_settlement(provider=provider, month=month, user=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                f"已生成结算单：{settlement.record_count}条服务记录，{settlement.amount}元；{settlement.flagged_count}条问题记录不结算",
            )
        return redirect("eldercare:settlements")
    listed = Settlement.objects.select_related("provider__organisation", "generated_by", "approved_by")
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            "居家养老服务结算",
            ["服务组织", "月份", "服务记录数", "服务时长（小时）", "结算金额（元）", "未结算问题记录", "状态"],
            (
                [
                    str(s.provider),
                    f"{s.month:%Y-%m}",
                    s.record_count,
                    round(s.minutes / 60, 1),
                    s.amount,
                    s.flagged_count,
                    s.get_status_display(),
                ]
                for s in listed
            ),
        )
    context = {
        "settlements": listed[:100],
        "providers": services.providers(),
        "month": month_start(timezone.localdate()),
    }
    return render(request, "eldercare/settlements.html", context)


@login_required
@require_POST
def settlement_approve(request, pk: int):
    _require(request.user)
    settlement = Settlement.objects.filter(pk=pk).first()
    if settlement is None:
        messages.error(request, "找不到该结算单，或不在您的辖区")
        return redirect("eldercare:settlements")
    try:
        _s, said = services.approve_settlement(settlement, user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "已审批" + (f"，{said}" if said else ""))
    return redirect("eldercare:settlements")


def _moment(text: str) -> datetime:
    try:
        value = datetime.strptime((text or "").strip(), "%Y-%m-%dT%H:%M")  # noqa: DTZ007 - local time, made aware below
    except ValueError:
        raise DomainError(ElderCode.BAD_INPUT, "请填写服务的开始和结束时间") from None
    return timezone.make_aware(value)


@login_required
def serve(request):
    """The carer's phone page: the provider's active orders, hours used this month, check-in form."""
    _require(request.user, RECORD_HOME_CARE)
    carer = services.carer_of(request.user)
    if carer is None:
        return render(request, "eldercare/serve.html", {"carer": None})
    orders_ = list(services.orders_for_carer(carer).prefetch_related("items"))
    if request.method == "POST":
        order = next((o for o in orders_ if str(o.pk) == request.POST.get("order")), None)
        item = next((i for o in orders_ for i in o.items.all() if str(i.pk) == request.POST.get("item")), None)
        if item is None and order is not None:
            item = HomeCareItem.unscoped.filter(pk=request.POST.get("item") or 0, provider=carer.provider).first()
        try:
            if order is None or item is None:
                raise DomainError(ElderCode.BAD_INPUT, "请选择服务对象和服务项目")
            service, why = services.record_service(
                carer=carer,
                order=order,
                item=item,
                started_at=_moment(request.POST.get("started_at")),
                ended_at=_moment(request.POST.get("ended_at")),
                confirm_code=request.POST.get("confirm_code", ""),
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            if why:
                messages.warning(request, f"已签到，但该记录有问题，不予结算：{why}")
            else:
                messages.success(request, f"已签到：{service.item.name}{service.minutes}分钟，老人已确认")
        return redirect("eldercare:serve")
    month = month_start(timezone.localdate())
    used = dict(
        ServiceRecord.unscoped.filter(order__in=orders_, month=month)
        .values("order_id")
        .annotate(m=Sum("minutes"))
        .values_list("order_id", "m")
    )
    for o in orders_:
        o.masked_name = mask_name(o.person.name)
        o.used_hours = round((used.get(o.pk) or 0) / 60, 1)
    recent = (
        ServiceRecord.unscoped.filter(carer=carer).select_related("order__person", "item").order_by("-started_at")[:10]
    )
    for r in recent:
        r.masked_name = mask_name(r.order.person.name)
    now = timezone.localtime()
    context = {
        "carer": carer,
        "orders": orders_,
        "recent": recent,
        "default_start": (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "default_end": now.strftime("%Y-%m-%dT%H:%M"),
    }
    return render(request, "eldercare/serve.html", context)


# ------------------------------------------------------------------ 护理补贴 (eldercare.care_subsidy)


def _require_any(user, *capabilities) -> None:
    if not user.is_authenticated or not any(user.can(c) for c in capabilities):
        raise PermissionDenied("您没有使用该功能的权限")


@login_required
def care_list(request):
    from eldercare.capabilities import APPLY_ELDERLY_CARE
    from eldercare.models import CareSubsidyApplication

    _require_any(request.user, MANAGE_ELDERCARE, APPLY_ELDERLY_CARE)
    listed = CareSubsidyApplication.objects.select_related("person", "enrolment", "assessed_by").order_by("-id")
    status = request.GET.get("status", "")
    if status in CareSubsidyApplication.Status.values:
        listed = listed.filter(status=status)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            "护理补贴申请",
            [
                "老人",
                "身份证号",
                "经济困难情形",
                "申请日期",
                "状态",
                "失能等级",
                "补贴（元/月）",
                "评估日期",
                "保障状态",
            ],
            (
                [
                    mask_name(a.person.name),
                    mask_id_number(a.person.id_number),
                    a.basis,
                    f"{a.applied_on:%Y-%m-%d}",
                    a.get_status_display(),
                    a.get_care_level_display(),
                    a.monthly_amount or "",
                    f"{a.assessed_on:%Y-%m-%d}" if a.assessed_on else "",
                    a.enrolment.get_status_display() if a.enrolment else "",
                ]
                for a in listed.iterator()
            ),
        )
    shown = list(listed[:200])
    for a in shown:
        a.masked_name = mask_name(a.person.name)
        a.masked_id = mask_id_number(a.person.id_number)
    context = {
        "applications": shown,
        "status": status,
        "statuses": CareSubsidyApplication.Status.choices,
        "levels": CareLevel.choices,
        "can_manage": request.user.can(MANAGE_ELDERCARE),
        "today": timezone.localdate(),
    }
    return render(request, "eldercare/care_list.html", context)


@login_required
def care_apply(request):
    from eldercare import care_subsidy
    from eldercare.capabilities import APPLY_ELDERLY_CARE

    _require_any(request.user, APPLY_ELDERLY_CARE, MANAGE_ELDERCARE)
    source = request.POST if request.method == "POST" else request.GET
    household = services.household_in_scope(source.get("household") or 0)
    person = services.person_in_scope(source.get("beneficiary") or 0)
    if person is None and source.get("id_number"):
        try:
            person = _person_by_id_number(source.get("id_number"))
        except DomainError as error:
            messages.error(request, error.message)
    if person is not None and household is None:
        membership = person.current_membership()
        household = services.household_in_scope(membership.household_id) if membership else None
    finding = source.get("finding") or ""
    if request.method == "POST":
        try:
            if person is None or household is None:
                raise DomainError(ElderCode.BAD_INPUT, "请先选择辖区内的老人和其家庭户")
            application = care_subsidy.apply(
                person=person,
                household=household,
                user=request.user,
                on_date=timezone.localdate(),
                finding_id=int(finding) if finding.isdigit() else None,
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"已受理护理补贴申请（{application.basis}），请安排失能等级评估")
            return redirect("eldercare:care_list")
    context = {
        "person": person,
        "household": household,
        "masked_name": mask_name(person.name) if person else "",
        "masked_id": mask_id_number(person.id_number) if person else "",
        "finding": finding,
    }
    return render(request, "eldercare/care_apply.html", context)


@login_required
@require_POST
def care_step(request, pk: int, step: str):
    from eldercare import care_subsidy

    _require(request.user)
    today = timezone.localdate()
    try:
        if step == "assess":
            done = care_subsidy.assess(
                pk,
                care_level=request.POST.get("care_level", ""),
                user=request.user,
                on_date=today,
                note=request.POST.get("note", ""),
            )
            messages.success(request, f"已评估：{done.get_care_level_display()}，{done.get_status_display()}")
        elif step == "approve":
            done = care_subsidy.approve(pk, user=request.user, on_date=today)
            messages.success(
                request, f"已审批：每月{done.monthly_amount}元，自{done.enrolment.start_month:%Y年%m月}起随名册发放"
            )
        elif step == "refuse":
            care_subsidy.refuse(pk, user=request.user, on_date=today, reason=request.POST.get("reason", ""))
            messages.success(request, "已作出不予批准决定")
        else:
            raise DomainError(ElderCode.BAD_INPUT, "没有这个办理步骤")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("eldercare:care_list")
