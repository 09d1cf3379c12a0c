"""政策找人 on PostgreSQL (or SQLite), on DuckDB and on Apache Spark (local mode) from the same residents
finds the same people for the same programmes with the same reasons and amounts, written back
through the same INSERT (ADR 0036, outreach/distributed.py).

Run by `make test-production` (scripts/test_production.sh installs requirements-distributed.txt and
sets MINZHENG_DISTRIBUTED_TESTS=1), not by `make test`: Spark's JVM takes its time to start. The
DuckDB half also runs without the variable when DuckDB is installed (it is, requirements.txt)."""

import os
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from assistance.tests.factories import add_member
from children.models import ChildRecord, Guardian
from conftest import VILLAGE_A
from ledger.services import enrol
from outreach import distributed, finders
from outreach.models import Finding
from outreach.services import find_eligible
from policy.demo import load_demo_policy
from registry.tests.factories import HouseholdFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_policy")]

TODAY = date(2026, 11, 20)
OTHER_VILLAGE = "430521100201"  # a second county with its own policy rows: two rows in each values table
COLUMNS = [
    "programme",
    "person_id",
    "household_id",
    "area_code",
    "reason",
    "monthly_amount",
    "found_on",
    "status",
    "visit_note",
]
SPARK = pytest.mark.skipif(
    os.environ.get("MINZHENG_DISTRIBUTED_TESTS") != "1",
    reason="Spark 一致性测试由 make test-production 运行（MINZHENG_DISTRIBUTED_TESTS=1）",
)


def _household(name, born, area=VILLAGE_A, **person):
    return HouseholdFactory(
        area_code=area,
        head__name=name,
        head__birth_date=born,
        head__sex="F",
        **{f"head__{k}": v for k, v in person.items()},
    )


def _dibao(household):
    enrol(programme="dibao", household=household, monthly_amount=Decimal("600"), decided_on=date(2025, 1, 5))


def _child(n, father, mother, area=VILLAGE_A):
    """A child whose parents' facts are (`registry:dead` | `file:<situation>` | `registry:alive`)."""
    household = HouseholdFactory(area_code=area, head__name=f"父{n}", head__sex="M", head__birth_date=date(1985, 1, 1))
    dad = household.head
    mum = add_member(household, f"母{n}", "10", date(1987, 1, 1), sex="F")
    child = add_member(household, f"孩{n}", "20", date(2015, 6, 1), sex="M")
    record = None
    for person, relation, fact in ((dad, "father", father), (mum, "mother", mother)):
        source, value = fact.split(":")
        if source == "registry" and value == "dead":
            person.life_status, person.death_date = "deceased", date(2025, 3, 1)
            person.save()
        if source == "file":
            if record is None:
                record = ChildRecord.objects.create(
                    person=child, category="guardianship", risk="high", recorded_on=date(2026, 1, 5), area_code=area
                )
            Guardian.objects.create(child=record, name=person.name, relation=relation, situation=value, area_code=area)
    return child


def population() -> None:
    """Residents every finder lists (and some none does), in two counties."""
    load_demo_policy(area_code="430521000000")
    for area in (VILLAGE_A, OTHER_VILLAGE):
        _household("周桂英", date(1946, 12, 10), area)  # 80 within the horizon
        _household("吴七九", date(1947, 2, 1), area)  # 80 only in February: nobody
        _household("郑九二", date(1934, 5, 6), area)  # the 90–99 band
        gone = _household("钱已故", date(1940, 1, 1), area).head
        gone.life_status, gone.death_date = "deceased", date(2026, 1, 2)
        gone.save()
        poor = _household("陈低保", date(1960, 4, 4), area)  # 低保 elder: service subsidy
        add_member(poor, "陈小残", "20", date(1990, 6, 6), disability_type="4", disability_grade=3)  # living subsidy
        _dibao(poor)
        _household("褚重残", date(1985, 7, 7), area, disability_type="5", disability_grade=1)  # care subsidy
        _dibao(_household("孙失能", date(1950, 2, 2), area, disability_type="4", disability_grade=2))  # assessment
        _dibao(_household("李八五", date(1941, 3, 3), area))  # 低保, 85: assessment, allowance
        tekun = _household("王特困", date(1944, 8, 8), area)
        enrol(
            programme="tekun",
            household=tekun,
            beneficiary=tekun.head,
            monthly_amount=Decimal("900"),
            decided_on=date(2025, 1, 5),
        )
        paid = _household("冯已领", date(1940, 3, 3), area)
        enrol(
            programme="elderly_allowance",
            household=paid,
            beneficiary=paid.head,
            monthly_amount=Decimal("50"),
            decided_on=date(2025, 1, 5),
        )
    _child(1, "registry:dead", "registry:dead")
    _child(2, "registry:dead", "file:prison")
    _child(3, "file:missing", "file:detox", OTHER_VILLAGE)
    _child(4, "file:dead", "file:dead", OTHER_VILLAGE)
    _child(5, "file:prison", "file:normal")
    _child(6, "registry:alive", "registry:alive")


