"""Screens of grid work, built for a phone first: the event report and the visit form (both work
offline through static/grid/outbox.js), the event list as cards, an event with its hand-offs,
the 12345 orders, household contacts; and the JSON endpoints the phone and the hotline post to."""

import json
import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.models import Unit, User
from accounts.roles import Capability, roles_with
from core.errors import DomainError
from core.excel import xlsx_response
from core.masking import mask_name
from core.middleware import NUL_MESSAGE, body_has_nul, reads_own_body
from grid import hooks, hotline, services, sync, visits
from grid.models import EventCategory, EventPhoto, GridEvent, HotlineOrder, HouseholdContact, Level, Urgency, Visit
from registry.models import Household, Person

APPLICATION_ITEMS = [
    ("temp_emergency", "临时救助（急难型）"),
    ("temp_expense", "临时救助（支出型）"),
    ("dibao", "最低生活保障申请"),
    ("tekun", "特困人员救助供养申请"),
]
MAX_SYNC_BYTES = 12 * 1024 * 1024


def _require(request, allowed: bool):
    if not allowed:
        raise PermissionDenied("您没有使用该功能的权限")


def _household(value):
    if not value:
        return None
    try:
        return Household.objects.get(pk=int(value))
    except (ValueError, Household.DoesNotExist):
        raise DomainError(services.GridCode.OUT_OF_AREA, "找不到该家庭，或不在您的管辖范围") from None


def _persons(values):
    ids = [int(v) for v in values if str(v).isdigit()]
    return list(Person.objects.filter(pk__in=ids)) if ids else []


# ------------------------------------------------------------------ pages


@login_required
def report(request):
    """上报事件: the form (saved on the phone first by outbox.js; without script, posted here)."""
    _require(request, services.may_report(request.user))
    if request.method == "POST":
        try:
            stored = services.report_event(
                user=request.user,
                client_id=request.POST.get("client_id"),
                category_code=request.POST.get("category", ""),
                description=request.POST.get("description", ""),
                urgency=request.POST.get("urgency", Urgency.NORMAL),
                place=request.POST.get("place", ""),
                latitude=request.POST.get("latitude"),
                longitude=request.POST.get("longitude"),
                household=_household(request.POST.get("household")),
                persons=_persons(request.POST.getlist("persons")),
                photos=[f.read() for f in request.FILES.getlist("photos")],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已上报" if stored.created else "该事件已上报过，未重复保存")
            return redirect("grid:report")
    mine = GridEvent.objects.filter(reporter=request.user).select_related("category", "handler_unit")[:20]
    return render(
        request,
        "grid/report.html",
        {
            "categories": EventCategory.objects.filter(is_active=True),
            "urgencies": Urgency.choices,
            "client_id": uuid.uuid4(),
            "mine": mine,
            "now": timezone.now(),
        },
    )


class EventFilter(forms.Form):
    state = forms.ChoiceField(
        label="范围",
        required=False,
        choices=[
            ("open", "处置中"),
            ("overdue", "已超期"),
            ("supervised", "已督办"),
            ("done", "已办结"),
            ("all", "全部"),
        ],
    )
    q = forms.CharField(label="关键词", required=False, max_length=40)


@login_required
def events(request):
    _require(request, request.user.can(Capability.HANDLE_GRID_EVENTS))
    form = EventFilter(request.GET or None)
    rows = GridEvent.objects.select_related("category", "handler_unit", "reporter")
    state = "open"
    now = timezone.now()
    if form.is_valid():
        state = form.cleaned_data["state"] or "open"
        if form.cleaned_data["q"]:
            rows = rows.filter(description__contains=form.cleaned_data["q"])
    if state == "open":
        rows = rows.filter(status=GridEvent.Status.OPEN).order_by("due_at", "id")
    elif state == "overdue":
        rows = rows.filter(status=GridEvent.Status.OPEN, due_at__lt=now).order_by("due_at", "id")
    elif state == "supervised":
        rows = rows.filter(status=GridEvent.Status.OPEN, supervised_level__gt=0).order_by("due_at", "id")
    elif state == "done":
        rows = rows.exclude(status=GridEvent.Status.OPEN)
    if request.GET.get("export") == "xlsx":
        headers = [
            "类别",
            "来源",
            "紧急程度",
            "上报时间",
            "当前层级",
            "承办单位",
            "办理期限",
            "督办级别",
            "状态",
            "处置结果",
            "情况描述",
        ]
        data = (
            [
                e.category.name,
                e.get_source_display(),
                e.get_urgency_display(),
                timezone.localtime(e.reported_at).strftime("%Y-%m-%d %H:%M"),
                e.get_level_display(),
                e.handler_unit.name if e.handler_unit_id else "",
                timezone.localtime(e.due_at).strftime("%Y-%m-%d %H:%M") if e.due_at else "",
                e.supervised_level or "",
                e.get_status_display(),
                f"{e.get_outcome_display()} {e.outcome_ref}".strip() if e.outcome else "",
                e.description,
            ]
            for e in rows.iterator(chunk_size=2000)
        )
        return xlsx_response("网格事件", headers, data, "网格事件")
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(request, "grid/events.html", {"form": form, "page": page, "now": now, "state": state})


@login_required
def event_detail(request, pk: int):
    event = get_object_or_404(
        GridEvent.objects.select_related("category", "handler_unit", "reporter", "household"), pk=pk
    )
    user = request.user
    may_handle = services.may_handle(user, event)
    _require(request, may_handle or event.reporter_id == user.pk)
    higher = [
        (code, label) for code, label in Level.choices if services.LEVEL_RANK[code] > services.LEVEL_RANK[event.level]
    ]
    departments = county_departments(event)[:50]
    order = HotlineOrder.objects.filter(event=event).first()
    return render(
        request,
        "grid/event_detail.html",
        {
            "event": event,
            "steps": event.steps.select_related("to_unit"),
            "photos": event.photos.all(),
            "persons": [(mask_name(p.name), p) for p in event.persons.all()],
            "may_handle": may_handle,
            "higher": higher,
            "departments": departments,
            "items": APPLICATION_ITEMS,
            "order": order,
            "satisfaction": services.SATISFACTION,
            "overdue": event.is_open and event.due_at and event.due_at < timezone.now(),
            "can_warn": hooks.can_make_warnings(),
        },
    )


def county_departments(event):
    """The county's departments and bureau an event may be handed to (units above the user's own
    area, so read past the jurisdiction scope deliberately, and only within the event's county)."""
    return Unit.unscoped.filter(
        kind__in=[Unit.Kind.DEPARTMENT, Unit.Kind.BUREAU], is_active=True, area_code__startswith=event.area_code[:6]
    ).order_by("kind", "name")


def _act(request, pk: int, action):
    event = get_object_or_404(GridEvent, pk=pk)
    try:
        message = action(event)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, message)
    return redirect("grid:event_detail", pk)


