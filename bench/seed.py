"""Bench: seed_demo loads 100,000 households (~320,000 persons) in under 30 s, SQLite and PostgreSQL.

    .venv/bin/python bench/seed.py [--db sqlite|postgres|both] [--quick] [--households N]

Each database run happens in its own process (Django is set up once per process) on a database
of its own. Prints rows/s, peak memory and `BENCH seed_100k_households_<db> <s> s target <30 ok|MISS`.
"""

import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common

TARGET_SECONDS = 30


def run_one(db: str, households: int, keep: bool) -> dict:
    label = common.use_database(db, "seed", keep)
    common.setup_django()
    common.migrate_and_load_county("430522")

    from areas.jurisdiction import system_scope
    from registry.demo import seed_demo

    before = common.cpu_seconds()
    with system_scope():
        result = seed_demo("430522", households, seed=1)
    cpu = common.cpu_seconds() - before
    return {
        "db": db,
        "database": label,
        "households": result.households,
        "persons": result.persons,
        "rows": result.rows,
        "seconds": result.seconds,
        "timings": {k: round(v, 2) for k, v in result.timings.items()},
        "peak_mb": common.peak_memory_mb(),
        "cpu_seconds": cpu,
    }


def main() -> None:
    p = common.parser(__doc__)
    p.add_argument("--households", type=int, default=None)
    p.add_argument("--one", help=argparse_suppress())
    args = p.parse_args()
    households = args.households or (5_000 if args.quick else 100_000)
    if args.one:  # child: one database
        print("RESULT " + json.dumps(run_one(args.one, households, args.keep)), flush=True)
        return
    print(f"# seed bench: {households:,} households, {common.load_average()}", flush=True)
    for db in common.databases(args.db):
        cmd = [sys.executable, __file__, "--one", db, "--households", str(households)] + (
            ["--keep"] if args.keep else []
        )
        out = subprocess.run(cmd, capture_output=True, text=True, check=False)  # noqa: S603 - ourselves
        lines = [line for line in out.stdout.splitlines() if line.startswith("RESULT ")]
        if out.returncode or not lines:
            print(out.stdout, out.stderr, file=sys.stderr)
            raise SystemExit(f"seed bench on {db} failed")
        r = json.loads(lines[-1][7:])
        print(
            f"# {db}: {r['households']:,} households, {r['persons']:,} persons, {r['rows']:,} rows in "
            f"{r['seconds']:.1f} s = {r['rows'] / r['seconds']:,.0f} rows/s; peak memory {r['peak_mb']:.0f} MB; "
            f"CPU of this process and its generator {r['cpu_seconds']:.1f} s (the database server's not counted); "
            f"{r['timings']}",
            flush=True,
        )
        name = "seed_100k_households" if households == 100_000 else f"seed_{households}_households"
        common.bench_line(f"{name}_{'pg' if db == 'postgres' else db}", r["seconds"], "s", TARGET_SECONDS)


def argparse_suppress():
    import argparse

    return argparse.SUPPRESS


if __name__ == "__main__":
    main()
