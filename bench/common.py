"""Shared bench helpers: database selection, timing, peak memory, the BENCH line.

A bench never touches the dev database: `--db sqlite` uses a temporary file, `--db postgres` a
database `minzheng_bench_<name>_<pid>` created for the run and dropped afterwards (server from
BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432).
"""

import argparse
import atexit
import contextlib
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")


def parser(description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    p.add_argument("--quick", action="store_true", help="a small version that runs in under a minute")
    p.add_argument("--keep", action="store_true", help="keep the bench database (prints where it is)")
    return p


def databases(choice: str) -> list[str]:
    return ["sqlite", "postgres"] if choice == "both" else [choice]


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def use_database(db: str, name: str, keep: bool = False) -> str:
    """Point Django (not yet set up) at a fresh bench database; returns a label for reports."""
    if db == "sqlite":
        folder = tempfile.mkdtemp(prefix=f"minzheng_bench_{name}_")
        path = Path(folder) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        if not keep:
            atexit.register(shutil.rmtree, folder, True)
        return str(path)
    dbname = f"minzheng_bench_{name}_{os.getpid()}"
    _pg_admin(f'DROP DATABASE IF EXISTS "{dbname}"')
    _pg_admin(f'CREATE DATABASE "{dbname}"')
    os.environ["DATABASE_URL"] = f"{PG_SERVER}/{dbname}"
    if not keep:
        atexit.register(drop_pg_database, dbname)
    return dbname


def drop_pg_database(dbname: str) -> None:
    with contextlib.suppress(Exception):
        from django.db import connections

        connections.close_all()
    with contextlib.suppress(Exception):
        _pg_admin(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minzheng.settings")
    os.environ.setdefault("MINZHENG_DEBUG", "1")
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False  # no query log growing through a bench


def migrate_and_load_county(county: str = "430522") -> None:
    """Schema, the province's area tree and the county's demo villages, quietly."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_areas", province=[county[:2]], no_history=True, verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    from areas.demo import generate_demo_areas

    generate_demo_areas(county)


def peak_memory_mb() -> float:
    """Peak resident memory of this process and of its finished children, in MB (Linux: KB units)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def cpu_seconds() -> float:
    """User + system CPU of this process and its finished children: on a machine shared with other
    work, wall time overstates what the code costs; this does not."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@contextlib.contextmanager
def timed() -> Iterator[list[float]]:
    box: list[float] = []
    started = time.perf_counter()
    try:
        yield box
    finally:
        box.append(time.perf_counter() - started)


def sample_ms(fn: Callable[[], object], repeat: int, warmup: int = 2) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def bench_line(name: str, value: float, unit: str, target: float) -> str:
    """`BENCH <name> <value> <unit> target <<target> ok|MISS`, printed and returned."""
    line = f"BENCH {name} {value:.2f} {unit} target <{target:g} {'ok' if value < target else 'MISS'}"
    print(line, flush=True)
    return line


def load_average() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"load average {one:.1f} / {five:.1f} on {os.cpu_count()} cores"
