# ruff: noqa: S608 - SQL assembled from constants and table names only; values are bound parameters
"""The sweep as SQL text: one statement per finding kind, the same text on PostgreSQL, SQLite and
DuckDB (bench/verification.py runs exactly these over Parquet files).

`enrolled_sql` materialises everyone in an open enrolment of the area, one row per (enrolment,
person), into a working table `vs_enrolled`; `hits_sql` then joins it once to the department
rows, keeping only the rows of enrolled people that a finding rule can use, into `vs_hits` (the
one expensive join: millions of rows in, a few per cent out). Each `candidates()` entry is a
SELECT of finding candidates with a natural key over these two small tables, wrapped by
`insert_sql` into `INSERT … SELECT … ON CONFLICT (natural_key) DO NOTHING`, so a second run adds
nothing. Only the missed-aid kinds, about people who need not be enrolled, read the department
rows directly (an anti-join on the (id_number, source) index). The means-tested households
(`vs_hh`) and their people (`vs_hp`) are also materialised once, not regrouped per kind.
`prepare(vendor)` lists the CREATE statements, `PG_PLAN_SETTINGS` the PostgreSQL settings of the
sweep's transactions, `reads(sql)` the working tables a statement reads. On PostgreSQL the working
tables are UNLOGGED tables, not temporary ones: a temporary table is private to its backend, so
every plan reading one runs without parallel workers, and the one expensive join (10 million
department rows) needs every core. Outside a transaction every statement runs on a connection of
its own (batch_sql.py; an INSERT … SELECT never gets parallel workers itself) as soon as the working
tables it reads are committed — the kinds that read none, or only `vs_enrolled`, beside the fills
of the others; inside one (tests) they run in list order and the tables live only in it. The
statements name the tables as here; batch_sql.working_tables renames them for the county swept
(vs_hits_430522), so two counties' sweeps never share them.

Parameters are pyformat (`%(name)s`); values: prefix, batch, month_start, year_ago, tekun_born_by,
std_urban, std_rural, max_vehicles, max_houses, deposit_months. Integers that shape the SQL
(months after a death) are formatted in, never user text.
"""

import re
from dataclasses import dataclass

from core.months import add_months_sql
from policy.programmes import Programme

T_PERSON, T_MEMBERSHIP, T_HOUSEHOLD = "registry_person", "registry_membership", "registry_household"
T_ENROLMENT, T_ROW, T_FINDING = "ledger_enrolment", "verification_datasetrow", "verification_finding"
T_ENROLLED, T_HH, T_HP, T_HITS = "vs_enrolled", "vs_hh", "vs_hp", "vs_hits"  # working tables of one sweep
# PostgreSQL, for the sweep transaction: its merge-join plans are 3× slower than hash joins here
# (bench/verification.py), and the hashes of a county's enrolled people fit in memory; JIT
# compiles each statement again in every parallel worker (~0.3 s each) for no gain on these scans.
# A working table's ANALYZE samples 3,000 rows, not 30,000: its plans need sizes and rough distinct
# counts, not histograms (0.2 s → 0.02 s per table, on the path every finding kind waits for).
PG_PLAN_SETTINGS = (
    "SET LOCAL enable_mergejoin = off",
    "SET LOCAL work_mem = '256MB'",
    "SET LOCAL jit = off",
    "SET LOCAL default_statistics_target = 10",
)

MEANS_TESTED = (Programme.DIBAO, Programme.TEKUN, Programme.EDGE, Programme.RIGID_SPENDING)
DEATH_SOURCES = "('death', 'funeral')"
# Enrolments that pay for the same need: two at once in one household is 重复救助.
NEED_GROUPS = {
    "basic": (Programme.DIBAO, Programme.EDGE),
    "temporary": (Programme.TEMPORARY_EMERGENCY, Programme.TEMPORARY_SPENDING),
    "child": (Programme.ORPHAN, Programme.UNSUPPORTED_CHILD),
}

CANDIDATE_COLUMNS = [
    "kind",
    "natural_key",
    "household_id",
    "person_id",
    "enrolment_id",
    "source",
    "batch_id",
    "event_date",
    "amount",
    "ref",
    "due_on",
    "area_code",
]
INSERT_COLUMNS = [*CANDIDATE_COLUMNS, "detail", "sweep_id", "found_at", "status", "work_note", "resolution"]

