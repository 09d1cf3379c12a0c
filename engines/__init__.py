# ruff: noqa: S608 - SQL assembled from the job's own steps, table names and literals (`literal`)
"""Set-based SQL over Parquet files on an engine outside the database: DuckDB (in this process) or
Apache Spark (local mode, a standalone master, YARN). ADR 0036.

Pure: it knows input tables, SQL steps and files, nothing of Django or of the project's apps, so it is
the lowest layer of the import contract; an app composes the steps from its own SQL (the verification
sweep: verification/distributed.py) and writes the result back through its own code.

A job: input tables (name → a Parquet file or folder), then steps in order, each one SELECT with its
parameters already written in as literals (`inline`): a step is kept as a table of its name for the
later steps, or, marked `output`, is a part of the result. The result is every output step's rows
(UNION ALL, each column cast to the `columns` given, by position) written as Parquet to `out`.

The SQL is the one text the database runs (DuckDB reads it as written; for Spark `spark_sql` changes
`VARCHAR` casts to `STRING`), so a rule is written once. DuckDB and PySpark are imported only when a
job runs: PySpark is not installed by `make setup` (requirements-distributed.txt).
"""

import logging
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

ENGINES = ("duckdb", "spark")


@dataclass(frozen=True)
class Step:
    name: str
    sql: str  # one SELECT, parameters inlined
    output: bool = False  # part of the result, else kept as a table named `name` for the later steps


