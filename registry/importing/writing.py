"""Writing checked households, set-based, in one transaction.

Person and household ids are reserved up front (so memberships and search grams can name them),
the rows are built as tuples and go in with COPY on PostgreSQL, executemany on SQLite. The tables
keep their indexes: an import goes into a live registry. Household numbers are assigned per village the way
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
from registry.importing.bulk import gc_paused
from registry.importing.checking import HouseholdPlan
from registry.importing.names import PinyinCache
from registry.models import Household, Membership, Person, PersonNameGram
from registry.relations import Relation
from registry.search import gram_rows


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
    """Primary keys for `count` new rows, so memberships and grams can refer to them before they exist.

    PostgreSQL draws them from the table's sequence (concurrent inserts get others); SQLite continues
    after the highest id ever used (AUTOINCREMENT's sqlite_sequence), safe inside the write
    transaction, which holds the database's write lock.
    """
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(
            f"SELECT MAX(n) FROM (SELECT MAX(id) AS n FROM {table} UNION ALL "  # noqa: S608 - our table
            "SELECT seq FROM sqlite_sequence WHERE name = %s)",
            [table],
        )
        first = (cursor.fetchone()[0] or 0) + 1
        return list(range(first, first + count))


def _insert(model, columns: list[str], rows) -> None:
    """PostgreSQL COPY, SQLite executemany: the rows are tuples in the order of `columns`."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608


class _Table:
    """A table's columns (id first unless the database assigns it, then every other concrete column)
    and a row of their defaults, which each new row copies and then fills in by position."""

    def __init__(self, model, with_id: bool = True, **fixed):
        defaults = _defaults(model) | fixed
        self.columns = ["id", *defaults] if with_id else list(defaults)
        self.base = [None, *defaults.values()] if with_id else list(defaults.values())
        self.at = {column: index for index, column in enumerate(self.columns)}


@gc_paused()
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
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    person = _Table(Person, created_at=now, updated_at=now)
    household = _Table(Household, created_at=now, updated_at=now)
    membership = _Table(Membership, with_id=False)  # nothing refers to a new membership
    total = sum(len(plan.persons) for plan in plans)
    progress(0, total, "正在写入居民、家庭户和家庭成员……")
    clock = _Clock()
    with transaction.atomic():
        numbers = _next_numbers(plans)
        person_ids = iter(_reserve_ids(Person, total))
        household_ids = _reserve_ids(Household, len(plans))
        clock.lap("ids")
        pinyin = PinyinCache()
        at = person.at
        p_id, p_number, p_name, p_sex, p_birth = at["id"], at["id_number"], at["name"], at["sex"], at["birth_date"]
        p_pinyin, p_initials, p_area, p_hukou = (
            at["name_pinyin"],
            at["name_initials"],
            at["area_code"],
            at["hukou_area_code"],
        )
        m_area, m_household, m_person, m_relation, m_start = (
            membership.at[c] for c in ("area_code", "household_id", "person_id", "relation", "start_date")
        )
        persons, households, memberships, grams = [], [], [], []
        for plan, household_id, number in zip(plans, household_ids, numbers, strict=True):
            area = plan.fields["area_code"]
            start = (plan.start_date or on_date).isoformat()
            head_id = None
            for member in plan.persons:
                row = person.base.copy()
                for key, value in member.fields.items():
                    row[at[key]] = value
                pk = row[p_id] = next(person_ids)
                row[p_number], row[p_name], row[p_sex] = member.id_number, member.name, member.sex
                row[p_birth] = member.birth_date.isoformat()
                row[p_pinyin], row[p_initials] = pinyin(member.name)
                row[p_area] = row[p_hukou] = area
                persons.append(row)
                grams.append((pk, member.name, area))
                if member.relation == Relation.HEAD:
                    head_id = pk
                row = membership.base.copy()
                row[m_area], row[m_household], row[m_person] = area, household_id, pk
                row[m_relation], row[m_start] = member.relation, start
                memberships.append(row)
            row = household.base.copy()
            for key, value in plan.fields.items():
                row[household.at[key]] = value
            row[0], row[household.at["number"]], row[household.at["head_id"]] = household_id, number, head_id
            households.append(row)
        clock.lap("rows")
        _insert(Person, person.columns, persons)
        clock.lap("persons")
        progress(total // 2, total, "居民已写入，正在写入家庭户……")
        _insert(Household, household.columns, households)
        _insert(Membership, membership.columns, memberships)
        clock.lap("households_memberships")
        # The name-gram search table (registry/search.py), filled for the new persons.
        _insert(PersonNameGram, ["gram", "area_code", "person_id"], gram_rows(grams))
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
