"""Verification sweep benchmark: the application's own sweep SQL (verification/sweep_sql.py and
monitoring/signals.py) on PostgreSQL and on DuckDB over Parquet files; first, the monthly sweep
end to end for a 100,000-household county — findings, the work opened for each, monitoring — as
the job runs it (bench/verification_e2e.py, a process of its own: `--only e2e` runs it alone).

    .venv/bin/python bench/verification.py            # 1,000,000 residents, 10 sources × 1,000,000 rows
    .venv/bin/python bench/verification.py --quick    # 100,000 residents, 10 × 100,000 rows (< 1 minute)

PostgreSQL: creates and drops its own database (never the dev database) on BENCH_PG_URL (default
postgres://postgres@127.0.0.1:5432/postgres), a copy of the bench template (bench/common.py: the
project's migrations, run once per set of migrations), so the sweep writes into the production
tables with every index, constraint and foreign key they have, fills
them set-based with generate_series (triggers off, indexes rebuilt after the fill), then times
the full sweep (findings written) as run_sweep and raise_signals run it, through the same code
(verification/batch_sql.py): the working tables and one INSERT … ON CONFLICT DO NOTHING per finding
kind and per signal rule, side by side on settings.BATCH_SQL_WORKERS connections (default: the
cores), each once the working tables it reads are committed. DuckDB: the same data written to Parquet by DuckDB itself (COPY … TO, no
pyarrow); the same working-table and candidate SQL over read_parquet views (2 threads), with every
finding kind in one INSERT and every signal in another (new natural keys only). Per-phase and
per-statement times are printed for both (on PostgreSQL the commit too: deferred foreign-key
checks run there). The naive per-person, per-source query loop is timed on a 10,000-person sample
(2,000 with --quick) and projected. --only pg|duckdb runs one engine, --keep keeps the PostgreSQL
database to study plans.

The floor of a sweep on this machine, measured in the same run on each engine: the bare hash join
of the county's residents to every department row by ID number (one SELECT count(*), under the
sweep's settings on PostgreSQL), best of three. The sweep itself is run three times (findings and
warnings emptied before each, untimed); the first run is the absolute line, the best of the three is
printed against the floor: `BENCH verification_sweep_<size>_<engine>_ratio_to_floor <x> x target …`.
"""

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minzheng.settings")
os.environ.setdefault("MINZHENG_DEBUG", "1")

# The sweep runs through Django's connections, as the job does: pointed at the bench's own database
# (created in pg_run under this name; Django connects only when first used).
PG_SERVER = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres").rsplit("/", 1)[0]
PG_DATABASE = f"mz_bench_verification_{os.getpid()}"
os.environ["DATABASE_URL"] = f"{PG_SERVER}/{PG_DATABASE}"

import django  # noqa: E402

django.setup()

import duckdb  # noqa: E402
import psycopg  # noqa: E402
from django.db import connections  # noqa: E402

from bench import common  # noqa: E402
from bench.common import bench_line  # noqa: E402
from monitoring import signals  # noqa: E402
from verification import sweep_sql, sweeps  # noqa: E402
from verification.batch_sql import Statement, run_side_by_side, working_tables  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent

