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

from areas.codes import prefix_of, township_of
from areas.jurisdiction import current_scope
from core.months import add_months_sql
from ledger.models import Enrolment, ReviewSchedule
from policy.parameters import Policy
from policy.programmes import ParameterKey as K
from policy.programmes import ReviewReason

OPEN_STATUSES = (Enrolment.Status.IN_PAYMENT, Enrolment.Status.SUSPENDED)


def _upsert_sql() -> str:
    vendor = connection.vendor
    periodic = add_months_sql(
        "e.last_reviewed_on", "(CASE WHEN e.review_basis = 'stable' THEN %(stable)s ELSE %(unstable)s END)", vendor
    )
    after_death = add_months_sql("d.died", "%(death)s", vendor)
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

REVIEW_ITEM = "dibao_change"  # 低保待遇变更: the catalogue item a review runs as


@dataclass(frozen=True)
class ReviewOpening:
    opened: int
    already_open: int
    without_clerk: list[str]


@dataclass(frozen=True)
class OpenedReview:
    """What `open_review_case` did: the case (None when it could not open one) and a note for the
    user — empty when a new case was accepted, else why it joined an open one or opened none."""

    case: object
    note: str
    created: bool


JOINED = "并入该户正在办理的复核办件"


@dataclass(frozen=True)
class ReviewRequest:
    """One household to review, as `open_review_cases_for` takes it: why, by when, the enrolment
    under review when known, and the verification finding that asked (if any)."""

    household: object
    reason: str
    due_on: date | None = None
    enrolment: object = None
    finding_id: int | None = None


def _clerk_window(household, user, item):
    """The asking user, when a person asks and their window may accept this item for the
    household's area: the case is then accepted in their name, as at the counter."""
    from cases.access import can_accept
    from cases.catalogue import window_level

    if user is not None and getattr(user, "pk", None) and user.unit_id and can_accept(user):
        allowed = window_level(user.unit.area_code) in item.accept_levels
        if allowed and household.area_code.startswith(prefix_of(user.unit.area_code)):
            return user
    return None


def open_review_case(
    household,
    *,
    reason: str,
    on_date: date,
    due_on: date | None = None,
    user=None,
    enrolment=None,
    origin: str = "schedule",
    finding_id=None,
) -> OpenedReview:
    """The one way a review (复核) of a household starts, whoever asks: the review schedule, a
    verification finding, a death. An open review case of the household is joined rather than
    doubled; otherwise a 低保待遇变更 case is accepted at the household's township window — in
    the asking user's name when their window may accept it, else by the system on its own
    initiative (`open_review_cases_for`) — and the audit log says who and why. Business lines learn
    of it through `ledger.hooks.review_opened` (assistance keeps its review record of the
    enrolment there)."""
    from audit.models import AuditEntry
    from audit.services import record
    from cases.models import Case, ServiceItem
    from cases.services import accept_application
    from core.errors import DomainError
    from ledger import hooks

    item = ServiceItem.objects.filter(code=REVIEW_ITEM, is_active=True).first()
    clerk = _clerk_window(household, user, item) if item is not None else None
    request = ReviewRequest(household, reason, due_on, enrolment, finding_id)
    if clerk is None:
        return open_review_cases_for([request], on_date=on_date, origin=origin)[0]
    existing = (
        Case.objects.filter(household=household, item__code=REVIEW_ITEM, status__in=Case.OPEN).order_by("-pk").first()
    )
    if existing is not None:
        hooks.review_opened(existing, enrolment=enrolment, on_date=on_date, due_on=due_on, reason=reason)
        return OpenedReview(existing, JOINED, created=False)
    members = [m.person for m in household.current_memberships()]
    applicant = (enrolment.beneficiary if enrolment is not None else None) or next(
        (p for p in members if p.is_alive), household.head
    )
    try:
        with transaction.atomic():
            case = accept_application(
                user=clerk, item=item, household=household, on_date=on_date, applicant=applicant, proxy=False
            ).case
            record(AuditEntry.Action.CREATE, obj=case, changes=_origin(request, origin, clerk.username))
            hooks.review_opened(case, enrolment=enrolment, on_date=on_date, due_on=due_on, reason=reason)
    except DomainError as exc:
        return OpenedReview(None, f"发起复核失败：{exc}", created=False)
    return OpenedReview(case, "", created=True)


