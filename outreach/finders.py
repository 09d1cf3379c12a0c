"""Who qualifies and does not receive it (政策找人): a registry of finders, one per programme whose
eligibility the platform can compute from what it knows, each a set-based SELECT over the registry
and the ledger.

A finder is `find(run) -> (sql, params) | None`: a SELECT of candidates with the columns
`person_id, household_id, area_code, reason, monthly_amount`, for every county of the run, with
the county's own policy (`run.policies`) passed in as a small table of values (`values_table`).
`outreach.services.find_eligible` wraps each in one INSERT … SELECT that leaves out people already
enrolled in the programme and people found before, so a finder says only who qualifies and why.
Other business lines register theirs the same way (`register_finder`) in their AppConfig.ready().

The residents a finder reads come from `run.residents()`: the alive residents in a current household
who may qualify for something — old enough for a 高龄津贴 band, holding a disability grade, or in a
低保 household or 特困 — with their household, county and 低保/特困 flags. `find_eligible` computes
them once per run into a temporary table (`candidates`: one pass over the residents joined to their
current household, what any finder must read) and every finder reads that; a finder run on its own
reads the same SELECT inline.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import connection

from core.months import add_months
from policy import rules
from policy.parameters import MissingParameter, Policy
from policy.programmes import ParameterKey as K
from policy.programmes import Programme
from registry.models import Person


@dataclass
class FindRun:
    """One run of the finders: the day, the horizon (people who reach an age by then are listed
    ahead, so the visit comes before the first month they may be paid), and each county's policy."""

    today: date
    horizon: date
    policies: dict[str, Policy] = field(default_factory=dict)  # county (6 digits) → policy in force
    skipped: list[str] = field(default_factory=list)  # "county: parameter missing" notes
    prefix: str = ""  # the area the run covers ("" = every county of the policies)
    candidates_table: str = ""  # set while `candidates(run)` holds the residents computed once
    children_table: str = ""  # and the children of the dead (or with a file) with their parents' situations

    def residents(self) -> tuple[str, list]:
        """The relation of residents who may qualify (CANDIDATES_SQL's columns) with its parameters:
        the run's temporary table while `candidates(run)` holds it, else the SELECT inline."""
        if self.candidates_table:
            return self.candidates_table, []
        return f"({CANDIDATES_SQL})", [self.prefix + "%", self.aged()]

    def children(self) -> tuple[str, list]:
        """The relation of children who may lack parental care (CHILDREN_SQL's columns): under the
        highest adult age of the run's counties; each finder keeps its county's own (`adult_ages`)."""
        if self.children_table:
            return self.children_table, []
        return f"({CHILDREN_SQL})", [self.born_by_today(max(self.adult_ages().values(), default=0))]

    def adult_ages(self) -> dict[str, int]:
        """county → the age a child stops being one (child.adult_age: 18 nationally)."""
        ages = {}
        for county, policy in self.policies.items():
            try:
                ages[county] = int(policy.number(K.CHILD_ADULT_AGE))
            except MissingParameter:
                continue
        return ages

    def aged(self) -> date:
        """The latest birth date anyone is read for by age alone: the youngest 高龄津贴 band of any
        county (everyone younger is read only for a disability grade, 低保 or 特困)."""
        rows = _allowance_rows(self, note=False)
        return max((row[1] for row in rows), default=date(1, 1, 1))

    def born_by(self, age: int) -> date:
        """The latest birth date of someone who is `age` 周岁 or older on the horizon."""
        return add_months(self.horizon, -12 * age)

    def born_by_today(self, age: int) -> date:
        """The latest birth date of someone who is `age` 周岁 or older today: a child is under `age`
        when born after it."""
        return add_months(self.today, -12 * age)

    def counties_with(
        self, programme: str, read: Callable[[Policy], object], note: bool = True
    ) -> list[tuple[str, object]]:
        """(county, value) for every county whose policy has what `read` needs; the others are noted."""
        found = []
        for county, policy in sorted(self.policies.items()):
            try:
                found.append((county, read(policy)))
            except MissingParameter as missing:
                if note:
                    self.skipped.append(f"{county} {Programme(programme).label}：{missing}")
        return found


