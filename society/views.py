"""Pages of the society line: organisations, the three lists and referrals, social-work services,
open village affairs (staff side and the public site), the self-governance check."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from areas.codes import VILLAGE, InvalidAreaCode, level_of, township_of, validate_code
from areas.models import Area
from core.errors import DomainError
from core.excel import xlsx_response
from core.masking import mask_name, mask_phone
from core.months import month_start, parse_month
from registry.models import Household, Organisation
from society import affairs, governance, lists, organisations, stations
from society import capabilities as caps
from society.errors import SocietyCode
from society.models import (
    AnnualReport,
    DisclosureItem,
    GovernanceCheck,
    GovernanceCriterion,
    Need,
    NeedKind,
    OrganisationChange,
    OrganisationContact,
    Project,
    Publication,
    PublicationAttachment,
    Rating,
    Referral,
    Resource,
    ServiceArea,
    ServiceRecord,
    ServiceType,
)


def _require(request, capability):
    wanted = capability if isinstance(capability, tuple) else (capability,)
    if not any(request.user.can(c) for c in wanted):
        raise PermissionDenied("您没有使用该功能的权限")


def _date(value, default=None) -> date | None:
    if not value:
        return default
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise DomainError(SocietyCode.BAD_INPUT, "日期格式不正确") from None


def _decimal(value, default=None) -> Decimal | None:
    if value in (None, ""):
        return default
    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        raise DomainError(SocietyCode.BAD_INPUT, "请填写数字") from None


def _year(request, default: int) -> int:
    """?year=: a year the calendar can hold (2000–2100), else the default."""
    text = request.GET.get("year", "")
    return int(text) if text.isdigit() and 2000 <= int(text) <= 2100 else default


def _int(value, default=None) -> int | None:
    if value in (None, ""):
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise DomainError(SocietyCode.BAD_INPUT, "请填写整数") from None


def _organisation(pk) -> Organisation:
    organisation = Organisation.objects.filter(pk=pk).first()
    if organisation is None:
        raise Http404("找不到该机构，或不在您的管辖范围")
    return organisation


def _household(value) -> Household:
    household = None
    if value:
        text = str(value).strip()
        household = Household.objects.filter(number=text).first()
        if household is None and text.isdigit() and len(text) < 12:
            household = Household.objects.filter(pk=int(text)).first()
    if household is None:
        raise DomainError(SocietyCode.NOT_FOUND, "找不到该家庭，或不在您的管辖范围")
    return household


def _done(request, success: str, target, *args):
    messages.success(request, success)
    return redirect(target, *args)


# ------------------------------------------------------------------ organisations


@login_required
def organisation_list(request):
    _require(request, caps.MANAGE_ORGANISATIONS)
    rows = Organisation.objects.filter(kind__in=organisations.REGISTERED_KINDS)
    kind, status, q = request.GET.get("kind", ""), request.GET.get("status", ""), request.GET.get("q", "").strip()
    if kind in Organisation.Kind.values:
        rows = rows.filter(kind=kind)
    if status in Organisation.Status.values:
        rows = rows.filter(status=status)
    if q:
        rows = rows.filter(Q(name__contains=q) | Q(credit_code=q))
    rows = rows.order_by("area_code", "name")
    if request.GET.get("export") == "xlsx":
        headers = [
            "机构名称",
            "类别",
            "统一社会信用代码",
            "法定代表人",
            "联系电话",
            "住所",
            "区划代码",
            "状态",
            "登记日期",
        ]
        data = (
            [
                o.name,
                o.get_kind_display(),
                o.credit_code,
                o.legal_representative,
                mask_phone(o.phone),
                o.address,
                o.area_code,
                o.get_status_display(),
                o.registered_on,
            ]
            for o in rows.iterator(chunk_size=2000)
        )
        return xlsx_response("社会组织", headers, data, "社会组织")
    if request.method == "POST":
        try:
            organisation = organisations.register_organisation(
                user=request.user,
                kind=request.POST.get("kind", ""),
                name=request.POST.get("name", ""),
                area_code=_area_in_scope(request, request.POST.get("area_code") or request.user.area_code),
                registered_on=_date(request.POST.get("registered_on"), timezone.localdate()),
                credit_code=request.POST.get("credit_code", "").strip().upper(),
                legal_representative=request.POST.get("legal_representative", "").strip(),
                address=request.POST.get("address", "").strip(),
                phone=request.POST.get("phone", "").strip(),
                contact_name=request.POST.get("contact_name", "").strip(),
                scope=request.POST.get("scope", "").strip(),
                supervisor=request.POST.get("supervisor", "").strip(),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            return _done(request, f"{organisation.name}已成立登记", "society:organisation", organisation.pk)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "society/organisations.html",
        {
            "page": page,
            "kinds": [(k, label) for k, label in Organisation.Kind.choices if k in organisations.REGISTERED_KINDS],
            "statuses": Organisation.Status.choices,
            "filters": {"kind": kind, "status": status, "q": q},
            "today": timezone.localdate(),
        },
    )


def _area_in_scope(request, code: str) -> str:
    try:
        validate_code(code or "")
    except InvalidAreaCode:
        raise DomainError(SocietyCode.BAD_INPUT, "区划代码不正确") from None
    if not request.jurisdiction.allows(code):
        raise DomainError(SocietyCode.BAD_INPUT, "该区划不在您的管辖范围")
    return code


@login_required
def organisation_detail(request, pk: int):
    _require(request, caps.MANAGE_ORGANISATIONS)
    organisation = _organisation(pk)
    today = timezone.localdate()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "change":
                organisations.change_registration(
                    organisation,
                    user=request.user,
                    field=request.POST.get("field", ""),
                    new_value=request.POST.get("new_value", ""),
                    changed_on=_date(request.POST.get("changed_on"), today),
                    reason=request.POST.get("reason", ""),
                )
                message = "变更登记已办理，原登记内容已留存"
            elif action == "report":
                organisations.submit_report(
                    organisation,
                    year=_int(request.POST.get("year"), today.year - 1),
                    submitted_on=_date(request.POST.get("submitted_on"), today),
                    summary=request.POST.get("summary", ""),
                    income=_decimal(request.POST.get("income"), Decimal(0)),
                    expense=_decimal(request.POST.get("expense"), Decimal(0)),
                )
                message = "年度报告已录入"
            elif action == "check":
                report = get_object_or_404(
                    AnnualReport.objects.filter(organisation=organisation), pk=request.POST.get("report")
                )
                organisations.check_report(
                    report,
                    user=request.user,
                    result=request.POST.get("result", ""),
                    opinion=request.POST.get("opinion", ""),
                    checked_on=today,
                )
                message = "年报检查结论已保存"
            elif action == "rate":
                organisations.rate(
                    organisation,
                    user=request.user,
                    grade=_int(request.POST.get("grade"), 0),
                    rated_on=_date(request.POST.get("rated_on"), today),
                    note=request.POST.get("note", ""),
                )
                message = "评估等级已录入"
            elif action == "contact":
                name = request.POST.get("name", "").strip()
                if not name:
                    raise DomainError(SocietyCode.BAD_INPUT, "请填写联系人姓名")
                OrganisationContact.objects.create(
                    organisation=organisation,
                    name=name,
                    duty=request.POST.get("duty", "").strip(),
                    phone=request.POST.get("phone", "").strip(),
                )
                message = "联系人已添加"
            elif action == "area":
                code = _area_in_scope(request, request.POST.get("area_code", "").strip())
                ServiceArea.objects.get_or_create(organisation=organisation, area_code=code)
                message = "服务区域已添加"
            elif action == "deregister":
                organisations.deregister(
                    organisation,
                    user=request.user,
                    on_date=_date(request.POST.get("on_date"), today),
                    reason=request.POST.get("reason", ""),
                )
                message = "已办理注销登记"
            else:
                raise DomainError(SocietyCode.BAD_INPUT, "未知的操作")
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            return _done(request, message, "society:organisation", organisation.pk)
    areas = list(ServiceArea.objects.filter(organisation=organisation).values_list("area_code", flat=True))
    return render(
        request,
        "society/organisation_detail.html",
        {
            "organisation": organisation,
            "profile": organisations.profile_of(organisation),
            "contacts": OrganisationContact.objects.filter(organisation=organisation),
            "areas": Area.objects.filter(code__in=areas).order_by("code"),
            "changes": OrganisationChange.objects.filter(organisation=organisation).select_related("changed_by"),
            "reports": AnnualReport.objects.filter(organisation=organisation),
            "ratings": Rating.objects.filter(organisation=organisation),
            "rating": organisations.current_rating(organisation, today),
            "fields": [c for c in OrganisationChange.Field.choices if c[0] not in ("registration", "status")],
            "results": [c for c in AnnualReport.Result.choices if c[0] != "pending"],
            "grades": Rating.Grade.choices,
            "today": today,
            "last_year": today.year - 1,
        },
    )


@login_required
def overdue_reports(request):
    _require(request, caps.MANAGE_ORGANISATIONS)
    today = timezone.localdate()
    year = _year(request, today.year - 1)
    rows, deadline = organisations.overdue_reports(today, year)
    if request.GET.get("export") == "xlsx":
        headers = ["机构名称", "类别", "统一社会信用代码", "区划代码", "报告年度", "截止日期"]
        data = ([o.name, o.get_kind_display(), o.credit_code, o.area_code, year, deadline.due_on] for o in rows)
        return xlsx_response("年报逾期未报", headers, data, "年报逾期未报")
    return render(request, "society/overdue_reports.html", {"rows": rows, "deadline": deadline, "year": year})


# ------------------------------------------------------------------ three lists


@login_required
def need_list(request):
    _require(request, caps.MANAGE_NEEDS)
    rows = Need.objects.select_related("household", "household__head").order_by("-id")
    status = request.GET.get("status", "")
    if status in Need.Status.values:
        rows = rows.filter(status=status)
    if request.GET.get("export") == "xlsx":
        headers = ["户编号", "户主", "需求类别", "需求说明", "数量", "来源", "状态", "登记日期", "办结日期"]
        data = (
            [
                n.household.number,
                mask_name(n.household.head.name if n.household.head_id else ""),
                n.get_kind_display(),
                n.description,
                f"{n.quantity}{n.unit}",
                n.get_source_display(),
                n.get_status_display(),
                timezone.localtime(n.created_at).date(),
                n.closed_on,
            ]
            for n in rows.iterator(chunk_size=2000)
        )
        return xlsx_response("需求清单", headers, data, "需求清单")
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(request, "society/needs.html", {"page": page, "statuses": Need.Status.choices, "status": status})


@login_required
def need_new(request):
    _require(request, caps.MANAGE_NEEDS)
    from monitoring.models import Warning

    warning = None
    if request.GET.get("warning") or request.POST.get("warning"):
        warning = Warning.objects.filter(pk=_int(request.GET.get("warning") or request.POST.get("warning"), 0)).first()
        if warning is None:
            raise Http404("找不到该预警，或不在您的管辖范围")
    household = warning.household if warning else None
    if household is None and request.GET.get("household"):
        household = Household.objects.filter(pk=_int(request.GET.get("household"), 0)).first()
    if request.method == "POST":
        try:
            target = household or _household(request.POST.get("household_number"))
            need = lists.record_need(
                user=request.user,
                household=target,
                kind=request.POST.get("kind", NeedKind.OTHER),
                description=request.POST.get("description", ""),
                quantity=_decimal(request.POST.get("quantity"), Decimal(0)),
                unit=request.POST.get("unit", "元").strip()[:10],
                source=Need.Source.WARNING if warning else request.POST.get("source", Need.Source.OTHER),
                consent_on=_date(request.POST.get("consent_on")),
                consent_note=request.POST.get("consent_note", ""),
                warning=warning,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            return _done(request, "需求已登记，请选择承接机构转介", "society:need", need.pk)
    return render(
        request,
        "society/need_new.html",
        {
            "warning": warning,
            "household": household,
            "kinds": NeedKind.choices,
            "sources": [c for c in Need.Source.choices if c[0] != Need.Source.WARNING],
            "open_warnings": []
            if warning or household
            else Warning.objects.filter(stage__in=Warning.OPEN_STAGES)
            .select_related("household")
            .order_by("-raised_on", "-id")[:10],
            "today": timezone.localdate(),
        },
    )


@login_required
def need_detail(request, pk: int):
    _require(request, caps.MANAGE_NEEDS)
    need = get_object_or_404(Need.objects.select_related("household", "household__head"), pk=pk)
    today = timezone.localdate()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "refer":
                kind, _, offer_id = request.POST.get("offer", "").partition(":")
                offered = {(p.is_project, p.offer.pk): p for p in lists.proposals(need, limit=50)}
                chosen = offered.get((kind == "project", _int(offer_id, 0) if offer_id.isdigit() else 0))
                if kind not in ("resource", "project") or chosen is None:
                    raise DomainError(SocietyCode.BAD_INPUT, "请从推荐的资源或项目中选择承接机构")
                organisation = chosen.organisation
                resource = None if chosen.is_project else chosen.offer
                project = chosen.offer if chosen.is_project else None
                proposal = chosen
                lists.refer(
                    need,
                    user=request.user,
                    organisation=organisation,
                    resource=resource,
                    project=project,
                    score=proposal.score,
                    note=request.POST.get("note", ""),
                )
                warnings = lists.public_aid_overlap(need)
                for sentence in warnings:
                    messages.warning(request, sentence)
                message = f"已转介给{organisation.name}"
            elif action == "confirm":
                lists.confirm(need, user=request.user, confirmation=request.POST.get("confirmation", ""), on_date=today)
                message = "居民已确认，需求办结"
            elif action == "cancel":
                if need.status != Need.Status.OPEN:
                    raise DomainError(SocietyCode.WRONG_STATE, "已转介的需求不能撤销")
                need.status = Need.Status.CANCELLED
                need.save()
                message = "需求已撤销"
            else:
                raise DomainError(SocietyCode.BAD_INPUT, "未知的操作")
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            return _done(request, message, "society:need", need.pk)
    return render(
        request,
        "society/need_detail.html",
        {
            "need": need,
            "proposals": lists.proposals(need) if need.status == Need.Status.OPEN else [],
            "overlap": lists.public_aid_overlap(need) if need.status in Need.OPEN_STATUSES else [],
            "referrals": need.referrals.select_related("organisation", "resource", "project"),
            "head": mask_name(need.household.head.name) if need.household.head_id else "",
        },
    )


@login_required
def offers(request):
    """资源清单和项目清单: what organisations offer, entered by the bureau or by the organisation's staff."""
    _require(request, (caps.MANAGE_NEEDS, caps.MANAGE_ORGANISATIONS, caps.SERVE_REFERRALS))
    staff_org = None
    if request.user.can(caps.SERVE_REFERRALS) and not request.user.can(caps.MANAGE_ORGANISATIONS):
        try:
            staff_org = lists._staff_organisation(request.user)
        except DomainError:
            staff_org = None
    if request.method == "POST":
        try:
            if staff_org is not None:
                organisation = staff_org
            else:
                _require(request, caps.MANAGE_ORGANISATIONS)
                organisation = _organisation(_int(request.POST.get("organisation"), 0))
            if organisation.status != Organisation.Status.ACTIVE:
                raise DomainError(SocietyCode.DEREGISTERED, f"{organisation.name}不是正常状态")
            code = request.POST.get("area_code", "").strip() or organisation.area_code
            try:
                validate_code(code)
            except InvalidAreaCode:
                raise DomainError(SocietyCode.BAD_INPUT, "区划代码不正确") from None
            kind = request.POST.get("kind", "")
            if kind not in NeedKind.values:
                raise DomainError(SocietyCode.BAD_INPUT, "请选择适用的需求类别")
            name = request.POST.get("name", "").strip()
            if not name:
                raise DomainError(SocietyCode.BAD_INPUT, "请填写名称")
            if request.POST.get("what") == "project":
                capacity = _int(request.POST.get("capacity"), 0)
                if capacity <= 0:
                    raise DomainError(SocietyCode.BAD_INPUT, "服务容量应大于0")
                Project.objects.create(
                    organisation=organisation,
                    area_code=code,
                    area_prefix=lists.area_prefix(code),
                    name=name,
                    kind=kind,
                    capacity=capacity,
                    starts_on=_date(request.POST.get("starts_on"), timezone.localdate()),
                    description=request.POST.get("description", "").strip()[:300],
                )
            else:
                form = request.POST.get("form", "")
                if form not in Resource.Form.values:
                    raise DomainError(SocietyCode.BAD_INPUT, "请选择资源类型")
                quantity = _decimal(request.POST.get("quantity"), Decimal(0))
                if quantity <= 0:
                    raise DomainError(SocietyCode.BAD_INPUT, "数量应大于0")
                Resource.objects.create(
                    organisation=organisation,
                    area_code=code,
                    area_prefix=lists.area_prefix(code),
                    form=form,
                    kind=kind,
                    name=name,
                    quantity=quantity,
                    remaining=quantity,
                    unit=request.POST.get("unit", "元").strip()[:10] or "元",
                    available_until=_date(request.POST.get("available_until")),
                )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            return _done(request, "已加入清单", "society:offers")
    resources = Resource.objects.select_related("organisation").filter(is_active=True)
    projects = Project.objects.select_related("organisation").filter(is_active=True)
    if staff_org is not None:  # their own organisation's offers, wherever it registered them
        resources = Resource.unscoped.select_related("organisation").filter(is_active=True, organisation=staff_org)
        projects = Project.unscoped.select_related("organisation").filter(is_active=True, organisation=staff_org)
    if request.GET.get("export") == "xlsx":
        headers = ["清单", "机构", "名称", "类型", "适用需求", "数量/容量", "余量", "适用区域"]
        data = [
            [
                "资源",
                r.organisation.name,
                r.name,
                r.get_form_display(),
                r.get_kind_display(),
                f"{r.quantity}{r.unit}",
                f"{r.remaining}{r.unit}",
                r.area_code,
            ]
            for r in resources
        ] + [
            ["项目", p.organisation.name, p.name, "项目", p.get_kind_display(), f"{p.capacity}户", "", p.area_code]
            for p in projects
        ]
        return xlsx_response("资源和项目清单", headers, data, "资源和项目清单")
    return render(
        request,
        "society/offers.html",
        {
            "resources": resources[:200],
            "projects": projects[:200],
            "staff_org": staff_org,
            "organisations": Organisation.objects.filter(status=Organisation.Status.ACTIVE).order_by("name")[:300]
            if staff_org is None
            else [],
            "forms": Resource.Form.choices,
            "kinds": NeedKind.choices,
            "today": timezone.localdate(),
        },
    )


