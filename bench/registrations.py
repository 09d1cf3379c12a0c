"""Bench: the civil registrations at county scale (issue 21), on PostgreSQL.

    .venv/bin/python bench/registrations.py [--quick] [--records N] [--keep]

Each part is a function `<part>_part(args) -> list[str]` returning its BENCH lines, run in order by
`main` on one bench database that `main` makes and sets Django up on; a part added later (deaths)
is one more function and one more entry in PARTS.

Marriage part: a marriage register of 10,000,000 entries (1,000,000 with --quick) generated
set-based (one INSERT … SELECT from generate_series, the indexes built afterwards, ANALYZE), then
"is this person currently married per our records" for people sampled across the register:
  - in the database: the time spent in the driver by the statements of
    `marriage.services.marital_answer` (two index probes at most): p95 < 5 ms;
  - over HTTP: POST /api/v1/marriage/status against gunicorn on loopback, with the API token of a
    registrar (keep-alive connection), the query written to the append-only log: p95 < 50 ms.
Floors measured in the same run: a bare SELECT of one register row by primary key (same timing),
and the trivial request (GET /healthz) on the same connection; the medians' ratios are printed as
`marriage_status_pg_db_p50_ratio_to_floor` (< 30) and `…_http_p50_ratio_to_floor` (< 8).
SQLite is skipped with a message: a county register of this size is a PostgreSQL installation.
"""

import atexit
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common

DB_TARGET_MS = 5
HTTP_TARGET_MS = 50
DB_TARGET_RATIO = 30
HTTP_TARGET_RATIO = 8
COUNTY = "430522"
SAMPLES = 200

