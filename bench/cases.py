"""Bench: simulated clerks working cases through the HTTP stack, open loop and closed loop.

    .venv/bin/python bench/cases.py [--quick] [--seconds N] [--rate N] [--workers N] [--keep]

A dedicated PostgreSQL database is cloned from a migrated template (created on first run, named
after the migrations) and dropped afterwards; the dev database is never touched. gunicorn serves
the project on loopback; every simulated clerk has its own logged-in session (session rows
created directly, as a login would) and works: accept a 困难残疾人生活补贴 application (documents
complete), view the case, approve the window's step, look at its to-do queue, approve the
township step, view the case again — through the JSON API with CSRF like a browser client.

- Open loop, as clerks arrive: requests of that mix arrive at random (a Poisson process) at an
  offered `--rate` (100 req/s), each taken by one of 200 clerks who is not waiting for an answer;
  a request's latency counts from its arrival. This is the latency a clerk sees at a given load.
- Closed loop, the machine's maximum: 50 clerks with no pause between requests. Their latency is
  fixed by throughput (Little's law: 50 / req/s), so only the throughput is reported, as a ratio to
  the floor: a minimal logged-in view doing one indexed query, served in the same run by the same
  server, 50 clients likewise. The ratio holds across machines where absolute figures do not.
- Statements per acceptance and per approval (whole requests, session read included), counted
  in-process with CaptureQueriesContext: the work each request puts on the database, which is what
  limits an installation that scales by adding application processes.

    BENCH cases_open_loop_p95 <ms> ms target <150 ok|MISS
    BENCH cases_closed_loop_ratio_to_floor <x> x target >=0.3 ok|MISS
    BENCH cases_statements_per_acceptance <n> statements target <=N ok|MISS
    BENCH cases_statements_per_approval <n> statements target <=N ok|MISS

gunicorn runs as in production: sync workers (default 2, --workers), no threads. Request handling is
CPU-bound Python (the ORM), so threads only add GIL contention, and sync workers do not keep
connections alive: in production nginx in front holds the browsers' keep-alive connections and
buffers slow clients, and talks to gunicorn per request, which is what the bench's clients do
(Connection: close). More workers than cores pays off only while requests wait on the database;
measured here, 2 and 5 workers gave the same throughput.
"""

import argparse
import asyncio
import contextlib
import hashlib
import json
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
TEMPLATE_PREFIX = "minzheng_bench_cases_tpl_"
COUNTY = "430522000000"
TOWNSHIPS = 10
HOUSEHOLDS_PER_TOWNSHIP = 300  # a household per accept: a full run accepts about 1,000
ITEM = "disability_living"
DOCS = ["id_card", "household_booklet", "application_form", "disability_certificate", "bank_card"]
TARGET_OPEN_LOOP_P95_MS, TARGET_RATIO_TO_FLOOR, OFFERED_RATE = 150, 0.3, 100
# Ceilings for the statements of one request as Django counts them (the session's read, BEGIN and
# COMMIT included): 21 and 13 when the statement cache went; one more each since two legal rules
# read once per request — one intake at acceptance (the household's open application of the same
# programme) and 稽查 at approval (the opinion rules in force). More is a regression.
TARGET_STATEMENTS = {"accept": 22, "act": 14}


# --- the floor view, served by the same gunicorn (this module is its WSGI entry point) ----------

_app = None


def floor_view(request):
    """One indexed query behind the full middleware stack and a logged-in session."""
    from django.contrib.auth.views import redirect_to_login
    from django.http import HttpResponse

    from accounts.models import Unit

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    name = Unit.unscoped.filter(pk=request.user.unit_id).values_list("name", flat=True).first()
    return HttpResponse(name or "", content_type="text/plain; charset=utf-8")


def _install_floor_url() -> None:
    from django.urls import clear_url_caches, path

    import minzheng.urls

    if not any(getattr(p, "name", "") == "bench_floor" for p in minzheng.urls.urlpatterns):
        minzheng.urls.urlpatterns.append(path("bench-floor/", floor_view, name="bench_floor"))
        clear_url_caches()


