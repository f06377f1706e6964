"""The text fallback: ``标签：值`` fields, candidates written as sentences (第一中标候选人：…，
投标报价：…，项目经理：…), admitted and rejected bidders and representatives in 评标情况."""

from __future__ import annotations

import re

from bidgraph.extract.consortium import split_consortium
from bidgraph.extract.labels import classify
from bidgraph.extract.model import BidFact, Extraction, Fact, PersonFact, Representative
from bidgraph.extract.nlp import cell_entities
from bidgraph.extract.patterns import FEE_SENTENCE, find_entities
from bidgraph.extract.personnel import is_name, parse_personnel

_FIELD = re.compile(r"(?P<label>[\u4e00-\u9fff()（）]{2,14})[:：]\s*(?P<value>[^\n\t，,；;。]+)")
_CANDIDATE = re.compile(
    r"第\s*([一二三四五六七八九十\d]+)\s*(?:名|中标候选人|候选人)|中标候选人第\s*([一二三四五六七八九十\d]+)\s*名"
)
_PRICE_WORD = re.compile(r"(?:投标报价|报价|投标价|下浮率|费率|优惠率)")
_ROLE = re.compile(
    r"(?P<role>(?:拟派)?(?:项目负责人|项目经理|技术负责人|总监理工程师|设计负责人|勘察负责人|施工员|质量员|安全员|"
    r"专职安全员|项目总工|造价负责人|监理工程师))[:：为]\s*"
)
_SENTENCE = re.compile(r"[^。；;\n]+")
_REJECT = re.compile(r"否决|无效投标|废标|未通过|不予通过|不合格")
_ADMITTED = re.compile(r"(?:投标人|投标单位|参与评审|递交投标文件|参加评审)[^:：]{0,20}[:：]")
_REP = re.compile(
    r"(?P<side>招标人|监督人|代理机构|招标代理机构|招标代理)(?:代表)?[:：]\s*(?P<name>[\u4e00-\u9fff]{2,4})(?![\u4e00-\u9fff])"
)
_CN = "一二三四五六七八九十"
_HEAD_VALUE = re.compile(r"[:：]?\s*([^，,；;。\n]+)")
# 招标概况 of candidate notices: "<标段名称>于2025年05月27日在…发布招标公告"
_ANNOUNCED = re.compile(
    r"(?m)^\s*(?P<name>[^\n，。:：]{4,120}?)于\s*(?:19|20)\d{2}\s*年[^\n。]{0,40}?发布(?:了)?招标公告"
)


def _companies(text: str, offset: int) -> list[Fact]:
    return [Fact(text[s:e], offset + s, offset + e) for s, e, label in find_entities(text) if label == "COMPANY"]


def prose_fields(text: str, ex: Extraction) -> None:
    """Fill what the tables left empty from ``标签：值`` text."""
    for m in _FIELD.finditer(text):
        kind = classify(m.group("label"))
        value, start = m.group("value").strip(), m.start("value")
        if not value:
            continue
        fact = Fact(value, start, start + len(value))
        if kind in ("tenderer", "agency") and getattr(ex, kind) is None:
            found = _companies(value, start)
            if found and found[0].value == value:  # a name, not a representative's name
                setattr(ex, kind, found[0])
        elif kind == "tender_code" and ex.tender_code is None and re.search(r"\d", value):
            ex.tender_code = fact
        elif kind == "tender_name" and ex.tender_name is None:
            ex.tender_name = fact
        elif kind == "winner" and ex.winner is None and ex.kind != "candidates":
            found = _companies(value, start)
            if found:
                ex.winner = BidFact(found[0], rank=1, members=split_consortium(found[0].value))
        elif kind == "price" and ex.winner is not None and ex.winner.price is None:
            ex.winner.price = fact


def announced_name(text: str) -> Fact | None:
    m = _ANNOUNCED.search(text)
    return Fact(m.group("name"), m.start("name"), m.end("name")) if m else None


def _price_in(segment: str, offset: int) -> Fact | None:
    m = _PRICE_WORD.search(segment)
    if not m:
        return None
    after = m.end() + len(re.match(r"\s*[:：为]?\s*", segment[m.end() :]).group())  # the value, not its label
    fee = FEE_SENTENCE.search(segment, after)
    for s, e, label in find_entities(segment[m.start() :]):
        if label in ("MONEY", "RATE"):
            s, e = s + m.start(), e + m.start()
            if label == "RATE" and fee and fee.start() <= s and fee.end() > e and "收费" in fee.group():
                break
            return Fact(segment[s:e], offset + s, offset + e)
    if fee:
        return Fact(fee.group().strip(), offset + fee.start(), offset + fee.start() + len(fee.group().strip()))
    return None


def _segment_persons(segment: str, offset: int) -> list[PersonFact]:
    roles = list(_ROLE.finditer(segment))
    pieces = []
    for i, m in enumerate(roles):
        end = roles[i + 1].start() if i + 1 < len(roles) else len(segment)
        end = min(end, segment.find("。", m.end()) % (len(segment) + 1) if "。" in segment[m.end() : end] else end)
        pieces.append((m.group("role").removeprefix("拟派"), m.end(), segment[m.end() : end]))
    found = cell_entities([p for _, _, p in pieces])
    out = []
    for (role, at, piece), ents in zip(pieces, found, strict=True):
        out.extend(p.fact(role, offset + at) for p in parse_personnel(piece, ents)[:1])
    return out


def prose_candidates(text: str) -> list[BidFact]:
    marks = list(_CANDIDATE.finditer(text))
    bids = []
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        segment = text[m.end() : end]
        companies = _companies(segment, m.end())
        if not companies:
            continue
        head = _HEAD_VALUE.match(segment)  # "：甲公司、乙公司联合体，…" — the whole bidder, consortium included
        if head and head.group(1).strip().endswith("联合体") and companies[0].start < m.end() + head.end(1):
            value = head.group(1).strip()
            start = m.end() + head.start(1) + (len(head.group(1)) - len(head.group(1).lstrip()))
            companies[0] = Fact(value, start, start + len(value))
        number = m.group(1) or m.group(2)
        rank = int(number) if number.isdigit() else _CN.index(number) + 1
        bid = BidFact(companies[0], rank, members=split_consortium(companies[0].value))
        bid.price = _price_in(segment, m.end())
        bid.persons = _segment_persons(segment, m.end())
        bids.append(bid)
    return bids


def rejected_bidders(text: str) -> list[tuple[Fact, str]]:
    out = []
    for m in _SENTENCE.finditer(text):
        sentence = m.group()
        if _REJECT.search(sentence):
            out.extend((c, sentence.strip()) for c in _companies(sentence, m.start()))
    return out


def admitted_bidders(text: str) -> list[Fact]:
    out: list[Fact] = []
    for m in _SENTENCE.finditer(text):
        head = _ADMITTED.search(m.group())
        if head and not _REJECT.search(m.group()):
            rest = m.group()[head.end() :]
            out.extend(_companies(rest, m.start() + head.end()))
    return out


def representatives(text: str) -> list[Representative]:
    out = []
    for m in _REP.finditer(text):
        name = m.group("name")
        if is_name(name):
            out.append(Representative(m.group("side"), Fact(name, m.start("name"), m.end("name"))))
    return out