FindSql = tuple[str, list] | None


@dataclass(frozen=True)
class Finder:
    programme: str
    label: str
    find: Callable[[FindRun], FindSql]


_FINDERS: dict[str, Finder] = {}


def register_finder(programme: str, label: str, find: Callable[[FindRun], FindSql]) -> None:
    """Add (or replace) the finder of a programme."""
    _FINDERS[programme] = Finder(programme, label, find)


def registered() -> list[Finder]:
    return [_FINDERS[key] for key in sorted(_FINDERS)]


def values_table(rows: list[tuple], columns: list[str]) -> tuple[str, list]:
    """A small table of constants as SQL (`SELECT %s AS a, %s AS b UNION ALL SELECT …`) with its
    parameters: one row per county and band, joined to the residents in one statement."""
    if not rows:
        return "", []
    first = ", ".join(f"%s AS {column}" for column in columns)
    rest = ", ".join(["%s"] * len(columns))
    sql = " UNION ALL ".join([f"SELECT {first}", *([f"SELECT {rest}"] * (len(rows) - 1))])
    return sql, [value for row in rows for value in row]


def _yuan(amount: Decimal) -> str:
    return f"{amount.normalize():f}"


# the pieces of a reason, portable between SQLite and PostgreSQL (a date cast to text is ISO there)
BIRTH_YEAR = "CAST(substr(CAST(p.birth_date AS TEXT), 1, 4) AS INTEGER)"
BIRTH_MONTH = "CAST(substr(CAST(p.birth_date AS TEXT), 6, 2) AS INTEGER)"
DISABILITY_TYPE = (
    "CASE p.disability_type "
    + " ".join(f"WHEN '{value}' THEN '{label}'" for value, label in Person.DisabilityType.choices if value)
    + " ELSE '残疾' END"
)
LIVING = "p.life_status = 'alive'"
CURRENT_HOUSEHOLD = "JOIN registry_membership m ON m.person_id = p.id AND m.end_date IS NULL"
IN_FORCE = "('in_payment', 'gradual_exit')"

# One row per alive resident and current household who may qualify for a finder: aged (a parameter,
# FindRun.aged), a disability grade, a 低保 household or 特困 — with the 低保/特困 flags every
# finder reads. One pass over the residents joined to their current household; the 低保 households
# and the 特困 persons are small sets hashed once, not looked up per resident.
CANDIDATES_SQL = f"""
SELECT p.id AS person_id, m.household_id AS household_id, p.area_code AS area_code,
 substr(p.area_code, 1, 6) AS county, p.birth_date AS birth_date, p.disability_type AS disability_type,
 p.disability_grade AS disability_grade,
 CASE WHEN d.household_id IS NULL THEN 0 ELSE 1 END AS in_dibao,
 CASE WHEN k.person_id IS NULL THEN 0 ELSE 1 END AS in_tekun
FROM registry_person p
{CURRENT_HOUSEHOLD}
LEFT JOIN (SELECT DISTINCT household_id FROM ledger_enrolment WHERE programme = 'dibao'
 AND beneficiary_id IS NULL AND status IN {IN_FORCE}) d ON d.household_id = m.household_id
LEFT JOIN (SELECT DISTINCT beneficiary_id AS person_id FROM ledger_enrolment WHERE programme = 'tekun'
 AND status IN {IN_FORCE}) k ON k.person_id = p.id
WHERE {LIVING} AND p.area_code LIKE %s AND (p.disability_grade IS NOT NULL OR p.birth_date <= %s
 OR d.household_id IS NOT NULL OR k.person_id IS NOT NULL)"""  # noqa: S608 - constant fragments only

CANDIDATES_TABLE = "outreach_candidate"
CHILDREN_TABLE = "outreach_candidate_child"


