"""Shared bench helpers: database selection, timing, peak memory, the BENCH lines.

A bench never touches the dev database: `--db sqlite` uses a temporary file, `--db postgres` a
database `minzheng_bench_<name>_<pid>` created for the run and dropped afterwards (server from
BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432). Both start as a copy of a template that
is migrated and holds the demo county's area tree, made once per set of migrations (the first run
of any bench after a migration changes takes a minute longer; `--quick` then runs under a minute).

Absolute times move by 30–50 % between machines of the same kind, and more on a machine shared with
other work. So each bench also measures, in the same run and on the same database, the floor of its
own work — the least any code can take for it here (COPY of the rows an import writes, one
INSERT … SELECT of the lines a roll writes, the bare hash join of a sweep, a bare indexed SELECT for
a search) — and prints the ratio with `ratio_line`: a figure that holds from machine to machine.
"""

import argparse
import atexit
import contextlib
import hashlib
import os
import re
import resource
import shutil
import statistics
import subprocess
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


TEMPLATE_COUNTY = "430522"  # the demo county: its province's area tree and its generated villages


def branch_tag() -> str:
    """The checkout's git branch as a database-name part ("main", "perf"): engineers benching branches
    with different migrations on one PostgreSQL server each keep their own template (BENCH_BRANCH overrides)."""
    branch = (
        os.environ.get("BENCH_BRANCH")
        or subprocess.run(
            ["git", "rev-parse", "--abbrev-ref", "HEAD"],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    )
    return re.sub(r"[^a-z0-9]+", "_", branch.lower()).strip("_")[:20] or "main"


def template_name() -> str:
    """Named after the branch and what shapes it (migrations, the area loader), so a change makes a new one
    and another branch's bench neither uses nor drops it."""
    digest = hashlib.sha256()
    for path in sorted(
        [
            *ROOT.glob("*/migrations/0*.py"),
            ROOT / "areas" / "loading.py",
            ROOT / "areas" / "demo.py",
            ROOT / "areas" / "villages.py",
        ]
    ):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return f"minzheng_bench_tpl_{branch_tag()}_{digest.hexdigest()[:10]}"


def _build_template(url: str) -> None:
    """Migrate the database at `url` and load the demo county's areas, in a process of its own
    (this one has not set Django up yet, and must not point it anywhere but its own database)."""
    script = (
        "import django, os; django.setup()\n"
        "from django.core.management import call_command\n"
        "from areas.demo import generate_demo_areas\n"
        "call_command('migrate', verbosity=0, interactive=False)\n"
        f"call_command('load_areas', province=['{TEMPLATE_COUNTY[:2]}'], no_history=True, verbosity=0,"
        " stdout=open(os.devnull, 'w'))\n"
        f"generate_demo_areas('{TEMPLATE_COUNTY}')\n"
    )
    env = {**os.environ, "DATABASE_URL": url, "MINZHENG_DEBUG": "1", "DJANGO_SETTINGS_MODULE": "minzheng.settings"}
    print(f"# making the bench template database (once per set of migrations): {url}", flush=True)
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True)  # noqa: S603 - our own code


def _sqlite_template() -> Path:
    path = Path(tempfile.gettempdir()) / f"{template_name()}.sqlite3"
    if not path.exists():
        building = path.with_suffix(f".{os.getpid()}.tmp")
        _build_template(f"sqlite:///{building}")
        building.replace(path)  # atomic: a concurrent bench sees the whole file or none
    return path


def pg_template() -> str:
    """The PostgreSQL template's name, made first if this set of migrations has none yet."""
    import psycopg

    name = template_name()
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(hashtext('minzheng_bench_template'))")  # one builder at a time
        try:
            existing = {row[0] for row in conn.execute("SELECT datname FROM pg_database").fetchall()}
            mine = f"minzheng_bench_tpl_{branch_tag()}_"  # this branch's older templates only
            for old in {n for n in existing if n.startswith(mine) and not n.endswith("_building")} - {name}:
                conn.execute(f'DROP DATABASE IF EXISTS "{old}"')
            if name not in existing:
                conn.execute(f'CREATE DATABASE "{name}_building"')
                try:
                    _build_template(f"{PG_SERVER}/{name}_building")
                    conn.execute(f'ALTER DATABASE "{name}_building" RENAME TO "{name}"')
                finally:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}_building"')
        finally:
            conn.execute("SELECT pg_advisory_unlock(hashtext('minzheng_bench_template'))")
    return name


def use_database(db: str, name: str, keep: bool = False) -> str:
    """Point Django (not yet set up) at a fresh bench database, a copy of the template (migrated,
    with the demo county's areas); returns a label for reports."""
    if db == "sqlite":
        folder = tempfile.mkdtemp(prefix=f"minzheng_bench_{name}_")
        path = Path(folder) / "bench.sqlite3"
        shutil.copyfile(_sqlite_template(), path)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        if not keep:
            atexit.register(shutil.rmtree, folder, True)
        return str(path)
    dbname = f"minzheng_bench_{name}_{os.getpid()}"
    template = pg_template()
    _pg_admin(f'DROP DATABASE IF EXISTS "{dbname}"')
    _pg_admin(f'CREATE DATABASE "{dbname}" TEMPLATE "{template}"')
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


