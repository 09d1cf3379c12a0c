"""Bench: matching a death file to the registry, on PostgreSQL (issue 21, scale and speed).

    .venv/bin/python bench/deaths.py [--quick] [--persons N] [--lines N] [--keep]

On a database of its own (a copy of the bench template): N persons (1,000,000; `--quick` 100,000)
written with one INSERT … SELECT, ANALYZE; then a death file of M lines (100,000; `--quick` 10,000):
90 % the ID number of a resident, 5 % only a name and birth date that one resident has, 5 % an ID
number nobody has. Timed, as the import does it after the checks, `funerals.services.write_and_match`: the lines COPY'd into a temporary staging table, one
INSERT … SELECT into `funerals_deathreport` joined to the registry by ID number, one UPDATE … FROM for
the name-and-birth suggestions of the lines left.

| line | what | target |
|---|---|---|
| `deaths_match_<M>_lines_<N>_persons_pg` | COPY into the staging table + the join that writes the lines + the suggestions | < 10 s |
| `deaths_match_..._ratio_to_floor` | over the floor: one INSERT … SELECT writing the file's lines into an empty copy of the table (the least a pass that writes every line once can take here) | < 8 |

The matching results are checked (every kind of line counted as expected) before the figures are printed.
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common

TARGET_SECONDS = 10
TARGET_RATIO = 8

PERSONS_SQL = """
INSERT INTO registry_person (id_number, name, name_pinyin, name_initials, sex, birth_date, ethnicity, phone,
 hukou_area_code, marital_status, disability_type, disability_grade, disability_certificate, serious_illness,
 labour_capacity, employment, education, life_status, death_date, created_at, updated_at, area_code)
SELECT '430522' || to_char(DATE '1930-01-01' + (i %% 30000), 'YYYYMMDD') || lpad((i / 30000)::text, 4, '0'),
 '居民' || i, '', '', CASE WHEN i %% 2 = 0 THEN 'M' ELSE 'F' END, DATE '1930-01-01' + (i %% 30000), '汉族', '',
 '430522100201', '', '', NULL, '', '', '', '', '', 'alive', NULL, now(), now(), '430522100201'
FROM generate_series(1, %(n)s) AS i
"""


def run(persons: int, lines: int, keep: bool) -> bool:
    label = common.use_database("postgres", "deaths", keep)
    common.setup_django()
    common.migrate_and_load_county()
    print(f"[deaths] {label}", flush=True)
    return all(line.endswith("ok") for line in measure(persons, lines))


def measure(persons: int, lines: int) -> list[str]:
    """On the database Django is set up on (migrated; bench/registrations.py runs it after the
    marriage part): the registry, the file, the timed matching, its floor; the BENCH lines."""
    import random
    from datetime import date, timedelta

    from django.db import connection

    from areas.jurisdiction import system_scope
    from funerals.models import DeathFile, DeathReport
    from funerals.services import write_and_match

    print(f"[deaths] {persons:,} persons, {lines:,} lines; {common.load_average()}", flush=True)
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(PERSONS_SQL, {"n": persons})
        cursor.execute("ANALYZE registry_person")
        print(f"[deaths] registry written in {time.perf_counter() - started:.1f} s", flush=True)

    rng = random.Random(21)
    chosen = rng.sample(range(1, persons + 1), lines)
    by_id, by_name = int(lines * 0.9), int(lines * 0.05)
    rows = []
    for n, i in enumerate(chosen):
        birth = date(1930, 1, 1) + timedelta(days=i % 30000)
        number = f"430522{birth:%Y%m%d}{i // 30000:04d}"
        if n < by_id:
            rows.append((f"居民{i}", number, None))
        elif n < by_id + by_name:
            rows.append((f"居民{i}", "", birth))
        else:
            rows.append((f"外地{i}", f"110101{birth:%Y%m%d}{i % 10000:04d}", None))
    died = date(2026, 3, 2)

    with system_scope():
        death_file = DeathFile.objects.create(
            kind="death", month=date(2026, 3, 1), filename="bench.csv", area_code="430522000000"
        )
        started = time.perf_counter()
        counts = write_and_match(
            death_file,
            (
                (row_no, name, number, birth, died, "", None)
                for row_no, (name, number, birth) in enumerate(rows, start=2)
            ),
            area_code="430522000000",
        )
        elapsed = time.perf_counter() - started
        expected = {"matched": by_id, "suggested": by_name, "unmatched": lines - by_id - by_name}
        got = {k: counts[k] for k in expected}
        if got != expected:
            print(f"[deaths] WRONG RESULT: {got} expected {expected}", flush=True)
            return ["deaths WRONG RESULT MISS"]
        floor = common.rewrite_floor(
            {"funerals_deathreport": f"SELECT * FROM funerals_deathreport WHERE file_id = {int(death_file.pk)}"}
        )
        assert DeathReport.unscoped.filter(file=death_file).count() == lines
    name = f"deaths_match_{lines // 1000}k_lines_{persons // 1000}k_persons_pg"
    print(
        f"[deaths] floor (one INSERT … SELECT of the file's lines) {floor:.2f} s; {common.load_average()}", flush=True
    )
    return [
        common.bench_line(name, elapsed, "s", TARGET_SECONDS),
        common.ratio_line(name, elapsed, floor, TARGET_RATIO),
    ]


def main() -> int:
    p = common.parser(__doc__.split("\n")[0])
    p.add_argument("--persons", type=int)
    p.add_argument("--lines", type=int)
    args = p.parse_args()
    persons = args.persons or (100_000 if args.quick else 1_000_000)
    lines = args.lines or (10_000 if args.quick else 100_000)
    return 0 if run(persons, lines, args.keep) else 1


if __name__ == "__main__":
    sys.exit(main())
