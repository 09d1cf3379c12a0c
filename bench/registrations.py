"""Bench: the civil registrations at county scale (issue 21), on PostgreSQL.

    .venv/bin/python bench/registrations.py [--quick] [--records N] [--persons N] [--lines N] [--only PART] [--keep]

Each part is a function `<part>_part(args) -> list[str]` returning its BENCH lines, run in order by
`main` on one bench database, a copy of this bench's own migrated template (`own_template`).

Marriage part: a marriage register of 10,000,000 entries (200,000 with --quick) generated set-based
(one INSERT … SELECT from generate_series, sampled people placed across it, the table's own indexes
rebuilt afterwards as the migrations define them, VACUUM ANALYZE), then "is this person currently
married per our records" for people sampled across the register (a third married, a third
divorced, a third unknown here):
  - in the database: the time spent in the driver by the statement of
    `marriage.services.marital_answer` (two index-only probes), a round trip: p95 < 5 ms; and the
    server's own execution time of the same statement (EXPLAIN ANALYZE), which the machine's load
    does not inflate the way it does a round trip: p95 < 5 ms;
  - over HTTP: POST /api/v1/marriage/status against gunicorn on loopback, with the API token of a
    registrar (keep-alive connection), the capability check and the query written to the
    append-only log: p95 < 50 ms.
Floors measured in the same run, interleaved with the figures (both see the same load): a `SELECT 1`
round trip, and a trivial authenticated request (GET /api/v1/accounts/me, same token, same
connection); the p95 ratios are `marriage_status_<size>_pg_db_p95_ratio_to_floor` (< 10) and
`…_http_p95_ratio_to_floor` (< 4). The plan (EXPLAIN ANALYZE) and the statements of one request
(and of the trivial one) are printed.

Deaths part (bench/deaths.py's `measure`): a death file of 100,000 lines (10,000 with --quick)
matched to a registry of 1,000,000 residents (100,000 with --quick): < 10 s.
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
DB_TARGET_RATIO = 10
HTTP_TARGET_RATIO = 4
COUNTY = "430522"
SAMPLES = 200


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


def generate_register(records: int, samples: int) -> tuple[float, list[str]]:
    """`records` register entries in one INSERT … SELECT (70 % marriages in force, 20 % dissolved,
    10 % divorce entries), then `samples` people with valid ID numbers placed across it (a third
    married, a third divorced, a third never registered here), then the table's own indexes — read
    from the catalogue, so the bench builds what the migrations build — and VACUUM ANALYZE (the
    visibility map an index-only probe needs, as autovacuum keeps it on a live register). Returns
    the seconds it took and the sampled ID numbers."""
    from django.db import connection

    from registry.idcard import make_id_number

    table = "marriage_marriagerecord"
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN"
            " (SELECT conname FROM pg_constraint WHERE conrelid = CAST(%s AS regclass))",  # constraints stay
            [table, table],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
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
        rnd = random.Random(21)
        people, placed = [], []
        for n in range(samples):
            number = make_id_number("440106", date(1980 + n % 20, 1 + n % 12, 1 + n % 28), n % 500, True)
            people.append(number)
            if n % 3 != 2:
                side = "man" if n % 2 else "woman"
                status = "in_force" if n % 3 == 0 else "dissolved"
                placed.append((side, number, status, rnd.randint(1, records)))
        for side, number, status, row in placed:
            cursor.execute(
                f"UPDATE {table} SET {side}_id_number = %s, kind = 'marriage', status = %s WHERE id = %s",
                [number, status, row],
            )
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        cursor.execute("RESET maintenance_work_mem")
        cursor.execute(f"VACUUM ANALYZE {table}")
    return time.perf_counter() - started, people


def statements_per_request(token: str, number: str) -> tuple[int, int, list[str]]:
    """The statements one agency query sends, and one trivial authenticated request (GET
    /api/v1/accounts/me), through the whole middleware stack in this process (Django's test
    client); with the query's statements for the report."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}")
    body = json.dumps({"id_number": number, "purpose": "银行贷款审查（授权书BENCH）"})
    client.post("/api/v1/marriage/status", body, content_type="application/json")  # warm
    with CaptureQueriesContext(connection) as asked:
        assert client.post("/api/v1/marriage/status", body, content_type="application/json").status_code == 200
    with CaptureQueriesContext(connection) as trivial:
        assert client.get("/api/v1/accounts/me").status_code == 200
    return len(asked), len(trivial), [q["sql"][:90] for q in asked.captured_queries]