SOURCES = [
    "death",
    "funeral",
    "vehicle",
    "business",
    "real_estate",
    "wage",
    "pension",
    "deposit",
    "medical",
    "disaster",
]
KINDS = {"vehicle": "car", "business": "active", "real_estate": "house", "pension": "pension_employee"}
ON = date(2025, 9, 10)
PARAMS = {
    "prefix": "430522%",
    "batch": None,
    "month_start": date(2025, 9, 1),
    "year_ago": date(2024, 9, 10),
    "tekun_born_by": date(1965, 9, 10),
    "std_urban": Decimal("700"),
    "std_rural": Decimal("470"),
    "max_vehicles": 0,
    "max_houses": 1,
    "deposit_months": 24,
    "sweep": 1,
    "now": "2025-09-10 00:00:00+08",
    "detail": "bench",
}
# The floor: everyone of the county against every department row, by ID number (a hash join; on
# PostgreSQL with the sweep's settings and as many parallel workers as it plans for).
FLOOR_SQL = """SELECT count(*) FROM registry_person p JOIN verification_datasetrow r ON r.id_number = p.id_number
WHERE p.area_code LIKE '430522%'"""
# sweep / floor, best of three each, per size: at 100,000 residents the sweep's fixed costs (a
# statement's planning, a working table's ANALYZE, the threads' connections) weigh more. Measured
# (load 5–13 on 2 cores): 1M 2.2 (PG) and 2.3 (DuckDB); 100k 4.2 and 5.8.
TARGET_RATIO = {"pg": {"1m": 4, "100k": 8}, "duckdb": {"1m": 4, "100k": 10}}
SIGNALS = {  # monitoring signals in the same run: medical bills and disaster losses
    "illness": {"threshold": Decimal("20000"), "high_at": Decimal("50000"), "risk": "medium"},
    "disaster": {"threshold": Decimal("10000"), "high_at": None, "risk": "high"},
}

# DuckDB: the tables the Parquet exports hold (the columns the sweep reads) and its output tables.
DDL = """
CREATE TABLE registry_person (id bigint PRIMARY KEY, id_number varchar(18) NOT NULL, area_code varchar(15) NOT NULL,
  birth_date date NOT NULL, life_status varchar(10) NOT NULL, disability_type varchar(1) NOT NULL,
  disability_grade smallint);
CREATE TABLE registry_household (id bigint PRIMARY KEY, kind varchar(5) NOT NULL, bank_account varchar(32) NOT NULL,
  area_code varchar(15) NOT NULL);
CREATE TABLE registry_membership (id bigint PRIMARY KEY, household_id bigint NOT NULL, person_id bigint NOT NULL,
  relation varchar(2) NOT NULL, end_date date, area_code varchar(15) NOT NULL);
CREATE TABLE ledger_enrolment (id bigint PRIMARY KEY, programme varchar(30) NOT NULL, household_id bigint NOT NULL,
  beneficiary_id bigint, status varchar(15) NOT NULL, covered_members smallint NOT NULL,
  monthly_amount numeric(10, 2) NOT NULL, start_month date NOT NULL, last_reviewed_on date NOT NULL,
  area_code varchar(15) NOT NULL);
CREATE TABLE verification_datasetrow (id bigint PRIMARY KEY, batch_id bigint NOT NULL, source varchar(20) NOT NULL,
  id_number varchar(18) NOT NULL, name varchar(50) NOT NULL, kind varchar(20) NOT NULL, amount numeric(14, 2),
  event_date date, ref varchar(60) NOT NULL);
CREATE TABLE verification_finding (id bigserial PRIMARY KEY, kind varchar(20) NOT NULL, natural_key varchar(120) NOT NULL UNIQUE,
  household_id bigint, person_id bigint, enrolment_id bigint, source varchar(20) NOT NULL, batch_id bigint,
  event_date date, amount numeric(14, 2), ref varchar(60) NOT NULL, due_on date, area_code varchar(15) NOT NULL,
  detail varchar(300) NOT NULL, sweep_id bigint, found_at timestamptz NOT NULL, status varchar(12) NOT NULL,
  work_note varchar(200) NOT NULL, resolution varchar(300) NOT NULL);
CREATE TABLE monitoring_monitoredhousehold (id bigserial PRIMARY KEY, household_id bigint NOT NULL,
  category varchar(10) NOT NULL, until date, area_code varchar(15) NOT NULL);
CREATE TABLE monitoring_warning (id bigserial PRIMARY KEY, natural_key varchar(120) NOT NULL UNIQUE,
  signal varchar(20) NOT NULL, risk varchar(6) NOT NULL, household_id bigint NOT NULL, person_id bigint,
  source varchar(20) NOT NULL, batch_id bigint, amount numeric(14, 2), event_date date, area_code varchar(15) NOT NULL,
  finding_id bigint, detail varchar(300) NOT NULL, raised_on date NOT NULL, due_on date NOT NULL,
  stage varchar(12) NOT NULL, visit_note text NOT NULL, closure_reason varchar(300) NOT NULL, row_version int NOT NULL);
"""