@contextmanager
def candidates(run: FindRun) -> Iterator[str]:
    """The run's residents who may qualify, and the children who may lack parental care, each
    computed once into a temporary table (of this connection, gone with it) that every finder reads
    while the block runs."""
    tables = ((CANDIDATES_TABLE, run.residents()), (CHILDREN_TABLE, run.children()))
    with connection.cursor() as cursor:
        for table, (select, params) in tables:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
            cursor.execute(f"CREATE TEMPORARY TABLE {table} AS SELECT * FROM {select} c", params)  # noqa: S608
            if connection.vendor == "postgresql":  # a temporary table has no statistics until analysed
                cursor.execute(f"ANALYZE {table}")
    run.candidates_table, run.children_table = CANDIDATES_TABLE, CHILDREN_TABLE
    try:
        yield CANDIDATES_TABLE
    finally:
        run.candidates_table = run.children_table = ""
    with connection.cursor() as cursor:  # not after an error: the transaction's rollback drops them
        for table, _select in tables:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")


def _allowance_rows(run: FindRun, note: bool = True) -> list[tuple]:
    """(county, latest, earliest, from_age, label, amount, amount text) per county and 高龄津贴 band."""
    rows = []
    for county, tiers in run.counties_with(Programme.ELDERLY_ALLOWANCE, rules.elderly_allowance_tiers, note=note):
        for tier in tiers:
            earliest = date(1, 1, 1) if tier.to_age is None else run.born_by(tier.to_age + 1)
            rows.append(
                (
                    county,
                    run.born_by(tier.from_age),
                    earliest,
                    tier.from_age,
                    tier.label,
                    tier.amount,
                    _yuan(tier.amount),
                )
            )
    return rows


def find_elderly_allowance(run: FindRun) -> FindSql:
    """高龄津贴: everyone alive who is in a band of the county's tiers on the horizon (age from the
    registry's birth date, itself read from the ID number), policy.rules.elderly_allowance_tier."""
    rows = _allowance_rows(run)
    table, params = values_table(rows, ["county", "latest", "earliest", "from_age", "label", "amount", "amount_text"])
    if not table:
        return None
    residents, resident_params = run.residents()
    oldest_band = max(row[1] for row in rows)  # nobody younger than every county's first band is read further
    sql = f"""
SELECT p.person_id AS person_id, p.household_id AS household_id, p.area_code AS area_code,
 {BIRTH_YEAR} || '年' || {BIRTH_MONTH} || '月出生，' || ({BIRTH_YEAR} + t.from_age) || '年' || {BIRTH_MONTH}
 || '月年满' || t.from_age || '周岁，属' || t.label || '档（每月' || t.amount_text || '元），未享受高龄津贴' AS reason,
 t.amount AS monthly_amount
FROM {residents} p
JOIN ({table}) t ON p.county = t.county AND p.birth_date <= t.latest AND p.birth_date > t.earliest
WHERE p.birth_date <= %s"""  # noqa: S608 - constant fragments only; every value is a parameter
    return sql, [*resident_params, *params, oldest_band]


def find_disability_care(run: FindRun) -> FindSql:
    """重度残疾人护理补贴: a disability grade the county pays care for (disability.care_amounts), policy.rules.disability_subsidies."""
    rows = []
    for county, amounts in run.counties_with(Programme.DISABILITY_CARE, lambda p: p.raw(K.DISABILITY_CARE_AMOUNTS)):
        for grade, amount in amounts.items():
            rows.append((county, int(grade), Decimal(str(amount)), _yuan(Decimal(str(amount)))))
    table, params = values_table(rows, ["county", "grade", "amount", "amount_text"])
    if not table:
        return None
    residents, resident_params = run.residents()
    sql = f"""
SELECT p.person_id AS person_id, p.household_id AS household_id, p.area_code AS area_code,
 '持残疾证（' || {DISABILITY_TYPE} || p.disability_grade || '级），属重度残疾人，每月' || t.amount_text
 || '元，未享受重度残疾人护理补贴' AS reason,
 t.amount AS monthly_amount
FROM {residents} p
JOIN ({table}) t ON p.county = t.county AND p.disability_grade = t.grade
WHERE p.disability_grade IS NOT NULL"""  # noqa: S608 - constant fragments only; every value is a parameter
    return sql, [*resident_params, *params]