def application(environ, start_response):
    global _app
    if _app is None:
        from django.core.wsgi import get_wsgi_application

        _app = get_wsgi_application()
        _install_floor_url()
    return _app(environ, start_response)


# --- database ------------------------------------------------------------------------------------


def admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def template_name() -> str:
    digest = hashlib.sha256()
    for path in sorted(ROOT.glob("*/migrations/0*.py")):
        digest.update(path.name.encode())
        digest.update(str(path.stat().st_size).encode())
    return f"{TEMPLATE_PREFIX}{digest.hexdigest()[:10]}"


def ensure_template() -> str:
    import psycopg

    name = template_name()
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        rows = conn.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [TEMPLATE_PREFIX + "%"]).fetchall()
        existing = {r[0] for r in rows}
        for old in existing - {name}:
            conn.execute(f'DROP DATABASE IF EXISTS "{old}"')
        if name in existing:
            return name
        conn.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "DATABASE_URL": f"{PG}/{name}", "MINZHENG_DEBUG": "1"}
    print(f"BENCH info migrating template database {name} (first run only)", flush=True)
    try:
        subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"], env=env, check=True)  # noqa: S603
    except subprocess.CalledProcessError:
        admin(f'DROP DATABASE IF EXISTS "{name}"')
        raise
    return name