_NO_ID, _NO_DATE, _NO_AMOUNT = "CAST(NULL AS BIGINT)", "CAST(NULL AS DATE)", "CAST(NULL AS DECIMAL(14, 2))"


def _in(values) -> str:
    return "(" + ", ".join(f"'{v!s}'" for v in values) + ")"


def _key(*parts: str) -> str:
    return " || ':' || ".join(parts)


def _s(expr: str) -> str:
    return f"CAST({expr} AS VARCHAR)"


def create_table(vendor: str) -> str:
    """How a working table is created: UNLOGGED on PostgreSQL (parallel plans), else TEMP."""
    return "CREATE UNLOGGED TABLE" if vendor == "postgresql" else "CREATE TEMP TABLE"


def enrolled_sql(vendor: str, table: str = T_ENROLLED) -> str:
    means = _in(MEANS_TESTED)
    columns = (
        "e.id AS enrolment_id, e.household_id AS household_id, p.id AS person_id, p.id_number AS id_number, "
        "e.programme AS programme, e.area_code AS area_code, e.last_reviewed_on AS last_reviewed_on, "
        "e.start_month AS start_month, e.monthly_amount AS monthly_amount, e.covered_members AS covered_members, "
        "h.kind AS household_kind, h.bank_account AS bank_account, p.life_status AS life_status, "
        "p.disability_type AS disability_type, "
        f"CASE WHEN e.programme IN {means} THEN 1 ELSE 0 END AS means"
    )
    return f"""{create_table(vendor)} {table} AS
SELECT {columns}, 0 AS personal
FROM {T_ENROLMENT} e
JOIN {T_MEMBERSHIP} m ON m.household_id = e.household_id AND m.end_date IS NULL
JOIN {T_PERSON} p ON p.id = m.person_id
JOIN {T_HOUSEHOLD} h ON h.id = e.household_id
WHERE e.status <> 'stopped' AND e.beneficiary_id IS NULL AND e.area_code LIKE %(prefix)s
UNION ALL
SELECT {columns}, 1 AS personal
FROM {T_ENROLMENT} e
JOIN {T_PERSON} p ON p.id = e.beneficiary_id
JOIN {T_HOUSEHOLD} h ON h.id = e.household_id
WHERE e.status <> 'stopped' AND e.beneficiary_id IS NOT NULL AND e.area_code LIKE %(prefix)s"""


# The department rows a rule reads about an enrolled person, as the rules filter them (each rule
# repeats its own filter, so this is only a superset): deaths and funerals (any date), vehicles
# other than disabled-mobility cars, houses, active businesses, a year of wages, non-basic pensions
# and deposits. All batches: a batch sweep still counts a household's earlier cars and houses.
HIT_ROWS = f"""(r.source IN {DEATH_SOURCES}
    OR (r.source = 'vehicle' AND r.kind <> 'disabled_mobility')
    OR (r.source = 'real_estate' AND r.kind = 'house')
    OR (r.source = 'business' AND r.kind = 'active')
    OR (r.source IN ('wage', 'pension') AND r.kind <> 'pension_basic' AND r.event_date > %(year_ago)s)
    OR (r.source = 'deposit' AND r.event_date > %(year_ago)s))"""


def hits_sql(vendor: str, table: str = T_HITS, enrolled: str = T_ENROLLED) -> str:
    """The one join of the department rows to the enrolled people, by ID number.

    PostgreSQL probes the (id_number, source) index from each enrolled row, in parallel (the
    statement runs with the hash join off, `PG_STATEMENT_SETTINGS`), and drops the repeats of a person
    enrolled twice by the row id: the work grows with the enrolled people, not with the
    department rows (a hash join reads all ~10M of them every time, 2.4 s against 1.3 s here).
    SQLite and DuckDB keep the semi-join (DuckDB hash-joins its Parquet scan fastest)."""
    columns = """r.id_number AS id_number, r.source AS source, r.kind AS kind, r.amount AS amount,
  r.event_date AS event_date, r.ref AS ref, r.batch_id AS batch_id"""
    if vendor == "postgresql":
        return f"""{create_table(vendor)} {table} AS
SELECT DISTINCT r.id AS id, {columns}
FROM {enrolled} en JOIN {T_ROW} r ON r.id_number = en.id_number
WHERE {HIT_ROWS}"""
    return f"""{create_table(vendor)} {table} AS
SELECT {columns}
FROM {T_ROW} r
WHERE r.id_number IN (SELECT id_number FROM {enrolled}) AND {HIT_ROWS}"""


