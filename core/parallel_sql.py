"""Independent set-based statements run two at a time, over two database connections.

PostgreSQL 15 never runs an INSERT … SELECT with parallel workers, so a batch of such statements
(the verification sweep's finding kinds, the monitoring signal rules) keeps one of the two cores
idle. Statements that read only committed data and write rows that no other statement of the batch
reads can instead run side by side, each on its own connection, each in its own transaction.

Each statement then commits on its own: a failure leaves the others' rows in place. Callers use this
only for idempotent statements (INSERT … ON CONFLICT DO NOTHING on a natural key), so running the
batch again completes it. Inside an open transaction (a caller's atomic block, every test's
transaction) or on SQLite, the statements run one after the other on the current connection and
transaction instead: a second connection would not see uncommitted rows, and SQLite has one writer.
"""

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection, transaction

WORKERS = 2  # the cores of the machines this runs on; more connections only queue for them


@dataclass(frozen=True)
class Statement:
    name: str
    sql: str
    params: dict = field(default_factory=dict)


def can_run_side_by_side() -> bool:
    return connection.vendor == "postgresql" and not connection.in_atomic_block


def run_side_by_side(
    statements: Sequence[Statement],
    *,
    settings: Sequence[str] = (),
    done: Callable[[Statement, int], None] | None = None,
) -> dict[str, int]:
    """Rows written per statement name. `settings` (SET LOCAL …) open every statement's transaction;
    `done(statement, rows)` is called in the caller's thread as each one finishes, in finishing order."""
    counts: dict[str, int] = {}
    if not can_run_side_by_side():
        with connection.cursor() as cursor:
            for setting in settings if connection.vendor == "postgresql" else ():
                cursor.execute(setting)
            for statement in statements:
                cursor.execute(statement.sql, statement.params)
                counts[statement.name] = max(cursor.rowcount, 0)
                if done:
                    done(statement, counts[statement.name])
        return counts

    pending = list(reversed(statements))
    finished: list[tuple[Statement, int]] = []
    failures: list[BaseException] = []
    lock = threading.Condition()

    def work() -> None:
        try:  # a thread has its own Django connection: opened here, closed when the thread ends
            while True:
                with lock:
                    if not pending or failures:
                        return
                    statement = pending.pop()
                with transaction.atomic(), connection.cursor() as cursor:
                    for setting in settings:
                        cursor.execute(setting)
                    cursor.execute(statement.sql, statement.params)
                    rows = max(cursor.rowcount, 0)
                with lock:
                    finished.append((statement, rows))
                    lock.notify()
        except BaseException as exc:  # re-raised in the caller's thread
            with lock:
                failures.append(exc)
                lock.notify()
        finally:
            connection.close()

    threads = [threading.Thread(target=work, name=f"sql-{n}") for n in range(min(WORKERS, len(statements)))]
    for thread in threads:
        thread.start()
    reported = 0
    while True:
        with lock:
            while reported == len(finished) and not failures and any(t.is_alive() for t in threads):
                lock.wait(0.5)
            news = finished[reported:]
            reported = len(finished)
        for statement, rows in news:
            counts[statement.name] = rows
            if done:
                done(statement, rows)
        if failures or (reported == len(finished) and not any(t.is_alive() for t in threads)):
            break
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return counts


@contextmanager
def working_tables(
    fills: Sequence[tuple[str, Sequence[str], dict]],
    *,
    lock: str,
    settings: Sequence[str] = (),
) -> Iterator[None]:
    """Working tables for a batch of statements: each (table, statements that fill it, parameters)
    made in order, ANALYZEd on PostgreSQL, and dropped after the block.

    Side by side (see `can_run_side_by_side`) they are committed once filled, so that the other
    connection reads them, and a session advisory lock on `lock` (an SQL expression) keeps another
    run off their names until they are dropped. Otherwise everything happens in one transaction, under
    a transaction lock on PostgreSQL. `settings` (SET LOCAL …) open the transaction that fills them."""
    postgres = connection.vendor == "postgresql"

    def fill(cursor) -> None:
        for setting in settings if postgres else ():
            cursor.execute(setting)
        for table, statements, params in fills:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
            for sql in statements:
                cursor.execute(sql, params)
            if postgres:
                cursor.execute(f"ANALYZE {table}")

    def drop(cursor) -> None:
        for table, _statements, _params in reversed(fills):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")

    if not can_run_side_by_side():
        with transaction.atomic(), connection.cursor() as cursor:
            if postgres:
                cursor.execute(f"SELECT pg_advisory_xact_lock({lock})")
            fill(cursor)
            yield
            drop(cursor)
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT pg_advisory_lock({lock})")
        try:
            with transaction.atomic():
                fill(cursor)
            yield
        finally:
            drop(cursor)
            cursor.execute(f"SELECT pg_advisory_unlock({lock})")
