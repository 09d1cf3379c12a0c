"""Bench: the pages a county leader opens answer p95 < 300 ms at county size, and none carries a
list of all areas.

    .venv/bin/python bench/leader_pages.py [--db sqlite|postgres|both] [--quick] [--households N] [--cases N]

A county of 100,000 households (seed_demo, ~320,000 persons), the demo units and accounts, the
demo recipients (~4 % of households in 低保, plus 特困 and the care subsidy), and N cases (default
300,000; bulk-inserted, spread over five years, statuses and due dates drawn at random). The
cockpit's figures are rebuilt once (timed: `leader_cockpit_refresh`). Then the leader (孙局长's
demo account, county scope) opens each page through Django's full request stack (middleware,
session, jurisdiction, templates; the test client, no network) 20 times; p95 per page, the page's
size and the number of <option> elements in it are printed.

Floor: the same client asking for the area search-as-you-type suggestions (one indexed query and
a ten-line template behind the same middleware); `leader_pages_ratio_to_floor` is the slowest
page's p95 over the floor's.
"""

import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common

TARGET_MS = 300
REPEAT = 20


def seed_cases(count: int, rng: random.Random) -> int:
    """`count` cases of the demo households, bulk-inserted (no steps): enough rows for the cockpit's
    grouped refresh and for the record lists behind its figures."""
    from accounts.models import Unit, User
    from cases.models import Case, ServiceItemVersion
    from registry.models import Household

    version = ServiceItemVersion.objects.select_related("item").filter(item__code="disability_living").first()
    households = list(Household.objects.values_list("id", "head_id", "area_code")[:50_000])
    offices = {u.area_code[:9]: u for u in Unit.objects.filter(kind=Unit.Kind.TOWNSHIP_OFFICE)}
    clerk = User.objects.filter(username="clerk").first()
    today = date.today()  # noqa: DTZ011 - the bench machine's day is the day the pages show
    statuses = [
        (Case.Status.APPROVED, 70),
        (Case.Status.REJECTED, 8),
        (Case.Status.IN_PROGRESS, 17),
        (Case.Status.MATERIALS, 3),
        (Case.Status.CORRECTION, 2),
    ]
    population = [s for s, weight in statuses for _ in range(weight)]
    batch, made = [], 0
    for n in range(count):
        household_id, head_id, area_code = households[n % len(households)]
        office = offices.get(area_code[:9]) or next(iter(offices.values()))
        accepted = today - timedelta(days=rng.randrange(5 * 365))
        status = rng.choice(population)
        due = accepted + timedelta(days=42)
        closed = None
        if status in Case.FINISHED:
            closed = accepted + timedelta(days=rng.randrange(20, 50))
        elif status == Case.Status.IN_PROGRESS:
            accepted = today - timedelta(days=rng.randrange(60))
            due = accepted + timedelta(days=42)
        batch.append(
            Case(
                receipt_no=f"B{n:017d}",
                item_id=version.item_id,
                version=version,
                household_id=household_id,
                applicant_id=head_id,
                accepting_unit=office,
                accepted_by=clerk,
                accepted_on=accepted,
                status=status,
                clock_started_on=accepted,
                due_on=due,
                closed_on=closed,
                area_code=area_code,
            )
        )
        if len(batch) == 5000:
            Case.objects.bulk_create(batch)
            made += len(batch)
            batch = []
    Case.objects.bulk_create(batch)
    return made + len(batch)


def run(db: str, households: int, cases: int, keep: bool) -> bool:
    common.use_database(db, "leader", keep)
    common.setup_django()
    common.migrate_and_load_county("430522")

    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from accounts.demo import load_demo
    from accounts.models import User
    from areas.jurisdiction import system_scope
    from areas.models import Area
    from cockpit.figures import refresh_figures
    from ledger.demo import enrol_demo_recipients
    from registry.demo import seed_demo

    started = time.perf_counter()
    with system_scope():
        seed_demo("430522", households, seed=1)
        load_demo("430522")
        call_command("load_demo_policy", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
        enrol_demo_recipients("430522", seed=1)
        made = seed_cases(cases, random.Random(1))
    print(
        f"# {db}: {households:,} households, {made:,} cases seeded in {time.perf_counter() - started:.0f} s", flush=True
    )

    with common.timed() as box:
        refreshed = refresh_figures(timezone.localdate())
    print(f"# cockpit figures: {refreshed.rows:,} rows", flush=True)
    ok = True
    line = common.bench_line(f"leader_cockpit_refresh_{db}", box[0], "s", 10)
    ok &= line.endswith("ok")

    leader = User.objects.get(username="leader")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(leader)
    township = Area.objects.filter(code__startswith="430522", level="township").order_by("code").first()
    village = Area.objects.filter(code__startswith=township.code[:9], level="village").order_by("code").first()
    pages = {
        "home_cockpit": "/",
        "cockpit_township": f"/cockpit/?area={township.code}",
        "cockpit_village": f"/cockpit/?area={village.code}",
        "records_overdue_township": f"/cockpit/records/case_light/red/?area={township.code}",
        "records_closed_county": "/cockpit/records/case_status/approved/?area=430522000000",
        "household_list": "/registry/households/",
        "person_list": "/registry/persons/",
        "document_list": "/registry/documents/",
        "three_checks": "/payments/three-checks/",
    }
    floor_url = "/areas/search/?area=" + township.name[:2]

    def get(url):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    floor = common.p95(common.sample_ms(lambda: get(floor_url), REPEAT))
    slowest = 0.0
    for name, url in pages.items():
        body = get(url).content
        p95 = common.p95(common.sample_ms(lambda url=url: get(url), REPEAT))
        slowest = max(slowest, p95)
        options = body.count(b"<option")
        print(f"# {name}: {len(body) / 1024:.0f} KB, {options} <option> elements", flush=True)
        ok &= common.bench_line(f"leader_{name}_p95_{db}", p95, "ms", TARGET_MS).endswith("ok")
        if options > 100:
            print(f"BENCH leader_{name}_options_{db} {options} options target <100 MISS", flush=True)
            ok = False
    ok &= common.ratio_line(f"leader_pages_{db}", slowest, floor, 60).endswith("ok")
    return ok


def main() -> None:
    p = common.parser(__doc__)
    p.add_argument("--households", type=int, default=None)
    p.add_argument("--cases", type=int, default=None)
    p.add_argument("--one", help="(internal) run one database in this process")
    args = p.parse_args()
    households = args.households or (5_000 if args.quick else 100_000)
    cases = args.cases if args.cases is not None else (10_000 if args.quick else 300_000)
    print(f"# leader pages bench: {households:,} households, {cases:,} cases, {common.load_average()}", flush=True)
    if args.one:
        raise SystemExit(0 if run(args.one, households, cases, args.keep) else 1)
    import subprocess

    failed = False
    for db in common.databases(args.db):
        cmd = [sys.executable, __file__, "--one", db, "--households", str(households), "--cases", str(cases)]
        cmd += ["--keep"] if args.keep else []
        failed |= subprocess.run(cmd, check=False).returncode != 0  # noqa: S603 - ourselves
    raise SystemExit(1 if failed else 0)


if __name__ == "__main__":
    main()
