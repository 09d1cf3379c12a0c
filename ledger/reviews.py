"""Dynamic management (动态管理): the review schedule, computed set-based in the database.

Stable households are reviewed yearly, households with irregular income or members able to work
every 6 months, and a household where a member died within 3 months of the death — whichever
comes first (policy.rules.next_review_due says the same for one enrolment). The periods are
policy parameters of each county, so the job runs one statement per county: it computes every open
enrolment's due date and upserts it into the narrow ledger_reviewschedule table, writing only the
rows whose date or reason changed; it never loops over enrolments in Python and never rewrites
the wide enrolment rows. Running it twice changes nothing the second time.
"""

from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction
from django.db.models.functions import Substr

from areas.jurisdiction import current_scope
from ledger.models import Enrolment, ReviewSchedule
from policy.parameters import Policy
from policy.programmes import ParameterKey as K
from policy.programmes import ReviewReason

OPEN_STATUSES = (Enrolment.Status.IN_PAYMENT, Enrolment.Status.SUSPENDED)


def _add_months_sql(column: str, months_param: str) -> str:
    """`column` plus N months, clamped to the month's last day (31 Aug + 6 → 28 Feb), per vendor."""
    if connection.vendor == "postgresql":
        return f"({column} + make_interval(months => {months_param}))::date"
    shifted = f"date({column}, '+' || {months_param} || ' months')"
    clamped = f"date({column}, 'start of month', '+' || ({months_param} + 1) || ' months', '-1 day')"
    # %% because the statement goes through the driver's parameter substitution.
    return f"(CASE WHEN strftime('%%d', {shifted}) = strftime('%%d', {column}) THEN {shifted} ELSE {clamped} END)"


def _upsert_sql() -> str:
    periodic = _add_months_sql(
        "e.last_reviewed_on", "(CASE WHEN e.review_basis = 'stable' THEN %(stable)s ELSE %(unstable)s END)"
    )
    after_death = _add_months_sql("d.died", "%(death)s")
    least = "LEAST" if connection.vendor == "postgresql" else "MIN"
    # Only the fixed fragments above are interpolated; every value is a bound parameter.
    # "WHERE true": SQLite needs it to read ON CONFLICT as the upsert clause, not a join condition.
    # The INSERT comes first (CTEs inside it): Python's sqlite3 reports a row count only for
    # statements that start with INSERT/UPDATE/DELETE. (Computing into a temporary table and writing
    # only the changed and new rows measured no faster at 300,000, first run or re-run.)
    return f"""
INSERT INTO ledger_reviewschedule (enrolment_id, area_code, due_on, reason)
WITH deaths AS (
    SELECT m.household_id, MAX(p.death_date) AS died
    FROM registry_person p JOIN registry_membership m ON m.person_id = p.id
    WHERE p.death_date IS NOT NULL
    GROUP BY m.household_id
),
calc AS (
    SELECT e.id, e.area_code, e.review_basis,
           {periodic} AS periodic,
           CASE WHEN d.died > e.last_reviewed_on THEN {after_death} END AS after_death
    FROM ledger_enrolment e LEFT JOIN deaths d ON d.household_id = e.household_id
    WHERE e.status IN (%(in_payment)s, %(suspended)s) AND e.area_code LIKE %(prefix)s
)
SELECT id, area_code,
       {least}(periodic, COALESCE(after_death, periodic)),
       CASE WHEN after_death < periodic THEN %(reason_death)s
            WHEN review_basis = 'stable' THEN %(reason_stable)s
            ELSE %(reason_unstable)s END
FROM calc
WHERE true
ON CONFLICT (enrolment_id) DO UPDATE SET due_on = excluded.due_on, reason = excluded.reason
WHERE ledger_reviewschedule.due_on <> excluded.due_on OR ledger_reviewschedule.reason <> excluded.reason
"""  # noqa: S608


@dataclass(frozen=True)
class ScheduleReport:
    counties: int
    changed: int
    due_within_window: int


