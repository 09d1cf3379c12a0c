"""The phone's outbox, sent in one request (issue 20 §3; ADR 0024).

A phone back in signal sends everything waiting on it at once: `store_batch(user, items)` takes up
to `MAX_BATCH_ITEMS` events and visits, each with its phone-made id and its photos, and answers for
each item in the order sent:

- ``stored``     — new, stored now;
- ``duplicate``  — that id was stored before (a retried send), or appears earlier in the batch;
  nothing is stored twice;
- ``conflict``   — a visit stored now, with the note that the household was changed meanwhile on
  the server (shown to the worker, nothing overwritten);
- ``refused``    — not stored, with the reason in Chinese (the phone keeps the item and shows it).

The items of a batch are independent records, so a refused item does not hold back the good ones:
each is stored or refused on its own, as if sent alone (unlike a file import, which is all or
nothing). The good ones are written together: one transaction, bulk inserts, a fixed number of
statements per batch whatever the tables hold — the existing ids, categories, households and
persons of the batch are read with one query each. A visit that starts a process (a change of
income or members, a warning it answers) is stored on its own after the bulk write, as
`grid.visits.record_visit` stores it, because what it starts reads and writes other tables.

Two sends of the same items crossing each other meet at the unique client-id column: the bulk
write of the second is rolled back and its items are stored one by one, each answered
``duplicate`` where the first got there.
"""

import uuid
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from core.errors import DomainError
from grid import services, visits
from grid.errors import GridCode
from grid.models import EventCategory, EventPhoto, EventStep, GridEvent, Urgency, Visit
from registry.models import Household, Person

# What one request may carry. Not a legal number: what a phone sends at once on a weak link and the
# server holds in memory. The endpoint reads its body from the stream up to MAX_BATCH_BYTES (it is
# marked core.middleware.reads_own_body, so the site's 2.5 MB in-memory limit for forms does not
# apply); the phone (static/grid/outbox.js) splits its outbox at 20 items or about 2 MB, and sends an
# item larger than that alone (six photos of 2 MB each).
MAX_BATCH_ITEMS = 50
MAX_BATCH_BYTES = 20 * 1024 * 1024

STORED, DUPLICATE, CONFLICT, REFUSED = "stored", "duplicate", "conflict", "refused"
MESSAGES = {DUPLICATE: "已保存过，未重复保存"}


@dataclass
class _Item:
    index: int
    kind: str
    client_id: uuid.UUID
    fields: dict
    photos: list
    saved_at: str = ""
    record: GridEvent | Visit | None = None
    raw_photos: list[bytes] = field(default_factory=list)
    persons: list = field(default_factory=list)


def _answer(client_id, status: str, message: str = "", conflict: str = "") -> dict:
    out = {"client_id": str(client_id or ""), "status": status, "message": message or MESSAGES.get(status, "")}
    if conflict:
        out["conflict"] = conflict
    return out


def _shape(raw) -> _Item:
    """One item as the phone sends it: {"kind", "client_id", "fields": {...}, "photos": [...]}."""
    if not isinstance(raw, dict) or not isinstance(raw.get("fields"), dict):
        raise DomainError(GridCode.BAD_INPUT, "记录格式不正确")
    if raw.get("kind") not in ("event", "visit"):
        raise DomainError(GridCode.BAD_INPUT, "记录类型不正确")
    photos = raw.get("photos") or []
    if not isinstance(photos, list):
        raise DomainError(GridCode.BAD_INPUT, "照片格式不正确")
    client_id = services.parse_client_id(raw.get("client_id"))
    return _Item(0, raw["kind"], client_id, raw["fields"], photos, str(raw.get("saved_at") or ""))


def _ids(values) -> list[int]:
    values = values if isinstance(values, list) else [values]
    return [int(v) for v in values if str(v).isdigit()]


def _household(households: dict, value):
    """The household an item names, among those the user's jurisdiction holds (read for the whole
    batch by the scoped manager: one outside the user's area is not found)."""
    if not value:
        return None
    ids = _ids(value)
    if not ids or ids[0] not in households:
        raise DomainError(GridCode.OUT_OF_AREA, "找不到该家庭，或不在您的管辖范围")
    return households[ids[0]]


def store_batch(user, raw_items: list) -> list[dict]:
    """Store what the phone sent; one answer per item, in the order sent (see the module text)."""
    answers: list[dict | None] = [None] * len(raw_items)
    items: list[_Item] = []
    first: dict[uuid.UUID, int] = {}
    repeats: list[tuple[int, int]] = []
    for index, raw in enumerate(raw_items):
        try:
            item = _shape(raw)
        except DomainError as exc:
            answers[index] = _answer(raw.get("client_id") if isinstance(raw, dict) else "", REFUSED, exc.message)
            continue
        item.index = index
        if item.client_id in first:
            repeats.append((index, first[item.client_id]))
            continue
        first[item.client_id] = index
        items.append(item)

    known = _sent_before(items) if items else set()
    fresh = []
    for item in items:
        if item.client_id in known:
            answers[item.index] = _answer(item.client_id, DUPLICATE)
        else:
            fresh.append(item)

    _prepare(user, fresh, answers)
    ready = [i for i in fresh if i.record is not None]
    plain = [i for i in ready if not (i.kind == "visit" and visits.starts_something(i.record))]
    try:
        with transaction.atomic():
            _write(user, plain)
    except IntegrityError:  # a send of the same items crossed this one: each on its own
        for item in plain:
            answers[item.index] = _store_one(user, item)
    else:
        for item in plain:
            answers[item.index] = _stored(item.record)
    for item in ready:
        if not any(item is other for other in plain):  # the visits that start a process
            answers[item.index] = _store_one(user, item)

    for index, earlier in repeats:
        answer = answers[earlier]
        status = REFUSED if answer["status"] == REFUSED else DUPLICATE
        answers[index] = _answer(answer["client_id"], status, answer["message"] if status == REFUSED else "")
    return answers


