"""Exports a clerk opens in Excel: money as numbers, IDs and accounts whole, CSV that Excel reads right."""

import csv
import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from core.excel import csv_safe, write_csv, write_xlsx

ID = "430522198005170011"
ACCOUNT = "6221580000012345678"


def test_xlsx_keeps_ids_as_text_money_as_numbers_and_never_writes_a_formula():
    rows = [[ID, ACCOUNT, Decimal("810.50"), '=HYPERLINK("http://x","点我")', "+1+2", "@SUM(A1)", 430522198005170011]]
    sheet = load_workbook(write_xlsx(["身份证号", "账号", "金额", "备注", "b", "c", "d"], rows)).active
    cells = next(sheet.iter_rows(min_row=2, values_only=False))
    assert [c.value for c in cells[:2]] == [ID, ACCOUNT] and {c.data_type for c in cells[:2]} == {"s"}
    assert cells[2].value == 810.5 and cells[2].data_type == "n"
    assert cells[3].data_type == "s" and cells[3].value.startswith("=HYPERLINK")  # text, not a formula
    assert cells[6].value == str(430522198005170011)  # an ID stored as a number keeps its tail


def test_csv_opens_in_excel_with_ids_whole_and_formulas_inert():
    assert csv_safe(ID) == "\t" + ID and csv_safe("43052219800517001X") == "\t43052219800517001X"
    assert csv_safe(ACCOUNT) == "\t" + ACCOUNT
    assert csv_safe("=1+1") == "'=1+1" and csv_safe("@cmd") == "'@cmd" and csv_safe("\tx") == "'\tx"
    assert csv_safe("-12.50") == "-12.50" and csv_safe(Decimal("-3.20")) == "-3.20" and csv_safe(3) == "3"
    assert csv_safe("-1+cmd") == "'-1+cmd" and csv_safe("张三") == "张三"
    data = write_csv(["姓名", "身份证号", "金额"], [["张三", ID, Decimal("810.00")]]).read()
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads UTF-8, not the system's GBK
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["姓名", "身份证号", "金额"], ["张三", "\t" + ID, "810.00"]]


ATTACK = "=cmd|' /C calc'!A0"


@pytest.mark.parametrize("text", [ATTACK, "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_a_formula_like_text_is_stored_as_text_with_its_characters_intact(text):
    output = write_xlsx(["姓名", "金额"], [[text, 500]])
    sheet = load_workbook(output).active
    # (XML turns a carriage return into a line feed; the rest of the text is kept as typed)
    assert sheet["A2"].value.lstrip() == text.lstrip() and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == 500 and sheet["B2"].data_type == "n"  # money stays a number
    output.seek(0)
    xml = zipfile.ZipFile(io.BytesIO(output.read())).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml


@pytest.mark.django_db
def test_the_full_registry_export_writes_an_imported_formula_name_as_text(client, clerk_a, township_a):
    from accounts.tests.factories import ensure_area
    from registry.tests.factories import HouseholdFactory, PersonFactory

    ensure_area("430522100201", "城西社区")
    HouseholdFactory(head=PersonFactory(name=ATTACK))
    client.force_login(clerk_a)
    response = client.get("/registry/persons/", {"export": "xlsx", "full": "1"})
    content = b"".join(response.streaming_content)
    names = [row[0].value for row in load_workbook(io.BytesIO(content)).active.iter_rows(min_row=2)]
    assert names == [ATTACK]
    assert "<f>" not in zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
