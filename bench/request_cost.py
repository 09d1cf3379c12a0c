"""Bench: what one request of the soak's clerk workload costs, page by page (bench/soak.py's mix).

    .venv/bin/python bench/request_cost.py [--quick] [--keep]

PostgreSQL, the soak's data (the demo county's accounts and units, seed_demo households — 200, as the
production drill loads them; 2,000 without --quick —, the demo policy and recipients), production settings
where they change the cost: row-level security on, the page caches on (PAGE_CACHE_SECONDS 30), Redis as the
cache when it answers on 127.0.0.1:6379. Each page is asked through Django's whole stack (the test client:
middleware, session, jurisdiction, templates; no network) by its soak user, first once cold (caches empty),
then N times warm; per page:

- CPU ms in this process (time.process_time: what a gunicorn worker would spend), statements and their time
  (CaptureQueriesContext: the whole request, session read included), PostgreSQL's CPU for the request (its
  backend process, from /proc), and the response size;
- `BENCH request_cost_<page>_cpu` against the page's target and `_statements` against its count.

Floor: /healthz the same way (the middleware and one SELECT): `request_cost_mix_ratio_to_floor` is the
mix-weighted CPU over the floor's. Last, the budget: at 100 req/s on two cores everything a request costs —
nginx and TLS, gunicorn, PostgreSQL — must fit in 2 × 1000 / 100 = 20 ms of CPU; the mix's app + database CPU
is printed against it, with the rate it implies (`request_cost_mix_capacity`).
"""

import json
import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common

# The soak's mix (bench/soak.py action()): share of requests, who asks, what.
MIX = {"home": 0.4, "search": 0.2, "cases": 0.1, "cockpit": 0.1, "write": 0.2}
# In-process CPU ms (targets for a quiet two-core machine) and statements per request.
TARGETS = {
    "home": (12, 5),
    "search": (25, 8),
    "cases": (25, 9),
    "cockpit": (20, 8),
    "write": (20, 17),
}
RATE, CORES = 100, 2


def _redis_url() -> str:
    import socket

    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            if sock.recv(16).startswith(b"+PONG"):
                return "redis://127.0.0.1:6379/3"
    except OSError:
        pass
    return ""


def _backend_cpu_ms(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")  # PostgreSQL on another machine
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def run(households: int, repeat: int, keep: bool) -> bool:
    os.environ["MINZHENG_ROW_LEVEL_SECURITY"] = "1"
    os.environ["MINZHENG_PAGE_CACHE_SECONDS"] = "30"
    os.environ["MINZHENG_CACHE_URL"] = _redis_url()
    common.use_database("postgres", "perf_request_cost", keep)
    common.setup_django()

    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.demo import load_demo
    from accounts.models import User
    from accounts.tokens import issue_token
    from areas.jurisdiction import system_scope
    from ledger.demo import enrol_demo_recipients
    from registry.demo import seed_demo
    from registry.idcard import make_id_number
    from registry.models import Household

    started = time.perf_counter()
    with system_scope():
        load_demo("430522")
        seed_demo("430522", households, seed=1)
        call_command("load_demo_policy", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
        enrol_demo_recipients("430522", seed=1)
        village = Household.objects.filter(area_code__startswith="430522100").first().area_code
    print(f"# {households:,} households loaded in {time.perf_counter() - started:.0f} s", flush=True)
    print(f"# cache: {'Redis' if os.environ['MINZHENG_CACHE_URL'] else 'per process (Redis not answering)'}")

    clerk, leader = User.objects.get(username="clerk"), User.objects.get(username="leader")
    token = issue_token(clerk, "bench")
    clerk_client, leader_client, api_client = (Client(HTTP_HOST="127.0.0.1") for _ in range(3))
    clerk_client.force_login(clerk)
    leader_client.force_login(leader)
    written = iter(range(10**6))

    def write():
        n = next(written)
        number = make_id_number("430522", date(1941, 1, 1) + timedelta(days=n // 400), n % 400, True)
        body = json.dumps({"id_number": number, "name": "压测居民", "area_code": village})
        return api_client.post(
            "/api/v1/registry/persons", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
        )

    pages = {
        "floor": lambda: api_client.get("/healthz"),
        "home": lambda: clerk_client.get("/"),
        "search": lambda: clerk_client.get("/registry/households/", {"q": "酿溪"}),
        "cases": lambda: clerk_client.get("/cases/"),
        "cockpit": lambda: leader_client.get("/cockpit/"),
        "write": write,
    }
    leader_client.get("/cockpit/")  # the figures are built on a fresh installation's first visit: not timed

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    ok = True
    cost: dict[str, tuple[float, float]] = {}
    print("# page: CPU ms in process (cold → warm), statements, SQL ms, PostgreSQL CPU ms, KB", flush=True)
    for name, ask in pages.items():
        cache.clear()
        cold_started = time.process_time()
        response = ask()
        cold = (time.process_time() - cold_started) * 1000
        assert response.status_code in (200, 201), (name, response.status_code, response.content[:300])
        for _ in range(3):
            ask()
        cpu_started, db_started = time.process_time(), _backend_cpu_ms(backend)
        for _ in range(repeat):
            ask()
        cpu = (time.process_time() - cpu_started) * 1000 / repeat
        db_cpu = (_backend_cpu_ms(backend) - db_started) / repeat
        with CaptureQueriesContext(connection) as queries:
            response = ask()
        statements = len(queries.captured_queries)
        sql_ms = sum(float(q["time"]) for q in queries.captured_queries) * 1000
        cost[name] = (cpu, db_cpu)
        print(
            f"# {name}: {cold:.1f} → {cpu:.1f} ms, {statements} statements, {sql_ms:.1f} ms SQL, "
            f"{db_cpu:.1f} ms PostgreSQL, {len(response.content) / 1024:.0f} KB",
            flush=True,
        )
        if name in TARGETS:
            cpu_target, statement_target = TARGETS[name]
            ok &= common.bench_line(f"request_cost_{name}_cpu", cpu, "ms", cpu_target).endswith("ok")
            ok &= common.bench_line(
                f"request_cost_{name}_statements", statements, "statements", statement_target + 1
            ).endswith("ok")

    mix_app = sum(share * cost[name][0] for name, share in MIX.items())
    mix_db = sum(share * cost[name][1] for name, share in MIX.items())
    budget = CORES * 1000 / RATE
    print(
        f"# mix: {mix_app:.1f} ms in the app + {mix_db:.1f} ms in PostgreSQL per request; at {RATE} req/s on {CORES} "
        f"cores everything (nginx and TLS too) must fit in {budget:.0f} ms",
        flush=True,
    )
    for name in MIX:
        print(
            f"#   {name}: {cost[name][0] + cost[name][1]:.1f} ms = {(cost[name][0] + cost[name][1]) / budget:.2f} × budget"
        )
    ok &= common.bench_line("request_cost_mix_cpu", mix_app, "ms", 15).endswith("ok")
    ok &= common.ratio_line("request_cost_mix", mix_app, cost["floor"][0], 8).endswith("ok")
    capacity = CORES * 1000 / (mix_app + (mix_db if mix_db == mix_db else 0))
    print(f"BENCH request_cost_mix_capacity {capacity:.0f} req/s (app + database CPU only; reported)", flush=True)
    return ok


def main() -> None:
    p = common.parser(__doc__)
    args = p.parse_args()
    print(f"# request cost bench, {common.load_average()}", flush=True)
    households = 200 if args.quick else 2_000
    repeat = 15 if args.quick else 50
    raise SystemExit(0 if run(households, repeat, args.keep) else 1)


if __name__ == "__main__":
    main()