# PostgreSQL fills the migrated tables (every index, constraint and foreign key of production), so
# the columns the sweep does not read get plausible values here; DuckDB's Parquet files leave them out.
EXTRA_COLUMNS = {
    "registry_person": {
        "name": "'张三丰'",
        "name_pinyin": "'zhangsanfeng'",
        "name_initials": "'zsf'",
        "sex": "'1'",
        "ethnicity": "'汉族'",
        "phone": "'138' || lpad(CAST(i AS VARCHAR), 8, '0')",
        "hukou_area_code": "'430522100200'",
        "marital_status": "'20'",
        "disability_certificate": "''",
        "serious_illness": "''",
        "labour_capacity": "'full'",
        "employment": "''",
        "education": "''",
        "created_at": "now()",
        "updated_at": "now()",
    },
    "registry_household": {
        "number": "'H' || CAST(i AS VARCHAR)",
        "address": "'某某乡某某村' || CAST(i % 500 AS VARCHAR) || '组'",
        "phone": "''",
        "bank_name": "''",
        "bank_account_name": "''",
        "is_active": "true",
        "created_at": "now()",
        "updated_at": "now()",
    },
    "registry_membership": {"start_date": "DATE '2020-01-01'", "end_reason": "''"},
    "ledger_enrolment": {
        "certificate_number": "'DB' || CAST(i AS VARCHAR)",
        "review_basis": "'annual'",
        "version": "0",
        "created_at": "now()",
        "updated_at": "now()",
    },
    "verification_datasetrow": {"attrs": "'{}'"},
    "monitoring_monitoredhousehold": {"basis": "'enrolment'", "since": "DATE '2025-02-01'", "note": "''"},
}


