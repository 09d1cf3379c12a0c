"""One cell in, one clean value out — or a `CellError` whose message a township clerk understands.

The mistakes handled here are the ones found in real ledgers (docs/domain.md §8): ID and bank numbers
that Excel stored as numbers (the tail becomes 000), amounts in words (伍佰元), dates typed as text.
"""

import functools
import operator
import re
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from registry import idcard
from registry.relations import RELATION_BY_LABEL, Relation


class CellError(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


_E_NOTATION = re.compile(r"\d(\.\d+)?E\+?\d+", flags=re.IGNORECASE)  # 4.30522198005E+17 typed or pasted
_PHONE = re.compile(r"1\d{10}|0\d{2,3}-?\d{7,8}|\d{7,8}")
_FULLWIDTH = str.maketrans("０１２３４５６７８９ＸｘＥｅ．－／", "0123456789XxEe.-/")


def text(value) -> str:
    """A cell as trimmed text; whole numbers lose their '.0'."""
    if type(value) is str:
        return value.strip()  # also strips the ideographic space U+3000
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d}"
    return str(value).strip().replace("\u3000", " ").strip()


def shown(value) -> str:
    """How Excel would show the value: 4.30522198005E+17 for a long number."""
    if isinstance(value, float | int) and not isinstance(value, bool) and abs(value) >= 1e15:
        mantissa, exponent = f"{value:.11E}".split("E")
        return f"{mantissa.rstrip('0').rstrip('.')}E{exponent}"
    return text(value)


def _excel_number_error(label: str, value) -> CellError:
    return CellError(
        "excel_number",
        f"{label}“{shown(value)}”被Excel存成了数字，末尾几位已变成0、无法还原；"
        f"请把该列设为“文本”格式后重新填写完整号码",
    )


def id_number(value) -> tuple[str, str, date]:
    """An ID cell → (number, sex "M"/"F", birth date), or a `CellError` with the reason.

    A tuple, not an `idcard.IdInfo`: a take-on checks 300,000 numbers and a frozen dataclass costs
    more to make than the rest of the common case."""
    if type(value) is str and len(value) == 18 and (found := _quick_id(value)) is not None:
        return found
    if isinstance(value, bool):
        value = ""
    if isinstance(value, float | int):
        if (isinstance(value, float) and not value.is_integer()) or abs(value) >= 1e15:
            raise _excel_number_error("身份证号", value)
        value = str(int(value))  # a 15-digit legacy number survives as a number
    raw = _halfwidth(text(value)).lstrip("'").replace(" ", "")
    if len(raw) == 18 and (found := _quick_id(raw)) is not None:
        return found
    if _E_NOTATION.fullmatch(raw):
        raise _excel_number_error("身份证号", raw)
    try:
        info = idcard.parse(raw)
    except idcard.InvalidIdNumber as exc:
        if exc.code == "id_check_digit" and len(raw) == 18 and raw.endswith("000"):
            raise _excel_number_error("身份证号", raw) from None
        raise CellError(exc.code, exc.message) from None
    return info.number, info.sex, info.birth_date


def _halfwidth(raw: str) -> str:
    """Full-width digits and signs as ASCII; ASCII text is returned as it is (the common case,
    without translate's look-up per character)."""
    return raw if raw.isascii() else raw.translate(_FULLWIDTH)


_WEIGHTS = idcard.WEIGHTS


@functools.lru_cache(maxsize=8192)
def _area_sum(digits: str) -> int:
    return sum(map(operator.mul, map(int, digits), _WEIGHTS[:6]))


@functools.lru_cache(maxsize=65536)
def _birth(digits: str) -> tuple[date, int] | None:
    """The birth date in digits 7–14 with their weighted sum; None if no such day from 1880 on, or
    not yet past when first asked (a day in the future stays cached as None and takes the slow
    path of `idcard.parse`, which judges it on the day it is asked: time only moves forward)."""
    try:
        birth = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None
    if birth.year < 1880 or birth > date.today():  # noqa: DTZ011 - a calendar date
        return None
    return birth, sum(map(operator.mul, map(int, digits), _WEIGHTS[6:14]))


@functools.lru_cache(maxsize=1024)
def _sequence_sum(digits: str) -> int:
    return sum(map(operator.mul, map(int, digits), _WEIGHTS[14:]))


