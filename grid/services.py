"""Grid actions, named as the work is named: report an event, hand it up a level with a deadline,
supervise what is overdue (督办), resolve it, close it with the resident's satisfaction, and turn it
into an application or a monitoring warning.

Moves are conditional updates on (status, row_version), each written as an EventStep, so a
phone's retried send or two clerks at once never double a hand-off.
"""

import base64
import binascii
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from accounts.models import Unit
from accounts.roles import Capability
from areas.codes import township_of
from areas.jurisdiction import current_scope
from cases.models import SupervisionPolicy
from cases.workdays import WorkCalendar
from core.errors import DomainError
from grid import hotline
from grid.errors import GridCode
from grid.models import (
    LEVEL_RANK,
    EventCategory,
    EventPhoto,
    EventStep,
    GridEvent,
    Level,
    TriageLimit,
    Urgency,
)

Status = GridEvent.Status
MAX_PHOTO_BYTES = 2 * 1024 * 1024
MAX_PHOTOS = 6
# Clock hours stand in for an urgent hand-off when no limit row is in force (an administrator's
# table normally answers; see `handoff_deadline`).
WORKDAY_ENDS = time(17, 30)


def _name(user) -> str:
    return (user.full_name or user.username) if getattr(user, "pk", None) else "系统"


def _step(event, kind, user=None, *, text="", level="", to_unit=None, due_at=None) -> EventStep:
    return EventStep.objects.create(
        event=event,
        kind=kind,
        level=level,
        to_unit=to_unit,
        due_at=due_at,
        actor=user if getattr(user, "pk", None) else None,
        actor_name=_name(user),
        text=text[:300],
    )


# ------------------------------------------------------------------ deadlines


def limit_in_force(level: str, urgency: str, on_date: date) -> TriageLimit | None:
    return (
        TriageLimit.objects.filter(level=level, urgency=urgency, effective_from__lte=on_date)
        .order_by("-effective_from")
        .first()
    )


def handoff_deadline(
    level: str, urgency: str, start: datetime, calendar: WorkCalendar | None = None
) -> datetime | None:
    """分级处置时限: an urgent hand-off has clock hours from now; an ordinary one working days, ending
    at the close of the last working day (the table `TriageLimit`, local rules). No limit in force:
    no deadline (the hand-off is shown as “未设期限” and never supervised)."""
    limit = limit_in_force(level, urgency, timezone.localdate(start))
    if limit is None:
        return None
    if limit.hours:
        return start + timedelta(hours=limit.hours)
    calendar = calendar or WorkCalendar()
    day = calendar.add_working_days(timezone.localdate(start), limit.working_days or 0)
    return timezone.make_aware(datetime.combine(day, WORKDAY_ENDS))


# ------------------------------------------------------------------ who


def may_report(user) -> bool:
    return bool(user.is_authenticated and user.unit_id and user.can(Capability.REPORT_GRID_EVENTS))


def may_visit(user) -> bool:
    return bool(
        user.is_authenticated
        and user.unit_id
        and (user.can(Capability.VISIT_HOUSEHOLDS) or user.can(Capability.REPORT_GRID_EVENTS))
    )


def may_handle(user, event: GridEvent) -> bool:
    """The township or county staff who dispatch events, or the unit now holding it."""
    if not user.is_authenticated or not user.unit_id or not current_scope().allows(event.area_code):
        return False
    if user.can(Capability.HANDLE_GRID_EVENTS):
        return True
    return bool(event.handler_unit_id and event.handler_unit_id == user.unit_id and may_report(user))


def unit_for_level(level: str, area_code: str) -> Unit | None:
    """The unit that answers at a level for an area: the village committee, the township office,
    the county bureau."""
    if level in (Level.GRID, Level.VILLAGE):
        kind, code = Unit.Kind.VILLAGE_COMMITTEE, area_code[:12]
    elif level == Level.TOWNSHIP:
        kind, code = Unit.Kind.TOWNSHIP_OFFICE, township_of(area_code)
    elif level == Level.COUNTY:
        kind, code = Unit.Kind.BUREAU, area_code[:6] + "000000"
    else:
        return None
    return Unit.unscoped.filter(kind=kind, area_code=code, is_active=True).order_by("pk").first()