def fill_sql(n: int, rows: int, *, full: bool) -> list[str]:
    """Set-based fill, the same formulas on PostgreSQL (generate_series) and DuckDB (range);
    `full` adds the columns the sweep does not read (the migrated PostgreSQL tables)."""
    series = "generate_series(1, {n}) AS g(i)"
    idn = "'430522' || lpad(CAST({x} AS VARCHAR), 12, '0')"
    area = (
        "'430522' || lpad(CAST(100 + ({x} % 20) AS VARCHAR), 3, '0') || lpad(CAST(200 + ({x} % 30) AS VARCHAR), 3, '0')"
    )
    households = n // 3

    def insert(table: str, columns: str, select: str, source: str, where: str = "") -> str:
        extra = EXTRA_COLUMNS.get(table, {}) if full else {}
        names = ", ".join([columns, *extra])
        values = ", ".join([select, *extra.values()])
        return f"INSERT INTO {table} ({names}) SELECT {values} FROM {source} {where}"

    statements = [
        insert(
            "registry_person",
            "id, id_number, area_code, birth_date, life_status, disability_type, disability_grade",
            f"""i, {idn.format(x="i")}, {area.format(x="((i - 1) / 3)")},
  DATE '1940-01-01' + CAST(i % 30000 AS INTEGER), 'alive', CASE WHEN i % 40 = 0 THEN '4' ELSE '' END,
  CASE WHEN i % 40 = 0 THEN CAST(1 + i % 4 AS SMALLINT) END""",
            series.format(n=n),
        ),
        insert(
            "registry_household",
            "id, kind, bank_account, area_code",
            f"""i, CASE WHEN i % 4 = 0 THEN 'urban' ELSE 'rural' END,
  CASE WHEN i % 997 = 0 THEN 'ACC' || CAST(i % 5 AS VARCHAR) ELSE '' END, {area.format(x="(i - 1)")}""",
            series.format(n=households),
        ),
        insert(
            "registry_membership",
            "id, household_id, person_id, relation, end_date, area_code",
            f"""i, (i - 1) / 3 + 1, i, CASE WHEN i % 3 = 1 THEN '02' ELSE '20' END, NULL,
  {area.format(x="((i - 1) / 3)")}""",
            series.format(n=households * 3),
        ),
        insert(
            "ledger_enrolment",
            "id, programme, household_id, beneficiary_id, status, covered_members, monthly_amount, start_month, "
            "last_reviewed_on, area_code",
            f"""i, 'dibao', i, NULL, 'in_payment', 3, 500, DATE '2025-02-01', DATE '2025-01-10',
  {area.format(x="(i - 1)")}""",
            series.format(n=households),
            "WHERE i % 10 < 3",
        ),
    ]
    for number, source in enumerate(SOURCES, start=1):
        kind = KINDS.get(source, source)
        # 10 × the residents' ID space: most department rows are about people outside the county
        person = f"((CAST(i AS BIGINT) * 7919 + {number * 104729}) % ({n * 10})) + 1"
        statements.append(
            insert(
                "verification_datasetrow",
                "id, batch_id, source, id_number, name, kind, amount, event_date, ref",
                f"""{(number - 1) * rows} + i, {number}, '{source}', {idn.format(x=person)}, '', '{kind}',
  CAST(i % 60000 AS DECIMAL(14, 2)), DATE '2024-01-01' + CAST(i % 600 AS INTEGER), 'R' || CAST(i AS VARCHAR)""",
                series.format(n=rows),
            )
        )
    statements.append(
        insert(
            "monitoring_monitoredhousehold",
            "id, household_id, category, until, area_code",
            "id, household_id, 'dibao', NULL, area_code",
            "ledger_enrolment",
        )
    )
    return statements


def statements(vendor: str) -> list[tuple[str, str, str, dict]]:
    """(phase, name, SQL, parameters) in the order the application runs them: the sweep's working
    tables ("prepare", CREATE … AS), one candidate SELECT per finding kind ("findings"), the
    monitored members ("members", CREATE … AS) and one SELECT per signal rule ("signals")."""
    out = [("prepare", table, create, PARAMS) for table, create in sweep_sql.prepare(vendor)]
    for candidate in sweep_sql.candidates(
        vendor, after_death_months=3, batch_only=False, incompatible=[("dibao", "tekun")], care_grades=(1, 2)
    ):
        out.append(("findings", candidate.kind, candidate.sql, PARAMS))
    out.append(("members", signals.T_MEMBERS, signals.members_sql(vendor, batch_only=False), PARAMS))
    for signal, extra in SIGNALS.items():
        params = {**PARAMS, **extra, "since": date(2024, 3, 10), "today": ON, "due": date(2025, 9, 17)}
        out.append(("signals", signal, signals.signal_sql(signal, batch_only=False), params))
    return out


def pg_batches() -> list[tuple[str, list[Statement]]]:
    """As run_sweep and raise_signals run them: (phase, statements run side by side, the working tables
    among them after their inputs), the finding kinds first, then the signal rules."""
    candidates = sweep_sql.candidates(
        "postgresql", after_death_months=3, batch_only=False, incompatible=[("dibao", "tekun")], care_grades=(1, 2)
    )
    sweep = sweeps.sweep_statements("postgresql", candidates, PARAMS, {c.kind: PARAMS["detail"] for c in candidates})
    monitoring = []
    for phase, name, sql, params in statements("postgresql"):
        if phase == "members":
            monitoring.append(Statement(name, sql, params, creates=name, settings=signals.PG_MEMBERS_SETTINGS))
        elif phase == "signals":
            monitoring.append(Statement(name, signals.insert_sql(sql), params, after=(signals.T_MEMBERS,)))
    return [("findings", sweep), ("signals", monitoring)]


