"""Exports a clerk opens in Excel: money as numbers, IDs and accounts whole, CSV that Excel reads right."""

import csv
import io
from decimal import Decimal

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