# ------------------------------------------------------------------ reporting


@dataclass(frozen=True)
class Stored:
    event: GridEvent
    created: bool


def _decode_photo(data) -> bytes:
    """A photo as the phone sends it: a data URL (data:image/jpeg;base64,...); or the bytes of a
    file posted with the form (no script). Stored as sent: the phone has shrunk it already, so the
    server does not re-encode it."""
    if isinstance(data, bytes):
        raw = data
    else:
        if not isinstance(data, str) or not data.startswith("data:image/") or ";base64," not in data:
            raise DomainError(GridCode.BAD_INPUT, "照片格式不正确，请重新拍摄")
        if len(data) > MAX_PHOTO_BYTES * 4 // 3 + 100:  # refused before decoding
            raise DomainError(GridCode.BAD_INPUT, "照片太大（每张不超过2MB）")
        try:
            raw = base64.b64decode(data.split(";base64,", 1)[1], validate=True)
        except (binascii.Error, ValueError):
            raise DomainError(GridCode.BAD_INPUT, "照片格式不正确，请重新拍摄") from None
    if len(raw) > MAX_PHOTO_BYTES:
        raise DomainError(GridCode.BAD_INPUT, "照片太大（每张不超过2MB）")
    if not raw:
        raise DomainError(GridCode.BAD_INPUT, "照片是空的，请重新拍摄")
    return raw


def decode_photos(photos) -> list[bytes]:
    """The photos of one report or visit, checked (at most MAX_PHOTOS, each at most 2 MB)."""
    if not isinstance(photos, list | tuple):
        raise DomainError(GridCode.BAD_INPUT, "照片格式不正确")
    if len(photos) > MAX_PHOTOS:
        raise DomainError(GridCode.BAD_INPUT, f"照片最多{MAX_PHOTOS}张")
    return [_decode_photo(item) for item in photos]


def photo_rows(photos: list[bytes], *, area_code: str, event=None, visit=None) -> list[EventPhoto]:
    """The photos' files written to storage, and their rows (not yet saved: the caller saves them,
    one by one or in bulk)."""
    rows = []
    for raw in photos:
        photo = EventPhoto(event=event, visit=visit, area_code=area_code)
        photo.image.save("photo.jpg", ContentFile(raw), save=False)
        rows.append(photo)
    return rows


def save_photos(photos, *, area_code: str, event=None, visit=None) -> int:
    rows = photo_rows(decode_photos(list(photos)), area_code=area_code, event=event, visit=visit)
    EventPhoto.objects.bulk_create(rows)
    return len(rows)


def parse_client_id(value) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        raise DomainError(GridCode.BAD_INPUT, "记录编号不正确，请重新填写") from None


def parse_coordinate(value, low: int, high: int) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except InvalidOperation:
        raise DomainError(GridCode.BAD_INPUT, "定位数据不正确") from None
    if not low <= number <= high:
        raise DomainError(GridCode.BAD_INPUT, "定位数据不正确")
    return number


