# ruff: noqa: S608 - SQL assembled from table and column names of SNAPSHOT and the sweep's own SQL
"""The sweep on an engine outside the database: DuckDB or Apache Spark (ADR 0036, docs/production.md).

The database stays the system of record; the engine only finds. For a run (`Engine`, one per
`run_sweep` or job, however many counties it covers):

1. the registry and enrolment snapshot and the department rows are exported once as Parquet into a
   folder of the exchange directory (`settings.SWEEP_EXCHANGE_DIR`; on a cluster a mount every Spark
   worker reads): only the columns the sweep reads (`SNAPSHOT`), PostgreSQL's COPY … TO STDOUT (CSV)
   turned into Parquet by DuckDB;
2. per county, the sweep's own SQL (verification/sweep_sql.py, the text the database runs, for the
   engine's dialect) runs there (`engines.run`): the working tables, then every finding kind's
   candidates, written as Parquet beside the snapshot;
3. the candidates come back through the database's own path (`found_statements`): loaded into a
   working table `vs_found` of the county, then the same `INSERT … SELECT … ON CONFLICT (natural_key)
   DO NOTHING` per kind (`sweep_sql.insert_sql`) that writes the database's findings, run by
   batch_sql like every sweep — so the Sweep row, its counts, the recovery amounts, the audit entry and
   the work opened afterwards (verification/work.py) are the database sweep's.

`settings.SWEEP_ENGINE` picks the engine of the sweep job (database, duckdb or spark) and
`settings.SPARK_MASTER` the Spark master (local[2], spark://host:7077, yarn). PySpark is optional
(requirements-distributed.txt): only a Spark run imports it.
"""

import shutil
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from django.conf import settings
from django.db import connection

import engines
from core import exchange
from verification import sweep_sql
from verification.batch_sql import Statement

# The columns of each table the sweep reads, with their types (DuckDB's and Parquet's).
SNAPSHOT = {
    "registry_person": [
        ("id", "BIGINT"),
        ("id_number", "VARCHAR"),
        ("area_code", "VARCHAR"),
        ("birth_date", "DATE"),
        ("life_status", "VARCHAR"),
        ("disability_type", "VARCHAR"),
        ("disability_grade", "SMALLINT"),
    ],
    "registry_household": [
        ("id", "BIGINT"),
        ("kind", "VARCHAR"),
        ("bank_account", "VARCHAR"),
        ("area_code", "VARCHAR"),
    ],
    "registry_membership": [
        ("id", "BIGINT"),
        ("household_id", "BIGINT"),
        ("person_id", "BIGINT"),
        ("end_date", "DATE"),
    ],
    "ledger_enrolment": [
        ("id", "BIGINT"),
        ("programme", "VARCHAR"),
        ("household_id", "BIGINT"),
        ("beneficiary_id", "BIGINT"),
        ("status", "VARCHAR"),
        ("covered_members", "SMALLINT"),
        ("monthly_amount", "DECIMAL(10, 2)"),
        ("start_month", "DATE"),
        ("last_reviewed_on", "DATE"),
        ("area_code", "VARCHAR"),
    ],
    "verification_datasetrow": [
        ("id", "BIGINT"),
        ("batch_id", "BIGINT"),
        ("source", "VARCHAR"),
        ("id_number", "VARCHAR"),
        ("kind", "VARCHAR"),
        ("amount", "DECIMAL(14, 2)"),
        ("event_date", "DATE"),
        ("ref", "VARCHAR"),
    ],
}
T_FOUND = "vs_found"  # the working table the engine's candidates are loaded into, per county
# The candidates' columns (sweep_sql.CANDIDATE_COLUMNS) with their types.
FOUND_COLUMNS = list(
    zip(
        sweep_sql.CANDIDATE_COLUMNS,
        [
            "VARCHAR",
            "VARCHAR",
            "BIGINT",
            "BIGINT",
            "BIGINT",
            "VARCHAR",
            "BIGINT",
            "DATE",
            "DECIMAL(14, 2)",
            "VARCHAR",
            "DATE",
            "VARCHAR",
        ],
        strict=True,
    )
)
_WIDTHS = {"kind": 20, "natural_key": 120, "source": 20, "ref": 60, "area_code": 15}


def export_snapshot(folder: Path) -> dict[str, Path]:
    """Every SNAPSHOT table as `<folder>/<table>.parquet` (the database's rows as they are now);
    returns table → path (core.exchange)."""
    return exchange.export_snapshot(folder, SNAPSHOT)


