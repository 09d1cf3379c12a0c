"""Sweeps (比对): everyone enrolled in an area against every source, set-based.

`run_sweep` writes findings only, one sweep per county of the current scope (`sweep_areas`): the
enrolled people, then their department rows, into working tables once; then INSERT … SELECT … ON
CONFLICT DO NOTHING per kind (sweep_sql.py), side by side (batch_sql.py);
`open_work` then turns each new finding into work — a death through ledger.deaths.record_death (payment
stops from the month after it and the household's review opens), other findings through
ledger.reviews.open_review_case (a review case, a recovery flag on that case) or an outreach task for
the village 民生员. Nothing here touches an enrolment: the death service and case decisions do that,
through the ledger.
"""

from contextlib import nullcontext
from datetime import date

from django.conf import settings
from django.db import connection
from django.db.models.functions import Substr
from django.utils import timezone

from areas.codes import county_of
from areas.jurisdiction import Scope, current_scope, within
from audit.models import AuditEntry
from audit.services import record
from core.months import add_months, month_start, months_between
from policy.parameters import MissingParameter, Policy
from policy.programmes import ParameterKey as K
from registry.models import Household
from verification import sweep_sql
from verification.batch_sql import Statement, run_side_by_side, working_tables
from verification.models import Batch, Finding, Sweep

DETAILS = {
    "death": "成员死亡：{months}个月内须复核",
    "paid_after_death": "死亡次月起的保障金应停发并追回",
    "vehicle": "机动车上限{max_vehicles}辆（不含残疾人功能性补偿代步车）",
    "property": "住房套数上限{max_houses}套",
    "business": "登记市场主体，经营收入须计入家庭收入",
    "income": "月人均收入高于当地低保标准",
    "deposit": "家庭金融资产超过上限（低保标准×{deposit_months}个月×保障人口）",
    "incompatible": "政策规定不得同时享受",
    "two_households": "同一人在两个保障家庭中计算",
    "same_need": "两项保障针对同一需求",
    "shared_account": "同一银行账户为多个保障家庭收款",
    "missed_care": "{care_grade_text}级残疾人应享受重度残疾人护理补贴",
    "missed_living": "低保家庭中的残疾人应享受困难残疾人生活补贴",
    "missed_tekun": "{tekun_age}周岁以上独居、无工资养老金收入，需核实是否符合特困条件",
}


def care_grades(policy: Policy) -> tuple[int, ...]:
    """The disability grades the county pays 重度残疾人护理补贴 for (the grades of
    `disability.care_amounts`); none while the county has not entered its amounts."""
    try:
        amounts = policy.raw(K.DISABILITY_CARE_AMOUNTS)
    except MissingParameter:
        return ()
    return tuple(sorted(int(grade) for grade in amounts))


def sweep_params(area_code: str, on_date: date, prefix: str) -> dict:
    """The thresholds in force for the area (Policy), as SQL parameters. The national rules (asset
    limits, the review after a death, incompatible programmes) must be on record: a missing one is a
    configuration error (MissingParameter), never a number written here. A county that has not
    entered its local 低保 standards yet gets no income or deposit findings (standard 0)."""
    policy = Policy.for_area(area_code, on_date)

    def standard(key):
        try:
            return policy.amount(key)
        except MissingParameter:
            return 0

    return {
        "prefix": prefix + "%",
        "month_start": month_start(on_date),
        "year_ago": add_months(on_date, -12),
        # the disability grades the county pays 重度残疾人护理补贴 for (disability.care_amounts)
        "care_grades": care_grades(policy),
        "care_grade_text": "、".join(str(grade) for grade in care_grades(policy)),
        # 特困's no-labour-capacity age (tekun.elderly_age): whoever is that old on the day
        "tekun_age": int(policy.number(K.TEKUN_ELDERLY_AGE)),
        "tekun_born_by": add_months(on_date, -12 * int(policy.number(K.TEKUN_ELDERLY_AGE))),
        "std_urban": standard(K.DIBAO_STANDARD_URBAN),
        "std_rural": standard(K.DIBAO_STANDARD_RURAL),
        "max_vehicles": int(policy.number(K.ASSET_MAX_VEHICLES)),
        "max_houses": int(policy.number(K.ASSET_MAX_HOUSES)),
        "deposit_months": int(policy.number(K.ASSET_DEPOSIT_MONTHS)),
        "after_death_months": policy.months(K.REVIEW_AFTER_DEATH_MONTHS),
        "incompatible": [tuple(pair) for pair in policy.items(K.INCOMPATIBLE)],
    }


LABEL = "数据比对"  # the run, as a refusal names it ("新邵县的数据比对正在进行……")


def sweep_areas() -> list[str]:
    """The area prefixes a sweep of the current scope covers, one per county: the scope itself at
    or below a county, else each county under it where households are registered."""
    prefix = current_scope().prefix
    if len(prefix) >= 6:
        return [prefix]
    counties = Household.objects.annotate(county=Substr("area_code", 1, 6)).values_list("county", flat=True)
    return list(counties.order_by("county").distinct())