@login_required
def referral_list(request):
    _require(request, caps.SERVE_REFERRALS)
    try:
        rows = lists.referrals_for_staff(request.user).order_by("-id")
        organisation = lists._staff_organisation(request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        rows, organisation = Referral.objects.none(), None
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(request, "society/referrals.html", {"page": page, "organisation": organisation})


@login_required
def referral_detail(request, pk: int):
    _require(request, caps.SERVE_REFERRALS)
    try:
        referral = lists.staff_referral(request.user, pk)
    except DomainError:
        raise Http404("找不到该转介，或未转介给本机构") from None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "accept":
                lists.accept(referral, user=request.user)
                message = "已接收，请在帮扶后反馈情况"
            elif action == "decline":
                lists.decline(referral, user=request.user, reason=request.POST.get("reason", ""))
                message = "已退回，民政部门将另行转介"
            elif action == "report":
                lists.report_help(
                    referral,
                    user=request.user,
                    report=request.POST.get("report", ""),
                    value=_decimal(request.POST.get("value")),
                    helped_on=_date(request.POST.get("helped_on"), timezone.localdate()),
                    used=_decimal(request.POST.get("used")),
                )
                message = "帮扶情况已反馈，待居民确认"
            else:
                raise DomainError(SocietyCode.BAD_INPUT, "未知的操作")
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            return _done(request, message, "society:referral", referral.pk)
    need = referral.need
    household = Household.unscoped.select_related("head").get(pk=need.household_id)
    return render(
        request,
        "society/referral_detail.html",
        {
            "referral": referral,
            "need": need,
            "head": mask_name(household.head.name) if household.head_id else "",
            "village": Area.objects.filter(code=need.area_code).first(),
            "today": timezone.localdate(),
        },
    )


@login_required
def household(request, pk: int):
    """公共救助与社会帮扶: one household's public payments and charity help, month by month."""
    _require(request, (caps.MANAGE_NEEDS, caps.RECORD_SOCIAL_WORK))
    from payments.models import RollLine

    target = get_object_or_404(Household.objects.select_related("head"), pk=pk)
    months: dict[date, dict] = {}

    def month(day: date) -> dict:
        return months.setdefault(month_start(day), {"public": [], "charity": [], "services": []})

    lines = (
        RollLine.objects.filter(household=target, status__in=[RollLine.Status.PAID, RollLine.Status.PENDING])
        .values_list("pay_month", "roll__programme", "amount_fen", "status")
        .order_by("-pay_month")[:240]
    )
    from policy.programmes import Programme

    for pay_month, programme, fen, status in lines:
        month(pay_month)["public"].append(
            {"label": Programme(programme).label, "amount": Decimal(fen) / 100, "status": RollLine.Status(status).label}
        )
    for referral in Referral.objects.filter(need__household=target, state=Referral.State.REPORTED).select_related(
        "organisation", "need"
    ):
        month(referral.helped_on)["charity"].append(referral)
    for service in ServiceRecord.objects.filter(household=target).select_related("station"):
        month(service.served_on)["services"].append(service)
    return render(
        request,
        "society/household.html",
        {
            "household": target,
            "head": mask_name(target.head.name) if target.head_id else "",
            "months": sorted(months.items(), reverse=True),
            "needs": Need.objects.filter(household=target).order_by("-id"),
        },
    )


# ------------------------------------------------------------------ social-work stations


@login_required
def service_list(request):
    _require(request, caps.RECORD_SOCIAL_WORK)
    today = timezone.localdate()
    if request.method == "POST":
        try:
            target = _household(request.POST.get("household_number"))
            stations.record_service(
                user=request.user,
                household=target,
                service_type=request.POST.get("service_type", ""),
                served_on=_date(request.POST.get("served_on"), today),
                minutes=_int(request.POST.get("minutes"), 0),
                note=request.POST.get("note", ""),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            return _done(request, "服务记录已保存，计入该户档案和月度统计", "society:services")
    chosen = parse_month(request.GET.get("month")) or month_start(today)
    statistics = stations.monthly_statistics(chosen)
    if request.GET.get("export") == "xlsx":
        headers = ["社工站", "服务类型", "服务人次", "服务户数", "服务时长（小时）"]
        data = ([r["station"], r["service_type"], r["services"], r["households"], r["hours"]] for r in statistics)
        return xlsx_response(f"社工服务统计{chosen:%Y%m}", headers, data, "社工服务统计")
    records = ServiceRecord.objects.select_related("household", "station", "worker").order_by("-served_on", "-id")
    if not request.user.can(caps.MANAGE_ORGANISATIONS):
        records = records.filter(worker=request.user)
    page = Paginator(records, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "society/services.html",
        {
            "page": page,
            "statistics": statistics,
            "month": chosen,
            "types": ServiceType.choices,
            "today": today,
            "can_record": request.user.can(caps.SERVE_REFERRALS) or _has_station(request.user),
        },
    )


def _has_station(user) -> bool:
    try:
        stations.station_of(user)
    except DomainError:
        return False
    return True


# ------------------------------------------------------------------ open village affairs


@login_required
def affairs_home(request):
    _require(request, (caps.PUBLISH_AFFAIRS, caps.CHECK_AFFAIRS))
    today = timezone.localdate()
    villages = affairs.villages_of(request.user.area_code) if request.user.area_code else []
    if request.method == "POST":
        _require(request, caps.PUBLISH_AFFAIRS)
        try:
            code = request.POST.get("village", "")
            if code not in {v.code for v in villages}:
                raise DomainError(SocietyCode.BAD_INPUT, "请选择本辖区的村（社区）")
            item = DisclosureItem.objects.filter(pk=_int(request.POST.get("item"), 0), is_active=True).first()
            if item is None:
                raise DomainError(SocietyCode.BAD_INPUT, "请选择公开事项")
            affairs.publish(
                user=request.user,
                village_code=code,
                item=item,
                period_day=_date(request.POST.get("period_day"), today),
                title=request.POST.get("title", ""),
                body=request.POST.get("body", ""),
                published_on=today,
                files=request.FILES.getlist("files"),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            return _done(request, "已发布，群众可在公开页面查看", "society:affairs")
    publications = list(Publication.objects.select_related("item").prefetch_related("attachments")[:30])
    names = dict(Area.objects.filter(code__in={p.area_code for p in publications}).values_list("code", "name"))
    for publication in publications:
        publication.village_name = names.get(publication.area_code, publication.area_code)
    return render(
        request,
        "society/affairs.html",
        {
            "items": DisclosureItem.objects.filter(is_active=True),
            "villages": villages,
            "publications": publications,
            "today": today,
            "can_publish": request.user.can(caps.PUBLISH_AFFAIRS),
            "can_check": request.user.can(caps.CHECK_AFFAIRS),
        },
    )


@login_required
def affairs_compliance(request):
    _require(request, caps.CHECK_AFFAIRS)
    today = timezone.localdate()
    year = _year(request, today.year)
    state = request.GET.get("state", "problems")
    rows = affairs.compliance(request.user.area_code, year, today)
    if state == "problems":
        rows = [r for r in rows if r.state != "on_time"]
    if request.GET.get("export") == "xlsx":
        headers = ["村（社区）", "公开事项", "期间", "公开期限", "情况", "公开日期"]
        data = (
            [r.village.name, r.item.name, r.period, r.due, affairs.STATE_LABELS[r.state], r.published_on] for r in rows
        )
        return xlsx_response(f"村务公开情况{year}", headers, data, "村务公开情况")
    summary = {}
    for row in affairs.compliance(request.user.area_code, year, today):
        entry = summary.setdefault(row.village.code, {"village": row.village, "on_time": 0, "late": 0, "missing": 0})
        entry[row.state] += 1
    return render(
        request,
        "society/compliance.html",
        {
            "page": Paginator(rows, 30).get_page(request.GET.get("page")),
            "summary": list(summary.values()),
            "year": year,
            "state": state,
            "labels": affairs.STATE_LABELS,
        },
    )


@login_required
def governance_list(request):
    _require(request, caps.CHECK_AFFAIRS)
    today = timezone.localdate()
    year = _year(request, today.year)
    villages = affairs.villages_of(request.user.area_code)
    checks = {c.area_code: c for c in GovernanceCheck.objects.filter(year=year)}
    rows = [(v, checks.get(v.code)) for v in villages]
    rows.sort(key=lambda r: (r[1] is None or r[1].rank is None, r[1].rank if r[1] and r[1].rank else 0, r[0].code))
    if request.GET.get("export") == "xlsx":
        data = ([v.name, v.code, c.total if c else "", c.rank if c else ""] for v, c in rows)
        return xlsx_response(f"自治达标监测{year}", ["村（社区）", "区划代码", "总分", "名次"], data, "自治达标监测")
    return render(request, "society/governance.html", {"rows": rows, "year": year})


@login_required
def governance_check(request, code: str, year: int):
    _require(request, caps.CHECK_AFFAIRS)
    try:
        validate_code(code)
    except InvalidAreaCode:
        raise Http404("区划代码无效") from None
    if level_of(code) != VILLAGE or not request.jurisdiction.allows(code):
        raise Http404("不在您的管辖范围")
    village = get_object_or_404(Area, code=code)
    check = governance.check_for(code, year)
    if request.method == "POST":
        values = {}
        try:
            for criterion in GovernanceCriterion.objects.filter(
                is_active=True, source=GovernanceCriterion.Source.ENTERED
            ):
                values[criterion.pk] = (
                    _decimal(request.POST.get(f"value_{criterion.pk}")),
                    request.POST.get(f"evidence_{criterion.pk}", ""),
                )
            governance.enter_scores(check, user=request.user, values=values)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            return _done(request, "评分已保存，总分和乡镇内名次已重新计算", "society:governance_check", code, year)
    return render(
        request,
        "society/governance_check.html",
        {
            "village": village,
            "check": check,
            "rows": governance.score_rows(check),
            "year": year,
            "township": township_of(code),
        },
    )


# ------------------------------------------------------------------ public site (no login)


def public_affairs(request):
    """村务公开 on the public site: the visitor picks a township, then a village."""
    townships = Area.objects.filter(level="township", valid_to__isnull=True).order_by("code")[:200]
    chosen = request.GET.get("township", "")
    villages = []
    if chosen:
        try:
            validate_code(chosen)
        except InvalidAreaCode:
            raise Http404("区划代码无效") from None
        villages = affairs.villages_of(chosen)
    return render(
        request, "society/public_affairs.html", {"townships": townships, "villages": villages, "chosen": chosen}
    )


def public_village(request, code: str):
    try:
        validate_code(code)
    except InvalidAreaCode:
        raise Http404("区划代码无效") from None
    village = get_object_or_404(Area, code=code, level=VILLAGE)
    rows = (
        Publication.unscoped.filter(area_code=code)
        .select_related("item")
        .prefetch_related("attachments")
        .order_by("-published_on", "-id")
    )
    page = Paginator(rows, 20).get_page(request.GET.get("page"))
    for publication in page:
        publication.public_body = affairs.mask_text(publication.body)
        publication.public_title = affairs.mask_text(publication.title)
    return render(request, "society/public_village.html", {"village": village, "page": page})


def public_attachment(request, pk: int):
    """An attachment of a publication: public like the publication itself."""
    attachment = get_object_or_404(PublicationAttachment, pk=pk)
    if not attachment.file:
        raise Http404("附件不存在")
    return FileResponse(attachment.file.open("rb"), filename=attachment.name)
