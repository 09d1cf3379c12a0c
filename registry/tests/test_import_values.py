"""The cell cleaners and the header finder: the clerks' real mistakes, each with its Chinese reason."""

import random
from datetime import date, timedelta

import pytest

from registry import idcard
from registry.importing import values as v
from registry.importing.reading import read_sheet, row_kind
from registry.tests import samples


def test_id_typed_as_a_number_is_reported_not_guessed():
    with pytest.raises(v.CellError) as error:
        v.id_number(430522198005170000.0)
    assert error.value.code == "excel_number" and "4.30522198005E+17" in error.value.message
    with pytest.raises(v.CellError) as error:
        v.id_number("430522198005170000")  # pasted back as text: the tail is already 000
    assert error.value.code == "excel_number"
    assert v.id_number(430522800517001.0)[0] == idcard.normalize("430522800517001")  # 15 digits survive


def test_quick_id_path_agrees_with_idcard_parse():
    rng = random.Random(7)
    for _ in range(2000):
        number = idcard.make_id_number(
            "430522",
            date(1930 + rng.randrange(90), 1 + rng.randrange(12), 1 + rng.randrange(28)),
            rng.randrange(500),
            rng.random() < 0.5,
        )
        info = idcard.parse(number)
        assert v.id_number(number) == v.id_number(number.lower()) == (info.number, info.sex, info.birth_date)


def test_id_born_after_today_is_reported_however_often_it_is_read():
    tomorrow = date.today() + timedelta(days=1)  # noqa: DTZ011 - a calendar date
    number = idcard.make_id_number("430522", tomorrow, 1, True)
    for _ in range(2):  # the second time from the cache of birth dates
        with pytest.raises(v.CellError) as error:
            v.id_number(number)
        assert error.value.code == "id_birth_date"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2025.3.1", date(2025, 3, 1)),
        ("2025/3/1", date(2025, 3, 1)),
        ("2025年3月1日", date(2025, 3, 1)),
        ("20250301", date(2025, 3, 1)),
        ("13/3/2025", date(2025, 3, 13)),
        (45717.0, date(2025, 3, 1)),
    ],
)
def test_unambiguous_dates_are_accepted(raw, expected):
    assert v.a_date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [("3/1/2025", "有歧义"), ("25.3.1", "年份只有两位"), ("2025.2.30", "不是有效日期"), ("三月一日", "无法识别")],
)
def test_ambiguous_or_wrong_dates_are_reported(raw, reason):
    with pytest.raises(v.CellError) as error:
        v.a_date(raw, "入户日期")
    assert reason in error.value.message and "入户日期" in error.value.message


def test_amounts():
    assert str(v.amount("500.50")) == "500.50" and str(v.amount("¥1,200元")) == "1200"
    with pytest.raises(v.CellError) as error:
        v.amount("伍佰元", "户月保障金额")
    assert "汉字金额" in error.value.message and "应为500" in error.value.message
    assert v.chinese_amount("壹仟贰佰叁拾元伍角") == v.amount("1230.5")
    with pytest.raises(v.CellError):
        v.amount("500.555")


def test_bank_account_typed_as_a_number():
    with pytest.raises(v.CellError) as error:
        v.digits(6.23000100000001e18, "银行账号", 8, 32)
    assert "被Excel存成了数字" in error.value.message


def test_roster_header_below_title_rows_and_total_and_signature_skipped():
    head = idcard.make_id_number("430522", date(1960, 4, 5), 1, True)
    data = samples.roster_workbook_bytes(
        [[1, "张建国", head, 1, 1, 650, "", "3组", "酿溪镇", "城西社区", "", "", "", "", ""]]
    )
    sheet = read_sheet(data, "花名册.xlsx")
    assert sheet.header_index == 2 and sheet.layout == "roster"
    assert [row for row, _cells in sheet.data_rows()] == [4]
    assert sheet.skipped == {"合计行": 1, "签字行": 1}


@pytest.mark.parametrize(
    ("cells", "kind"),
    [
        (["1", "户主", "张小合", "430522196004050013", "审计局宿舍"], "data"),  # marker characters inside data
        (["2", "子", "李四", 430522196004050013.0], "data"),
        (["", None, "  ", "\u3000"], "empty"),
        (["合 计", "", 3, 1950.0], "合计行"),
        ([None, "小计", 2], "合计行"),
        (["制表人：王五", "", "审核人：赵六"], "签字行"),
        (["签字", "430522196004050013"], "data"),  # a person's row mentioning 签字 keeps its ID
    ],
)
def test_row_kinds(cells, kind):
    assert row_kind(cells) == kind
