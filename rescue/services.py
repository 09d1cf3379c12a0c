"""The rescue station's work (docs/domain.md §15): intake, identity search, extension, missing-person
notice, return home or placement, the overdue warning and the monthly statistics."""

from calendar import monthrange
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from areas.jurisdiction import system_scope
from audit.models import AuditEntry
from audit.services import record
from core.errors import DomainError
from policy.parameters import Policy
from registry import unidentified as registry_unidentified
from registry.models import Organisation, Person, UnidentifiedPerson
from rescue import rules
from rescue.capabilities import EXTEND_STAYS, RESCUE_WORK
from rescue.errors import RescueCode
from rescue.models import Stay


def may_work(user) -> bool:
    return user.can(RESCUE_WORK)


def _require(user, capability=RESCUE_WORK) -> None:
    if user is not None and not user.can(capability):
        raise DomainError(RescueCode.FORBIDDEN, "您没有救助管理站业务的权限")


def _next_number(area_code: str, on: date) -> str:
    prefix = f"JZ{area_code[:6]}{on:%Y}"
    last = Stay.unscoped.filter(number__startswith=prefix).aggregate(n=Max("number"))["n"]
    return f"{prefix}{(int(last[len(prefix) :]) + 1) if last else 1:05d}"


def earlier_stays(*, person: Person | None, id_number: str = "", unidentified: UnidentifiedPerson | None = None):
    """受助记录: the earlier stays of the same person (registry person, ID number, or unidentified row)."""
    condition = Q(pk__in=[])
    if person is not None:
        condition |= Q(person=person) | Q(id_number=person.id_number)
    if id_number:
        condition |= Q(id_number=id_number)
    if unidentified is not None:
        condition |= Q(unidentified=unidentified)
    return Stay.unscoped.filter(condition)


@transaction.atomic
def intake(
    *,
    user,
    area_code: str,
    arrived_on: date,
    found_place: str,
    referral: str,
    found_by: str = "",
    person: Person | None = None,
    id_number: str = "",
    stated_name: str = "",
    sex: str = "",
    hometown: str = "",
    health: str = "",
    needs: str = "",
    unidentified: UnidentifiedPerson | None = None,
) -> Stay:
    """入站登记: the limit and due date from the policy in force on the day of arrival; an earlier stay
    of the same person is recognised (repeat arrival)."""
    _require(user)
    if arrived_on is None or arrived_on > timezone.localdate():
        raise DomainError(RescueCode.BAD_DATE, "入站日期须填写且不能晚于今天")
    if not (found_place or "").strip():
        raise DomainError(RescueCode.MISSING, "请填写发现地点")
    if referral not in Stay.Referral.values:
        raise DomainError(RescueCode.MISSING, "请选择来站方式")
    if person is None and not id_number and not stated_name and unidentified is None:
        raise DomainError(RescueCode.MISSING, "身份不明的人员请先登记为身份不明人员（照片、体貌特征）")
    if person is not None:
        id_number = person.id_number
        stated_name = stated_name or person.name
        sex = sex or person.sex
    open_stay = earlier_stays(person=person, id_number=id_number, unidentified=unidentified).filter(
        status=Stay.Status.IN_STATION
    )
    if open_stay.exists():
        raise DomainError(RescueCode.ALREADY_IN, f"该人员正在站内受助（{open_stay.first().number}），不能重复入站")
    previous = earlier_stays(person=person, id_number=id_number, unidentified=unidentified).count()
    limit = rules.stay_limit(Policy.for_area(area_code, arrived_on))
    return Stay.objects.create(
        number=_next_number(area_code, arrived_on),
        person=person,
        unidentified=unidentified,
        stated_name=(stated_name or "").strip()[:50],
        id_number=(id_number or "").strip().upper(),
        sex=sex or "",
        hometown=(hometown or "").strip()[:200],
        found_place=found_place.strip()[:200],
        referral=referral,
        found_by=(found_by or "").strip()[:100],
        arrived_on=arrived_on,
        health=(health or "").strip()[:200],
        needs=(needs or "").strip()[:200],
        stay_days=limit,
        due_on=rules.stay_due(arrived_on, limit),
        previous_stays=previous,
        recorded_by=user,
        area_code=area_code,
    )