# PostgreSQL, settings of one statement (by its name), planned as index probes: vs_hits (above) and
# missed_care, which reaches the few grade 1–2 people's current membership through its person index
# instead of hashing every membership of the county (0.7–1.1 s → 0.5–0.7 s at 1M residents).
PG_STATEMENT_SETTINGS = {T_HITS: {"enable_hashjoin": "off"}, "missed_care": {"enable_hashjoin": "off"}}
WORKING_TABLES = (T_ENROLLED, T_HITS, T_HH, T_HP)


def prepare(vendor: str) -> list[tuple[str, str]]:
    """The statements that fill the sweep's working tables: (table, CREATE … AS), each after the
    tables it reads; the longest first (vs_hits, while vs_hh and vs_hp are filled beside it)."""
    create = create_table(vendor)
    return [
        (T_ENROLLED, enrolled_sql(vendor)),
        (T_HITS, hits_sql(vendor)),
        (T_HH, HH_SQL.format(create=create)),
        (T_HP, HP_SQL.format(create=create)),
    ]


def reads(sql: str, *, creates: str = "") -> tuple[str, ...]:
    """The working tables a statement reads (other than the one it creates): it runs once they are filled."""
    return tuple(t for t in WORKING_TABLES if t != creates and re.search(rf"\b{t}\b", sql))


# Households of the means-tested enrolments, one row each, and their people, one row each (an ID
# number is one person's, so a household's ID numbers in vs_hp are distinct as well).
HH_SQL = f"""{{create}} {T_HH} AS
SELECT household_id, MIN(enrolment_id) AS enrolment_id, MAX(covered_members) AS covered,
  MIN(household_kind) AS household_kind, MAX(last_reviewed_on) AS reviewed, MIN(area_code) AS area_code
FROM {T_ENROLLED} WHERE means = 1 AND personal = 0 GROUP BY household_id"""
HP_SQL = f"""{{create}} {T_HP} AS
SELECT DISTINCT household_id, person_id, id_number FROM {T_ENROLLED} WHERE means = 1 AND personal = 0"""
_STANDARD = (
    "CASE hh.household_kind WHEN 'urban' THEN CAST(%(std_urban)s AS DECIMAL(14, 2)) "
    "ELSE CAST(%(std_rural)s AS DECIMAL(14, 2)) END"
)


@dataclass(frozen=True)
class Candidate:
    kind: str
    sql: str
    uses_rows: bool = True  # reads department rows (restricted to the batch in a batch sweep)