def _sent_before(items: list[_Item]) -> set[uuid.UUID]:
    """The ids of the batch stored before: one query for both kinds, on the unique id indexes."""
    events = GridEvent.unscoped.filter(client_id__in=[i.client_id for i in items if i.kind == "event"])
    visited = Visit.unscoped.filter(client_id__in=[i.client_id for i in items if i.kind == "visit"])
    ids = events.order_by().values_list("client_id", flat=True)
    return set(ids.union(visited.order_by().values_list("client_id", flat=True)))


def _prepare(user, items: list[_Item], answers: list) -> None:
    """Check every new item and build its unsaved record; a bad one is answered ``refused``."""
    if not items:
        return
    may_report, may_visit = services.may_report(user), services.may_visit(user)
    categories = {c.code: c for c in EventCategory.objects.filter(is_active=True)} if may_report else {}
    household_ids, person_ids = set(), set()
    for item in items:
        household_ids.update(_ids(item.fields.get("household") or [])[:1])
        if item.kind == "event":
            person_ids.update(_ids(item.fields.get("persons") or []))
    households = Household.objects.in_bulk(household_ids) if household_ids else {}
    persons = Person.objects.in_bulk(person_ids) if person_ids else {}
    now = timezone.now()
    deadlines: dict[tuple[str, str], object] = {}

    def deadline(level: str, urgency: str):
        if (level, urgency) not in deadlines:
            deadlines[level, urgency] = services.handoff_deadline(level, urgency, now)
        return deadlines[level, urgency]

    for item in items:
        fields = item.fields
        try:
            if item.kind == "event":
                if not may_report:
                    raise DomainError(GridCode.NO_PERMISSION, "您没有上报网格事件的权限")
                item.record = services.event_from_report(
                    user=user,
                    client_id=item.client_id,
                    category=categories.get(str(fields.get("category", ""))),
                    description=str(fields.get("description", "")),
                    urgency=str(fields.get("urgency") or Urgency.NORMAL),
                    place=str(fields.get("place", "")),
                    latitude=fields.get("latitude"),
                    longitude=fields.get("longitude"),
                    household=_household(households, fields.get("household")),
                    reported_at=parse_datetime(item.saved_at) if item.saved_at else None,
                    now=now,
                    deadline=deadline,
                )
                item.persons = [persons[p] for p in _ids(fields.get("persons") or []) if p in persons]
            else:
                if not may_visit:
                    raise DomainError(GridCode.NO_PERMISSION, "您没有入户走访的权限")
                household = _household(households, fields.get("household"))
                if household is None:
                    raise DomainError(GridCode.BAD_INPUT, "请选择走访的家庭")
                item.record = visits.visit_from_form(
                    user=user, client_id=item.client_id, household=household, data=fields
                )
            item.raw_photos = services.decode_photos(item.photos)
        except (DomainError, ValueError) as exc:
            item.record = None
            message = exc.message if isinstance(exc, DomainError) else "记录格式不正确"
            answers[item.index] = _answer(item.client_id, REFUSED, message)


def _write(user, items: list[_Item]) -> None:
    """The batch's new events and plain visits, their first steps, persons and photos: a bulk
    insert per table."""
    if not items:
        return
    events = [i for i in items if i.kind == "event"]
    plain_visits = [i for i in items if i.kind == "visit"]
    GridEvent.objects.bulk_create([i.record for i in events])
    Visit.objects.bulk_create([i.record for i in plain_visits])
    EventStep.objects.bulk_create([services.reported_step(i.record, user) for i in events])
    through = GridEvent.persons.through
    through.objects.bulk_create(
        [through(gridevent_id=i.record.pk, person_id=p.pk) for i in events for p in dict.fromkeys(i.persons)]
    )
    photos = []
    for item in items:
        owner = {"event": item.record} if item.kind == "event" else {"visit": item.record}
        photos += services.photo_rows(item.raw_photos, area_code=item.record.area_code, **owner)
    EventPhoto.objects.bulk_create(photos)


def _stored(record) -> dict:
    if isinstance(record, Visit):
        message = "走访已登记" + (f"：{record.started}" if record.started else "")
        if record.conflict:
            return _answer(record.client_id, CONFLICT, message, conflict=record.conflict)
        return _answer(record.client_id, STORED, message)
    return _answer(record.client_id, STORED, "事件已上报")


def _store_one(user, item: _Item) -> dict:
    """One item stored as if sent alone (`report_event`, `record_visit`): the visits that start a
    process, and every item of a batch whose bulk write met a crossing send."""
    try:
        if item.kind == "event":
            event = item.record
            stored = services.report_event(
                user=user,
                client_id=item.client_id,
                category_code=event.category.code,
                description=event.description,
                urgency=event.urgency,
                place=event.place,
                latitude=event.latitude,
                longitude=event.longitude,
                household=event.household,
                persons=item.persons,
                photos=item.raw_photos,
                reported_at=event.reported_at,
            )
            return _stored(stored.event) if stored.created else _answer(item.client_id, DUPLICATE)
        stored = visits.record_visit(
            user=user,
            client_id=item.client_id,
            household=item.record.household,
            data=item.fields,
            photos=item.raw_photos,
        )
        return _stored(stored.visit) if stored.created else _answer(item.client_id, DUPLICATE)
    except DomainError as exc:
        return _answer(item.client_id, REFUSED, exc.message)
