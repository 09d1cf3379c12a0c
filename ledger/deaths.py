"""A death stops payment: the one service every report of a death goes through.

`record_death` is called by the registry when a clerk records a death (the person page, the person
API, a profile edit: through `registry.hooks`, as the registry sits below the ledger) and by
verification when a 公安 death file or a 殡葬 cremation file names an enrolled person (the sweep's
death finding, verification.work). It does everything a death means for the ledger, in one
transaction:

1. the registry's record (life status and date; a date already on record stands);
2. every enrolment that ends with the death stops from the month after it
   (policy.rules.payment_ends_after_death): a personal enrolment of the deceased, and a household
   enrolment once no living member is left; a household with living members keeps its enrolment,
   and the review decides its new amount;
3. the business lines learn which enrolments stopped (`ledger.hooks.payment_stopped_by_death`:
   payments holds the roll lines not yet paid);
4. the household's review opens, or an open one is joined (`ledger.reviews.open_review_case`), due
   within the months after the death the county's policy sets (policy.rules.review_due_after_death);
5. the review case's timeline notes the death and what followed.

It is idempotent: a second report of the same death (the registry first, the 公安 file a month
later) stops nothing more, holds nothing more and opens no second review — the first note on the
household's review case (`data.death_of`) says the death was handled.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from areas.codes import county_of
from ledger import hooks
from ledger.models import Enrolment
from ledger.reviews import open_review_case
from ledger.services import stop
from policy import rules
from policy.parameters import Policy
from policy.programmes import Programme
from registry.hooks import DeathSource
from registry.models import Household, Membership, Person
from registry.services import set_deceased


@dataclass(frozen=True)
class DeathRecorded:
    """What `record_death` did. `case` is the household's review case that handles the death (the
    one opened or joined now, or the one that handled it before); `done` says what followed, for
    the clerk; `already` is true when an earlier report had done everything."""

    person: Person
    died_on: date
    stopped: list[Enrolment] = field(default_factory=list)
    case: object = None
    done: list[str] = field(default_factory=list)
    already: bool = False

    @property
    def summary(self) -> str:
        return "；".join(self.done)


def _source_label(source: str) -> str:
    return DeathSource(source).label if source in DeathSource.values else source


def _ends_with_death(enrolment: Enrolment, person: Person, living: dict[int, int]) -> bool:
    """A personal enrolment ends with its beneficiary; a household enrolment with its last living member."""
    if enrolment.beneficiary_id is not None:
        return enrolment.beneficiary_id == person.pk
    return living.get(enrolment.household_id, 0) == 0


def _handled_before(household_id: int, person: Person):
    """The review case whose timeline already notes this death, if any."""
    from cases.models import CaseEvent

    note = (
        CaseEvent.objects.filter(case__household_id=household_id, kind=CaseEvent.Kind.NOTE, data__death_of=person.pk)
        .select_related("case")
        .order_by("pk")
        .first()
    )
    return note.case if note is not None else None


def _review_of_death(
    person: Person, died_on: date, source: str, household, on_date: date, policies: dict | None = None
) -> tuple[str, date]:
    """Why the household's review opens after a death, and by when (policy.rules.review_due_after_death);
    `policies` keeps each county's policy for a call that asks for many deaths."""
    reason = f"成员死亡：{person.name}于{died_on}死亡（{_source_label(source)}）"
    county = county_of(household.area_code)
    policies = {} if policies is None else policies
    if county not in policies:
        policies[county] = Policy.for_area(household.area_code, on_date)
    return reason, rules.review_due_after_death(policies[county], died_on)


def open_death_reviews(reports: list[tuple[Person, date, str, int | None]], *, on_date: date) -> dict:
    """The review cases many reported deaths will need (a sweep's death findings: person, date,
    source, finding), opened together by the system before each death is recorded
    (`ledger.reviews.open_review_cases_for`), for `record_death(…, reviews=)` to take: one per
    household with an enrolment the death concerns, none where an earlier report handled the death.
    Returns {(person id, household id): (OpenedReview, reason, review due date)}."""
    from cases.models import CaseEvent
    from ledger.reviews import ReviewRequest, open_review_cases_for

    people = {person.pk: person for person, *_rest in reports}
    if not people:
        return {}
    current = dict(
        Membership.unscoped.filter(person_id__in=list(people), end_date__isnull=True).values_list(
            "person_id", "household_id"
        )
    )
    covering = Enrolment.unscoped.filter(~Q(status=Enrolment.Status.STOPPED)).filter(
        Q(beneficiary_id__in=list(people)) | Q(beneficiary__isnull=True, household_id__in=set(current.values()))
    )
    households_of: dict[int, set[int]] = {}
    for household_id, beneficiary_id in covering.values_list("household_id", "beneficiary_id"):
        if beneficiary_id is not None:
            households_of.setdefault(beneficiary_id, set()).add(household_id)
        else:
            for person_id, home in current.items():
                if home == household_id:
                    households_of.setdefault(person_id, set()).add(household_id)
    handled = set(
        CaseEvent.objects.filter(kind=CaseEvent.Kind.NOTE, data__death_of__in=list(people)).values_list(
            "data__death_of", "case__household_id"
        )
    )
    wanted = sorted({h for homes in households_of.values() for h in homes})
    households = Household.unscoped.select_related("head").in_bulk(wanted)
    keys, requests, policies = [], [], {}
    for person, died_on, source, finding_id in reports:
        died_on = (
            person.death_date if person.life_status == Person.LifeStatus.DECEASED and person.death_date else died_on
        )
        for household_id in sorted(households_of.get(person.pk, ())):
            if (person.pk, household_id) in handled or (person.pk, household_id) in keys:
                continue
            reason, due_on = _review_of_death(person, died_on, source, households[household_id], on_date, policies)
            keys.append((person.pk, household_id))
            requests.append(ReviewRequest(households[household_id], reason, due_on, finding_id=finding_id))
    results = open_review_cases_for(requests, on_date=on_date, origin="death:verification")
    return {key: (result, r.reason, r.due_on) for key, result, r in zip(keys, results, requests, strict=True)}


