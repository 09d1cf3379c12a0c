# ruff: noqa: S608 - SQL assembled from the finders' own SQL, table names and literals (engines.literal)
"""政策找人 on an engine outside the database: DuckDB or Apache Spark (ADR 0036, docs/production.md §6).

The database stays the system of record; the engine only finds. For a run (`Engine`, one per
`services.find_eligible`, however many counties and finders it covers):

1. what the finders read is exported once as Parquet into a folder of the exchange directory
   (`settings.SWEEP_EXCHANGE_DIR`, on a cluster a mount every Spark worker reads): the columns of
   residents, memberships, enrolments and the children's files named in `SNAPSHOT` (core.exchange);
2. each registered finder's own SELECT — the text `finder.find(run)` gives the database, with the
   counties' policy values in it — runs there with its parameters written in (`engines.inline`;
   for Spark `engines.spark_sql` reads `CAST(… AS TEXT)` as `STRING`), one job per finder, the
   candidates written as Parquet beside the snapshot;
3. the candidates come back through the database's own path: loaded into a working table
   `of_found` (COPY on PostgreSQL), and the finder's SELECT handed to `find_eligible` becomes
   `SELECT … FROM of_found WHERE programme = …`, so the same `INSERT … SELECT … WHERE NOT EXISTS
   (enrolled) AND NOT EXISTS (found before) ON CONFLICT DO NOTHING` (services.INSERT_SQL) writes
   the findings, and the same closing of settled findings follows.

A finder whose SQL the engines cannot run names an engine form of its own (`ENGINE_SQL`, programme →
`find(run) -> FindSql` over the snapshot's tables, with a twin test against the database's); none
needs one today: Spark ≥ 4 reads the finders' correlated EXISTS and ORDER BY … LIMIT 1 sub-queries.

`settings.FIND_ENGINE` (`MINZHENG_FIND_ENGINE`: database, duckdb, spark) picks the engine of the
daily job; `settings.SPARK_MASTER` the Spark master. PySpark is optional (requirements-distributed.txt).
"""

import shutil
import tempfile
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path

from django.conf import settings
from django.db import connection

import engines
from core import exchange

# The columns of each table the finders read, with their types (DuckDB's and Parquet's).
SNAPSHOT = {
    "registry_person": [
        ("id", "BIGINT"),
        ("area_code", "VARCHAR"),
        ("birth_date", "DATE"),
        ("sex", "VARCHAR"),
        ("life_status", "VARCHAR"),
        ("disability_type", "VARCHAR"),
        ("disability_grade", "SMALLINT"),
    ],
    "registry_membership": [
        ("id", "BIGINT"),
        ("household_id", "BIGINT"),
        ("person_id", "BIGINT"),
        ("relation", "VARCHAR"),
        ("end_date", "DATE"),
    ],
    "ledger_enrolment": [
        ("id", "BIGINT"),
        ("programme", "VARCHAR"),
        ("household_id", "BIGINT"),
        ("beneficiary_id", "BIGINT"),
        ("status", "VARCHAR"),
    ],
    "children_childrecord": [
        ("id", "BIGINT"),
        ("person_id", "BIGINT"),
        ("closed_on", "DATE"),
    ],
    "children_guardian": [
        ("id", "BIGINT"),
        ("child_id", "BIGINT"),
        ("relation", "VARCHAR"),
        ("situation", "VARCHAR"),
    ],
}
# A finder's candidates (the columns services.INSERT_SQL reads), with the programme in front.
FOUND_COLUMNS = [
    ("programme", "VARCHAR"),
    ("person_id", "BIGINT"),
    ("household_id", "BIGINT"),
    ("area_code", "VARCHAR"),
    ("reason", "VARCHAR"),
    ("monthly_amount", "DECIMAL(10, 2)"),
]
_WIDTHS = {"programme": 30, "area_code": 15, "reason": 300}
T_FOUND = "of_found"
# programme → an engine form of the finder, for a finder whose SQL the engines cannot run as it is
ENGINE_SQL: dict[str, Callable] = {}


def found_table_sql() -> str:
    columns = ", ".join(
        f"{name} {f'VARCHAR({_WIDTHS[name]})' if kind == 'VARCHAR' else kind}" for name, kind in FOUND_COLUMNS
    )
    return f"CREATE TEMP TABLE {T_FOUND} ({columns})"