def found_on(engine) -> tuple[dict, list[tuple]]:
    Finding.objects.all().delete()
    result = find_eligible(TODAY, engine=engine)
    return result, sorted(Finding.objects.values_list(*COLUMNS))


def _counts(result: dict) -> dict:
    return {key: value for key, value in result.items() if not key.endswith("_seconds")}


def test_the_finders_on_duckdb_find_what_the_database_finds_and_write_it_the_same_way(worker_a, settings, tmp_path):
    settings.SWEEP_EXCHANGE_DIR = tmp_path
    population()
    database, found = found_on("database")
    programmes = {row[0] for row in found}
    assert programmes == {
        "elderly_allowance",
        "disability_care",
        "disability_living",
        "elderly_service",
        "elderly_care",
        "orphan",
        "unsupported_child",
    }  # the population gives every finder's programme
    assert {row[3][:6] for row in found} == {"430522", "430521"}
    duck, on_duckdb = found_on("duckdb")
    assert on_duckdb == found
    assert _counts(duck) == _counts(database)
    # the engine's candidates go through the same INSERT: a second run adds nobody, as in the database
    again = find_eligible(TODAY, engine="duckdb")
    assert all(again[p] == 0 for p in programmes) and Finding.objects.count() == len(found)
    assert list(tmp_path.iterdir()) == []  # each run's snapshot and candidates are removed afterwards


@SPARK
@pytest.mark.distributed
def test_postgresql_duckdb_and_spark_find_the_same_people(worker_a):
    population()
    database, found = found_on("database")
    duck, on_duckdb = found_on("duckdb")
    spark, on_spark = found_on("spark")
    assert len(found) > 20
    assert on_duckdb == found
    assert on_spark == found
    assert _counts(database) == _counts(duck) == _counts(spark)


def test_an_engine_form_of_a_finder_replaces_its_sql_on_the_engine_only(worker_a, monkeypatch):
    """A finder the engines could not run as it is names an engine form (ENGINE_SQL); the database
    keeps its own SQL, the engine runs the form, and the write-back is the same."""
    population()
    _db, found = found_on("database")
    monkeypatch.setitem(
        distributed.ENGINE_SQL,
        "disability_care",
        lambda run: (
            "SELECT p.id AS person_id, m.household_id AS household_id, p.area_code AS area_code,"
            " '引擎' AS reason, CAST(%s AS DECIMAL(10, 2)) AS monthly_amount FROM registry_person p"
            " JOIN registry_membership m ON m.person_id = p.id AND m.end_date IS NULL"
            " WHERE p.disability_grade = 1",
            [Decimal("1")],
        ),
    )
    _duck, on_duckdb = found_on("duckdb")
    care = [row for row in on_duckdb if row[0] == "disability_care"]
    assert len(care) == 2 and {row[4] for row in care} == {"引擎"} and {row[5] for row in care} == {Decimal("1")}
    assert [row for row in on_duckdb if row[0] != "disability_care"] == [
        row for row in found if row[0] != "disability_care"
    ]


def test_a_finder_reading_a_temporary_table_of_the_run_reads_its_select_inline_on_the_engine(
    worker_a, settings, tmp_path
):
    """While the database's pass holds the residents who may qualify in a temporary table of the run
    (FindRun.candidates_table), a finder reads that table; on the engine it reads the SELECT inline."""
    settings.SWEEP_EXCHANGE_DIR = tmp_path
    population()

    def find(run):
        run.skipped.append("某县：缺少参数")
        if run.candidates_table:
            source, params = run.candidates_table, []
        else:
            source, params = "(SELECT id AS person_id FROM registry_person WHERE disability_grade = %s)", [1]
        return (
            "SELECT p.id AS person_id, m.household_id AS household_id, p.area_code AS area_code,"
            " '重残' AS reason, CAST(NULL AS DECIMAL(10, 2)) AS monthly_amount"
            f" FROM {source} c JOIN registry_person p ON p.id = c.person_id"
            " JOIN registry_membership m ON m.person_id = p.id AND m.end_date IS NULL",
            params,
        )

    run = finders.FindRun(today=TODAY, horizon=TODAY)
    run.candidates_table = "outreach_candidate"  # no such table anywhere: only the inline SELECT can run
    with distributed.Engine("duckdb") as engine:
        select, params = engine.found(finders.Finder("disability_care", "测试", find), run, *find(run))
        with connection.cursor() as cursor:
            cursor.execute(select, params)
            found = cursor.fetchall()
    assert sorted(row[2][:6] for row in found) == ["430521", "430522"]  # 褚重残 of each county
    assert run.candidates_table == "outreach_candidate" and run.skipped == ["某县：缺少参数"]
