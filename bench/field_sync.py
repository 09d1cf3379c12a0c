"""Bench: a county's grid workers sending what they saved offline, all within the same minutes; and the
worker's pages on a slow phone link.

    .venv/bin/python bench/field_sync.py [--quick] [--workers-count N] [--per-worker N] [--concurrency N]
                                         [--one-by-one] [--skip-pages] [--pages-only] [--keep]

Issue 20: 2,760 workers (one county's grids) each send 10 events and visits with a 50 KB photo; all
27,600 must be stored exactly once in under 60 s on loopback with the production server settings,
and sending everything again stores nothing.

The server is started as deploy/systemd/minzheng-web.service starts it: its ExecStart line, read from
the unit (gunicorn sync workers, --workers as scripts/install-production.sh sets it: 2 × cores + 1,
--timeout, --max-requests …), with `MINZHENG_DEBUG=0` and HTTPS on (`MINZHENG_HTTPS=1`, as in
deploy/minzheng.env.example). In production nginx ends TLS and tells Django with X-Forwarded-Proto;
the bench's clients send that header as nginx would (MINZHENG_TRUSTED_PROXIES=127.0.0.1). Only the
WSGI entry differs: this module, which is minzheng.wsgi's application plus the floor's URL.

A PostgreSQL database is cloned from the cases bench's migrated template (named after this branch and
the process) and dropped afterwards. Each worker has its own logged-in session (rows made directly, as
a login would) and sends its outbox as the phone does: ONE request to /grid/sync/batch/ with all its
items (a client-made id each, the photo as a data URL); seven in ten are events, three are visits to a
household of the worker's village. `--one-by-one` sends each item alone to /grid/sync/ instead (the
phone's fallback; the path the figure was first measured on).

The floor: the same number of POSTs of the same size, through the same gunicorn, to a logged-in view
that reads the body and does one indexed query — what receiving the bytes, the session and the
middleware cost here before any grid code runs.

    BENCH field_sync_items_per_second <n> items/s target >=460 ok|MISS   (27,600 in 60 s)
    BENCH field_sync_seconds <s> s target <60 ok|MISS                   (full run only)
    BENCH field_sync_stored_once <n> items target ==N ok|MISS
    BENCH field_sync_photos_stored_once <n> photos target ==N ok|MISS
    BENCH field_sync_repeat_stored <n> items target ==0 ok|MISS
    BENCH field_sync_ratio_to_floor <x> x target <=4 ok|MISS

Then page weight on a slow phone link: Chromium (Playwright) with the network emulated through CDP at
400 kbit/s and 400 ms round trip, logged in as one of the workers, opens the worker's home and the
visit form: first load with an empty cache (< 5 s) and again with the cache (< 1 s), with the bytes
transferred. Its floor: the same number of bytes as one logged-in response (the floor view) on the same
link, cold: what the link alone costs for that weight. (A 1 KB floor made the ratio a measure of the page's
weight, not of the machine: 135 KB at 400 kbit/s is 2.7 s of transfer whatever the server does.) The ratio
is what the page costs over its bytes: the server's time and the round trips of its assets.

    BENCH field_page_<home|visit_form>_first_load <s> s target <5 ok|MISS
    BENCH field_page_<home|visit_form>_cached_load <s> s target <1 ok|MISS
    BENCH field_page_<home|visit_form>_first_kb <kb> KB target <300 ok|MISS
    BENCH field_page_ratio_to_floor <x> x target <=2 ok|MISS
"""

import argparse
import asyncio
import base64
import contextlib
import json
import os
import re
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.cases import PG, _Exchange, admin, ensure_template  # noqa: E402

COUNTY = "430522000000"
VILLAGES = 40
TARGET_SECONDS, TARGET_RATIO = 60, 4
TARGET_RATE = 27_600 / TARGET_SECONDS  # the issue's county: 2,760 workers x 10 items within a minute
PHOTO_BYTES = 50_000
PHOTO = "data:image/jpeg;base64," + base64.b64encode(b"\xff\xd8\xff\xe0" + os.urandom(PHOTO_BYTES - 4)).decode()
UNIT = ROOT / "deploy" / "systemd" / "minzheng-web.service"


# --- the server: minzheng.wsgi plus the floor, started as the production unit starts it ----------------

_app = None


