# ruff: noqa: S608 - SQL assembled from the callers' own table and column names
"""The exchange between the database and an engine outside it (DuckDB, Apache Spark; engines/,
ADR 0036): a snapshot of tables exported as Parquet, and an engine's result read back and loaded
into a working table of the database. Shared by the verification sweep (verification/distributed.py)
and 政策找人 (outreach/distributed.py); each names the columns it reads.

A snapshot is `{table: [(column, DuckDB type), …]}`. PostgreSQL's COPY … TO STDOUT (CSV) writes the
rows (SQLite: the cursor), DuckDB turns the CSV into `<folder>/<table>.parquet`.
"""

import csv
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import islice
from pathlib import Path

from django.db import connection

Snapshot = Mapping[str, Sequence[tuple[str, str]]]
NULL = "\\N"  # how the CSV between the database and DuckDB writes NULL (a quoted "\N" stays text)


def _duckdb():
    import duckdb

    return duckdb.connect()


def export_snapshot(folder: Path, tables: Snapshot) -> dict[str, Path]:
    """Every table's columns as `<folder>/<table>.parquet` (the database's rows as this connection
    sees them now); returns table → path."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    duck = _duckdb()
    try:
        for table, columns in tables.items():
            text, parquet = folder / f"{table}.csv", folder / f"{table}.parquet"
            _export_csv(table, [name for name, _type in columns], text)
            types = "{" + ", ".join(f"'{name}': '{kind}'" for name, kind in columns) + "}"
            duck.execute(
                f"COPY (SELECT * FROM read_csv('{text}', columns = {types}, header = false, delim = ',', "
                f"quote = '\"', escape = '\"', nullstr = '\\N', allow_quoted_nulls = false)) "
                f"TO '{parquet}' (FORMAT parquet)"
            )
            text.unlink()
            paths[table] = parquet
    finally:
        duck.close()
    return paths


def _export_csv(table: str, columns: list[str], path: Path) -> None:
    select = f"SELECT {', '.join(columns)} FROM {table}"
    with connection.cursor() as cursor, path.open("w", encoding="utf-8", newline="") as out:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY ({select}) TO STDOUT WITH (FORMAT csv, NULL '{NULL}')") as copy:
                for data in copy:
                    out.write(bytes(data).decode("utf-8"))
            return
        cursor.execute(select)
        writer = csv.writer(out, lineterminator="\n")
        while rows := cursor.fetchmany(10_000):
            writer.writerows([NULL if value is None else value for value in row] for row in rows)


def read_parquet(path: str | Path, columns: Sequence[str], order_by: str, chunk: int = 10_000) -> Iterator[tuple]:
    """An engine's result (a Parquet file, or a folder of part files as Spark writes), in a stable order."""
    duck = _duckdb()
    try:
        where = str(Path(path) / "*.parquet") if Path(path).is_dir() else str(path)
        duck.execute(f"SELECT {', '.join(columns)} FROM read_parquet(?) ORDER BY {order_by}", [where])
        while rows := duck.fetchmany(chunk):
            yield from rows
    finally:
        duck.close()


def load_rows(cursor, table: str, rows: Iterable[tuple]) -> int:
    """Rows into a working table: COPY on PostgreSQL, INSERTs in chunks elsewhere; returns how many."""
    count = 0
    if connection.vendor == "postgresql":
        with cursor.copy(f"COPY {table} FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        return count
    remaining = iter(rows)
    while chunk := list(islice(remaining, 1000)):
        cursor.executemany(f"INSERT INTO {table} VALUES ({', '.join(['%s'] * len(chunk[0]))})", chunk)
        count += len(chunk)
    return count
