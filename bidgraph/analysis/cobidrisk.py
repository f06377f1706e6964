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
ALPHA = 0.05  # the usual one-sided level for the market check below


def pair_surprise(market: Market, tender_market: pd.Series) -> pd.DataFrame:
    """Pairs meeting ≥ 2 times with expected meetings within their markets, lift and p."""
    bids = market.bids.assign(segment=market.bids["tender"].map(tender_market).fillna("全部"))
    table = cobid.pair_stats(Market(bids, market.members, market.params), min_count=2).table.copy()
    # float: an empty table (no pair met twice) has object columns, which scipy rejects
    count, expected = table["count"].astype(float), table["expected"].astype(float)
    table["p"] = np.maximum(stats.poisson.sf(count - 1, expected), 1e-300)
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


def meetings_look_collusive(tenders: pd.DataFrame, *, alpha: float = ALPHA, min_group: int = 5) -> pd.DataFrame:
    """Per market, from the unlabelled bids: are the tenders of firms that meet far beyond
    expectation ALSO less dispersed than the rest of the market? A ring places its covers
    around the designated winner; a structural bidder pool (designated or local firms)
    meets just as often without pricing alike. Mann–Whitney, one-sided: price index of the
    tenders with an anomalous pair (p < ``SIGNIFICANT``) against the market's other priced
    tenders. ``effect`` = P(a tender with such a pair is more clustered than one without).
    ``tenders``: market, anomalous_pairs, price_index."""
    rows = {}
    for name, group in tenders.dropna(subset=["price_index"]).groupby("market"):
        meets = group["anomalous_pairs"].fillna(0) > 0
        inside, outside = group.loc[meets, "price_index"], group.loc[~meets, "price_index"]
        if min(len(inside), len(outside)) < min_group:
            rows[name] = (np.nan, np.nan, len(inside), len(outside), False)
            continue
        u, p = stats.mannwhitneyu(inside, outside, alternative="greater")
        rows[name] = (float(u / (len(inside) * len(outside))), float(p), len(inside), len(outside), bool(p < alpha))
    columns = ["effect", "p", "with_pair", "without_pair", "collusive"]
    return pd.DataFrame.from_dict(rows, orient="index", columns=columns)