def literal(value) -> str:
    """A Python value as a SQL literal both engines (and PostgreSQL) read the same way."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return f"TIMESTAMP '{value.isoformat(sep=' ')}'"
    if isinstance(value, date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return f"CAST('{value}' AS DECIMAL(18, {max(0, -value.as_tuple().exponent)}))"
    return "'" + str(value).replace("'", "''") + "'"


def inline(sql: str, params: Mapping | Sequence) -> str:
    """SQL with its parameters written in as literals: pyformat (`%(name)s`) with a mapping, or
    positional (`%s`, as a finder of outreach gives them) with a sequence; `%%` is `%`."""
    if isinstance(params, Mapping):
        return sql % {name: literal(value) for name, value in params.items()}
    return sql % tuple(literal(value) for value in params)


def spark_sql(sql: str) -> str:
    """The SQL text as Spark SQL reads it: `CAST(x AS VARCHAR)` and `CAST(x AS TEXT)` (PostgreSQL's
    and SQLite's name) are `CAST(x AS STRING)` there, and a CTE's planner hint `AS [NOT] MATERIALIZED`
    (PostgreSQL's, DuckDB's) is plain `AS`."""
    sql = re.sub(r"\bAS (?:NOT )?MATERIALIZED\b", "AS", sql)
    return re.sub(r"\bAS (?:VARCHAR|TEXT)\b(?!\s*\()", "AS STRING", sql)


def _parquet(path) -> str:
    path = Path(path)
    return str(path / "*.parquet") if path.is_dir() else str(path)


def _result_sql(steps: Sequence[Step], columns: Sequence[tuple[str, str]], cast) -> str:
    parts = []
    for step in steps:
        names = ", ".join(f"c{i}" for i in range(len(columns)))
        casts = ", ".join(f"CAST(c{i} AS {cast(kind)}) AS {name}" for i, (name, kind) in enumerate(columns))
        parts.append(f"SELECT {casts} FROM ({step.sql}) AS s({names})")
    return "\nUNION ALL\n".join(parts)


def run(
    engine: str,
    *,
    inputs: Mapping[str, str | Path],
    steps: Sequence[Step],
    columns: Sequence[tuple[str, str]],
    out: str | Path,
    session=None,
    settings: Mapping[str, str] | None = None,
    timed: Callable[[str, float], None] | None = None,
) -> str:
    """Run the job on `engine`; returns where the result was written (Parquet: a file for DuckDB,
    a folder of part files for Spark). `session` is an open SparkSession (`spark_session`) for
    Spark; `settings` are DuckDB settings (threads, memory_limit, temp_directory); `timed(step,
    seconds)` is told each step's time (the last one, "result", includes writing it)."""
    outputs = [s for s in steps if s.output]
    if not outputs:
        raise ValueError("a job needs at least one output step")
    if engine == "duckdb":
        return _run_duckdb(inputs, steps, outputs, columns, str(out), settings or {}, timed)
    if engine == "spark":
        if session is None:
            raise ValueError("Spark needs a session (engines.spark_session)")
        return _run_spark(session, inputs, steps, outputs, columns, str(out), timed)
    raise ValueError(f"unknown engine {engine!r}; one of {ENGINES}")


def _run_duckdb(inputs, steps, outputs, columns, out, settings, timed) -> str:
    import duckdb

    con = duckdb.connect()
    try:
        con.execute("SET preserve_insertion_order = false")
        for name, value in settings.items():
            con.execute(f"SET {name} = {literal(value)}")
        for table, path in inputs.items():  # views: a step reads only the columns it names
            con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet({literal(_parquet(path))})")
        for step in steps:
            if step.output:
                continue
            started = time.perf_counter()
            con.execute(f"CREATE TEMP TABLE {step.name} AS {step.sql}")
            if timed:
                timed(step.name, time.perf_counter() - started)
        started = time.perf_counter()
        result = _result_sql(outputs, columns, lambda kind: kind)
        con.execute(f"COPY ({result}) TO {literal(out)} (FORMAT parquet)")
        if timed:
            timed("result", time.perf_counter() - started)
    finally:
        con.close()
    return out


def spark_session(master: str = "local[2]", *, app: str = "minzheng", config: Mapping[str, str] | None = None):
    """A SparkSession on `master` (local[n], spark://host:7077, yarn). Small defaults for a county's
    data (4 shuffle partitions, no web UI or console progress); `config` overrides them."""
    from pyspark.sql import SparkSession

    logging.getLogger("py4j").setLevel(logging.WARNING)  # its goodbye at exit would go to a closed stream
    builder = SparkSession.builder.master(master).appName(app)
    defaults = {
        "spark.sql.shuffle.partitions": "4",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.session.timeZone": "Asia/Shanghai",
        "spark.sql.parquet.datetimeRebaseModeInWrite": "CORRECTED",
        # a broadcast join's build side waits for its stage; on a loaded machine that passes the 300 s default
        "spark.sql.broadcastTimeout": "3600",
    }
    if master.startswith("local"):  # one machine: the driver on loopback, never on a network interface
        defaults |= {"spark.driver.host": "127.0.0.1", "spark.driver.bindAddress": "127.0.0.1"}
    for key, value in {**defaults, **(config or {})}.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def _run_spark(spark, inputs, steps, outputs, columns, out, timed) -> str:
    from functools import reduce

    for table, path in inputs.items():
        spark.read.parquet(str(path)).createOrReplaceTempView(table)
    kept = []
    try:
        for step in steps:
            if step.output:
                continue
            started = time.perf_counter()
            frame = spark.sql(spark_sql(step.sql)).persist()
            frame.count()  # materialised once, read by every later step
            frame.createOrReplaceTempView(step.name)
            kept.append(frame)
            if timed:
                timed(step.name, time.perf_counter() - started)
        started = time.perf_counter()
        parts = [spark.sql(spark_sql(_result_sql([step], columns, _spark_type))) for step in outputs]
        reduce(lambda a, b: a.unionAll(b), parts).write.mode("overwrite").parquet(out)
        if timed:
            timed("result", time.perf_counter() - started)
    finally:
        for frame in kept:
            frame.unpersist()
        for table in [*inputs, *(s.name for s in steps if not s.output)]:
            spark.catalog.dropTempView(table)
    return out


def _spark_type(kind: str) -> str:
    return "STRING" if kind.upper().startswith("VARCHAR") else kind
