"""Bench: the registry search box with 1,000,000 persons, on SQLite and on PostgreSQL.

    .venv/bin/python bench/registry_search.py [--db sqlite|postgres|both] [--quick] [--persons N]

Per database (in a process of its own, on a database of its own): load ~1M persons with
seed_demo, ANALYZE, then for each typical kind of query (exact name, 2-character fragment, pinyin
initials, last 6 ID digits, phone, a piece of the household address) time
  - the database work of `search_persons(q)` inside a county clerk's jurisdiction: the time spent
    in the database driver by every statement it sends (one a search: candidates, the person rows
    and their current household; on PostgreSQL a prepared one, whose PREPARE the first search of
    each shape sends, in the warm-up): p95 < 5 ms; the whole in-process call (`fn_...`) is printed
    as information;
  - the HTTP API: GET /api/v1/registry/search?q= against gunicorn on loopback with an API token
    of the same clerk (keep-alive connection): p95 < 50 ms.
Other kinds (1-character, 3+ characters, full pinyin, last 4 ID digits, phone tail, a township
clerk's scope) are printed as information lines.

The floors of a search on this machine, measured in the same run: a bare indexed SELECT (one person
by ID number, unique index) timed the same way, and the trivial request (GET /healthz, one SELECT 1)
on the same gunicorn connection. Each typical kind's median is printed against theirs (a median is
the work; a p95 on a machine shared with other work is mostly its scheduler):
`BENCH search_<kind>_<db>_db_p50_ratio_to_floor <x> x target <30 ok|MISS` and `…_http_p50_ratio_to_floor
<x> x target <8 ok|MISS`. `--quick`: 30,000 persons, 2 rounds per query, the county clerk's scope only
(under a minute once the bench template exists).
"""

import gc
import http.client
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common

DB_TARGET_MS = 5
HTTP_TARGET_MS = 50
DB_TARGET_RATIO = 30  # a search's statements against one bare indexed SELECT (3–24 measured under load 5–10)
HTTP_TARGET_RATIO = 8  # a search request against the trivial request
TYPICAL = ["exact_name", "fragment2", "initials", "id_last6", "phone", "address"]
COUNTY = "430522"


