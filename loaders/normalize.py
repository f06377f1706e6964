"""Parsing and normalizing cell values: dates, money, booleans, identifiers, names.

Parsers raise ``ValueError`` with a Chinese reason; the validator turns it into an error
record with file, row and column."""

from __future__ import annotations

import datetime as dt
import ipaddress
import math
import re
import unicodedata
from functools import lru_cache

from stdnum.cn import ric, uscc

EXCEL_EPOCH = dt.datetime(1899, 12, 30)
MAX_CELL = 10_000  # characters; longer cells are refused (a broken export, or an attack)
MONEY_MAX = 1e15  # 元; beyond it a float loses the 分 and no real price comes near (1e21, a 400-digit number)
YEARS = (1900, 2100)  # a date outside is impossible in this data; 1950–2050 is usual (see convert.py)
# Excel serials 1900–2100 are years typed into a date cell (2024 -> 1905-07-16)
_YEAR_SERIALS = (EXCEL_EPOCH.date() + dt.timedelta(days=YEARS[0]), EXCEL_EPOCH.date() + dt.timedelta(days=YEARS[1]))

_FORMULA = re.compile(r"^(=.|[+\-@]\s*[A-Za-z_][A-Za-z0-9_.]*\s*[(!|]|[+\-@].*[|!].*)", re.DOTALL)
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2})?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_TIME = re.compile(r"^(\d{1,2})\s*[:时点]\s*(\d{1,2})\s*分?(?:\s*:?\s*(\d{1,2})(?:\.\d+)?\s*秒?)?$")
_MONEY = re.compile(r"^(-?)[¥￥]?\s*([0-9][0-9,，]*(?:\.[0-9]+)?)\s*(万元|万|元)?$")
# compiled once: these run per cell on every bid row (the check pass's hot loop)
_SPACES = re.compile(r"\s+")
_MAC_SEPARATORS = re.compile(r"[-:.\s]")
_MAC = re.compile(r"[0-9A-F]{12}")
_ACCOUNT_SEPARATORS = re.compile(r"[\s-]")
_NON_DIGITS = re.compile(r"\D")
IPV4 = re.compile(r"(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)")
_MASKED_ID = re.compile(r"^[0-9]{6}[0-9*]{8,11}[0-9Xx*]$")
_TRUE = {"是", "y", "yes", "true", "1", "t", "中标", "有效", "√"}
_FALSE = {"否", "n", "no", "false", "0", "f", "未中标", "无效", "×"}
_COMPANY_SUFFIX = (("有限责任公司", "有限公司"), ("股份有限公司", "股份有限公司"))


