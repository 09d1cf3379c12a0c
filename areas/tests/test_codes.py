"""Level arithmetic on statistical area codes: a township's or a county's code from any code below it."""

import pytest

from areas.codes import (
    COUNTY,
    VILLAGE,
    InvalidAreaCode,
    ancestor_of,
    county_of,
    is_county_or_above,
    is_township_or_above,
    township_of,
)

VILLAGE_CODE = "430522101203"
GRID_CODE = "430522101203007"


@pytest.mark.parametrize(
    ("code", "township", "county"),
    [
        (VILLAGE_CODE, "430522101000", "430522000000"),
        (GRID_CODE, "430522101000", "430522000000"),
        ("430522101000", "430522101000", "430522000000"),
    ],
)
def test_township_and_county_of_a_code_below_them(code, township, county):
    assert township_of(code) == township
    assert county_of(code) == county


def test_village_of_a_grid_and_the_grid_itself():
    assert ancestor_of(GRID_CODE, VILLAGE) == VILLAGE_CODE
    assert ancestor_of(GRID_CODE, "grid") == GRID_CODE


def test_a_county_has_no_township_ancestor():
    with pytest.raises(InvalidAreaCode):
        township_of("430522000000")
    assert ancestor_of("430522000000", COUNTY) == "430522000000"


@pytest.mark.parametrize(
    ("code", "county_or_above", "township_or_above"),
    [
        ("430000000000", True, True),
        ("430500000000", True, True),
        ("430522000000", True, True),
        ("430522101000", False, True),
        (VILLAGE_CODE, False, False),
        # Township 100 ends in six zeros and is still a township, not a county (endswith("000000") says county).
        ("430522100000", False, True),
    ],
)
def test_levels_from_the_digits_not_from_trailing_zeros(code, county_or_above, township_or_above):
    assert is_county_or_above(code) is county_or_above
    assert is_township_or_above(code) is township_or_above