def event_from_report(
    *,
    user,
    client_id: uuid.UUID,
    category: EventCategory | None,
    description: str,
    urgency: str = Urgency.NORMAL,
    place: str = "",
    latitude=None,
    longitude=None,
    household=None,
    reported_at: datetime | None = None,
    now: datetime,
    deadline=None,
) -> GridEvent:
    """The event a report makes, every field checked, not yet saved (shared by `report_event` and
    the outbox's batch, `grid.sync.store_batch`). `deadline(level, urgency)` is `handoff_deadline`
    from now, or a memo of it for a batch."""
    if category is None:
        raise DomainError(GridCode.BAD_INPUT, "请选择事件类别")
    description = (description or "").strip()
    if not description:
        raise DomainError(GridCode.BAD_INPUT, "请填写情况描述")
    if urgency not in Urgency.values:
        raise DomainError(GridCode.BAD_INPUT, "紧急程度不正确")
    area_code = household.area_code if household is not None else user.area_code
    if not current_scope().allows(area_code):
        raise DomainError(GridCode.OUT_OF_AREA, "该家庭不在您的管辖范围")
    reported_at = min(reported_at or now, now)
    level = Level.POLICE if urgency == Urgency.EMERGENCY else Level.GRID
    due_at = deadline(level, urgency) if deadline else handoff_deadline(level, urgency, now)
    return GridEvent(
        client_id=client_id,
        category=category,
        description=description[:4000],
        urgency=urgency,
        place=(place or "")[:200],
        latitude=parse_coordinate(latitude, -90, 90),
        longitude=parse_coordinate(longitude, -180, 180),
        household=household,
        reporter=user,
        reported_at=reported_at,
        level=level,
        handler_unit_id=user.unit_id if level == Level.GRID else None,  # the reporter's village committee
        due_at=due_at,
        area_code=area_code,
    )


def reported_step(event: GridEvent, user) -> EventStep:
    """The first step of a reported event (not yet saved)."""
    return EventStep(
        event=event,
        kind=EventStep.Kind.REPORTED,
        level=event.level,
        to_unit_id=event.handler_unit_id,
        due_at=event.due_at,
        actor=user,
        actor_name=_name(user),
        text="危急情况，已即时转110" if event.level == Level.POLICE else "网格员上报",
    )


def report_event(
    *,
    user,
    client_id,
    category_code: str,
    description: str,
    urgency: str = Urgency.NORMAL,
    place: str = "",
    latitude=None,
    longitude=None,
    household=None,
    persons=(),
    photos=(),
    reported_at: datetime | None = None,
) -> Stored:
    """上报网格事件. Idempotent on the phone's `client_id`: the same report sent again is the event
    already stored. An emergency goes to 110 at once; anything else starts in the grid, held by
    the reporter's village committee with the grid's time limit."""
    if not may_report(user):
        raise DomainError(GridCode.NO_PERMISSION, "您没有上报网格事件的权限")
    client_id = parse_client_id(client_id)
    existing = GridEvent.unscoped.filter(client_id=client_id).first()
    if existing is not None:
        return Stored(existing, created=False)
    event = event_from_report(
        user=user,
        client_id=client_id,
        category=EventCategory.objects.filter(code=category_code, is_active=True).first(),
        description=description,
        urgency=urgency,
        place=place,
        latitude=latitude,
        longitude=longitude,
        household=household,
        reported_at=reported_at,
        now=timezone.now(),
    )
    raw_photos = decode_photos(list(photos))
    try:
        with transaction.atomic():
            event.save(force_insert=True)
            if persons:
                event.persons.set(persons)
            EventPhoto.objects.bulk_create(photo_rows(raw_photos, area_code=event.area_code, event=event))
            reported_step(event, user).save(force_insert=True)
    except IntegrityError:  # the same report, sent twice at once
        existing = GridEvent.unscoped.filter(client_id=client_id).first()
        if existing is None:
            raise
        return Stored(existing, created=False)
    return Stored(event, created=True)


# ------------------------------------------------------------------ triage


def _move(event: GridEvent, user, **updates) -> None:
    changed = GridEvent.objects.filter(pk=event.pk, status=Status.OPEN, row_version=event.row_version).update(
        row_version=F("row_version") + 1, **updates
    )
    if not changed:
        raise DomainError(GridCode.STATE_CONFLICT, "该事件刚被他人处理，请刷新页面")
    for field, value in updates.items():
        setattr(event, field, value)
    event.row_version += 1


