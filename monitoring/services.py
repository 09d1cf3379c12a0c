"""Monitoring actions, named as the work is named: refresh the monitored population, raise warnings,
assign them to the village 民生员, record the visit, open an application, close with a reason.

Stage moves are conditional updates on (stage, row_version) and each writes a WarningEvent.
"""

from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import Count, F, Q

from accounts.models import Unit, User
from accounts.roles import Capability, roles_with
from areas.codes import township_of
from areas.jurisdiction import current_scope
from core.errors import DomainError
from monitoring.errors import MonitoringCode
from monitoring.models import Category, Risk, Signal, SignalRule, Warning, WarningEvent
from monitoring.signals import raise_signals

Stage = Warning.Stage
PROGRAMME_CATEGORY = {
    "dibao": Category.DIBAO,
    "tekun": Category.TEKUN,
    "edge": Category.EDGE,
    "rigid_spending": Category.RIGID,
}


def refresh_population(on_date: date) -> dict[str, int]:
    """Open enrolments of 低保/特困/边缘/刚性支出 are monitored; stopped ones leave (set-based)."""
    prefix = current_scope().prefix + "%"
    added = left = 0
    with transaction.atomic(), connection.cursor() as cursor:
        for programme, category in PROGRAMME_CATEGORY.items():
            cursor.execute(
                """INSERT INTO monitoring_monitoredhousehold (household_id, category, basis, since, until, note, area_code)
SELECT e.household_id, CAST(%(category)s AS TEXT), 'enrolment', %(today)s, NULL, '', MIN(e.area_code)
FROM ledger_enrolment e
WHERE e.programme = %(programme)s AND e.status <> 'stopped' AND e.area_code LIKE %(prefix)s
  AND NOT EXISTS (SELECT 1 FROM monitoring_monitoredhousehold o
                  WHERE o.household_id = e.household_id AND o.category = %(category)s AND o.until IS NULL)
GROUP BY e.household_id""",
                {"category": category, "programme": programme, "today": on_date, "prefix": prefix},
            )
            added += max(cursor.rowcount, 0)
            cursor.execute(
                """UPDATE monitoring_monitoredhousehold SET until = %(today)s
WHERE basis = 'enrolment' AND category = %(category)s AND until IS NULL AND area_code LIKE %(prefix)s
  AND NOT EXISTS (SELECT 1 FROM ledger_enrolment e WHERE e.household_id = monitoring_monitoredhousehold.household_id
                  AND e.programme = %(programme)s AND e.status <> 'stopped')""",
                {"category": category, "programme": programme, "today": on_date, "prefix": prefix},
            )
            left += max(cursor.rowcount, 0)
    return {"added": added, "left": left}


def _event(warning: Warning, stage: str, on_date: date, user=None, text: str = "") -> None:
    WarningEvent.objects.create(
        warning=warning,
        stage=stage,
        on_date=on_date,
        actor=user if getattr(user, "pk", None) else None,
        actor_name=(user.full_name or user.username) if getattr(user, "pk", None) else "系统",
        text=text[:300],
    )


def _first_with(units: dict[str, Unit], capability: str) -> dict[int, User]:
    """The first active user (lowest id) of each of these units holding the capability, one query."""
    first: dict[int, User] = {}
    people = User.objects.filter(
        unit_id__in=[unit.pk for unit in units.values()], is_active=True, roles__code__in=roles_with(capability)
    )
    for user in people.order_by("-pk").distinct():
        first[user.unit_id] = user
    return first


