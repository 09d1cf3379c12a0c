"""Bulk-load mode for a county's data take-on (docs/decisions/0010-registry-bulk-import.md).

When an import is at least as large as what the registry already holds, it is loaded the way
pg_restore loads a dump: inside the import's one transaction the tables' secondary indexes and their
own foreign keys are dropped, the rows copied in, and the indexes built again by sorting (CREATE
INDEX) and the foreign keys validated by one join each (ADD CONSTRAINT) — instead of 300,000 inserts
into each of a dozen B-trees and a trigger query per row at commit. DDL is transactional in
PostgreSQL: a failure anywhere rolls the schema back with the rows. The price is an ACCESS EXCLUSIVE
lock on the tables until commit (nobody can read the registry meanwhile), acceptable for a first
load, not for a small daily import; hence the threshold.

The DDL is the database's own: each index and constraint is read from the catalogue
(`pg_get_indexdef`, `pg_get_constraintdef`, as pg_dump does) just before it is dropped, so whatever
the migrations made — Meta indexes, `db_index` columns with their `_like` twins, the trigram index
of a RunPython migration — comes back exactly, and nothing here can drift from them.
"""

import threading

from django.db import connection

# For the index builds: sorts of ~300,000 keys stay in memory (the server default is 64 MB).
MAINTENANCE_WORK_MEM = "256MB"


def is_take_on(model, new_rows: int) -> bool:
    """Whether `new_rows` new rows are at least as many as the table holds (PostgreSQL only).

    Counts at most new_rows + 1 existing rows, so a small import into a large registry pays for a
    few rows, not for a count of the whole table.
    """
    if connection.vendor != "postgresql" or new_rows <= 0:
        return False
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM (SELECT 1 FROM {table} LIMIT %s) existing", [new_rows + 1])  # noqa: S608
        return cursor.fetchone()[0] <= new_rows


class IndexesSetAside:
    """Around a bulk load of `models`' tables, inside the caller's transaction (PostgreSQL).

    Kept: primary keys that a foreign key anywhere refers to (dropping them would take the other
    tables' foreign keys along) and CHECK constraints (evaluated per row anyway, at no index cost).
    Everything else on these tables is dropped on entry and made again on a normal exit; on an
    exception nothing is made again: the caller's rollback restores it all.
    """

    def __init__(self, models):
        self.tables = [model._meta.db_table for model in models]
        self.rebuild: dict[str, list[str]] = {}  # table → its indexes, then its unique/primary keys
        self.foreign_keys: list[str] = []
        self.background: threading.Thread | None = None
        self.failure: BaseException | None = None

    def __enter__(self) -> "IndexesSetAside":
        quoted = ", ".join(_q(table) for table in self.tables)
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {quoted} IN ACCESS EXCLUSIVE MODE")
            # Deferred checks already queued on these tables by the caller's transaction would forbid
            # ALTER TABLE ("pending trigger events"): run them now, then defer again as Django's are.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            cursor.execute(f"SET LOCAL maintenance_work_mem = '{MAINTENANCE_WORK_MEM}'")
            constraints = _droppable_constraints(cursor, self.tables)
            indexes = _droppable_indexes(cursor, self.tables)
            for table, name, _kind, _definition in constraints:
                cursor.execute(f"ALTER TABLE {_q(table)} DROP CONSTRAINT {_q(name)}")
            for _table, name, _definition in indexes:
                cursor.execute(f"DROP INDEX {_q(name)}")
        for table, _name, definition in indexes:
            self.rebuild.setdefault(table, []).append(definition)
        for table, name, kind, definition in constraints:
            sql = f"ALTER TABLE {_q(table)} ADD CONSTRAINT {_q(name)} {definition}"
            if kind == "f":  # after every unique and primary key they may need
                self.foreign_keys.append(sql)
            else:
                self.rebuild.setdefault(table, []).append(sql)
        return self

    def rebuild_in_background(self, model) -> None:
        """Start making one table's indexes again, on this connection from another thread, while the
        caller prepares the next tables' rows in Python: the database sorts on one core while Python
        works on the other. The caller must not use the database until `wait()`."""
        statements = self.rebuild.pop(model._meta.db_table, [])
        raw = connection.connection

        def run() -> None:
            try:
                for sql in statements:
                    raw.execute(sql)
            except BaseException as exc:  # re-raised by wait() in the caller's thread
                self.failure = exc

        self.background = threading.Thread(target=run, name="registry-import-indexes")
        self.background.start()

    def wait(self) -> None:
        if self.background is not None:
            self.background.join()
            self.background = None
        if self.failure is not None:
            failure, self.failure = self.failure, None
            with connection.wrap_database_errors:  # psycopg's error as Django's (IntegrityError, ...)
                raise failure

    def __exit__(self, exc_type, exc, traceback) -> None:
        if exc_type is not None:
            if self.background is not None:
                self.background.join()  # never roll back under a statement still running
            return
        self.wait()
        with connection.cursor() as cursor:
            for statements in self.rebuild.values():
                for sql in statements:
                    cursor.execute(sql)
            for sql in self.foreign_keys:
                cursor.execute(sql)


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _droppable_constraints(cursor, tables: list[str]) -> list[tuple[str, str, str, str]]:
    """(table, name, kind, definition): the tables' foreign keys first (dropped first), then their
    primary-key and unique constraints that no foreign key depends on."""
    cursor.execute(
        "SELECT t.relname, c.conname, c.contype, pg_get_constraintdef(c.oid) FROM pg_constraint c "
        "JOIN pg_class t ON t.oid = c.conrelid "
        "WHERE t.relname = ANY(%s) AND pg_table_is_visible(t.oid) AND (c.contype = 'f' OR "
        "(c.contype IN ('p', 'u') AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint r WHERE r.contype = 'f' AND r.conindid = c.conindid))) "
        "ORDER BY c.contype <> 'f', t.relname, c.conname",
        [tables],
    )
    return cursor.fetchall()


def _droppable_indexes(cursor, tables: list[str]) -> list[tuple[str, str, str]]:
    """(table, name, CREATE INDEX statement) of the tables' indexes that no constraint owns."""
    cursor.execute(
        "SELECT t.relname, i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
        "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
        "WHERE t.relname = ANY(%s) AND pg_table_is_visible(t.oid) "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) "
        "ORDER BY t.relname, i.relname",
        [tables],
    )
    return cursor.fetchall()