def _origin(request: ReviewRequest, origin: str, accepted_as: str) -> dict:
    return {
        "origin": origin,
        "finding": request.finding_id,
        "reason": request.reason,
        "review_due": request.due_on.isoformat() if request.due_on else None,
        "accepted_as": accepted_as,
    }


def _applicants(requests: list[ReviewRequest]) -> dict[int, object]:
    """The member each household's review names: the enrolment's beneficiary, else the first living
    current member (by relation), else the head — every household's members in one query."""
    from registry.models import Membership

    members: dict[int, list] = {}
    households = {request.household.pk for request in requests}
    for membership in (
        Membership.objects.filter(household_id__in=sorted(households), end_date__isnull=True)
        .select_related("person")
        .order_by("household_id", "relation", "id")
    ):
        members.setdefault(membership.household_id, []).append(membership.person)
    chosen = {}
    for request in requests:
        household = request.household
        beneficiary = request.enrolment.beneficiary if request.enrolment is not None else None
        living = [p for p in members.get(household.pk, []) if p.is_alive]
        chosen.setdefault(household.pk, beneficiary or (living[0] if living else household.head))
    return chosen


def open_review_cases_for(requests: list[ReviewRequest], *, on_date: date, origin: str) -> list[OpenedReview]:
    """Reviews of many households at once, opened by the system on its own initiative (依职权): no
    clerk's name, the clock running from `on_date`, the first step in the queue of the household's
    township office (cases.services.open_cases_by_system). A household with an open review case joins
    it; two requests for one household make one case. Set-based: a sweep's follow-up opens thousands
    in a few statements. Returns what happened to each request, in order."""
    from audit.models import AuditEntry
    from audit.services import chained_at_end, record
    from cases.models import Case, ServiceItem
    from cases.services import SystemOpening, open_cases_by_system
    from core.errors import DomainError
    from ledger import hooks

    if not requests:
        return []
    households = sorted({request.household.pk for request in requests})
    open_cases = {
        case.household_id: case
        for case in Case.objects.filter(household_id__in=households, item__code=REVIEW_ITEM, status__in=Case.OPEN)
        .select_related("item")
        .order_by("pk")
    }
    first_of: dict[int, int] = {}
    for n, request in enumerate(requests):
        if request.household.pk not in open_cases:
            first_of.setdefault(request.household.pk, n)
    item = ServiceItem.objects.filter(code=REVIEW_ITEM, is_active=True).first()
    new = [requests[n] for n in first_of.values()]
    notes: dict[int, str] = {}  # household → why no case was opened
    opened: set[int] = set()

    def results() -> tuple[list[OpenedReview], list]:
        said, told = [], []
        for n, request in enumerate(requests):
            household = request.household.pk
            case = open_cases.get(household)
            if case is None:
                said.append(OpenedReview(None, notes.get(household, ""), created=False))
                continue
            created = household in opened and first_of.get(household) == n
            said.append(OpenedReview(case, "" if created else JOINED, created=created))
            told.append(hooks.ReviewOpened(case, request.enrolment, on_date, request.due_on, request.reason))
        return said, told

    if new and item is None:
        notes = dict.fromkeys(first_of, "服务事项清单中没有“低保待遇变更”，无法发起复核")
    elif new:
        try:
            with chained_at_end():  # the cases, their audit entries and the lines' records, or nothing
                applicants = _applicants(new)
                openings = [SystemOpening(r.household, applicants[r.household.pk], r.reason) for r in new]
                cases = open_cases_by_system(item, openings, on_date=on_date)
                for request, case in zip(new, cases, strict=True):
                    if case is None:
                        notes[request.household.pk] = "该户所在乡镇没有民政办，无法发起复核"
                        continue
                    open_cases[request.household.pk] = case
                    opened.add(request.household.pk)
                    record(AuditEntry.Action.CREATE, obj=case, changes=_origin(request, origin, "system"))
                said, told = results()
                hooks.reviews_opened(told)
            return said
        except DomainError as exc:
            notes = dict.fromkeys(first_of, f"发起复核失败：{exc}")
            opened.clear()
            for household in first_of:
                open_cases.pop(household, None)
    said, told = results()  # only joined cases
    with transaction.atomic():
        hooks.reviews_opened(told)
    return said