def candidates(
    vendor: str,
    *,
    after_death_months: int,
    batch_only: bool,
    incompatible: list[tuple[str, str]],
    care_grades: tuple[int, ...],
):
    """The SELECTs of finding candidates, one per kind, in the CANDIDATE_COLUMNS order; `care_grades`
    are the disability grades the county pays 重度残疾人护理补贴 for (none: no missed_care)."""
    batch = "AND r.batch_id = %(batch)s" if batch_only else ""
    death_rows = f"r.id_number = en.id_number AND r.source IN {DEATH_SOURCES} AND r.event_date IS NOT NULL {batch}"
    out = [
        Candidate(
            "death",
            f"""SELECT 'death', {_key("'death'", _s("en.household_id"), _s("en.person_id"))},
  en.household_id, en.person_id, MIN(en.enrolment_id), MIN(r.source), MAX(r.batch_id), MIN(r.event_date),
  {_NO_AMOUNT}, '', {add_months_sql("MIN(r.event_date)", int(after_death_months), vendor)}, MIN(en.area_code)
FROM vs_enrolled en JOIN {T_HITS} r ON {death_rows}
GROUP BY en.household_id, en.person_id""",
        ),
        # One row per enrolment: of a household's deceased members, the last death (payments
        # after it are unfounded), so no candidate repeats a natural key and every engine keeps the same.
        Candidate(
            "paid_after_death",
            f"""SELECT kind, natural_key, household_id, person_id, enrolment_id, source, batch_id, event_date, amount,
  ref, due_on, area_code FROM (
SELECT 'paid_after_death' AS kind, {_key("'paid_after_death'", _s("en.enrolment_id"))} AS natural_key,
  en.household_id AS household_id, en.person_id AS person_id, en.enrolment_id AS enrolment_id,
  MIN(r.source) AS source, MAX(r.batch_id) AS batch_id, MIN(r.event_date) AS event_date, {_NO_AMOUNT} AS amount,
  '' AS ref, {_NO_DATE} AS due_on, MIN(en.area_code) AS area_code,
  ROW_NUMBER() OVER (PARTITION BY en.enrolment_id ORDER BY MIN(r.event_date) DESC, en.person_id DESC) AS nth
FROM vs_enrolled en JOIN {T_HITS} r ON {death_rows}
JOIN (SELECT enrolment_id, SUM(CASE WHEN life_status = 'alive' THEN 1 ELSE 0 END) AS alive
      FROM vs_enrolled GROUP BY enrolment_id) a ON a.enrolment_id = en.enrolment_id
LEFT JOIN (SELECT d.enrolment_id, COUNT(DISTINCT d.person_id) AS dead FROM vs_enrolled d
      JOIN {T_HITS} x ON x.id_number = d.id_number AND x.source IN {DEATH_SOURCES}
      WHERE d.life_status = 'alive' GROUP BY d.enrolment_id) k ON k.enrolment_id = en.enrolment_id
WHERE r.event_date < %(month_start)s AND en.start_month <= %(month_start)s
  AND (en.personal = 1 OR a.alive <= COALESCE(k.dead, 0))
GROUP BY en.enrolment_id, en.household_id, en.person_id) last_death WHERE nth = 1""",
        ),
    ]
    for kind, source, condition, limit in (
        ("vehicle", "vehicle", "r.kind <> 'disabled_mobility'", "%(max_vehicles)s"),
        ("property", "real_estate", "r.kind = 'house'", "%(max_houses)s"),
        ("business", "business", "r.kind = 'active'", "0"),
    ):
        out.append(
            Candidate(
                kind,
                f"""SELECT '{kind}', {_key(f"'{kind}'", _s("hh.household_id"), "r.ref")},
  hh.household_id, MIN(hp.person_id), hh.enrolment_id, '{source}', MAX(r.batch_id), MAX(r.event_date), MAX(r.amount),
  r.ref, {_NO_DATE}, hh.area_code
FROM (WITH owned AS (
    SELECT hp.household_id, COUNT(DISTINCT r.ref) AS n FROM {T_HP} hp JOIN {T_HITS} r
      ON r.id_number = hp.id_number AND r.source = '{source}' AND {condition} GROUP BY hp.household_id)
  SELECT hh.*, owned.n FROM {T_HH} hh JOIN owned ON owned.household_id = hh.household_id WHERE owned.n > {limit}) hh
JOIN {T_HP} hp ON hp.household_id = hh.household_id
JOIN {T_HITS} r ON r.id_number = hp.id_number AND r.source = '{source}' AND {condition} {batch}
WHERE r.event_date > hh.reviewed
GROUP BY hh.household_id, hh.enrolment_id, hh.area_code, r.ref""",
            )
        )
    out += [
        Candidate(
            "income",
            f"""SELECT 'income', {_key("'income'", _s("hh.household_id"), _s("hh.reviewed"))},
  hh.household_id, {_NO_ID}, hh.enrolment_id, 'wage', MAX(r.batch_id), MAX(r.event_date),
  CAST(SUM(r.amount) / 12 / hh.covered AS DECIMAL(14, 2)), '', {_NO_DATE}, hh.area_code
FROM (SELECT hh.*, {_STANDARD} AS standard FROM {T_HH} hh) hh
JOIN {T_HP} hp ON hp.household_id = hh.household_id
JOIN {T_HITS} r ON r.id_number = hp.id_number AND r.source IN ('wage', 'pension')
  AND r.kind <> 'pension_basic' AND r.event_date > %(year_ago)s
GROUP BY hh.household_id, hh.enrolment_id, hh.area_code, hh.covered, hh.reviewed, hh.standard
HAVING SUM(r.amount) / 12 / hh.covered > hh.standard""",
        ),
        Candidate(
            "deposit",
            f"""SELECT 'deposit', {_key("'deposit'", _s("hh.household_id"), _s("hh.reviewed"))},
  hh.household_id, {_NO_ID}, hh.enrolment_id, 'deposit', MAX(b.batch_id), MAX(b.event_date), {_NO_AMOUNT}, '',
  {_NO_DATE}, hh.area_code
FROM (SELECT hh.*, {_STANDARD} AS standard FROM {T_HH} hh) hh
JOIN (SELECT hp.household_id, hp.person_id, MAX(r.amount) AS balance, MAX(r.batch_id) AS batch_id,
        MAX(r.event_date) AS event_date
      FROM {T_HP} hp
      JOIN {T_HITS} r ON r.id_number = hp.id_number AND r.source = 'deposit' AND r.event_date > %(year_ago)s
      GROUP BY hp.household_id, hp.person_id) b ON b.household_id = hh.household_id
GROUP BY hh.household_id, hh.enrolment_id, hh.area_code, hh.covered, hh.reviewed, hh.standard
HAVING SUM(b.balance) > hh.standard * %(deposit_months)s * hh.covered""",
        ),
    ]
    out += _duplicate_candidates(incompatible)
    out += _missed_candidates(care_grades)
    return out


