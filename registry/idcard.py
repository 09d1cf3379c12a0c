"""Citizen ID numbers (公民身份号码, GB 11643-1999).

17 digits + check character. Digits 7–14 are the birth date, the 17th is odd for men. The first
six are the area at issue time: an ID is never rejected because that area code no longer exists.
Legacy 15-digit numbers (pre-1999: 2-digit year, no check) convert to 18.
"""

import re
from dataclasses import dataclass
from datetime import date

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"

_RE_18 = re.compile(r"^\d{17}[\dX]$")
_RE_15 = re.compile(r"^\d{15}$")


class InvalidIdNumber(ValueError):
    """Raised with a stable `code` and a Chinese message for the window clerk."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class IdInfo:
    number: str
    birth_date: date
    sex: str  # "M" / "F"
    issue_area_code: str


def check_char(first17: str) -> str:
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def normalize(raw: str) -> str:
    """Strip spaces, upper-case the x, convert a 15-digit number to 18 digits."""
    value = (raw or "").strip().replace(" ", "").upper()
    if _RE_15.match(value):
        first17 = value[:6] + "19" + value[6:]
        value = first17 + check_char(first17)
    return value


def parse(raw: str) -> IdInfo:
    """Validate and read an ID number; raise InvalidIdNumber with the reason in Chinese."""
    value = normalize(str(raw) if raw is not None else "")
    if not value:
        raise InvalidIdNumber("id_missing", "身份证号不能为空")
    if not _RE_18.match(value):
        if re.fullmatch(r"\d+(\.\d+)?(E\+?\d+)?", value) and len(value) != 18:
            raise InvalidIdNumber(
                "id_number_mangled",
                f"身份证号“{raw}”位数不对，可能被Excel当作数字存储而丢失末尾，请将单元格设为文本后重新填写",
            )
        raise InvalidIdNumber("id_format", f"身份证号“{raw}”格式错误：应为18位（最后一位可为X）或15位旧号码")
    expected = check_char(value[:17])
    if value[17] != expected:
        raise InvalidIdNumber("id_check_digit", f"身份证号“{value}”校验位错误：最后一位应为{expected}，请核对是否抄错")
    try:
        birth = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise InvalidIdNumber("id_birth_date", f"身份证号“{value}”中的出生日期{value[6:14]}不存在") from None
    if birth.year < 1880 or birth > date.today():  # noqa: DTZ011 - a calendar date, not a timestamp
        raise InvalidIdNumber("id_birth_date", f"身份证号“{value}”中的出生日期{value[6:14]}不合理")
    return IdInfo(number=value, birth_date=birth, sex="M" if int(value[16]) % 2 else "F", issue_area_code=value[:6])


def make_id_number(area6: str, birth: date, sequence: int, male: bool) -> str:
    """Build a valid 18-digit number (demo data and tests): sequence 0–499."""
    if not 0 <= sequence < 500:
        raise ValueError("sequence must be 0–499 (three digits, the last one odd for men)")
    seq = sequence * 2 + (1 if male else 0)
    first17 = f"{area6}{birth:%Y%m%d}{seq:03d}"
    return first17 + check_char(first17)