def finder_step(programme: str, sql: str, params) -> engines.Step:
    """The engine's job for one finder: its SELECT, parameters written in, the programme in front."""
    names = ", ".join(name for name, _kind in FOUND_COLUMNS[1:])
    select = engines.inline(sql, params)
    return engines.Step(  # the newline: a finder's SQL may end in a `--` comment
        programme, f"SELECT {engines.literal(programme)} AS programme, {names} FROM ({select}\n) AS c", output=True
    )


class Engine:
    """One run of the finders on an engine: the snapshot exported on entry (and the Spark session
    started), the working table and the folder removed on exit. `found(finder, run, sql, params)`
    runs a finder there and returns the SELECT (and parameters) of its candidates in the database."""

    def __init__(self, name: str, *, master: str | None = None, folder: str | Path | None = None, session=None):
        if name not in engines.ENGINES:
            raise ValueError(f"unknown engine {name!r}")
        self.name, self.master = name, master or settings.SPARK_MASTER
        self.folder = Path(folder) if folder else None
        self.session, self._own_session = session, session is None
        self.inputs: dict[str, Path] = {}
        self.timings: dict[str, float] = {}

    def __enter__(self) -> "Engine":
        if self.folder is None:
            Path(settings.SWEEP_EXCHANGE_DIR).mkdir(parents=True, exist_ok=True)
            self.folder = Path(tempfile.mkdtemp(prefix="find-", dir=settings.SWEEP_EXCHANGE_DIR))
        try:
            self.inputs = exchange.export_snapshot(self.folder / "input", SNAPSHOT)
            if self.name == "spark" and self.session is None:
                self.session = engines.spark_session(self.master, app="minzheng-find")
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {T_FOUND}")
                cursor.execute(found_table_sql())
        except BaseException:  # no Spark, no Java, a full disk: nothing of the run is left behind
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *_exc) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {T_FOUND}")
        if self.session is not None and self._own_session:
            self.session.stop()
            self.session = None
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)

    def run(self, programme: str, sql: str, params) -> str:
        """The finder's candidates as Parquet on the engine; returns where they were written."""
        out = self.folder / f"found_{programme}"
        return engines.run(
            self.name,
            inputs=self.inputs,
            steps=[finder_step(programme, sql, params)],
            columns=FOUND_COLUMNS,
            out=out if self.name == "spark" else out.with_suffix(".parquet"),
            session=self.session,
            settings={"threads": 2} if self.name == "duckdb" else None,
            timed=lambda _step, seconds: self.timings.__setitem__(programme, seconds),
        )

    def found(self, finder, run, sql: str, params) -> tuple[str, list]:
        """Run the finder on the engine (its engine form when it names one), load its candidates
        into `of_found`, and give the SELECT the database's INSERT reads them with."""
        if finder.programme in ENGINE_SQL:
            sql, params = ENGINE_SQL[finder.programme](run)
        elif held := {name: getattr(run, name) for name in RUN_TABLES if getattr(run, name, "")}:
            sql, params = _inline(finder, run, held)
        where = self.run(finder.programme, sql, params)
        names = [name for name, _kind in FOUND_COLUMNS]
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {T_FOUND} WHERE programme = %s", [finder.programme])
            exchange.load_rows(cursor, T_FOUND, exchange.read_parquet(where, names, "person_id"))
        select = f"SELECT {', '.join(names[1:])} FROM {T_FOUND} WHERE programme = %s"
        return select, [finder.programme]


# Attributes of a FindRun naming a temporary table of the database the finders read while the run holds
# it (residents who may qualify, computed once per run in the database); the engine has no such table.
RUN_TABLES = ("candidates_table", "children_table")


def _inline(finder, run, held: dict) -> tuple[str, list]:
    """The finder's SQL as it reads on its own (the run's temporary tables as their SELECTs, inline):
    the engine's snapshot holds the tables those SELECTs read, not the database's temporary tables."""
    noted = len(run.skipped)
    for name in held:
        setattr(run, name, "")
    try:
        found = finder.find(run)
    finally:
        for name, table in held.items():
            setattr(run, name, table)
        del run.skipped[noted:]  # noted once already, by the database's pass
    return found


def open_engine(engine):
    """A context giving the open engine of a run (None: the finders run in the database)."""
    if isinstance(engine, Engine):
        return nullcontext(engine)
    name = engine or settings.FIND_ENGINE
    return nullcontext(None) if name == "database" else Engine(name)