def queries(sample: list[dict], addresses: list[str]) -> dict[str, list[str]]:
    """Queries of each kind, taken from real rows so that they find someone."""
    three = [p for p in sample if len(p["name"]) == 3]
    phones = [p for p in sample if p["phone"]]
    return {
        "exact_name": [p["name"] for p in sample],
        # half in the middle/end of the name (the name-gram table), half at its start (name index)
        "fragment2": [p["name"][1:3] if i % 2 else p["name"][:2] for i, p in enumerate(three)],
        "initials": [p["name_initials"] for p in sample],
        "id_last6": [p["id_number"][-6:] for p in sample],
        "phone": [p["phone"] for p in phones],
        "fragment1": [p["name"][-1] for p in sample],
        "fragment3": [p["name"] for p in three],
        "pinyin": [p["name_pinyin"] for p in sample],
        "id_last4": [p["id_number"][-4:] for p in sample],
        "phone_last4": [p["phone"][-4:] for p in phones],
        # what follows the village or community: 人民路123号, 3组12号
        "address": [re.split("[村区]", a)[-1] for a in addresses],
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(port: int) -> subprocess.Popen:
    env = dict(os.environ)
    cmd = [
        str(Path(sys.executable).parent / "gunicorn"),
        "minzheng.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(cmd, cwd=common.ROOT, env=env, start_new_session=True)  # noqa: S603
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise SystemExit("gunicorn did not start")


def run_one(db: str, persons: int, keep: bool, rounds: int, quick: bool) -> dict:
    label = common.use_database(db, "search", keep)
    common.setup_django()
    common.migrate_and_load_county(COUNTY)

    from django.db import connection

    from accounts.models import Unit
    from accounts.tests.factories import StaffFactory, UnitFactory
    from accounts.tokens import issue_token
    from areas.jurisdiction import scope_for_area, system_scope, within
    from registry.demo import seed_demo
    from registry.models import Household, Person
    from registry.search import search_persons

    households = max(1, round(persons / 3.2))
    started = time.perf_counter()
    with system_scope():
        result = seed_demo(COUNTY, households, seed=7)
    load_seconds = time.perf_counter() - started
    # What the load left in this process's heap is no web worker's: keep the cycle collector off it,
    # or its full passes over ~1 GB land in the timings below.
    gc.collect()
    gc.freeze()
    with connection.cursor() as cursor:
        if db == "postgres":
            connection.set_autocommit(True)
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")

    rng = random.Random(1)
    with system_scope():
        top = Person.unscoped.order_by("-id").values_list("id", flat=True).first()
        ids = rng.sample(range(top - result.persons + 1, top + 1), 60)
        sample = list(
            Person.unscoped.filter(pk__in=ids).values("name", "name_initials", "name_pinyin", "id_number", "phone")
        )
        top = Household.unscoped.order_by("-id").values_list("id", flat=True).first()
        ids = rng.sample(range(1, top + 1), 80)
        addresses = list(Household.unscoped.filter(pk__in=ids).values_list("address", flat=True))
        bureau = UnitFactory(name="新邵县民政局", kind=Unit.Kind.BUREAU, area_code=f"{COUNTY}000000")
        clerk = StaffFactory(username="bench_clerk", unit=bureau, roles=["clerk"])
        token = issue_token(clerk, "bench")
    by_kind = queries(sample, addresses[:60])

    out: dict = {"db": db, "database": label, "persons": result.persons, "load_seconds": load_seconds}
    county_scope = scope_for_area(f"{COUNTY}000000")
    township_scope = scope_for_area(f"{COUNTY}100000")
    db_time = [0.0]

    def timing_wrapper(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            db_time[0] += time.perf_counter() - started

    searching = time.perf_counter()
    scopes = (("county", county_scope),) if quick else (("county", county_scope), ("township", township_scope))
    for scope_name, scope in scopes:
        with within(scope), connection.execute_wrapper(timing_wrapper):
            for kind, qs in by_kind.items():
                db_times, fn_times, found = [], [], 0
                for q in qs:
                    found += bool(search_persons(q))  # warm-up
                    for _ in range(rounds):
                        db_time[0] = 0.0
                        started = time.perf_counter()
                        search_persons(q)
                        fn_times.append((time.perf_counter() - started) * 1000)
                        db_times.append(db_time[0] * 1000)
                out[f"db_{scope_name}_{kind}"] = {
                    "p95": common.p95(db_times),
                    "p50": statistics.median(db_times),
                    "found": found,
                    "n": len(qs),
                }
                out[f"fn_{scope_name}_{kind}"] = {"p95": common.p95(fn_times)}

    # The floor of the database work: one person by ID number (unique index), timed as above.
    def bare(number: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM registry_person WHERE id_number = %s", [number])
            cursor.fetchall()

    floor_times = []
    with connection.execute_wrapper(timing_wrapper):
        numbers = [p["id_number"] for p in sample]
        for number in numbers:
            bare(number)  # warm-up
        for _ in range(rounds):
            for number in numbers:
                db_time[0] = 0.0
                bare(number)
                floor_times.append(db_time[0] * 1000)
    out["db_floor"] = {"p95": common.p95(floor_times), "p50": statistics.median(floor_times)}
    out["search_seconds"] = time.perf_counter() - searching

    port = free_port()
    server = start_gunicorn(port)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that `finally` stops gunicorn
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Authorization": f"Bearer {token}", "Host": "127.0.0.1"}

        def request(path: str) -> bytes:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            body = response.read()
            if response.status != 200:
                raise SystemExit(f"HTTP {response.status}: {body[:300]!r}")
            return body

        def get(q: str) -> int:
            return len(json.loads(request("/api/v1/registry/search?q=" + urllib.parse.quote(q))))

        for q in by_kind["exact_name"][:5]:
            get(q)  # warm both workers
        # the floor of a request: the trivial one, as many times as a kind's queries are sent
        trivial = common.sample_ms(lambda: request("/healthz"), len(by_kind["exact_name"]) * max(1, rounds // 2))
        out["http_floor"] = {"p95": common.p95(trivial), "p50": statistics.median(trivial)}
        for kind, qs in by_kind.items():
            times = []
            for q in qs:
                times += common.sample_ms(lambda q=q: get(q), max(1, rounds // 2), warmup=0)
            out[f"http_{kind}"] = {"p95": common.p95(times), "p50": statistics.median(times), "n": len(times)}
        conn.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
    out["peak_mb"] = common.peak_memory_mb()
    return out


def report(r: dict) -> None:
    db = "pg" if r["db"] == "postgres" else r["db"]
    print(
        f"# {r['db']}: {r['persons']:,} persons loaded in {r['load_seconds']:.0f} s; peak memory {r['peak_mb']:.0f} MB"
    )
    print(
        f"# {r['db']} floors: bare indexed SELECT p50 {r['db_floor']['p50']:.2f} ms (p95 {r['db_floor']['p95']:.2f}), "
        f"trivial request p50 {r['http_floor']['p50']:.2f} ms (p95 {r['http_floor']['p95']:.2f}); "
        f"the in-process searches took {r['search_seconds']:.0f} s"
    )
    for kind in TYPICAL:
        common.bench_line(f"search_{kind}_{db}_db_p95", r[f"db_county_{kind}"]["p95"], "ms", DB_TARGET_MS)
        common.bench_line(f"search_{kind}_{db}_http_p95", r[f"http_{kind}"]["p95"], "ms", HTTP_TARGET_MS)
    for kind in TYPICAL:
        db_p50, http_p50 = r[f"db_county_{kind}"]["p50"], r[f"http_{kind}"]["p50"]
        common.ratio_line(f"search_{kind}_{db}_db_p50", db_p50, r["db_floor"]["p50"], DB_TARGET_RATIO)
        common.ratio_line(f"search_{kind}_{db}_http_p50", http_p50, r["http_floor"]["p50"], HTTP_TARGET_RATIO)
    for key, value in r.items():
        if key in ("db_floor", "http_floor"):
            continue
        if key.startswith(("db_", "http_", "fn_")) and not any(key.endswith(k) and "county" in key for k in TYPICAL):
            if key.startswith("http_") and key[5:] in TYPICAL:
                continue
            extra = f" (found for {value['found']}/{value['n']} queries)" if "found" in value else ""
            print(f"# {db} {key} p95 {value['p95']:.2f} ms{extra}")


def main() -> None:
    p = common.parser(__doc__)
    p.add_argument("--persons", type=int, default=None)
    p.add_argument("--rounds", type=int, default=None, help="timed runs of each query (6; 2 with --quick)")
    p.add_argument("--one", help=argparse_suppress())
    args = p.parse_args()
    args.rounds = args.rounds or (2 if args.quick else 6)
    persons = args.persons or (30_000 if args.quick else 1_000_000)
    if args.one:
        print("RESULT " + json.dumps(run_one(args.one, persons, args.keep, args.rounds, args.quick)), flush=True)
        return
    print(f"# search bench: {persons:,} persons, {common.load_average()}", flush=True)
    for db in common.databases(args.db):
        cmd = [sys.executable, __file__, "--one", db, "--persons", str(persons), "--rounds", str(args.rounds)]
        cmd += ["--quick"] if args.quick else []
        out = subprocess.run(cmd + (["--keep"] if args.keep else []), capture_output=True, text=True, check=False)  # noqa: S603
        lines = [line for line in out.stdout.splitlines() if line.startswith("RESULT ")]
        if out.returncode or not lines:
            print(out.stdout[-3000:], out.stderr[-5000:], file=sys.stderr)
            raise SystemExit(f"search bench on {db} failed")
        report(json.loads(lines[-1][7:]))
    print(f"# {common.load_average()}")


def argparse_suppress():
    import argparse

    return argparse.SUPPRESS


if __name__ == "__main__":
    main()
