"""Payment roll benchmark on PostgreSQL: 300,000 enrolments → roll generated, checked, approved,
GBK bank file written. Runs in a database of its own, a copy of the bench template (bench/common.py:
migrated once per set of migrations), filled set-based with INSERT … SELECT generate_series; never
touches the dev database.

    python bench/payments.py            # 300,000 enrolments
    python bench/payments.py --quick    # 20,000, under a minute once the template exists

The floor of the roll's work on this machine, measured in the same run: one INSERT … SELECT of the
roll's lines into an empty table with the same indexes. Generation is timed twice more, each time
into the emptied roll (the first run and these, best of three, against the floor's best of three):
`BENCH payroll_<size>_generate_pg_ratio_to_floor <x> x target <4 ok|MISS`.
"""

import argparse
import contextlib
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import common  # noqa: E402
from bench.common import bench_line, cpu_seconds, load_average  # noqa: E402

TARGET_RATIO = 4  # generation (four INSERT … SELECT, the checks, the totals) against one INSERT … SELECT of its lines


FILL = """
INSERT INTO registry_person (id, area_code, id_number, name, name_pinyin, name_initials, sex, birth_date, ethnicity,
  phone, hukou_area_code, marital_status, disability_type, disability_grade, disability_certificate, serious_illness,
  labour_capacity, employment, education, life_status, death_date, created_at, updated_at)
SELECT 1000000 + g, '430522' || lpad((100 + g %% 20)::text, 3, '0') || lpad((201 + g %% 30)::text, 3, '0'),
  '430522198001' || lpad(g::text, 6, '0'), (ARRAY['张','李','王','刘','陈','杨','赵','黄'])[1 + g %% 8] ||
  (ARRAY['伟','芳','娜','敏','静','丽','强','磊','军','洋'])[1 + (g / 8) %% 10] || CASE WHEN g %% 5000 = 0 THEN '䶮' ELSE '' END,
  '', '', 'M', DATE '1980-01-01', '汉族', '', '', '', '', NULL, '', '', '', '', '', 'alive', NULL, now(), now()
FROM generate_series(1, %(n)s) g;
INSERT INTO registry_household (id, area_code, number, kind, address, phone, bank_name, bank_account_name, bank_account,
  is_active, created_at, updated_at, head_id)
SELECT p.id, p.area_code, 'H' || p.id, 'rural', '新邵县', '', '农村商业银行', p.name, '62215800' || lpad(p.id::text, 11, '0'),
  TRUE, now(), now(), p.id
FROM registry_person p;
INSERT INTO ledger_enrolment (id, area_code, programme, certificate_number, status, covered_members, monthly_amount,
  start_month, end_month, review_basis, last_reviewed_on, version, created_at,
  updated_at, beneficiary_id, household_id, care_arrangement, classified_extra)
SELECT h.id, h.area_code, 'dibao', '', CASE WHEN h.id %% 97 = 0 THEN 'suspended' WHEN h.id %% 89 = 0 THEN 'gradual_exit'
  WHEN h.id %% 83 = 0 THEN 'stopped' ELSE 'in_payment' END, 1 + h.id %% 4, 300 + (h.id %% 500) + 0.5,
  DATE '2024-01-01', CASE WHEN h.id %% 83 = 0 THEN DATE '2025-03-01' WHEN h.id %% 89 = 0 THEN DATE '2025-07-01' END,
  'stable', DATE '2024-01-01', 1, now(), now(), NULL, h.id, '', 0
FROM registry_household h;
INSERT INTO ledger_gradualexitstep (area_code, month, amount, enrolment_id)
SELECT e.area_code, m::date, round(e.monthly_amount * 0.5, 2), e.id
FROM ledger_enrolment e, generate_series(DATE '2025-01-01', DATE '2025-06-01', interval '1 month') m
WHERE e.status = 'gradual_exit';
ANALYZE;
"""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    n = 20_000 if args.quick else 300_000
    database = common.use_database("postgres", "pay")
    os.environ.update({"MINZHENG_DEBUG": "1", "DJANGO_SETTINGS_MODULE": "minzheng.settings"})
    try:
        return run(n)
    finally:
        common.drop_pg_database(database)


class Phases:
    """Wall time of each phase, and the CPU it cost this process and the database backend (on a
    shared machine the CPU figures say what the code costs, the wall time what a user waits)."""

    def __init__(self, backend_pid: int):
        self.stat = Path(f"/proc/{backend_pid}/stat")  # the server runs on this machine
        self.figures: dict[str, tuple[float, float, float]] = {}

    def _backend_cpu(self) -> float:
        if not self.stat.exists():
            return 0.0
        fields = self.stat.read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    @contextlib.contextmanager
    def __call__(self, name: str):
        wall, cpu, backend = time.perf_counter(), cpu_seconds(), self._backend_cpu()
        yield
        self.figures[name] = (time.perf_counter() - wall, cpu_seconds() - cpu, self._backend_cpu() - backend)