def report_phases(timings: list[tuple[str, str, float]]) -> None:
    phases: dict[str, float] = {}
    for phase, _name, seconds in timings:
        phases[phase] = phases.get(phase, 0) + seconds
    print("  phases: " + ", ".join(f"{phase} {seconds:.2f} s" for phase, seconds in phases.items()))
    print("  per statement: " + ", ".join(f"{name} {seconds:.2f}" for _phase, name, seconds in timings))


def _literal(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, int | Decimal):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def duck_sql(sql: str, params: dict) -> str:
    return re.sub(r"%\((\w+)\)s", lambda m: _literal(params[m.group(1)]), sql)


# --- PostgreSQL ----------------------------------------------------------------------------------


def load() -> str:
    return "load " + " ".join(f"{x:.1f}" for x in os.getloadavg())


FILLED = [*EXTRA_COLUMNS]
FILLED_INDEXES = """SELECT i.indexname, i.indexdef FROM pg_indexes i
WHERE i.schemaname = 'public' AND i.tablename = ANY(%s)
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)"""


# One loaded batch per source (the rows' batch_id) and the sweep the findings name (sweep_id).
BATCHES_SQL = f"""INSERT INTO verification_batch (id, area_code, source, version, file, file_name, file_format, sha256,
  size, provider, data_as_of, note, uploaded_at, status, row_count, error_count, errors)
SELECT i, '430522000000', (ARRAY{SOURCES!r})[i], 1, '', 'bench.csv', 'csv', md5(CAST(i AS VARCHAR)), 0, 'bench',
  DATE '2025-09-01', '', now(), 'loaded', 0, 0, '[]' FROM generate_series(1, {len(SOURCES)}) AS g(i);
INSERT INTO verification_sweep (id, area_code, kind, on_date, started_at, counts, work_opened)
VALUES (1, '430522000000', 'monthly', DATE '2025-09-10', now(), '{{}}', 0)"""