def statement_sent(number: str) -> tuple[str, None]:
    """The statement `marital_answer` sends for `number`, as sent (values in place), for EXPLAIN."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from marriage import services

    with CaptureQueriesContext(connection) as sent:
        services.marital_answer(number)
    return sent.captured_queries[-1]["sql"], None


def marriage_part(args) -> list[str]:
    records = args.records or (200_000 if args.quick else 10_000_000)
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
    load_seconds, people = generate_register(records, SAMPLES)
    print(f"# register generated, indexed and vacuumed in {load_seconds:.0f} s ({common.load_average()})", flush=True)

    db_time = [0.0]

    def timer(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            db_time[0] += time.perf_counter() - started

    def select_one() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()

    answers: dict[str, int] = {}
    db_times, fn_times, floor_times = [], [], []
    with within(scope_for_user(registrar)), connection.execute_wrapper(timer):
        for number in people[:10]:
            services.marital_answer(number)  # warm-up
        for _ in range(rounds):
            for number in people:  # the query and its floor interleaved: both see the same load
                db_time[0] = 0.0
                started = time.perf_counter()
                answer = services.marital_answer(number)
                fn_times.append((time.perf_counter() - started) * 1000)
                db_times.append(db_time[0] * 1000)
                answers[answer] = answers.get(answer, 0) + 1
                db_time[0] = 0.0
                select_one()
                floor_times.append(db_time[0] * 1000)
    print(f"# answers over the sample: {answers}", flush=True)
    exec_times = []  # the server's own execution time of the statement: what the load on the machine adds
    with within(scope_for_user(registrar)), connection.cursor() as cursor:  # to a round trip is not in it
        sql, params = statement_sent(people[0])
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        print("# plan: " + " | ".join(row[0].strip() for row in cursor.fetchall()), flush=True)
        for number in people:
            sql, params = statement_sent(number)
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            exec_times.append(plan[0]["Execution Time"])
    with within(scope_for_user(registrar)):
        asked, trivial_count, statements = statements_per_request(token, people[0])
    print(f"# statements per request: agency query {asked}, trivial authenticated request {trivial_count}", flush=True)
    for statement in statements:
        print(f"#   {statement}", flush=True)

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
            request("GET", "/api/v1/accounts/me")
        trivial, http_times = [], []
        for _ in range(rounds):
            for number in people:  # interleaved, as above
                http_times += common.sample_ms(lambda number=number: ask(number), 1, warmup=0)
                trivial += common.sample_ms(lambda: request("GET", "/api/v1/accounts/me"), 1, warmup=0)
        conn.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)

    print(
        f"# floors: SELECT 1 round trip p50 {statistics.median(floor_times):.2f} ms, p95 {common.p95(floor_times):.2f} ms;"
        f" trivial authenticated request (GET /api/v1/accounts/me) p50 {statistics.median(trivial):.2f} ms,"
        f" p95 {common.p95(trivial):.2f} ms; the whole marital_answer() in process p50"
        f" {statistics.median(fn_times):.2f} ms, p95 {common.p95(fn_times):.2f} ms ({common.load_average()})",
        flush=True,
    )
    size = {1_000_000: "1m", 10_000_000: "10m"}.get(records, str(records))
    print(
        f"# the query in the database: round trip p50 {statistics.median(db_times):.2f} ms, p95 {common.p95(db_times):.2f}"
        f" ms; server-side execution p50 {statistics.median(exec_times):.3f} ms, p95 {common.p95(exec_times):.3f} ms;"
        f" over HTTP p50 {statistics.median(http_times):.2f} ms",
        flush=True,
    )
    return [
        common.bench_line(f"marriage_status_{size}_pg_exec_p95", common.p95(exec_times), "ms", DB_TARGET_MS),
        common.bench_line(f"marriage_status_{size}_pg_db_p95", common.p95(db_times), "ms", DB_TARGET_MS),
        common.bench_line(f"marriage_status_{size}_pg_http_p95", common.p95(http_times), "ms", HTTP_TARGET_MS),
        common.ratio_line(
            f"marriage_status_{size}_pg_db_p95", common.p95(db_times), common.p95(floor_times), DB_TARGET_RATIO
        ),
        common.ratio_line(
            f"marriage_status_{size}_pg_http_p95", common.p95(http_times), common.p95(trivial), HTTP_TARGET_RATIO
        ),
    ]


def own_template() -> str:
    """A migrated, empty database this bench copies (seconds) instead of migrating (minutes on a
    loaded machine): named after the migrations like the shared bench template, but with a prefix of
    its own — benches of other branches drop `minzheng_bench_tpl_*` templates that are not theirs."""
    import psycopg

    name = "minzheng_bench_registrations_tpl_" + common.template_name().rsplit("_", 1)[-1]
    with psycopg.connect(f"{common.PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(hashtext('minzheng_bench_registrations_tpl'))")
        try:
            existing = {row[0] for row in conn.execute("SELECT datname FROM pg_database").fetchall()}
            for old in {n for n in existing if n.startswith("minzheng_bench_registrations_tpl_")} - {name}:
                conn.execute(f'DROP DATABASE IF EXISTS "{old}"')
            if name not in existing:
                print(f"# migrating the bench template {name} (once per set of migrations)", flush=True)
                conn.execute(f'CREATE DATABASE "{name}_building"')
                try:
                    env = {**os.environ, "DATABASE_URL": f"{common.PG_SERVER}/{name}_building", "MINZHENG_DEBUG": "1"}
                    subprocess.run(
                        [sys.executable, "manage.py", "migrate", "-v0"], cwd=common.ROOT, env=env, check=True
                    )
                    conn.execute(f'ALTER DATABASE "{name}_building" RENAME TO "{name}"')
                finally:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}_building"')
        finally:
            conn.execute("SELECT pg_advisory_unlock(hashtext('minzheng_bench_registrations_tpl'))")
    return name


def own_database(keep: bool) -> str:
    dbname = f"minzheng_bench_registrations_{os.getpid()}"
    template = own_template()
    common._pg_admin(f'DROP DATABASE IF EXISTS "{dbname}"')
    common._pg_admin(f'CREATE DATABASE "{dbname}" TEMPLATE "{template}"')
    os.environ["DATABASE_URL"] = f"{common.PG_SERVER}/{dbname}"
    if not keep:
        atexit.register(common.drop_pg_database, dbname)
    return dbname


def deaths_part(args) -> list[str]:
    """A death file of 100,000 lines (10,000 with --quick) matched to a registry of 1,000,000
    residents (100,000 with --quick): bench/deaths.py's measure, on this database."""
    from bench import deaths

    persons = args.persons or (100_000 if args.quick else 1_000_000)
    lines = args.lines or (10_000 if args.quick else 100_000)
    return deaths.measure(persons, lines)


PARTS = {"marriage": marriage_part, "deaths": deaths_part}


def main() -> None:
    p = common.parser(__doc__.split("\n\n")[0])
    p.add_argument("--records", type=int, default=0, help="register entries (default 10M, 200k with --quick)")
    p.add_argument("--persons", type=int, default=0, help="deaths: registry size (default 1M, 100k with --quick)")
    p.add_argument("--lines", type=int, default=0, help="deaths: death file lines (default 100k, 10k with --quick)")
    p.add_argument("--only", choices=sorted(PARTS), help="run one part")
    args = p.parse_args()
    if args.db == "sqlite":
        print("# registrations: PostgreSQL only (a county register of millions of rows); skipped on SQLite")
        return
    print(f"# registrations bench, {common.load_average()}", flush=True)
    # one database for every part (each part adds its own tables' rows), a copy of this bench's own
    # migrated template (see own_template)
    print(f"# database {own_database(args.keep)}", flush=True)
    common.setup_django()
    lines = []
    for name, part in PARTS.items():
        if args.only and name != args.only:
            continue
        lines += part(args)
    if any(line.endswith("MISS") for line in lines):
        sys.exit(1)


if __name__ == "__main__":
    main()