def responsible_for(area_codes: set[str]) -> dict[str, tuple[Unit, User | None, str]]:
    """Who answers for a warning in each area (by village): the village committee's 民生员; where
    the village has no committee or no worker account, the township's 民政办 (its first staff
    member who handles warnings, if any) — never nobody while the township has an office. Three
    queries for any number of villages. Areas with neither are left out."""
    villages = {code[:12] for code in area_codes}
    townships = {township_of(code) for code in villages}
    committees, offices = {}, {}
    units = Unit.unscoped.filter(
        Q(kind=Unit.Kind.VILLAGE_COMMITTEE, area_code__in=sorted(villages))
        | Q(kind=Unit.Kind.TOWNSHIP_OFFICE, area_code__in=sorted(townships)),
        is_active=True,
    )
    for unit in units.order_by("-pk"):  # the lowest id of a kind and area wins
        (committees if unit.kind == Unit.Kind.VILLAGE_COMMITTEE else offices)[unit.area_code] = unit
    workers = _first_with(committees, Capability.VISIT_HOUSEHOLDS)
    handlers = _first_with(offices, Capability.HANDLE_WARNINGS)
    answer = {}
    for village in villages:
        committee = committees.get(village)
        if committee is not None and committee.pk in workers:
            answer[village] = (committee, workers[committee.pk], "")
            continue
        office = offices.get(township_of(village))
        if office is not None:
            why = "所在村无民生员账号" if committee is not None else "所在村无村(居)委会"
            answer[village] = (office, handlers.get(office.pk), why)
    return answer


@transaction.atomic
def assign_warnings(warnings, on_date: date) -> int:
    """Give each unassigned warning of `warnings` (a queryset) to whoever answers for its village
    (`responsible_for`): one UPDATE per responsible person or unit, one INSERT of their events —
    linear in the warnings, whatever was raised before."""
    rows = list(warnings.filter(stage=Stage.UNASSIGNED).select_for_update().order_by().values_list("pk", "area_code"))
    if not rows:
        return 0
    answer = responsible_for({code for _pk, code in rows})
    groups: dict[tuple, list[int]] = {}
    for pk, code in rows:
        if code[:12] in answer:
            groups.setdefault(answer[code[:12]], []).append(pk)
    events = []
    for (unit, user, why), ids in groups.items():
        Warning.objects.filter(pk__in=ids).update(
            assigned_unit=unit, assigned_to=user, stage=Stage.ASSIGNED, row_version=F("row_version") + 1
        )
        name = (user.full_name or user.username) if user else ""
        whom = f"{unit.name}（{why}）{name}" if why else f"{unit.name}民生员{name}"
        events += [
            WarningEvent(warning_id=pk, stage=Stage.ASSIGNED, on_date=on_date, actor_name="系统", text=f"分派给{whom}")
            for pk in ids
        ]
    WarningEvent.objects.bulk_create(events, batch_size=5000)
    return len(events)


def assign_unassigned(on_date: date) -> int:
    """Give every unassigned warning of the scope to whoever answers for its village (`assign_warnings`)."""
    return assign_warnings(Warning.objects.all(), on_date)


def assign_to_contacts(on_date: date, warnings=None) -> int:
    """分片包村 first: an unassigned warning (of `warnings`, a queryset; every warning of the scope by
    default) whose household has a contact (grid.models.HouseholdContact) who may handle warnings
    goes to that person; the rest fall to the village 民生员 (`assign_warnings`). One update per
    contact, not per warning."""
    from django.db.models import OuterRef, Subquery

    from grid.models import HouseholdContact

    contact = HouseholdContact.unscoped.filter(
        household_id=OuterRef("household_id"),
        worker__is_active=True,
        worker__unit__isnull=False,
        worker__roles__code__in=roles_with(Capability.HANDLE_WARNINGS),
    ).values("worker_id")[:1]
    pairs = (
        (Warning.objects.all() if warnings is None else warnings)
        .filter(stage=Stage.UNASSIGNED)
        .annotate(contact=Subquery(contact))
        .filter(contact__isnull=False)
        .values_list("pk", "contact")
    )
    by_worker: dict[int, list[int]] = {}
    for pk, worker_id in pairs:
        by_worker.setdefault(worker_id, []).append(pk)
    assigned = 0
    for worker in User.objects.filter(pk__in=by_worker).select_related("unit"):
        ids = by_worker[worker.pk]
        changed = Warning.objects.filter(pk__in=ids, stage=Stage.UNASSIGNED).update(
            assigned_to=worker, assigned_unit=worker.unit, stage=Stage.ASSIGNED, row_version=F("row_version") + 1
        )
        if changed:
            text = f"分派给包户联系人{worker.unit.name}{worker.full_name or worker.username}"
            WarningEvent.objects.bulk_create(
                WarningEvent(warning_id=pk, stage=Stage.ASSIGNED, on_date=on_date, actor_name="系统", text=text)
                for pk in ids
            )
            assigned += changed
    return assigned