@login_required
@require_POST
def event_handoff(request, pk: int):
    def act(event):
        unit = None
        if request.POST.get("unit"):
            unit = county_departments(event).filter(pk=request.POST["unit"]).first()
            if unit is None:
                raise DomainError(services.GridCode.NO_UNIT, "请选择本县的部门")
        services.hand_off(
            event, user=request.user, level=request.POST.get("level", ""), unit=unit, note=request.POST.get("note", "")
        )
        return "已流转，期限已开始计算"

    return _act(request, pk, act)


@login_required
@require_POST
def event_resolve(request, pk: int):
    def act(event):
        services.resolve(event, user=request.user, result=request.POST.get("result", ""))
        return "已办结" + ("，答复将发送至12345平台" if HotlineOrder.objects.filter(event=event).exists() else "")

    return _act(request, pk, act)


@login_required
@require_POST
def event_close(request, pk: int):
    def act(event):
        services.close(event, user=request.user, satisfaction=request.POST.get("satisfaction", ""))
        return "已结案"

    return _act(request, pk, act)


@login_required
@require_POST
def event_apply(request, pk: int):
    def act(event):
        case = services.open_application(event, user=request.user, item_code=request.POST.get("item", ""))
        return f"已受理申请，受理编号{case.receipt_no}"

    return _act(request, pk, act)


@login_required
@require_POST
def event_warn(request, pk: int):
    def act(event):
        return f"已纳入监测预警（{services.raise_warning(event, user=request.user)}）"

    return _act(request, pk, act)


@login_required
def photo(request, pk: int):
    """A photo of an event or a visit, for whoever may see that event or visit (scoped: a 404 outside
    the user's area)."""
    item = get_object_or_404(EventPhoto.objects.select_related("event", "visit"), pk=pk)
    user = request.user
    if item.event_id:
        allowed = services.may_handle(user, item.event) or item.event.reporter_id == user.pk
    else:
        allowed = item.visit.worker_id == user.pk or user.can(Capability.ASSIGN_WARNINGS)
    _require(request, allowed)
    return FileResponse(item.image.open("rb"), content_type="image/jpeg")


