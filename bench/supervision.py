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
    BENCH supervision_ranking_600_p95_<db> <ms> ms target <300 ok|MISS    (a sheet of 600 subjects, page 1)

through the test client (the full middleware stack, with the auditor's scope). On PostgreSQL also
`supervision_month_pg_ratio_to_floor`: the computation over the floor of its work (best of three
each), target < 10. The floor is the bare SQL of the same work: every computed figure of the month
by one GROUP BY per kind of record — the four step figures in one GROUPING SETS pass over the month's
day figures (`supervision_stepday`, what the computation reads), then supervisions, transfers,
returns for correction, findings, rectifications, warnings, objections, review cases and the month's
roll lines — and the snapshot rewritten (the month's lines and results deleted, as many inserted in
one multi-row INSERT each), rolled back. Before timing, the bench checks that the floor's GROUP BYs
answer every figure as the computation does. (Until 2026-12-08 the floor was one GROUP BY of the
month's steps straight from `cases_casestep`: a few milliseconds through the finished_on index, while
the computation no longer reads the steps at all; it gave 42–189 ×.)

The step indicators read the day figures (`supervision.aggregates`): the bench builds them in full,
times the nightly refresh, then times `compute_month(refresh=False)` (as of that refresh) and prints
once the page's 重新计算 (the month's days rebuilt first). The cockpit's pages print their p95 each.

Full run: 1,700,000 cases (5.1 M steps) over 60 months; `--quick`: 20,000 cases over 12 months.

`--province` (PostgreSQL): 2,000 township offices and the step day figures that 20 M cases over five
years give them, seeded straight into `supervision_stepday` for `--province-months` months around the
measured one (3 by default), then the province's month — every township office ranked:

    BENCH supervision_province_month_pg <s> s target <120 ok|MISS
"""

import subprocess
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
    return case, townships, clerks, worker


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
            case_select.append(add_days("t.accepted_on", f"g.n %% {days}"))
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
                step_select.append(f"CASE c.id %% {len(townships)} {unit_of} END")
            elif f.column == "acted_by_id":
                step_select.append(f"CASE c.id %% {len(clerks)} {clerk_of} END")
            elif f.column == "state":
                step_select.append("'done'")
            elif f.column == "due_on":
                step_select.append(add_days("c.accepted_on", 's."order" * 5'))
            elif f.column == "finished_on":
                step_select.append(add_days("c.accepted_on", 's."order" * 5 + (c.id %% 6) - 4'))
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


def _insert_select(model, given: dict[str, str], source: str, params: list) -> int:
    """INSERT INTO model's table the columns `given` (SQL expressions over `source`); every other
    column gets its field's default (NULL where it may be null)."""
    from django.db import connection

    columns, exprs, values = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key and field.column not in given:
            continue
        columns.append(f'"{field.column}"')
        if field.column in given:
            exprs.append(given[field.column])
        elif field.null:
            exprs.append("NULL")
        else:
            exprs.append("%s")
            values.append(field.get_db_prep_save(field.get_default(), connection))
    sql = f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) SELECT {', '.join(exprs)} FROM {source}"
    with connection.cursor() as cursor:
        cursor.execute(sql, values + params)
        return cursor.rowcount


def _series(alias: str = "g") -> str:
    """1..%s as `alias`.n"""
    from django.db import connection

    if connection.vendor == "postgresql":
        return f"generate_series(1, %s) AS {alias}(n)"
    return f"(WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < %s) SELECT n FROM c) AS {alias}"


def _add_days(column: str, expr: str) -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        return f"({column} + ({expr}) * INTERVAL '1 day')::date"
    return f"date({column}, '+' || ({expr}) || ' days')"


