"""Independent set-based statements run two at a time, over two database connections.

PostgreSQL 15 never runs an INSERT … SELECT with parallel workers, so a batch of such statements
(the verification sweep's finding kinds, the monitoring signal rules) keeps one of the two cores
idle. Statements that read only committed data and write rows that no other running statement
reads can instead run side by side, each on its own connection, each in its own transaction. A
statement that reads another's result — a working table, typically — names it in `after` and
starts once that one has committed, so a batch's working tables are filled beside the statements
that do not need them (longest chains first: the list order is the order of preference).

Each statement then commits on its own: a failure leaves the others' rows in place. Callers use this
only for idempotent statements (INSERT … ON CONFLICT DO NOTHING on a natural key, working tables
made again by the next run), so running the batch again completes it. Inside an open transaction
(a caller's atomic block, every test's transaction) or on SQLite, the statements run one after the
other in list order on the current connection and transaction instead: a second connection would
not see uncommitted rows, and SQLite has one writer.
"""

import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection, transaction

WORKERS = 2  # the cores of the machines this runs on; more connections only queue for them


@dataclass(frozen=True)
class Statement:
    name: str
    sql: str
    params: dict = field(default_factory=dict)
    after: tuple[str, ...] = ()  # statements of the batch whose result this one reads (listed before it)
    creates: str = ""  # the working table this statement fills: ANALYZEd on PostgreSQL before it counts as done
    settings: Mapping[str, str] = field(default_factory=dict)  # PostgreSQL settings for this statement alone


def can_run_side_by_side() -> bool:
    return connection.vendor == "postgresql" and not connection.in_atomic_block


def _check_order(statements: Sequence[Statement]) -> None:
    seen: set[str] = set()
    for statement in statements:
        missing = [name for name in statement.after if name not in seen]
        if missing:
            raise ValueError(f"{statement.name} runs after {missing}, which are not listed before it")
        seen.add(statement.name)


def _execute(cursor, statement: Statement) -> int:
    """Run one statement; its own settings are put back afterwards (one transaction may run many)."""
    postgres = connection.vendor == "postgresql"
    previous = {}
    for name, value in statement.settings.items() if postgres else ():
        cursor.execute("SELECT current_setting(%s), set_config(%s, %s, true)", [name, name, value])
        previous[name] = cursor.fetchone()[0]
    cursor.execute(statement.sql, statement.params)
    rows = max(cursor.rowcount, 0)
    if statement.creates and postgres:
        cursor.execute(f"ANALYZE {statement.creates}")
    for name, value in previous.items():
        cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
    return rows


def run_side_by_side(
    statements: Sequence[Statement],
    *,
    settings: Sequence[str] = (),
    done: Callable[[Statement, int, float], None] | None = None,
) -> dict[str, int]:
    """Rows written per statement name. `settings` (SET LOCAL …) open every statement's transaction;
    `done(statement, rows, seconds)` is called in the caller's thread as each one finishes, in
    finishing order, with the seconds it took. Each statement starts as soon as a connection is free
    and the statements named in its `after` have committed, the first such in list order."""
    _check_order(statements)
    counts: dict[str, int] = {}
    if not can_run_side_by_side():
        with connection.cursor() as cursor:
            for setting in settings if connection.vendor == "postgresql" else ():
                cursor.execute(setting)
            for statement in statements:
                started = time.perf_counter()
                counts[statement.name] = _execute(cursor, statement)
                if done:
                    done(statement, counts[statement.name], time.perf_counter() - started)
        return counts

    pending = list(statements)
    committed: set[str] = set()
    finished: list[tuple[Statement, int, float]] = []
    failures: list[BaseException] = []
    lock = threading.Condition()

    def next_ready() -> Statement | None:
        for n, statement in enumerate(pending):
            if committed.issuperset(statement.after):
                return pending.pop(n)
        return None

    def work() -> None:
        try:  # a thread has its own Django connection: opened here, closed when the thread ends
            while True:
                with lock:
                    statement = None
                    while not failures and pending:
                        statement = next_ready()
                        if statement is not None:
                            break
                        lock.wait()  # what is left waits for a statement still running on the other connection
                    if statement is None:
                        return
                started = time.perf_counter()
                with transaction.atomic(), connection.cursor() as cursor:
                    for setting in settings:
                        cursor.execute(setting)
                    rows = _execute(cursor, statement)
                with lock:
                    finished.append((statement, rows, time.perf_counter() - started))
                    committed.add(statement.name)
                    lock.notify_all()
        except BaseException as exc:  # re-raised in the caller's thread
            with lock:
                failures.append(exc)
                lock.notify_all()
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
        for statement, rows, seconds in news:
            counts[statement.name] = rows
            if done:
                done(statement, rows, seconds)
        if failures or (reported == len(finished) and not any(t.is_alive() for t in threads)):
            break
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return counts


@contextmanager
def working_tables(tables: Sequence[str], *, lock: str) -> Iterator[None]:
    """The working tables of a batch (filled by its statements with `creates`): any left by an
    interrupted run dropped before the block, all of them dropped after it.

    Side by side (see `can_run_side_by_side`) the statements commit them, so that the other
    connection reads them, and a session advisory lock on `lock` (an SQL expression) keeps another
    run off their names until they are dropped. Otherwise everything happens in one transaction,
    under a transaction lock on PostgreSQL."""

    def drop(cursor) -> None:
        for table in reversed(tables):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")

    if not can_run_side_by_side():
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"SELECT pg_advisory_xact_lock({lock})")
            drop(cursor)
            yield
            drop(cursor)
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT pg_advisory_lock({lock})")
        try:
            drop(cursor)
            yield
        finally:
            drop(cursor)
            cursor.execute(f"SELECT pg_advisory_unlock({lock})")