def pg_run(n: int, rows: int, sample: int, keep: bool = False) -> tuple[float, float, float, float]:
    """(first sweep, best of three sweeps, the floor, the naive loop projected), in seconds."""
    database = PG_DATABASE
    admin = psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True)
    started = time.perf_counter()
    admin.execute(f'CREATE DATABASE {database} TEMPLATE "{common.pg_template()}"')  # the migrated schema
    print(f"  database from the migrated template in {time.perf_counter() - started:.1f} s", flush=True)
    try:
        bench_url = os.environ["DATABASE_URL"]
        with psycopg.connect(bench_url, autocommit=True, cursor_factory=psycopg.ClientCursor) as con:
            started = time.perf_counter()
            # The fill is set-up, not the sweep: foreign-key triggers off while it runs.
            con.execute("SET session_replication_role = replica")
            # The indexes that back no constraint are dropped and rebuilt with the same definitions.
            indexes = con.execute(FILLED_INDEXES, [FILLED]).fetchall()
            for name, _definition in indexes:
                con.execute(f'DROP INDEX "{name}"')
            con.execute(BATCHES_SQL)
            for statement in fill_sql(n, rows, full=True):
                con.execute(statement)
            con.execute("SET session_replication_role = DEFAULT")
            con.execute("SET maintenance_work_mem = '512MB'")
            for _name, definition in indexes:
                con.execute(definition)
            con.execute("VACUUM ANALYZE")
            con.execute("CHECKPOINT")  # the fill's gigabytes written out now, not by the checkpointer during the sweep
            print(f"  PostgreSQL filled in {time.perf_counter() - started:.1f} s", flush=True)
            connections.close_all()  # the timed part runs through Django's connections, as the job does
            timings, statement_times = [], []

            def sweep_once() -> None:
                timings.clear()
                statement_times.clear()
                for phase, batch in pg_batches():
                    t = time.perf_counter()
                    with working_tables(batch, prefix="430522", label=phase) as county_batch:
                        run_side_by_side(
                            county_batch,
                            settings=sweep_sql.PG_PLAN_SETTINGS,
                            # each statement's own time; several run at once, so they add up to more than the wall time
                            done=lambda statement, rows, seconds: statement_times.append((statement.name, seconds)),
                        )
                        statement_times.append((f"{phase} ends", time.perf_counter() - t))
                    timings.append((phase, phase, time.perf_counter() - t))

            started = time.perf_counter()
            sweep_once()
            sweep = time.perf_counter() - started
            found = con.execute("SELECT count(*) FROM verification_finding").fetchone()[0]
            warned = con.execute("SELECT count(*) FROM monitoring_warning").fetchone()[0]
            enrolled = con.execute(
                "SELECT count(*) FROM registry_membership m JOIN ledger_enrolment e ON e.household_id = m.household_id"
            ).fetchone()[0]
            print(f"  {enrolled:,} enrolled residents; {found:,} findings and {warned:,} warnings written")
            print("  wall: " + ", ".join(f"{phase} {seconds:.2f} s" for phase, _name, seconds in timings))
            print("  per statement: " + ", ".join(f"{name} {seconds:.2f}" for name, seconds in statement_times))
            floor = common.best_of(lambda: pg_floor(con))

            def empty_outputs() -> None:
                con.execute("TRUNCATE verification_finding, monitoring_warning CASCADE")
                con.execute("VACUUM verification_finding, monitoring_warning")

            best = min(sweep, common.best_of(sweep_once, repeat=2, reset=empty_outputs))
            print(f"  floor (the bare hash join, best of three) {floor:.2f} s; sweep best of three {best:.2f} s")
            naive = naive_per_person(con, sample)
            projected = naive * enrolled / sample
            return sweep, best, floor, projected
    finally:
        connections.close_all()
        if keep:
            print(f"  kept database {database}")
        else:
            admin.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        admin.close()


def pg_floor(con) -> int:
    """The bare hash join, on its own connection, under the sweep's settings."""
    with con.transaction():
        for setting in sweep_sql.PG_PLAN_SETTINGS:
            con.execute(setting)
        return con.execute(FLOOR_SQL).fetchone()[0]


def naive_per_person(con, sample: int) -> float:
    """What a Python loop would do: for each enrolled person, one query per source."""
    people = con.execute(
        "SELECT p.id_number FROM registry_person p JOIN registry_membership m ON m.person_id = p.id "
        "JOIN ledger_enrolment e ON e.household_id = m.household_id ORDER BY p.id LIMIT %s",
        [sample],
    ).fetchall()
    started = time.perf_counter()
    with con.cursor() as cursor:
        for (id_number,) in people:
            for source in SOURCES:
                cursor.execute(
                    "SELECT kind, amount, event_date, ref FROM verification_datasetrow WHERE id_number = %s AND source = %s",
                    [id_number, source],
                )
                cursor.fetchall()
    return time.perf_counter() - started


# --- DuckDB --------------------------------------------------------------------------------------


TABLES = [
    "registry_person",
    "registry_household",
    "registry_membership",
    "ledger_enrolment",
    "verification_datasetrow",
    "monitoring_monitoredhousehold",
]


def duck_prepare(n: int, rows: int, folder: Path) -> None:
    con = duckdb.connect()
    con.execute(DDL.replace("bigserial", "bigint").replace("timestamptz", "timestamp"))
    for statement in fill_sql(n, rows, full=False):
        # DuckDB's `/` divides exactly (2 / 3 = 0.67); `//` is PostgreSQL's integer division
        con.execute(statement.replace("generate_series(1,", "range(1, 1 +").replace(") / 3", ") // 3"))
    for table in TABLES:
        con.execute(f"COPY {table} TO '{folder / table}.parquet' (FORMAT parquet)")
    con.close()


