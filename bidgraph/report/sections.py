"""The report's three analyses for one sector and period, from one detector run (the
``Analysis`` the Python detectors share): 抱团关系 (rings with their pair links),
交易价格离散度 (every tender's price screens in its market, outliers marked) and
中标率 (every company's wins against the number expected from its competitors)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from bidgraph.analysis.findings import Finding
from bidgraph.analysis.patterns import TRIPPED_ZH, Analysis
from bidgraph.analysis.rotation import winners

MIN_WIN_BIDS = 3  # a win rate over fewer bids says nothing


@dataclass(frozen=True)
class Group:
    """A co-bidding ring (抱团) touching the sector's tenders in the period."""

    keys: tuple[str, ...]  # the members' company keys
    members: tuple[str, ...]  # their names, in the same order
    tenders: int  # tenders where three or more members bid together (all periods)
    in_period: int  # of those, the sector's tenders in the period
    lift: float  # median triple lift: how many times the market's expectation
    capture: float  # share of the ring's tenders won by a member
    score: float
    rotation: bool  # a 轮流中标 finding on the same tenders
    links: tuple[tuple[str, str, int], ...]  # member pairs and their co-bids: the ring image


def groups(run: Analysis, findings: Iterable[Finding], codes: set[str]) -> list[Group]:
    scores = {frozenset(k for _, k, _ in f.entities): f.score for f in findings if f.detector == "cobid_ring"}
    rotated = {frozenset(f.tender_codes) for f in findings if f.detector == "rotation"}
    out = []
    for ring in run.rings:
        shared = codes & set(ring.tenders)
        if not shared:
            continue
        pairs = ring.pairs[["a", "b", "count"]].itertuples(index=False)
        links = tuple((run.name(str(a)), run.name(str(b)), int(n)) for a, b, n in pairs)
        out.append(
            Group(
                keys=tuple(ring.members),
                members=tuple(run.name(k) for k in ring.members),
                tenders=len(ring.tenders),
                in_period=len(shared),
                lift=round(float(ring.triple_lift), 2),
                capture=round(float(ring.capture), 3),
                score=scores.get(frozenset(ring.members), 0.0),
                rotation=frozenset(ring.tenders) in rotated,
                links=links,
            )
        )
    return sorted(out, key=lambda g: (-g.score, -g.in_period))


def price_screens(run: Analysis, codes: set[str]) -> pd.DataFrame:
    """One row per priced tender of the period: market, bids, CV, price index, p-value,
    flagged (an outlier of its market) and the screens it tripped, in Chinese."""
    table = run.price_table
    table = table[table.index.isin(codes)]
    out = pd.DataFrame(
        {
            "market": table["market"],
            "bids": table["n"].astype(int),
            "cv": table["cv"].astype(float),
            "price_index": table["price_index"].astype(float),
            "price_p": table["price_p"].astype(float),
            "flagged": table["flagged"].astype(bool),
            "tripped": table["tripped"].map(lambda names: "、".join(TRIPPED_ZH[n] for n in names)),
        },
        index=table.index,
    )
    return out.sort_values(["flagged", "price_p"], ascending=[False, True])


def win_rates(run: Analysis, codes: set[str], findings: Iterable[Finding]) -> pd.DataFrame:
    """Per company with ≥ ``MIN_WIN_BIDS`` bids on the period's tenders: bids, wins, the
    wins expected if each bidder were equally likely (Σ 1/bidders), the rate, and its
    role when a detector named it: 标王 (high_win_rate) or 陪标专业户 (cover_bidder)."""
    market = run.market
    bidders = market.bids.groupby("tender")["bidder"].nunique()
    frame = market.members[market.members["tender"].isin(codes)].copy()
    frame["p"] = 1.0 / frame["tender"].map(bidders).clip(lower=1)
    frame["won"] = frame["tender"].map(winners(market)) == frame["company"]
    stats = frame.groupby("company").agg(bids=("tender", "nunique"), wins=("won", "sum"), expected=("p", "sum"))
    stats = stats[stats["bids"] >= MIN_WIN_BIDS].copy()
    stats["rate"] = stats["wins"] / stats["bids"]
    roles: dict[str, str] = {}
    for f in findings:
        if f.detector in ("cover_bidder", "high_win_rate") and codes & set(f.tender_codes) and f.entities:
            roles.setdefault(f.entities[0][1], "标王" if f.detector == "high_win_rate" else "陪标专业户")
    stats["role"] = [roles.get(str(c), "") for c in stats.index]
    stats["name"] = [run.name(str(c)) for c in stats.index]
    stats["expected"] = stats["expected"].round(2)
    stats["unnamed"] = stats["role"] == ""  # the named candidates first
    return stats.sort_values(["unnamed", "wins"], ascending=[True, False]).drop(columns="unnamed")