def floor_view(request):
    """Read the body, one indexed query, behind the full middleware stack and a logged-in session."""
    from django.contrib.auth.views import redirect_to_login
    from django.http import HttpResponse

    from accounts.models import Unit

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    size = len(request.read()) if request.method == "POST" else 0
    name = Unit.unscoped.filter(pk=request.user.unit_id).values_list("name", flat=True).first()
    weight = min(int(request.GET.get("bytes") or 0), 10_000_000)  # the page-weight floor: that many bytes
    filler = base64.b64encode(os.urandom(weight * 3 // 4 + 3))[:weight] if weight else b""  # incompressible
    return HttpResponse(f"{name} {size}".encode() + filler, content_type="text/plain; charset=utf-8")


def application(environ, start_response):
    global _app
    if _app is None:
        from minzheng.wsgi import application as django_app  # sets Django up first

        from django.urls import clear_url_caches, path  # isort: skip

        import minzheng.urls  # isort: skip

        minzheng.urls.urlpatterns.append(path("bench-field-floor/", floor_view, name="bench_field_floor"))
        clear_url_caches()
        _app = django_app
    return _app(environ, start_response)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def production_command(port: int, workers: int) -> list[str]:
    """The unit's ExecStart, filled in as scripts/install-production.sh fills it for this machine."""
    line = next(ln for ln in UNIT.read_text().splitlines() if ln.startswith("ExecStart="))
    words = shlex.split(line.removeprefix("ExecStart="))
    words = words[words.index(next(w for w in words if w.endswith("/gunicorn"))) :]  # past `env DATABASE_URL=…`
    values = {"@ROOT@": str(ROOT), "@APP_BIND@": f"127.0.0.1:{port}", "@WORKERS@": str(workers)}
    words = [re.sub("|".join(map(re.escape, values)), lambda m: values[m.group(0)], w) for w in words]
    words[0] = str(Path(sys.executable).parent / "gunicorn")
    words[words.index("minzheng.wsgi:application")] = "bench.field_sync:application"
    left = [w for w in words if "@" in w]
    if left:
        raise SystemExit(f"the unit has placeholders the bench does not fill: {left}")
    return words


def start_server(port: int, workers: int, log: Path) -> subprocess.Popen:
    command = production_command(port, workers)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "minzheng.settings",
        "MINZHENG_DEBUG": "0",
        "MINZHENG_HTTPS": "1",
        "MINZHENG_TRUSTED_PROXIES": "127.0.0.1",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "MINZHENG_LOG_LEVEL": "ERROR",
    }
    # the static files as the production install collects them (whitenoise serves var/staticfiles/)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    print(f"BENCH info server: {' '.join(command[1:])}", flush=True)
    out = log.open("ab")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out, start_new_session=True)  # noqa: S603
    deadline = time.time() + 90
    while time.time() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return process
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGTERM)
    raise SystemExit("gunicorn did not start")


# --- the county ----------------------------------------------------------------------------------------


def seed(workers: int) -> list[dict]:
    """Villages with one household each, grid workers with sessions."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from accounts.models import Role, Unit, User
    from accounts.sessions import SessionStore
    from accounts.tests.factories import ensure_area
    from areas.jurisdiction import system_scope
    from registry.tests.factories import HouseholdFactory

    settings.DEBUG = False
    with system_scope():
        ensure_area(COUNTY, "新邵县")
        bureau = Unit.objects.create(name="新邵县民政局", kind=Unit.Kind.BUREAU, area_code=COUNTY)
        ensure_area("430522100000", "酿溪镇")
        township = Unit.objects.create(
            name="酿溪镇民政办", kind=Unit.Kind.TOWNSHIP_OFFICE, area_code="430522100000", parent=bureau
        )
        villages = []
        for v in range(VILLAGES):
            code = f"430522100{201 + v:03d}"
            ensure_area(code, f"村{v}")
            unit = Unit.objects.create(
                name=f"村{v}村委会", kind=Unit.Kind.VILLAGE_COMMITTEE, area_code=code, parent=township
            )
            villages.append((unit, HouseholdFactory(area_code=code, number=f"{code}00001").pk))
        role = Role.objects.get(code="livelihood_worker")  # 民生员: reports events, visits; the fuller home page
        users = User.objects.bulk_create(
            User(
                username=f"bench_worker_{i}",
                full_name=f"网格员{i}",
                unit=villages[i % VILLAGES][0],
                area_code=villages[i % VILLAGES][0].area_code,
                password="!bench",  # noqa: S106 - sessions are made directly
                must_change_password=False,
            )
            for i in range(workers)
        )
        User.roles.through.objects.bulk_create(User.roles.through(user_id=u.pk, role_id=role.pk) for u in users)
        sessions = []
        for i, user in enumerate(users):
            store = SessionStore()
            store[SESSION_KEY] = str(user.pk)
            store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
            store[HASH_SESSION_KEY] = user.get_session_auth_hash()
            store.create()
            sessions.append(
                {"session": store.session_key, "csrf": secrets.token_hex(16), "household": villages[i % VILLAGES][1]}
            )
    return sessions


def outbox_of(session: dict, count: int) -> list[dict]:
    """What a worker's phone holds: seven in ten events, three visits, a 50 KB photo each."""
    out = []
    for n in range(count):
        client_id = str(uuid.uuid4())
        if n % 10 < 7:
            fields = {"category": "hardship", "description": f"第{n}件：房屋漏雨，老人行动不便", "urgency": "normal"}
            out.append({"kind": "event", "client_id": client_id, "fields": fields, "photos": [PHOTO]})
        else:
            fields = {"household": session["household"], "seen": "户主本人", "needs": "无"}
            out.append({"kind": "visit", "client_id": client_id, "fields": fields, "photos": [PHOTO]})
    return out


