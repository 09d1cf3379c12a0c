"""Statistical area codes (统计用区划代码): 12 digits = 6 county + 3 township + 3 village.

Grids (网格) are not part of the national code; we give them the village code plus a 3-digit
sequence, so a grid's 15-character code starts with its village's code and prefix scoping works
unchanged at every level.
"""

import re

from django.utils.translation import gettext_lazy as _

PROVINCE, CITY, COUNTY, TOWNSHIP, VILLAGE, GRID = "province", "city", "county", "township", "village", "grid"
LEVELS = [PROVINCE, CITY, COUNTY, TOWNSHIP, VILLAGE, GRID]
LEVEL_LABELS = {
    PROVINCE: _("省"),
    CITY: _("市"),
    COUNTY: _("县/区"),
    TOWNSHIP: _("乡镇/街道"),
    VILLAGE: _("村/社区"),
    GRID: _("网格"),
}
# Significant prefix length of a code at each level.
PREFIX_LENGTH = {PROVINCE: 2, CITY: 4, COUNTY: 6, TOWNSHIP: 9, VILLAGE: 12, GRID: 15}

_CODE_RE = re.compile(r"^\d{12}(\d{3})?$")


class InvalidAreaCode(ValueError):
    pass


def validate_code(code: str) -> str:
    if not isinstance(code, str) or not _CODE_RE.match(code):
        raise InvalidAreaCode(_("区划代码必须是12位数字（网格为15位）：%(code)s") % {"code": code})
    return code


def level_of(code: str) -> str:
    """Level of a statistical code, read from which digit groups are non-zero."""
    validate_code(code)
    if len(code) == 15:
        return GRID
    if code[9:12] != "000":
        return VILLAGE
    if code[6:9] != "000":
        return TOWNSHIP
    if code[4:6] != "00":
        return COUNTY
    if code[2:4] != "00":
        return CITY
    return PROVINCE


def prefix_of(code: str) -> str:
    """The part of a code every area below it shares: 430522000000 → 430522."""
    return code[: PREFIX_LENGTH[level_of(code)]]


def is_within(code: str, ancestor_code: str) -> bool:
    return code.startswith(prefix_of(ancestor_code))


def ancestor_of(code: str, level: str) -> str:
    """The 12-digit code of the area at `level` that contains `code`: (430522101203, county) →
    430522000000. A code above `level` has no such ancestor and raises InvalidAreaCode."""
    if LEVELS.index(level_of(code)) < LEVELS.index(level):
        raise InvalidAreaCode(_("区划代码 %(code)s 不在%(level)s之下") % {"code": code, "level": LEVEL_LABELS[level]})
    keep = PREFIX_LENGTH[level]
    return code if level == GRID else code[:keep] + "0" * (12 - keep)


def county_of(code: str) -> str:
    return ancestor_of(code, COUNTY)


def township_of(code: str) -> str:
    return ancestor_of(code, TOWNSHIP)


def is_county_or_above(code: str) -> bool:
    """A county bureau's (or higher) area, as opposed to a township's or a village's."""
    return LEVELS.index(level_of(code)) <= LEVELS.index(COUNTY)


def is_township_or_above(code: str) -> bool:
    return LEVELS.index(level_of(code)) <= LEVELS.index(TOWNSHIP)
