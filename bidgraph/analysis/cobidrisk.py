"""Co-bid evidence as p-values, judged within markets. A pair of firms that met ``count``
times where their bidding frequencies in each market predict ``expected`` meetings
has the Poisson tail p = P(Poisson(expected) ≥ count): firms of one size class that
meet because they are the size class have p ≈ 0.5; a ring that meets far beyond its
frequencies has p near 0. A firm's co-bid signal is its strongest partner's p (a busy
honest firm has many mildly surprising partners, a ring member one or more extreme
ones). A tender's co-bid p is likewise its strongest bidder pair, Šidák-corrected for its
number of known pairs (Fisher over all pairs would reward a large bidder pool).
Firms or tenders with no pair that met twice have no co-bid data (nan), not zero."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from bidgraph.analysis import cobid
from bidgraph.analysis.market import Market

SIGNIFICANT = 0.01  # a partner counted as anomalous in the explanation


def pair_surprise(market: Market, tender_market: pd.Series) -> pd.DataFrame:
    """Pairs meeting ≥ 2 times with expected meetings within their markets, lift and p."""
    bids = market.bids.assign(segment=market.bids["tender"].map(tender_market).fillna("全部"))
    table = cobid.pair_stats(Market(bids, market.members, market.params), min_count=2).table.copy()
    table["p"] = np.maximum(stats.poisson.sf(table["count"] - 1, table["expected"]), 1e-300)
    return table


def firm_cobid(pairs: pd.DataFrame) -> pd.DataFrame:
    """Per firm: anomalous partners, its strongest partner and figures (``top_p``: the
    Poisson tail p of the strongest partner, the concentration signal)."""
    both = pd.concat(
        [pairs.rename(columns={"a": "firm", "b": "partner"}), pairs.rename(columns={"b": "firm", "a": "partner"})]
    )
    if both.empty:
        return pd.DataFrame(columns=["partners", "top_partner", "top_count", "top_lift", "top_p"])
    both = both.sort_values(["firm", "p"])
    top = both.drop_duplicates("firm").set_index("firm")
    grouped = both.groupby("firm")["p"]
    return pd.DataFrame(
        {
            "partners": grouped.apply(lambda p: int((p < SIGNIFICANT).sum())),
            "top_partner": top["partner"],
            "top_count": top["count"],
            "top_lift": top["lift"],
            "top_p": top["p"],
        }
    )


def tender_cobid(members: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """Per tender: the Šidák-corrected p of its strongest bidder pair among the pairs that
    met twice or more, and how many of those pairs are anomalous."""
    firms = members[["tender", "company"]].drop_duplicates()
    p_of = pd.Series(pairs["p"].to_numpy(), index=pd.MultiIndex.from_arrays([pairs["a"], pairs["b"]])).to_dict()
    rows = {}
    for tender, group in firms.groupby("tender")["company"]:
        names = sorted(group)
        known = [p_of[(x, y)] for i, x in enumerate(names) for y in names[i + 1 :] if (x, y) in p_of]
        if known:
            # Šidák: the strongest pair, corrected for how many known pairs the tender has
            rows[tender] = (1 - (1 - min(known)) ** len(known), sum(p < SIGNIFICANT for p in known))
    return pd.DataFrame.from_dict(rows, orient="index", columns=["cobid_p", "anomalous_pairs"])
