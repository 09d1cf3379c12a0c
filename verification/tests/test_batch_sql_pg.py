"""verification.batch_sql: outside a transaction on PostgreSQL, statements run on connections of their
own (at most settings.BATCH_SQL_WORKERS at once), each committing alone; inside one, on the caller's
connection and transaction. Working tables are named per county: two counties run at once, a county's
second run waits for its first and is then refused with a message naming the county."""

import threading

import pytest
from django.db import connection, transaction

from accounts.tests.factories import ensure_area
from core.errors import DomainError
from verification.batch_sql import Statement, run_side_by_side, working_tables

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="需要 PostgreSQL：多个连接同时写入"),
    pytest.mark.django_db(transaction=True),
]
TABLE = "vt_side_by_side"
FILL = Statement(TABLE, f"CREATE UNLOGGED TABLE {TABLE} AS SELECT 0 AS pid WHERE false", creates=TABLE)


def _batch(statements: int) -> list[Statement]:
    return [
        FILL,
        *(
            Statement(f"s{n}", f"INSERT INTO {TABLE} SELECT pg_backend_pid()", after=(TABLE,))
            for n in range(statements)
        ),
    ]


def _pids(table: str) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT pid FROM {table}")
        return {row[0] for row in cursor.fetchall()}


def _own_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _exists(table: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [table])
        return cursor.fetchone()[0] is not None


def test_outside_a_transaction_statements_run_on_other_connections_and_working_tables_go(settings):
    settings.BATCH_SQL_WORKERS = 3
    seen = []
    with working_tables(_batch(6), prefix="430522", label="数据比对") as statements:
        counts = run_side_by_side(statements, done=lambda statement, rows, _s: seen.append(statement.name))
        pids = _pids(f"{TABLE}_430522")  # the working table is the county's
    # every insert found the table: it started only once the fill had committed
    assert counts == {f"{TABLE}_430522": 0, **{f"s{n}": 1 for n in range(6)}} and sorted(seen) == sorted(counts)
    assert _own_pid() not in pids and 1 <= len(pids) <= 3  # the pool's connections, at most the setting's
    assert not _exists(f"{TABLE}_430522")  # dropped after the block
    with working_tables(_batch(1), prefix="430522", label="数据比对", wait_seconds=0):
        pass  # the lock was released: the county's next run gets it at once


def test_one_worker_runs_every_statement_on_one_connection(settings):
    settings.BATCH_SQL_WORKERS = 1
    with working_tables(_batch(4), prefix="430522", label="数据比对") as statements:
        run_side_by_side(statements)
        assert len(_pids(f"{TABLE}_430522")) == 1


def test_inside_a_transaction_statements_run_on_the_callers_connection():
    with transaction.atomic(), working_tables(_batch(3), prefix="430522", label="数据比对") as statements:
        run_side_by_side(statements)
        assert _pids(f"{TABLE}_430522") == {_own_pid()}


def test_a_failing_statement_is_raised_and_the_others_already_committed_stay(settings):
    settings.BATCH_SQL_WORKERS = 2
    bad = Statement("bad", f"INSERT INTO {TABLE} SELECT 1 / 0", after=(TABLE,))
    with working_tables([*_batch(1), bad], prefix="430522", label="数据比对") as statements:
        with pytest.raises(Exception, match="division by zero"):
            run_side_by_side(statements)
        assert len(_pids(f"{TABLE}_430522")) == 1  # s0 ran beside it and committed
    assert not _exists(f"{TABLE}_430522")


def test_a_statement_listed_before_what_it_reads_is_refused():
    with pytest.raises(ValueError, match="s0"):
        run_side_by_side([*_batch(1)[1:], FILL])


def test_a_statement_setting_holds_for_that_statement_only():
    probe = Statement("probe", "SELECT 1", settings={"enable_hashjoin": "off"})
    with transaction.atomic(), connection.cursor() as cursor:
        run_side_by_side([probe])
        cursor.execute("SHOW enable_hashjoin")
        assert cursor.fetchone()[0] == "on"


def test_two_counties_run_at_once_and_a_countys_second_run_waits_then_is_refused():
    ensure_area("430522000000", "新邵县")
    both_inside = threading.Barrier(2, timeout=60)  # broken (and the test failed) unless both hold at once
    outcome = {}

    def first_county() -> None:
        try:
            with working_tables(_batch(2), prefix="430522", label="数据比对") as statements:
                run_side_by_side(statements)
                both_inside.wait()  # 新邵县 inside its run ...
                both_inside.wait()  # ... until the other county's checks are done
                outcome["first"] = _exists(f"{TABLE}_430522")
        finally:
            connection.close()

    thread = threading.Thread(target=first_county)
    thread.start()
    checked = False
    try:
        with working_tables(_batch(2), prefix="430523", label="数据比对", wait_seconds=0) as statements:
            run_side_by_side(statements)
            both_inside.wait()  # another county runs beside it
            assert _exists(f"{TABLE}_430522") and _exists(f"{TABLE}_430523")
            again = working_tables(_batch(1), prefix="430522101", label="数据比对", wait_seconds=1)
            with pytest.raises(DomainError) as refused, again:  # the same county: it waits, then is refused
                pass
            both_inside.wait()
            checked = True
    finally:
        if not checked:
            both_inside.abort()  # the other county's thread stops waiting at once
        thread.join()
    assert outcome == {"first": True}
    assert refused.value.code == "busy"
    assert refused.value.message == "新邵县的数据比对正在进行，已等待1秒仍未结束，请等它完成后再试"
    assert not _exists(f"{TABLE}_430522") and not _exists(f"{TABLE}_430523")
