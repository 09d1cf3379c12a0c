"""Home visits (入户走访), household contacts (分片包村) and visit plans.

A visit is stored once per phone-made `client_id`. What it notes can start the right process: a
change of income for a household in payment opens the review (复核) through the ledger; a visit
tied to a monitoring warning closes or escalates it (monitoring listens through grid.hooks).
A household edited on the server after the worker opened the form is a conflict: the visit is
kept, the conflict is written on it and shown to the worker, nothing on the household is overwritten.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from core.errors import DomainError
from grid import hooks
from grid.errors import GridCode
from grid.models import EventPhoto, HouseholdContact, Visit, VisitPlan
from grid.services import decode_photos, may_visit, parse_client_id, photo_rows

WARNING_OUTCOMES = {"": "", "close": "走访后结案", "escalate": "走访后上报乡镇"}


@dataclass(frozen=True)
class VisitStored:
    visit: Visit
    created: bool


def household_stamp(household) -> str:
    return household.updated_at.isoformat() if getattr(household, "updated_at", None) else ""


def _money(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise DomainError(GridCode.BAD_INPUT, "家庭月收入应为数字") from None
    if amount < 0 or amount > Decimal("9999999"):
        raise DomainError(GridCode.BAD_INPUT, "家庭月收入不正确")
    return amount.quantize(Decimal("0.01"))


def visit_from_form(*, user, client_id, household, data: dict) -> Visit:
    """The visit a form makes, every field checked, not yet saved (shared by `record_visit` and the
    outbox's batch, `grid.sync.store_batch`). A household changed since the form was opened makes
    the visit a conflict: it is kept with the note, and nothing on the household is written."""
    seen = str(data.get("seen") or "").strip()
    if not seen:
        raise DomainError(GridCode.BAD_INPUT, "请填写见到的人")
    outcome = str(data.get("warning_outcome") or "")
    if outcome not in WARNING_OUTCOMES:
        raise DomainError(GridCode.BAD_INPUT, "预警处置方式不正确")
    visited_on = timezone.localdate()
    if data.get("visited_on"):
        try:
            visited_on = min(date.fromisoformat(str(data["visited_on"])), visited_on)
        except ValueError:
            raise DomainError(GridCode.BAD_INPUT, "走访日期格式不正确") from None
    warning_id = data.get("warning_id") or None
    try:
        warning_id = int(warning_id) if warning_id else None
    except (TypeError, ValueError):
        raise DomainError(GridCode.BAD_INPUT, "关联预警不正确") from None
    base_stamp = str(data.get("base_stamp") or "")[:40]
    conflict = ""
    if base_stamp and base_stamp != household_stamp(household):
        conflict = "您填写期间，该户信息已在系统中被修改：走访记录已保存，户信息未被覆盖，请核对后再更新户籍库"
    return Visit(
        client_id=client_id,
        household=household,
        worker=user,
        visited_on=visited_on,
        seen=seen[:200],
        members_changed=str(data.get("members_changed") or "")[:300],
        income_changed=str(data.get("income_changed") or "") in ("1", "true", "on", "True"),
        monthly_income=_money(data.get("monthly_income")),
        income_note=str(data.get("income_note") or "")[:300],
        health=str(data.get("health") or "")[:300],
        housing=str(data.get("housing") or "")[:300],
        needs=str(data.get("needs") or "")[:300],
        signature=str(data.get("signature") or "")[:200_000],
        warning_id=warning_id,
        warning_outcome=outcome,
        base_stamp=base_stamp,
        conflict=conflict,
        area_code=household.area_code,
    )


def starts_something(visit: Visit) -> bool:
    """Whether storing the visit may start a process (`start_follow_ups`): a change noted, or a
    warning it answers. A plain visit starts nothing and can be stored in bulk."""
    return bool(visit.income_changed or visit.members_changed or visit.warning_id)


def record_visit(*, user, client_id, household, data: dict, photos=()) -> VisitStored:
    """登记走访. Idempotent on `client_id`; the follow-ups run once, when the visit is first stored."""
    if not may_visit(user):
        raise DomainError(GridCode.NO_PERMISSION, "您没有入户走访的权限")
    client_id = parse_client_id(client_id)
    existing = Visit.unscoped.filter(client_id=client_id).first()
    if existing is not None:
        return VisitStored(existing, created=False)
    visit = visit_from_form(user=user, client_id=client_id, household=household, data=data)
    raw_photos = decode_photos(list(photos))
    try:
        with transaction.atomic():
            visit.save(force_insert=True)
            EventPhoto.objects.bulk_create(photo_rows(raw_photos, area_code=visit.area_code, visit=visit))
            follow_up(visit, user)
    except IntegrityError:
        existing = Visit.unscoped.filter(client_id=client_id).first()
        if existing is None:
            raise
        return VisitStored(existing, created=False)
    return VisitStored(visit, created=True)


def follow_up(visit: Visit, user) -> None:
    """Start what the stored visit's notes call for, and write on the visit what was started."""
    if not starts_something(visit):
        return
    started = "；".join(start_follow_ups(visit, user))[:300]
    if started:
        Visit.objects.filter(pk=visit.pk).update(started=started)
        visit.started = started


def start_follow_ups(visit: Visit, user) -> list[str]:
    """What a visit's notes start: the review of a household in payment whose income changed
    (低保审核确认办法 第二十九条 动态管理), a reminder to update the registry when members changed,
    and the linked warning's closure or escalation."""
    from ledger.models import Enrolment
    from ledger.reviews import open_review_case

    started = []
    in_payment = Enrolment.objects.filter(household=visit.household).exclude(status=Enrolment.Status.STOPPED)
    if (visit.income_changed or visit.members_changed) and in_payment.exists():
        what = "收入变化" if visit.income_changed else "家庭成员变化"
        detail = visit.income_note or visit.members_changed
        opened = open_review_case(
            visit.household,
            reason=f"入户走访发现{what}：{detail}"[:200],
            on_date=visit.visited_on,
            user=user,
            origin="visit",
        )
        if opened.case is not None:
            started.append(
                f"已发起复核，受理编号{opened.case.receipt_no}" + (f"（{opened.note}）" if opened.note else "")
            )
        else:
            started.append(opened.note)
    if visit.members_changed:
        started.append("家庭成员有变化，请到户籍库更新")
    if visit.warning_id:
        started.extend(hooks.visit_recorded(visit, user))
    return started


# ------------------------------------------------------------------ contacts and plans


def assign_contacts(households, worker, *, on_date: date) -> dict:
    """分片包村: these households' contact becomes `worker` (bulk, by grid or village); households
    another worker had are handed over, and listed (household number, previous contact) for the
    hand-over (交接清单)."""
    ids = [h.pk for h in households]
    moving = HouseholdContact.objects.filter(household_id__in=ids).exclude(worker=worker)
    handover = [
        (number, full_name or username)
        for number, full_name, username in moving.values_list(
            "household__number", "worker__full_name", "worker__username"
        ).order_by("household__number")
    ]
    moved = moving.update(worker=worker, since=on_date)
    have = set(HouseholdContact.objects.filter(household_id__in=ids).values_list("household_id", flat=True))
    HouseholdContact.objects.bulk_create(
        HouseholdContact(household=h, worker=worker, since=on_date, area_code=h.area_code)
        for h in households
        if h.pk not in have
    )
    return {"moved": moved, "added": len(ids) - len(have), "handover": handover}


def plan_days(category: str, on_date: date) -> int | None:
    plan = VisitPlan.objects.filter(category=category, effective_from__lte=on_date).order_by("-effective_from").first()
    return plan.every_days if plan else None


def due_visits(worker, on_date: date) -> list[dict]:
    """The worker's households with the next visit due under the plan of their category (the
    shortest period among their programmes in payment), overdue first."""
    contacts = HouseholdContact.objects.filter(worker=worker).select_related("household", "household__head")
    return _due_rows(list(contacts[:2000]), on_date)


def _due_rows(contacts: list, on_date: date) -> list[dict]:
    """The next visit of each contact's household: its programmes and last visit read for all of
    them at once (three queries, however many contacts)."""
    from ledger.models import Enrolment

    ids = [c.household_id for c in contacts]
    programmes: dict[int, set[str]] = {}
    for household_id, programme in (
        Enrolment.objects.filter(household_id__in=ids)
        .exclude(status=Enrolment.Status.STOPPED)
        .values_list("household_id", "programme")
    ):
        programmes.setdefault(household_id, set()).add(programme)
    last = dict(
        Visit.objects.filter(household_id__in=ids)
        .values("household_id")
        .annotate(last=Max("visited_on"))
        .values_list("household_id", "last")
    )
    plans = {p: plan_days(p, on_date) for p in {p for ps in programmes.values() for p in ps} | {"other"}}
    rows = []
    for contact in contacts:
        periods = [plans[p] for p in programmes.get(contact.household_id, ()) if plans.get(p)]
        every = min(periods) if periods else plans.get("other")
        previous = last.get(contact.household_id)
        due = (previous or contact.since) + timedelta(days=every) if every else None
        rows.append(
            {
                "household": contact.household,
                "worker_id": contact.worker_id,
                "last": previous,
                "due": due,
                "overdue": bool(due and due < on_date),
                "every": every,
            }
        )
    rows.sort(key=lambda r: (r["due"] is None, r["due"] or on_date))
    return rows


def overdue_by_worker(workers, on_date: date) -> list[dict]:
    """The township's view: each worker's households and how many visits are overdue (the contacts
    of every worker read together, not a round of queries per worker)."""
    workers = list(workers)
    contacts = list(HouseholdContact.objects.filter(worker__in=workers).select_related("household"))
    counts: dict[int, list[int]] = {}
    for row in _due_rows(contacts, on_date):
        households, overdue = counts.setdefault(row["worker_id"], [0, 0])
        counts[row["worker_id"]] = [households + 1, overdue + row["overdue"]]
    rows = [
        {"worker": worker, "households": counts[worker.pk][0], "overdue": counts[worker.pk][1]}
        for worker in workers
        if worker.pk in counts
    ]
    return sorted(rows, key=lambda r: -r["overdue"])