def _log_raised(on_date: date, since_id: int) -> None:
    """The first event of the warnings just raised in the scope: another county's run may raise its
    own at the same time (batch_sql runs counties side by side), and each logs only its own."""
    WarningEvent.objects.bulk_create(
        WarningEvent(
            warning_id=pk, stage=Stage.UNASSIGNED, on_date=on_date, actor_name="系统", text="数据比对发现预警信号"
        )
        for pk in Warning.objects.filter(pk__gt=since_id, events__isnull=True).values_list("pk", flat=True)
    )


def run_monitoring(on_date: date, batch_id: int | None = None) -> dict:
    """Refresh the population, raise warnings from the datasets, assign them."""
    population = refresh_population(on_date)
    last = Warning.unscoped.order_by("-pk").values_list("pk", flat=True).first() or 0
    raised = raise_signals(prefix=current_scope().prefix, on_date=on_date, batch_id=batch_id)
    _log_raised(on_date, last)
    assigned = assign_to_contacts(on_date) + assign_unassigned(on_date)
    return {"population": population, "raised": raised, "assigned": assigned}


def raise_warning(
    *,
    household,
    signal: str,
    on_date: date,
    natural_key: str,
    person=None,
    detail: str = "",
    finding=None,
    source: str = "",
    batch=None,
    amount=None,
    event_date=None,
) -> Warning:
    """One warning (outreach tasks for missed aid come this way); idempotent on the natural key."""
    existing = Warning.unscoped.filter(natural_key=natural_key).first()
    if existing:
        return existing
    rule = SignalRule.objects.filter(signal=signal).first()
    warning = Warning.objects.create(
        natural_key=natural_key,
        signal=signal,
        risk=rule.risk if rule else Risk.MEDIUM,
        household=household,
        person=person,
        source=source,
        batch=batch,
        finding=finding,
        amount=amount,
        event_date=event_date,
        detail=detail[:300],
        raised_on=on_date,
        due_on=on_date + timedelta(days=rule.due_days if rule else 15),
        area_code=household.area_code,
    )
    _event(warning, Stage.UNASSIGNED, on_date, text=detail or "发现线索")
    assign_to_contacts(on_date, Warning.objects.filter(pk=warning.pk))
    assign_warnings(Warning.objects.filter(pk=warning.pk), on_date)
    warning.refresh_from_db()
    return warning


def can_handle(user, warning: Warning) -> bool:
    if not user.is_authenticated or not user.unit_id:
        return False
    if not current_scope().allows(warning.area_code):
        return False
    return user.can(Capability.HANDLE_WARNINGS)


def _move(warning: Warning, user, expected: tuple, **updates) -> None:
    if not can_handle(user, warning):
        raise DomainError(MonitoringCode.NO_PERMISSION, "您不能处置该预警")
    changed = Warning.objects.filter(pk=warning.pk, stage__in=expected, row_version=warning.row_version).update(
        row_version=warning.row_version + 1, **updates
    )
    if not changed:
        raise DomainError(MonitoringCode.STAGE_CONFLICT, "该预警刚被他人处置，请刷新页面")
    for field, value in updates.items():
        setattr(warning, field, value)
    warning.row_version += 1