def find_disability_living(run: FindRun) -> FindSql:
    """困难残疾人生活补贴: a disabled person (any grade) in a household receiving 低保."""
    rows = [
        (county, amount, _yuan(amount))
        for county, amount in run.counties_with(
            Programme.DISABILITY_LIVING, lambda p: p.amount(K.DISABILITY_LIVING_AMOUNT)
        )
    ]
    table, params = values_table(rows, ["county", "amount", "amount_text"])
    if not table:
        return None
    residents, resident_params = run.residents()
    sql = f"""
SELECT p.person_id AS person_id, p.household_id AS household_id, p.area_code AS area_code,
 '持残疾证（' || {DISABILITY_TYPE} || p.disability_grade || '级），所在家庭享受低保，每月' || t.amount_text
 || '元，未享受困难残疾人生活补贴' AS reason,
 t.amount AS monthly_amount
FROM {residents} p
JOIN ({table}) t ON p.county = t.county
WHERE p.disability_grade IS NOT NULL AND p.in_dibao = 1"""  # noqa: S608 - constant fragments only
    return sql, [*resident_params, *params]


ECONOMIC_DIFFICULTY = "CASE WHEN p.in_tekun = 1 THEN '本人为特困人员' ELSE '所在家庭享受低保' END"


def find_elderly_service(run: FindRun) -> FindSql:
    """经济困难老年人服务补贴: 低保 or 特困 elderly from the county's minimum age, policy.rules.elderly_service_subsidy."""
    rows = []
    for county, rule in run.counties_with(Programme.ELDERLY_SERVICE, lambda p: p.raw(K.ELDERLY_SERVICE_AMOUNT)):
        amount = Decimal(str(rule["amount"]))
        rows.append((county, run.born_by(int(rule["min_age"])), int(rule["min_age"]), amount, _yuan(amount)))
    table, params = values_table(rows, ["county", "latest", "min_age", "amount", "amount_text"])
    if not table:
        return None
    residents, resident_params = run.residents()
    sql = f"""
SELECT p.person_id AS person_id, p.household_id AS household_id, p.area_code AS area_code,
 {BIRTH_YEAR} || '年' || {BIRTH_MONTH} || '月出生，年满' || t.min_age || '周岁，' || {ECONOMIC_DIFFICULTY}
 || '，每月' || t.amount_text || '元，未享受经济困难老年人服务补贴' AS reason,
 t.amount AS monthly_amount
FROM {residents} p
JOIN ({table}) t ON p.county = t.county AND p.birth_date <= t.latest
WHERE p.birth_date <= %s AND (p.in_dibao = 1 OR p.in_tekun = 1)"""  # noqa: S608 - constant fragments only
    return sql, [*resident_params, *params, max(row[1] for row in rows)]


def find_elderly_care(run: FindRun) -> FindSql:
    """经济困难失能老年人护理补贴: 低保 or 特困 elderly from the county's minimum age whose registry
    facts suggest they may need care (a disability certificate, or the county's 高龄 from
    `elderly.care_screening_age`, 80 nationally): listed for an
    assessment of the care level — the amount follows the level (policy.rules.elderly_care_subsidy),
    so the finding carries none."""

    def read(policy: Policy):
        amounts = policy.raw(K.ELDERLY_CARE_AMOUNTS)
        rule = policy.raw(K.ELDERLY_SERVICE_AMOUNT)
        text = "、".join(
            f"{label}每月{_yuan(Decimal(str(amounts[level])))}元"
            for level, label in (("partly_disabled", "半失能"), ("fully_disabled", "失能"))
            if level in amounts
        )
        return int(rule["min_age"]), int(policy.number(K.ELDERLY_CARE_SCREENING_AGE)), text

    rows = [
        (county, run.born_by(min_age), min_age, run.born_by(aged), aged, text)
        for county, (min_age, aged, text) in run.counties_with(Programme.ELDERLY_CARE, read)
    ]
    table, params = values_table(rows, ["county", "latest", "min_age", "aged_by", "aged", "amounts"])
    if not table:
        return None
    residents, resident_params = run.residents()
    sql = f"""
SELECT p.person_id AS person_id, p.household_id AS household_id, p.area_code AS area_code,
 {BIRTH_YEAR} || '年' || {BIRTH_MONTH} || '月出生，年满' || t.min_age || '周岁，' || {ECONOMIC_DIFFICULTY} || '，'
 || CASE WHEN p.disability_grade IS NOT NULL THEN '持残疾证（' || {DISABILITY_TYPE} || p.disability_grade || '级）'
    ELSE '年满' || t.aged || '周岁' END
 || '，可申请失能等级评估（' || t.amounts || '），未享受经济困难失能老年人护理补贴' AS reason,
 CAST(NULL AS NUMERIC) AS monthly_amount
FROM {residents} p
JOIN ({table}) t ON p.county = t.county AND p.birth_date <= t.latest
WHERE p.birth_date <= %s AND (p.disability_grade IS NOT NULL OR p.birth_date <= t.aged_by)
 AND (p.in_dibao = 1 OR p.in_tekun = 1)"""  # noqa: S608 - constant fragments only
    return sql, [*resident_params, *params, max(row[1] for row in rows)]


