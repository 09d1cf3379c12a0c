"""Screens of children's welfare: the list (masked, scoped, exportable), a child's file with guardians,
visits, reports and allowance, the phone visit form, and the mandatory reports with their deadlines."""

from datetime import date, datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.roles import Capability, RoleCode
from audit.models import AuditEntry
from audit.services import record, record_personal_data_view
from children import capabilities as caps
from children import rules, services
from children.errors import ChildCode
from children.models import ChildRecord, Guardian, MandatoryReport
from core.errors import DomainError
from core.excel import xlsx_response
from core.masking import mask_id_number, mask_name, mask_phone
from ledger.models import Enrolment
from policy.parameters import Policy
from policy.programmes import Programme
from registry.idcard import normalize
from registry.models import Membership, Person


def _require(user, *capabilities):
    if not any(user.can(c) for c in capabilities):
        raise PermissionDenied("您没有使用该功能的权限")


def _directors():
    return User.in_jurisdiction.filter(is_active=True, roles__code=RoleCode.CHILDREN_DIRECTOR).distinct()


def _date(value, default=None):
    try:
        return date.fromisoformat(value) if value else default
    except ValueError:
        raise DomainError(ChildCode.BAD_INPUT, "日期格式不正确") from None


def _datetime(value):
    try:
        return timezone.make_aware(datetime.fromisoformat(value).replace(tzinfo=None))
    except (TypeError, ValueError):
        raise DomainError(ChildCode.BAD_INPUT, "请按“年-月-日 时:分”填写时间") from None


@login_required
def child_list(request):
    _require(request.user, caps.VIEW_CHILDREN)
    today = timezone.localdate()
    rows = ChildRecord.objects.filter(closed_on__isnull=True).select_related("person", "director")
    state = request.GET.get("state", "")
    if state == "overdue":
        rows = rows.filter(next_visit_due__lt=today)
    if request.GET.get("mine"):
        rows = rows.filter(director=request.user)
    category = request.GET.get("category", "")
    if category:
        rows = rows.filter(category=category)
    risk = request.GET.get("risk", "")
    if risk:
        rows = rows.filter(risk=risk)
    rows = rows.order_by("next_visit_due", "id")
    if request.GET.get("export") == "xlsx":
        record(AuditEntry.Action.EXPORT, object_type="children.childrecord", object_repr="困境儿童名单（脱敏）")
        return xlsx_response(
            "困境儿童名单",
            ["姓名", "身份证号", "区划代码", "儿童类别", "风险等级", "儿童主任", "最近走访", "下次应走访", "走访超期"],
            (
                [
                    mask_name(r.person.name),
                    mask_id_number(r.person.id_number),
                    r.area_code,
                    r.get_category_display(),
                    r.get_risk_display(),
                    r.director.full_name if r.director_id else "",
                    r.last_visited_on,
                    r.next_visit_due,
                    "是" if rules.visit_overdue(r.next_visit_due, today) else "",
                ]
                for r in rows.iterator()
            ),
        )
    overdue = ChildRecord.objects.filter(closed_on__isnull=True, next_visit_due__lt=today).count()
    context = {
        "rows": [
            {
                "r": r,
                "name": mask_name(r.person.name),
                "id_number": mask_id_number(r.person.id_number),
                "overdue": rules.visit_overdue(r.next_visit_due, today),
            }
            for r in rows[:300]
        ],
        "overdue": overdue,
        "state": state,
        "category": category,
        "risk": risk,
        "categories": ChildRecord.Category.choices,
        "risks": ChildRecord.Risk.choices,
        "can_manage": request.user.can(caps.MANAGE_CHILDREN),
        "query": request.GET.urlencode(),
    }
    return render(request, "children/list.html", context)


@login_required
def child_new(request):
    _require(request.user, caps.MANAGE_CHILDREN)
    form = {
        k: request.POST.get(k, "") for k in ("id_number", "category", "risk", "director", "carer", "school", "note")
    }
    if request.method == "POST":
        try:
            number = normalize(form["id_number"].strip())
        except Exception:
            number = ""
        person = Person.objects.filter(id_number=number).first() if number else None
        try:
            if person is None:
                raise DomainError(ChildCode.OUT_OF_AREA, "居民档案中没有这个身份证号，或不在您的管辖范围")
            director = _directors().filter(pk=form["director"]).first() if form["director"] else None
            if director is None and RoleCode.CHILDREN_DIRECTOR in request.user.role_codes:
                director = request.user
            child = services.record_child(
                person=person,
                category=form["category"],
                risk=form["risk"],
                director=director,
                on_date=timezone.localdate(),
                user=request.user,
                carer=form["carer"],
                school=form["school"],
                note=form["note"],
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "已建档，请登记监护人情况")
            return redirect("children:detail", child.pk)
    context = {
        "form": form,
        "categories": ChildRecord.Category.choices,
        "risks": ChildRecord.Risk.choices,
        "directors": _directors(),
    }
    return render(request, "children/new.html", context, status=400 if request.method == "POST" else 200)