def _duplicate_candidates(incompatible: list[tuple[str, str]]) -> list[Candidate]:
    pairs = (
        " OR ".join(f"(a.programme = '{min(x, y)}' AND b.programme = '{max(x, y)}')" for x, y in incompatible)
        or "1 = 0"
    )
    groups = " OR ".join(
        f"(a.programme IN {_in(members)} AND b.programme IN {_in(members)})" for members in NEED_GROUPS.values()
    )
    return [
        Candidate(
            "incompatible",
            f"""SELECT 'incompatible', {_key("'incompatible'", _s("a.person_id"), "a.programme", "b.programme")},
  a.household_id, a.person_id, a.enrolment_id, '', {_NO_ID}, {_NO_DATE}, {_NO_AMOUNT}, '', {_NO_DATE}, a.area_code
FROM vs_enrolled a JOIN vs_enrolled b ON b.person_id = a.person_id AND b.enrolment_id <> a.enrolment_id
WHERE {pairs}""",
            uses_rows=False,
        ),
        Candidate(
            "two_households",
            f"""SELECT 'two_households', {_key("'two_households'", _s("a.person_id"), _s("a.household_id"), _s("b.household_id"))},
  a.household_id, a.person_id, MIN(a.enrolment_id), '', {_NO_ID}, {_NO_DATE}, {_NO_AMOUNT}, '', {_NO_DATE}, MIN(a.area_code)
FROM vs_enrolled a JOIN vs_enrolled b ON b.person_id = a.person_id AND b.household_id > a.household_id
WHERE a.person_id IN (SELECT person_id FROM vs_enrolled GROUP BY person_id
  HAVING MIN(household_id) < MAX(household_id))
GROUP BY a.person_id, a.household_id, b.household_id""",
            uses_rows=False,
        ),
        Candidate(
            "same_need",
            f"""SELECT 'same_need', {_key("'same_need'", _s("a.enrolment_id"), _s("b.enrolment_id"))},
  a.household_id, {_NO_ID}, a.enrolment_id, '', {_NO_ID}, {_NO_DATE}, {_NO_AMOUNT}, '', {_NO_DATE}, MIN(a.area_code)
FROM vs_enrolled a JOIN vs_enrolled b ON b.household_id = a.household_id AND b.enrolment_id > a.enrolment_id
  AND b.personal = a.personal AND (a.personal = 0 OR b.person_id = a.person_id)
WHERE ({groups}) AND a.household_id IN (SELECT household_id FROM vs_enrolled GROUP BY household_id
  HAVING MIN(enrolment_id) < MAX(enrolment_id))
GROUP BY a.household_id, a.enrolment_id, b.enrolment_id""",
            uses_rows=False,
        ),
        Candidate(
            "shared_account",
            f"""SELECT 'shared_account', {_key("'shared_account'", _s("a.household_id"))},
  a.household_id, {_NO_ID}, MIN(a.enrolment_id), '', {_NO_ID}, {_NO_DATE}, {_NO_AMOUNT}, '', {_NO_DATE}, MIN(a.area_code)
FROM vs_enrolled a JOIN (SELECT bank_account FROM vs_enrolled WHERE bank_account <> ''
    GROUP BY bank_account HAVING COUNT(DISTINCT household_id) > 1) s ON s.bank_account = a.bank_account
GROUP BY a.household_id""",
            uses_rows=False,
        ),
    ]