@transaction.atomic
def record_death(
    person: Person,
    *,
    died_on: date,
    source: str,
    user=None,
    on_date: date | None = None,
    finding_id=None,
    reviews: dict | None = None,
) -> DeathRecorded:
    """Record `person`'s death and everything it means for payment (see the module docstring).
    `reviews`: the review cases `open_death_reviews` opened for many deaths beforehand."""
    from cases.hooks import note

    on_date = on_date or timezone.localdate()
    died_on = set_deceased(person, died_on)
    from_month = rules.payment_ends_after_death(died_on)
    current = Membership.unscoped.filter(person=person, end_date__isnull=True).values("household_id")
    covering = list(
        Enrolment.unscoped.select_for_update()
        .filter(~Q(status=Enrolment.Status.STOPPED))
        .filter(Q(beneficiary=person) | Q(beneficiary__isnull=True, household_id__in=current))
        .order_by("pk")
    )
    household_ids = sorted(
        {e.household_id for e in covering}
        | set(Enrolment.unscoped.filter(beneficiary=person).values_list("household_id", flat=True))
    )
    living = dict.fromkeys(household_ids, 0)
    for household_id in Membership.unscoped.filter(
        household_id__in=household_ids, end_date__isnull=True, person__life_status=Person.LifeStatus.ALIVE
    ).values_list("household_id", flat=True):
        living[household_id] += 1

    label = _source_label(source)
    first_case, done, stopped, noted = None, [], [], False
    for household_id in household_ids:
        in_household = [e for e in covering if e.household_id == household_id]
        ending = [e for e in in_household if _ends_with_death(e, person, living)]
        case = handled = _handled_before(household_id, person)
        if case is None and in_household:
            survivors = [e for e in in_household if e not in ending]
            under_review = survivors[0] if survivors else None
            prepared = (reviews or {}).get((person.pk, household_id))
            opened, reason, due_on = prepared or (None, "", None)
            if opened is None:
                household = Household.unscoped.select_related("head").get(pk=household_id)
                reason, due_on = _review_of_death(person, died_on, source, household, on_date)
                opened = open_review_case(
                    household,
                    reason=reason,
                    on_date=on_date,
                    due_on=due_on,
                    user=user,
                    enrolment=under_review,
                    origin=f"death:{source}",
                    finding_id=finding_id,
                )
            elif opened.case is not None and under_review is not None:  # the enrolment under review
                hooks.review_opened(opened.case, enrolment=under_review, on_date=on_date, due_on=due_on, reason=reason)
            case = opened.case
            if case is None:
                done.append(opened.note)
            else:
                done.append(f"{opened.note or '已发起复核'}：{case.receipt_no}")
        lines = []
        for enrolment in ending:
            why = "享受人死亡" if enrolment.beneficiary_id else "家庭成员均已死亡"
            stop(
                enrolment,
                decided_on=on_date,
                from_month=from_month,
                reason=f"{why}：{person.name}于{died_on}死亡（{label}）",
                user=user,
                case_reference=case.receipt_no if case is not None else "",
                idempotency_key=f"death:{person.pk}:{enrolment.pk}",
            )
            stopped.append(enrolment)
            lines.append(f"{Programme(enrolment.programme).label}自{from_month:%Y年%m月}起停发")
        if ending:
            lines += hooks.payment_stopped_by_death(
                person, died_on=died_on, stopped=ending, from_month=from_month, user=user
            )
        if len(ending) < len(in_household):
            lines.append("家庭其他成员的保障待复核后调整")
        noted_here = case is not None and handled is None
        if noted_here:
            text = f"{person.name}于{died_on}死亡（{label}）" + (f"：{'；'.join(lines)}" if lines else "")
            data = {"death_of": person.pk, "died_on": died_on.isoformat(), "source": source}
            note(case, user, on_date, text, data=data)
            noted = True
        if ending or noted_here:
            done += lines
        first_case = first_case or case
    already = first_case is not None and not stopped and not noted
    if already:
        done = [f"该死亡此前已登记，由复核办件{first_case.receipt_no}办理"]
    return DeathRecorded(person, died_on, stopped=stopped, case=first_case, done=done, already=already)


def death_listener(person: Person, *, died_on: date, source: str, user) -> list[str]:
    """`registry.hooks` listener: the registry recorded a death (person page, person API)."""
    return record_death(person, died_on=died_on, source=source, user=user).done