# ------------------------------------------------------------------ children without parental care

# A parent's situation, as `<source>:<situation>`: the children's file (儿童档案, the latest row of the
# guardian of that relation, children.models.Guardian) when it records one, else the registry (a
# parent being the head or the head's spouse of the child's household, a son or daughter of the
# head; 死亡 when the death service recorded the death). The situations mirror children.rules.
PARENT_UNABLE = ("dead", "missing", "prison", "detox", "revoked", "severe_disability", "serious_illness")
SITUATION_TEXT = {
    "dead": "死亡",
    "missing": "失踪",
    "prison": "服刑在押",
    "detox": "强制隔离戒毒",
    "revoked": "被撤销监护资格",
    "severe_disability": "重残",
    "serious_illness": "重病",
}
PARENT_RELATIONS = "('02', '10', '11', '12')"
CHILD_RELATIONS = "('20', '30')"


def _parent(relation: str, sex: str) -> str:
    return f"""COALESCE(
 (SELECT 'c:' || g.situation FROM children_childrecord r JOIN children_guardian g ON g.child_id = r.id
  WHERE r.person_id = p.id AND r.closed_on IS NULL AND g.relation = '{relation}' ORDER BY g.id DESC LIMIT 1),
 (SELECT CASE WHEN q.life_status = 'deceased' THEN 'r:dead' ELSE 'r:normal' END
  FROM registry_membership pm JOIN registry_person q ON q.id = pm.person_id
  WHERE m.relation IN {CHILD_RELATIONS} AND pm.household_id = m.household_id AND pm.end_date IS NULL
   AND pm.relation IN {PARENT_RELATIONS} AND q.sex = '{sex}' ORDER BY q.id LIMIT 1))"""  # noqa: S608 - constant fragments only


def _said(column: str, who: str) -> str:
    cases = " ".join(f"WHEN '{value}' THEN '{text}'" for value, text in SITUATION_TEXT.items())
    return (
        f"'{who}' || CASE substr({column}, 3) {cases} ELSE '情况不明' END"
        f" || CASE WHEN substr({column}, 1, 1) = 'r' THEN '（居民库死亡登记）' ELSE '（儿童档案）' END"
    )


# who may be an orphan or a de-facto unsupported child: a child with an open file, or a son or
# daughter of a household whose head or spouse the death service recorded dead — read from the
# deceased (few), never from every resident
CHILDREN_SQL = f"""
SELECT c.person_id, c.household_id, c.area_code, c.birth_date, c.father, c.mother FROM (
 SELECT p.id AS person_id, m.household_id AS household_id, p.area_code AS area_code, p.birth_date AS birth_date,
  {_parent("father", "M")} AS father, {_parent("mother", "F")} AS mother
 FROM (
  SELECT r.person_id FROM children_childrecord r WHERE r.closed_on IS NULL
  UNION
  SELECT k.person_id FROM registry_person q
  JOIN registry_membership pm ON pm.person_id = q.id AND pm.end_date IS NULL AND pm.relation IN {PARENT_RELATIONS}
  JOIN registry_membership k ON k.household_id = pm.household_id AND k.end_date IS NULL AND k.relation IN {CHILD_RELATIONS}
  WHERE q.life_status = 'deceased'
 ) kids
 JOIN registry_person p ON p.id = kids.person_id
 {CURRENT_HOUSEHOLD}
 WHERE {LIVING} AND p.birth_date > %s  -- under the adult age (child.adult_age) today
) c"""  # noqa: S608 - constant fragments only; every value is a parameter

