"""The forms of Chinese certificate numbers and their look-alikes: one source of truth for
the loaders (free-text cells, loaders/certificates.py) and the notice extractor
(bidgraph/extract/patterns.py). Pure: regular expressions and checks, no spaCy, no store.

- 注册建造师: province abbreviation + level (1/2) + 11 digits whose first two are the
  province's GB/T 2260 code and next two the registration year, ``鄂242151649845``;
- 安全生产考核合格证: province + 建安/水安/交安 + category A/B/C(1-3) + year (bracketed or
  not) + 4–8 digit serial, ``鄂建安B(2022)0003573``, ``鄂水安B20150000061``;
- 资质证书: a letter A–F + 9 digits, ``D242040204``;
- ID numbers, full or partly masked (``420521199007******``);
- look-alikes that are never certificates: document numbers (``宜人社职[2023]16号``), phones.

The regexes accept any CJK character as province so a caller can report an unknown one;
``PROVINCE_CODES`` decides which are real."""

from __future__ import annotations

import re
from datetime import date

from stdnum.cn import ric

CONSTRUCTOR = "注册建造师"
SAFETY = "安全生产考核合格证"
QUALIFICATION = "资质证书"
TITLE = "职称证"
MASKED_ID = "身份证号（部分隐藏）"
LEVELS = {"1": "一级", "2": "二级"}

# GB/T 2260 province codes by the one-character abbreviation printed on certificates.
PROVINCE_CODES = {
    "京": "11", "津": "12", "冀": "13", "晋": "14", "蒙": "15", "辽": "21", "吉": "22", "黑": "23",
    "沪": "31", "苏": "32", "浙": "33", "皖": "34", "闽": "35", "赣": "36", "鲁": "37", "豫": "41",
    "鄂": "42", "湘": "43", "粤": "44", "桂": "45", "琼": "46", "渝": "50", "川": "51", "贵": "52",
    "云": "53", "藏": "54", "陕": "61", "甘": "62", "青": "63", "宁": "64", "新": "65",
}  # fmt: skip
PROVINCE_CLASS = "[" + "".join(PROVINCE_CODES) + "]"
_CJK = "[\u4e00-\u9fff]"
NOT_AFTER = r"(?<![A-Za-z0-9])"  # not inside a longer code
NOT_BEFORE = r"(?![A-Za-z0-9])"

BUILDER_NUMBER = re.compile(rf"{NOT_AFTER}(?P<province>{_CJK})(?P<level>[12])(?P<serial>\d{{11}}){NOT_BEFORE}")
# Serial: 7 digits as issued; 4-digit ones occur on real pages, longer runs are something else.
SAFETY_NUMBER = re.compile(
    rf"(?P<province>{_CJK})(?P<sector>[建水交])安(?P<level>[ABC][123]?)\s*[(（]?(?P<year>(?:19|20)\d\d)[)）]?"
    rf"\s*(?P<serial>\d{{4,8}}){NOT_BEFORE}"
)
QUALIFICATION_NUMBER = re.compile(rf"{NOT_AFTER}[A-F]\d{{9}}{NOT_BEFORE}")
ID_NUMBER = re.compile(r"(?<![A-Za-z0-9*])[1-9]\d{5}[0-9*]{9,12}[0-9Xx*]?(?![A-Za-z0-9*])")
_ID_SHAPE = re.compile(r"[1-9]\d{5}(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])\d{3}[\dXx]")  # region, birth date
DOC_NUMBER = re.compile(r"[\u4e00-\u9fffA-Za-z]{1,12}\s*[〔\[【（(](?:19|20)\d{2}[〕\]】）)]\s*\d+\s*号(?:-\d+)?")
PHONE = re.compile(r"(?<![\d-])(?:0\d{2,3}-?\d{7,8}(?:-\d{1,5})?|1[3-9]\d{9})(?![\d.])")


def builder_problems(number: str, today: date | None = None) -> list[str]:
    """What is wrong with a 注册建造师 number: the two digits after the level must be the
    province's own code and the next two a plausible registration year (2003, when the
    register opened, to this year). Empty when it is right."""
    province, digits = number[0], number[1:]
    code = PROVINCE_CODES.get(province)
    if code is None:
        return [f"未知的省份简称「{province}」"]
    problems = []
    if digits[1:3] != code:
        problems.append(f"级别数字后的两位应为「{province}」的省份代码 {code}（此处 {digits[1:3]}）")
    this_year = (today or date.today()).year
    if not 3 <= int(digits[3:5]) <= this_year % 100:
        problems.append(f"注册编号中的年份 20{digits[3:5]} 不在 2003–{this_year} 之间")
    return problems


def builder_ok(number: str, today: date | None = None) -> bool:
    """A 注册建造师 number that passes the province-code and year checks."""
    return not builder_problems(number, today)


def id_kind(value: str) -> str | None:
    """'id' for a full ID number (also with a wrong check digit), 'masked' for a partly starred one."""
    if "*" in value:
        stars = value.count("*")
        # An ID keeps its 6-digit region code; 17- and 19-character forms occur on real pages.
        # Shorter starred numbers (鄂2422****582) are masked certificates, not IDs.
        return "masked" if stars >= 4 and value[:6].isdigit() and value[0] != "0" and 15 <= len(value) <= 19 else None
    if len(value) != 18:
        return None
    # A mistyped ID (check digit wrong) is still an identity number, never a certificate.
    return "id" if ric.is_valid(value) or _ID_SHAPE.fullmatch(value) else None


def number_kind(number: str) -> str | None:
    """注册建造师 or 安全生产考核合格证 when the whole number has that form and a known province."""
    for kind, pattern in ((CONSTRUCTOR, BUILDER_NUMBER), (SAFETY, SAFETY_NUMBER)):
        match = pattern.fullmatch(number)
        if match and match["province"] in PROVINCE_CODES:
            return kind
    return None


def look_alike(text: str) -> bool:
    """A document number or a phone: printed where a certificate number is expected, never one."""
    return bool(DOC_NUMBER.search(text) or PHONE.fullmatch(text))