# --- the load ------------------------------------------------------------------------------------------


async def post(port: int, session: dict, path: str, body: bytes) -> tuple[int, bytes]:
    """One POST on its own connection, as nginx passes it on (X-Forwarded-Proto: https)."""
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-Proto: https\r\nOrigin: https://127.0.0.1\r\n"
        f"Cookie: sessionid={session['session']}; csrftoken={session['csrf']}\r\nX-CSRFToken: {session['csrf']}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    await loop.create_connection(lambda: _Exchange(head.encode() + body, done), "127.0.0.1", port)
    raw = await done
    header, _, payload = raw.partition(b"\r\n\r\n")
    return (int(header.split(b" ", 2)[1]) if header else 0), payload


async def send_all(port: int, requests: list[tuple[dict, str, bytes]], concurrency: int) -> tuple[float, dict, dict]:
    """Every request, `concurrency` in flight; the HTTP statuses, and the answers per item (batch)."""
    queue: asyncio.Queue = asyncio.Queue()
    for r in requests:
        queue.put_nowait(r)
    statuses: dict[int, int] = {}
    answers: dict[str, int] = {}

    async def worker():
        while not queue.empty():
            session, path, body = queue.get_nowait()
            status, payload = await post(port, session, path, body)
            statuses[status] = statuses.get(status, 0) + 1
            if status == 200 and payload[:1] == b"{":
                with contextlib.suppress(ValueError):
                    for answer in json.loads(payload).get("results") or []:
                        answers[answer["status"]] = answers.get(answer["status"], 0) + 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - started, statuses, answers


# --- pages on a slow link --------------------------------------------------------------------------------

PAGES = {"home": "/", "visit_form": "/grid/visits/new/"}
TARGET_FIRST, TARGET_CACHED, TARGET_KB, TARGET_PAGE_RATIO = 5.0, 1.0, 300, 2
SLOW_3G = {"offline": False, "latency": 400, "downloadThroughput": 400_000 / 8, "uploadThroughput": 400_000 / 8}


def warm_up(port: int, session: dict, paths: list[str], rounds: int = 12) -> None:
    """Every gunicorn worker loads the project, the pages' templates and their queries' caches before
    the clock starts (a cold worker under load takes seconds for its first page, as after a deploy)."""
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    def get(path: str) -> None:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{path}",
            headers={"Cookie": f"sessionid={session['session']}", "X-Forwarded-Proto": "https"},
        )
        with contextlib.suppress(OSError), urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
            response.read()

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(get, [path for _ in range(rounds) for path in paths]))


