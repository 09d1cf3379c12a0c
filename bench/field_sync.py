"""Bench: a county's grid workers sending what they saved offline, all within the same minutes.

    .venv/bin/python bench/field_sync.py [--quick] [--workers-count N] [--per-worker N] [--concurrency N] [--keep]

Issue 20: 2,760 workers (one county's grids) each send 10 events and visits with a 50 KB photo; all
27,600 must be stored exactly once in under 60 s on loopback with the production server settings
(gunicorn sync workers, MINZHENG_DEBUG=0, PostgreSQL), and sending everything again stores nothing.

A PostgreSQL database is cloned from the cases bench's migrated template and dropped afterwards.
Each worker has its own logged-in session (rows made directly, as a login would) and posts its items
to /grid/sync/ as the phone's outbox does (JSON, a client-made id, the photo as a data URL). Seven in
ten items are events, three are visits to a household of the worker's village.

The floor: the same number of POSTs of the same size to a minimal logged-in view doing one indexed
query (bench.cases' floor), through the same gunicorn — what receiving the bytes, the session and the
middleware cost here before any grid code runs.

    BENCH field_sync_items_per_second <n> items/s target >=460 ok|MISS   (27,600 in 60 s)
    BENCH field_sync_seconds <s> s target <60 ok|MISS                   (full run only)
    BENCH field_sync_stored_once <n> items target ==N ok|MISS
    BENCH field_sync_repeat_stored <n> items target ==0 ok|MISS
    BENCH field_sync_ratio_to_floor <x> x target <=4 ok|MISS

Then page weight on a slow phone link: Chromium (Playwright) with the network emulated at about
400 kbit/s and 400 ms round trip, logged in as one of the workers, opens the worker's home and the
visit form: first load with an empty cache (< 5 s) and again with the cache (< 1 s), printing the
bytes transferred.

    BENCH field_page_<home|visit_form>_first_load <s> s target <5 ok|MISS
    BENCH field_page_<home|visit_form>_cached_load <s> s target <1 ok|MISS
"""

import argparse
import asyncio
import base64
import contextlib
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.cases import PG, Client, _install_floor_url, admin, ensure_template, free_port, start_gunicorn  # noqa: E402

COUNTY = "430522000000"
VILLAGES = 20
TARGET_SECONDS, TARGET_RATIO = 60, 4
TARGET_RATE = 27_600 / TARGET_SECONDS  # the county: 2,760 workers x 10 items within a minute
PHOTO = "data:image/jpeg;base64," + base64.b64encode(os.urandom(50_000)).decode()