def seed(clients: int) -> list[dict]:
    """Units, clerks, households with complete documents; one logged-in session per clerk."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from accounts.models import Role, Unit, User
    from accounts.sessions import SessionStore
    from accounts.tests.factories import ensure_area
    from areas.jurisdiction import system_scope
    from registry.idcard import make_id_number
    from registry.models import Document, DocumentType, Household, Membership, Person

    settings.DEBUG = False
    with system_scope():
        ensure_area(COUNTY, "新邵县")
        bureau = Unit.objects.create(name="新邵县民政局", kind=Unit.Kind.BUREAU, area_code=COUNTY)
        townships, households = [], {}
        types = {t.code: t for t in DocumentType.objects.filter(code__in=DOCS)}
        people, homes, villages = [], [], []
        for t in range(TOWNSHIPS):
            code = f"430522{100 + t:03d}000"
            village = f"430522{100 + t:03d}201"
            ensure_area(code, f"镇{t}")
            ensure_area(village, f"村{t}")
            township = Unit.objects.create(
                name=f"镇{t}民政办", kind=Unit.Kind.TOWNSHIP_OFFICE, area_code=code, parent=bureau
            )
            Unit.objects.create(
                name=f"村{t}村委会", kind=Unit.Kind.VILLAGE_COMMITTEE, area_code=village, parent=township
            )
            townships.append(township)
            for h in range(HOUSEHOLDS_PER_TOWNSHIP):
                sequence = t * HOUSEHOLDS_PER_TOWNSHIP + h + 1
                born = date(1940 + sequence % 50, 1 + sequence % 12, 1 + sequence % 28)
                people.append(
                    Person(
                        id_number=make_id_number("430522", born, sequence % 500, True),
                        name=f"申请人{sequence}",
                        sex="M",
                        birth_date=born,
                        area_code=village,
                    )
                )
                villages.append((township.pk, village, h))
        # One household per accepted application: one intake allows a household one open
        # application per programme, so every accept of the run needs a household of its own.
        people = Person.objects.bulk_create(people, batch_size=2000)
        for person, (_township, village, h) in zip(people, villages, strict=True):
            homes.append(
                Household(
                    number=f"{village}{h:05d}", head=person, address="新邵县", area_code=village, phone="13800000000"
                )
            )
        homes = Household.objects.bulk_create(homes, batch_size=2000)
        Membership.objects.bulk_create(
            [
                Membership(
                    household=home,
                    person=home.head,
                    relation="02",
                    start_date=date(2020, 1, 1),
                    area_code=home.area_code,
                )
                for home in homes
            ],
            batch_size=2000,
        )
        Document.objects.bulk_create(
            [
                Document(
                    doc_type=types[code_],
                    number="1",
                    area_code=home.area_code,
                    **({"household": home} if types[code_].holder == "household" else {"person": home.head}),
                )
                for home in homes
                for code_ in DOCS
            ],
            batch_size=2000,
        )
        for (township_pk, _village, _h), home in zip(villages, homes, strict=True):
            households.setdefault(township_pk, []).append(home.pk)
        clerk_role = Role.objects.get(code="clerk")
        users = User.objects.bulk_create(
            User(
                username=f"bench_clerk_{i}",
                full_name=f"经办{i}",
                unit=townships[i % TOWNSHIPS],
                area_code=townships[i % TOWNSHIPS].area_code,
                password="!bench",  # noqa: S106 - no password login in the bench: sessions are made directly
                must_change_password=False,
            )
            for i in range(clients)
        )
        User.roles.through.objects.bulk_create(User.roles.through(user_id=u.pk, role_id=clerk_role.pk) for u in users)
        sessions = []
        for user in users:
            store = SessionStore()
            store[SESSION_KEY] = str(user.pk)
            store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
            store[HASH_SESSION_KEY] = user.get_session_auth_hash()
            store.create()
            sessions.append(
                {
                    "session": store.session_key,
                    "csrf": secrets.token_hex(16),
                    "households": households[user.unit_id],
                }
            )
    return sessions


def calibrate(rounds: int) -> tuple[dict, dict]:
    """Service time of each operation in this process (Django test client, same middleware, same
    database): wall and CPU milliseconds (CPU time barely depends on what else runs on the machine),
    and the SQL statements each sends, counted by Django (median over the rounds)."""
    from django.db import connection
    from django.test import Client as DjangoClient
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    user = User.objects.get(username="bench_clerk_0")
    client = DjangoClient(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    spare = iter(seed_households(user)[::-1])  # from the end: the clerks' loops take them from the start
    samples, statements = defaultdict(list), defaultdict(list)

    def run(op, method, path, body=None):
        with CaptureQueriesContext(connection) as queries:
            wall, cpu = time.perf_counter(), time.process_time()
            response = client.get(path) if method == "GET" else client.post(path, body, content_type="application/json")
            samples[op].append(((time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000))
        statements[op].append(len(queries))
        return response.json() if response.headers.get("Content-Type", "").startswith("application/json") else None

    for _ in range(3):  # warm caches and code paths
        run("warm", "GET", "/bench-floor/")
    samples.clear()
    statements.clear()
    for _ in range(rounds):
        run("floor", "GET", "/bench-floor/")
        case = run("accept", "POST", "/api/v1/cases/accept", {"item": ITEM, "household_id": next(spare)})
        run("view", "GET", f"/api/v1/cases/{case['id']}")
        step = case["current_step"]
        after = run(
            "act",
            "POST",
            f"/api/v1/cases/{case['id']}/steps/{step['id']}/act",
            {"action": "approve", "version": step["version"]},
        )
        run("queue", "GET", "/api/v1/cases/queue/todo?limit=20")
        step = after["current_step"]
        run(
            "act",
            "POST",
            f"/api/v1/cases/{case['id']}/steps/{step['id']}/act",
            {"action": "approve", "version": step["version"]},
        )
    times = {op: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v)) for op, v in samples.items()}
    return times, {op: statistics.median(counts) for op, counts in statements.items()}


def seed_households(user) -> list[int]:
    from registry.models import Household

    return list(Household.unscoped.filter(area_code__startswith=user.area_code[:9]).values_list("pk", flat=True))


# --- gunicorn --------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(port: int, workers: int, worker_class: str, threads: int) -> subprocess.Popen:
    cmd = [
        str(Path(sys.executable).parent / "gunicorn"),
        "bench.cases:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        worker_class,
        "--threads",
        str(threads),
        "--backlog",
        "2048",
        "--log-level",
        "warning",
    ]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "minzheng.settings", "MINZHENG_DEBUG": "0"}
    env.update({"MINZHENG_SECURE_COOKIES": "0", "ALLOWED_HOSTS": "127.0.0.1,localhost", "MINZHENG_LOG_LEVEL": "ERROR"})
    process = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)  # noqa: S603
    deadline = time.time() + 60
    while time.time() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return process
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGTERM)
    raise SystemExit("gunicorn did not start")


# --- the load -----------------------------------------------------------------------------------------


class _Exchange(asyncio.Protocol):
    """One request on its own connection, read until the server closes it. A bare protocol rather
    than asyncio's streams: the clients share the machine's cores with the server (measured here:
    0.33 ms of CPU per request instead of 0.37)."""

    def __init__(self, request: bytes, done: asyncio.Future):
        self.request, self.done, self.chunks = request, done, []

    def connection_made(self, transport):
        transport.write(self.request)

    def data_received(self, data: bytes):
        self.chunks.append(data)

    def connection_lost(self, exc):
        if not self.done.done():
            self.done.set_result(b"".join(self.chunks))


# The households not yet applied for, by township, shared by every clerk of the run (one intake:
# a household has one open application per programme); the list object is the township's.
_UNUSED: dict[int, list[int]] = {}


class Client:
    def __init__(self, port: int, session: dict):
        self.port = port
        self.cookie = f"sessionid={session['session']}; csrftoken={session['csrf']}"
        self.csrf = session["csrf"]
        self.households = session["households"]

    def next_household(self) -> int:
        """A household of the clerk's township no accept of this run has taken yet."""
        unused = _UNUSED.setdefault(id(self.households), list(self.households[: len(self.households) - 30]))
        if not unused:
            raise Stop  # the run has used every seeded household: seed more (HOUSEHOLDS_PER_TOWNSHIP)
        return unused.pop(0)

    async def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict | None]:
        data = json.dumps(body).encode() if body is not None else b""
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {self.cookie}\r\nX-CSRFToken: {self.csrf}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\nConnection: close\r\n\r\n"
        )
        loop = asyncio.get_running_loop()
        done = loop.create_future()
        await loop.create_connection(lambda: _Exchange(head.encode() + data, done), "127.0.0.1", self.port)
        raw = await done
        header, _, payload = raw.partition(b"\r\n\r\n")
        status = int(header.split(b" ", 2)[1]) if header else 0
        parsed = None
        if payload[:1] in (b"{", b"["):
            with contextlib.suppress(ValueError):
                parsed = json.loads(payload)
        return status, parsed