@transaction.atomic
def hand_off(event: GridEvent, *, user, level: str, unit: Unit | None = None, note: str = "") -> GridEvent:
    """流转: hand the event up to a level (never down), to that level's unit or a named department,
    with the level's deadline. 12345 and 110 leave the grid system; the deadline still runs for
    the answer."""
    if not may_handle(user, event):
        raise DomainError(GridCode.NO_PERMISSION, "您不能流转该事件")
    if not event.is_open:
        raise DomainError(GridCode.NOT_OPEN, "事件已办结，不能再流转")
    if level not in Level.values or LEVEL_RANK[level] <= LEVEL_RANK[event.level]:
        raise DomainError(GridCode.NOT_UPWARDS, "只能向更高一级流转")
    if unit is None:
        unit = unit_for_level(level, event.area_code)
    if unit is None and level not in (Level.HOTLINE, Level.POLICE):
        raise DomainError(GridCode.NO_UNIT, "该层级没有承办单位，请选择部门")
    now = timezone.now()
    due_at = handoff_deadline(level, event.urgency, now)
    _move(event, user, level=level, handler_unit=unit, due_at=due_at, supervised_level=0)
    label = Level(level).label
    _step(
        event,
        EventStep.Kind.HANDOFF,
        user,
        level=level,
        to_unit=unit,
        due_at=due_at,
        text=f"转{unit.name if unit else label}办理" + (f"：{note}" if note else ""),
    )
    if level == Level.HOTLINE:
        hotline.refer_to_hotline(event, due_at=due_at)
    return event


@transaction.atomic
def resolve(event: GridEvent, *, user, result: str, outcome: str = GridEvent.Outcome.SOLVED) -> GridEvent:
    """办结: what was done. A hotline order's answer is queued for the platform at once."""
    if not may_handle(user, event):
        raise DomainError(GridCode.NO_PERMISSION, "您不能办结该事件")
    result = (result or "").strip()
    if not result:
        raise DomainError(GridCode.BAD_INPUT, "请填写办理结果")
    _move(event, user, status=Status.RESOLVED, result=result[:4000], outcome=event.outcome or outcome)
    _step(event, EventStep.Kind.RESOLVED, user, text=result)
    from grid import hotline

    hotline.queue_answer(event)
    return event


@transaction.atomic
def close(event: GridEvent, *, user, satisfaction: str) -> GridEvent:
    """结案 with the resident's satisfaction (满意/基本满意/不满意/无法联系)."""
    if not may_handle(user, event) and event.reporter_id != user.pk:
        raise DomainError(GridCode.NO_PERMISSION, "您不能结案该事件")
    if satisfaction not in SATISFACTION:
        raise DomainError(GridCode.BAD_INPUT, "请选择群众满意度")
    changed = GridEvent.objects.filter(pk=event.pk, status=Status.RESOLVED).update(
        status=Status.CLOSED, satisfaction=satisfaction, closed_at=timezone.now(), row_version=F("row_version") + 1
    )
    if not changed:
        raise DomainError(GridCode.STATE_CONFLICT, "只有已办结的事件才能结案")
    event.refresh_from_db()
    _step(event, EventStep.Kind.CLOSED, user, text=f"群众满意度：{satisfaction}")
    return event


SATISFACTION = ["满意", "基本满意", "不满意", "无法联系"]


def supervise_overdue(now: datetime | None = None) -> dict[str, int]:
    """超期督办: an open event past its deadline is supervised; each further deadline-length it stays
    overdue raises the supervision one level, up to the highest level of the cases' 督办 policy in
    force (最高督办级别, dated catalogue data: 3 by default). Idempotent: one supervision per event and
    level."""
    now = now or timezone.now()
    max_level = SupervisionPolicy.on(timezone.localdate(now)).max_level
    raised = 0
    # the time of each event's last step other than a 督办 (its deadline's start), read with the events:
    # one query for all, whatever their number, not one per overdue event
    last_step = (
        EventStep.objects.filter(event=OuterRef("pk"))
        .exclude(kind=EventStep.Kind.SUPERVISED)
        .order_by("-id")
        .values("at")[:1]
    )
    overdue = (
        GridEvent.objects.filter(status=Status.OPEN, due_at__lt=now, supervised_level__lt=max_level)
        .annotate(last_step_at=Subquery(last_step))
        .select_related("handler_unit", "handler_unit__parent", "category")
    )
    for event in overdue.iterator(chunk_size=500):
        last = event.last_step_at
        period = max((event.due_at - last) if last else timedelta(days=1), timedelta(hours=1))
        level = min(max_level, 1 + int((now - event.due_at) / period))
        if level <= event.supervised_level:
            continue
        for n in range(event.supervised_level + 1, level + 1):
            try:
                with transaction.atomic():
                    _notify_supervision(event, n)
                    _step(
                        event,
                        EventStep.Kind.SUPERVISED,
                        None,
                        level=event.level,
                        to_unit=event.handler_unit,
                        text=f"{n}级督办：已超过办理期限",
                    )
                    raised += 1
            except IntegrityError:
                pass
        GridEvent.objects.filter(pk=event.pk).update(supervised_level=level)
    return {"超期督办": raised}