def open_review_cases(on_date: date, window_days: int = 30) -> ReviewOpening:
    """After `schedule_reviews`: a review case in the responsible township's queue for every open
    enrolment due within the window whose household has no open review case. The due set is
    selected in one query and the cases opened by the system together (`open_review_cases_for`)."""
    from cases.models import Case

    horizon = date.fromordinal(on_date.toordinal() + window_days)
    under_review = Case.objects.filter(item__code=REVIEW_ITEM, status__in=Case.OPEN).values("household_id")
    due_now = ReviewSchedule.objects.filter(due_on__lte=horizon)
    already = due_now.filter(enrolment__household_id__in=under_review).count()
    due = list(
        due_now.exclude(enrolment__household_id__in=under_review)
        .select_related("enrolment__household__head", "enrolment__beneficiary")
        .order_by("area_code", "enrolment_id")
    )
    requests = [
        ReviewRequest(
            schedule.enrolment.household,
            reason=schedule.get_reason_display(),
            due_on=schedule.due_on,
            enrolment=schedule.enrolment,
        )
        for schedule in due
    ]
    results = open_review_cases_for(requests, on_date=on_date, origin="schedule")
    opened = sum(1 for result in results if result.created)
    missing = {township_of(s.area_code) for s, result in zip(due, results, strict=True) if result.case is None}
    return ReviewOpening(opened=opened, already_open=already, without_clerk=sorted(missing))


def open_due_reviews(on_date: date, window_days: int = 30) -> dict:
    """The daily review run (`manage.py open_due_reviews`, or its background job): the schedule
    recomputed, then a review case for every enrolment due within the window."""
    schedule = schedule_reviews(on_date, window_days)
    opening = open_review_cases(on_date, window_days)
    return {
        "scheduled": schedule.changed,
        "due_within_window": schedule.due_within_window,
        "opened": opening.opened,
        "already_open": opening.already_open,
        "without_clerk": opening.without_clerk,
    }


# ------------------------------------------------------------------ overdue reviews (逾期未复核)


def overdue_reviews(on_date: date):
    """The review schedule rows past their due date (the review not yet recorded), in scope."""
    return ReviewSchedule.objects.filter(due_on__lt=on_date)


def overdue_review_rows(on_date: date) -> list[dict]:
    """Overdue reviews per responsible township office, the 逾期未复核 column of the supervision
    board (督办看板; registered as `cases.hooks.OverdueWork`): reviews are the township's work
    (the review case is accepted at its window)."""
    from django.db.models import Count

    from accounts.models import Unit

    per_township = dict(
        overdue_reviews(on_date)
        .annotate(township=Substr("area_code", 1, 9))
        .values("township")
        .annotate(n=Count("pk"))
        .values_list("township", "n")
    )
    if not per_township:
        return []
    offices = {
        unit.area_code[:9]: unit
        for unit in Unit.objects.filter(
            kind=Unit.Kind.TOWNSHIP_OFFICE, is_active=True, area_code__in=[t + "000" for t in per_township]
        )
    }
    rows = []
    for township, count in sorted(per_township.items(), key=lambda kv: -kv[1]):
        unit = offices.get(township)
        rows.append(
            {
                "responsible_unit": unit.pk if unit else None,
                "responsible_unit__name": unit.name if unit else "（乡镇无民政办）",
                "responsible_unit__area_code": unit.area_code if unit else township + "000",
                "count": count,
            }
        )
    return rows
