"""Batch SQL: the set-based statements of a sweep (and of the monitoring run built on its data), run
side by side on connections of their own, per county (ADR 0012).

PostgreSQL 15 never runs an INSERT … SELECT with parallel workers, so a batch of such statements
(the sweep's finding kinds, the monitoring signal rules) run one after the other keeps all cores
but one idle. Statements that read only committed data and write rows no other running statement
reads run instead on a thread pool (`settings.BATCH_SQL_WORKERS`, default the machine's cores), each
on its own connection and in its own transaction. A statement that reads another's result — a
working table, typically — names it in `after` and is submitted once that one has committed; of the
statements ready, the first in list order goes first (the longest chains are listed first).

Each statement commits on its own: a failure leaves the others' rows in place. Callers use this
only for idempotent statements (INSERT … ON CONFLICT DO NOTHING on a natural key, working tables
made again by the next run), so running the batch again completes it. Inside an open transaction
(a caller's atomic block, every test's transaction) or on SQLite, the statements run one after the
other in list order on the current connection and transaction instead: a second connection would
not see uncommitted rows, and SQLite has one writer.

`working_tables` gives a batch's working tables names of the county it runs in (vs_hits_430522),
so two counties run at once; a lock on those names keeps a county's second run waiting until its
first has finished, and refuses it, with a message naming the county, after
`settings.BATCH_SQL_WAIT_SECONDS`.
"""

import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace

from django.conf import settings as config
from django.db import OperationalError, connection, transaction

from areas.models import Area
from core.errors import DomainError
from core.exchange import load_rows
from verification.errors import VerificationCode

LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE when lock_timeout ends a wait


@dataclass(frozen=True)
class Statement:
    name: str
    sql: str
    params: dict = field(default_factory=dict)
    after: tuple[str, ...] = ()  # statements of the batch whose result this one reads (listed before it)
    creates: str = ""  # the working table this statement fills: ANALYZEd on PostgreSQL before it counts as done
    settings: Mapping[str, str] = field(default_factory=dict)  # PostgreSQL settings for this statement alone
    # rows loaded into the table it creates (rows computed elsewhere: an engine's findings, verification/distributed.py)
    rows: Callable[[], Iterable[tuple]] | None = None


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
    if statement.rows is not None:
        rows = load_rows(cursor, statement.creates, statement.rows())
    if statement.creates and postgres:
        cursor.execute(f"ANALYZE {statement.creates}")
    for name, value in previous.items():
        cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
    return rows


def _commit(statement: Statement, settings: Sequence[str]) -> tuple[int, float]:
    """One statement in a transaction of its own, on this pool thread's connection."""
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for setting in settings:
            cursor.execute(setting)
        rows = _execute(cursor, statement)
    return rows, time.perf_counter() - started


@contextmanager
def _pool(workers: int) -> Iterator[ThreadPoolExecutor]:
    """A thread pool whose threads' database connections are closed when it ends: a Django
    connection belongs to the thread that opened it, so each thread closes its own. The barrier
    makes the `workers` closing calls land on `workers` different threads (a thread holds its call
    until all have started); opening a connection per statement instead costs ~17 ms each."""
    barrier = threading.Barrier(workers)

    def close() -> None:
        connection.close()
        with suppress(threading.BrokenBarrierError):  # never expected; a thread's connection then goes with it
            barrier.wait(timeout=10)

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="batch-sql") as pool:
        try:
            yield pool
        finally:
            for future in [pool.submit(close) for _ in range(workers)]:
                future.result()


def run_side_by_side(
    statements: Sequence[Statement],
    *,
    settings: Sequence[str] = (),
    done: Callable[[Statement, int, float], None] | None = None,
) -> dict[str, int]:
    """Rows written per statement name. `settings` (SET LOCAL …) open every statement's transaction;
    `done(statement, rows, seconds)` is called in the caller's thread as each one finishes, in
    finishing order, with the seconds it took. At most `settings.BATCH_SQL_WORKERS` run at once;
    each starts once the statements named in its `after` have committed."""
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

    workers = max(1, min(config.BATCH_SQL_WORKERS, len(statements)))
    pending = list(statements)
    running: dict[Future, Statement] = {}
    with _pool(workers) as pool:
        try:
            while pending or running:
                # as many as there are free workers, of the statements whose inputs have committed
                ready = [s for s in pending if counts.keys() >= set(s.after)][: workers - len(running)]
                for statement in ready:
                    pending.remove(statement)
                    running[pool.submit(_commit, statement, settings)] = statement
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in sorted(finished, key=lambda f: statements.index(running[f])):
                    statement = running.pop(future)
                    rows, seconds = future.result()  # a statement's error is raised here
                    counts[statement.name] = rows
                    if done:
                        done(statement, rows, seconds)
        except BaseException:
            for future in running:
                future.cancel()
            wait(running)  # the statements already running finish (and commit) before the error goes up
            raise
    return counts