def _notify_supervision(event: GridEvent, level: int) -> None:
    """The unit holding the event and the unit `level` steps above it read the 督办 on their queue
    page (cases.models.Notification, as the cases' own 督办 do)."""
    from cases.models import Notification

    units, unit = [], event.handler_unit
    if unit is not None:
        units.append(unit)
        superior = unit
        for _ in range(level):
            if superior.parent_id is None:
                break
            superior = superior.parent
        if superior.pk != unit.pk:
            units.append(superior)
    due = timezone.localtime(event.due_at).strftime("%Y-%m-%d %H:%M")
    text = f"督办（{level}级）：网格事件“{event.category.name}”已超过办理期限（{due}），请尽快办理"
    Notification.objects.bulk_create(Notification(unit=u, text=text[:300]) for u in units)


def supervise_today(on_date: date) -> dict:
    return supervise_overdue()


# ------------------------------------------------------------------ outcomes


@transaction.atomic
def open_application(event: GridEvent, *, user, item_code: str):
    """转化为申请: an application for the event's household, accepted at the user's window."""
    from cases.models import ServiceItem
    from cases.services import accept_application

    if not may_handle(user, event) and not user.can(Capability.ACCEPT_APPLICATIONS):
        raise DomainError(GridCode.NO_PERMISSION, "您不能代为发起申请")
    if event.household_id is None:
        raise DomainError(GridCode.BAD_INPUT, "该事件没有涉及的家庭，不能发起申请")
    item = ServiceItem.objects.filter(code=item_code, is_active=True).first()
    if item is None:
        raise DomainError(GridCode.BAD_INPUT, "找不到该服务事项")
    case = accept_application(
        user=user, item=item, household=event.household, on_date=timezone.localdate(), route_to_line=True
    ).case
    GridEvent.objects.filter(pk=event.pk).update(outcome=GridEvent.Outcome.APPLICATION, outcome_ref=case.receipt_no)
    event.outcome, event.outcome_ref = GridEvent.Outcome.APPLICATION, case.receipt_no
    _step(event, EventStep.Kind.OUTCOME, user, text=f"已受理{item.name}，受理编号{case.receipt_no}")
    return case


@transaction.atomic
def raise_warning(event: GridEvent, *, user) -> str:
    """纳入监测预警 (主动发现): a warning on the event's household for the village 民生员 to visit."""
    from grid import hooks

    if not may_handle(user, event) and event.reporter_id != user.pk:
        raise DomainError(GridCode.NO_PERMISSION, "您不能为该事件发起预警")
    if event.household_id is None:
        raise DomainError(GridCode.BAD_INPUT, "该事件没有涉及的家庭，不能纳入监测")
    number = hooks.raise_warning(
        household=event.household,
        person=event.persons.first(),
        detail=f"网格事件：{event.category.name}。{event.description}"[:300],
        on_date=timezone.localdate(),
        natural_key=f"grid:{event.client_id}",
    )
    if number is None:
        raise DomainError(GridCode.BAD_INPUT, "监测预警功能未启用")
    GridEvent.objects.filter(pk=event.pk).update(outcome=GridEvent.Outcome.WARNING, outcome_ref=number)
    event.outcome, event.outcome_ref = GridEvent.Outcome.WARNING, number
    _step(event, EventStep.Kind.OUTCOME, user, text=f"已纳入监测预警（{number}）")
    return number
