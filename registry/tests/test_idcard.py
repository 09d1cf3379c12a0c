from datetime import date

import pytest

from registry import idcard


def test_a_valid_number_gives_birth_date_and_sex():
    info = idcard.parse("11010519491231002X")
    assert info.birth_date == date(1949, 12, 31)
    assert info.sex == "F"
    assert info.issue_area_code == "110105"


def test_lower_case_x_and_spaces_are_accepted():
    assert idcard.parse(" 11010519491231002x ").number == "11010519491231002X"


def test_wrong_check_digit_is_refused_naming_the_right_one():
    with pytest.raises(idcard.InvalidIdNumber) as error:
        idcard.parse("110105194912310021")
    assert error.value.code == "id_check_digit"
    assert "最后一位应为X" in error.value.message


def test_legacy_15_digit_number_converts_to_18():
    assert idcard.normalize("110105491231002") == "11010519491231002X"
    assert idcard.parse("110105491231002").birth_date == date(1949, 12, 31)


def test_number_mangled_by_excel_is_explained():
    with pytest.raises(idcard.InvalidIdNumber) as error:
        idcard.parse("4.30522198005E+17")
    assert error.value.code == "id_number_mangled"
    assert "文本" in error.value.message


def test_impossible_birth_date_is_refused():
    first17 = "43052219800230123"
    with pytest.raises(idcard.InvalidIdNumber) as error:
        idcard.parse(first17 + idcard.check_char(first17))
    assert error.value.code == "id_birth_date"


def test_an_area_code_that_no_longer_exists_is_still_accepted():
    first17 = "43052119800101123"  # 430521 was abolished long ago
    assert idcard.parse(first17 + idcard.check_char(first17)).issue_area_code == "430521"


def test_made_numbers_are_valid_and_carry_sex():
    number = idcard.make_id_number("430522", date(2001, 2, 3), 17, male=True)
    assert idcard.parse(number).sex == "M"
    assert idcard.parse(idcard.make_id_number("430522", date(2001, 2, 3), 17, male=False)).sex == "F"
