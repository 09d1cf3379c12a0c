"""Elderly care benchmark on PostgreSQL: 政策找人 over a province, and a month's 高龄津贴 roll.

    python bench/care.py            # 10,000,000 residents, 300,000 高龄津贴 enrolments
    python bench/care.py --quick    # 200,000 residents, 10,000 enrolments
    python bench/care.py --residents 2000000 --roll 100000 --keep   # a size that fits; keep it
    python bench/care.py --reuse minzheng_bench_care_<pid>          # time again on a kept database

A database of its own, copied from a migrated template of this bench's own (named after the
migrations; the shared template of bench/common.py may be replaced by another branch's bench while
this one copies it), filled set-based with INSERT … SELECT generate_series: residents spread over
100 counties of one province (ages 0–100, one in five of those born before 1945 still alive, so
about 4 % are 80 or older; one in 16 with a disability grade; one in 97 recorded dead), a household
per three residents, 低保 for 3 % of households, 特困 for some elderly, and 高龄津贴 enrolments (the
roll: the oldest first). The province's policy is a province-level copy of the demo county's
amounts, so every county reads its bands through `policy.parameters.Policy`.

- `care_find_<size>_pg`: `outreach.services.find_eligible` for the whole province, every registered
  finder (高龄津贴, the two disability subsidies, the elderly service and care subsidies, orphans and
  事实无人抚养儿童) — target < 60 s at 10M, in proportion below; its floor, measured in the same
  run: one pass over the residents joined to their current household (what every finder must
  read) plus one INSERT … SELECT of the findings it wrote;
- `care_allowance_roll_<size>_pg`: `payments.rolls.generate_roll` of 高龄津贴 for the month — < 5 s
  at 300,000; its floor: one INSERT … SELECT of the roll's lines.
"""

import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import common  # noqa: E402
from bench.common import bench_line, load_average  # noqa: E402

FIND_RATIO = 8  # one pass over the residents (outreach.finders.candidates) and the children of the dead, then each
# finder reads those candidates (about one resident in seven), against one pass and one write
ROLL_RATIO = 4  # as the 低保 roll (bench/payments.py)

COUNTY = "'43' || lpad((1 + (g %% 100) / 10)::text, 2, '0') || lpad((1 + g %% 10)::text, 2, '0')"
FILL = f"""
INSERT INTO registry_person (id, area_code, id_number, name, name_pinyin, name_initials, sex, birth_date, ethnicity,
  phone, hukou_area_code, marital_status, disability_type, disability_grade, disability_certificate, serious_illness,
  labour_capacity, employment, education, life_status, death_date, created_at, updated_at)
SELECT 1000000 + g, {COUNTY} || lpad((1 + (g / 100) %% 20)::text, 3, '0') || lpad((201 + (g / 2000) %% 30)::text, 3, '0'),
  lpad(g::text, 18, '0'), (ARRAY['张','李','王','刘','陈','杨','赵','黄'])[1 + g %% 8] || '某', '', '',
  CASE WHEN g %% 2 = 0 THEN 'F' ELSE 'M' END, DATE '1925-01-01' + ((g::bigint * 7919) %% 36500)::int
  + CASE WHEN (g::bigint * 7919) %% 36500 < 7300 AND g %% 5 <> 0 THEN 14600 ELSE 0 END, '汉族', '', '', '',
  CASE WHEN g %% 16 = 0 THEN '4' ELSE '' END, CASE WHEN g %% 16 = 0 THEN 1 + (g / 16) %% 4 END, '', '', 'full', '', '', 'alive',
  NULL, now(), now()
FROM generate_series(1, %(n)s) g;
-- one in 97 recorded dead by the death service (the orphan finders start from them)
UPDATE registry_person SET life_status = 'deceased', death_date = DATE '2025-06-01' WHERE id %% 97 = 0;
INSERT INTO registry_household (id, area_code, number, kind, address, phone, bank_name, bank_account_name, bank_account,
  is_active, created_at, updated_at, head_id)
SELECT p.id, p.area_code, 'H' || p.id, 'rural', '湖南省', '', '农村商业银行', p.name, '62215800' || lpad(p.id::text, 11, '0'),
  TRUE, now(), now(), p.id
FROM registry_person p WHERE (p.id - 1000001) %% 3 = 0;
INSERT INTO registry_membership (area_code, relation, start_date, end_date, end_reason, household_id, person_id)
SELECT p.area_code, CASE WHEN (p.id - 1000001) %% 3 = 0 THEN '02' ELSE '20' END, DATE '2000-01-01', NULL, '',
  p.id - (p.id - 1000001) %% 3, p.id
FROM registry_person p;
INSERT INTO ledger_enrolment (area_code, programme, certificate_number, status, covered_members, monthly_amount,
  start_month, end_month, review_basis, last_reviewed_on, version, created_at, updated_at, beneficiary_id, household_id,
  care_arrangement, classified_extra, payee_name, payee_id_number, payee_relation, payee_exception_reason)
SELECT h.area_code, 'dibao', '', 'in_payment', 3, 600, DATE '2024-01-01', NULL, 'stable', DATE '2024-01-01', 1, now(), now(),
  NULL, h.id, '', 0, '', '', '', ''
FROM registry_household h WHERE (h.id / 3) %% 33 = 0;
INSERT INTO ledger_enrolment (area_code, programme, certificate_number, status, covered_members, monthly_amount,
  start_month, end_month, review_basis, last_reviewed_on, version, created_at, updated_at, beneficiary_id, household_id,
  care_arrangement, classified_extra, payee_name, payee_id_number, payee_relation, payee_exception_reason)
SELECT p.area_code, 'tekun', '', 'in_payment', 1, 900, DATE '2024-01-01', NULL, 'stable', DATE '2024-01-01', 1, now(), now(),
  p.id, p.id - (p.id - 1000001) %% 3, 'dispersed', 0, '', '', '', ''
FROM registry_person p WHERE p.id %% 331 = 0 AND p.birth_date < DATE '1960-01-01' AND p.id %% 33 <> 0;
-- 高龄津贴 in payment: the people aged 80+ (then younger ones, when the province is small), up to %(roll)s
INSERT INTO ledger_enrolment (area_code, programme, certificate_number, status, covered_members, monthly_amount,
  start_month, end_month, review_basis, last_reviewed_on, version, created_at, updated_at, beneficiary_id, household_id,
  care_arrangement, classified_extra, payee_name, payee_id_number, payee_relation, payee_exception_reason)
SELECT p.area_code, 'elderly_allowance', '', 'in_payment', 1, 50, DATE '2024-01-01', NULL, 'stable', DATE '2024-01-01', 1,
  now(), now(), p.id, m.household_id, '', 0, '', '', '', ''
FROM registry_person p JOIN registry_membership m ON m.person_id = p.id
ORDER BY CASE WHEN p.birth_date <= DATE '1944-01-01' THEN 0 ELSE 1 END, p.id LIMIT %(roll)s;
"""


