"""Department batches: declared schemas, whole-batch validation, provenance, set-based load."""

import io

import duckdb
import pytest
from openpyxl import Workbook

from core.errors import DomainError
from registry.tests.factories import new_id_number
from verification.loading import load_batch, receive_batch, upload_from_bytes
from verification.models import Batch, DatasetRow
from verification.tests.factories import DAY, load

pytestmark = pytest.mark.django_db
HEADER = ["身份证号", "姓名", "死亡日期"]


def test_a_clean_batch_is_loaded_whole_with_its_provenance():
    ids = [new_id_number() for _ in range(3)]
    batch = load("death", HEADER, [[i, "张三", "2025.3.1"] for i in ids])
    assert batch.status == Batch.Status.LOADED
    assert (batch.version, batch.row_count, batch.provider, len(batch.sha256)) == (1, 3, "测试部门", 64)
    rows = DatasetRow.objects.filter(batch=batch)
    assert sorted(rows.values_list("id_number", flat=True)) == sorted(ids)
    assert {r.event_date.isoformat() for r in rows} == {"2025-03-01"}
    assert load("death", HEADER, [[ids[0], "张三", "20250302"]]).version == 2


def test_one_bad_row_rejects_the_whole_batch_and_every_bad_row_is_reported():
    good = new_id_number()
    bad_id = good[:-1] + ("0" if good[-1] != "0" else "1")
    batch = load(
        "wage",
        ["身份证号", "姓名", "所属月份", "应发工资"],
        [
            [good, "张三", "2025-08", "3200.50"],
            [bad_id, "李四", "2025-08", "3000"],
            [good, "张三", "2025-07", "伍佰元"],
        ],
    )
    assert batch.status == Batch.Status.REJECTED
    assert batch.error_count == 2
    assert [(e["row"], e["code"]) for e in batch.errors] == [(3, "bad_id"), (4, "bad_amount")]
    assert bad_id not in str(batch.errors)  # ID numbers are masked in the error report
    assert DatasetRow.objects.count() == 0


def test_a_missing_required_column_is_named():
    batch = load("vehicle", ["所有人身份证号", "姓名"], [[new_id_number(), "张三"]])
    assert batch.status == Batch.Status.REJECTED
    assert batch.errors[0]["code"] == "missing_columns"
    assert "号牌号码" in batch.errors[0]["message"]


def test_the_same_file_cannot_be_loaded_twice():
    rows = [[new_id_number(), "张三", "2025-03-01"]]
    load("death", HEADER, rows, name="a.csv")
    with pytest.raises(DomainError) as error:
        load("death", HEADER, rows, name="b.csv")
    assert error.value.code == "duplicate_file"


def test_gbk_csv_xlsx_with_a_title_row_and_parquet_are_read(tmp_path):
    person = new_id_number()
    gbk = ("身份证号,姓名,结算日期,医疗总费用\n" + f"{person},张三,2025-08-01,30000\n").encode("gb18030")
    batch = receive_batch(
        user=None,
        source="medical",
        upload=upload_from_bytes("医保.csv", gbk),
        provider="医保局",
        data_as_of=DAY,
        area_code="430522000000",
        start=False,
    )
    assert load_batch(batch).status == Batch.Status.LOADED

    book = Workbook()
    sheet = book.active
    sheet.append(["新邵县车辆登记信息"])
    sheet.append(["所有人身份证号", "姓名", "号牌号码", "初次登记日期", "车辆类型"])
    sheet.append([person, "张三", "湘E12345", "2025-06-01", "小型汽车"])
    sheet.append(["合计", None, None, None, None])
    buffer = io.BytesIO()
    book.save(buffer)
    batch = receive_batch(
        user=None,
        source="vehicle",
        upload=upload_from_bytes("车管.xlsx", buffer.getvalue()),
        provider="车管所",
        data_as_of=DAY,
        area_code="430522000000",
        start=False,
    )
    batch = load_batch(batch)
    assert batch.status == Batch.Status.LOADED and batch.row_count == 1
    assert DatasetRow.objects.get(batch=batch).kind == "car"

    con = duckdb.connect()
    path = tmp_path / "business.parquet"
    con.execute(
        f"COPY (SELECT '{person}' AS 身份证号, '张三' AS 姓名, DATE '2025-05-01' AS 成立日期, "
        f"'91430522MA4L000000' AS 统一社会信用代码, 50000.0 AS 注册资本) TO '{path}' (FORMAT parquet)"
    )
    with open(path, "rb") as handle:
        content = handle.read()
    batch = receive_batch(
        user=None,
        source="business",
        upload=upload_from_bytes("市监.parquet", content),
        provider="市场监管局",
        data_as_of=DAY,
        area_code="430522000000",
        start=False,
    )
    batch = load_batch(batch)
    assert batch.status == Batch.Status.LOADED
    row = DatasetRow.objects.get(batch=batch)
    assert (row.ref, row.kind, str(row.amount)) == ("91430522MA4L000000", "active", "50000.00")


def test_an_id_typed_as_a_number_in_excel_is_refused():
    book = Workbook()
    sheet = book.active
    sheet.append(["身份证号", "姓名", "死亡日期"])
    sheet.append([430522198001010000, "张三", "2025-03-01"])
    buffer = io.BytesIO()
    book.save(buffer)
    batch = receive_batch(
        user=None,
        source="death",
        upload=upload_from_bytes("d.xlsx", buffer.getvalue()),
        provider="公安",
        data_as_of=DAY,
        area_code="430522000000",
        start=False,
    )
    batch = load_batch(batch)
    assert batch.status == Batch.Status.REJECTED
    assert batch.errors[0]["code"] == "id_as_number"
