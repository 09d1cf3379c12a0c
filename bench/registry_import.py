"""Benchmark: importing a county's household ledger into PostgreSQL.

    .venv/bin/python bench/registry_import.py [--quick] [--households N]

100,000 households (~300,000 persons) from .xlsx as Excel saves it, from .xlsx as streaming writers
(system exports) make it, then the same rows from .csv, each read, checked
(ID check digits, duplicates in the file and against the registry, areas, jurisdiction) and written
in one transaction — into an empty registry, so in bulk mode (a county's take-on,
docs/decisions/0010); against saving the rows one by one through the ORM services (a small sample,
projected to the full size). Runs in its own database (a copy of the bench template, dropped
afterwards); never the dev one.

The floor of an import on this machine, measured in the same run: COPY … FROM STDIN of the rows the
import wrote (persons, households, memberships, name grams) into empty tables with the same indexes.
Each import is printed against it: `BENCH import_<format>_<size>_households_pg_ratio_to_floor <x> x
target <6 ok|MISS` (reading and checking the file are the import's own work, not the floor's).

Then a county's take-on (存量保障对象导入, ledger/takeon.py): the same number of households as a
花名册 in the national system's layout — one row per household, members merged in two cells, the
amount, 分类施保, the start month as clerks type it (2019.3) and a 合计 row — read, checked, and
written as households, persons AND 低保 enrolments with their events and review schedules, in one
transaction: `BENCH takeon_roster_<size>_households_pg` (target < 20 s) and its ratio to the floor of
COPY of every row it wrote (`--takeon-only` runs just this part).
"""

import argparse
import io
import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import common  # noqa: E402 - the path above first

TARGET_SECONDS = 15.0
TARGET_RATIO = 6.0  # read, check and write against COPY of the rows written
TAKEON_TARGET_SECONDS = 20.0
TAKEON_TARGET_RATIO = 6.0
TAKEON_HEADER = ["序号", "户主姓名", "户主身份证号", "家庭人口", "保障人口", "户月保障金额（元）", "分类施保总额（元）",
                 "区划代码", "最初享受月", "开户银行", "银行帐号", "家庭成员姓名", "家庭成员身份证号"]  # fmt: skip
LEDGER_TABLES = ["ledger_enrolment", "ledger_enrolmentevent", "ledger_reviewschedule"]
COUNTY, TOWNSHIP = "430522000000", "430522100000"
VILLAGES = [f"430522100{n:03d}" for n in range(201, 221)]


def setup_django(database_label: str) -> None:
    common.setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def make_areas() -> None:
    from areas.models import Area

    county, _ = Area.objects.get_or_create(code=COUNTY, defaults={"name": "新邵县", "level": "county"})
    township, _ = Area.objects.get_or_create(
        code=TOWNSHIP, defaults={"name": "酿溪镇", "level": "township", "parent": county}
    )
    for number, code in enumerate(VILLAGES, 1):
        Area.objects.get_or_create(
            code=code, defaults={"name": f"第{number}村", "level": "village", "parent": township}
        )


def ledger_rows(households: int, offset: int = 0) -> list[dict]:
    """About three persons per household (1–5), every ID valid and unique."""
    from registry.idcard import make_id_number
    from registry.tests.samples import GIVEN, SURNAMES

    rows, person = [], offset * 3
    relations = ["户主", "配偶", "子", "女", "母亲"]
    for index in range(offset, offset + households):
        size = 1 + (index * 7) % 5
        surname = SURNAMES[index % len(SURNAMES)]
        for member in range(size):
            birth = date(1940, 1, 1) + timedelta(days=(person * 37) % 25000)
            number = make_id_number(f"{110000 + person // 500:06d}", birth, person % 500, member % 2 == 0)
            name = surname + GIVEN[(person * 13) % len(GIVEN)] + GIVEN[(person * 7 + index) % len(GIVEN)]
            row = {"household_key": index + 1, "relation": relations[member], "name": name, "id_number": number}
            if member == 0:
                row |= {
                    "area_code": VILLAGES[index % len(VILLAGES)],
                    "address": f"新邵县酿溪镇{index % 97 + 1}组{index}号",
                    "kind": "农村",
                    "phone": f"138{index:08d}",
                    "bank_name": "新邵县农商银行",
                    "bank_account": f"6230{index:015d}",
                }
            rows.append(row)
            person += 1
    return rows