INDEXES = {
    "marriage_man_status_idx": "(man_id_number, status)",
    "marriage_woman_status_idx": "(woman_id_number, status)",
    "marriage_area_date_idx": "(area_code, registered_on)",
    "marriage_man_name_idx": "(man_name)",
    "marriage_woman_name_idx": "(woman_name)",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(port: int) -> subprocess.Popen:
    cmd = [
        str(Path(sys.executable).parent / "gunicorn"),
        "minzheng.wsgi:application",
        *("--bind", f"127.0.0.1:{port}", "--workers", "2", "--log-level", "warning"),
    ]
    process = subprocess.Popen(cmd, cwd=common.ROOT, env=dict(os.environ), start_new_session=True)  # noqa: S603
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise SystemExit("gunicorn did not start")


def generate_register(records: int) -> float:
    """`records` register entries in one INSERT … SELECT (70 % marriages in force, 20 % dissolved,
    10 % divorce entries), indexes built afterwards; returns the seconds it took. Synthetic ID
    numbers (18 characters; the sampled people get valid ones in `sample_people`)."""
    from django.db import connection

    table = "marriage_marriagerecord"
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for name in INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")
        cursor.execute(
            f"""INSERT INTO {table} (kind, status, man_id, woman_id, man_name, man_id_number, woman_name,
                woman_id_number, registered_on, number, office_name, registered_elsewhere, man_status_before,
                woman_status_before, declarations, end_reason, area_code, created_at)
            SELECT CASE WHEN mod(g, 10) = 0 THEN 'divorce' ELSE 'marriage' END,
                   CASE WHEN mod(g, 10) IN (1, 2) THEN 'dissolved' ELSE 'in_force' END,
                   g, g + 20000000, '男' || g, 'M' || lpad(g::text, 17, '0'), '女' || g, 'F' || lpad(g::text, 17, '0'),
                   DATE '2000-01-01' + mod(g, 9000), 'J{COUNTY}-B-' || g, '新邵县民政局', false, '10', '10',
                   '{{}}'::jsonb, '', '{COUNTY}000000', now()
            FROM generate_series(1, %s) AS g""",
            [records],
        )
        for name, columns in INDEXES.items():
            cursor.execute(f"CREATE INDEX {name} ON {table} {columns}")
        cursor.execute(f"ANALYZE {table}")
    return time.perf_counter() - started


def sample_people(office, registrar, count: int) -> list[str]:
    """People with valid ID numbers placed across the register: a third married (in force), a third
    divorced, a third never registered here; their entries take the ids of generated rows."""
    from django.db import connection

    from registry.idcard import make_id_number

    rnd = random.Random(21)
    people = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM marriage_marriagerecord")
        top = cursor.fetchone()[0]
        for n in range(count):
            number = make_id_number("440106", date(1980 + n % 20, 1 + n % 12, 1 + n % 28), n % 500, True)
            row = rnd.randint(1, top)
            if n % 3 == 0:
                cursor.execute(
                    "UPDATE marriage_marriagerecord SET man_id_number = %s, kind = 'marriage', status = 'in_force'"
                    " WHERE id = %s",
                    [number, row],
                )
            elif n % 3 == 1:
                cursor.execute(
                    "UPDATE marriage_marriagerecord SET man_id_number = %s, kind = 'marriage', status = 'dissolved'"
                    " WHERE id = %s",
                    [number, row],
                )
            people.append(number)
    return people


def marriage_part(args) -> list[str]:
    records = args.records or (1_000_000 if args.quick else 10_000_000)
    rounds = 1 if args.quick else 3
    from django.db import connection

    from accounts.models import Unit
    from accounts.tests.factories import StaffFactory, UnitFactory
    from accounts.tokens import issue_token
    from areas.jurisdiction import scope_for_user, system_scope, within
    from marriage import services

    with system_scope():
        office = UnitFactory(name="新邵县民政局", kind=Unit.Kind.BUREAU, area_code=f"{COUNTY}000000")
        registrar = StaffFactory(username="bench_registrar", full_name="陈登记", unit=office, roles=["registrar"])
        token = issue_token(registrar, "bench")
    print(f"# generating a marriage register of {records:,} entries ({common.load_average()})", flush=True)
    load_seconds = generate_register(records)
    people = sample_people(office, registrar, SAMPLES)
    print(f"# register generated and indexed in {load_seconds:.0f} s", flush=True)

    db_time = [0.0]

    def timer(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            db_time[0] += time.perf_counter() - started

    answers: dict[str, int] = {}
    db_times, fn_times, floor_times = [], [], []
    with within(scope_for_user(registrar)), connection.execute_wrapper(timer):
        for number in people[:10]:
            services.marital_answer(number)  # warm-up
        for _ in range(rounds):
            for number in people:
                db_time[0] = 0.0
                started = time.perf_counter()
                answer = services.marital_answer(number)
                fn_times.append((time.perf_counter() - started) * 1000)
                db_times.append(db_time[0] * 1000)
                answers[answer] = answers.get(answer, 0) + 1
        ids = [random.randint(1, records) for _ in people]

        def bare(pk: int) -> None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT id, status FROM marriage_marriagerecord WHERE id = %s", [pk])
                cursor.fetchone()

        for _ in range(rounds):
            for pk in ids:
                db_time[0] = 0.0
                bare(pk)
                floor_times.append(db_time[0] * 1000)
    print(f"# answers over the sample: {answers}", flush=True)
    with within(scope_for_user(registrar)), connection.cursor() as cursor:
        sql, params = services.marital_answer_sql(people[0])
        cursor.execute("EXPLAIN " + sql, params)
        print("# plan: " + " | ".join(row[0].strip() for row in cursor.fetchall()), flush=True)

    port = free_port()
    server = start_gunicorn(port)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Authorization": f"Bearer {token}", "Host": "127.0.0.1", "Content-Type": "application/json"}

        def request(method: str, path: str, body: dict | None = None) -> bytes:
            conn.request(method, path, body=json.dumps(body) if body else None, headers=headers)
            response = conn.getresponse()
            data = response.read()
            if response.status != 200:
                raise SystemExit(f"HTTP {response.status}: {data[:300]!r}")
            return data

        def ask(number: str) -> None:
            request("POST", "/api/v1/marriage/status", {"id_number": number, "purpose": "银行贷款审查（授权书BENCH）"})

        for number in people[:5]:
            ask(number)
        trivial = common.sample_ms(lambda: request("GET", "/healthz"), len(people) * rounds)
        http_times = []
        for _ in range(rounds):
            for number in people:
                http_times += common.sample_ms(lambda number=number: ask(number), 1, warmup=0)
        conn.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)

    print(
        f"# floors: bare SELECT by key p50 {statistics.median(floor_times):.2f} ms; trivial request p50 "
        f"{statistics.median(trivial):.2f} ms; the whole marital_answer() in process p50 "
        f"{statistics.median(fn_times):.2f} ms, p95 {common.p95(fn_times):.2f} ms",
        flush=True,
    )
    size = "1m" if records == 1_000_000 else ("10m" if records == 10_000_000 else str(records))
    return [
        common.bench_line(f"marriage_status_{size}_pg_db_p95", common.p95(db_times), "ms", DB_TARGET_MS),
        common.bench_line(f"marriage_status_{size}_pg_http_p95", common.p95(http_times), "ms", HTTP_TARGET_MS),
        common.ratio_line(
            f"marriage_status_{size}_pg_db_p50",
            statistics.median(db_times),
            statistics.median(floor_times),
            DB_TARGET_RATIO,
        ),
        common.ratio_line(
            f"marriage_status_{size}_pg_http_p50",
            statistics.median(http_times),
            statistics.median(trivial),
            HTTP_TARGET_RATIO,
        ),
    ]


def own_database(keep: bool) -> str:
    dbname = f"minzheng_bench_registrations_{os.getpid()}"
    common._pg_admin(f'DROP DATABASE IF EXISTS "{dbname}"')
    common._pg_admin(f'CREATE DATABASE "{dbname}"')
    os.environ["DATABASE_URL"] = f"{common.PG_SERVER}/{dbname}"
    if not keep:
        atexit.register(common.drop_pg_database, dbname)
    return dbname


PARTS = {"marriage": marriage_part}


def main() -> None:
    p = common.parser(__doc__.split("\n\n")[0])
    p.add_argument("--records", type=int, default=0, help="register entries (default 10M, 1M with --quick)")
    p.add_argument("--only", choices=sorted(PARTS), help="run one part")
    args = p.parse_args()
    if args.db == "sqlite":
        print("# registrations: PostgreSQL only (a county register of millions of rows); skipped on SQLite")
        return
    print(f"# registrations bench, {common.load_average()}", flush=True)
    # one database for every part (each part adds its own tables' rows), migrated here rather than
    # copied from the shared bench template: benches of other branches replace that template
    print(f"# database {own_database(args.keep)}", flush=True)
    common.setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    lines = []
    for name, part in PARTS.items():
        if args.only and name != args.only:
            continue
        lines += part(args)
    if any(line.endswith("MISS") for line in lines):
        sys.exit(1)


if __name__ == "__main__":
    main()
