"""Bench: a month's indicators and ranking for every subject of a county, and the ranking pages.

    .venv/bin/python bench/supervision.py [--db postgres|sqlite|both] [--quick] [--cases N] [--months M]

Loads the demo county's units and accounts, accepts one real 困难残疾人生活补贴 case, then copies it
set-based (INSERT … SELECT over generate_series / a recursive counter) into N cases spread over M
months, each with the template's steps, handled by the township offices and their clerks, about one
step in six late. Then times `supervision.evaluation.compute_month` for the last month (every subject
type, every indicator: one GROUP BY each) and prints

    BENCH supervision_month_<db> <s> s target <10 ok|MISS
    BENCH supervision_ranking_page_p95_<db> <ms> ms target <300 ok|MISS   (the auditor's ranking sheet)
    BENCH supervision_drill_p95_<db> <ms> ms target <300 ok|MISS          (the records behind a figure)

through the test client (the full middleware stack, with the auditor's scope). On PostgreSQL also
`supervision_month_pg_ratio_to_floor`: the computation over the floor of its work, the bare GROUP BY
of the month's steps per unit (best of three), target < 10.

Full run: 1,000,000 cases (~3 M steps) over 60 months; `--quick`: 20,000 cases over 12 months.
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common

TARGET_SECONDS = 10
TARGET_PAGE_MS = 300
TARGET_RATIO = 10


def _template_case():
    from datetime import date

    from accounts.models import Unit, User
    from cases.services import accept_application
    from cases.tests.factories import give_documents, item
    from registry.models import Household

    worker = User.objects.filter(roles__code="livelihood_worker").select_related("unit").first()
    household = Household.objects.filter(area_code__startswith=worker.unit.area_code[:9]).first()
    give_documents(
        household, ["id_card", "household_booklet", "application_form", "disability_certificate", "bank_card"]
    )
    case = accept_application(
        user=worker, item=item("disability_living"), household=household, on_date=date(2025, 1, 6)
    ).case
    townships = list(Unit.objects.filter(kind=Unit.Kind.TOWNSHIP_OFFICE).order_by("pk").values_list("pk", flat=True))
    clerks = list(
        User.objects.filter(unit_id__in=townships, roles__code="clerk").order_by("pk").values_list("pk", flat=True)
    ) or [worker.pk]
    return case, townships, clerks


def _copy_cases(case, cases: int, months: int, townships: list[int], clerks: list[int]) -> int:
    """N copies of the case and its steps, accepted over `months` months ending in the last one."""
    from django.db import connection

    from cases.models import Case, CaseStep

    case_fields = [f for f in Case._meta.concrete_fields if not f.primary_key]
    step_fields = [f for f in CaseStep._meta.concrete_fields if not f.primary_key]
    days = months * 30
    pg = connection.vendor == "postgresql"
    series = (
        "generate_series(1, %s) AS g(n)"
        if pg
        else "(WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < %s) SELECT n FROM c) AS g"
    )
    add_days = (
        (lambda col, expr: f"({col} + ({expr}) * INTERVAL '1 day')::date")
        if pg
        else (lambda col, expr: f"date({col}, '+' || ({expr}) || ' days')")
    )
    case_select = []
    for f in case_fields:
        if f.column == "receipt_no":
            case_select.append("'B' || g.n")
        elif f.column == "accepted_on":
            case_select.append(add_days("t.accepted_on", f"g.n % {days}"))
        elif f.column == "current_step_id":
            case_select.append("NULL")
        else:
            case_select.append(f't."{f.column}"')
    columns = ", ".join(f'"{f.column}"' for f in case_fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO cases_case ({columns}) SELECT {', '.join(case_select)} FROM {series}, cases_case t "
            "WHERE t.id = %s",
            [cases, case.pk],
        )
        unit_of = " ".join(f"WHEN {i} THEN {pk}" for i, pk in enumerate(townships))
        clerk_of = " ".join(f"WHEN {i} THEN {pk}" for i, pk in enumerate(clerks))
        step_select = []
        for f in step_fields:
            if f.column == "case_id":
                step_select.append("c.id")
            elif f.column == "responsible_unit_id":
                step_select.append(f"CASE c.id % {len(townships)} {unit_of} END")
            elif f.column == "acted_by_id":
                step_select.append(f"CASE c.id % {len(clerks)} {clerk_of} END")
            elif f.column == "state":
                step_select.append("'done'")
            elif f.column == "due_on":
                step_select.append(add_days("c.accepted_on", 's."order" * 5'))
            elif f.column == "finished_on":
                step_select.append(add_days("c.accepted_on", 's."order" * 5 + (c.id % 6) - 4'))
            elif f.column == "area_code":
                step_select.append("c.area_code")
            else:
                step_select.append(f's."{f.column}"')
        columns = ", ".join(f'"{f.column}"' for f in step_fields)
        cursor.execute(
            f"INSERT INTO cases_casestep ({columns}) SELECT {', '.join(step_select)} "
            "FROM cases_case c, cases_casestep s WHERE c.receipt_no LIKE 'B%%' AND s.case_id = %s",
            [case.pk],
        )
        cursor.execute("SELECT COUNT(*) FROM cases_casestep")
        return cursor.fetchone()[0]


def run_one(db: str, cases: int, months: int, keep: bool) -> dict:
    common.use_database(db, "supervision", keep)
    common.setup_django()
    common.migrate_and_load_county("430522")

    from datetime import date, timedelta

    from django.db import connection
    from django.test import Client

    from accounts.demo import load_demo
    from accounts.models import User
    from areas.jurisdiction import scope_for_user, system_scope, within
    from cases.tests.factories import restore_reference_data
    from registry.demo import seed_demo
    from supervision import evaluation
    from supervision.models import SubjectResult

    load_demo("430522")
    with system_scope():
        restore_reference_data()
        seed_demo("430522", 200, seed=3)
        case, townships, clerks = _template_case()
        started = time.perf_counter()
        steps = _copy_cases(case, cases, months, townships, clerks)
        print(f"seeded {cases} cases, {steps} steps in {time.perf_counter() - started:.1f} s", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    last_month = (date(2025, 1, 6) + timedelta(days=months * 30 - 15)).replace(day=1)
    auditor = User.objects.get(username="auditor")
    with within(scope_for_user(auditor)):
        month = evaluation.evaluation_for(auditor.area_code, last_month)

        def compute():
            evaluation.compute_month(month)

        seconds = common.best_of(compute, repeat=3)
        results = SubjectResult.objects.filter(evaluation=month).count()
    common.bench_line(f"supervision_month_{db}", seconds, "s", TARGET_SECONDS)
    print(f"  {results} subjects ranked for {last_month:%Y-%m}", flush=True)
    floor = None
    if connection.vendor == "postgresql":
        first = last_month
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)

        def bare():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT responsible_unit_id, COUNT(*), COUNT(*) FILTER (WHERE finished_on <= due_on) "
                    "FROM cases_casestep WHERE state = 'done' AND finished_on BETWEEN %s AND %s GROUP BY 1",
                    [first, last],
                )
                cursor.fetchall()

        floor = common.best_of(bare, repeat=3)
        common.ratio_line("supervision_month_pg", seconds, floor, TARGET_RATIO)
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(auditor)

    def get(url: str) -> None:
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")

    page_ms = common.sample_ms(lambda: get(f"/supervision/evaluations/{month.pk}/"), repeat=20)
    with within(scope_for_user(auditor)):
        result = SubjectResult.objects.filter(evaluation=month, subject_type="township_office").first()
        line = result.lines.first()
    drill_ms = common.sample_ms(lambda: get(f"/supervision/results/{result.pk}/drill/{line.indicator_id}/"), repeat=20)
    common.bench_line(f"supervision_ranking_page_p95_{db}", common.p95(page_ms), "ms", TARGET_PAGE_MS)
    common.bench_line(f"supervision_drill_p95_{db}", common.p95(drill_ms), "ms", TARGET_PAGE_MS)
    return {"seconds": seconds, "floor": floor, "page": common.p95(page_ms), "drill": common.p95(drill_ms)}


def main() -> None:
    p = common.parser(__doc__.splitlines()[0])
    p.add_argument("--cases", type=int)
    p.add_argument("--months", type=int)
    args = p.parse_args()
    cases = args.cases or (20_000 if args.quick else 1_000_000)
    months = args.months or (12 if args.quick else 60)
    print(common.load_average(), flush=True)
    failed = False
    for db in common.databases(args.db):
        import subprocess

        code = subprocess.call(  # noqa: S603 - our own script
            [sys.executable, __file__, "--db", db, "--cases", str(cases), "--months", str(months), "--child"]
            + (["--keep"] if args.keep else [])
        )
        failed |= code != 0
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    if "--child" in sys.argv:
        sys.argv.remove("--child")
        p = common.parser("child")
        p.add_argument("--cases", type=int)
        p.add_argument("--months", type=int)
        a = p.parse_args()
        out = run_one(a.db, a.cases, a.months, a.keep)
        missed = out["seconds"] >= TARGET_SECONDS or out["page"] >= TARGET_PAGE_MS or out["drill"] >= TARGET_PAGE_MS
        sys.exit(1 if missed else 0)
    main()