@transaction.atomic
def record_visit(warning: Warning, *, user, on_date: date, note: str) -> Warning:
    """入户走访: what the 民生员 saw."""
    note = (note or "").strip()
    if not note:
        raise DomainError(MonitoringCode.NOTE_REQUIRED, "请填写走访情况")
    _move(
        warning,
        user,
        (Stage.UNASSIGNED, Stage.ASSIGNED, Stage.VISITED),
        stage=Stage.VISITED,
        visited_on=on_date,
        visit_note=note,
    )
    _event(warning, Stage.VISITED, on_date, user, note)
    return warning


@transaction.atomic
def open_application(warning: Warning, *, user, item_code: str, on_date: date):
    """Outcome 1: an application accepted through the cases engine and linked to the warning."""
    from cases.models import ServiceItem
    from cases.services import accept_application

    if warning.stage != Stage.VISITED:
        raise DomainError(MonitoringCode.VISIT_FIRST, "请先登记走访情况，再发起申请")
    item = ServiceItem.objects.filter(code=item_code, is_active=True).first()
    if item is None:
        raise DomainError(MonitoringCode.NO_ITEM, "找不到该服务事项")
    applicant = warning.person if warning.person_id else None
    acceptance = accept_application(
        user=user, item=item, household=warning.household, on_date=on_date, applicant=applicant, route_to_line=True
    )
    case = acceptance.case
    _move(warning, user, (Stage.VISITED,), stage=Stage.APPLIED, case=case, closed_on=on_date)
    _event(warning, Stage.APPLIED, on_date, user, f"已受理{item.name}，受理编号{case.receipt_no}")
    return case