def schedule_reviews(on_date: date, window_days: int = 30) -> ScheduleReport:
    """Recompute every open enrolment's review date inside the current jurisdiction."""
    scope = current_scope()
    # One row per county from the database (not every enrolment's code: the model's ordering would
    # otherwise join the DISTINCT and return all 300,000).
    counties = list(
        Enrolment.objects.annotate(county=Substr("area_code", 1, 6))
        .values_list("county", flat=True)
        .distinct()
        .order_by("county")
    )
    changed = 0
    sql = _upsert_sql()
    with transaction.atomic(), connection.cursor() as cursor:
        for county in counties:
            policy = Policy.for_area(county + "000000", on_date)
            prefix = county if len(scope.prefix) <= 6 else scope.prefix
            cursor.execute(
                sql,
                {
                    "stable": policy.months(K.REVIEW_STABLE_MONTHS),
                    "unstable": policy.months(K.REVIEW_UNSTABLE_MONTHS),
                    "death": policy.months(K.REVIEW_AFTER_DEATH_MONTHS),
                    "prefix": prefix + "%",
                    "in_payment": Enrolment.Status.IN_PAYMENT,
                    "suspended": Enrolment.Status.SUSPENDED,
                    "reason_death": ReviewReason.DEATH,
                    "reason_stable": ReviewReason.STABLE,
                    "reason_unstable": ReviewReason.UNSTABLE,
                },
            )
            changed += max(cursor.rowcount, 0)
    horizon = date.fromordinal(on_date.toordinal() + window_days)
    due = ReviewSchedule.objects.filter(due_on__lte=horizon).count()
    return ScheduleReport(counties=len(counties), changed=changed, due_within_window=due)


# ------------------------------------------------------------------ review cases (复核案件)


@dataclass(frozen=True)
class ReviewOpening:
    opened: int
    already_open: int
    without_clerk: list[str]


def _township_clerks(township_codes: set[str]) -> dict[str, object]:
    """One acting clerk per township office (the lowest id, so re-runs pick the same person)."""
    from accounts.models import Unit, User
    from accounts.roles import RoleCode

    clerks = (
        User.objects.filter(
            is_active=True,
            unit__kind=Unit.Kind.TOWNSHIP_OFFICE,
            unit__area_code__in=township_codes,
            roles__code=RoleCode.CLERK,
        )
        .select_related("unit")
        .order_by("pk")
    )
    chosen: dict[str, object] = {}
    for clerk in clerks:
        chosen.setdefault(clerk.unit.area_code, clerk)
    return chosen


def open_review_cases(on_date: date, window_days: int = 30, item_code: str = "dibao_change") -> ReviewOpening:
    """After `schedule_reviews`: a review case in the responsible township's queue for every open
    enrolment due within the window that has no open review case. The due set is selected in one
    query; each case is then accepted through the cases engine (a few per township per month)."""
    from assistance.casework import ReviewCase
    from cases.models import Case, ServiceItem
    from cases.services import accept_application

    horizon = date.fromordinal(on_date.toordinal() + window_days)
    open_reviews = ReviewCase.objects.filter(case__status__in=Case.OPEN).values("enrolment_id")
    due_now = ReviewSchedule.objects.filter(due_on__lte=horizon)
    already = due_now.filter(enrolment_id__in=open_reviews).count()
    due = list(
        due_now.exclude(enrolment_id__in=open_reviews)
        .select_related("enrolment__household__head", "enrolment__beneficiary")
        .order_by("area_code", "enrolment_id")
    )
    clerks = _township_clerks({s.area_code[:9] + "000" for s in due})
    item = ServiceItem.objects.get(code=item_code)
    opened, missing = 0, set()
    for schedule in due:
        enrolment = schedule.enrolment
        clerk = clerks.get(schedule.area_code[:9] + "000")
        if clerk is None:
            missing.add(schedule.area_code[:9] + "000")
            continue
        with transaction.atomic():
            case = accept_application(
                user=clerk,
                item=item,
                household=enrolment.household,
                on_date=on_date,
                applicant=enrolment.beneficiary or enrolment.household.head,
                proxy=False,
            ).case
            ReviewCase.objects.create(
                enrolment=enrolment,
                case=case,
                opened_on=on_date,
                due_on=schedule.due_on,
                reason=schedule.get_reason_display(),
                area_code=enrolment.area_code,
            )
        opened += 1
    return ReviewOpening(opened=opened, already_open=already, without_clerk=sorted(missing))
