"""Certificate numbers in free text (notice personnel cells such as "郑维,二级建造师,鄂242151649845"):
pure functions the loaders call.

Formats recognised:
- 注册建造师 registration number: province abbreviation + level (1/2) + 11 digits, ``鄂242151649845``;
- 安全生产考核合格证: province + 建安/水安/交安 + category A/B/C(1-3) + year (bracketed or not)
  + serial, ``鄂建安B(2022)0003573``, ``鄂水安B20150000061``;
- 职称证 and other numbers named by a kind word before them (``职称证,鄂高职字12345``);
- partly masked ID numbers, ``420521199007******`` / ``4205281********0031``.
The forms and their checks live in bidgraph/certnumbers.py, shared with the notice extractor.

Each hit has its kind, number (normalized: half-width, no spaces), span in the text,
province and level, and ``problems`` (an unknown province, a 建造师 number whose province
code or year is wrong, a masked ID of the wrong length) — a hit with problems is still
reported, never silently dropped."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from bidgraph.certnumbers import (
    BUILDER_NUMBER,
    CONSTRUCTOR,
    ID_NUMBER,
    LEVELS,
    MASKED_ID,
    PROVINCE_CODES,
    SAFETY,
    SAFETY_NUMBER,
    TITLE,
    builder_problems,
    id_kind,
    look_alike,
)

_SAFETY_SECTORS = {"建": "住建", "水": "水利", "交": "交通"}
_FORMS = ((SAFETY, SAFETY_NUMBER), (CONSTRUCTOR, BUILDER_NUMBER), (MASKED_ID, ID_NUMBER))
_NAMED = re.compile(r"(?P<kind>职称证|职称证书|其他证书|其他)\s*[,，:：]\s*(?P<serial>[^\s,，;；]{4,40})")


@dataclass(frozen=True)
class Certificate:
    kind: str
    number: str
    span: tuple[int, int]
    province: str | None = None
    level: str | None = None  # 一级/二级 (建造师), A/B/C… (安考证)
    problems: tuple[str, ...] = ()


def _clean(text: str) -> str:
    """Half-width, so （2022） and ２０２２ read like (2022) and 2022; same length as the text."""
    if unicodedata.is_normalized("NFKC", text):  # then so is each of its characters
        return text
    return "".join(unicodedata.normalize("NFKC", c) if len(unicodedata.normalize("NFKC", c)) == 1 else c for c in text)


def find_certificates(text: str) -> list[Certificate]:
    """Every certificate number and masked ID number in ``text``, in order of position."""
    return list(_certificates(text or ""))


@lru_cache(maxsize=1 << 16)  # a project manager's cell comes back in each of their bids
def _certificates(text: str) -> tuple[Certificate, ...]:
    clean = _clean(text)
    found: list[Certificate] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _FORMS:
        for match in pattern.finditer(clean):
            if any(a < match.end() and match.start() < b for a, b in taken):
                continue
            if kind == CONSTRUCTOR and match["province"] not in PROVINCE_CODES:
                continue  # 话13812345678-like text: no province, no certificate
            if kind == MASKED_ID and id_kind(match.group()) != "masked":
                continue  # full IDs are not this module's; short starred numbers are not IDs
            found.append(_hit(kind, match))
            taken.append(match.span())
    for match in _NAMED.finditer(clean):
        start, end = match.span("serial")
        if not any(a < end and start < b for a, b in taken) and not look_alike(match["serial"]):
            found.append(Certificate(TITLE, re.sub(r"\s", "", match["serial"]), (start, end)))
    return tuple(sorted(found, key=lambda c: c.span))


def _hit(kind: str, match: re.Match[str]) -> Certificate:
    if kind == MASKED_ID:
        number = match.group().upper()
        problems = () if len(number) == 18 else (f"部分隐藏的身份证号应为 18 位（此处 {len(number)} 位）",)
        return Certificate(kind, number, match.span(), problems=problems)
    province = match["province"]
    if kind == SAFETY:
        level = match["level"]
        number = f"{province}{match['sector']}安{level}({match['year']}){match['serial']}"
        problems = () if province in PROVINCE_CODES else (f"未知的省份简称「{province}」",)
        return Certificate(kind, number, match.span(), province, level, problems)
    number = f"{province}{match['level']}{match['serial']}"
    return Certificate(kind, number, match.span(), province, LEVELS[match["level"]], tuple(builder_problems(number)))


def safety_sector(certificate: Certificate) -> str | None:
    """住建 / 水利 / 交通 for a 安全生产考核合格证 number."""
    if certificate.kind != SAFETY:
        return None
    return _SAFETY_SECTORS.get(certificate.number[1])


def person_text(text: str) -> tuple[str, list[Certificate]]:
    """A personnel cell "姓名,证书类别,证书编号[;…]": (the name, the certificates in it).
    The name is the first comma-separated part when it holds no digits."""
    first = re.split(r"[,，;；:：\s]", (text or "").strip(), maxsplit=1)[0]
    name = first if first and not re.search(r"[\d*]", first) else ""
    return name, find_certificates(text)