def run(n: int) -> int:
    import django

    django.setup()
    from datetime import date

    from django.db import connection

    from accounts.tests.factories import StaffFactory, UnitFactory, ensure_area
    from areas.jurisdiction import system_scope
    from payments import bankfile, rolls
    from payments.models import BankLayout

    if os.environ.get("BENCH_PROFILE"):  # time each set-based statement of the roll
        original = rolls._execute

        def timed(sql, params):
            t = time.perf_counter()
            rows = original(sql, params)
            print(f"BENCH info   {time.perf_counter() - t:.2f} s {rows} rows: {' '.join(sql.split())[:70]}")
            return rows

        rolls._execute = timed
        for name in ("refresh_totals", "_next_seq", "_exists", "_count_issues"):
            function = getattr(rolls, name)

            def timed_call(*args, _function=function, _name=name, **kwargs):
                t = time.perf_counter()
                value = _function(*args, **kwargs)
                print(f"BENCH info   {time.perf_counter() - t:.2f} s {_name}")
                return value

            setattr(rolls, name, timed_call)

    with system_scope():
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit = off")
            for statement in FILL.split(";\n"):
                if statement.strip():
                    cursor.execute(statement, {"n": n})
            cursor.execute("RESET synchronous_commit")  # the roll itself commits as in production
            # Production's enrolments are months old: vacuumed (hint bits and visibility map set) and
            # their pages on disk. Freshly filled, the first reader would set every hint bit, and
            # autovacuum and the checkpointer would wake up on them during the timed roll.
            cursor.execute(
                "VACUUM (ANALYZE) registry_person, registry_household, ledger_enrolment, ledger_gradualexitstep"
            )
            cursor.execute("CHECKPOINT")
        print(f"BENCH info filled {n} enrolments in {time.perf_counter() - started:.1f} s", flush=True)
        ensure_area("430522000000", "新邵县")
        unit = UnitFactory(name="新邵县民政局", area_code="430522000000")
        maker = StaffFactory(username="bench_clerk", unit=unit, roles=["clerk"])
        checker = StaffFactory(username="bench_approver", unit=unit, roles=["approver"])
        layout = BankLayout.objects.get(code="bank-daifa-pipe")

        phases = Phases(backend_pid=connection.cursor().connection.info.backend_pid)

        def generate():
            return rolls.generate_roll(programme="dibao", month=date(2025, 4, 1), area_code="430522000000", user=maker)

        with phases("generate"):
            roll = generate()
        first = phases.figures["generate"][0]
        floor = common.rewrite_floor(
            {"payments_rollline": f"SELECT * FROM payments_rollline WHERE roll_id = {roll.pk}"}
        )

        def empty_roll() -> None:  # as before the first run: no lines, their dead rows vacuumed
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM payments_rollissue WHERE roll_id = %s", [roll.pk])
                cursor.execute("DELETE FROM payments_rollline WHERE roll_id = %s", [roll.pk])
                cursor.execute("VACUUM payments_rollline")

        best = min(first, common.best_of(generate, repeat=2, reset=empty_roll))
        roll.refresh_from_db()
        with phases("approve"):
            rolls.approve_roll(roll, user=checker)
        with phases("bankfile"):
            result = bankfile.write_bank_file(roll, layout, pay_date=roll.month, user=checker)
            with tempfile.NamedTemporaryFile(suffix=".txt") as out:
                while chunk := result.file.read(1024 * 1024):
                    out.write(chunk)
                size = out.tell()
    label = "300k" if n == 300_000 else f"{n // 1000}k"
    print(f"BENCH info roll {roll.number}: {roll.line_count} lines, payable {roll.payable_count} "
          f"({roll.payable_fen / 100:.2f} yuan), held {roll.held_count}, issues {roll.issue_count}; "
          f"bank file {result.bank_file.line_count} lines, {size / 1e6:.1f} MB, manual {len(result.manual)}")  # fmt: skip
    for name, (wall, python_cpu, postgres_cpu) in phases.figures.items():
        print(f"BENCH info {name}: {wall:.2f} s wall, CPU {python_cpu:.2f} s Python + {postgres_cpu:.2f} s PostgreSQL")
    print(f"BENCH info {load_average()}", flush=True)
    for name, budget in (("generate", 2.5), ("approve", 1), ("bankfile", 1.5)):
        bench_line(f"payroll_{label}_{name}_pg", phases.figures[name][0], "s", budget)
    bench_line(f"payroll_{label}_total_pg", sum(f[0] for f in phases.figures.values()), "s", 5)
    print(
        f"BENCH info floor: one INSERT … SELECT of the {roll.line_count} lines {floor:.2f} s; generation best of three {best:.2f} s"
    )
    common.ratio_line(f"payroll_{label}_generate_pg", best, floor, TARGET_RATIO)
    # this process only: the template's migrate subprocess (first run) is not the roll's work
    bench_line("payroll_peak_rss", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "MB", 200)
    return 0


if __name__ == "__main__":
    sys.exit(main())