_UNABLE_SQL = "(" + ", ".join(f"'{s}'" for s in PARENT_UNABLE) + ")"
NOT_OTHERWISE_SUPPORTED = """NOT EXISTS (SELECT 1 FROM ledger_enrolment o WHERE o.beneficiary_id = c.person_id
 AND o.programme IN ('orphan', 'unsupported_child') AND o.status <> 'stopped')"""


def _children_finder(run: FindRun, programme: str, key: str, condition: str, what: str) -> FindSql:
    ages = run.adult_ages()
    rows = [
        (county, amount, _yuan(amount), run.born_by_today(ages[county]))
        for county, amount in run.counties_with(programme, lambda p: p.amount(key))
        if county in ages
    ]
    table, params = values_table(rows, ["county", "amount", "amount_text", "adult_by"])
    if not table:
        return None
    children, child_params = run.children()
    # the children and their parents' situations first (MATERIALIZED): else PostgreSQL folds the
    # subquery in and asks the four parent look-ups of every child of the province, not of the few
    # children of the dead (18 s a finder at 2,000,000 residents, bench/care.py)
    sql = f"""
WITH c AS MATERIALIZED (SELECT * FROM {children} x)
SELECT c.person_id AS person_id, c.household_id AS household_id, c.area_code AS area_code,
 {_said("c.father", "父亲")} || '，' || {_said("c.mother", "母亲")} || '，{what}，每月' || t.amount_text
 || '元，未享受{Programme(programme).label}' AS reason,
 t.amount AS monthly_amount
FROM c
JOIN ({table}) t ON substr(c.area_code, 1, 6) = t.county
WHERE c.birth_date > t.adult_by AND {condition} AND {NOT_OTHERWISE_SUPPORTED}"""  # noqa: S608 - constant fragments only
    return sql, [*child_params, *params]


def find_orphans(run: FindRun) -> FindSql:
    """孤儿基本生活费: a child under the adult age (child.adult_age, 18) whose father and mother are both dead — recorded by the death
    service in the registry or on the child's file (民发〔2010〕161号)."""
    both_dead = "substr(c.father, 3) = 'dead' AND substr(c.mother, 3) = 'dead'"
    return _children_finder(run, Programme.ORPHAN, K.ORPHAN_AMOUNT, both_dead, "父母双亡，属孤儿")


def find_unsupported_children(run: FindRun) -> FindSql:
    """事实无人抚养儿童基本生活费: both parents dead, missing, imprisoned, in compulsory detox, deprived
    of guardianship, severely disabled or seriously ill — but not both dead (an orphan) —
    民发〔2019〕62号 第二条; children.rules.is_unsupported is the same rule for one child."""
    condition = (
        f"substr(c.father, 3) IN {_UNABLE_SQL} AND substr(c.mother, 3) IN {_UNABLE_SQL}"
        " AND NOT (substr(c.father, 3) = 'dead' AND substr(c.mother, 3) = 'dead')"
    )
    return _children_finder(
        run, Programme.UNSUPPORTED_CHILD, K.UNSUPPORTED_CHILD_AMOUNT, condition, "属事实无人抚养儿童"
    )


register_finder(Programme.ELDERLY_ALLOWANCE, "高龄津贴：按出生日期达到津贴年龄", find_elderly_allowance)
register_finder(Programme.DISABILITY_CARE, "重度残疾人护理补贴：本县补贴的残疾等级", find_disability_care)
register_finder(Programme.DISABILITY_LIVING, "困难残疾人生活补贴：低保家庭的残疾人", find_disability_living)
register_finder(Programme.ELDERLY_SERVICE, "经济困难老年人服务补贴：低保、特困老年人", find_elderly_service)
register_finder(Programme.ELDERLY_CARE, "经济困难失能老年人护理补贴：低保、特困老年人待评估", find_elderly_care)
register_finder(Programme.ORPHAN, "孤儿基本生活费：父母均已死亡的未成年人", find_orphans)
register_finder(
    Programme.UNSUPPORTED_CHILD, "事实无人抚养儿童基本生活费：父母均无法履行抚养义务", find_unsupported_children
)
