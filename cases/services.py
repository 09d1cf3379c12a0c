"""Accepting an application (受理) and running its clock: receipt number, one-time notice of missing
materials (一次性告知), instantiating the steps of the case's catalogue version, activating steps."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.db.models import OuterRef, Q, Subquery

from accounts.models import Unit
from accounts.roles import Capability, roles_can
from areas.codes import county_of, level_of, township_of
from areas.jurisdiction import current_scope
from audit.models import AuditEntry
from audit.services import chained_at_end, field_changes, record, update_logged
from cases import events
from cases.access import can_accept
from cases.catalogue import current_version, remember_rules, version_rules, window_level
from cases.deadlines import statutory_period_start
from cases.errors import CaseCode
from cases.hooks import check_acceptance_guards, line_intake_for
from cases.models import (
    Case,
    CaseDocument,
    CaseStep,
    PauseInterval,
    ReceiptCounter,
    ServiceItem,
    StepDefinition,
)
from cases.models.catalogue import LEVEL_UNIT_KIND, Level
from cases.workdays import WorkCalendar
from core.errors import DomainError
from registry.models import Document, Household, Membership, Person
from registry.services import MissingDocument, current_members, library_documents, missing_documents

LEVEL_LABEL = dict(Level.choices)


@dataclass(frozen=True)
class Acceptance:
    case: Case
    missing: list[MissingDocument]
    steps: list[CaseStep]


def next_receipt_no(county_code: str, on_date: date) -> str:
    """受理编号: county (6) + date (8) + daily sequence (4). One upsert statement of its own (autocommit
    outside a transaction), so the counter row is not held while the case is written (a failed
    acceptance leaves a gap)."""
    key = f"{county_code[:6]}{on_date:%Y%m%d}"
    table = connection.ops.quote_name(ReceiptCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO {table} ("key", "value") VALUES (%s, 1) '  # noqa: S608 - the table name is ours
            f'ON CONFLICT ("key") DO UPDATE SET "value" = {table}."value" + 1 RETURNING "value"',
            [key],
        )
        value = cursor.fetchone()[0]
    return f"{key}{value:04d}"


def next_receipt_nos(county_code: str, on_date: date, count: int) -> list[str]:
    """`count` receipt numbers of one county and day in one upsert (the counter moves by `count`),
    for cases opened together (`open_cases_by_system`)."""
    if count <= 0:
        return []
    key = f"{county_code[:6]}{on_date:%Y%m%d}"
    table = connection.ops.quote_name(ReceiptCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO {table} ("key", "value") VALUES (%s, %s) '  # noqa: S608 - the table name is ours
            f'ON CONFLICT ("key") DO UPDATE SET "value" = {table}."value" + %s RETURNING "value"',
            [key, count, count],
        )
        last = cursor.fetchone()[0]
    return [f"{key}{value:04d}" for value in range(last - count + 1, last + 1)]


def _level_codes(area_code: str) -> dict[str, str]:
    """The area's code at each level; a level above the area (a county-owned case has no township)
    is left out, so its steps climb to the next level."""
    rank = {"village": 0, "grid": 0, "township": 1, "county": 2}.get(level_of(area_code), 2)
    codes = {Level.COUNTY: county_of(area_code)}
    if rank <= 1:
        codes[Level.TOWNSHIP] = township_of(area_code)
    if rank == 0:
        codes[Level.VILLAGE] = area_code[:12]
    return codes


def unit_candidates(area_codes: Iterable[str]) -> dict[tuple[str, str], Unit]:
    """The active units of every level of these areas, by (kind, area code) — the lowest id of a
    kind and area wins — in one query: what `responsible_units` chooses from."""
    codes = {code for area_code in area_codes for code in _level_codes(area_code).values()}
    units = Unit.unscoped.filter(area_code__in=sorted(codes), is_active=True).order_by("-pk")
    return {(unit.kind, unit.area_code): unit for unit in units}


def responsible_units(
    definitions: list[StepDefinition],
    area_code: str,
    accepting_unit: Unit,
    candidates: dict[tuple[str, str], Unit] | None = None,
) -> list[Unit | None]:
    """The unit answering for each step: the accepting window, or the unit of the step's level in the
    household's area, climbing to the next level when that area has no such unit.

    Units are reference data, read unscoped (one query, or `unit_candidates` read once for many
    cases): a village window must route a case up."""
    codes = _level_codes(area_code)
    if candidates is None:
        candidates = unit_candidates([area_code])
    chain = [Level.VILLAGE, Level.TOWNSHIP, Level.COUNTY]
    result = []
    for definition in definitions:
        unit = accepting_unit if definition.level == StepDefinition.ACCEPTING else None
        if unit is None:
            for level in chain[chain.index(definition.level) :]:
                kind = definition.responsible_kind if level == definition.level else LEVEL_UNIT_KIND[level]
                unit = candidates.get((kind, codes.get(level, "")))
                if unit is not None:
                    break
        result.append(unit)
    return result


def accept_application(
    *,
    user,
    item: ServiceItem,
    household: Household,
    on_date: date,
    applicant: Person | None = None,
    documents: Iterable[int] = (),
    phone: str = "",
    proxy: bool | None = None,
    calendar: WorkCalendar | None = None,
    subject: Person | None = None,
    route_to_line: bool = False,
) -> Acceptance:
    """受理 at the user's window; missing materials put the case on hold with a one-time notice.
    `subject`: the person a personal item is for, when not the applicant (business lines' guards).
    `route_to_line`: the one-window paths (the desk, the API, a warning's or a grid event's 转化为申请)
    hand an item a business line takes in itself (hooks.register_line_intake: every 社会救助 case has
    its assistance application) to that line, which calls back without it."""
    if not can_accept(user):
        raise DomainError(CaseCode.NO_PERMISSION, "您没有受理申请的权限")
    if route_to_line and (intake := line_intake_for(item.code)) is not None:
        return intake(
            user=user,
            item=item,
            household=household,
            on_date=on_date,
            applicant=applicant,
            documents=documents,
            phone=phone,
            calendar=calendar,
            subject=subject,
        )
    level = window_level(user.unit.area_code)
    if not item.is_active or level not in item.accept_levels:
        allowed = "、".join(str(LEVEL_LABEL.get(x, x)) for x in item.accept_levels)
        raise DomainError(CaseCode.LEVEL_NOT_ALLOWED, f"“{item.name}”由{allowed}受理，本窗口不能受理")
    if not current_scope().allows(household.area_code) or not item.applies_to(household.area_code):
        raise DomainError(CaseCode.OUTSIDE_JURISDICTION, "该家庭不在本窗口辖区，请到其常住地窗口申请")
    version = current_version(item, on_date)
    members = {person.pk: person for person in current_members(household.pk)}
    applicant = applicant or household.head
    if applicant is None or applicant.pk not in members:
        raise DomainError(CaseCode.APPLICANT_NOT_MEMBER, "申请人须为该户现有成员")
    check_acceptance_guards(item=item, household=household, applicant=applicant, subject=subject)
    calendar = calendar or WorkCalendar()
    required, definitions = rules = version_rules(version)
    library = library_documents(household.pk, required, members=list(members.values()))
    missing = missing_documents(household, required, on_date, members=list(members.values()), documents=library)
    if not definitions:
        raise DomainError(CaseCode.NO_VERSION, f"“{item.name}”的流程没有设置办理环节")
    units = responsible_units(definitions, household.area_code, user.unit)
    if any(unit is None for unit in units):
        raise DomainError(CaseCode.NO_UNIT, "找不到某个环节的责任单位，请联系管理员配置单位")
    receipt_no = next_receipt_no(household.area_code, on_date)
    with chained_at_end():
        case = Case(
            receipt_no=receipt_no,
            item=item,
            version=version,
            household=household,
            applicant=applicant,
            phone=phone or household.phone or applicant.phone,
            accepting_unit=user.unit,
            accepted_by=user,
            proxy=roles_can(user.role_codes, Capability.APPLY_ON_BEHALF) if proxy is None else proxy,
            accepted_on=on_date,
            status=Case.Status.MATERIALS if missing else Case.Status.IN_PROGRESS,
            paused_on=on_date if missing else None,
            area_code=household.area_code,
        )
        case.save(force_insert=True)  # logged by the audit's post_save receiver
        steps = CaseStep.objects.bulk_create(
            [
                CaseStep(
                    case=case,
                    definition=definition,
                    order=definition.order,
                    name=definition.name,
                    responsible_unit=unit,
                    area_code=case.area_code,
                )
                for definition, unit in zip(definitions, units, strict=True)
            ]
        )
        link_documents(case, required, documents, on_date, library=library)
        events.case_accepted(case, user, on_date)
        if missing:
            PauseInterval.objects.create(case=case, kind=PauseInterval.Kind.MATERIALS, started_on=on_date)
            events.materials_notice_issued(case, user, on_date, [m.text for m in missing])
        else:
            start_clock(case, steps[0], on_date, calendar)
        remember_rules(version, rules)
    return Acceptance(case=case, missing=missing, steps=steps)


def link_documents(
    case: Case,
    required: list[str],
    chosen: Iterable[int],
    on_date: date,
    library: list[Document] | None = None,
) -> None:
    """Record which library documents the case uses: those picked at the window, else the current ones.

    `library` is given for a new case (`library_documents`, read once for the acceptance)."""
    if library is None:
        already = set(CaseDocument.objects.filter(case=case).values_list("document_id", flat=True))
        library = library_documents(case.household_id, required)
    else:
        already = set()
    chosen = {int(pk) for pk in chosen}
    CaseDocument.objects.bulk_create(
        [
            CaseDocument(case=case, doc_type_id=doc.doc_type_id, document=doc, linked_on=on_date)
            for doc in library
            if doc.pk not in already and (not chosen or doc.pk in chosen)
        ]
    )


def supply_materials(*, user, case: Case, on_date: date, calendar: WorkCalendar | None = None) -> Case:
    """The applicant brought what the one-time notice listed: check again and start the clock."""
    if case.status != Case.Status.MATERIALS:
        raise DomainError(CaseCode.STEP_NOT_ACTIVE, "该办件不在待补齐材料状态")
    if not can_accept(user):
        raise DomainError(CaseCode.NO_PERMISSION, "您没有受理申请的权限")
    calendar = calendar or WorkCalendar()
    missing = missing_documents(case.household, case.version.required_codes(), on_date)
    if missing:
        raise DomainError(
            CaseCode.MATERIALS_MISSING,
            "仍缺少材料：" + "；".join(m.text for m in missing),
            missing=[m.text for m in missing],
        )
    with chained_at_end():
        paused_on = case.paused_on
        if not update_logged(
            Case.objects.filter(status=Case.Status.MATERIALS), case, status=Case.Status.IN_PROGRESS, paused_on=None
        ):
            raise DomainError(CaseCode.STEP_CONFLICT, "材料已由他人确认补齐，请刷新页面")
        PauseInterval.objects.filter(case=case, kind=PauseInterval.Kind.MATERIALS, ended_on__isnull=True).update(
            ended_on=on_date, working_days=max(0, calendar.working_days_between(paused_on, on_date))
        )
        link_documents(case, case.version.required_codes(), (), on_date)
        events.materials_supplied(case, user, on_date)
        start_clock(case, case.steps.order_by("order").first(), on_date, calendar)
    return case


def start_clock(case: Case, first: CaseStep, on_date: date, calendar: WorkCalendar) -> None:
    case.clock_started_on = on_date
    case.due_on = calendar.add_working_days(on_date, case.version.total_limit_wd)
    activate_step(case, first, on_date, calendar)  # writes the clock with the current step


def waiting_period_start(case: Case, step: CaseStep, on_date: date) -> date:
    """A statutory period runs from the event the law names (deadlines.statutory_period_start):
    the end of the waiting period just before it, or the day the application was received."""
    previous = case.steps.filter(order__lt=step.order).select_related("definition").order_by("-order").first()
    previous_end = (
        previous.due_on if previous is not None and previous.definition.kind == StepDefinition.Kind.WAITING else None
    )
    received = case.clock_started_on or case.accepted_on or on_date
    return statutory_period_start(received_on=received, previous_period_end=previous_end)


def activate_step(case: Case, step: CaseStep, on_date: date, calendar: WorkCalendar) -> CaseStep:
    """Start a step: its deadline on the calendar; a notice or statutory period may stop the case clock."""
    definition = step.definition
    pauses, pause_kind = False, PauseInterval.Kind.NOTICE
    if definition.kind == StepDefinition.Kind.NOTICE:
        days = case.version.notice_period_days()
        due = calendar.add_calendar_days(on_date, days, roll_to_workday=definition.rolls_to_workday)
        pauses = case.version.notice_pauses_clock or definition.pauses_case_clock
    elif definition.kind == StepDefinition.Kind.WAITING:
        start = waiting_period_start(case, step, on_date)
        due = calendar.add_calendar_days(start, definition.calendar_days, roll_to_workday=definition.rolls_to_workday)
        pauses, pause_kind = definition.pauses_case_clock, PauseInterval.Kind.PERIOD
    else:
        due = calendar.add_working_days(on_date, definition.limit_wd or 1)
    if pauses:
        extension = max(0, calendar.working_days_between(on_date, due))
        PauseInterval.objects.create(
            case=case, step=step, kind=pause_kind, started_on=on_date, ended_on=due, working_days=extension
        )
        if extension:
            case.due_on = calendar.add_working_days(case.due_on, extension)
    started = {"state": CaseStep.State.ACTIVE, "started_on": on_date, "due_on": due, "light": CaseStep.Light.GREEN}
    if not CaseStep.objects.filter(pk=step.pk, state=CaseStep.State.PENDING).update(**started):
        raise DomainError(CaseCode.STEP_CONFLICT, "该环节已开始办理，请刷新页面")
    for name, value in started.items():
        setattr(step, name, value)
    update_logged(
        Case.objects.all(), case, current_step=step, due_on=case.due_on, clock_started_on=case.clock_started_on
    )
    events.step_started(step, on_date)
    if definition.joint_departments:
        from cases.transfers import request_opinions

        request_opinions(step, definition.joint_departments, on_date, calendar)
    return step


@dataclass(frozen=True)
class SystemOpening:
    """One case the system opens on its own initiative (依职权): a household, the member it concerns,
    and why (said on the case's timeline)."""

    household: Household
    applicant: Person
    reason: str


def open_cases_by_system(item: ServiceItem, openings: list[SystemOpening], *, on_date: date) -> list[Case | None]:
    """Cases the system opens itself, many at once (a review the sweep or the schedule opens, 依职权):
    accepted at the window of the household's township (its 民政办), in no clerk's name
    (`accepted_by` empty, the timeline says 系统), and with the clock running from `on_date` — the
    household applied for nothing, so no material it lacks holds the case; its current documents
    are linked for the clerk. The first step is in the township office's queue.

    Set-based: the item's rules, the units, the members and the documents are read once for all,
    the receipt numbers are one upsert per county, the cases, steps, documents and events one
    INSERT each (audit entries joining the chain at the end). Returns the case of each opening in
    order, None where the household's township has no office to accept it."""
    if not openings:
        return []
    version = current_version(item, on_date)
    required, definitions = rules = version_rules(version)
    if not definitions:
        raise DomainError(CaseCode.NO_VERSION, f"“{item.name}”的流程没有设置办理环节")
    calendar = WorkCalendar()
    areas = [opening.household.area_code for opening in openings]
    candidates = unit_candidates(areas)
    windows = [candidates.get((Unit.Kind.TOWNSHIP_OFFICE, township_of(area))) for area in areas]
    first = definitions[0]
    plain_first = first.kind == StepDefinition.Kind.HANDLE and not first.joint_departments
    first_due = calendar.add_working_days(on_date, first.limit_wd or 1) if plain_first else None
    case_due = calendar.add_working_days(on_date, version.total_limit_wd)
    numbers: dict[str, list[str]] = {}
    for county in sorted({county_of(area) for area, window in zip(areas, windows, strict=True) if window}):
        wanted = sum(1 for area, w in zip(areas, windows, strict=True) if w and county_of(area) == county)
        numbers[county] = next_receipt_nos(county, on_date, wanted)
    with chained_at_end():
        cases: list[Case | None] = []
        for opening, window in zip(openings, windows, strict=True):
            if window is None:
                cases.append(None)
                continue
            household = opening.household
            cases.append(
                Case(
                    receipt_no=numbers[county_of(household.area_code)].pop(0),
                    item=item,
                    version=version,
                    household=household,
                    applicant=opening.applicant,
                    phone=household.phone or opening.applicant.phone,
                    accepting_unit=window,
                    accepted_by=None,
                    proxy=False,
                    accepted_on=on_date,
                    status=Case.Status.IN_PROGRESS,
                    clock_started_on=on_date,
                    due_on=case_due,
                    area_code=household.area_code,
                )
            )
        opened = [case for case in cases if case is not None]
        Case.objects.bulk_create(opened)
        steps: list[CaseStep] = []
        for case in opened:
            units = responsible_units(definitions, case.area_code, case.accepting_unit, candidates)
            for n, (definition, unit) in enumerate(zip(definitions, units, strict=True)):
                active = n == 0 and plain_first
                steps.append(
                    CaseStep(
                        case=case,
                        definition=definition,
                        order=definition.order,
                        name=definition.name,
                        responsible_unit=unit,
                        area_code=case.area_code,
                        state=CaseStep.State.ACTIVE if active else CaseStep.State.PENDING,
                        started_on=on_date if active else None,
                        due_on=first_due if active else None,
                        light=CaseStep.Light.GREEN if active else CaseStep.Light.NONE,
                    )
                )
        CaseStep.objects.bulk_create(steps)
        first_steps = steps[:: len(definitions)]
        _link_current_documents(opened, required, on_date)
        reasons = [opening.reason for opening, case in zip(openings, cases, strict=True) if case is not None]
        events.cases_opened_by_system(opened, reasons, on_date)
        for case, step in zip(opened, first_steps, strict=True):
            if plain_first:
                case.current_step = step
            case._audit_snapshot = case.audit_values()
            record(AuditEntry.Action.CREATE, obj=case, changes=field_changes(Case, {}, case._audit_snapshot))
        if plain_first:
            Case.objects.filter(pk__in=[case.pk for case in opened]).update(
                current_step=Subquery(CaseStep.objects.filter(case=OuterRef("pk"), order=first.order).values("pk")[:1])
            )
            events.steps_started(first_steps, on_date)
        else:  # a notice, a waiting period or joint opinions first: the one-case path starts it
            for case, step in zip(opened, first_steps, strict=True):
                activate_step(case, step, on_date, calendar)
        remember_rules(version, rules)
    return cases


def _link_current_documents(cases: list[Case], required: list[str], on_date: date) -> None:
    """Each case uses the current documents of the required types that its household or a current
    member holds (`link_documents` for one case), read in one query for all."""
    if not cases or not required:
        return
    by_household = {case.household_id: case for case in cases}
    holders = dict(
        Membership.objects.filter(household_id__in=list(by_household), end_date__isnull=True).values_list(
            "person_id", "household_id"
        )
    )
    documents = Document.objects.filter(
        Q(household_id__in=list(by_household)) | Q(person_id__in=list(holders)),
        is_current=True,
        doc_type_id__in=required,
    )
    CaseDocument.objects.bulk_create(
        CaseDocument(
            case=by_household[document.household_id or holders[document.person_id]],
            doc_type_id=document.doc_type_id,
            document=document,
            linked_on=on_date,
        )
        for document in documents
        if (document.household_id or holders.get(document.person_id)) in by_household
    )