def _missed_candidates(care_grades: tuple[int, ...]) -> list[Candidate]:
    grades = ", ".join(str(int(grade)) for grade in care_grades)  # integers from policy data, formatted in
    personal_open = (
        f"SELECT beneficiary_id FROM {T_ENROLMENT} WHERE status <> 'stopped' AND programme = '{{}}' "
        "AND beneficiary_id IS NOT NULL"
    )
    missed = [
        Candidate(
            "missed_care",
            f"""SELECT 'missed_care', {_key("'missed_care'", _s("p.id"))},
  m.household_id, p.id, {_NO_ID}, '', {_NO_ID}, {_NO_DATE}, {_NO_AMOUNT}, '', {_NO_DATE}, p.area_code
FROM {T_PERSON} p JOIN {T_MEMBERSHIP} m ON m.person_id = p.id AND m.end_date IS NULL
WHERE p.area_code LIKE %(prefix)s AND p.life_status = 'alive' AND p.disability_grade IN ({grades})
  AND p.id NOT IN ({personal_open.format(Programme.DISABILITY_CARE)})
  AND NOT EXISTS (SELECT 1 FROM {T_ROW} d WHERE d.id_number = p.id_number AND d.source IN {DEATH_SOURCES})""",
            uses_rows=False,
        ),
        Candidate(
            "missed_living",
            f"""SELECT 'missed_living', {_key("'missed_living'", _s("en.person_id"))},
  en.household_id, en.person_id, MIN(en.enrolment_id), '', {_NO_ID}, {_NO_DATE}, {_NO_AMOUNT}, '', {_NO_DATE},
  MIN(en.area_code)
FROM vs_enrolled en
WHERE en.programme = '{Programme.DIBAO}' AND en.personal = 0 AND en.disability_type <> ''
  AND en.life_status = 'alive' AND en.person_id NOT IN ({personal_open.format(Programme.DISABILITY_LIVING)})
GROUP BY en.household_id, en.person_id""",
            uses_rows=False,
        ),
        Candidate(
            "missed_tekun",
            f"""SELECT 'missed_tekun', {_key("'missed_tekun'", _s("p.id"))},
  m.household_id, p.id, {_NO_ID}, '', {_NO_ID}, {_NO_DATE}, {_NO_AMOUNT}, '', {_NO_DATE}, p.area_code
FROM {T_PERSON} p JOIN {T_MEMBERSHIP} m ON m.person_id = p.id AND m.end_date IS NULL
JOIN (SELECT household_id FROM {T_MEMBERSHIP} WHERE end_date IS NULL GROUP BY household_id
      HAVING COUNT(*) = 1) alone ON alone.household_id = m.household_id
WHERE p.area_code LIKE %(prefix)s AND p.life_status = 'alive' AND p.birth_date <= %(tekun_born_by)s
  AND p.id NOT IN ({personal_open.format(Programme.TEKUN)})
  AND NOT EXISTS (SELECT 1 FROM {T_ROW} d WHERE d.id_number = p.id_number
    AND (d.source IN {DEATH_SOURCES} OR (d.source IN ('wage', 'pension') AND d.event_date > %(year_ago)s)))""",
            uses_rows=False,
        ),
    ]
    return missed if care_grades else missed[1:]  # a county that pays no care grade misses none


def finding_rows_sql(candidate_sql: str) -> str:
    """A candidate SELECT with the columns every new finding gets, in the INSERT_COLUMNS order."""
    return f"SELECT c.*, %(detail)s, %(sweep)s, %(now)s, 'open', '', '' FROM (\n{candidate_sql}\n) c"


def insert_sql(candidate_sql: str) -> str:
    """Wrap a candidate SELECT: new findings only (the natural key is unique)."""
    return (
        f"INSERT INTO {T_FINDING} ({', '.join(INSERT_COLUMNS)})\n{finding_rows_sql(candidate_sql)} WHERE true\n"
        "ON CONFLICT (natural_key) DO NOTHING"
    )