def _in_station(stay: Stay) -> Stay:
    stay = Stay.objects.select_for_update().get(pk=stay.pk)
    if stay.status != Stay.Status.IN_STATION:
        raise DomainError(RescueCode.NOT_IN_STATION, "该人员已离站，不能再办理")
    return stay


@transaction.atomic
def extend(stay: Stay, *, days: int, reason: str, user) -> Stay:
    """延长救助期限: approved by a holder of the extension capability, with the reason recorded."""
    _require(user, EXTEND_STAYS)
    stay = _in_station(stay)
    problem = rules.check_extension(days, reason)
    if problem:
        raise DomainError(RescueCode.BAD_EXTENSION, problem)
    stay.extension_days += days
    stay.extension_reason = "；".join(r for r in (stay.extension_reason, reason.strip()) if r)[:200]
    stay.extension_approved_by = user
    stay.due_on = rules.stay_due(stay.arrived_on, stay.stay_days, stay.extension_days)
    stay.overdue_warned_on = None
    stay.save()
    return stay


@transaction.atomic
def publish_notice(stay: Stay, *, user, on_date: date | None = None) -> Stay:
    """寻亲公告: the day it was published (the page prints it)."""
    _require(user)
    stay = Stay.objects.select_for_update().get(pk=stay.pk)
    if not stay.notice_published_on:
        stay.notice_published_on = on_date or timezone.localdate()
        stay.save()
    return stay


@transaction.atomic
def return_home(
    stay: Stay, *, user, left_on: date, destination: str, escort: str, handed_to: str, note: str = ""
) -> Stay:
    """护送返乡: where to, how, and who at the destination took the person over (接收人或单位)."""
    _require(user)
    stay = _in_station(stay)
    if not (destination or "").strip() or not (handed_to or "").strip():
        raise DomainError(RescueCode.MISSING, "护送返乡须填写返乡目的地和交接单位或接收人")
    _leave(stay, left_on)
    stay.status = Stay.Status.RETURNED
    stay.destination, stay.escort = destination.strip()[:200], (escort or "").strip()[:100]
    stay.handed_to, stay.handover_note = handed_to.strip()[:100], (note or "").strip()[:200]
    stay.save()
    return stay


@transaction.atomic
def place(stay: Stay, *, user, left_on: date, placement: Organisation, note: str = "") -> Stay:
    """长期安置: to an institution (特困供养、福利机构) for someone whose home cannot be found."""
    _require(user)
    stay = _in_station(stay)
    if placement is None:
        raise DomainError(RescueCode.MISSING, "请选择安置机构")
    _leave(stay, left_on)
    stay.status = Stay.Status.PLACED
    stay.placement, stay.destination = placement, placement.name[:200]
    stay.handover_note = (note or "").strip()[:200]
    stay.save()
    return stay


@transaction.atomic
def leave(stay: Stay, *, user, left_on: date, note: str = "") -> Stay:
    """自行离站 (受助人员自愿放弃救助)."""
    _require(user)
    stay = _in_station(stay)
    _leave(stay, left_on)
    stay.status = Stay.Status.LEFT
    stay.handover_note = (note or "").strip()[:200]
    stay.save()
    return stay


def _leave(stay: Stay, left_on: date) -> None:
    if left_on is None or left_on < stay.arrived_on or left_on > timezone.localdate():
        raise DomainError(RescueCode.BAD_DATE, "离站日期不能早于入站日期，也不能晚于今天")
    stay.left_on = left_on


def identified(unidentified, person, *, user) -> list[str]:
    """`registry.hooks` identified listener: the stays of the unidentified person now name the person."""
    moved = Stay.unscoped.filter(unidentified=unidentified, person__isnull=True).update(
        person=person, id_number=person.id_number, stated_name=person.name
    )
    if moved:
        record(AuditEntry.Action.UPDATE, obj=unidentified, changes={"stays_moved_to_person": [None, person.pk]})
    return [f"{moved}条救助记录已并入该居民档案"] if moved else []


@transaction.atomic
def identify_stay(stay: Stay, person: Person, *, user, how: str) -> list[str]:
    """确认身份: an unidentified person's stay is merged into the registry's person (history kept)."""
    _require(user)
    if stay.unidentified_id is None:
        raise DomainError(RescueCode.NOT_UNIDENTIFIED, "该救助记录不是身份不明人员")
    return registry_unidentified.identify(stay.unidentified, person, user=user, how=how)


