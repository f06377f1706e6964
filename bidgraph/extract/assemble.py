"""Relation assembly: candidate rank → company → price → proposed persons (role, certificates);
award winner, price, qualification, personnel; tenderer, agency, code and name; admitted and
rejected bidders and the representatives named in 评标情况. Tables first, prose as fallback."""

from __future__ import annotations

import re

from bidgraph.extract.consortium import split_consortium
from bidgraph.extract.labels import classify, may_be_personnel
from bidgraph.extract.layout import Cell, Layout
from bidgraph.extract.model import BidFact, Extraction, Fact, PersonFact
from bidgraph.extract.nlp import cell_entities
from bidgraph.extract.personnel import parse_personnel
from bidgraph.extract.prose import (
    admitted_bidders,
    announced_name,
    prose_candidates,
    prose_fields,
    rejected_bidders,
    representatives,
)
from bidgraph.extract.tables import candidate_table, key_values

_NONE = {"", "/", "无", "-", "—", "——", "暂无", "空"}
_RANK = re.compile(r"\d+|[一二三四五六七八九十]")
_CN_NUM = "一二三四五六七八九十"


def _fact(cell: Cell) -> Fact | None:
    return None if cell.text.strip() in _NONE else Fact(cell.text, cell.start, cell.end)


def _company(cell: Cell) -> Fact | None:
    """The organisation named in a cell: the whole cell text when it is a bare name."""
    fact = _fact(cell)
    if fact is None:
        return None
    text = fact.value.strip().rstrip("。")
    return Fact(text, fact.start, fact.start + len(text))


def _persons(cells: list[tuple[Cell, str]]) -> list[list[PersonFact]]:
    found = cell_entities([c.text for c, _ in cells])
    out = []
    for (cell, role), ents in zip(cells, found, strict=True):
        out.append([p.fact(role, cell.start) for p in parse_personnel(cell.text, ents)])
    return out


def _price(cell: Cell) -> Fact | None:
    return _fact(cell)


def _rank(text: str, default: int) -> int:
    m = _RANK.search(text)
    if not m:
        return default
    v = m.group()
    return int(v) if v.isdigit() else _CN_NUM.index(v) + 1


def _from_candidate_table(layout: Layout, ex: Extraction) -> None:
    table = candidate_table(layout.tables)
    if table is None:
        return
    bids = []
    for i, cell in enumerate(table.companies):
        company = _company(cell)
        if company:
            bids.append((i, BidFact(company, rank=i + 1, members=split_consortium(company.value))))
    person_cells: list[tuple[int, Cell, str]] = []
    for kind, role, values in table.rows:
        for i, bid in bids:
            cell = values[i]
            if kind == "rank":
                bid.rank = _rank(cell.text, bid.rank or i + 1)
            elif kind == "bid_price" and bid.price is None:
                bid.price = _price(cell)
            elif kind == "qualification" and bid.qualification is None:
                bid.qualification = _fact(cell)
            elif kind == "personnel" and cell.text.strip() not in _NONE:
                person_cells.append((i, cell, role))
    people = _persons([(c, role) for _, c, role in person_cells])
    by_index = dict(bids)
    for (i, _, _), found in zip(person_cells, people, strict=True):
        by_index[i].persons.extend(found)
    ex.candidates = sorted((b for _, b in bids), key=lambda b: b.rank or 0)


def _from_key_values(layout: Layout, ex: Extraction) -> None:
    person_cells: list[tuple[Cell, str]] = []
    winner: BidFact | None = None
    price = qualification = None
    for table in layout.tables:
        for label, value in key_values(table):
            kind = classify(label.text)
            if kind in ("tender_code", "tender_name", "tenderer", "agency") and getattr(ex, kind) is None:
                setattr(ex, kind, _company(value) if kind in ("tenderer", "agency") else _fact(value))
            elif kind == "date" and ex.date is None:
                ex.date = value.text.strip() or None
            elif kind == "winner" and winner is None and _company(value):
                company = _company(value)
                winner = BidFact(company, rank=1, members=split_consortium(company.value))
            elif kind == "price" and price is None:
                price = _fact(value)
            elif kind == "qualification" and qualification is None:
                qualification = _fact(value)
            elif kind is None and value.text.strip() not in _NONE and (may_be_personnel(label.text) or not label.text):
                person_cells.append((value, label.text.strip().rstrip(":：")))
    if winner is None:
        return
    winner.price, winner.qualification = price, qualification
    for found in _persons(person_cells):
        winner.persons.extend(found)
    ex.winner = winner


def assemble(layout: Layout, title: str = "") -> Extraction:
    kind = "candidates" if "候选人" in title else "award" if re.search(r"中标|成交|结果", title) else "unknown"
    ex = Extraction(kind)
    _from_key_values(layout, ex)
    _from_candidate_table(layout, ex)
    prose_fields(layout.text, ex)
    ex.tender_name = ex.tender_name or announced_name(layout.text)
    if not ex.candidates and ex.winner is None:
        ex.candidates = prose_candidates(layout.text)
    if ex.kind == "unknown":
        ex.kind = "candidates" if ex.candidates else "award" if ex.winner else "unknown"
    ex.bidders = admitted_bidders(layout.text)
    ex.rejected = rejected_bidders(layout.text)
    ex.representatives = representatives(layout.text)
    return ex