def _quick_id(raw: str) -> tuple[str, str, date] | None:
    """The common case without regexes: a correct 18-digit number. Anything else → None, and
    `idcard.parse` gives the reason. The check sum is added from cached sums of the area, birth
    date and sequence (a ledger repeats a few areas and days)."""
    first17 = raw[:17]
    if not first17.isdigit() or not first17.isascii():
        return None
    born = _birth(raw[6:14])
    if born is None:
        return None
    birth, birth_sum = born
    last = raw[17].upper()
    if idcard.CHECK_CHARS[(_area_sum(raw[:6]) + birth_sum + _sequence_sum(raw[14:17])) % 11] != last:
        return None
    return first17 + last, "M" if raw[16] in "13579" else "F", birth


def digits(value, label: str, min_len: int, max_len: int) -> str:
    """Bank accounts and the like: digits only, never a number Excel has rounded."""
    if isinstance(value, float | int) and not isinstance(value, bool):
        if (isinstance(value, float) and not value.is_integer()) or abs(value) >= 1e15:
            raise _excel_number_error(label, value)
        value = str(int(value))
    raw = _halfwidth(text(value)).lstrip("'").replace(" ", "").replace("-", "")
    if not raw or (raw.isdigit() and min_len <= len(raw) <= max_len):
        return raw
    if _E_NOTATION.fullmatch(raw):
        raise _excel_number_error(label, raw)
    raise CellError("digits", f"{label}“{raw}”格式错误：应为{min_len}～{max_len}位数字")


def phone(value) -> str:
    raw = _halfwidth(text(value)).replace(" ", "")
    if not raw:
        return ""
    if not _PHONE.fullmatch(raw):
        raise CellError("phone", f"联系电话“{raw}”格式错误：应为11位手机号或带区号的固定电话")
    return raw


# --- dates -------------------------------------------------------------------------------------

_YMD = re.compile(r"^(\d{4})\s*[.\-/年]\s*(\d{1,2})\s*[.\-/月]\s*(\d{1,2})\s*日?$")
_DMY = re.compile(r"^(\d{1,2})[.\-/](\d{1,2})[.\-/](\d{4})$")
_SHORT_YEAR = re.compile(r"^(\d{2})[.\-/年](\d{1,2})[.\-/月](\d{1,2})日?$")
_YM = re.compile(r"^(\d{4})\s*[.\-/年]\s*(\d{1,2})\s*月?$")
_EXCEL_EPOCH = date(1899, 12, 30)


