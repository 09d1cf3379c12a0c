"""Small realistic ledgers for tests and the import benchmark: our template filled in, and a
bureau's 花名册 with a merged title row, a 填报单位 row, the header on row 3, a 合计 row and a
signature line, as the national system exports it.
"""

import csv
import io
import random
from datetime import date

from openpyxl import Workbook, load_workbook

from registry.idcard import make_id_number
from registry.importing.columns import TEMPLATE_COLUMNS

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国文红玉春梅海燕德林志金凤荣成云飞鹏辉斌宇晨浩子涵欣怡梓轩"


def person_row(household_key, relation: str, name: str, id_number: str, **extra) -> dict:
    return {"household_key": household_key, "relation": relation, "name": name, "id_number": id_number, **extra}


def household_rows(
    key, village_code: str, sequence: int, size: int = 3, rng: random.Random | None = None
) -> list[dict]:
    """A head with a spouse and children; IDs valid and unique per (village, sequence)."""
    rng = rng or random.Random(sequence)
    area6 = village_code[:6]
    year = 1950 + sequence % 40
    head_male = sequence % 3 != 0
    surname = SURNAMES[sequence % len(SURNAMES)]
    rows = [
        person_row(
            key,
            "户主",
            surname + rng.choice(GIVEN) + rng.choice(GIVEN),
            make_id_number(area6, date(year, 1 + sequence % 12, 1 + sequence % 28), sequence % 500, head_male),
            area_code=village_code,
            address=f"新邵县酿溪镇{sequence % 97 + 1}组{sequence}号",
            kind="农村",
            phone=f"138{sequence:08d}"[-11:],
            bank_name="新邵县农村信用合作联社",
            bank_account=f"6230{sequence:015d}",
        )
    ]
    if size >= 2:
        rows.append(
            person_row(
                key,
                "配偶",
                SURNAMES[(sequence + 7) % len(SURNAMES)] + rng.choice(GIVEN) + rng.choice(GIVEN),
                make_id_number(area6, date(year + 2, 1 + sequence % 12, 2), (sequence + 1) % 500, not head_male),
            )
        )
    for child in range(size - 2):
        male = rng.random() < 0.5
        rows.append(
            person_row(
                key,
                "子" if male else "女",
                surname + rng.choice(GIVEN) + rng.choice(GIVEN),
                make_id_number(area6, date(year + 25 + child, 3, 1 + child), (sequence + 2 + child) % 500, male),
            )
        )
    return rows


def template_workbook_bytes(
    rows: list[dict], header_labels: list[str] | None = None, columns=TEMPLATE_COLUMNS
) -> bytes:
    """Our template's layout (header on row 1) filled with `rows` (dicts keyed by column key), as
    streaming writers make it (openpyxl's write-only mode, Apache POI's SXSSF behind many systems'
    exports): every text cell inline in the sheet."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("家庭户台账")
    sheet.append(header_labels or [c.label for c in columns])
    for row in rows:
        sheet.append([row.get(c.key, "") for c in columns])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def excel_saved_bytes(rows: list[dict], columns=TEMPLATE_COLUMNS) -> bytes:
    """The same ledger as Excel or WPS saves it once a clerk has filled it in: text in the
    shared-strings table, the typed 户编号 a number. For tests and benchmarks: xlsxwriter is a
    development dependency."""
    import xlsxwriter

    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = workbook.add_worksheet("家庭户台账")
    sheet.write_row(0, 0, [c.label for c in columns])
    for number, row in enumerate(rows, 1):
        for at, column in enumerate(columns):
            value = row.get(column.key, "")
            if column.key == "household_key":
                sheet.write_number(number, at, int(value))
            elif value != "":
                sheet.write_string(number, at, str(value))
    workbook.close()
    return output.getvalue()


def template_csv_bytes(rows: list[dict], encoding: str = "utf-8-sig", columns=TEMPLATE_COLUMNS) -> bytes:
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow([c.label for c in columns])
    writer.writerows([row.get(c.key, "") for c in columns] for row in rows)
    return output.getvalue().encode(encoding)


def fill_template(template: bytes, rows: list[dict]) -> bytes:
    """What a clerk does: open the downloaded template and type the rows in under its header."""
    workbook = load_workbook(io.BytesIO(template))
    sheet = workbook["家庭户台账"]
    positions = {c.key: i for i, c in enumerate(TEMPLATE_COLUMNS, 1)}
    for offset, row in enumerate(rows, 2):
        for key, value in row.items():
            sheet.cell(row=offset, column=positions[key], value=value)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


ROSTER_HEADER = [
    "序号",
    "户主姓名",
    "户主身份证号",
    "家庭人口",
    "保障人口",
    "户月保障金额（元）",
    "联系电话",
    "家庭住址",
    "所属街道",
    "所属社区",
    "最初享受月",
    "开户银行",
    "银行帐号",
    "家庭成员姓名",
    "家庭成员身份证号",
]


def roster_workbook_bytes(households: list[list], title: str = "新邵县2025年3月城乡低保花名册") -> bytes:
    """A national-system roster: merged title, 填报单位/日期 row, header on row 3, data, 合计, signatures."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "低保花名册"
    width = len(ROSTER_HEADER)
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.append(["填报单位：酿溪镇民政办（盖章）", "", "", "", "", "", "", "", "填报日期：2025年3月31日"])
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=4)
    sheet.append(ROSTER_HEADER)
    for household in households:
        sheet.append(household)
    sheet.append(["合计", "", "", sum(int(h[3] or 0) for h in households if str(h[3]).isdigit()), "", "", ""])
    sheet.append([])
    sheet.append(["制表人：李经办", "", "", "", "审核人：", "", "", "", "单位负责人（签字）："])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def any_roster_bytes(
    header: list[str], rows: list[list], total: list | None = None, title: str = "低保花名册"
) -> bytes:
    """A roster in a county's own layout: a title row, `header`, the rows, then `total` (a 合计 row
    as the clerk's Excel SUM made it) and a signature line."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([title])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    if total is not None:
        sheet.append(total)
    sheet.append(["制表人：李经办", "", "审核人："])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