def pages_on_a_slow_link(port: int, session: dict) -> list[bool]:
    """Each page twice in a fresh phone browser: cold, then cached; wall time to the load event and
    bytes received (CDP's encodedDataLength: what crossed the link, compressed)."""
    from playwright.sync_api import sync_playwright

    met = []
    warm_up(port, session, ["/bench-field-floor/?bytes=1000", *PAGES.values()])
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=os.environ.get("MINZHENG_CHROMIUM", "/usr/bin/chromium"), args=["--no-sandbox"]
        )

        def load_twice(path: str):
            context = browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 740}, is_mobile=True)
            context.set_extra_http_headers({"X-Forwarded-Proto": "https"})  # as nginx passes it on
            context.add_cookies([{"name": "sessionid", "value": session["session"], "url": f"http://127.0.0.1:{port}"}])
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.emulateNetworkConditions", SLOW_3G)
            received = [0]
            cdp.on(
                "Network.loadingFinished",
                lambda event, box=received: box.__setitem__(0, box[0] + event["encodedDataLength"]),
            )
            times = []
            for _ in range(2):
                received[0] = 0
                started = time.perf_counter()
                response = page.goto(f"http://127.0.0.1:{port}{path}", wait_until="load")
                times.append((time.perf_counter() - started, received[0], response.status if response else 0))
            context.close()
            return times

        ratios = []
        for name, path in PAGES.items():
            (first, first_bytes, status), (cached, cached_bytes, _) = load_twice(path)
            print(
                f"BENCH info page {path}: status {status}, first load {first:.2f} s {first_bytes / 1024:.0f} KB, "
                f"cached {cached:.2f} s {cached_bytes / 1024:.0f} KB transferred",
                flush=True,
            )
            (floor, _floor_bytes, _), _ = load_twice(f"/bench-field-floor/?bytes={first_bytes}")
            print(
                f"BENCH info floor for {path}: {first_bytes / 1024:.0f} KB as one response, {floor:.2f} s", flush=True
            )
            ratios.append(first / floor)
            met.append(status == 200)
            met.append(line(f"field_page_{name}_first_load", first, "s", "<", TARGET_FIRST, 2))
            met.append(line(f"field_page_{name}_cached_load", cached, "s", "<", TARGET_CACHED, 2))
            met.append(line(f"field_page_{name}_first_kb", first_bytes / 1024, "KB", "<", TARGET_KB, 0))
        browser.close()
    met.append(line("field_page_ratio_to_floor", max(ratios), "x", "<=", TARGET_PAGE_RATIO, 2))
    return met


def line(name: str, value: float, unit: str, op: str, target: float, digits: int = 1) -> bool:
    ok = {"<": value < target, "<=": value <= target, "==": value == target, ">=": value >= target}[op]
    print(f"BENCH {name} {value:.{digits}f} {unit} target {op}{target:g} {'ok' if ok else 'MISS'}", flush=True)
    return ok


def uptime() -> str:
    try:
        env = {**os.environ, "TZ": "UTC"}  # Django set the process to Asia/Shanghai
        return subprocess.run(["uptime"], capture_output=True, text=True, check=False, env=env).stdout.strip()  # noqa: S607
    except OSError:
        return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def branch() -> str:
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        name = subprocess.run(
            ["git", "rev-parse", "--abbrev-ref", "HEAD"],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        return re.sub(r"[^a-z0-9_]", "_", name.lower())[:20] or "x"
    return "x"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="300 workers x 10 items (under a minute)")
    parser.add_argument("--workers-count", type=int, help="grid workers (default 2,760; quick 300)")
    parser.add_argument("--per-worker", type=int, default=10, help="items per worker (default 10)")
    parser.add_argument("--concurrency", type=int, default=32, help="requests in flight at once")
    parser.add_argument(
        "--gunicorn-workers",
        type=int,
        default=int(os.environ.get("WORKERS", 2 * (os.cpu_count() or 1) + 1)),
        help="as scripts/install-production.sh: 2 x cores + 1",
    )
    parser.add_argument("--one-by-one", action="store_true", help="each item alone to /grid/sync/ (the fallback)")
    parser.add_argument("--skip-pages", action="store_true", help="only the sync")
    parser.add_argument("--pages-only", action="store_true", help="only the pages on a slow link")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    workers = args.workers_count or (300 if args.quick else 2760)
    if args.pages_only:
        workers = 1
    per_worker = args.per_worker
    print(f"BENCH info {uptime()}", flush=True)
    template = ensure_template()
    database = f"minzheng_bench_field_{branch()}_{os.getpid()}"
    admin(f'CREATE DATABASE "{database}" TEMPLATE "{template}"')
    media = Path(tempfile.mkdtemp(prefix="minzheng_bench_field_media_"))
    os.environ.update(
        {
            "DATABASE_URL": f"{PG}/{database}",
            "DJANGO_SETTINGS_MODULE": "minzheng.settings",
            "MINZHENG_DEBUG": "0",
            "MINZHENG_HTTPS": "1",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "MINZHENG_MEDIA_ROOT": str(media),
        }
    )
    os.environ.setdefault("SECRET_KEY", secrets.token_hex(32))
    server = None
    try:
        import django

        django.setup()
        sessions = seed(workers)
        from django.db import connections

        connections.close_all()
        port = free_port()
        log = Path(tempfile.gettempdir()) / f"{database}.log"
        print(f"BENCH info server log: {log}", flush=True)
        server = start_server(port, args.gunicorn_workers, log)
        met = []
        if not args.pages_only:
            met += sync_figures(port, sessions, per_worker, args)
        if not args.skip_pages:
            met += pages_on_a_slow_link(port, sessions[0])
        print(f"BENCH info {uptime()}", flush=True)
        return 0 if all(met) else 1
    finally:
        if server is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                server.wait(30)
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        import shutil

        shutil.rmtree(media, ignore_errors=True)
        if args.keep:
            print(f"BENCH info kept database {database}")
        else:
            admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def stored_rows() -> tuple[int, int]:
    from areas.jurisdiction import system_scope
    from grid.models import EventPhoto, GridEvent, Visit

    with system_scope():
        return GridEvent.objects.count() + Visit.objects.count(), EventPhoto.objects.count()