def seed(workers: int) -> list[dict]:
    """Villages with one household each, grid workers with sessions."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from accounts.models import Role, Unit, User
    from accounts.sessions import SessionStore
    from accounts.tests.factories import ensure_area
    from areas.jurisdiction import system_scope
    from registry.tests.factories import HouseholdFactory

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
        role = Role.objects.get(code="livelihood_worker")  # reports events and visits
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
                {"session": store.session_key, "csrf": secrets.token_hex(16), "households": [villages[i % VILLAGES][1]]}
            )
    return sessions


def items_of(session: dict, count: int) -> list[dict]:
    out = []
    for n in range(count):
        client_id = str(uuid.uuid4())
        if n % 10 < 7:
            fields = {"category": "hardship", "description": f"第{n}件：房屋漏雨，老人行动不便", "urgency": "normal"}
            out.append({"kind": "event", "client_id": client_id, "fields": fields, "photos": [PHOTO]})
        else:
            fields = {"household": session["households"][0], "seen": "户主本人", "needs": "无"}
            out.append({"kind": "visit", "client_id": client_id, "fields": fields, "photos": [PHOTO]})
    return out


async def send_all(port: int, work: list[tuple[dict, dict]], concurrency: int, path: str) -> tuple[float, dict]:
    queue: asyncio.Queue = asyncio.Queue()
    for pair in work:
        queue.put_nowait(pair)
    statuses: dict[int, int] = {}

    async def worker():
        while not queue.empty():
            session, item = queue.get_nowait()
            status, _ = await Client(port, session).request("POST", path, item)
            statuses[status] = statuses.get(status, 0) + 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - started, statuses


PAGES = {"home": "/", "visit_form": "/grid/visits/new/"}
TARGET_FIRST, TARGET_CACHED = 5.0, 1.0
SLOW_3G = {"offline": False, "latency": 400, "downloadThroughput": 400_000 / 8, "uploadThroughput": 400_000 / 8}


def pages_on_a_slow_link(port: int, session: dict) -> list[bool]:
    """Each page twice in one browser: cold, then cached; wall time to the load event and bytes."""
    from playwright.sync_api import sync_playwright

    met = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=os.environ.get("MINZHENG_CHROMIUM", "/usr/bin/chromium"), args=["--no-sandbox"]
        )
        for name, path in PAGES.items():
            context = browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 740}, is_mobile=True)
            context.add_cookies(
                [
                    {"name": "sessionid", "value": session["session"], "url": f"http://127.0.0.1:{port}"},
                    {"name": "csrftoken", "value": session["csrf"], "url": f"http://127.0.0.1:{port}"},
                ]
            )
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
            (first, first_bytes, status), (cached, cached_bytes, _) = times
            print(
                f"BENCH info page {path}: status {status}, first {first_bytes / 1024:.0f} KB, cached {cached_bytes / 1024:.0f} KB transferred",
                flush=True,
            )
            met.append(line(f"field_page_{name}_first_load", first, "s", "<", TARGET_FIRST, 2))
            met.append(line(f"field_page_{name}_cached_load", cached, "s", "<", TARGET_CACHED, 2))
            context.close()
        browser.close()
    return met


async def warm_up(port: int, pairs: list) -> None:
    for session, _ in pairs:
        await Client(port, session).request("GET", "/grid/report/")
        await Client(port, session).request("POST", "/bench-floor/", {"warm": True})


def line(name: str, value: float, unit: str, op: str, target: float, digits: int = 1) -> bool:
    ok = {"<": value < target, "<=": value <= target, "==": value == target, ">=": value >= target}[op]
    print(f"BENCH {name} {value:.{digits}f} {unit} target {op}{target:g} {'ok' if ok else 'MISS'}", flush=True)
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="100 workers x 3 items (about a minute)")
    parser.add_argument("--workers-count", type=int, help="grid workers (default 2,760; quick 100)")
    parser.add_argument("--per-worker", type=int, help="items per worker (default 10; quick 3)")
    parser.add_argument("--concurrency", type=int, default=32, help="requests in flight at once")
    parser.add_argument("--gunicorn-workers", type=int, default=int(os.environ.get("BENCH_WORKERS", "2")))
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    workers = args.workers_count or (100 if args.quick else 2760)
    per_worker = args.per_worker or (3 if args.quick else 10)
    template = ensure_template()
    database = f"minzheng_bench_field_{os.getpid()}"
    admin(f'CREATE DATABASE "{database}" TEMPLATE "{template}"')
    media = Path(tempfile.mkdtemp(prefix="minzheng_bench_field_media_"))
    os.environ.update(
        {
            "DATABASE_URL": f"{PG}/{database}",
            "DJANGO_SETTINGS_MODULE": "minzheng.settings",
            "MINZHENG_DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "MINZHENG_MEDIA_ROOT": str(media),
        }
    )
    os.environ.setdefault("SECRET_KEY", secrets.token_hex(32))
    gunicorn = None
    try:
        import django

        django.setup()
        sessions = seed(workers)
        _install_floor_url()
        work = [(s, item) for s in sessions for item in items_of(s, per_worker)]
        from django.db import connections

        connections.close_all()
        port = free_port()
        gunicorn = start_gunicorn(port, args.gunicorn_workers, "sync", 1)
        total = len(work)
        # each gunicorn worker loads the project and its templates before the clock starts
        warm = [(sessions[i % len(sessions)], None) for i in range(4 * args.gunicorn_workers)]
        asyncio.run(warm_up(port, warm))
        print(
            f"BENCH info {workers} workers x {per_worker} items = {total}, photo 50 KB each, "
            f"{args.concurrency} in flight, gunicorn {args.gunicorn_workers} sync workers, {os.cpu_count()} cores",
            flush=True,
        )
        seconds, statuses = asyncio.run(send_all(port, work, args.concurrency, "/grid/sync/"))
        print(f"BENCH info first send: {seconds:.1f} s, {total / seconds:.0f} items/s, statuses {statuses}", flush=True)
        again, statuses_again = asyncio.run(send_all(port, work, args.concurrency, "/grid/sync/"))
        print(f"BENCH info repeated send: {again:.1f} s, statuses {statuses_again}", flush=True)
        floor, floor_statuses = asyncio.run(send_all(port, work, args.concurrency, "/bench-floor/"))
        print(f"BENCH info floor: {floor:.1f} s for the same POSTs, statuses {floor_statuses}", flush=True)
        from areas.jurisdiction import system_scope
        from grid.models import EventPhoto, GridEvent, Visit

        with system_scope():
            stored = GridEvent.objects.count() + Visit.objects.count()
            photos = EventPhoto.objects.count()
        met = [line("field_sync_items_per_second", total / seconds, "items/s", ">=", TARGET_RATE, 0)]
        if total >= 27_600:
            met.append(line("field_sync_seconds", seconds, "s", "<", TARGET_SECONDS))
        met += [
            line("field_sync_stored_once", stored, "items", "==", total, 0),
            line("field_sync_photos_stored_once", photos, "photos", "==", total, 0),
            line("field_sync_repeat_stored", stored - total, "items", "==", 0, 0),
            line("field_sync_ratio_to_floor", seconds / max(floor, 1e-6), "x", "<=", TARGET_RATIO, 2),
        ]
        met += pages_on_a_slow_link(port, sessions[0])
        return 0 if all(met) else 1
    finally:
        if gunicorn is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(gunicorn.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                gunicorn.wait(10)
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        import shutil

        shutil.rmtree(media, ignore_errors=True)
        if args.keep:
            print(f"BENCH info kept database {database}")
        else:
            admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


if __name__ == "__main__":
    sys.exit(main())