class Stop(Exception):
    """The phase is over: a clerk does not start another request."""


async def _timed(samples, op, coroutine_factory, stop_at: float, arrivals: asyncio.Queue | None = None):
    """One request, its latency recorded. Open loop (`arrivals`): the request waits for the next
    arrival and its latency counts from the arrival's moment, whenever a clerk took it up."""
    if arrivals is not None:
        started = await arrivals.get()
        if started is None:
            raise Stop
    else:
        if time.perf_counter() >= stop_at:
            raise Stop
        started = time.perf_counter()
    status, body = await coroutine_factory()
    samples.append((op, (time.perf_counter() - started) * 1000, status, time.perf_counter()))
    return status, body


async def clerk_loop(
    client: Client, samples: list, stop_at: float, index: int, arrivals: asyncio.Queue | None = None
) -> None:
    """accept → view → act (window step) → queue → act (township step) → view, until the phase ends."""

    async def timed(samples, op, coroutine_factory, stop_at):
        return await _timed(samples, op, coroutine_factory, stop_at, arrivals)

    with contextlib.suppress(Stop):
        # Clerks do not start their day in step: clerk i first looks at the queue i % 6 times (in the
        # warm-up). Started together, the 50 loops marched as a convoy — all accepts queued behind
        # each other, then all views — and p95 measured the convoy (1.9x the mean), not the server.
        for _ in range(index % 6):
            await timed(samples, "queue", lambda: client.request("GET", "/api/v1/cases/queue/todo?limit=20"), stop_at)
        while True:
            household = client.next_household()
            status, case = await timed(
                samples,
                "accept",
                lambda h=household: client.request("POST", "/api/v1/cases/accept", {"item": ITEM, "household_id": h}),
                stop_at,
            )
            if status != 200 or not case or not case.get("current_step"):
                await asyncio.sleep(0.05)
                continue
            url = f"/api/v1/cases/{case['id']}"
            await timed(samples, "view", lambda u=url: client.request("GET", u), stop_at)
            step = case["current_step"]
            for round_ in range(2):
                body = {"action": "approve", "version": step["version"], "text": "属实"}
                status, after = await timed(
                    samples,
                    "act",
                    lambda s=step, b=body, u=url: client.request("POST", f"{u}/steps/{s['id']}/act", b),
                    stop_at,
                )
                if round_ == 0:
                    await timed(
                        samples, "queue", lambda: client.request("GET", "/api/v1/cases/queue/todo?limit=20"), stop_at
                    )
                if status != 200 or not after or not after.get("current_step"):
                    break
                step = after["current_step"]
            await timed(samples, "view", lambda u=url: client.request("GET", u), stop_at)


