"""Certificate numbers in free text (notice personnel cells such as "郑维,二级建造师,鄂242151649845"):
pure functions, shared by the loaders and the notice extractor.

Formats recognised:
- 注册建造师 registration number: province abbreviation + level (1/2) + 11 digits, ``鄂242151649845``;
- 安全生产考核合格证: province + 建安/水安/交安 + category A/B/C(1-3) + year (bracketed or not)
  + serial, ``鄂建安B(2022)0003573``, ``鄂水安B20150000061``;
- 职称证 and other numbers named by a kind word before them (``职称证,鄂高职字12345``);
- partly masked ID numbers, ``420521199007******`` / ``4205281********0031``.

Each hit has its kind, number (normalized: half-width, no spaces), span in the text,
province and level, and ``problems`` (an unknown province, a year out of range, a masked
ID of the wrong length) — a hit with problems is still reported, never silently dropped."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

PROVINCES = frozenset("京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川蜀贵黔云滇藏陕秦甘陇青宁新港澳台兵")
CONSTRUCTOR = "注册建造师"
SAFETY = "安全生产考核合格证"
TITLE = "职称证"
MASKED_ID = "身份证号（部分隐藏）"
_SAFETY_SECTORS = {"建": "住建", "水": "水利", "交": "交通"}
_P = "[\u4e00-\u9fff]"
_PATTERNS = (
    (
        SAFETY,
        re.compile(
            rf"(?P<province>{_P})(?P<sector>[建水交])安(?P<level>[ABC][123]?)\s*[(（]?(?P<year>(?:19|20)\d\d)[)）]?\s*(?P<serial>\d{{5,8}})(?!\d)"
        ),
    ),
    (CONSTRUCTOR, re.compile(rf"(?P<province>{_P})(?P<level>[12])(?P<serial>\d{{11}})(?!\d)")),
    (MASKED_ID, re.compile(r"(?<![\d*])(?P<serial>\d{4,14}\*{3,12}[\dXx]{0,6})(?![\d*])")),
)
_NAMED = re.compile(r"(?P<kind>职称证|职称证书|其他证书|其他)\s*[,，:：]\s*(?P<serial>[^\s,，;；]{4,40})")
LEVELS = {"1": "一级", "2": "二级"}


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
    return "".join(unicodedata.normalize("NFKC", c) if len(unicodedata.normalize("NFKC", c)) == 1 else c for c in text)


def find_certificates(text: str) -> list[Certificate]:
    """Every certificate number and masked ID number in ``text``, in order of position."""
    clean = _clean(text or "")
    found: list[Certificate] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(clean):
            if any(a < match.end() and match.start() < b for a, b in taken):
                continue
            if kind == CONSTRUCTOR and match["province"] not in PROVINCES:
                continue  # 话13812345678-like text: no province, no certificate
            found.append(_hit(kind, match))
            taken.append(match.span())
    for match in _NAMED.finditer(clean):
        start, end = match.span("serial")
        if not any(a < end and start < b for a, b in taken):
            found.append(Certificate(TITLE, re.sub(r"\s", "", match["serial"]), (start, end)))
    return sorted(found, key=lambda c: c.span)


def _hit(kind: str, match: re.Match[str]) -> Certificate:
    problems = []
    groups = match.groupdict()
    province = groups.get("province")
    if province and province not in PROVINCES:
        problems.append(f"未知的省份简称「{province}」")
    if kind == MASKED_ID:
        number = match["serial"].upper()
        if len(number) != 18:
            problems.append(f"部分隐藏的身份证号应为 18 位（此处 {len(number)} 位）")
        return Certificate(kind, number, match.span(), problems=tuple(problems))
    if kind == SAFETY:
        level = match["level"]
        number = f"{province}{match['sector']}安{level}({match['year']}){match['serial']}"
        return Certificate(kind, number, match.span(), province, level, tuple(problems))
    number = f"{province}{match['level']}{match['serial']}"
    return Certificate(kind, number, match.span(), province, LEVELS[match["level"]], tuple(problems))


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
