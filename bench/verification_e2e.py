"""The monthly sweep end to end for a whole county, as the job runs it (verification.jobs.sweep_and_open):
findings written, then work opened for each (a death recorded, a review case, an outreach visit),
then monitoring (population refreshed, warnings raised and assigned). Run by bench/verification.py
(each size in a process of its own), or alone:

    .venv/bin/python bench/verification_e2e.py [--quick] [--households N] [--keep]

PostgreSQL only (BENCH_PG_URL). The county is the demo county as `make run` loads it, at scale:
accounts and units (load_demo), the service catalogue, the local standards, `seed_demo` households
(100,000: about 319,000 persons; 10,000 with --quick), recipients enrolled through the ledger
(`seed_demo_recipients`) and one batch per department (`seed_verification_demo --no-sweep`). That
county takes minutes to make, so it is made once per set of migrations and size and kept as a
template database (minzheng_bench_e2e_<hash>_<households>); each run works on a copy.

Printed: the time of each phase (sweep, open work, monitoring) and of the whole, the findings and
the work opened, and `BENCH verification_e2e_<size>_pg <s> s target <60`. The floor, measured in the
same run on the same copy: the bare hash join of the county's residents to every department row
(the least any sweep can take) plus one INSERT … SELECT of as many case rows as the run opened
review cases (the least the follow-up can write); `…_ratio_to_floor` is the end-to-end time over it.
"""

import argparse
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

ON = date(2026, 12, 1)
COUNTY = "430522"
TARGET_SECONDS = {100_000: 60}
TARGET_RATIO = 30


def seeded_template(households: int) -> str:
    """A template database holding the seeded county (made once per migrations, loaders and size)."""
    import psycopg

    base = common.pg_template()
    name = f"minzheng_bench_e2e_{base.rsplit('_', 1)[-1]}_{households}"
    with psycopg.connect(f"{common.PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(hashtext('minzheng_bench_e2e'))")
        try:
            existing = {row[0] for row in conn.execute("SELECT datname FROM pg_database").fetchall()}
            for old in {n for n in existing if n.startswith("minzheng_bench_e2e_") and n.endswith(f"_{households}")}:
                if old != name:
                    conn.execute(f'DROP DATABASE IF EXISTS "{old}"')
            if name not in existing:
                building = f"{name}_building"
                conn.execute(f'DROP DATABASE IF EXISTS "{building}"')
                conn.execute(f'CREATE DATABASE "{building}" TEMPLATE "{base}"')
                print(f"# seeding the county once for this size ({households:,} households): {building}", flush=True)
                env = {**os.environ, "DATABASE_URL": f"{common.PG_SERVER}/{building}"}
                cmd = [sys.executable, __file__, "--seed-into", str(households)]
                subprocess.run(cmd, env=env, check=True)  # noqa: S603 - ourselves
                conn.execute(f'ALTER DATABASE "{building}" RENAME TO "{name}"')
        finally:
            conn.execute("SELECT pg_advisory_unlock(hashtext('minzheng_bench_e2e'))")
    return name


def seed(households: int) -> None:
    """The demo county at scale, through the demo loaders (DATABASE_URL names the database)."""
    common.setup_django()
    from django.core.management import call_command

    from accounts.demo import load_demo
    from areas.jurisdiction import system_scope
    from ledger.demo import enrol_demo_recipients
    from policy.demo import load_demo_policy
    from registry.demo import seed_demo
    from verification.synthetic import load_demo_batches

    started = time.perf_counter()
    with system_scope():
        load_demo(COUNTY)
        call_command("load_service_catalogue", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
        load_demo_policy(COUNTY + "000000")
        result = seed_demo(COUNTY, households, seed=1)
        print(f"# seeded {result.households:,} households, {result.persons:,} persons", flush=True)
        print(f"# recipients {enrol_demo_recipients(COUNTY, seed=1)}", flush=True)
        batches = load_demo_batches(COUNTY, 1, ON)
        print(f"# {len(batches)} batches, {sum(b.row_count for b in batches):,} rows", flush=True)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"# seeding took {time.perf_counter() - started:.0f} s", flush=True)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--households", type=int, default=None)
    p.add_argument("--keep", action="store_true")
    p.add_argument("--seed-into", type=int, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.seed_into:
        seed(args.seed_into)
        return
    households = args.households or (10_000 if args.quick else 100_000)
    template = seeded_template(households)
    print(f"# template {template}", flush=True)


if __name__ == "__main__":
    main()
