"""core.parallel_sql: outside a transaction on PostgreSQL, statements run on connections of their own,
each committing alone; inside one, on the caller's connection and transaction."""

import pytest
from django.db import connection, transaction

from core.parallel_sql import Statement, run_side_by_side, working_tables

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="需要 PostgreSQL：两个连接同时写入"),
    pytest.mark.django_db(transaction=True),
]
TABLE = "core_test_side_by_side"
LOCK = "hashtext('core_test_side_by_side')"


FILL = Statement(TABLE, f"CREATE UNLOGGED TABLE {TABLE} AS SELECT 0 AS pid WHERE false", creates=TABLE)


def _backends(statements: int) -> list[Statement]:
    return [
        Statement(f"s{n}", f"INSERT INTO {TABLE} SELECT pg_backend_pid()", after=(TABLE,)) for n in range(statements)
    ]


def _pids() -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT pid FROM {TABLE}")
        return {row[0] for row in cursor.fetchall()}


def _own_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_outside_a_transaction_statements_run_on_other_connections_and_working_tables_go():
    seen = []
    with working_tables([TABLE], lock=LOCK):
        counts = run_side_by_side([FILL, *_backends(6)], done=lambda statement, rows, _s: seen.append(statement.name))
        pids = _pids()
    # every insert found the table: it started only once the fill had committed
    assert counts == {TABLE: 0, **{f"s{n}": 1 for n in range(6)}} and sorted(seen) == sorted(counts)
    assert _own_pid() not in pids and 1 <= len(pids) <= 2  # the workers' connections, at most two
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [TABLE])
        assert cursor.fetchone()[0] is None  # dropped after the block
        cursor.execute(f"SELECT pg_try_advisory_lock({LOCK})")  # and the lock released
        assert cursor.fetchone()[0] is True
        cursor.execute(f"SELECT pg_advisory_unlock({LOCK})")


def test_inside_a_transaction_statements_run_on_the_callers_connection():
    with transaction.atomic(), working_tables([TABLE], lock=LOCK):
        run_side_by_side([FILL, *_backends(3)])
        assert _pids() == {_own_pid()}


def test_a_statement_listed_before_what_it_reads_is_refused():
    with pytest.raises(ValueError, match="s0"):
        run_side_by_side([*_backends(1), FILL])


def test_a_statement_setting_holds_for_that_statement_only():
    probe = Statement("probe", "SELECT 1", settings={"enable_hashjoin": "off"})
    with transaction.atomic(), connection.cursor() as cursor:
        run_side_by_side([probe])
        cursor.execute("SHOW enable_hashjoin")
        assert cursor.fetchone()[0] == "on"