def province_policy() -> None:
    """The demo county's amounts at the province level (every county of the province reads them)."""
    from policy.defaults import DEMO_AMOUNTS
    from policy.models import PolicyParameter

    for key, value in DEMO_AMOUNTS.items():
        PolicyParameter.objects.get_or_create(
            area_code="430000000000", key=key, effective_from=date(2021, 1, 1), defaults={"value": value}
        )


def find_floor() -> float:
    """One pass over the residents joined to their current household, then one INSERT … SELECT of
    the findings the run wrote into an empty copy of the table: what any finder must at least do."""
    from django.db import connection

    def scan() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*), max(p.birth_date) FROM registry_person p JOIN registry_membership m"
                " ON m.person_id = p.id AND m.end_date IS NULL WHERE p.life_status = 'alive'"
            )
            cursor.fetchall()

    scanned = common.best_of(scan, repeat=2)
    written = common.rewrite_floor({"outreach_finding": "SELECT * FROM outreach_finding"}, repeat=2)
    return scanned + written


def own_template() -> str:
    """A migrated template of this bench's own, named after the migrations (common.template_name)
    and never dropped by another bench: the shared template of bench/common.py is replaced by any
    branch's bench whose migrations differ, possibly while this one copies it. Made once (a few
    minutes on a loaded machine); every later run copies it in seconds."""
    import psycopg

    name = common.template_name().replace("minzheng_bench_tpl_", "minzheng_bench_caretpl_")
    with psycopg.connect(f"{common.PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(hashtext('minzheng_bench_care_template'))")
        try:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'DROP DATABASE IF EXISTS "{name}_building"')
                conn.execute(f'CREATE DATABASE "{name}_building"')
                common._build_template(f"{common.PG_SERVER}/{name}_building")
                conn.execute(f'ALTER DATABASE "{name}_building" RENAME TO "{name}"')
        finally:
            conn.execute("SELECT pg_advisory_unlock(hashtext('minzheng_bench_care_template'))")
    return name


def own_database(reuse: str | None) -> str:
    """A copy of the bench's template (or, with --reuse, a database a run kept, filled already)."""
    if reuse:
        os.environ["DATABASE_URL"] = f"{common.PG_SERVER}/{reuse}"
        return reuse
    dbname = f"minzheng_bench_care_{os.getpid()}"
    template = own_template()
    common._pg_admin(f'DROP DATABASE IF EXISTS "{dbname}"')
    common._pg_admin(f'CREATE DATABASE "{dbname}" TEMPLATE "{template}"')
    os.environ["DATABASE_URL"] = f"{common.PG_SERVER}/{dbname}"
    return dbname


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="200,000 residents, a roll of 10,000: under a minute")
    parser.add_argument("--residents", type=int, help="residents of the province (default 10,000,000)")
    parser.add_argument("--roll", type=int, help="高龄津贴 enrolments on the roll (default 300,000)")
    parser.add_argument("--keep", action="store_true", help="keep the filled database (its name is printed)")
    parser.add_argument("--reuse", help="a database a run kept with --keep: no fill, the timings only")
    args = parser.parse_args()
    n, roll_size = (200_000, 10_000) if args.quick else (10_000_000, 300_000)
    n, roll_size = args.residents or n, args.roll or roll_size
    database = own_database(args.reuse)
    os.environ.update({"MINZHENG_DEBUG": "1", "DJANGO_SETTINGS_MODULE": "minzheng.settings"})
    try:
        return run(n, roll_size, fill=not args.reuse)
    finally:
        if args.keep or args.reuse:
            print(f"BENCH info kept database {database}", flush=True)
        else:
            common.drop_pg_database(database)


