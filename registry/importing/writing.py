"""Writing checked households, set-based, in one transaction.

On PostgreSQL the ids are drawn from the tables' sequences up front and the rows go in with COPY;
elsewhere bulk_create in batches. Household numbers are assigned per village the way
`services._next_household_number` does, but once per batch instead of once per household.
Bulk loads bypass the per-row audit signals, so one summary entry records the import.
"""

import time
from collections.abc import Callable
from datetime import date

from django.db import connection, transaction
from django.db.models import Max
from django.db.models.functions import Substr
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import record
from registry.importing.checking import HouseholdPlan
from registry.importing.names import PinyinCache
from registry.models import Household, Membership, Person, PersonNameGram
from registry.relations import Relation
from registry.search import gram_rows

BATCH = 5000


def _defaults(model) -> dict:
    """Every concrete column with its default (the COPY column list needs them all)."""
    values = {}
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        values[field.attname] = field.get_default() if field.has_default() else (None if field.null else "")
    return values


def _next_numbers(plans: list[HouseholdPlan]) -> list[str]:
    villages = sorted({plan.fields["area_code"][:12] for plan in plans})
    last: dict[str, int] = {}
    for start in range(0, len(villages), 1000):
        chunk = villages[start : start + 1000]
        rows = (
            Household.unscoped.annotate(village=Substr("number", 1, 12))
            .filter(village__in=chunk)
            .values("village")
            .annotate(last=Max("number"))
            .values_list("village", "last")
        )
        for village, number in rows:
            last[village] = int(number[12:])
    numbers = []
    for plan in plans:
        village = plan.fields["area_code"][:12]
        last[village] = last.get(village, 0) + 1
        numbers.append(f"{village}{last[village]:05d}")
    return numbers


def _reserve_ids(model, count: int) -> list[int]:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count])
        return [row[0] for row in cursor.fetchall()]


def _copy(model, columns: list[str], rows) -> None:
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def write_households(
    plans: list[HouseholdPlan],
    *,
    source: str,
    job_id: int | None = None,
    area_code: str = "",
    on_date: date | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> dict:
    """Create the households, their persons and memberships; returns the counts."""
    progress = progress or (lambda done, total, message: None)
    on_date = on_date or timezone.localdate()
    now = timezone.now()
    pinyin = PinyinCache()
    person_defaults = _defaults(Person) | {"created_at": now, "updated_at": now}
    household_defaults = _defaults(Household) | {"created_at": now, "updated_at": now}
    membership_defaults = _defaults(Membership)

    persons: list[dict] = []
    for plan in plans:
        area = plan.fields["area_code"]
        for person in plan.persons:
            full, initials = pinyin(person.name)
            persons.append(
                person_defaults
                | person.fields
                | {
                    "id_number": person.id_number,
                    "name": person.name,
                    "name_pinyin": full,
                    "name_initials": initials,
                    "sex": person.sex,
                    "birth_date": person.birth_date,
                    "area_code": area,
                    "hukou_area_code": area,
                }
            )
    total = len(persons)
    progress(0, total, "正在写入居民、家庭户和家庭成员……")
    clock = _Clock()
    postgres = connection.vendor == "postgresql"
    with transaction.atomic():
        numbers = _next_numbers(plans)
        if postgres:
            person_ids = _reserve_ids(Person, len(persons))
            household_ids = _reserve_ids(Household, len(plans))
            columns = ["id", *person_defaults]
            _copy(
                Person,
                columns,
                [(pk, *(row[c] for c in person_defaults)) for pk, row in zip(person_ids, persons, strict=True)],
            )
        else:
            person_ids = []
            for start in range(0, total, BATCH):
                created = Person.objects.bulk_create([Person(**row) for row in persons[start : start + BATCH]])
                person_ids.extend(p.pk for p in created)
        clock.lap("persons")
        progress(total // 2, total, "居民已写入，正在写入家庭户……")

        households, memberships, cursor = [], [], 0
        for index, plan in enumerate(plans):
            ids = person_ids[cursor : cursor + len(plan.persons)]
            cursor += len(plan.persons)
            head_id = next(pk for pk, p in zip(ids, plan.persons, strict=True) if p.relation == Relation.HEAD)
            households.append(household_defaults | plan.fields | {"number": numbers[index], "head_id": head_id})
            start = plan.start_date or on_date
            for pk, person in zip(ids, plan.persons, strict=True):
                memberships.append(
                    membership_defaults
                    | {
                        "person_id": pk,
                        "relation": person.relation,
                        "start_date": start,
                        "area_code": plan.fields["area_code"],
                    }
                )
        if postgres:
            columns = ["id", *household_defaults]
            _copy(
                Household,
                columns,
                [
                    (pk, *(row[c] for c in household_defaults))
                    for pk, row in zip(household_ids, households, strict=True)
                ],
            )
            for membership, plan_index in zip(memberships, _household_index(plans), strict=True):
                membership["household_id"] = household_ids[plan_index]
            _copy(
                Membership, list(membership_defaults), [tuple(m[c] for c in membership_defaults) for m in memberships]
            )
        else:
            household_ids = []
            for start in range(0, len(households), BATCH):
                created = Household.objects.bulk_create([Household(**row) for row in households[start : start + BATCH]])
                household_ids.extend(h.pk for h in created)
            for membership, plan_index in zip(memberships, _household_index(plans), strict=True):
                membership["household_id"] = household_ids[plan_index]
            Membership.objects.bulk_create([Membership(**m) for m in memberships], batch_size=BATCH)
        clock.lap("households_memberships")
        _fill_search_index(person_ids, persons, postgres)
        clock.lap("name_grams")
        record(
            AuditEntry.Action.IMPORT,
            object_type="registry.import",
            object_id=str(job_id or ""),
            object_repr=f"台账导入：{source}"[:200],
            area_code=area_code,
            changes={"file": source, "households": len(plans), "persons": total, "job": job_id},
        )
        clock.lap("audit")
    clock.lap("commit")
    progress(total, total, "写入完成")
    return {"households": len(plans), "persons": total, "seconds": clock.laps}


class _Clock:
    """Seconds per step of the write, kept in the job result (where the time goes on a big import)."""

    def __init__(self):
        self.laps: dict[str, float] = {}
        self.last = time.perf_counter()

    def lap(self, step: str) -> None:
        now = time.perf_counter()
        self.laps[step] = round(now - self.last, 2)
        self.last = now


def _household_index(plans: list[HouseholdPlan]):
    for index, plan in enumerate(plans):
        for _person in plan.persons:
            yield index


def _fill_search_index(person_ids: list[int], persons: list[dict], postgres: bool) -> None:
    """The name-gram search table (registry/search.py), filled for the new persons."""
    triples = ((pk, row["name"], row["area_code"]) for pk, row in zip(person_ids, persons, strict=True))
    if postgres:
        _copy(PersonNameGram, ["gram", "area_code", "person_id"], gram_rows(triples))
        return
    rows = [PersonNameGram(gram=g, area_code=a, person_id=p) for g, a, p in gram_rows(triples)]
    PersonNameGram.objects.bulk_create(rows, batch_size=BATCH)