async def floor_loop(
    client: Client, samples: list, stop_at: float, index: int, arrivals: asyncio.Queue | None = None
) -> None:
    with contextlib.suppress(Stop):
        while True:
            await _timed(samples, "floor", lambda: client.request("GET", "/bench-floor/"), stop_at, arrivals)


def cpu_seconds(gunicorn_group: int) -> dict[str, float]:
    """CPU time used so far (user + system) by this process (the clients), gunicorn's processes and
    PostgreSQL's, from /proc: all three share the machine's cores. A process's reaped children count
    with it (PostgreSQL ends a backend when Django closes a connection older than CONN_MAX_AGE)."""
    tick = os.sysconf("SC_CLK_TCK")
    used = {"clients": 0.0, "gunicorn": 0.0, "postgres": 0.0}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            name, fields = stat.read_text().rsplit(")", 1)
            fields = fields.split()
            seconds = sum(int(value) for value in fields[11:15]) / tick
            if stat.parent.name == str(os.getpid()):
                used["clients"] += seconds
            elif int(fields[2]) == gunicorn_group:
                used["gunicorn"] += seconds
            elif name.endswith("(postgres"):
                used["postgres"] += seconds
    return used


async def phase(
    port: int,
    group: int,
    sessions: list[dict],
    clients: int,
    seconds: float,
    warmup: float,
    loop,
    grace: float = 10,
    rate: float | None = None,
) -> dict:
    """Run `clients` loops; requests still in flight `grace` s after the end are abandoned (not counted).
    `group`: gunicorn's process group, whose CPU time is measured over the same window. With `rate`
    the phase is open loop: requests arrive at random, `rate` per second on average, each taken by a
    loop that is not waiting for an answer; without, every loop sends its next request at once."""
    samples: list = []
    started = time.perf_counter()
    stop_at = started + warmup + seconds
    cpu = []
    arrivals: asyncio.Queue | None = None if rate is None else asyncio.Queue()

    async def arrive():
        """A Poisson process: exponential gaps, seeded so that runs offer the same sequence."""
        gaps = random.Random(17)
        moment = time.perf_counter()
        while True:
            moment += gaps.expovariate(rate)
            if moment >= stop_at:
                break
            await asyncio.sleep(max(0, moment - time.perf_counter()))
            arrivals.put_nowait(moment)
        for _ in range(clients):
            arrivals.put_nowait(None)

    async def measure_cpu():
        for moment in (started + warmup, stop_at):
            await asyncio.sleep(max(0, moment - time.perf_counter()))
            cpu.append(cpu_seconds(group))

    meter = asyncio.create_task(measure_cpu())
    arrival = asyncio.create_task(arrive()) if arrivals is not None else None
    tasks = [
        asyncio.create_task(loop(Client(port, sessions[i % len(sessions)]), samples, stop_at, i, arrivals))
        for i in range(clients)
    ]
    _done, pending = await asyncio.wait(tasks, timeout=warmup + seconds + grace)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    await meter
    if arrival is not None:
        arrival.cancel()
        await asyncio.gather(arrival, return_exceptions=True)
    measured_from = started + warmup
    kept = [s for s in samples if measured_from <= s[3] <= stop_at]
    result = summarise(kept, seconds)
    result["cpu_ms"] = {k: (cpu[1][k] - cpu[0][k]) * 1000 / max(len(kept), 1) for k in cpu[0]}
    return result