def _allowance(child: ChildRecord):
    policy = Policy.for_area(child.area_code, timezone.localdate())
    rule = rules.difficulty_allowance(policy, child.category)
    enrolment = (
        Enrolment.objects.filter(beneficiary=child.person, programme=Programme.CHILD_IN_DIFFICULTY)
        .exclude(status=Enrolment.Status.STOPPED)
        .first()
    )
    household = Membership.objects.filter(person=child.person, end_date__isnull=True).values_list(
        "household_id", flat=True
    )
    return {"rule": rule, "enrolment": enrolment, "household_id": household.first()}


@login_required
def child_detail(request, pk):
    _require(request.user, caps.VIEW_CHILDREN)
    child = get_object_or_404(ChildRecord.objects.select_related("person", "director"), pk=pk)
    may_reveal = request.user.can(Capability.UNMASK_PERSONAL_DATA) or child.director_id == request.user.pk
    revealed = request.method == "POST" and request.POST.get("reveal") == "1" and may_reveal
    if revealed:
        record_personal_data_view(child.person, ["id_number", "name"], reason="查看儿童档案完整信息")
    if request.method == "POST" and request.POST.get("close") == "1":
        _require(request.user, caps.MANAGE_CHILDREN)
        try:
            services.close_record(
                child, on_date=timezone.localdate(), reason=request.POST.get("reason", ""), user=request.user
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "已销档")
        return redirect("children:detail", child.pk)
    if request.method == "POST" and request.POST.get("guardian") == "1":
        _require(request.user, caps.MANAGE_CHILDREN)
        try:
            services.add_guardian(
                child,
                name=request.POST.get("name", ""),
                relation=request.POST.get("relation", ""),
                situation=request.POST.get("situation", ""),
                phone=request.POST.get("phone", ""),
                since=_date(request.POST.get("since")),
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "已登记监护人")
        return redirect("children:detail", child.pk)
    guardians = list(child.guardians.all())
    person = child.person
    context = {
        "child": child,
        "name": person.name if revealed else mask_name(person.name),
        "id_number": person.id_number if revealed else mask_id_number(person.id_number),
        "age": services.age_on(person, timezone.localdate()),
        "revealed": revealed,
        "may_reveal": may_reveal and not revealed,
        "guardians": [
            {
                "g": g,
                "name": g.name if revealed else mask_name(g.name),
                "phone": g.phone if revealed else mask_phone(g.phone),
            }
            for g in guardians
        ],
        "suggested": rules.RISK_LABELS[rules.suggested_risk(child.category, [g.situation for g in guardians])],
        "visits": child.visits.select_related("visitor")[:20],
        "reports": child.reports.all(),
        "overdue": rules.visit_overdue(child.next_visit_due, timezone.localdate()),
        "relations": Guardian.Relation.choices,
        "situations": Guardian.Situation.choices,
        "can_manage": request.user.can(caps.MANAGE_CHILDREN),
        "can_apply": request.user.can(Capability.ACCEPT_APPLICATIONS),
        "can_report": request.user.can(caps.FILE_CHILD_REPORT),
        **_allowance(child),
    }
    return render(request, "children/detail.html", context)


@login_required
def visit(request, pk):
    _require(request.user, caps.MANAGE_CHILDREN)
    child = get_object_or_404(ChildRecord.objects.select_related("person"), pk=pk)
    today = timezone.localdate()
    status = 200
    if request.method == "POST":
        try:
            services.record_visit(
                child,
                visitor=request.user,
                visited_on=_date(request.POST.get("visited_on"), today),
                risk_after=request.POST.get("risk_after", ""),
                saw_child=request.POST.get("saw_child") == "1",
                carer_present=request.POST.get("carer_present") == "1",
                living=request.POST.get("living", "")[:200],
                schooling=request.POST.get("schooling", "")[:200],
                health=request.POST.get("health", "")[:200],
                needs=request.POST.get("needs", "")[:300],
                safety_concern=request.POST.get("safety_concern") == "1",
            )
        except DomainError as error:
            messages.error(request, error.message)
            status = 400
        else:
            if request.POST.get("safety_concern") == "1":
                messages.warning(request, "走访发现安全隐患或侵害迹象，请立即填报强制报告")
                return redirect(f"{reverse('children:report_new')}?child={child.pk}")
            messages.success(request, "走访已登记")
            return redirect("children:detail", child.pk)
    context = {"child": child, "name": mask_name(child.person.name), "today": today, "risks": ChildRecord.Risk.choices}
    return render(request, "children/visit.html", context, status=status)


