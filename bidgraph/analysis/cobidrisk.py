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
    both = both.sort_values(["firm", "p"], kind="stable")
    top = both.drop_duplicates("firm").set_index("firm")
    return pd.DataFrame(
        {
            "partners": (both["p"] < SIGNIFICANT).groupby(both["firm"]).sum().astype(int),
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
    columns = ["cobid_p", "anomalous_pairs"]
    if firms.empty or pairs.empty:
        return pd.DataFrame(columns=columns, dtype=float)
    company, names = pd.factorize(firms["company"])
    tender, codes = pd.factorize(firms["tender"])
    left, right = _pairs_within(tender)
    a, b = np.minimum(company[left], company[right]), np.maximum(company[left], company[right])
    # the known pairs as one int key each, looked up by binary search
    index = pd.Index(names)
    pa, pb = index.get_indexer(pairs["a"]), index.get_indexer(pairs["b"])
    known = (pa >= 0) & (pb >= 0)
    keys = np.minimum(pa, pb)[known].astype(np.int64) * len(names) + np.maximum(pa, pb)[known]
    order = np.argsort(keys)
    keys, p_known = keys[order], pairs["p"].to_numpy(dtype=float)[known][order]
    wanted = a.astype(np.int64) * len(names) + b
    at = np.clip(np.searchsorted(keys, wanted), 0, max(len(keys) - 1, 0))
    hit = keys[at] == wanted if len(keys) else np.zeros(len(wanted), dtype=bool)
    found = pd.DataFrame({"tender": tender[left][hit], "p": p_known[at[hit]]})
    grouped = found.groupby("tender")["p"]
    k, best = grouped.size(), grouped.min()
    out = pd.DataFrame(
        {
            # Šidák: the strongest pair, corrected for how many known pairs the tender has
            "cobid_p": 1 - (1 - best) ** k,
            "anomalous_pairs": (found["p"] < SIGNIFICANT).groupby(found["tender"]).sum(),
        }
    )
    out.index = codes[out.index]
    return out


def _pairs_within(group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row positions (i, j), i < j, of every two rows with the same group code."""
    order = np.argsort(group, kind="stable")
    sizes = np.bincount(group)
    starts = np.repeat(np.cumsum(sizes) - sizes, sizes)  # per sorted row: its group's start
    position = np.arange(len(group)) - starts
    after = np.repeat(sizes, sizes) - position - 1  # partners after each sorted row
    first = np.repeat(np.arange(len(group)), after)
    offset = np.arange(len(first)) - np.repeat(np.cumsum(after) - after, after) + 1
    return order[first], order[first + offset]


def meetings_look_collusive(tenders: pd.DataFrame, *, alpha: float = ALPHA, min_group: int = 5) -> pd.DataFrame:
    """Per market, from the unlabelled bids: are the tenders of firms that meet far beyond
    expectation ALSO less dispersed than the rest of the market? A ring places its covers
    around the designated winner; a structural bidder pool (designated or local firms)
    meets just as often without pricing alike. Mann–Whitney, one-sided: price index of the
    tenders with an anomalous pair (p < ``SIGNIFICANT``) against the market's other priced
    tenders. ``effect`` = P(a tender with such a pair is more clustered than one without).
    ``tenders``: market, anomalous_pairs, price_index."""
    priced = tenders.dropna(subset=["price_index"])
    meets = priced["anomalous_pairs"].fillna(0).to_numpy() > 0
    market = priced["market"]
    n1 = pd.Series(meets, index=priced.index).groupby(market).sum()
    n2 = market.value_counts().reindex(n1.index) - n1
    # U from within-market ranks, p by the normal approximation with tie and continuity
    # corrections (scipy's "asymptotic" method) for all markets at once: one rule for every
    # market; it differs from the exact test of tiny samples by < 0.007 in p on the medium set
    ranks = priced["price_index"].groupby(market).rank()
    u = ranks[meets].groupby(market[meets]).sum().reindex(n1.index).fillna(0) - n1 * (n1 + 1) / 2
    ties = priced.groupby(["market", "price_index"]).size()
    ties = (ties**3 - ties).groupby(level="market").sum().reindex(n1.index)
    n = n1 + n2
    sigma = np.sqrt(n1 * n2 / 12 * ((n + 1) - ties / (n * (n - 1))))
    p = pd.Series(stats.norm.sf((u - n1 * n2 / 2 - 0.5) / sigma), index=n1.index)
    enough = np.minimum(n1, n2) >= min_group
    out = pd.DataFrame({"effect": (u / (n1 * n2)).where(enough), "p": p.where(enough)})
    out["with_pair"], out["without_pair"] = n1.astype(int), n2.astype(int)
    out["collusive"] = (out["p"] < alpha) & enough
    return out
