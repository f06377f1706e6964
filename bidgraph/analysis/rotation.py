"""Win patterns: rotation inside a ring (wins passed around the members), cover bidders
(陪标专业户: many bids, almost no wins, losing to the same winners) and abnormally high
win rates (标王) judged against the chance each bid had (1 / number of bidders)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np
import pandas as pd

from bidgraph.analysis.cobid import Ring
from bidgraph.analysis.market import Market


def winners(market: Market) -> pd.Series:
    """tender -> winning company (consortium wins go to every member; first one kept)."""

    def compute() -> pd.Series:
        won = market.bids[market.bids["won"]][["tender", "bidder"]]
        merged = won.merge(market.members, on=["tender", "bidder"])
        return merged.drop_duplicates("tender").set_index("tender")["company"]

    return market.shared("winners", compute)


def _winner_of(market: Market) -> dict[str, str]:
    """``winners`` as a dict: per-ring lookups in O(1) without pandas overhead."""
    return market.shared("winner_of", lambda: _as_dict(winners(market)))


def open_dates(market: Market) -> dict[str, str]:
    """tender -> its bid-open date as text ("nan" when unknown), once per run."""

    def compute() -> dict[str, str]:
        dates = market.bids.drop_duplicates("tender").set_index("tender")["bid_open"]
        return {tender: str(date) for tender, date in _as_dict(dates).items()}

    return market.shared("open_dates", compute)


def _as_dict(series: pd.Series) -> dict[Any, Any]:
    # through object arrays: iterating Arrow-backed text builds each value 10× slower
    return dict(zip(series.index.to_numpy(dtype=object), series.to_numpy(dtype=object), strict=True))


def share_tables(market: Market) -> None:
    """Compute now what the ring, rotation and cover detectors all read: each tender's
    winner and opening date."""
    _winner_of(market)
    open_dates(market)


def _companies_of(market: Market) -> dict[str, list[str]]:
    """tender -> the companies that bid on it (directly or in a consortium)."""

    def compute() -> dict[str, list[str]]:
        # one pass over plain arrays (members are unique per tender and company); a
        # groupby iteration builds a Series per tender and costs seconds at 100k bids
        out: dict[str, list[str]] = {}
        members = market.members
        for tender, company in zip(
            members["tender"].to_numpy(dtype=object), members["company"].to_numpy(dtype=object), strict=True
        ):
            out.setdefault(tender, []).append(company)
        return out

    return market.shared("companies_of", compute)


@dataclass(frozen=True)
class Rotation:
    ring: Ring
    captured: int  # ring tenders won by a member
    win_shares: dict[str, float]  # member -> share of the captured wins
    evenness: float  # normalized entropy of win shares (1 = perfectly even)
    alternation: float  # share of consecutive captured wins that change hands


def rotation_metrics(market: Market, ring: Ring) -> Rotation:
    win, dates = _winner_of(market), open_dates(market)
    captured = [(dates.get(t, ""), t, win[t]) for t in ring.tenders if win.get(t) in ring.members]
    captured.sort()
    counts = pd.Series([w for _, _, w in captured]).value_counts() if captured else pd.Series(dtype=int)
    shares = {str(k): float(v) / len(captured) for k, v in counts.items()}
    probabilities = np.array(list(shares.values()))
    entropy = float(-(probabilities * np.log(probabilities)).sum()) if len(probabilities) else 0.0
    # normalised by the number of winners: covers that never win do not dilute it
    evenness = entropy / math.log(len(shares)) if len(shares) > 1 else 0.0
    sequence = [w for _, _, w in captured]
    changes = sum(1 for x, y in pairwise(sequence) if x != y)
    alternation = changes / (len(sequence) - 1) if len(sequence) > 1 else 0.0
    return Rotation(ring, len(captured), shares, evenness, alternation)


@dataclass(frozen=True)
class CoverBidder:
    company: str
    bids: int
    wins: int
    top_winners: tuple[str, ...]  # the winners it lost to most often
    same_winner_share: float  # share of its losses that went to top_winners
    tenders: tuple[str, ...]  # the tenders lost to top_winners


def cover_bidders(
    market: Market, *, min_bids: int = 8, max_win_rate: float = 0.05, min_same: float = 0.5, top: int = 2
) -> list[CoverBidder]:
    frame = market.members[["tender", "company"]].assign(winner=market.members["tender"].map(winners(market)))
    per_company = frame.groupby("company").agg(bids=("tender", "size"), wins=("winner", "size"))
    per_company["wins"] = frame[frame["winner"] == frame["company"]].groupby("company").size()
    per_company["wins"] = per_company["wins"].fillna(0).astype(int)
    candidates = per_company[
        (per_company["bids"] >= min_bids) & (per_company["wins"] <= max_win_rate * per_company["bids"])
    ]
    lost = frame[
        frame["company"].isin(candidates.index) & frame["winner"].notna() & (frame["winner"] != frame["company"])
    ]
    if lost.empty:
        return []
    by_winner = lost.groupby(["company", "winner"]).size().rename("n").reset_index()
    by_winner = by_winner.sort_values(["company", "n", "winner"], ascending=[True, False, True])
    leaders = by_winner.groupby("company").head(top)
    share = leaders.groupby("company")["n"].sum() / lost.groupby("company").size()
    out = []
    for company in share[share >= min_same].index:
        names = tuple(leaders.loc[leaders["company"] == company, "winner"])
        tenders = tuple(sorted(lost.loc[(lost["company"] == company) & lost["winner"].isin(names), "tender"]))
        row = per_company.loc[company]
        out.append(CoverBidder(str(company), int(row["bids"]), int(row["wins"]), names, float(share[company]), tenders))
    return out


def ring_covers(market: Market, ring: Ring, *, min_bids: int = 5, max_win_rate: float = 0.05) -> list[CoverBidder]:
    """Members of a ring that (almost) never win the ring's tenders and lose them to
    other members: the covers of a rotation scheme, however much they bid elsewhere."""
    win, companies_of = _winner_of(market), _companies_of(market)
    present: dict[str, list[str]] = {}
    for tender in ring.tenders:  # the ring's own tenders only: linear in the ring's size
        for company in companies_of.get(tender, ()):
            present.setdefault(company, []).append(tender)
    out = []
    for company in ring.members:
        tenders = present.get(company, [])
        won = [t for t in tenders if win.get(t) == company]
        lost_to = pd.Series(
            [win[t] for t in tenders if t in win and win[t] != company and win[t] in ring.members], dtype=object
        )
        if len(tenders) < min_bids or len(won) > max_win_rate * len(tenders) or lost_to.empty:
            continue
        leaders = tuple(str(k) for k in lost_to.value_counts().index)
        lost = tuple(sorted(t for t in tenders if win.get(t) in leaders))
        out.append(CoverBidder(company, len(tenders), len(won), leaders, len(lost_to) / len(tenders), lost))
    return out


@dataclass(frozen=True)
class WinRateOutlier:
    company: str
    segment: str
    bids: int
    wins: int
    expected: float  # Σ 1/bidders over its bids
    z: float
    tenders: tuple[str, ...]  # the tenders it won


def win_rate_outliers(market: Market, *, min_wins: int = 5, min_z: float = 4.0) -> list[WinRateOutlier]:
    """Per segment, wins against a Poisson-binomial null with p = 1 / bidders per tender."""
    bidders = market.bids.groupby("tender")["bidder"].nunique()
    frame = market.members.merge(market.bids[["tender", "segment"]].drop_duplicates("tender"), on="tender")
    frame["p"] = 1.0 / frame["tender"].map(bidders).clip(lower=1)
    frame["q"] = frame["p"] * (1 - frame["p"])
    frame["won"] = frame["tender"].map(winners(market)) == frame["company"]
    stats = frame.groupby(["company", "segment"]).agg(
        bids=("tender", "size"), wins=("won", "sum"), expected=("p", "sum"), variance=("q", "sum")
    )
    stats = stats[(stats["wins"] >= min_wins) & (stats["variance"] > 0)]
    stats["z"] = (stats["wins"] - stats["expected"]) / np.sqrt(stats["variance"])
    out = []
    for (company, segment), row in stats[stats["z"] >= min_z].iterrows():
        won = frame[(frame["company"] == company) & (frame["segment"] == segment) & frame["won"]]["tender"]
        out.append(
            WinRateOutlier(
                str(company),
                str(segment),
                int(row["bids"]),
                int(row["wins"]),
                float(row["expected"]),
                float(row["z"]),
                tuple(sorted(won)),
            )
        )
    return out