# --------------------------------------------------------------------- search


def search_registry(*, name: str = "", sex: str = "", age: int | None = None, on: date | None = None, limit: int = 20):
    """Candidates in the registry (within the user's scope) by name, sex and estimated age (±5 years)."""
    on = on or timezone.localdate()
    people = Person.objects.all()
    name = (name or "").strip()
    if not name and age is None:
        return []
    if name:
        people = people.filter(name__contains=name[:20])
    if sex in {"M", "F"}:
        people = people.filter(sex=sex)
    if age:
        people = people.filter(
            birth_date__gte=date(on.year - age - 5, 1, 1), birth_date__lte=date(on.year - age + 5, 12, 31)
        )
    return list(people.order_by("name", "birth_date")[:limit])


def search_by_features(text: str, limit: int = 20):
    """Earlier records whose description, features or stated name share words with `text`: unidentified
    persons and earlier stays (repeat arrivals, a notice answered)."""
    words = [w for w in (text or "").replace("，", " ").replace(",", " ").replace("、", " ").split() if len(w) >= 2][:5]
    if not words:
        return [], []
    unidentified_q = Q()
    stay_q = Q()
    for word in words:
        unidentified_q |= Q(features__contains=word) | Q(description__contains=word) | Q(name_given__contains=word)
        stay_q |= (
            Q(health__contains=word)
            | Q(needs__contains=word)
            | Q(stated_name__contains=word)
            | Q(hometown__contains=word)
        )
    return (
        list(UnidentifiedPerson.objects.filter(unidentified_q).order_by("-found_on")[:limit]),
        list(Stay.objects.filter(stay_q).select_related("person", "unidentified").order_by("-arrived_on")[:limit]),
    )


# --------------------------------------------------------------------- overdue and statistics


def warn_overdue(today: date) -> dict:
    """定时任务: stays past their due date still in the station are flagged once (the home card and the
    list show them in red until the stay ends or is extended)."""
    with system_scope():
        flagged = Stay.unscoped.filter(
            status=Stay.Status.IN_STATION, due_on__lt=today, overdue_warned_on__isnull=True
        ).update(overdue_warned_on=today)
        overdue = Stay.unscoped.filter(status=Stay.Status.IN_STATION, due_on__lt=today).count()
    return {"新超期": flagged, "超期在站": overdue}


@dataclass
class MonthRow:
    month: date
    arrivals: int = 0
    repeat_arrivals: int = 0
    unidentified: int = 0
    returned: int = 0
    placed: int = 0
    left: int = 0
    person_days: int = 0
    in_station_at_end: int = 0
    overdue_exits: int = 0

    @property
    def exits(self) -> int:
        return self.returned + self.placed + self.left


def monthly_statistics(year: int, today: date | None = None) -> list[MonthRow]:
    """Counts and stays by month for the statistics report (救助管理统计): arrivals (repeat, unidentified),
    exits by kind, person-days in the station, in station at the month's end, exits after the due date."""
    today = today or timezone.localdate()
    rows = [MonthRow(date(year, m, 1)) for m in range(1, 13)]
    start, end = date(year, 1, 1), date(year, 12, 31)
    stays = Stay.objects.filter(arrived_on__lte=end).filter(Q(left_on__isnull=True) | Q(left_on__gte=start))
    for s in stays.only("arrived_on", "left_on", "status", "previous_stays", "unidentified_id", "due_on"):
        until = s.left_on or today
        for row in rows:
            month_end = date(year, row.month.month, monthrange(year, row.month.month)[1])
            if row.month > today:
                break
            if s.arrived_on.year == year and s.arrived_on.month == row.month.month:
                row.arrivals += 1
                row.repeat_arrivals += s.previous_stays > 0
                row.unidentified += s.unidentified_id is not None
            if s.left_on and s.left_on.year == year and s.left_on.month == row.month.month:
                row.returned += s.status == Stay.Status.RETURNED
                row.placed += s.status == Stay.Status.PLACED
                row.left += s.status == Stay.Status.LEFT
                row.overdue_exits += s.left_on > s.due_on
            row.person_days += rules.days_in_month(s.arrived_on, until, row.month, min(month_end, today))
            if s.arrived_on <= month_end and (s.left_on is None or s.left_on > month_end) and month_end <= today:
                row.in_station_at_end += 1
    return [r for r in rows if r.month <= today]