def _make_date(label: str, raw: str, year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise CellError("date_invalid", f"{label}“{raw}”不是有效日期") from None


def a_date(value, label: str = "日期") -> date | None:
    """Accepts real dates, Excel serials and unambiguous text: 2025.3.1, 2025/3/1, 2025年3月1日, 20250301."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, float | int) and not isinstance(value, bool):
        if 19000101 <= value <= 21001231 and float(value).is_integer():
            raw = str(int(value))
            return _make_date(label, raw, int(raw[:4]), int(raw[4:6]), int(raw[6:]))
        if 1 <= value < 80000:
            return _EXCEL_EPOCH + timedelta(days=int(value))
    raw = _halfwidth(text(value)).replace(" ", "")
    if match := _YMD.match(raw):
        return _make_date(label, raw, *map(int, match.groups()))
    if re.fullmatch(r"\d{8}", raw):
        return _make_date(label, raw, int(raw[:4]), int(raw[4:6]), int(raw[6:]))
    if match := _DMY.match(raw):
        first, second, year = map(int, match.groups())
        if first <= 12 and second <= 12 and first != second:
            raise CellError(
                "date_ambiguous",
                f"{label}“{raw}”有歧义（可能是{first}月{second}日，也可能是{second}月{first}日），"
                f"请按“年-月-日”填写，如{year}-{first:02d}-{second:02d}",
            )
        month, day = (first, second) if second > 12 else (second, first)
        return _make_date(label, raw, year, month, day)
    if _SHORT_YEAR.match(raw):
        raise CellError("date_ambiguous", f"{label}“{raw}”的年份只有两位，无法确定世纪，请写四位年份，如2025-03-01")
    raise CellError("date_format", f"{label}“{raw}”无法识别为日期，请按“年-月-日”填写，如2025-03-01")


def a_month(value, label: str = "月份") -> date | None:
    """A month such as 最初享受月: 2019-03, 2019.3, 2019年3月, 201903, or a full date."""
    raw = _halfwidth(text(value)).replace(" ", "")
    if match := _YM.match(raw):
        return _make_date(label, raw, int(match[1]), int(match[2]), 1)
    if re.fullmatch(r"\d{6}", raw):
        return _make_date(label, raw, int(raw[:4]), int(raw[4:]), 1)
    found = a_date(value, label)
    return found.replace(day=1) if found else None


# --- money -------------------------------------------------------------------------------------

_CN_DIGITS = {"零": 0, "〇": 0, "壹": 1, "一": 1, "贰": 2, "二": 2, "两": 2, "叁": 3, "三": 3, "肆": 4, "四": 4}
_CN_DIGITS |= {"伍": 5, "五": 5, "陆": 6, "六": 6, "柒": 7, "七": 7, "捌": 8, "八": 8, "玖": 9, "九": 9}
_CN_UNITS = {"拾": 10, "十": 10, "佰": 100, "百": 100, "仟": 1000, "千": 1000}
_CN_CHARS = set(_CN_DIGITS) | set(_CN_UNITS) | set("万亿元圆角分整正")


def chinese_amount(raw: str) -> Decimal | None:
    """伍佰元 → 500, 壹仟贰佰叁拾元伍角 → 1230.5; None if it is not a plain amount in words."""
    body = raw.replace("人民币", "").replace("整", "").replace("正", "").replace("圆", "元")
    if not body or not set(body) <= _CN_CHARS:
        return None
    yuan, _, rest = body.partition("元")
    total, section, digit = 0, 0, 0
    for char in yuan:
        if char in _CN_DIGITS:
            digit = _CN_DIGITS[char]
        elif char in _CN_UNITS:
            section += (digit or 1) * _CN_UNITS[char]
            digit = 0
        elif char == "万":
            total += (section + digit) * 10000
            section, digit = 0, 0
        else:
            return None
    value = Decimal(total + section + digit)
    jiao = re.search(r"(.)角", rest)
    fen = re.search(r"(.)分", rest)
    if jiao and jiao[1] in _CN_DIGITS:
        value += Decimal(_CN_DIGITS[jiao[1]]) / 10
    if fen and fen[1] in _CN_DIGITS:
        value += Decimal(_CN_DIGITS[fen[1]]) / 100
    return value


def amount(value, label: str = "金额") -> Decimal | None:
    """Yuan with at most two decimals (the 一卡通 rule ^\\d{1,10}(\\.\\d{1,2})?$)."""
    if value is None or value == "":
        return None
    if isinstance(value, float | int) and not isinstance(value, bool):
        result = Decimal(str(value))
        if result < 0:
            raise CellError("amount_negative", f"{label}“{text(value)}”不能为负数")
        return result.quantize(Decimal("0.01"))
    raw = _halfwidth(text(value)).replace(" ", "").replace(",", "").replace("，", "")
    raw = raw.removeprefix("¥").removeprefix("￥")
    if re.fullmatch(r"\d{1,10}(\.\d{1,2})?元?", raw):
        return Decimal(raw.removesuffix("元"))
    if any(char in _CN_CHARS for char in raw):
        words = chinese_amount(raw)
        hint = f"（应为{words.normalize():f}）" if words is not None else ""
        raise CellError("amount_in_words", f"{label}“{raw}”是汉字金额，请改为阿拉伯数字{hint}，单位为元，最多两位小数")
    try:
        Decimal(raw)
    except InvalidOperation:
        raise CellError("amount_format", f"{label}“{raw}”不是数字，请填写以元为单位的金额，如500或500.50") from None
    raise CellError("amount_format", f"{label}“{raw}”格式错误：应为不超过10位整数、最多两位小数的非负金额")


def count(value, label: str) -> int | None:
    raw = text(value).replace("人", "").replace("口", "")
    if not raw:
        return None
    if not raw.isdigit():
        raise CellError("count_format", f"{label}“{text(value)}”应为整数")
    return int(raw)


# --- code lists ----------------------------------------------------------------------------------


def relation(value) -> str:
    raw = text(value).replace(" ", "")
    code = RELATION_BY_LABEL.get(raw) or (raw if raw in Relation.values else None)
    if code is None:
        raise CellError("relation", f"与户主关系“{raw}”无法识别，请从下拉列表中选择（如户主、配偶、子、女、父母）")
    return str(code)


def choice(value, label: str, options: dict[str, str], required: bool = False) -> str:
    """A label from a drop-down list (or its code) → the stored code."""
    raw = text(value).replace(" ", "")
    if not raw:
        if required:
            raise CellError("required", f"{label}不能为空")
        return ""
    if raw in options:
        return options[raw]
    if raw in options.values():
        return raw
    listed = "、".join(dict.fromkeys(k for k in options if not k.isascii()))
    raise CellError("choice", f"{label}“{raw}”不在可选范围内（{listed}）")