# ------------------------------------------------------------------ visits


@login_required
def visit_list(request):
    _require(request, services.may_visit(request.user))
    today = timezone.localdate()
    due = visits.due_visits(request.user, today)
    recent = Visit.objects.filter(worker=request.user).select_related("household")[:20]
    return render(
        request,
        "grid/visits.html",
        {"due": due[:100], "overdue": sum(r["overdue"] for r in due), "recent": recent, "today": today},
    )


@login_required
def visit_new(request):
    """The structured visit form (opened from a household, a warning, or empty and picked by search)."""
    _require(request, services.may_visit(request.user))
    household = None
    try:
        household = _household(request.GET.get("household"))
    except DomainError as exc:
        messages.error(request, exc.message)
    if request.method == "POST":
        try:
            household = _household(request.POST.get("household"))
            if household is None:
                raise DomainError(services.GridCode.BAD_INPUT, "请选择走访的家庭")
            stored = visits.record_visit(
                user=request.user,
                client_id=request.POST.get("client_id"),
                household=household,
                data=request.POST.dict(),
                photos=[f.read() for f in request.FILES.getlist("photos")],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            visit = stored.visit
            messages.success(request, "走访已登记" + (f"：{visit.started}" if visit.started else ""))
            if visit.conflict:
                messages.warning(request, visit.conflict)
            return redirect("grid:visits")
    mine = [
        {
            "id": c.household_id,
            "label": f"{c.household.number} {mask_name(c.household.head.name) if c.household.head_id else ''}",
        }
        for c in HouseholdContact.objects.filter(worker=request.user).select_related("household", "household__head")[
            :500
        ]
    ]
    return render(
        request,
        "grid/visit_form.html",
        {
            "household": household,
            "stamp": visits.household_stamp(household) if household else "",
            "warning_id": request.GET.get("warning", "") if str(request.GET.get("warning", "")).isdigit() else "",
            "client_id": uuid.uuid4(),
            "mine_json": json.dumps(mine, ensure_ascii=False),
            "today": timezone.localdate(),
        },
    )


@login_required
def household_search(request):
    """Search-as-you-type for a household (name, ID number or household number): at most 10 rows,
    names masked, so the page never carries a 3,000-option list."""
    from registry.search import search_persons

    q = (request.GET.get("q") or "").strip()
    results = []
    if len(q) >= 2:
        for person in search_persons(q, limit=10):
            data = person.current_household_data or {}
            if data.get("household_id"):
                results.append(
                    {
                        "household": data["household_id"],
                        "person": person.pk,
                        "label": f"{mask_name(person.name)} · 户{data.get('number', '')}",
                    }
                )
    return JsonResponse({"results": results})


# ------------------------------------------------------------------ offline sync


class _TooLarge(Exception):
    pass


class _HoldsNul(Exception):
    pass


def _json_body(request, limit: int):
    """The request's JSON, read from the stream up to `limit` bytes (the endpoint's own limit: the
    site-wide in-memory limit is for forms, and a phone's outbox with photos is larger)."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        raise _TooLarge
    data = request.read(limit + 1)
    if len(data) > limit:
        raise _TooLarge
    if body_has_nul("application/json", data):
        raise _HoldsNul
    return json.loads(data)


SYNC_STATUS = {sync.STORED: 201, sync.DUPLICATE: 200, sync.CONFLICT: 409, sync.REFUSED: 400}


@reads_own_body
@login_required
@require_POST
def sync_one(request):
    """The outbox posts one saved item here: {"kind": "event"|"visit", "client_id": ..., "fields":
    {...}, "photos": [data URLs]}. 201 stored, 200 already stored, 409 stored with a conflict to
    show, 4xx with the reason otherwise (the phone keeps the item and shows it). The phone sends
    its whole outbox to `sync_batch`; this answers phones whose page predates it."""
    try:
        item = _json_body(request, MAX_SYNC_BYTES)
    except _TooLarge:
        return JsonResponse({"ok": False, "message": "记录太大（照片过多），请减少照片后再发送"}, status=413)
    except _HoldsNul:
        return JsonResponse({"ok": False, "message": NUL_MESSAGE}, status=400)
    except ValueError:
        return JsonResponse({"ok": False, "message": "记录格式不正确"}, status=400)
    (answer,) = sync.store_batch(request.user, [item])
    status = SYNC_STATUS[answer["status"]]
    body = {
        "ok": status < 400 or status == 409,
        "created": answer["status"] in (sync.STORED, sync.CONFLICT),
        "message": answer["message"],
        "conflict": answer.get("conflict", ""),
    }
    return JsonResponse(body, status=status)


@reads_own_body
@login_required
@require_POST
def sync_batch(request):
    """The outbox posts everything waiting on the phone here at once: {"items": [item, ...]} (at
    most `grid.sync.MAX_BATCH_ITEMS`, `MAX_BATCH_BYTES` in all). 200 with one answer per item, in
    the order sent — stored / duplicate / conflict / refused with the reason; 413 or 400 with the
    reason when the request as a whole cannot be read (nothing stored)."""
    too_large = f"一次发送的记录太多或照片太大（每次最多{sync.MAX_BATCH_ITEMS}条），请分批发送"
    try:
        data = _json_body(request, sync.MAX_BATCH_BYTES)
    except _TooLarge:
        return JsonResponse({"ok": False, "message": too_large}, status=413)
    except _HoldsNul:
        return JsonResponse({"ok": False, "message": NUL_MESSAGE}, status=400)
    except ValueError:
        return JsonResponse({"ok": False, "message": "记录格式不正确"}, status=400)
    items = data.get("items") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return JsonResponse({"ok": False, "message": "记录格式不正确"}, status=400)
    if len(items) > sync.MAX_BATCH_ITEMS:
        return JsonResponse({"ok": False, "message": too_large}, status=413)
    answers = sync.store_batch(request.user, items)
    counts = {status: sum(a["status"] == status for a in answers) for status in SYNC_STATUS}
    return JsonResponse({"ok": True, "results": answers, "counts": counts}, json_dumps_params={"ensure_ascii": False})


@login_required
def outbox(request):
    """The items waiting on this phone (read from the phone's own storage by outbox.js)."""
    return render(request, "grid/outbox.html")


@never_cache
def service_worker(request):
    """The service worker, served from /grid/ so it controls the grid pages (report, visits)."""
    assets = [
        static("vendor/bootstrap/css/bootstrap.min.css"),
        static("css/minzheng.css"),
        static("vendor/bootstrap/js/bootstrap.bundle.min.js"),
        static("grid/outbox.js"),
        static("grid/forms.js"),
        static("grid/icon.svg"),
    ]
    pages = [reverse("grid:report"), reverse("grid:visit_new"), reverse("grid:visits"), reverse("grid:outbox")]
    with open(__file__.replace("views.py", "static/grid/sw.js"), encoding="utf-8") as handle:
        code = handle.read()
    code = code.replace("__ASSETS__", json.dumps(assets)).replace("__PAGES__", json.dumps(pages))
    response = HttpResponse(code, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/grid/"
    return response


def manifest(request):
    data = {
        "name": "民政一体化服务平台",
        "short_name": "民政网格",
        "start_url": reverse("home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#b3261e",
        "lang": "zh-CN",
        "icons": [{"src": static("grid/icon.svg"), "sizes": "any", "type": "image/svg+xml"}],
    }
    return JsonResponse(data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})


# ------------------------------------------------------------------ 12345


@csrf_exempt
@require_POST
def hotline_inbound(request):
    """The hotline platform posts work orders here (no session: the signature is the credential)."""
    try:
        hotline.check_signature(request.body, request.headers.get("X-Hotline-Signature", ""))
    except DomainError as exc:
        return JsonResponse({"ok": False, "code": exc.code, "message": exc.message}, status=401)
    try:
        data = json.loads(request.body)
    except ValueError:
        return JsonResponse({"ok": False, "code": "bad_input", "message": "工单不是合法的JSON"}, status=400)
    from areas.jurisdiction import scope_for_area, within

    try:
        area_code = hotline.validate_order(data)["area_code"]
        with within(scope_for_area(area_code)):  # the order is stored in its own area, nowhere else
            received = hotline.receive_order(data)
    except DomainError as exc:
        status = 422 if exc.code == services.GridCode.UNKNOWN_AREA else 400
        return JsonResponse({"ok": False, "code": exc.code, "message": exc.message}, status=status)
    body = {"ok": True, "order_no": received.order.order_no, "duplicate": not received.created}
    return JsonResponse(body, status=201 if received.created else 200)


@login_required
def hotline_list(request):
    _require(request, request.user.can(Capability.HANDLE_GRID_EVENTS))
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise DomainError(services.GridCode.BAD_INPUT, "请选择Excel文件")
            result = hotline.import_orders(read_order_sheet(upload.read()))
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"导入工单{result['created']}件，重复{result['duplicates']}件未再保存")
        return redirect("grid:hotline")
    orders = HotlineOrder.objects.select_related("event", "event__handler_unit")
    page = Paginator(orders, 30).get_page(request.GET.get("page"))
    return render(request, "grid/hotline.html", {"page": page, "now": timezone.now()})


@login_required
@require_POST
def hotline_resend(request, pk: int):
    _require(request, request.user.can(Capability.HANDLE_GRID_EVENTS))
    order = get_object_or_404(HotlineOrder, pk=pk)
    if hotline.deliver(order.pk):
        sent = "已推送至12345平台" if order.direction == HotlineOrder.Direction.OUTBOUND else "答复已送达12345平台"
        messages.success(request, sent)
    else:
        order.refresh_from_db()
        messages.error(request, f"发送失败：{order.last_error}，稍后将自动重试")
    return redirect("grid:hotline")


ORDER_COLUMNS = {
    "工单编号": "order_no",
    "标题": "title",
    "诉求内容": "content",
    "区划代码": "area_code",
    "办理时限": "limit_at",
    "来电人": "caller_name",
    "来电号码": "caller_phone",
    "地址": "address",
}


def read_order_sheet(data: bytes) -> list[dict]:
    from io import BytesIO

    from openpyxl import load_workbook

    try:
        sheet = load_workbook(BytesIO(data), read_only=True, data_only=True).active
        rows = list(sheet.iter_rows(values_only=True))
    except Exception:
        raise DomainError(services.GridCode.BAD_INPUT, "无法读取该文件，请上传 .xlsx 格式的工单表") from None
    if not rows:
        raise DomainError(services.GridCode.BAD_INPUT, "表格是空的")
    header = [str(c or "").strip() for c in rows[0]]
    missing = [name for name in list(ORDER_COLUMNS)[:5] if name not in header]
    if missing:
        raise DomainError(services.GridCode.BAD_INPUT, "表头缺少：" + "、".join(missing))
    out = []
    for row in rows[1:]:
        if not any(row):
            continue
        record = {}
        for index, name in enumerate(header):
            if name in ORDER_COLUMNS and index < len(row):
                value = row[index]
                record[ORDER_COLUMNS[name]] = value.isoformat() if hasattr(value, "isoformat") else str(value or "")
        out.append(record)
    return out


# ------------------------------------------------------------------ contacts


@login_required
def contacts(request):
    """分片包村: households without a contact, and bulk assignment by village to a worker."""
    _require(request, request.user.can(Capability.ASSIGN_WARNINGS))
    workers = (
        User.objects.filter(
            is_active=True,
            roles__code__in=roles_with(Capability.VISIT_HOUSEHOLDS) + roles_with(Capability.REPORT_GRID_EVENTS),
            unit__kind=Unit.Kind.VILLAGE_COMMITTEE,
        )
        .distinct()
        .select_related("unit")[:200]
    )
    if request.method == "POST":
        worker = next((w for w in workers if str(w.pk) == request.POST.get("worker")), None)
        area = (request.POST.get("area") or "").strip()
        if worker is None or not area.isdigit():
            messages.error(request, "请选择联系人和村（社区）")
        else:
            households = list(Household.objects.filter(area_code__startswith=area))
            result = visits.assign_contacts(households, worker, on_date=timezone.localdate())
            name = worker.full_name or worker.username
            messages.success(request, f"新分配{result['added']}户，移交{result['moved']}户给{name}")
            if result["handover"]:
                listed = "；".join(f"户{number}（原联系人{previous}）" for number, previous in result["handover"][:50])
                more = f"等{len(result['handover'])}户" if len(result["handover"]) > 50 else ""
                messages.info(request, f"交接清单：{listed}{more}")
        return redirect("grid:contacts")
    without = Household.objects.exclude(pk__in=HouseholdContact.objects.values("household_id")).select_related("head")
    page = Paginator(without.order_by("area_code", "id"), 30).get_page(request.GET.get("page"))
    overdue = visits.overdue_by_worker(workers, timezone.localdate())
    return render(request, "grid/contacts.html", {"page": page, "workers": workers, "overdue": overdue})