async def warm_up(port: int, sessions: list[dict]) -> None:
    """Every worker imports and builds its middleware on its first request (seconds): not measured.
    Also run between phases: until the floor answers quickly, the server is still busy with the last one."""
    client = Client(port, sessions[0])
    deadline = time.perf_counter() + 60
    fast = 0
    while time.perf_counter() < deadline and fast < 10:
        started = time.perf_counter()
        await asyncio.gather(*(client.request("GET", "/bench-floor/") for _ in range(4)))
        fast = fast + 1 if time.perf_counter() - started < 0.5 else 0


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} / {five:.1f} on {os.cpu_count()} cores (other processes share this machine)"


def p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def summarise(samples: list, seconds: float) -> dict:
    by_op = defaultdict(list)
    errors = defaultdict(int)
    for op, ms, status, _ in samples:
        by_op[op].append(ms)
        if status != 200:
            errors[f"{op}:{status}"] += 1
    latencies = [s[1] for s in samples]
    return {
        "requests": len(samples),
        "rps": len(samples) / seconds if seconds else 0,
        "p95": p95(latencies),
        "p50": statistics.median(latencies) if latencies else 0,
        "ops": {op: {"n": len(v), "p95": p95(v), "p50": statistics.median(v)} for op, v in sorted(by_op.items())},
        "errors": dict(errors),
    }


def line(name: str, value: float, unit: str, op: str, target: float, digits: int = 1) -> bool:
    """`BENCH <name> <value> <unit> target <op><target> ok|MISS`; whether the target is met."""
    met = {"<": value < target, "<=": value <= target, ">=": value >= target, ">": value > target}[op]
    print(f"BENCH {name} {value:.{digits}f} {unit} target {op}{target:g} {'ok' if met else 'MISS'}", flush=True)
    return met