BENCH_COLUMNS = ["household_key", "relation", "name", "id_number", "area_code", "address", "kind", "phone"]
BENCH_COLUMNS += ["bank_name", "bank_account"]


def bench_columns() -> list:
    from registry.importing.columns import ALL_COLUMNS

    return [ALL_COLUMNS[key] for key in BENCH_COLUMNS]


def empty_registry() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE registry_personnamegram, registry_membership, registry_household, registry_person CASCADE"
        )


def backend_cpu() -> float:
    """CPU seconds used so far by our PostgreSQL backend (same host): separates work from waiting
    on a shared, loaded machine."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def import_file(data: bytes, filename: str) -> tuple[float, dict]:
    """Read, check and write as the import job does; returns (seconds, counts)."""
    from areas.jurisdiction import scope_for_area, within
    from registry.importing.checking import check
    from registry.importing.reading import read_sheet
    from registry.importing.writing import write_households

    started, cpu, pg_cpu = time.perf_counter(), time.process_time(), backend_cpu()
    with within(scope_for_area(TOWNSHIP)):
        sheet = read_sheet(data, filename)
        read = time.perf_counter()
        plan = check(sheet, default_area=TOWNSHIP)
        checked = time.perf_counter()
        assert not plan.problems, plan.problems[:5]
        counts = write_households(plan.households, source=filename, area_code=TOWNSHIP)
    finished = time.perf_counter()
    elapsed = finished - started
    print(f"  {filename}: read {read - started:.1f} s, check {checked - read:.1f} s, write {finished - checked:.1f} s")
    mode = "bulk (indexes rebuilt after the load)" if counts["bulk"] else "indexes kept"
    print(f"    write steps ({mode}): {counts['seconds']}")
    python_cpu, postgres_cpu = time.process_time() - cpu, backend_cpu() - pg_cpu
    print(
        f"    cpu: python {python_cpu:.1f} s + postgres backend {postgres_cpu:.1f} s (wall {elapsed:.1f} s, {common.load_average()})"
    )
    return elapsed, counts


def orm_one_by_one(rows: list[dict]) -> tuple[float, int, int]:
    """The same rows saved through the registry services, person by person, household by household."""
    from django.db import transaction

    from areas.jurisdiction import scope_for_area, within
    from registry import services
    from registry.relations import RELATION_BY_LABEL

    households: dict[int, list[dict]] = {}
    for row in rows:
        households.setdefault(row["household_key"], []).append(row)
    started = time.perf_counter()
    with within(scope_for_area(TOWNSHIP)), transaction.atomic():
        for members in households.values():
            head_row = members[0]
            area = head_row["area_code"]
            persons = [
                services.register_person(id_number=m["id_number"], name=m["name"], area_code=area) for m in members
            ]
            services.register_household(
                head=persons[0],
                members=[
                    services.NewMember(p, RELATION_BY_LABEL[m["relation"]])
                    for p, m in zip(persons[1:], members[1:], strict=True)
                ],
                address=head_row["address"],
                area_code=area,
                on_date=date.today(),  # noqa: DTZ011 - a calendar date
                phone=head_row["phone"],
                bank_name=head_row["bank_name"],
                bank_account=head_row["bank_account"],
            )
    return time.perf_counter() - started, len(households), len(rows)


def roster_bytes(rows: list[dict]) -> tuple[bytes, int]:
    """The ledger rows as a 花名册 (one row per household) as Excel saves it; returns it with the
    monthly total in fen."""
    import xlsxwriter

    households: dict[int, list[dict]] = {}
    for row in rows:
        households.setdefault(row["household_key"], []).append(row)
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = workbook.add_worksheet("低保花名册")
    sheet.write_row(0, 0, ["新邵县城乡低保花名册"])
    sheet.write_row(1, 0, TAKEON_HEADER)
    total_fen = 0
    line = 2
    for key, members in households.items():
        head, others = members[0], members[1:]
        amount_fen, extra_fen = 30000 + (key * 37) % 50000, (key % 4) * 2500
        total_fen += amount_fen + extra_fen
        sheet.write_row(
            line,
            0,
            [
                key,
                head["name"],
                head["id_number"],
                len(members),
                len(members),
                amount_fen / 100,
                extra_fen / 100,
                head["area_code"],
                f"20{15 + key % 10}.{1 + key % 12}",
                head["bank_name"],
                head["bank_account"],
                "、".join(m["name"] for m in others),
                "、".join(m["id_number"] for m in others),
            ],
        )
        line += 1
    sheet.write_row(line, 0, ["合计", "", "", "", "", "", ""])
    workbook.close()
    return output.getvalue(), total_fen


def take_on_file(data: bytes, filename: str, households: int) -> tuple[float, dict]:
    """Read, check and write a take-on as the import job does (households, persons, enrolments)."""
    from areas.jurisdiction import scope_for_area, within
    from policy.programmes import Programme
    from registry import hooks
    from registry.importing.checking import check
    from registry.importing.reading import read_sheet
    from registry.importing.writing import write_households

    take_on = hooks.take_on()
    started, cpu, pg_cpu = time.perf_counter(), time.process_time(), backend_cpu()
    with within(scope_for_area(TOWNSHIP)):
        sheet = read_sheet(data, filename, strict=True)
        read = time.perf_counter()
        plan = check(sheet, default_area=TOWNSHIP, takeon=True)
        assert not take_on.check(plan.good, programme=Programme.DIBAO)
        checked = time.perf_counter()
        assert not plan.problems, plan.problems[:5]
        summary = plan.summary()
        counts = write_households(
            plan.households,
            source=filename,
            area_code=TOWNSHIP,
            then=lambda plans: take_on.write(plans, programme=Programme.DIBAO, user=None, on_date=date(2025, 4, 1)),
        )
    finished = time.perf_counter()
    elapsed = finished - started
    assert counts["enrolments"] == households and counts["monthly_total"] == summary["monthly_total"], counts
    print(f"  {filename}: read {read - started:.1f} s, check {checked - read:.1f} s, write {finished - checked:.1f} s")
    print(f"    write steps: {counts['seconds']}")
    python_cpu, postgres_cpu = time.process_time() - cpu, backend_cpu() - pg_cpu
    print(f"    cpu: python {python_cpu:.1f} s + postgres backend {postgres_cpu:.1f} s ({common.load_average()})")
    return elapsed, counts


def empty_ledger() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(LEDGER_TABLES)} CASCADE")


def bench_take_on(households: int, label: str) -> None:
    from django.db import connection

    from areas.jurisdiction import system_scope
    from registry.importing.writing import BULK_TABLES

    with system_scope():
        empty_ledger()
        empty_registry()
    rows = ledger_rows(households)
    data, total_fen = roster_bytes(rows)
    print(
        f"take-on: 花名册 of {households:,} households, {len(data) / 1e6:.1f} MB, monthly total {total_fen / 100:,.2f}"
    )
    seconds, _counts = take_on_file(data, "低保花名册.xlsx", households)
    with connection.cursor() as cursor:
        cursor.execute("SELECT SUM(ROUND(monthly_amount * 100)) FROM ledger_enrolment")
        assert int(cursor.fetchone()[0]) == total_fen  # the ledger holds the roster's total, to the fen
    floor = common.copy_floor([model._meta.db_table for model in BULK_TABLES] + LEDGER_TABLES)
    print(f"  floor: COPY of every row the take-on wrote {floor:.2f} s")
    common.bench_line(f"takeon_roster_{label}_households_pg", seconds, "s", TAKEON_TARGET_SECONDS)
    common.ratio_line(f"takeon_roster_{label}_households_pg", seconds, floor, TAKEON_TARGET_RATIO)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 households (under a minute)")
    parser.add_argument("--households", type=int, default=None)
    parser.add_argument("--orm-sample", type=int, default=None, help="households saved one by one (300; 100 --quick)")
    parser.add_argument("--takeon-only", action="store_true", help="only the roster take-on into the ledger")
    args = parser.parse_args()
    args.orm_sample = args.orm_sample or (100 if args.quick else 300)
    households = args.households or (10_000 if args.quick else 100_000)
    database = common.use_database("postgres", "import")
    try:
        setup_django(database)
        from areas.jurisdiction import system_scope

        with system_scope():
            make_areas()
        from registry.pinyin import pinyin_of

        pinyin_of("张三")  # pypinyin loads its dictionaries once per worker process (~2 s): not per import
        label = "100k" if households == 100_000 else f"{households // 1000}k"
        if args.takeon_only:
            bench_take_on(households, label)
            return
        rows = ledger_rows(households)
        persons = len(rows)
        print(f"generating {households:,} households / {persons:,} persons ...")
        from registry.tests import samples

        # The ledger as Excel saves it (the headline figure), and as streaming writers make it.
        xlsx = samples.excel_saved_bytes(rows, columns=bench_columns())
        streamed = samples.template_workbook_bytes(rows, columns=bench_columns())
        csv_data = samples.template_csv_bytes(rows, columns=bench_columns())
        print(
            f"  xlsx {len(xlsx) / 1e6:.1f} MB (streamed {len(streamed) / 1e6:.1f} MB), csv {len(csv_data) / 1e6:.1f} MB"
        )

        xlsx_seconds, counts = import_file(xlsx, "台账.xlsx")
        assert (counts["households"], counts["persons"]) == (households, persons), counts
        from registry.importing.writing import BULK_TABLES

        floor = common.copy_floor([model._meta.db_table for model in BULK_TABLES])
        print(f"  floor: COPY of the rows written ({', '.join(m._meta.db_table for m in BULK_TABLES)}) {floor:.2f} s")
        with system_scope():
            empty_registry()
        streamed_seconds, _ = import_file(streamed, "导出台账.xlsx")
        with system_scope():
            empty_registry()
        csv_seconds, _ = import_file(csv_data, "台账.csv")

        with system_scope():
            empty_registry()
        sample = ledger_rows(args.orm_sample, offset=households + 10)
        orm_seconds, sample_households, sample_persons = orm_one_by_one(sample)
        projected = orm_seconds * persons / sample_persons

        print(f"  ORM one by one: {sample_households} households / {sample_persons} persons in {orm_seconds:.1f} s")
        common.bench_line(f"import_xlsx_{label}_households_pg", xlsx_seconds, "s", TARGET_SECONDS)
        common.bench_line(f"import_xlsx_streamed_{label}_households_pg", streamed_seconds, "s", TARGET_SECONDS)
        common.bench_line(f"import_csv_{label}_households_pg", csv_seconds, "s", TARGET_SECONDS)
        common.ratio_line(f"import_xlsx_{label}_households_pg", xlsx_seconds, floor, TARGET_RATIO)
        common.ratio_line(f"import_xlsx_streamed_{label}_households_pg", streamed_seconds, floor, TARGET_RATIO)
        common.ratio_line(f"import_csv_{label}_households_pg", csv_seconds, floor, TARGET_RATIO)
        print(f"BENCH import_orm_one_by_one_projected_pg {projected:.1f} s")
        print(f"BENCH import_speedup_vs_orm {projected / xlsx_seconds:.1f} x")
        bench_take_on(households, label)
        print(common.load_average())
    finally:
        common.drop_pg_database(database)


if __name__ == "__main__":
    main()