def text(value: object) -> str:
    """A cell as stripped half-width-space text ('' for empty)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\u3000", " ").strip()


def is_formula(value: str) -> bool:
    """Cells that a spreadsheet would run as a formula (=, +, -, @ followed by a call,
    a DDE ``cmd|`` or a sheet reference). ``+86 138…`` and ``-5`` are not."""
    return bool(_FORMULA.match(value))


def parse_date(value: object) -> str:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        _check_cell_date(value)
        return value.isoformat()
    return parse_datetime(value, date_only=True)


def parse_datetime(value: object, *, date_only: bool = False) -> str:
    """ISO date or date-time from the usual forms: 2024-01-02, 2024/1/2, 2024年1月2日,
    20240102, an Excel serial number, each optionally followed by a time."""
    if isinstance(value, dt.datetime):
        _check_cell_date(value.date())
        return value.date().isoformat() if date_only else value.replace(microsecond=0).isoformat()
    if isinstance(value, dt.date):
        _check_cell_date(value)
        return value.isoformat()
    if type(value) is str and len(value) in (10, 19) and _ISO.match(value):
        try:  # the common case, quickly
            parsed = dt.datetime.fromisoformat(value)
            if not YEARS[0] <= parsed.year <= YEARS[1]:
                raise ValueError(f"日期年份不可能（应在 {YEARS[0]} 到 {YEARS[1]} 年之间）")
            return parsed.date().isoformat() if date_only or len(value) == 10 else parsed.isoformat()
        except ValueError as e:
            if "年份" in str(e):
                raise
    raw = re.sub(r"\s*([年月日时分秒点:/.\-])\s*", r"\1", text(value))
    serial = _excel_serial(value, raw)
    if serial is not None:
        return serial.date().isoformat() if date_only else serial.isoformat()
    date_part, _, time_part = re.sub(r"(\d)T(\d)", r"\1 \2", raw).partition(" ")
    if "日" in raw and not time_part:
        date_part, _, time_part = raw.partition("日")
        date_part += "日"
    match = _DATE.match(date_part.strip()) or _DATE_COMPACT.match(date_part.strip())
    if not match:
        raise ValueError("无法识别的日期（可用 2024-01-02、2024/1/2、2024年1月2日 或 Excel 日期序号）")
    try:
        day = dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        raise ValueError("日期不存在（月份或日期超出范围）") from None
    if not YEARS[0] <= day.year <= YEARS[1]:
        raise ValueError(f"日期年份不可能（应在 {YEARS[0]} 到 {YEARS[1]} 年之间）")
    if date_only or not time_part.strip():
        return day.isoformat()
    clock = _TIME.match(time_part.strip())
    if not clock:
        raise ValueError("无法识别的时间（应为 09:30 或 09:30:00）")
    hour, minute, second = int(clock.group(1)), int(clock.group(2)), int(clock.group(3) or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise ValueError("时间超出范围")
    return dt.datetime.combine(day, dt.time(hour, minute, second)).isoformat()


def _excel_serial(value: object, raw: str) -> dt.datetime | None:
    if isinstance(value, bool):
        return None
    number: float | None = float(value) if isinstance(value, int | float) else None
    if number is None and re.fullmatch(r"\d{5}(\.\d+)?", raw):
        number = float(raw)
    if number is None or not 1 <= number < 100_000:
        return None
    if YEARS[0] <= number <= YEARS[1]:
        raise ValueError(f"疑似年份而非日期（单元格为数字 {value}），请填写完整日期")
    return (EXCEL_EPOCH + dt.timedelta(days=number)).replace(microsecond=0)


def _check_cell_date(day: dt.date) -> None:
    """A spreadsheet date cell between 1905-03-14 and 1905-10-01 is a year typed into a
    date-formatted cell (2024 shows as 1905-07-16): refused, never stored as 1905."""
    if _YEAR_SERIALS[0] <= day <= _YEAR_SERIALS[1]:
        year = (day - EXCEL_EPOCH.date()).days
        raise ValueError(f"疑似年份而非日期（日期单元格中是数字 {year}，显示为 {day.isoformat()}），请填写完整日期")


def parse_money(value: object) -> tuple[float | None, str | None]:
    """(amount in 元, None), or (None, text) for a price given in words
    (按收费标准的50%计取, 下浮率3%)."""
    amount, words = _money(value)
    if amount is not None and not (math.isfinite(amount) and amount <= MONEY_MAX):
        raise ValueError(f"金额超出可处理范围（超过 {MONEY_MAX:,.0f} 元），请检查数据或单位")
    return amount, words


def _money(value: object) -> tuple[float | None, str | None]:
    if isinstance(value, int | float) and not isinstance(value, bool):
        if value < 0:
            raise ValueError("金额不能为负数")
        return float(value), None
    raw = text(value).replace(" ", "")
    match = _MONEY.match(raw)
    if match:
        if match.group(1):
            raise ValueError("金额不能为负数")
        amount = float(match.group(2).replace(",", "").replace("，", ""))
        return (round(amount * 10_000, 2) if match.group(3) in ("万元", "万") else amount), None
    if re.search(r"[\u4e00-\u9fff%％]", raw) and not raw.startswith("-"):
        return None, raw
    raise ValueError("无法识别的金额（可用 1,234.56、1234.56元、123.4万元，或文字报价）")


def parse_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    raw = text(value).lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ValueError("应为 是/否、Y/N、1/0 或 true/false")


def parse_pct(value: object) -> float:
    raw = text(value).rstrip("%％").strip()
    try:
        number = float(raw)
    except ValueError:
        raise ValueError("应为百分比数值（如 35 或 35%）") from None
    if not 0 <= number <= 100:
        raise ValueError("百分比应在 0 到 100 之间")
    return number


def parse_int(value: object) -> int:
    try:
        number = float(text(value))
    except ValueError:
        raise ValueError("应为整数") from None
    if not math.isfinite(number) or not number.is_integer():
        raise ValueError("应为整数")
    return int(number)


def parse_float(value: object) -> float:
    try:
        number = float(text(value).replace(",", ""))
    except ValueError:
        raise ValueError("应为数值") from None
    if not math.isfinite(number):
        raise ValueError("数值超出可处理范围")
    return number


def half_width(value: str) -> str:
    """Full-width digits, letters and signs (typed in Chinese input modes) as ASCII (NFKC):
    ``１３８００１３８０００`` is the same phone as ``13800138000``, the same key, the same link."""
    return value if value.isascii() else unicodedata.normalize("NFKC", value)


def _compact_code(value: object) -> str:
    """An identity code without spaces, upper case, half-width."""
    return half_width(re.sub(r"\s", "", text(value))).upper()


@lru_cache(maxsize=200_000)
def parse_uscc(value: object) -> str:
    code = _compact_code(value)
    if len(code) != 18:
        raise ValueError("统一社会信用代码应为 18 位")
    if not uscc.is_valid(code):
        raise ValueError("统一社会信用代码校验位错误")
    return code


@lru_cache(maxsize=200_000)
def parse_id_number(value: object) -> tuple[str, bool]:
    """(ID number, masked?). A full number must pass the checksum; a masked one
    (420521199007******) is accepted as it is."""
    number = _compact_code(value)
    if "*" in number:
        if len(number) != 18 or not _MASKED_ID.match(number):
            raise ValueError("掩码身份证号格式错误（应为 18 位，如 420521199007******）")
        return number, True
    if len(number) != 18 or not re.fullmatch(r"[0-9]{17}[0-9X]", number):
        raise ValueError("身份证号应为 18 位（末位可为 X）")
    # checksum and birth date only: stdnum's region table misses some real codes
    if ric.calc_check_digit(number) != number[-1]:
        raise ValueError("身份证号校验位错误")
    try:
        born = birth_date(number)
    except ValueError:
        raise ValueError("身份证号中的出生日期不存在") from None
    if born > dt.date.today():  # impossible, unlike an odd but real date
        raise ValueError(f"身份证号中的出生日期在未来（{born.isoformat()}）")
    return number, False


def birth_date(number: str) -> dt.date:
    """``ric.get_birth_date`` of a number that is already compact."""
    return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


@lru_cache(maxsize=1 << 16)  # the same companies come back in every bid and role row
def company_name(name: str) -> str:
    """Name as compared for identity: half-width punctuation, no spaces,
    有限责任公司 -> 有限公司."""
    value = unicodedata.normalize("NFKC", name)
    value = re.sub(r"\s+", "", value)
    for long, short in _COMPANY_SUFFIX:
        value = value.replace(long, short)
    return value


def phone(value: str) -> str:
    """Digits only, without +86/0086; a landline keeps (or gets back) its trunk 0:
    ``+86 371 6688 1234`` and ``0371-66881234`` are the same number."""
    value = half_width(value)
    digits = _NON_DIGITS.sub("", value)
    international = re.match(r"^(0086|86)(\d{10,11})$", digits)
    if international and (value.strip().startswith(("+", "00")) or len(digits) == 13):
        digits = international.group(2)
        if not digits.startswith("1"):
            digits = "0" + digits
    return digits


def mac(value: str) -> str:
    raw = _MAC_SEPARATORS.sub("", half_width(value)).upper()
    if not _MAC.fullmatch(raw):
        raise ValueError("MAC 地址应为 12 位十六进制（如 AA-BB-CC-DD-EE-FF）")
    return raw


def ip(value: str) -> str:
    value = half_width(value)
    if IPV4.fullmatch(value):  # already canonical (no leading zeros): what ipaddress would return
        return value
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        raise ValueError("不是有效的 IP 地址") from None


def bank_account(value: str) -> str:
    digits = _ACCOUNT_SEPARATORS.sub("", half_width(value))
    if not digits.isdigit():
        raise ValueError("银行账号应只含数字")
    return digits


def address(value: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value))


def email(value: str) -> str:
    value = half_width(value).strip().lower()
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
        raise ValueError("不是有效的电子邮箱")
    return value


def serial(value: str) -> str:
    """CPU/disk/dongle serials and file IDs: no spaces, upper case."""
    return _SPACES.sub("", half_width(value)).upper()