@login_required
def reports(request):
    _require(request.user, caps.FILE_CHILD_REPORT, caps.RECEIVE_CHILD_REPORT)
    now = timezone.now()
    services.escalate_overdue(now)
    rows = MandatoryReport.objects.select_related("reporter")
    if not request.user.can(caps.RECEIVE_CHILD_REPORT):
        rows = rows.filter(reporter=request.user)
    state = request.GET.get("state", "")
    if state == "overdue":
        rows = rows.filter(due_at__lt=now).filter(
            Q(police_reported_at__isnull=True) | Q(township_received_at__isnull=True)
        )
    elif state == "open":
        rows = rows.filter(Q(police_reported_at__isnull=True) | Q(township_received_at__isnull=True))
    rows = rows.order_by("-due_at", "-id")
    if request.GET.get("export") == "xlsx":
        record(AuditEntry.Action.EXPORT, object_type="children.mandatoryreport", object_repr="强制报告（脱敏）")
        return xlsx_response(
            "强制报告",
            ["儿童", "区划代码", "报告情形", "发现时间", "报告时限", "报告公安", "乡镇接报", "状态"],
            (
                [
                    mask_name(r.child_name),
                    r.area_code,
                    r.get_kind_display(),
                    timezone.localtime(r.discovered_at).strftime("%Y-%m-%d %H:%M"),
                    timezone.localtime(r.due_at).strftime("%Y-%m-%d %H:%M"),
                    timezone.localtime(r.police_reported_at).strftime("%Y-%m-%d %H:%M") if r.police_reported_at else "",
                    timezone.localtime(r.township_received_at).strftime("%Y-%m-%d %H:%M")
                    if r.township_received_at
                    else "",
                    STATE_LABELS[r.state(now)],
                ]
                for r in rows.iterator()
            ),
        )
    context = {
        "rows": [
            {"r": r, "name": mask_name(r.child_name), "state": r.state(now), "label": STATE_LABELS[r.state(now)]}
            for r in rows[:300]
        ],
        "state": state,
        "can_file": request.user.can(caps.FILE_CHILD_REPORT),
        "query": request.GET.urlencode(),
    }
    return render(request, "children/reports.html", context)


STATE_LABELS = {"open": "限时报告中", "overdue": "已超时（已升级到县）", "done": "已报告", "late": "超时后报告"}


@login_required
def report_new(request):
    _require(request.user, caps.FILE_CHILD_REPORT)
    child = None
    if request.GET.get("child") or request.POST.get("child"):
        child = ChildRecord.objects.filter(pk=str(request.GET.get("child") or request.POST.get("child"))).first()
    status = 200
    if request.method == "POST":
        try:
            police_at = request.POST.get("police_reported_at")
            report = services.file_report(
                reporter=request.user,
                child=child,
                child_name=request.POST.get("child_name", ""),
                kind=request.POST.get("kind", ""),
                discovered_at=_datetime(request.POST.get("discovered_at")),
                place=request.POST.get("place", "")[:200],
                description=request.POST.get("description", ""),
                measures=request.POST.get("measures", "")[:300],
                police_reported_at=_datetime(police_at) if police_at else None,
                police_unit=request.POST.get("police_unit", "")[:100],
                police_receipt=request.POST.get("police_receipt", "")[:60],
            )
        except DomainError as error:
            messages.error(request, error.message)
            status = 400
        else:
            messages.success(
                request,
                f"强制报告已提交乡镇，须在{timezone.localtime(report.due_at):%Y-%m-%d %H:%M}前报告公安机关和乡镇",
            )
            return redirect("children:report_detail", report.pk)
    context = {
        "child": child,
        "child_name": mask_name(child.person.name) if child else "",
        "kinds": MandatoryReport.Kind.choices,
        "now": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "post": request.POST,
    }
    return render(request, "children/report_new.html", context, status=status)


@login_required
def report_detail(request, pk):
    _require(request.user, caps.FILE_CHILD_REPORT, caps.RECEIVE_CHILD_REPORT)
    rows = MandatoryReport.objects.select_related("reporter", "township_received_by", "child")
    if not request.user.can(caps.RECEIVE_CHILD_REPORT):
        rows = rows.filter(reporter=request.user)
    report = get_object_or_404(rows, pk=pk)
    now = timezone.now()
    return render(
        request,
        "children/report_detail.html",
        {
            "report": report,
            "name": mask_name(report.child_name),
            "state": report.state(now),
            "label": STATE_LABELS[report.state(now)],
            "overdue_now": report.due_at < now,
            "can_receive": request.user.can(caps.RECEIVE_CHILD_REPORT),
            "can_police": request.user.can(caps.FILE_CHILD_REPORT) or request.user.can(caps.RECEIVE_CHILD_REPORT),
            "now": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
    )


@login_required
@require_POST
def report_act(request, pk):
    _require(request.user, caps.FILE_CHILD_REPORT, caps.RECEIVE_CHILD_REPORT)
    rows = MandatoryReport.objects.all()
    if not request.user.can(caps.RECEIVE_CHILD_REPORT):
        rows = rows.filter(reporter=request.user)
    report = get_object_or_404(rows, pk=pk)
    try:
        if request.POST.get("act") == "police":
            services.record_police(
                report,
                reported_at=_datetime(request.POST.get("reported_at")),
                unit=request.POST.get("unit", "")[:100],
                receipt=request.POST.get("receipt", "")[:60],
            )
            messages.success(request, "已登记报告公安机关")
        elif request.POST.get("act") == "receive":
            _require(request.user, caps.RECEIVE_CHILD_REPORT)
            services.township_receive(report, user=request.user, action=request.POST.get("action", "")[:300])
            messages.success(request, "已接报")
        else:
            raise DomainError(ChildCode.BAD_INPUT, "未知的操作")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("children:report_detail", report.pk)