def select_of(create: str) -> str:
    """The SELECT of a working table's `CREATE … TABLE name AS SELECT …`."""
    return create.split(" AS\n", 1)[1]


def sweep_steps(vendor: str, candidates: Sequence[sweep_sql.Candidate], params: dict) -> list[engines.Step]:
    """The engine's job for one county: the working tables the kinds read (as
    sweeps.sweep_statements picks them), then each kind's candidates, parameters written in."""
    needed = {table for c in candidates for table in sweep_sql.reads(c.sql)}
    fills = []
    for table, create in reversed(sweep_sql.prepare(vendor)):
        if table in needed:
            needed.update(sweep_sql.reads(create, creates=table))
            fills.insert(0, engines.Step(table, engines.inline(select_of(create), params)))
    return [*fills, *(engines.Step(c.kind, engines.inline(c.sql, params), output=True) for c in candidates)]


def read_found(path: str, chunk: int = 10_000) -> Iterator[tuple]:
    """The engine's candidates, in CANDIDATE_COLUMNS order (a stable order: natural key)."""
    return exchange.read_parquet(path, sweep_sql.CANDIDATE_COLUMNS, "kind, natural_key", chunk)


def found_table_sql(vendor: str) -> str:
    columns = ", ".join(
        f"{name} {f'VARCHAR({_WIDTHS[name]})' if kind == 'VARCHAR' else kind}" for name, kind in FOUND_COLUMNS
    )
    return f"{sweep_sql.create_table(vendor)} {T_FOUND} ({columns})"


def found_statements(vendor: str, kinds: Sequence[str], params: dict, details: dict[str, str], rows) -> list[Statement]:
    """The engine's candidates written as the database's are: `vs_found` filled with `rows()`, then
    one INSERT … ON CONFLICT (natural_key) DO NOTHING per kind reading it (sweep_sql.insert_sql)."""
    names = ", ".join(sweep_sql.CANDIDATE_COLUMNS)
    fill = Statement(T_FOUND, found_table_sql(vendor), creates=T_FOUND, rows=rows)
    inserts = [
        Statement(
            kind,
            sweep_sql.insert_sql(f"SELECT {names} FROM {T_FOUND} WHERE kind = '{kind}'"),
            {**params, "detail": details[kind]},
            after=(T_FOUND,),
        )
        for kind in kinds
    ]
    return [fill, *inserts]


class Engine:
    """One run on an engine: the snapshot exported on entry (and the Spark session started), removed
    on exit. `statements(...)` runs a county's job and returns its write-back statements."""

    def __init__(self, name: str, *, master: str | None = None, folder: str | Path | None = None, keep=False):
        if name not in engines.ENGINES:
            raise ValueError(f"unknown engine {name!r}")
        self.name, self.master, self.keep = name, master or settings.SPARK_MASTER, keep
        self.folder = Path(folder) if folder else None
        self.session = None
        self.inputs: dict[str, Path] = {}

    def __enter__(self) -> "Engine":
        if self.folder is None:
            Path(settings.SWEEP_EXCHANGE_DIR).mkdir(parents=True, exist_ok=True)
            self.folder = Path(tempfile.mkdtemp(prefix="sweep-", dir=settings.SWEEP_EXCHANGE_DIR))
        self.inputs = export_snapshot(self.folder / "input")
        if self.name == "spark":
            self.session = engines.spark_session(self.master, app="minzheng-sweep")
        return self

    def __exit__(self, *_exc) -> None:
        if self.session is not None:
            self.session.stop()
            self.session = None
        if not self.keep and self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)

    def find(self, key: str, candidates: Sequence[sweep_sql.Candidate], params: dict) -> str:
        """The county's candidates as Parquet (where they were written)."""
        return engines.run(
            self.name,
            inputs=self.inputs,
            steps=sweep_steps(self.name, candidates, params),
            columns=FOUND_COLUMNS,
            out=self.folder / f"found_{key}" if self.name == "spark" else self.folder / f"found_{key}.parquet",
            session=self.session,
            settings={"threads": 2} if self.name == "duckdb" else None,
        )

    def statements(self, key, candidates, params: dict, details: dict[str, str]) -> list[Statement]:
        found = self.find(key, candidates, params)
        return found_statements(
            connection.vendor, [c.kind for c in candidates], params, details, rows=lambda: read_found(found)
        )