def sync_figures(port: int, sessions: list[dict], per_worker: int, args) -> list[bool]:
    outboxes = [(s, outbox_of(s, per_worker)) for s in sessions]
    if args.one_by_one:
        requests = [(s, "/grid/sync/", json.dumps(item).encode()) for s, items in outboxes for item in items]
    else:
        requests = [(s, "/grid/sync/batch/", json.dumps({"items": items}).encode()) for s, items in outboxes]
    floor_requests = [(s, "/bench-field-floor/", body) for s, _path, body in requests]
    total = sum(len(items) for _s, items in outboxes)
    # each gunicorn worker loads the project and its templates before the clock starts
    warm = []
    for i in range(2 * args.gunicorn_workers):
        session = sessions[i % len(sessions)]
        warm += [
            (session, "/bench-field-floor/", b"{}"),
            (session, "/grid/sync/batch/", json.dumps({"items": outbox_of(session, 1)}).encode()),
        ]
    asyncio.run(send_all(port, warm, 4))
    base, base_photos = stored_rows()  # the warm-up's
    size = sum(len(body) for _s, _p, body in requests) / len(requests)
    print(
        f"BENCH info {len(sessions)} workers x {per_worker} items = {total}, photo 50 KB each, "
        f"{len(requests)} requests of {size / 1024:.0f} KB ({'one item each' if args.one_by_one else 'the outbox each'}), "
        f"{args.concurrency} in flight, gunicorn {args.gunicorn_workers} sync workers, {os.cpu_count()} cores",
        flush=True,
    )
    seconds, statuses, answers = asyncio.run(send_all(port, requests, args.concurrency))
    stored, photos = stored_rows()
    stored, photos = stored - base, photos - base_photos
    print(
        f"BENCH info first send: {seconds:.1f} s, {total / seconds:.0f} items/s, "
        f"{len(requests) / seconds:.0f} requests/s, statuses {statuses}, answers {answers}",
        flush=True,
    )
    again, statuses_again, answers_again = asyncio.run(send_all(port, requests, args.concurrency))
    print(f"BENCH info repeated send: {again:.1f} s, statuses {statuses_again}, answers {answers_again}", flush=True)
    floor, floor_statuses, _ = asyncio.run(send_all(port, floor_requests, args.concurrency))
    print(
        f"BENCH info floor: {floor:.1f} s for the same {len(floor_requests)} POSTs "
        f"({len(floor_requests) / floor:.0f} requests/s), statuses {floor_statuses}",
        flush=True,
    )
    after_repeat = stored_rows()[0] - base
    met = [line("field_sync_items_per_second", total / seconds, "items/s", ">=", TARGET_RATE, 0)]
    if total >= 27_600:
        met.append(line("field_sync_seconds", seconds, "s", "<", TARGET_SECONDS))
    met += [
        line("field_sync_stored_once", stored, "items", "==", total, 0),
        line("field_sync_photos_stored_once", photos, "photos", "==", total, 0),
        line("field_sync_repeat_stored", after_repeat - stored, "items", "==", 0, 0),
        line("field_sync_ratio_to_floor", seconds / max(floor, 1e-6), "x", "<=", TARGET_RATIO, 2),
    ]
    return met


if __name__ == "__main__":
    sys.exit(main())