def county_key(prefix: str) -> str:
    """The county a run over the areas under `prefix` works in: its 6-digit code (a township's run
    is its county's), or the prefix itself above county level ("all" for the whole installation)."""
    key = prefix[:6] or "all"
    if not re.fullmatch(r"\d{1,6}|all", key):
        raise ValueError(f"not an area prefix: {prefix!r}")
    return key


def _where(key: str) -> str:
    if key == "all":
        return "全部地区"
    code = (key + "0" * 12)[:12]
    return Area.objects.filter(code=code).values_list("name", flat=True).first() or code


def _busy(key: str, label: str, wait_seconds: int) -> DomainError:
    minutes, seconds = divmod(wait_seconds, 60)
    waited = f"{minutes}分钟" if minutes and not seconds else f"{wait_seconds}秒"
    waited = f"已等待{waited}仍未结束，" if wait_seconds > 0 else ""
    return DomainError(
        VerificationCode.BUSY, f"{_where(key)}的{label}正在进行，{waited}请等它完成后再试", area=key, label=label
    )


def _lock(cursor, key: str, names: str, *, session: bool, wait_seconds: int) -> bool:
    """Take the lock on a county's working-table names: a session lock (released by hand) or one
    held to the end of the current transaction. False when it is still held by another run after
    `wait_seconds` (0: not waited for)."""
    kind = "" if session else "_xact"
    if wait_seconds <= 0:
        cursor.execute(f"SELECT pg_try_advisory{kind}_lock(hashtext(%s))", [names])
        return cursor.fetchone()[0]
    cursor.execute("SELECT current_setting('lock_timeout'), set_config('lock_timeout', %s, true)", [f"{wait_seconds}s"])
    previous = cursor.fetchone()[0]
    try:
        with transaction.atomic(savepoint=True):
            cursor.execute(f"SELECT pg_advisory{kind}_lock(hashtext(%s))", [names])
    except OperationalError as exc:
        if getattr(exc.__cause__, "sqlstate", None) != LOCK_NOT_AVAILABLE:
            raise
        return False
    finally:
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [previous])
    return True


@contextmanager
def working_tables(
    statements: Sequence[Statement], *, prefix: str, label: str, wait_seconds: int | None = None
) -> Iterator[list[Statement]]:
    """The batch with its working tables (the `creates` of its statements) named for the county
    of `prefix` (see `county_key`): any left by an interrupted run of that county dropped before the
    block, all of them dropped after it. `label` names the run in the refusal (全面比对).

    Side by side (see `can_run_side_by_side`) the statements commit them, so that the other
    connections read them, and a session lock on their names keeps the county's next run off them
    until they are dropped. Otherwise everything happens in one transaction, under a transaction
    lock on PostgreSQL. A run that finds the lock held waits up to `wait_seconds` (default
    settings.BATCH_SQL_WAIT_SECONDS), then is refused with DomainError(VerificationCode.BUSY)."""
    key = county_key(prefix)
    wait_seconds = config.BATCH_SQL_WAIT_SECONDS if wait_seconds is None else wait_seconds
    tables = {s.creates: f"{s.creates}_{key}" for s in statements if s.creates}
    if tables:
        pattern = re.compile(r"\b(" + "|".join(map(re.escape, tables)) + r")\b")

        def rename(name: str) -> str:
            return tables.get(name, name)

        statements = [
            replace(
                s,
                name=rename(s.name) if s.creates else s.name,
                sql=pattern.sub(lambda m: tables[m.group(1)], s.sql),
                after=tuple(map(rename, s.after)),
                creates=rename(s.creates),
            )
            for s in statements
        ]
    names = ",".join(sorted(tables.values()))
    postgres = connection.vendor == "postgresql"

    def drop(cursor) -> None:
        for table in reversed(tables.values()):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")

    if not can_run_side_by_side():
        with transaction.atomic(), connection.cursor() as cursor:
            if postgres and not _lock(cursor, key, names, session=False, wait_seconds=wait_seconds):
                raise _busy(key, label, wait_seconds)
            drop(cursor)
            yield list(statements)
            drop(cursor)
        return
    with transaction.atomic(), connection.cursor() as cursor:  # the session lock outlives this transaction
        if not _lock(cursor, key, names, session=True, wait_seconds=wait_seconds):
            raise _busy(key, label, wait_seconds)
    with connection.cursor() as cursor:
        try:
            drop(cursor)
            yield list(statements)
        finally:
            drop(cursor)
            cursor.execute("SELECT pg_advisory_unlock(hashtext(%s))", [names])
