"""Take-on of a county's existing recipients (存量保障对象导入): the enrolments of a roster.

The registry's importer reads and checks the roster and writes the households and persons; inside
the same transaction it hands the written plans to `write_take_on` (registered through
registry.hooks), which writes one enrolment per household row — programme, amount with its 分类施保
part, the month payment started in the old system, 供养方式 for 特困, the payee when the account is
not the recipient's own (子女代领) — its ENROLLED event and its review schedule, set-based (COPY on
PostgreSQL). The next payment roll then pays what the roster paid, to the fen.

The old system decided these benefits; the take-on does not decide them again. It records them as
they stand, reviewed on the day of the take-on: the next periodic review counts from that day
(policy.rules.next_review_due, the household's review interval from the policy parameters).
"""

import contextlib
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from core.months import month_start
from ledger.models import Enrolment, EnrolmentEvent, ReviewSchedule
from ledger.services import PERSONAL_PROGRAMMES
from policy import rules
from policy.parameters import Policy
from policy.programmes import Programme
from registry.hooks import TakeOn, register_take_on
from registry.importing.checking import HouseholdPlan
from registry.importing.takeon import IndexesSetAside, is_take_on
from registry.importing.writing import TableRows, copy_text, insert_rows, reserve_ids

# What a roster can be taken on into: the monthly cash programmes a county's roster lists.
TAKE_ON_PROGRAMMES = (Programme.DIBAO, Programme.TEKUN, Programme.DISABILITY_LIVING, Programme.DISABILITY_CARE)


def programmes() -> dict[str, str]:
    return {str(code): str(Programme(code).label) for code in TAKE_ON_PROGRAMMES}


def check_take_on(plans: list[HouseholdPlan], *, programme: str) -> list[tuple[HouseholdPlan, str]]:
    """What only the ledger can say about the rows: 特困 needs 供养方式; a matched household or person
    may not already hold the programme, nor one it cannot be held with. Nothing is written."""
    problems = []
    if programme == Programme.TEKUN:
        for plan in plans:
            if plan.takeon is not None and not plan.takeon.care_arrangement:
                problems.append((plan, "特困人员须填写供养方式（分散供养或集中供养）"))
    matched = [plan for plan in plans if plan.household_id is not None]
    if not matched:
        return problems
    household_ids = {plan.household_id for plan in matched}
    person_ids = {person.pk for plan in matched for person in plan.persons if person.matched}
    open_enrolments = Enrolment.unscoped.filter(~Q(status=Enrolment.Status.STOPPED)).filter(
        Q(household_id__in=household_ids) | Q(beneficiary_id__in=person_ids)
    )
    by_household: dict[int, set[str]] = {}
    by_person: dict[int, set[str]] = {}
    for household_id, beneficiary_id, held in open_enrolments.values_list(
        "household_id", "beneficiary_id", "programme"
    ):
        if beneficiary_id is None:
            by_household.setdefault(household_id, set()).add(held)
        else:
            by_person.setdefault(beneficiary_id, set()).add(held)
    policies: dict[str, Policy] = {}
    today = timezone.localdate()
    personal = programme in PERSONAL_PROGRAMMES
    label = Programme(programme).label
    for plan in matched:
        head = plan.head
        household_holds = by_household.get(plan.household_id, set())
        person_holds = [by_person.get(person.pk, set()) for person in plan.persons if person.matched]
        if personal:
            same = programme in by_person.get(head.pk, set()) if head is not None and head.matched else False
        else:
            same = programme in household_holds
        if same:
            problems.append((plan, f"该户已在{label}保障中，不能重复导入"))
            continue
        area = plan.fields["area_code"]
        policy = policies.get(area) or policies.setdefault(area, Policy.for_area(area, today))
        conflict = rules.incompatible_with(policy, programme, household_holds.union(*person_holds))
        if conflict:
            problems.append((plan, f"该户已享受{Programme(conflict).label}，不得同时纳入{label}"))
    return problems


