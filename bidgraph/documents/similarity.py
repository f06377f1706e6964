"""标书雷同: near-duplicate bid documents that explain themselves.

Each document is cut into passages and character shingles; the tender's own 招标文件
and the base rate (shingles many unrelated bidders use) are subtracted; MinHash LSH over
what is left proposes candidate pairs in near-linear time (plus identical unit prices or
shared slips within one tender); each candidate is then scored exactly: overlap of the
telling shingles per section, the matched passages with offsets, shared errors (typos,
wrong figures, odd formatting) weighted above plain overlap, and identical unit prices."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations

from datasketch import MinHash, MinHashLSH

from bidgraph.documents import errors as err
from bidgraph.documents.read import Section
from bidgraph.documents.shingles import BaseRate, Passage, passages, residual, shingles


@dataclass(frozen=True)
class DocRecord:
    id: str
    tender: str
    bidder: str
    text: str
    sections: tuple[Section, ...]


@dataclass(frozen=True)
class Params:
    num_perm: int = 128
    lsh_threshold: float = 0.2
    base_min: int = 5  # a shingle used by this many bidders is common …
    base_share: float = 0.03  # … or by this share of all bidders, whichever is more
    boilerplate: float = 0.6  # a passage this much made of tender text is the tender's
    min_shared: int = 25  # telling shingles two documents must share before overlap counts
    min_score: float = 50.0  # flagged as 标书雷同 from this score
    max_slip_users: int = 3  # the same odd formatting in more bidders' files is a style, not a shared slip


@dataclass(frozen=True)
class Match:
    section: str
    a_start: int
    a_end: int
    b_start: int
    b_end: int
    text: str


@dataclass
class SimilarPair:
    a: DocRecord
    b: DocRecord
    score: float
    containment: float
    shared: int
    sections: dict[str, float] = field(default_factory=dict)
    passages: list[Match] = field(default_factory=list)
    typos: list[str] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)
    formatting: list[str] = field(default_factory=list)
    identical_prices: int = 0
    priced_items: int = 0
    price_cv: float | None = None

    @property
    def shared_errors(self) -> list[str]:
        return [*(f"错字：{t}" for t in self.typos), *(f"错误数字：{f}" for f in self.figures)] + [
            f"异常格式：{f}" for f in self.formatting
        ]


@dataclass
class _Doc:
    record: DocRecord
    kept: list[Passage]
    telling: set[str]
    figures: set[str]
    odd: set[str]
    prices: dict[str, float]


def compare(
    docs: Sequence[DocRecord], tender_texts: Mapping[str, str], params: Params | None = None
) -> list[SimilarPair]:
    """Every pair of documents of different bidders that LSH or a shared slip proposes,
    scored; the caller keeps those with ``score >= params.min_score``."""
    params = params or Params()
    tender_sh = {code: shingles(text) for code, text in tender_texts.items()}
    cut = {d.id: passages(d.text, d.sections) for d in docs}
    used: dict[str, set[str]] = defaultdict(set)
    for d in docs:
        tender = tender_sh.get(d.tender, set())
        used[d.bidder] |= {s for p in cut[d.id] for s in p.shingles if s not in tender}
    rate = BaseRate.of(used.values())
    cap = rate.cap(params.base_min, params.base_share)
    index = err.typo_index(s for s, n in rate.bidders.items() if n >= cap)
    odd = {d.id: err.odd_formatting(d.text) - err.odd_formatting(tender_texts.get(d.tender, "")) for d in docs}
    odd_users: dict[str, set[str]] = defaultdict(set)
    for d in docs:
        for token in odd[d.id]:
            odd_users[token].add(d.bidder)
    prepared = {}
    for d in docs:
        tender_text = tender_texts.get(d.tender, "")
        kept, telling = residual(cut[d.id], tender_sh.get(d.tender, set()), rate, cap, params.boilerplate)
        rare_odd = {t for t in odd[d.id] if len(odd_users[t]) <= params.max_slip_users}  # a house style is no slip
        figures = err.wrong_figures(d.text, tender_text)
        prepared[d.id] = _Doc(d, kept, telling, figures, rare_odd, err.unit_prices(d.text))
    pairs = _candidates(prepared, params)
    return [_score(prepared[a], prepared[b], rate, cap, index, params) for a, b in sorted(pairs)]


def _candidates(docs: Mapping[str, _Doc], params: Params) -> set[tuple[str, str]]:
    lsh = MinHashLSH(threshold=params.lsh_threshold, num_perm=params.num_perm)
    sketches = {}
    for key, d in docs.items():
        if d.telling:
            m = MinHash(num_perm=params.num_perm)
            m.update_batch([s.encode("utf-8") for s in d.telling])
            lsh.insert(key, m)
            sketches[key] = m
    out = set()
    for key, m in sketches.items():
        out |= {tuple(sorted((key, other))) for other in lsh.query(m) if other != key}
    # within one tender, identical unit prices or the same slip also propose a pair
    slips: dict[tuple[str, str], list[str]] = defaultdict(list)
    for key, d in docs.items():
        tokens = d.figures | d.odd | {f"{item}={price}" for item, price in d.prices.items()}
        for token in tokens:
            slips[(d.record.tender, token)].append(key)
    for keys in slips.values():
        if len(keys) <= 4:  # a price or slip many bidders share is no lead
            out |= {tuple(sorted(p)) for p in combinations(keys, 2)}
    return {(a, b) for a, b in out if docs[a].record.bidder != docs[b].record.bidder}


def _score(a: _Doc, b: _Doc, rate: BaseRate, cap: int, index: set[str], params: Params) -> SimilarPair:
    both = a.telling & b.telling
    smaller = min(len(a.telling), len(b.telling)) or 1
    containment = len(both) / smaller if len(both) >= params.min_shared else 0.0
    pair = SimilarPair(a.record, b.record, 0.0, round(containment, 3), len(both))
    for section in {p.section for p in a.kept} & {p.section for p in b.kept}:
        sa = {s for p in a.kept if p.section == section for s in p.shingles} & a.telling
        sb = {s for p in b.kept if p.section == section for s in p.shingles} & b.telling
        if sa and sb:
            pair.sections[section] = round(len(sa & sb) / min(len(sa), len(sb)), 3)
    pair.passages = _matches(a, b, both)
    rare = {s for s in both if rate.bidders[s] <= 3}
    pair.typos = err.typos(rare, index)
    pair.figures = sorted(a.figures & b.figures) if a.record.tender == b.record.tender else []
    pair.formatting = sorted(a.odd & b.odd)
    pair.identical_prices, pair.priced_items, pair.price_cv = err.compare_prices(a.prices, b.prices)
    pair.score = round(_points(pair), 1)
    return pair


def _points(p: SimilarPair) -> float:
    """Overlap of telling text up to 60; each shared error 25, so two flag a pair on their
    own (an honest bidder does not make another's slips); identical unit prices up to 30;
    a scaled copy of the bill 10."""
    text = 60.0 * min(1.0, p.containment / 0.5)
    slips = 25.0 * (len(p.typos) + len(p.figures) + len(p.formatting))
    prices = 30.0 * p.identical_prices / p.priced_items if p.priced_items else 0.0
    scaled = 10.0 if p.price_cv is not None and p.price_cv < 0.002 else 0.0
    return min(100.0, text + slips + prices + scaled)


def _matches(a: _Doc, b: _Doc, both: set[str]) -> list[Match]:
    """A's passages mostly made of shingles B also has, each with B's best passage."""
    where: dict[str, list[int]] = defaultdict(list)
    for j, p in enumerate(b.kept):
        for s in p.shingles & both:
            where[s].append(j)
    out = []
    for p in a.kept:
        own = p.shingles & a.telling
        hit = own & both
        if len(hit) < 4 or len(hit) < 0.5 * len(own):
            continue
        votes: dict[int, int] = defaultdict(int)
        for s in hit:
            for j in where[s]:
                votes[j] += 1
        best = b.kept[max(votes, key=votes.__getitem__)]
        out.append(Match(p.section, p.start, p.end, best.start, best.end, p.text))
    return out