def _fill(n: int, roll_size: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        indexes = _drop_secondary_indexes(cursor)
        # the generated rows are consistent by construction: no foreign-key trigger per row (superuser only)
        cursor.execute("SET session_replication_role = replica")
        for statement in FILL.split(";\n"):
            if "INSERT" in statement or "UPDATE" in statement:
                cursor.execute(statement, {"n": n, "roll": roll_size})
        cursor.execute("RESET session_replication_role")
        cursor.execute("SET maintenance_work_mem = '1GB'")
        for definition in indexes:  # one sort each, not ten million inserts into a dozen b-trees
            cursor.execute(definition)
        cursor.execute("RESET maintenance_work_mem")
        cursor.execute("RESET synchronous_commit")
        cursor.execute("VACUUM (ANALYZE) registry_person, registry_household, registry_membership, ledger_enrolment")
        cursor.execute("CHECKPOINT")
    province_policy()


FILLED = ["registry_person", "registry_household", "registry_membership", "ledger_enrolment"]


def _drop_secondary_indexes(cursor) -> list[str]:
    """Drop the filled tables' indexes that back no constraint (primary and unique keys stay);
    returns their definitions, to build them again once the rows are in."""
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes i WHERE schemaname = 'public' AND tablename = ANY(%s) "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
        [FILLED],
    )
    found = cursor.fetchall()
    for name, _definition in found:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in found]


def _reset_outputs() -> int:
    """A kept database: what the last run wrote goes, the residents stay; returns how many there are."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE outreach_finding")
        cursor.execute("DELETE FROM payments_rollissue")
        cursor.execute("DELETE FROM payments_rollline")
        cursor.execute("DELETE FROM payments_paymentroll")
        cursor.execute("VACUUM (ANALYZE) outreach_finding, payments_rollline")
        cursor.execute("SELECT count(*) FROM registry_person")
        return cursor.fetchone()[0]


def run(n: int, roll_size: int, fill: bool = True) -> int:
    common.setup_django()
    from django.db import connection

    from areas.jurisdiction import system_scope
    from outreach.services import find_eligible
    from payments import rolls

    with system_scope():
        started = time.perf_counter()
        if fill:
            _fill(n, roll_size)
            print(f"BENCH info filled {n} residents in {time.perf_counter() - started:.1f} s", flush=True)
        else:
            n = _reset_outputs()
            print(f"BENCH info reusing {n} residents", flush=True)
        label = f"{n // 1_000_000}m" if n >= 1_000_000 else f"{n // 1000}k"

        today = date(2026, 11, 20)
        started = time.perf_counter()
        result = find_eligible(today)
        found_seconds = time.perf_counter() - started
        found = {k: v for k, v in result.items() if not k.endswith("_seconds") and k not in ("skipped",)}
        print(f"BENCH info found {found}", flush=True)
        print(f"BENCH info per finder { ({k: v for k, v in result.items() if k.endswith('_seconds')}) }", flush=True)
        floor = find_floor()
        print(f"BENCH info find floor (one pass + one write of the findings) {floor:.2f} s", flush=True)

        month = date(2026, 12, 1)

        def generate():
            return rolls.generate_roll(programme="elderly_allowance", month=month, area_code="430000000000", user=None)

        def empty_roll() -> None:
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM payments_rollissue")
                cursor.execute("DELETE FROM payments_rollline")
                cursor.execute("VACUUM payments_rollline")

        started = time.perf_counter()
        roll = generate()
        roll_seconds = min(time.perf_counter() - started, common.best_of(generate, repeat=2, reset=empty_roll))
        roll.refresh_from_db()
        roll_floor = common.rewrite_floor(
            {"payments_rollline": f"SELECT * FROM payments_rollline WHERE roll_id = {roll.pk}"}, repeat=3
        )
        print(
            f"BENCH info roll {roll.line_count} lines, payable {roll.payable_count}, {roll.payable_fen / 100:.2f} yuan; "
            f"floor {roll_floor:.2f} s",
            flush=True,
        )
    print(f"BENCH info {load_average()}", flush=True)
    target_find = 60 * n / 10_000_000  # 60 s for the province of 10 million, in proportion below
    bench_line(f"care_find_{label}_pg", found_seconds, "s", round(target_find, 1))
    common.ratio_line(f"care_find_{label}_pg", found_seconds, floor, FIND_RATIO)
    roll_label = f"{roll.line_count // 1000}k"
    bench_line(f"care_allowance_roll_{roll_label}_pg", roll_seconds, "s", round(5 * roll_size / 300_000, 2))
    common.ratio_line(f"care_allowance_roll_{roll_label}_pg", roll_seconds, roll_floor, ROLL_RATIO)
    return 0


if __name__ == "__main__":
    sys.exit(main())