@transaction.atomic
def close_warning(warning: Warning, *, user, on_date: date, reason: str) -> Warning:
    """Outcome 2: closed with a written reason (no need, help from elsewhere, moved away...)."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(MonitoringCode.REASON_REQUIRED, "结案须写明理由")
    if warning.stage == Stage.ASSIGNED or warning.stage == Stage.UNASSIGNED:
        raise DomainError(MonitoringCode.VISIT_FIRST, "须先入户走访，才能结案")
    _move(warning, user, (Stage.VISITED,), stage=Stage.CLOSED, closure_reason=reason[:300], closed_on=on_date)
    _event(warning, Stage.CLOSED, on_date, user, reason)
    if warning.finding_id:
        from verification.work import resolve_finding

        resolve_finding(warning.finding, on_date=on_date, resolution=f"走访结案：{reason}")
    return warning


def board_counts(on_date: date) -> dict:
    """Every warning by stage, plus the overdue ones: the closed loop at a glance."""
    rows = Warning.objects.aggregate(
        total=Count("id"),
        **{stage: Count("id", filter=Q(stage=stage)) for stage in Stage.values},
        overdue=Count("id", filter=Q(stage__in=Warning.OPEN_STAGES, due_on__lt=on_date)),
    )
    return rows


def overdue_warnings(on_date: date):
    return Warning.objects.filter(stage__in=Warning.OPEN_STAGES, due_on__lt=on_date)


def supervision_rows(on_date: date) -> list[dict]:
    """Overdue warnings per responsible unit (监测预警超期), the monitoring column of the supervision
    board (督办看板; registered as `cases.hooks.OverdueWork`): unit and count."""
    rows = (
        overdue_warnings(on_date)
        .values("assigned_unit", "assigned_unit__name", "assigned_unit__area_code")
        .annotate(overdue_warnings=Count("id"))
        .order_by("-overdue_warnings")
    )
    return [
        {
            "responsible_unit": row["assigned_unit"],
            "responsible_unit__name": row["assigned_unit__name"] or "（未分派）",
            "responsible_unit__area_code": row["assigned_unit__area_code"] or "",
            "count": row["overdue_warnings"],
        }
        for row in rows
    ]


def _outreach_key(request) -> str:
    finding, household, person = request.finding, request.household, request.person
    key = f"missed_aid:{finding.natural_key}" if finding is not None else f"missed_aid:{household.pk}:{person.pk}"
    return key[:120]


def open_outreach_visits(requests, on_date: date) -> list[Warning]:
    """Missed-aid findings of verification (遗漏救助线索) as warnings the village 民生员 must visit and
    close (registered as verification's outreach hook; `requests` are verification.hooks.
    OutreachRequest). Idempotent on the natural key; set-based: the new warnings in one INSERT, their
    first events in another, then assigned together (`assign_warnings`). Returns the warning of each
    request, in order, with who it went to."""
    if not requests:
        return []
    keys = [_outreach_key(request) for request in requests]
    before = set(Warning.unscoped.filter(natural_key__in=keys).values_list("natural_key", flat=True))
    rule = SignalRule.objects.filter(signal=Signal.MISSED_AID).first()
    risk, due = (rule.risk, rule.due_days) if rule else (Risk.MEDIUM, 15)
    fresh, seen = [], set(before)
    for key, request in zip(keys, requests, strict=True):
        if key in seen:
            continue
        seen.add(key)
        fresh.append(
            Warning(
                natural_key=key,
                signal=Signal.MISSED_AID,
                risk=risk,
                household=request.household,
                person=request.person,
                finding=request.finding,
                detail=request.reason[:300],
                raised_on=on_date,
                due_on=on_date + timedelta(days=due),
                area_code=request.household.area_code,
            )
        )
    with transaction.atomic():
        Warning.objects.bulk_create(fresh, ignore_conflicts=True)  # a concurrent run's keys stay theirs
        new = Warning.unscoped.filter(natural_key__in=[w.natural_key for w in fresh], events__isnull=True)
        new_ids = list(new.values_list("pk", flat=True))
        WarningEvent.objects.bulk_create(
            WarningEvent(
                warning_id=pk, stage=Stage.UNASSIGNED, on_date=on_date, actor_name="系统", text=detail or "发现线索"
            )
            for pk, detail in Warning.unscoped.filter(pk__in=new_ids).values_list("pk", "detail")
        )
        assign_to_contacts(on_date, Warning.unscoped.filter(pk__in=new_ids))
        assign_warnings(Warning.unscoped.filter(pk__in=new_ids), on_date)
    by_key = {
        w.natural_key: w
        for w in Warning.unscoped.filter(natural_key__in=keys).select_related("assigned_to", "assigned_unit")
    }
    return [by_key[key] for key in keys]


def run_after_sweep(on_date: date, batch_id: int | None) -> dict[str, int]:
    """Monitoring's signals after each verification sweep (registered as its after-sweep hook):
    how many warnings were raised."""
    return run_monitoring(on_date, batch_id=batch_id)["raised"]


# ------------------------------------------------------------------ field work (issue 20 §2)


def may_assign(user, warning: Warning) -> bool:
    return bool(
        user.is_authenticated
        and user.unit_id
        and current_scope().allows(warning.area_code)
        and user.can(Capability.ASSIGN_WARNINGS)
    )


def assignable_workers(warning: Warning):
    """Who may be given a warning: active staff who handle warnings, in units of the warning's
    township (the village committees and the township office); a short list, not the county."""
    from areas.codes import township_of

    return (
        User.objects.filter(
            is_active=True,
            roles__code__in=roles_with(Capability.HANDLE_WARNINGS),
            unit__area_code__startswith=township_of(warning.area_code)[:9],
        )
        .distinct()
        .select_related("unit")
        .order_by("unit__area_code", "pk")[:100]
    )


def workers_in_scope():
    """Who in the user's area may be given warnings (the board's bulk assignment): a short list."""
    return (
        User.in_jurisdiction.filter(is_active=True, roles__code__in=roles_with(Capability.HANDLE_WARNINGS))
        .distinct()
        .select_related("unit")
        .order_by("unit__area_code", "pk")[:200]
    )


@transaction.atomic
def assign_warning(warning: Warning, *, user, worker: User, due_on: date, on_date: date) -> Warning:
    """分派 by hand: to a named person, with the visit deadline (moved earlier or later by the
    township; never before the day of the warning)."""
    if not may_assign(user, warning):
        raise DomainError(MonitoringCode.NO_PERMISSION, "您不能分派该预警")
    if not worker.is_active or not worker.can(Capability.HANDLE_WARNINGS) or not worker.unit_id:
        raise DomainError(MonitoringCode.BAD_ASSIGNEE, "该人员不能处置预警")
    if not current_scope().allows(worker.unit.area_code) and not worker.unit.area_code.startswith(
        warning.area_code[:9]
    ):
        raise DomainError(MonitoringCode.BAD_ASSIGNEE, "该人员不在预警所在乡镇")
    if due_on < warning.raised_on:
        raise DomainError(MonitoringCode.BAD_DEADLINE, "走访期限不能早于预警日期")
    stage = Stage.ASSIGNED if warning.stage == Stage.UNASSIGNED else warning.stage
    changed = Warning.objects.filter(
        pk=warning.pk, stage__in=Warning.OPEN_STAGES, row_version=warning.row_version
    ).update(
        assigned_to=worker, assigned_unit=worker.unit, due_on=due_on, stage=stage, row_version=F("row_version") + 1
    )
    if not changed:
        raise DomainError(MonitoringCode.STAGE_CONFLICT, "该预警刚被他人处置，请刷新页面")
    warning.refresh_from_db()
    _event(
        warning,
        Stage.ASSIGNED,
        on_date,
        user,
        f"分派给{worker.unit.name}{worker.full_name or worker.username}，限{due_on}前走访",
    )
    return warning


def raise_field_report(*, household, person, detail: str, on_date: date, natural_key: str) -> str:
    """主动发现: a worker reports someone for monitoring by hand (a grid event or a visit); the
    warning goes to the village 民生员 like any other (registered as grid's warning maker)."""
    warning = raise_warning(
        household=household,
        person=person,
        signal=Signal.FIELD_REPORT,
        on_date=on_date,
        natural_key=natural_key[:120],
        detail=detail,
        source="field",
    )
    return f"预警{warning.pk}"


def after_field_visit(visit, user) -> str | None:
    """A structured visit tied to a warning (grid.hooks visit handler): the visit is recorded on
    the warning, then the warning is closed or escalated to the township as the worker chose."""
    warning = Warning.objects.filter(pk=visit.warning_id, household_id=visit.household_id).first()
    if warning is None or not warning.is_open:
        return None
    note = "；".join(
        part
        for part in (
            f"见到{visit.seen}",
            visit.members_changed and f"成员变化：{visit.members_changed}",
            visit.income_changed and f"收入变化：{visit.income_note or visit.monthly_income}",
            visit.health and f"健康：{visit.health}",
            visit.housing and f"住房：{visit.housing}",
            visit.needs and f"需求：{visit.needs}",
        )
        if part
    )
    record_visit(warning, user=user, on_date=visit.visited_on, note=note)
    if visit.warning_outcome == "close":
        close_warning(warning, user=user, on_date=visit.visited_on, reason=f"走访核实：{note}"[:300])
        return "预警已结案"
    if visit.warning_outcome == "escalate":
        return escalate_warning(warning, user=user, on_date=visit.visited_on)
    return "已登记预警走访"


def escalate_warning(warning: Warning, *, user, on_date: date) -> str:
    """走访后上报: the risk becomes high and the township office answers for the warning."""
    from areas.codes import township_of

    township = (
        Unit.unscoped.filter(kind=Unit.Kind.TOWNSHIP_OFFICE, area_code=township_of(warning.area_code), is_active=True)
        .order_by("pk")
        .first()
    )
    Warning.objects.filter(pk=warning.pk).update(
        risk=Risk.HIGH, assigned_unit=township or warning.assigned_unit, row_version=F("row_version") + 1
    )
    _event(warning, Stage.VISITED, on_date, user, f"走访后上报{township.name if township else '乡镇'}，升为高风险")
    return "预警已上报乡镇"