def report(name: str, result: dict) -> None:
    """A phase's throughput, latencies per operation and CPU per request (information, no targets)."""
    print(f"BENCH {name}_rps {result['rps']:.0f} req/s")
    print(f"BENCH {name}_p95 {result['p95']:.1f} ms (p50 {result['p50']:.1f} ms)")
    for op, stats in result["ops"].items():
        print(f"BENCH {name}_{op} n={stats['n']} p50 {stats['p50']:.1f} ms p95 {stats['p95']:.1f} ms")
    cpu = result["cpu_ms"]
    total = sum(cpu.values())
    print(
        f"BENCH {name}_cpu_per_request {total:.2f} ms: clients {cpu['clients']:.2f}, gunicorn {cpu['gunicorn']:.2f}, "
        f"postgres {cpu['postgres']:.2f} (the machine's {os.cpu_count()} cores allow {os.cpu_count() * 1000 / max(total, 0.01):.0f} req/s)"
    )
    if result["errors"]:
        print(f"BENCH {name}_errors {json.dumps(result['errors'])}")
    sys.stdout.flush()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="short phases: the whole run in under a minute")
    parser.add_argument("--seconds", type=float, help="measured seconds per phase (default 20, quick 5)")
    parser.add_argument("--rate", type=float, default=OFFERED_RATE, help="open loop: offered requests per second")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", "2")))
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    args = parser.parse_args()
    seconds = args.seconds or (5 if args.quick else 20)
    grace = 2 if args.quick else 10
    warmup = 1.5 if args.quick else 3
    template = ensure_template()
    database = f"minzheng_bench_cases_{os.getpid()}"
    admin(f'CREATE DATABASE "{database}" TEMPLATE "{template}"')
    os.environ.update({"DATABASE_URL": f"{PG}/{database}", "DJANGO_SETTINGS_MODULE": "minzheng.settings"})
    os.environ.setdefault("SECRET_KEY", secrets.token_hex(32))  # the same key signs sessions here and in gunicorn
    os.environ["MINZHENG_DEBUG"] = "0"
    os.environ["MINZHENG_HTTPS"] = "0"  # gunicorn on loopback, no TLS in front
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1,localhost"
    gunicorn = None
    try:
        import django

        django.setup()
        sessions = seed(200)
        from areas.jurisdiction import system_scope

        _install_floor_url()
        with system_scope():
            service, statements = calibrate(3 if args.quick else 20)
        from django.db import connections

        connections.close_all()
        port = free_port()
        gunicorn = start_gunicorn(port, args.workers, args.worker_class, args.threads)
        asyncio.run(warm_up(port, sessions))
        print(f"BENCH info {load_average()}", flush=True)
        print(
            f"BENCH info gunicorn {args.workers} {args.worker_class} workers x {args.threads} threads; "
            f"{seconds:g} s per phase; {os.cpu_count()} cores",
            flush=True,
        )
        clerks = len(sessions)
        open_loop = asyncio.run(
            phase(port, gunicorn.pid, sessions, clerks, seconds, warmup, clerk_loop, grace, rate=args.rate)
        )
        asyncio.run(warm_up(port, sessions))  # requests a phase abandoned may still be queued: let them drain
        floor = asyncio.run(phase(port, gunicorn.pid, sessions, 50, seconds, warmup, floor_loop, grace))
        asyncio.run(warm_up(port, sessions))
        closed = asyncio.run(phase(port, gunicorn.pid, sessions, 50, seconds, warmup, clerk_loop, grace))
        _floor_wall, floor_cpu = service["floor"]
        for op, (wall, cpu) in service.items():
            print(f"BENCH cases_service_{op} wall {wall:.1f} ms cpu {cpu:.1f} ms ({cpu / floor_cpu:.1f}x floor cpu)")
        mix = (service["accept"][1] + 2 * service["act"][1] + 2 * service["view"][1] + service["queue"][1]) / 6
        print(f"BENCH cases_service_mix_cpu {mix:.1f} ms per request ({mix / floor_cpu:.1f}x floor cpu)")
        for op, count in statements.items():
            print(f"BENCH cases_statements_{op} {count:g} per request")
        report("cases_open_loop", open_loop)
        report("cases_closed_loop_50_clients", closed)
        report("cases_floor_50_clients", floor)
        print(f"BENCH info {load_average()}")
        print(
            f"BENCH info open loop: {args.rate:g} req/s offered at random, {open_loop['rps']:.0f} answered; "
            f"closed loop: 50 clients / {closed['rps']:.0f} req/s = {50000 / max(closed['rps'], 1):.0f} ms mean latency "
            "(Little's law), so its p95 says how fast the machine is, not what a clerk waits"
        )
        met = [
            line("cases_open_loop_p95", open_loop["p95"], "ms", "<", TARGET_OPEN_LOOP_P95_MS),
            line(
                "cases_closed_loop_ratio_to_floor",
                closed["rps"] / max(floor["rps"], 1),
                "x",
                ">=",
                TARGET_RATIO_TO_FLOOR,
                2,
            ),
            line(
                "cases_statements_per_acceptance",
                statements["accept"],
                "statements",
                "<=",
                TARGET_STATEMENTS["accept"],
                0,
            ),
            line("cases_statements_per_approval", statements["act"], "statements", "<=", TARGET_STATEMENTS["act"], 0),
        ]
        return 0 if all(met) and not open_loop["errors"] else 1
    finally:
        if gunicorn is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(gunicorn.pid, signal.SIGTERM)
            try:
                gunicorn.wait(10)
            except subprocess.TimeoutExpired:  # a worker stuck in a request: the database goes anyway
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(gunicorn.pid, signal.SIGKILL)
                gunicorn.wait(10)
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        if args.keep:
            print(f"BENCH info kept database {database}")
        else:
            admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


if __name__ == "__main__":
    sys.exit(main())
