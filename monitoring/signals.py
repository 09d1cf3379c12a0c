# ruff: noqa: S608 - SQL assembled from constants and table names only; values are bound parameters
"""Warning signals as SQL: monitored households' members against the department rows.

The monitored members of the area are materialised once into a working table `ms_members`
(`members_sql`; for a new batch only the members the batch names, found through the batch's rows),
then one INSERT … SELECT … ON CONFLICT (natural_key) DO NOTHING per active rule joins them to the
rule's source; the natural key names the signal, the person or household and the batch, so a
second run raises nothing new. Working tables as in verification/sweep_sql.py (UNLOGGED on
PostgreSQL, named for the county, under the same settings; the rules run side by side as the
finding kinds do, verification/batch_sql.py).
"""

from datetime import date, timedelta

from django.db import connection
from django.utils import timezone

from monitoring.models import Signal, SignalRule
from verification.batch_sql import Statement, run_side_by_side, working_tables
from verification.sweep_sql import PG_PLAN_SETTINGS, create_table

T_ROW = "verification_datasetrow"
COLUMNS = [
    "natural_key",
    "signal",
    "risk",
    "household_id",
    "person_id",
    "source",
    "batch_id",
    "amount",
    "event_date",
    "area_code",
    "finding_id",
    "detail",
    "raised_on",
    "due_on",
    "stage",
    "visit_note",
    "closure_reason",
    "row_version",
]

T_MEMBERS = "ms_members"  # working table of one run (ms_members_430522 for the county's)
LABEL = "监测预警比对"  # the run, as a refusal names it
# PostgreSQL plans the members' join serially at its default parallel costs; nothing else of the run
# can start before it, so it takes both cores (1.4 → 0.9 s at 1M residents, bench/verification.py).
PG_MEMBERS_SETTINGS = {"parallel_setup_cost": "0", "parallel_tuple_cost": "0.001"}


def members_sql(vendor: str, *, batch_only: bool) -> str:
    """The monitored households' current members (of one batch's people, for a batch run).

    A household monitored under two categories is taken once before its members are joined, and a
    person has one current household (registry constraint), so no DISTINCT over the members is
    needed and PostgreSQL joins them in parallel."""
    batch = f"AND p.id_number IN (SELECT id_number FROM {T_ROW} WHERE batch_id = %(batch)s)" if batch_only else ""
    return f"""{create_table(vendor)} {T_MEMBERS} AS
SELECT mh.household_id, m.person_id, p.id_number, m.relation, mh.area_code
FROM (SELECT household_id, MIN(area_code) AS area_code FROM monitoring_monitoredhousehold
      WHERE until IS NULL AND area_code LIKE %(prefix)s GROUP BY household_id) mh
JOIN registry_membership m ON m.household_id = mh.household_id AND m.end_date IS NULL
JOIN registry_person p ON p.id = m.person_id
WHERE true {batch}"""


# signal → (source condition, key parts, per household?)
_RULES = {
    Signal.ILLNESS: ("r.source = 'medical'", "person"),
    Signal.SCHOOLING: ("r.source = 'education'", "person"),
    Signal.UNEMPLOYMENT: ("r.source = 'social_insurance' AND r.kind = 'unemployed'", "person"),
    Signal.DISABILITY: ("r.source = 'disability'", "person_once"),
    Signal.DISASTER: ("r.source = 'disaster'", "household"),
}

DETAILS = {
    Signal.ILLNESS: "医保结算大额医疗费用",
    Signal.SCHOOLING: "在校生学费支出较大",
    Signal.UNEMPLOYMENT: "人社部门失业登记",
    Signal.DISABILITY: "残联新核发残疾人证",
    Signal.DISASTER: "应急部门登记灾害损失",
    Signal.EARNER_DEATH: "户主（主要劳动力）死亡",
}


def _s(expr: str) -> str:
    return f"CAST({expr} AS VARCHAR)"