def run_sweep(
    *,
    on_date: date,
    kind: str = Sweep.Kind.MONTHLY,
    batch: Batch | None = None,
    user=None,
    progress=None,
    kinds: list[str] | None = None,
    engine=None,
) -> list[Sweep]:
    """Every enrolled household of the current scope against all sources (or one new batch): one
    sweep per county (`sweep_areas`), each in the scope of its county (two counties' sweeps may run
    at once; a county's second waits for its first, see batch_sql.working_tables).

    `engine` finds the candidates: "database" (the SQL runs where the data is), "duckdb" or "spark"
    (verification/distributed.py: a snapshot exported once for every county of the run), an open
    `distributed.Engine`, or None for `settings.SWEEP_ENGINE`. The findings are written the same way."""
    sweeps, areas = [], sweep_areas()
    with open_engine(engine) as running:
        for n, prefix in enumerate(areas):
            step = county_progress(progress, n, len(areas))
            with within(Scope(prefix=prefix)):
                sweeps.append(
                    _sweep_area(
                        prefix,
                        on_date=on_date,
                        kind=kind,
                        batch=batch,
                        user=user,
                        progress=step,
                        kinds=kinds,
                        engine=running,
                    )
                )
    return sweeps


def open_engine(engine):
    """A context giving the open engine of a run (None: the database itself)."""
    from verification import distributed

    if isinstance(engine, distributed.Engine):
        return nullcontext(engine)
    name = engine or settings.SWEEP_ENGINE
    return nullcontext(None) if name == "database" else distributed.Engine(name)


def county_progress(progress, n: int, counties: int):
    """The n-th county's part of one progress bar over every county's finding kinds."""
    if progress is None or counties == 1:
        return progress

    def step(done: int, total: int, message: str) -> None:
        progress(n * total + done, counties * total, message)

    return step


def _sweep_area(prefix: str, *, on_date, kind, batch, user, progress, kinds, engine=None) -> Sweep:
    area = county_of((prefix + "0" * 12)[:12])
    params = sweep_params(area, on_date, prefix)
    sweep = Sweep.objects.create(
        kind=kind, batch=batch, on_date=on_date, started_by=user if getattr(user, "pk", None) else None, area_code=area
    )
    statements = sweep_sql.candidates(
        engine.name if engine else connection.vendor,
        after_death_months=params["after_death_months"],
        batch_only=batch is not None,
        incompatible=params["incompatible"],
        care_grades=params["care_grades"],
    )
    if batch is not None:  # a new batch: the kinds that read rows, restricted to it
        statements = [s for s in statements if s.uses_rows]
    if kinds:
        statements = [s for s in statements if s.kind in kinds]
    sql_params = {**params, "batch": batch.pk if batch else None, "sweep": sweep.pk, "now": timezone.now()}
    for shaping_the_sql in ("incompatible", "after_death_months", "tekun_age", "care_grades", "care_grade_text"):
        del sql_params[shaping_the_sql]
    details = {s.kind: DETAILS[s.kind].format(months=params["after_death_months"], **params) for s in statements}
    if engine is None:
        batch_statements = sweep_statements(connection.vendor, statements, sql_params, details)
    else:  # the candidates found elsewhere, written back as the database's are
        batch_statements = engine.statements(prefix[:6] or "all", statements, sql_params, details)
    inserts = [s for s in batch_statements if not s.creates]
    finished = []

    def done(statement: Statement, rows: int, _seconds: float) -> None:
        if statement.creates:
            return
        finished.append(statement)
        if progress:
            progress(len(finished), len(inserts), f"{Finding.Kind(statement.name).label}：新增{rows}条")

    with working_tables(batch_statements, prefix=prefix, label=LABEL) as county_statements:
        written = run_side_by_side(county_statements, settings=sweep_sql.PG_PLAN_SETTINGS, done=done)
    counts = {s.name: written[s.name] for s in inserts}
    _price_recoveries(sweep, on_date)
    Sweep.objects.filter(pk=sweep.pk).update(counts=counts, finished_at=timezone.now())
    sweep.counts = counts
    record(
        AuditEntry.Action.CREATE,
        obj=sweep,
        changes={"counts": counts, "batch": batch.pk if batch else None},
    )
    return sweep


def sweep_statements(
    vendor: str, candidates: list[sweep_sql.Candidate], params: dict, details: dict[str, str]
) -> list[Statement]:
    """The sweep as one batch for batch_sql: the working tables the kinds read (everyone
    enrolled, then their department rows: the one expensive join, done once), then one INSERT per
    kind; every statement after the working tables it reads."""
    inserts = [
        Statement(
            c.kind,
            sweep_sql.insert_sql(c.sql),
            {**params, "detail": details[c.kind]},
            after=sweep_sql.reads(c.sql),
            settings=sweep_sql.PG_STATEMENT_SETTINGS.get(c.kind, {}),
        )
        for c in candidates
    ]
    needed = {table for statement in inserts for table in statement.after}
    fills = []
    for table, create in reversed(sweep_sql.prepare(vendor)):  # a table's own inputs are listed before it
        if table in needed:
            after = sweep_sql.reads(create, creates=table)
            needed.update(after)
            settings = sweep_sql.PG_STATEMENT_SETTINGS.get(table, {})
            fill_params = {"prefix": params["prefix"], "year_ago": params["year_ago"]}
            fills.insert(0, Statement(table, create, fill_params, after=after, creates=table, settings=settings))
    return [*fills, *inserts]


def _price_recoveries(sweep: Sweep, on_date: date) -> None:
    """Amount paid after a death for the sweep's new recovery flags (a handful of rows)."""
    from ledger.services import amount_for_month

    flags = Finding.objects.filter(sweep=sweep, kind=Finding.Kind.PAID_AFTER_DEATH).select_related("enrolment")
    for finding in flags:
        died = month_start(finding.event_date)
        total = sum(
            (
                amount_for_month(finding.enrolment, add_months(died, n))
                for n in range(1, months_between(died, on_date) + 1)
            ),
            0,
        )
        Finding.objects.filter(pk=finding.pk).update(amount=total)