def new_only(table: str, columns: list[str], selects: list[str]) -> str:
    """One INSERT of every kind's rows (UNION ALL), new natural keys only: what ON CONFLICT
    (natural_key) DO NOTHING does per kind on PostgreSQL, as an anti-join, so the DuckDB tables
    need no unique index (maintaining DuckDB's index cost more than the sweep's joins)."""
    union = "\nUNION ALL\n".join(f"SELECT * FROM ({select}) AS k({', '.join(columns)})" for select in selects)
    return (
        f"INSERT INTO {table} ({', '.join(columns)})\nSELECT DISTINCT ON (natural_key) * FROM ({union}) c\n"
        f"WHERE natural_key NOT IN (SELECT natural_key FROM {table})"
    )


def duck_statements() -> list[tuple[str, str, str]]:
    """(phase, name, SQL with literals): the working tables, one INSERT of all findings, the
    monitored members, one INSERT of all warnings."""
    tables, members, findings, warnings = [], [], [], []
    for phase, name, sql, params in statements("duckdb"):
        params = {**params, "now": "2025-09-10"}
        if phase == "findings":
            findings.append(duck_sql(sweep_sql.finding_rows_sql(sql), params))
        elif phase == "signals":
            warnings.append(duck_sql(signals.warning_rows_sql(sql), params))
        else:
            (tables if phase == "prepare" else members).append((phase, name, duck_sql(sql, params)))
    return [
        *tables,
        ("findings", "findings", new_only(sweep_sql.T_FINDING, sweep_sql.INSERT_COLUMNS, findings)),
        *members,
        ("signals", "warnings", new_only("monitoring_warning", signals.COLUMNS, warnings)),
    ]


def duck_run(folder: Path, repeat: int = 1) -> tuple[float, float, int, list, float]:
    """(seconds of the first run, its CPU, findings, per-statement timings, best of `repeat` runs)."""
    con = duckdb.connect()
    con.execute("SET threads = 2")
    con.execute("SET preserve_insertion_order = false")
    for table in TABLES:  # views: each statement reads only the columns it names (projection pushdown)
        con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{folder / table}.parquet')")
    ddl = DDL.split("CREATE TABLE verification_finding", 1)[1]
    con.execute("CREATE SEQUENCE finding_id; CREATE SEQUENCE warning_id")
    ddl = "CREATE TABLE verification_finding" + ddl
    ddl = ddl.replace("CREATE TABLE monitoring_monitoredhousehold", "CREATE TABLE unused_mh")
    ddl = ddl.replace("id bigserial PRIMARY KEY, kind", "id bigint DEFAULT nextval('finding_id'), kind")
    ddl = ddl.replace("id bigserial PRIMARY KEY, natural_key", "id bigint DEFAULT nextval('warning_id'), natural_key")
    ddl = ddl.replace(" NOT NULL UNIQUE", " NOT NULL")
    con.execute(ddl.replace("bigserial", "bigint").replace("timestamptz", "timestamp"))
    timings = []
    started, cpu = time.perf_counter(), time.process_time()
    for phase, name, sql in duck_statements():
        t = time.perf_counter()
        con.execute(sql)
        timings.append((phase, name, time.perf_counter() - t))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    found = con.execute("SELECT count(*) FROM verification_finding").fetchone()[0]

    def again() -> None:
        for _phase, _name, sql in duck_statements():
            con.execute(sql)

    def empty() -> None:  # findings, warnings and working tables as before the first run
        con.execute("DELETE FROM verification_finding")
        con.execute("DELETE FROM monitoring_warning")
        for _phase, name, _sql in duck_statements():
            if name in (*sweep_sql.WORKING_TABLES, signals.T_MEMBERS):
                con.execute(f"DROP TABLE IF EXISTS {name}")

    best = min(seconds, common.best_of(again, repeat - 1, reset=empty)) if repeat > 1 else seconds
    con.close()
    return seconds, cpu, found, timings, best


