"""Regular patterns for the entities of trading-centre notices, with the sanity checks that
keep look-alikes out (document numbers, phones, identity numbers are never certificates).

Each pattern yields (start, end, label); ``find_entities`` resolves overlaps (longest span,
then pattern priority) so one character belongs to one entity.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from stdnum.cn import ric

# GB/T 2260 province codes by the one-character abbreviation used on certificates.
PROVINCE_CODES = {
    "京": "11", "津": "12", "冀": "13", "晋": "14", "蒙": "15", "辽": "21", "吉": "22", "黑": "23",
    "沪": "31", "苏": "32", "浙": "33", "皖": "34", "闽": "35", "赣": "36", "鲁": "37", "豫": "41",
    "鄂": "42", "湘": "43", "粤": "44", "桂": "45", "琼": "46", "渝": "50", "川": "51", "贵": "52",
    "云": "53", "藏": "54", "陕": "61", "甘": "62", "青": "63", "宁": "64", "新": "65",
}  # fmt: skip
_PROV = "[" + "".join(PROVINCE_CODES) + "]"
_NB = r"(?<![A-Za-z0-9])"  # not inside a longer code
_NA = r"(?![A-Za-z0-9])"

BUILDER = re.compile(rf"{_NB}(?:{_PROV})[12]\d{{11}}{_NA}|(?<![A-Za-z0-9\u4e00-\u9fff]){_PROV}[12]\d{{11}}{_NA}")
SAFETY = re.compile(rf"{_PROV}[\u4e00-\u9fff]{{0,2}}安[ABC]\d?\s*[（(]?(?:19|20)\d{{2}}[)）]?\s*\d{{4,10}}{_NA}")
QUALIFICATION = re.compile(rf"{_NB}[A-F]\d{{9}}{_NA}")
GENERIC_CERT = re.compile(
    rf"(?:(?<![\u4e00-\u9fff]){_PROV} ?[A-Z]{{0,3}})?{_NB}[A-Z]{{0,4}}\d{{5,20}}[A-Z]?(?![A-Za-z0-9*])"
)
ID_NUMBER = re.compile(r"(?<![A-Za-z0-9*])[1-9]\d{5}[0-9*]{9,12}[0-9Xx*]?(?![A-Za-z0-9*])")
_ID_SHAPE = re.compile(r"[1-9]\d{5}(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])\d{3}[\dXx]")  # region, birth date
DOC_NUMBER = re.compile(r"[\u4e00-\u9fffA-Za-z]{1,12}\s*[〔\[【（(](?:19|20)\d{2}[〕\]】）)]\s*\d+\s*号(?:-\d+)?")
PHONE = re.compile(r"(?<![\d-])(?:0\d{2,3}-?\d{7,8}(?:-\d{1,5})?|1[3-9]\d{9})(?![\d.])")
MONEY = re.compile(
    r"(?:[¥￥]\s*)?(?<![\d.])\d{1,3}(?:[,，]\d{3})+(?:\.\d+)?\s*(?:万元|元)?|(?:[¥￥]\s*)?(?<![\d.])\d+(?:\.\d+)?\s*(?:万元|元)"
)
RATE = re.compile(r"(?:下浮率|下浮|优惠率|折扣率|费率)\s*[:：为]?\s*\d+(?:\.\d+)?\s*[%％]")
FEE_SENTENCE = re.compile(r"[^。；;\n]*(?:收费标准|费率|计费|取费|下浮)[^。；;\n]*?\d+(?:\.\d+)?\s*[%％][^。；;\n]*")
DATE = re.compile(r"(?:19|20)\d{2}\s*[年\-/.]\s*\d{1,2}\s*[月\-/.]\s*\d{1,2}\s*日?")
TENDER_CODE = re.compile(rf"{_NB}[A-Z]{{2,8}}[-_]?\d{{3,}}(?:[-_][0-9A-Z]+)*(?:[(（]\d+[)）])?{_NA}")
_ORG_SUFFIX = (
    "股份有限公司|有限责任公司|有限公司|集团公司|集团|研究院|设计院|勘察院|规划院|事务所|研究所|"
    "合作社|联合体|分公司|总公司|公司|局|中心|大学|学院|医院|委员会|管理处|管理站|服务站"
)
COMPANY = re.compile(
    rf"[\u4e00-\u9fffA-Za-z0-9·（）()]{{2,60}}?(?:{_ORG_SUFFIX})(?:[（(][\u4e00-\u9fff]{{1,10}}[)）])?(?![\u4e00-\u9fff])"
)
# Words a company match may start with in prose ("推荐中标候选人为甲公司"): cut up to the last one.
_COMPANY_LEAD = re.compile(
    r"^(?:.*(?:候选人|中标人|成交人|中标单位|确定|推荐|第[一二三四五六七八九十\d]+名)(?:为|是)?)?(?:由|为|是|被|经|其中)?"
)

_PRIORITY = {"DOCNO": 0, "ID": 1, "CERT_BUILDER": 2, "CERT_SAFETY": 3, "CERT_QUAL": 4, "PHONE": 5, "DATE": 6,
             "RATE": 7, "MONEY": 8, "COMPANY": 9, "CERT": 10}  # fmt: skip


def builder_ok(number: str, today: date | None = None) -> bool:
    """注册建造师 number: the two digits after the level are the province's own code and the
    next two a plausible registration year (2003, when the register opened, to this year)."""
    province, digits = number[0], number[1:]
    year = int(digits[3:5])
    this_year = (today or date.today()).year % 100
    return PROVINCE_CODES.get(province) == digits[1:3] and 3 <= year <= this_year


def id_kind(value: str) -> str | None:
    """'id' for a full ID number (also with a wrong check digit), 'masked' for a partly starred one."""
    if "*" in value:
        stars = value.count("*")
        # An ID keeps its 6-digit region code; 17- and 19-character forms occur on real pages.
        # Shorter starred numbers (鄂2422****582) are masked certificates, not IDs.
        return "masked" if stars >= 4 and value[:6].isdigit() and value[0] != "0" and 15 <= len(value) <= 19 else None
    if len(value) != 18:
        return None
    if ric.is_valid(value):
        return "id"
    # A mistyped ID (check digit wrong) is still an identity number, never a certificate.
    return (
        "id" if re.fullmatch(r"[1-9]\d{5}(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])\d{3}[\dXx]", value) else None
    )


def _raw(text: str, certificates: bool) -> Iterator[tuple[int, int, str]]:
    for m in DOC_NUMBER.finditer(text):
        yield m.start(), m.end(), "DOCNO"
    for m in ID_NUMBER.finditer(text):
        if id_kind(m.group()):
            yield m.start(), m.end(), "ID"
    for m in BUILDER.finditer(text):
        if builder_ok(m.group()):
            yield m.start(), m.end(), "CERT_BUILDER"
    for pattern, label in ((SAFETY, "CERT_SAFETY"), (QUALIFICATION, "CERT_QUAL"), (PHONE, "PHONE"), (DATE, "DATE"),
                           (RATE, "RATE"), (MONEY, "MONEY")):  # fmt: skip
        if certificates and label in ("PHONE", "MONEY"):  # personnel lists carry numbers, not phones or amounts
            continue
        for m in pattern.finditer(text):
            yield m.start(), m.end(), label
    for m in COMPANY.finditer(text):
        lead = _COMPANY_LEAD.match(m.group())
        start = m.start() + (lead.end() if lead else 0)
        if m.end() - start >= 4:
            yield start, m.end(), "COMPANY"
    if certificates:  # in a personnel list any long code is a certificate number
        for m in GENERIC_CERT.finditer(text):
            yield m.start(), m.end(), "CERT"


def find_entities(text: str, *, certificates: bool = False) -> list[tuple[int, int, str]]:
    """Non-overlapping entities, longest first; ties go to the more specific pattern."""
    found = sorted(set(_raw(text, certificates)), key=lambda x: (-(x[1] - x[0]), _PRIORITY[x[2]]))
    taken: list[tuple[int, int, str]] = []
    for s, e, label in found:
        if all(e <= ts or s >= te for ts, te, _ in taken):
            taken.append((s, e, label))
    return sorted(taken)
