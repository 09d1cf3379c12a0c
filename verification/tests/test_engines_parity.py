"""The sweep's candidates found on PostgreSQL (or SQLite), on DuckDB and on Apache Spark (local mode)
from the same data are the same findings, written back through the same path (ADR 0036).

Run by `make test-production` (scripts/test_production.sh installs requirements-distributed.txt and
sets MINZHENG_DISTRIBUTED_TESTS=1), not by `make test`: Spark's JVM takes its time to start."""

import os
from datetime import date

import pytest

from policy.programmes import Programme
from verification.models import Finding, Sweep
from verification.sweeps import run_sweep
from verification.tests.factories import DAY, enrol, family, load, raw_enrolment, two_deaths
from verification.work import open_work

pytestmark = [
    pytest.mark.distributed,
    pytest.mark.skipif(
        os.environ.get("MINZHENG_DISTRIBUTED_TESTS") != "1",
        reason="DuckDB/Spark 一致性测试由 make test-production 运行（MINZHENG_DISTRIBUTED_TESTS=1）",
    ),
    pytest.mark.django_db,
]
COLUMNS = [
    "kind",
    "natural_key",
    "household_id",
    "person_id",
    "enrolment_id",
    "source",
    "batch_id",
    "event_date",
    "amount",
    "ref",
    "due_on",
    "area_code",
    "detail",
    "status",
]


def every_kind() -> None:
    """Families and department batches that give every finding kind at least once."""
    two_deaths()  # death ×2, paid_after_death
    rich = family({"name": "钱多"}, {"name": "钱妻"})
    enrol(rich, decided_on=date(2025, 1, 10))
    head = rich.head.id_number
    load(
        "vehicle",
        ["所有人身份证号", "姓名", "号牌号码", "初次登记日期", "车辆类型"],
        [
            [head, "钱多", "湘E00001", "2025-04-01", "小型汽车"],
            [head, "钱多", "湘E00002", "2025-04-01", "残疾人专用车"],
        ],
    )
    load(
        "business",
        ["投资人身份证号", "姓名", "统一社会信用代码", "成立日期", "登记状态"],
        [[head, "钱多", "91430522MA4L111111", "2025-03-01", "存续"]],
    )
    load(
        "real_estate",
        ["权利人身份证号", "姓名", "不动产权证号", "登记日期", "用途"],
        [
            [head, "钱多", "湘(2018)新邵县不动产权第0001号", "2018-01-01", "住宅"],
            [head, "钱多", "湘(2025)新邵县不动产权第0002号", "2025-05-01", "住宅"],
        ],
    )
    earner = family({"name": "孙工"})
    enrol(earner)
    worker = earner.head.id_number
    load(
        "wage",
        ["身份证号", "姓名", "所属月份", "应发工资"],
        [[worker, "孙工", f"2025-0{m}", "3000"] for m in range(1, 9)],
    )
    load("deposit", ["身份证号", "姓名", "查询日期", "金融资产余额"], [[worker, "孙工", "2025-08-31", "20000"]])
    first = family({"name": "周甲"}, {"name": "周乙"}, bank_account="6228480000000001")
    other = family({"name": "吴丙"}, bank_account="6228480000000001")
    enrol(first)
    enrol(other)
    member = first.current_memberships()[1].person
    raw_enrolment(first, Programme.TEKUN, beneficiary=member)  # incompatible
    raw_enrolment(first, Programme.EDGE)  # same need
    raw_enrolment(family({"name": "郑丁"}), Programme.DISABILITY_LIVING, beneficiary=first.head)  # two households
    family({"name": "冯残", "disability_type": "4", "disability_grade": 1})  # missed care
    enrol(family({"name": "陈父"}, {"name": "陈子", "disability_type": "5", "disability_grade": 3}))  # missed living
    family({"name": "蒋奶", "birth_date": date(1950, 3, 1)})  # missed 特困
    pensioner = family({"name": "韩爷", "birth_date": date(1950, 3, 1)})
    load(
        "pension",
        ["身份证号", "姓名", "发放月份", "养老金金额"],
        [[pensioner.head.id_number, "韩爷", "2025-08", "2000"]],
    )


def sweep_on(engine: str) -> tuple[Sweep, list[tuple]]:
    Finding.objects.all().delete()
    (sweep,) = run_sweep(on_date=DAY, engine=engine)
    return sweep, sorted(Finding.objects.values_list(*COLUMNS))


def test_the_database_duckdb_and_spark_find_the_same_and_the_follow_up_works_unchanged(clerk_a, worker_a):
    every_kind()
    database, found = sweep_on("database")
    assert {row[0] for row in found} == set(Finding.Kind.values)  # the fixture gives every kind
    duck, on_duckdb = sweep_on("duckdb")
    spark, on_spark = sweep_on("spark")

    assert on_duckdb == found
    assert on_spark == found
    assert database.counts == duck.counts == spark.counts
    assert sum(spark.counts.values()) == len(found)
    # the Spark sweep's findings become work as the database's do: reviews, visits, deaths recorded
    assert open_work(on_date=DAY, sweep=spark) > 0
    assert set(Finding.objects.values_list("status", flat=True)) == {Finding.Status.WORK_OPENED}
