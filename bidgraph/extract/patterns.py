"""Regular patterns for the entities of trading-centre notices, with the sanity checks that
keep look-alikes out (document numbers, phones, identity numbers are never certificates).
Certificate, ID, document-number and phone forms come from bidgraph/certnumbers.py, which
the loaders share.

Each pattern yields (start, end, label); ``find_entities`` resolves overlaps (longest span,
then pattern priority) so one character belongs to one entity.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bidgraph.certnumbers import (
    BUILDER_NUMBER,
    DOC_NUMBER,
    ID_NUMBER,
    NOT_AFTER,
    NOT_BEFORE,
    PHONE,
    PROVINCE_CLASS,
    PROVINCE_CODES,
    QUALIFICATION_NUMBER,
    SAFETY_NUMBER,
    builder_ok,
    id_kind,
)

# In a personnel list any long code (E3 00012345, 鄂 A12345678) is a certificate number.
GENERIC_CERT = re.compile(
    rf"(?:(?<![\u4e00-\u9fff]){PROVINCE_CLASS} ?[A-Z]{{0,3}})?{NOT_AFTER}[A-Z]{{0,4}}\d{{5,20}}[A-Z]?(?![A-Za-z0-9*])"
)
MONEY = re.compile(
    r"(?:[¥￥]\s*)?(?<![\d.])\d{1,3}(?:[,，]\d{3})+(?:\.\d+)?\s*(?:万元|元)?|(?:[¥￥]\s*)?(?<![\d.])\d+(?:\.\d+)?\s*(?:万元|元)"
)
RATE = re.compile(r"(?:下浮率|下浮|优惠率|折扣率|费率)\s*[:：为]?\s*\d+(?:\.\d+)?\s*[%％]")
FEE_SENTENCE = re.compile(r"[^。；;\n]*(?:收费标准|费率|计费|取费|下浮)[^。；;\n]*?\d+(?:\.\d+)?\s*[%％][^。；;\n]*")
DATE = re.compile(r"(?:19|20)\d{2}\s*[年\-/.]\s*\d{1,2}\s*[月\-/.]\s*\d{1,2}\s*日?")
TENDER_CODE = re.compile(rf"{NOT_AFTER}[A-Z]{{2,8}}[-_]?\d{{3,}}(?:[-_][0-9A-Z]+)*(?:[(（]\d+[)）])?{NOT_BEFORE}")
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


def _raw(text: str, certificates: bool) -> Iterator[tuple[int, int, str]]:
    for m in DOC_NUMBER.finditer(text):
        yield m.start(), m.end(), "DOCNO"
    for m in ID_NUMBER.finditer(text):
        if id_kind(m.group()):
            yield m.start(), m.end(), "ID"
    for m in BUILDER_NUMBER.finditer(text):
        if builder_ok(m.group()):
            yield m.start(), m.end(), "CERT_BUILDER"
    for m in SAFETY_NUMBER.finditer(text):
        if m["province"] in PROVINCE_CODES:  # the loaders report an unknown one; notices keep it out
            yield m.start(), m.end(), "CERT_SAFETY"
    for pattern, label in ((QUALIFICATION_NUMBER, "CERT_QUAL"), (PHONE, "PHONE"), (DATE, "DATE"),
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