def duck_floor(folder: Path) -> float:
    """The bare hash join over the same Parquet views, with the same threads, best of three."""
    con = duckdb.connect()
    con.execute("SET threads = 2")
    for table in ("registry_person", "verification_datasetrow"):
        con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{folder / table}.parquet')")
    seconds = common.best_of(lambda: con.execute(FLOOR_SQL).fetchone())
    con.close()
    return seconds


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="100,000 residents, no 10M run (under a minute)")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database (to study plans)")
    parser.add_argument(
        "--only",
        choices=["pg", "duckdb", "e2e"],
        help="one engine, or the county end to end, only (while working on it)",
    )
    args = parser.parse_args()
    if args.only in (None, "e2e"):  # the county end to end, in a process and database of its own
        e2e = [sys.executable, str(ROOT / "bench" / "verification_e2e.py"), *(["--quick"] if args.quick else [])]
        subprocess.run([*e2e, *(["--keep"] if args.keep else [])], check=True)  # noqa: S603 - ourselves
        if args.only == "e2e":
            return
    n = 100_000 if args.quick else 1_000_000
    rows = n
    label = "100k" if args.quick else "1m"
    print(f"verification sweep: {n:,} residents, {len(SOURCES)} sources × {rows:,} rows", flush=True)

    if args.only != "duckdb":
        pg_seconds, pg_best, pg_floor_seconds, projected = pg_run(
            n, rows, sample=2_000 if args.quick else 10_000, keep=args.keep
        )
        bench_line(f"verification_sweep_{label}_pg", pg_seconds, "s", 8)
        common.ratio_line(f"verification_sweep_{label}_pg", pg_best, pg_floor_seconds, TARGET_RATIO["pg"][label])
        print(f"  ({load()})")
        ratio = projected / pg_seconds
        print(f"BENCH verification_naive_projected_ratio {ratio:.0f} x (naive loop projected {projected:.0f} s)")
    if args.only == "pg":
        return

    with tempfile.TemporaryDirectory(prefix="mz_bench_") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        duck_prepare(n, rows, folder)
        print(f"  Parquet files written in {time.perf_counter() - started:.1f} s", flush=True)
        duck_seconds, duck_cpu, found, timings, duck_best = duck_run(folder, repeat=3)
        duck_floor_seconds = duck_floor(folder)
        print(f"  DuckDB: {found:,} findings")
        report_phases(timings)
        print(
            f"  floor (the bare hash join, best of three) {duck_floor_seconds:.2f} s; best of three {duck_best:.2f} s"
        )
        bench_line(f"verification_sweep_{label}_duckdb", duck_seconds, "s", 2)
        common.ratio_line(
            f"verification_sweep_{label}_duckdb", duck_best, duck_floor_seconds, TARGET_RATIO["duckdb"][label]
        )
        print(f"  (cpu {duck_cpu:.2f} s; {load()})")
    if not args.quick:
        with tempfile.TemporaryDirectory(prefix="mz_bench_10m_") as tmp:
            folder = Path(tmp)
            started = time.perf_counter()
            duck_prepare(10_000_000, 1_000_000, folder)
            print(f"  10M residents: Parquet written in {time.perf_counter() - started:.1f} s", flush=True)
            seconds, cpu, found, timings, _best = duck_run(folder)
            print(f"  DuckDB 10M: {found:,} findings")
            report_phases(timings)
            print(f"BENCH verification_sweep_10m_duckdb {seconds:.2f} s (cpu {cpu:.2f} s; {load()})")
    bench_line("verification_peak_memory", peak_mb(), "MB", 4096)
    print("  (this process incl. DuckDB; PostgreSQL server not counted)")


if __name__ == "__main__":
    main()