def migrate_and_load_county(county: str = TEMPLATE_COUNTY) -> None:
    """Schema, the province's area tree and the county's demo villages, quietly (the template's
    county is there already: its database is a copy of the template)."""
    from django.core.management import call_command

    from areas.models import Area

    if county == TEMPLATE_COUNTY and Area.objects.filter(code__startswith=county, is_demo=True).exists():
        return
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


def best_of(fn: Callable[[], object], repeat: int = 3, reset: Callable[[], object] | None = None) -> float:
    """The shortest of `repeat` runs of fn, in seconds, each after an untimed reset(): the shortest
    run is the one least disturbed by other work. A ratio to a floor takes the best of both."""
    times = []
    for _ in range(repeat):
        if reset:
            reset()
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def ratio_line(name: str, value: float, floor: float, target: float, op: str = "<") -> str:
    """`BENCH <name>_ratio_to_floor <x> x target <op><target> ok|MISS`: the bench's own figure over
    the floor of the same work measured in the same run (see the module docstring)."""
    ratio = value / floor if floor > 0 else float("inf")
    ok = ratio < target if op == "<" else ratio >= target
    line = f"BENCH {name}_ratio_to_floor {ratio:.2f} x target {op}{target:g} {'ok' if ok else 'MISS'}"
    print(line, flush=True)
    return line


def _copy_table(cursor, table: str) -> str:
    """An empty table shaped as `table` (columns, defaults, indexes, checks): the floor writes there."""
    copy = f"bench_floor_{table}"
    cursor.execute(f"DROP TABLE IF EXISTS {copy}")
    cursor.execute(f"CREATE TABLE {copy} (LIKE {table} INCLUDING ALL)")
    return copy


def rewrite_floor(selects: dict[str, str], repeat: int = 3) -> float:
    """PostgreSQL, outside a transaction: the seconds (best of `repeat`) that one INSERT … SELECT per
    table takes to write the rows `selects` names ({table: "SELECT … FROM table …"}) into an empty
    table with the same columns and indexes, each committed — the least any code writing those rows
    can take on this machine."""
    from django.db import connection

    with connection.cursor() as cursor:
        copies = {table: _copy_table(cursor, table) for table in selects}

        def reset() -> None:
            cursor.execute(f"TRUNCATE {', '.join(copies.values())}")

        def write() -> None:
            for table, select in selects.items():
                cursor.execute(f"INSERT INTO {copies[table]} {select}")

        try:
            return best_of(write, repeat, reset)
        finally:
            for copy in copies.values():
                cursor.execute(f"DROP TABLE {copy}")


def copy_floor(tables: list[str], repeat: int = 3) -> float:
    """PostgreSQL, outside a transaction: the seconds (best of `repeat`) to load the rows these tables
    hold the quickest way PostgreSQL offers — COPY … FROM STDIN (the rows read out beforehand, in
    its text format) into empty tables with the same columns, then their indexes built once — each
    step committed: the least an import of those rows can take on this machine, before reading or
    checking anything."""
    from django.db import connection

    with connection.cursor() as cursor:
        data, copies, indexes, names = {}, {}, [], []
        for table in tables:
            with cursor.copy(f"COPY {table} TO STDOUT") as copy:
                data[table] = b"".join(bytes(block) for block in copy)
            copies[table] = copy_name = f"bench_floor_{table}"
            cursor.execute(f"DROP TABLE IF EXISTS {copy_name}")
            cursor.execute(f"CREATE TABLE {copy_name} (LIKE {table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = %s", [table])
            for (definition,) in cursor.fetchall():
                names.append(f"bench_floor_index_{len(names)}")
                pattern = r"^CREATE (UNIQUE )?INDEX \S+ ON \S+ "
                indexes.append(re.sub(pattern, rf"CREATE \1INDEX {names[-1]} ON {copy_name} ", definition))

        def reset() -> None:
            cursor.execute(f"DROP INDEX IF EXISTS {', '.join(names)}")
            cursor.execute(f"TRUNCATE {', '.join(copies.values())}")

        def write() -> None:
            for table in tables:
                with cursor.copy(f"COPY {copies[table]} FROM STDIN") as copy:
                    copy.write(data[table])
            for definition in indexes:
                cursor.execute(definition)

        try:
            return best_of(write, repeat, reset)
        finally:
            for copy_name in copies.values():
                cursor.execute(f"DROP TABLE {copy_name}")


def bench_line(name: str, value: float, unit: str, target: float) -> str:
    """`BENCH <name> <value> <unit> target <<target> ok|MISS`, printed and returned."""
    line = f"BENCH {name} {value:.2f} {unit} target <{target:g} {'ok' if value < target else 'MISS'}"
    print(line, flush=True)
    return line


def load_average() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"load average {one:.1f} / {five:.1f} on {os.cpu_count()} cores"