def signal_sql(signal: str, *, batch_only: bool) -> str:
    batch = "AND r.batch_id = %(batch)s" if batch_only else ""
    high_at, threshold = "CAST(%(high_at)s AS DECIMAL(14, 2))", "CAST(%(threshold)s AS DECIMAL(14, 2))"
    risk = f"CASE WHEN {high_at} IS NOT NULL AND MAX(r.amount) >= {high_at} THEN 'high' ELSE %(risk)s END"
    amount_ok = f"AND ({threshold} IS NULL OR r.amount >= {threshold})"
    if signal == Signal.EARNER_DEATH:
        return f"""SELECT 'earner_death:' || {_s("mm.household_id")} || ':' || {_s("mm.person_id")}, 'earner_death',
  %(risk)s, mm.household_id, mm.person_id, MIN(r.source), MAX(r.batch_id), CAST(NULL AS DECIMAL(14, 2)),
  MIN(r.event_date), MIN(mm.area_code)
FROM {T_MEMBERS} mm JOIN {T_ROW} r ON r.id_number = mm.id_number AND r.source IN ('death', 'funeral') {batch}
WHERE mm.relation = '02' AND r.event_date > %(since)s
  AND EXISTS (SELECT 1 FROM registry_membership o WHERE o.household_id = mm.household_id AND o.end_date IS NULL
    AND o.person_id <> mm.person_id)
GROUP BY mm.household_id, mm.person_id"""
    condition, grain = _RULES[signal]
    if grain == "household":
        key = f"'{signal}:' || {_s('mm.household_id')} || ':' || {_s('MAX(r.batch_id)')}"
        person, group = "MIN(mm.person_id)", "mm.household_id, r.batch_id"
    elif grain == "person_once":
        key = f"'{signal}:' || {_s('mm.person_id')}"
        person, group = "mm.person_id", "mm.household_id, mm.person_id"
    else:
        key = f"'{signal}:' || {_s('mm.person_id')} || ':' || {_s('MAX(r.batch_id)')}"
        person, group = "mm.person_id", "mm.household_id, mm.person_id, r.batch_id"
    return f"""SELECT {key}, '{signal}', {risk}, mm.household_id, {person}, MIN(r.source), MAX(r.batch_id), MAX(r.amount),
  MAX(r.event_date), MIN(mm.area_code)
FROM {T_MEMBERS} mm JOIN {T_ROW} r ON r.id_number = mm.id_number AND {condition} {amount_ok} {batch}
WHERE r.event_date > %(since)s
GROUP BY {group}"""


def warning_rows_sql(candidate: str) -> str:
    """A signal's SELECT with the columns every new warning gets, in the COLUMNS order."""
    return (
        "SELECT c.*, CAST(NULL AS BIGINT), %(detail)s, %(today)s, %(due)s, 'unassigned', '', '', 0 "
        f"FROM (\n{candidate}\n) c"
    )


def insert_sql(candidate: str) -> str:
    return (
        f"INSERT INTO monitoring_warning ({', '.join(COLUMNS)})\n{warning_rows_sql(candidate)} WHERE true\n"
        "ON CONFLICT (natural_key) DO NOTHING"
    )


def raise_signals(*, prefix: str, on_date: date, batch_id: int | None = None) -> dict[str, int]:
    """Every active rule over the monitored population of the area (or one new batch)."""
    counts = {}
    rules = list(SignalRule.objects.filter(is_active=True).exclude(signal__in=[Signal.MISSED_AID, Signal.FIELD_REPORT]))
    if not rules:
        return counts
    fill = Statement(
        T_MEMBERS,
        members_sql(connection.vendor, batch_only=batch_id is not None),
        {"prefix": prefix + "%", "batch": batch_id},
        creates=T_MEMBERS,
        settings=PG_MEMBERS_SETTINGS,
    )
    inserts = []
    for rule in rules:
        high_at = rule.threshold * rule.high_multiple if rule.threshold and rule.high_multiple else None
        params = {
            "prefix": prefix + "%",
            "batch": batch_id,
            "since": on_date - timedelta(days=rule.window_days),
            "threshold": rule.threshold,
            "high_at": high_at,
            "risk": rule.risk,
            "detail": DETAILS.get(rule.signal, ""),
            "today": on_date,
            "due": on_date + timedelta(days=rule.due_days),
            "now": timezone.now(),
        }
        inserts.append(
            Statement(
                rule.signal,
                insert_sql(signal_sql(rule.signal, batch_only=batch_id is not None)),
                params,
                after=(T_MEMBERS,),
            )
        )
    with working_tables([fill, *inserts], prefix=prefix, label=LABEL) as statements:
        written = run_side_by_side(statements, settings=PG_PLAN_SETTINGS)
    counts = {statement.name: written[statement.name] for statement in inserts}
    return counts