def _seed_the_rest(worker, last, roll_months: int, lines_per_month: int, townships: list[int]) -> dict:
    """What the three newer indicators read, set-based: a review case for every fifth bench case
    (due 20 days after acceptance, one in four answered late), 公示异议 (one per 50 cases, one in
    five upheld, answered over the months), and `roll_months` months of rolls, one per township and
    month, `lines_per_month` lines in all, one in a hundred returned failed by the bank."""
    from datetime import date

    from django.db import connection

    from accounts.models import Unit
    from assistance.casework import Objection, ReviewCase
    from core.months import add_months
    from ledger.models import Enrolment
    from payments.models import PaymentRoll, RollLine
    from portal.tests.factories import running_notice
    from registry.models import Household

    household = Household.objects.filter(area_code__startswith=worker.unit.area_code[:9]).last()
    notice = running_notice(household, worker, date(2025, 1, 6))
    enrolment = Enrolment.objects.first()
    if enrolment is None:
        enrolment = Enrolment.objects.create(
            programme="dibao",
            household=notice.application.household,
            monthly_amount=500,
            start_month=date(2025, 1, 1),
            last_reviewed_on=date(2025, 1, 1),
            area_code=notice.area_code,
        )
    counts = {}
    counts["review_cases"] = _insert_select(
        ReviewCase,
        {
            "area_code": "c.area_code",
            "enrolment_id": str(int(enrolment.pk)),
            "case_id": "c.id",
            "opened_on": "c.accepted_on",
            "due_on": _add_days("c.accepted_on", "20"),
            "reason": "'定期复核'",
            "outcome": "'kept'",
            "outcome_on": _add_days("c.accepted_on", "CASE WHEN c.id %% 4 = 0 THEN 25 ELSE 15 END"),
        },
        "cases_case c WHERE c.receipt_no LIKE 'B%%' AND c.id %% 5 = 0",
        [],
    )
    counts["objections"] = _insert_select(
        Objection,
        {
            "area_code": "c.area_code",
            "notice_id": str(int(notice.pk)),
            "lodged_on": "c.accepted_on",
            "content": "'异议'",
            "status": "'resolved'",
            "resolution": "'re_investigated'",
            "outcome": "CASE WHEN c.id %% 5 = 0 THEN 'upheld' ELSE 'rejected' END",
            "resolved_on": _add_days("c.accepted_on", "10"),
        },
        "cases_case c WHERE c.receipt_no LIKE 'B%%' AND c.id %% 50 = 0",
        [],
    )
    offices = list(Unit.objects.filter(pk__in=townships).order_by("pk").values_list("area_code", flat=True))
    first = add_months(last, -(roll_months - 1))
    month_expr = (
        f"('{first.isoformat()}'::date + (m.n - 1) * INTERVAL '1 month')::date"
        if connection.vendor == "postgresql"
        else f"date('{first.isoformat()}', '+' || (m.n - 1) || ' months')"
    )
    office_values = ", ".join(f"({i}, '{code}')" for i, code in enumerate(offices))
    counts["rolls"] = _insert_select(
        PaymentRoll,
        {
            "area_code": "o.code",
            "programme": "'dibao'",
            "month": month_expr,
            "area_prefix": "substr(o.code, 1, 9)",
            "number": "'BR-' || o.i || '-' || m.n",
            "status": "'approved'",
        },
        f"{_series('m')}, (VALUES {office_values}) AS o(i, code)",
        [roll_months],
    )
    per_roll = max(1, lines_per_month // max(1, len(offices)))
    counts["roll_lines"] = _insert_select(
        RollLine,
        {
            "area_code": "substr(r.area_code, 1, 9) || '201'",
            "roll_id": "r.id",
            "seq": "g.n",
            "kind": "'regular'",
            "pay_month": "r.month",
            "household_number": "'H' || g.n",
            "head_name": "'户主'",
            "head_id_number": "'430522199001011234'",
            "covered_members": "1",
            "payee_name": "'户主'",
            "payee_id_number": "'430522199001011234'",
            "amount_fen": "50000",
            "in_bank_file": "TRUE" if connection.vendor == "postgresql" else "1",
            "status": "CASE WHEN (r.id + g.n) %% 100 = 0 THEN 'failed' ELSE 'paid' END",
            "failure_reason": "CASE WHEN (r.id + g.n) %% 100 = 0 THEN '账号不存在' ELSE '' END",
        },
        f"payments_paymentroll r, {_series()} WHERE r.number LIKE 'BR-%%'",
        [per_roll],
    )
    return counts


def run_one(db: str, cases: int, months: int, keep: bool, roll_months: int = 36, lines_per_month: int = 15_000) -> dict:
    common.use_database(db, "supervision", keep)
    common.setup_django()
    common.migrate_and_load_county("430522")

    from datetime import date, timedelta

    from django.db import connection
    from django.test import Client
    from django.utils import timezone

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
        case, townships, clerks, worker = _template_case()
        started = time.perf_counter()
        steps = _copy_cases(case, cases, months, townships, clerks)
        print(f"seeded {cases} cases, {steps} steps in {time.perf_counter() - started:.1f} s", flush=True)
        last_month = (date(2025, 1, 6) + timedelta(days=months * 30 - 15)).replace(day=1)
        started = time.perf_counter()
        rest = _seed_the_rest(worker, last_month, roll_months, lines_per_month, townships)
        print(f"seeded {rest} in {time.perf_counter() - started:.1f} s", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    # the step figures pre-aggregated per day (supervision.aggregates): built once in full, then the
    # scheduler's nightly run (the last 62 days) and the evaluator's "重新计算" (the month's days)
    from supervision import aggregates

    started = time.perf_counter()
    built = aggregates.refresh_step_days()
    print(f"  step day figures built in full: {built.rows} rows in {time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    aggregates.refresh_step_days(last_month - timedelta(days=aggregates.WINDOW_DAYS))
    print(f"  nightly refresh (last {aggregates.WINDOW_DAYS} days): {time.perf_counter() - started:.2f} s", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE supervision_stepday")
    auditor = User.objects.get(username="auditor")
    with within(scope_for_user(auditor)):
        month = evaluation.evaluation_for(auditor.area_code, last_month)

        def compute():
            evaluation.compute_month(month, refresh=False)

        seconds = common.best_of(compute, repeat=3)
        started = time.perf_counter()
        evaluation.compute_month(month, refresh=True)
        print(
            f"  the month with its days refreshed first (the page's 重新计算): {time.perf_counter() - started:.2f} s",
            flush=True,
        )
        results = SubjectResult.objects.filter(evaluation=month).count()
    common.bench_line(f"supervision_month_{db}", seconds, "s", TARGET_SECONDS)
    print(f"  {results} subjects ranked for {last_month:%Y-%m}", flush=True)
    floor = None
    if connection.vendor == "postgresql":
        with within(scope_for_user(auditor)):
            _check_floor_answers(last_month, auditor.area_code[:6])
            floor = common.best_of(lambda: _month_floor(month.pk, last_month, auditor.area_code[:6]), repeat=3)
        print(f"  floor (the month's GROUP BYs and its snapshot's rows, bare SQL): {floor * 1000:.1f} ms", flush=True)
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
    # a sheet of hundreds of subjects (a county's 民生员): the screen's first page and the whole print
    with within(scope_for_user(auditor)):
        many = _many_subjects(auditor.area_code, last_month, MANY_SUBJECTS)
    many_url = f"/supervision/evaluations/{many.pk}/?type=township_office"
    many_ms = common.sample_ms(lambda: get(many_url), repeat=20)
    print_ms = common.sample_ms(lambda: get(f"{many_url}&print=1"), repeat=10)
    common.bench_line(f"supervision_ranking_{MANY_SUBJECTS}_p95_{db}", common.p95(many_ms), "ms", TARGET_PAGE_MS)
    print(f"  the printed sheet of all {MANY_SUBJECTS} subjects: p95 {common.p95(print_ms):.0f} ms", flush=True)
    with within(scope_for_user(auditor)):
        roll_line = (
            SubjectResult.objects.get(pk=result.pk).lines.filter(indicator__computation="roll_error_rate").first()
        )
    roll_ms = []
    if roll_line is not None:  # the records behind the roll-error figure: 36 months of lines to sort
        roll_ms = common.sample_ms(
            lambda: get(f"/supervision/results/{result.pk}/drill/{roll_line.indicator_id}/"), repeat=20
        )
        common.bench_line(f"supervision_drill_roll_errors_p95_{db}", common.p95(roll_ms), "ms", TARGET_PAGE_MS)

    # the leader's cockpit on the pre-aggregated figures (refreshed by the scheduler), leader's scope
    from cockpit.figures import refresh_figures

    leader = User.objects.get(username="leader")
    with system_scope():
        started = time.perf_counter()
        refresh_figures(timezone.localdate())
        print(f"  cockpit figures refreshed in {time.perf_counter() - started:.1f} s", flush=True)
    client.force_login(leader)
    township = f"{leader.area_code[:6]}100000"
    cockpit_urls = [
        "/cockpit/",
        f"/cockpit/?area={township}",
        f"/cockpit/?area={leader.area_code}&map=on_time_rate",
        f"/cockpit/records/case_light/red/?area={leader.area_code}",
        f"/cockpit/records/supervision/overdue_steps/?area={township}",
    ]
    cockpit_ms = []
    for url in cockpit_urls:
        one = common.sample_ms(lambda url=url: get(url), repeat=10)
        print(f"  p95 {common.p95(one):7.0f} ms  {url}", flush=True)
        cockpit_ms += one
    common.bench_line(f"cockpit_pages_p95_{db}", common.p95(cockpit_ms), "ms", TARGET_PAGE_MS)
    pages = [common.p95(page_ms), common.p95(drill_ms), common.p95(cockpit_ms)] + (
        [common.p95(roll_ms)] if roll_ms else []
    )
    return {"seconds": seconds, "floor": floor, "page": max(pages), "drill": common.p95(drill_ms)}


MANY_SUBJECTS = 600


def _many_subjects(county: str, last_month, n: int):
    """The month before the measured one as a ranking of n township offices' results, thirteen
    figures each (set-based): the sheet's size when a county ranks its hundreds of 民生员."""
    from core.months import add_months
    from supervision import evaluation
    from supervision.models import Indicator, ScoreLine, SubjectResult, SubjectType

    month = evaluation.evaluation_for(county, add_months(last_month, -1))
    unit_id = SubjectResult.objects.filter(subject_type=SubjectType.TOWNSHIP_OFFICE).values_list("unit_id", flat=True)[
        0
    ]
    _insert_select(
        SubjectResult,
        {
            "area_code": f"'{county[:6]}100000'",
            "evaluation_id": str(int(month.pk)),
            "subject_type": f"'{SubjectType.TOWNSHIP_OFFICE}'",
            "unit_id": str(int(unit_id)),
            "name": "'测试单位' || g.n",
            "total": "100 - g.n * 0.1",
            "rank": "g.n",
            "comment": "''",
        },
        _series(),
        [n],
    )
    _insert_select(
        ScoreLine,
        {
            "result_id": "r.id",
            "indicator_id": "i.id",
            "numerator": "12",
            "denominator": "15",
            "value": "80",
            "score": "i.weight * 0.8",
        },
        f"{SubjectResult._meta.db_table} r, {Indicator._meta.db_table} i WHERE r.evaluation_id = %s "
        f"AND i.subject_type = '{SubjectType.TOWNSHIP_OFFICE}' AND i.is_active",
        [month.pk],
    )
    return month


# --- the floor of a month's computation ---------------------------------------------------------
# The bare SQL of the same work `compute_month(refresh=False)` does, on PostgreSQL: every computed
# figure of the month by one GROUP BY per kind of record (the four step figures in one pass over the
# month's day figures), then the snapshot replaced — the month's lines and results deleted and as
# many rows inserted, each table in one multi-row INSERT — in a transaction rolled back. What the
# floor leaves out is the computation's own: scores, ranks, the subjects' lists and entered scores,
# the audit log and model instances.

_FLOOR_FIGURES = {
    # the day figures: the unit's and the person's step figures in one scan
    "steps": """SELECT kind, unit_id, person_id, SUM(total), SUM(on_time), SUM(total - on_time)
        FROM supervision_stepday WHERE area_code LIKE %(scope)s AND day BETWEEN %(first)s AND %(last)s
        GROUP BY GROUPING SETS ((kind, unit_id), (kind, person_id))""",
    "supervisions_received": """SELECT target_unit_id, COUNT(*) FROM cases_supervision
        WHERE area_code LIKE %(scope)s AND issued_on BETWEEN %(first)s AND %(last)s GROUP BY 1""",
    "transfers_on_time_rate": """SELECT to_unit_id, COUNT(*) FILTER (WHERE replied_on <= due_on), COUNT(*)
        FROM cases_transfer WHERE area_code LIKE %(scope)s AND due_on BETWEEN %(first)s AND %(last)s
        AND state <> 'cancelled' GROUP BY 1""",
    "returns_for_correction": """SELECT COALESCE(before.responsible_unit_id, c.accepting_unit_id), COUNT(*)
        FROM cases_caseevent e JOIN cases_case c ON c.id = e.case_id
        LEFT JOIN cases_casestep s ON s.id = e.step_id
        LEFT JOIN cases_casestep before ON before.case_id = e.case_id AND before."order" = s."order" - 1
        WHERE e.kind = 'correction_requested' AND e.on_date BETWEEN %(first)s AND %(last)s
        AND c.area_code LIKE %(scope)s GROUP BY 1""",
    "audit_findings": """SELECT responsible_unit_id, COUNT(*) FROM supervision_finding
        WHERE area_code LIKE %(scope)s AND found_on BETWEEN %(first)s AND %(last)s GROUP BY 1""",
    "rectification_on_time_rate": """SELECT responsible_unit_id, COUNT(*) FILTER (WHERE submitted_on <= due_on),
        COUNT(*) FROM supervision_rectification
        WHERE area_code LIKE %(scope)s AND due_on BETWEEN %(first)s AND %(last)s GROUP BY 1""",
    "warnings_visited_on_time_rate": """SELECT assigned_to_id, COUNT(*) FILTER (WHERE visited_on <= due_on),
        COUNT(*) FROM monitoring_warning
        WHERE area_code LIKE %(scope)s AND due_on BETWEEN %(first)s AND %(last)s GROUP BY 1""",
    "objections_upheld": """SELECT substr(area_code, 1, 9), COUNT(*) FROM assistance_objection
        WHERE area_code LIKE %(scope)s AND outcome = 'upheld' AND resolved_on BETWEEN %(first)s AND %(last)s
        GROUP BY 1""",
    "reviews_on_time_rate": """SELECT substr(area_code, 1, 9), COUNT(*) FILTER (WHERE outcome_on <= due_on),
        COUNT(*) FROM assistance_reviewcase
        WHERE area_code LIKE %(scope)s AND due_on BETWEEN %(first)s AND %(last)s
        AND NOT (outcome_on IS NULL AND due_on >= %(today)s) GROUP BY 1""",
    "roll_error_rate": """SELECT substr(area_code, 1, 9), COUNT(*) FILTER (WHERE failure_reason <> ''), COUNT(*)
        FROM payments_rollline WHERE area_code LIKE %(scope)s AND in_bank_file
        AND roll_id = ANY(%(rolls)s) GROUP BY 1""",
}


def _floor_figures(cursor, month, county: str) -> dict[str, list[tuple]]:
    from django.utils import timezone

    from core.months import month_end

    params = {"scope": f"{county}%", "first": month, "last": month_end(month), "today": timezone.localdate()}
    # the month's rolls first, then their lines through the (roll, seq) index, as the computation
    # reads them (a join on the month would scan every line of every month)
    cursor.execute("SELECT id FROM payments_paymentroll WHERE month BETWEEN %(first)s AND %(last)s", params)
    params["rolls"] = [pk for (pk,) in cursor.fetchall()]
    answers = {}
    for code, sql in _FLOOR_FIGURES.items():
        cursor.execute(sql, params)
        answers[code] = cursor.fetchall()
    return answers


def _month_floor(evaluation_id: int, month, county: str) -> None:
    """The month's figures and its snapshot rewritten, bare SQL, rolled back (see above)."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        _floor_figures(cursor, month, county)
        cursor.execute(
            "SELECT area_code, evaluation_id, subject_type, unit_id, person_id, name, total, rank, comment, id "
            "FROM supervision_subjectresult WHERE evaluation_id = %s ORDER BY id",
            [evaluation_id],
        )
        results = cursor.fetchall()
        cursor.execute(
            "SELECT result_id, indicator_id, numerator, denominator, value, score FROM supervision_scoreline "
            "WHERE result_id IN (SELECT id FROM supervision_subjectresult WHERE evaluation_id = %s) ORDER BY id",
            [evaluation_id],
        )
        lines = cursor.fetchall()
        cursor.execute(
            "DELETE FROM supervision_scoreline WHERE result_id IN "
            "(SELECT id FROM supervision_subjectresult WHERE evaluation_id = %s)",
            [evaluation_id],
        )
        cursor.execute("DELETE FROM supervision_subjectresult WHERE evaluation_id = %s", [evaluation_id])
        cursor.execute(
            "INSERT INTO supervision_subjectresult (area_code, evaluation_id, subject_type, unit_id, person_id, "
            "name, total, rank, comment) VALUES "
            + ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(results))
            + " RETURNING id",
            [value for row in results for value in row[:9]],
        )
        new_id = {old[9]: new for old, (new,) in zip(results, cursor.fetchall(), strict=True)}
        cursor.execute(
            "INSERT INTO supervision_scoreline (result_id, indicator_id, numerator, denominator, value, score) "
            "VALUES " + ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(lines)),
            [value for line in lines for value in (new_id[line[0]], *line[1:])],
        )
        transaction.set_rollback(True)


def _check_floor_answers(month, county: str) -> None:
    """The floor's GROUP BYs answer the month's figures as the computation does (else it is not the
    same work): every computed figure, per unit, person or township office."""
    from django.db import connection

    from accounts.models import Unit
    from supervision.evaluation import month_figures
    from supervision.indicators import COMPUTATIONS

    with connection.cursor() as cursor:
        answers = _floor_figures(cursor, month, county)
    offices = dict(Unit.objects.filter(kind=Unit.Kind.TOWNSHIP_OFFICE, is_active=True).values_list("area_code", "pk"))
    steps = {
        "step_on_time_rate": {
            u: (good, n) for kind, u, p, n, good, _late in answers["steps"] if kind == "finished" and u
        },
        "overdue_steps": {u: (n, None) for kind, u, p, n, _good, _late in answers["steps"] if kind == "missed" and u},
        "person_step_on_time_rate": {
            p: (good, n) for kind, u, p, n, good, _late in answers["steps"] if kind == "finished" and p
        },
        "person_late_steps": {
            p: (late, None) for kind, u, p, _n, _good, late in answers["steps"] if kind == "finished" and p and late
        },
    }
    for code, computation in COMPUTATIONS.items():
        if code in steps:
            floor = steps[code]
        else:
            rows = answers[code]
            floor = {row[0]: (row[1], row[2] if computation.rate else None) for row in rows if row[0]}
            if computation.township:
                floor = {offices[key + "000"]: figure for key, figure in floor.items() if key + "000" in offices}
        computed = {k: v for k, v in month_figures(code, month).items() if v != (0, None)}
        floor = {k: v for k, v in floor.items() if v != (0, None)}
        if computed != floor:
            raise SystemExit(f"the floor's {code} differs from the computation's: {floor} != {computed}")


TARGET_PROVINCE_SECONDS = 120
PROVINCE_TOWNSHIPS = 2_000


def run_province(db: str, keep: bool, months: int = 3) -> float:
    """A province's month: 2,000 township offices and what 20 M cases over five years (60 M steps, one
    in six late) give per day, seeded straight into the step day figures (the evaluation's input at
    this scale: seeding 20 M cases here would take hours) for `months` months around the measured
    one; then `compute_month` for the province (every township office ranked), reading them."""
    common.use_database(db, "supervision_province", keep)
    common.setup_django()
    common.migrate_and_load_county("430522")

    from datetime import date

    from django.db import connection

    from accounts.demo import load_demo
    from accounts.models import Unit
    from areas.jurisdiction import system_scope
    from cases.tests.factories import restore_reference_data
    from core.months import add_months, month_end
    from supervision import evaluation
    from supervision.models import StepDay, SubjectResult

    load_demo("430522")
    last_month = date(2029, 11, 1)
    with system_scope():
        restore_reference_data()
        started = time.perf_counter()
        # township offices 439ccc1tt000: 100 counties of 20 townships
        code = "'439' || lpad(((g.n - 1) / 20)::text, 3, '0') || lpad((100 + (g.n - 1) %% 20)::text, 3, '0') || '000'"
        _insert_select(
            Unit,
            {
                "name": "'省级测试乡镇' || g.n || '民政办'",
                "kind": f"'{Unit.Kind.TOWNSHIP_OFFICE}'",
                "area_code": code,
                "is_active": "TRUE",
            },
            _series(),
            [PROVINCE_TOWNSHIPS],
        )
        first = add_months(last_month, -(months // 2))
        last = month_end(add_months(first, months - 1))
        # 20 M cases × 3 steps over 1,826 days ≈ 32,900 steps a day ≈ 16.4 per township a day: three
        # handlers finishing 4–6 each (one of them late), and about 3 steps a day due and missed
        units = "(SELECT id, area_code FROM accounts_unit WHERE name LIKE '省级测试乡镇%%') u"
        days = "generate_series(%s::date, %s::date, INTERVAL '1 day') AS d(day)"
        finished = _insert_select(
            StepDay,
            {
                "area_code": "u.area_code",
                "kind": f"'{StepDay.Kind.FINISHED}'",
                "day": "d.day::date",
                "unit_id": "u.id",
                "person_id": "1000000000 + u.id * 3 + k.n",
                "total": "4 + (u.id + k.n + extract(doy FROM d.day)::int) %% 3",
                "on_time": "3 + (u.id + k.n + extract(doy FROM d.day)::int) %% 3",
            },
            f"{units}, {days}, generate_series(0, 2) AS k(n)",
            [first, last],
        )
        missed = _insert_select(
            StepDay,
            {
                "area_code": "u.area_code",
                "kind": f"'{StepDay.Kind.MISSED}'",
                "day": "d.day::date",
                "unit_id": "u.id",
                "total": "2 + (u.id + extract(doy FROM d.day)::int) %% 3",
                "on_time": "0",
            },
            f"{units}, {days}",
            [first, last],
        )
        print(
            f"seeded {PROVINCE_TOWNSHIPS} township offices and {finished + missed} step day rows "
            f"({months} months) in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        month = evaluation.evaluation_for("430000000000", last_month)

        def compute():
            evaluation.compute_month(month, refresh=False)

        seconds = common.best_of(compute, repeat=2)
        ranked = SubjectResult.objects.filter(evaluation=month, subject_type="township_office").count()
    common.bench_line(
        f"supervision_province_month_{'pg' if db == 'postgres' else db}", seconds, "s", TARGET_PROVINCE_SECONDS
    )
    print(f"  {ranked} township offices ranked for {last_month:%Y-%m}", flush=True)
    return seconds


def main() -> None:
    p = common.parser(__doc__.splitlines()[0])
    p.add_argument("--cases", type=int)
    p.add_argument("--months", type=int)
    p.add_argument("--province", action="store_true", help="only the province's month (2,000 townships)")
    p.add_argument("--province-months", type=int, default=3)
    args = p.parse_args()
    if args.province:
        code = subprocess.call(  # noqa: S603 - our own script
            [sys.executable, __file__, "--db", "postgres", "--child-province", str(args.province_months)]
            + (["--keep"] if args.keep else [])
        )
        sys.exit(code)
    # full: five years of cases, at least 1,000,000 of them and 5,000,000 steps (the template case has
    # 3 steps: 1,700,000 cases); 36 months of rolls of 15,000 lines
    cases = args.cases or (20_000 if args.quick else 1_700_000)
    months = args.months or (12 if args.quick else 60)
    print(common.load_average(), flush=True)
    failed = False
    for db in common.databases(args.db):
        code = subprocess.call(  # noqa: S603 - our own script
            [sys.executable, __file__, "--db", db, "--cases", str(cases), "--months", str(months), "--child"]
            + ["--roll-months", str(12 if args.quick else 36), "--lines", str(2_000 if args.quick else 15_000)]
            + (["--keep"] if args.keep else [])
        )
        failed |= code != 0
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    if "--child-province" in sys.argv:
        at = sys.argv.index("--child-province")
        province_months = int(sys.argv[at + 1])
        del sys.argv[at : at + 2]
        a = common.parser("child").parse_args()
        sys.exit(1 if run_province(a.db, a.keep, province_months) >= TARGET_PROVINCE_SECONDS else 0)
    if "--child" in sys.argv:
        sys.argv.remove("--child")
        p = common.parser("child")
        p.add_argument("--cases", type=int)
        p.add_argument("--months", type=int)
        p.add_argument("--roll-months", type=int, default=36)
        p.add_argument("--lines", type=int, default=15_000)
        a = p.parse_args()
        out = run_one(a.db, a.cases, a.months, a.keep, a.roll_months, a.lines)
        missed = out["seconds"] >= TARGET_SECONDS or out["page"] >= TARGET_PAGE_MS or out["drill"] >= TARGET_PAGE_MS
        sys.exit(1 if missed else 0)
    main()