def write_take_on(plans: list[HouseholdPlan], *, programme: str, user, on_date: date) -> dict:
    """The enrolments, their ENROLLED events and review schedules of written plans; returns counts."""
    lines = [plan for plan in plans if plan.takeon is not None]
    if not lines:
        return {"enrolments": 0, "monthly_total": "0.00"}
    # A county's first take-on, larger than the ledger already is, loads like the registry's
    # (registry/importing/takeon.py): indexes and foreign keys set aside and made again once.
    bulk = is_take_on(Enrolment, len(lines))
    with IndexesSetAside(LEDGER_TABLES) if bulk else contextlib.nullcontext():
        return _write(lines, programme=programme, user=user, on_date=on_date, bulk=bulk)


LEDGER_TABLES = (Enrolment, EnrolmentEvent, ReviewSchedule)


def _write(lines: list[HouseholdPlan], *, programme: str, user, on_date: date, bulk: bool) -> dict:
    now = str(connection.ops.adapt_datetimefield_value(timezone.now()))
    enrolment = TableRows(Enrolment, created_at=now, updated_at=now)
    event = TableRows(EnrolmentEvent, recorded_at=now)
    ids = reserve_ids(Enrolment, len(lines), locked=bulk)
    personal = programme in PERSONAL_PROGRAMMES
    reviews: dict[str, tuple[str, str]] = {}  # area → (due, reason): the same facts for every row
    enrolments, events, schedules = [], [], []
    total = Decimal("0")
    e, ev = enrolment.at, event.at
    user_id = user.pk if user is not None else None
    for pk, plan in zip(ids, lines, strict=True):
        line = plan.takeon
        area = plan.fields["area_code"]
        head = plan.head
        covered = 1 if personal else plan.covered_members()
        amount = line.amount
        total += amount
        start = month_start(line.start_month).isoformat()
        row = enrolment.base.copy()
        row[e["id"]] = pk
        row[e["programme"]], row[e["household_id"]], row[e["area_code"]] = programme, plan.household_id, area
        row[e["beneficiary_id"]] = head.pk if personal and head is not None else None
        row[e["certificate_number"]], row[e["status"]] = line.certificate[:40], Enrolment.Status.IN_PAYMENT.value
        row[e["covered_members"]], row[e["monthly_amount"]] = covered, str(amount)
        row[e["classified_extra"]], row[e["care_arrangement"]] = str(line.extra), line.care_arrangement
        row[e["payee_name"]], row[e["payee_id_number"]] = line.payee_name[:50], line.payee_id
        row[e["start_month"]], row[e["end_month"]] = start, None
        row[e["review_basis"]], row[e["last_reviewed_on"]] = Enrolment.ReviewBasis.STABLE.value, on_date.isoformat()
        row[e["version"]] = 1
        enrolments.append(row)
        details = {"来源": "存量保障对象导入", "户月保障金额": str(line.base), "分类施保": str(line.extra)}
        details |= {key: value for key, value in (("分档", line.tier), ("备注", line.remarks)) if value}
        record = event.base.copy()
        record[ev["enrolment_id"]], record[ev["area_code"]] = pk, area
        record[ev["kind"]], record[ev["effective_month"]] = EnrolmentEvent.Kind.ENROLLED.value, start
        record[ev["status_after"]], record[ev["amount_after"]] = Enrolment.Status.IN_PAYMENT.value, str(amount)
        record[ev["reason"]] = f"存量保障对象导入（原系统自{line.start_month:%Y年%m月}起发放）"
        record[ev["details"]] = _json(details)
        record[ev["recorded_by_id"]] = user_id
        events.append(record)
        review = reviews.get(area)
        if review is None:
            due, reason = rules.next_review_due(Policy.for_area(area, on_date), rules.ReviewFacts(on_date, True, False))
            review = reviews[area] = (due.isoformat(), str(reason))
        schedules.append([pk, area, *review])
    event_columns = [column for column in event.columns if column != "id"]
    events = [record[1:] for record in events]
    if connection.vendor == "postgresql":
        enrolments, events = copy_text(enrolments), copy_text(events)
    insert_rows(Enrolment, enrolment.columns, enrolments)
    insert_rows(EnrolmentEvent, event_columns, events)
    insert_rows(ReviewSchedule, ["enrolment_id", "area_code", "due_on", "reason"], schedules)
    return {"enrolments": len(lines), "monthly_total": f"{total:.2f}", "ledger_bulk": int(bulk)}


def _json(value: dict) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


register_take_on(TakeOn(programmes(), check_take_on, write_take_on))
