"""A tender's ROOM: the price evidence its bidders carry from their OTHER tenders — the
tender score's second source beside its own bids where no coalition evidence is used.

Per bidder, leave-one-out: the sum of −log10 market p over its other priced tenders (the
firm page's unit; this tender's own term left out, so the room is independent of the
tender's own price under no collusion and combining the two does not count it twice), less
what competition gives those tenders. The room is the mean of that excess over the bidders.

Centring: under competition each tender's −log10 market p has mean 1/ln 10 ≈ 0.43
(``pricerisk.COMPETITIVE_SURPRISAL``): the market z is calibrated at its source (the two
marks' correlation divided out, ``pricerisk.mark_correlation``), so a competitive tender's
market p is uniform in every market and a busy honest firm's excess has mean 0 whatever
its activity.

Use: only where the market gives the room a shift — any weight on a room without one only
dilutes a tender's own price evidence (a one-off scheme among honest bidders). Two ways:
the market's price view found a period beyond competition (records beyond competition exist,
and the room orders that period's tenders, priced alike, by who sat in them), or its rooms go
with its tenders' own prices (one-sided Spearman at the co-bid check's level; calibrated,
as the leave-one-out room is independent of the own price under no collusion). Where used,
Stouffer with equal weights (no label-free estimate of the two sources' relative shift).
The room is ranked within the market (mid-rank normal score):
certainty about a firm is not certainty about each of its tenders (members also bid
competitively), so the rank bounds what the room can add."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from bidgraph.analysis import cobidrisk, pricerisk

MIN_TENDERS = 10  # below this the Spearman p's t-approximation is not reliable: room unused


def room_evidence(members: pd.DataFrame, tenders: pd.DataFrame) -> pd.DataFrame:
    """Per tender: ``room_bidders`` (bidders with another priced tender), ``room_evidence``
    (the bidders' mean leave-one-out excess over competition) and ``room_z`` (its mid-rank
    normal score within the market). ``tenders``: market, market_p."""
    bids = members[["tender", "company"]].drop_duplicates()
    excess = pricerisk.surprisal(bids["tender"].map(tenders["market_p"])) - pricerisk.COMPETITIVE_SURPRISAL
    firm, priced = bids["company"], excess.notna()
    others = priced.groupby(firm).transform("sum") - priced
    left_out = excess.fillna(0.0).groupby(firm).transform("sum") - excess.fillna(0.0)
    by_tender = left_out.where(others > 0).groupby(bids["tender"])
    room = by_tender.mean().reindex(tenders.index)
    return pd.DataFrame(
        {
            "room_bidders": by_tender.count().reindex(tenders.index).fillna(0).astype(int),
            "room_evidence": room,
            "room_z": pricerisk.normal_score(room, tenders["market"]),
        }
    )


def goes_with_price(tenders: pd.DataFrame, *, alpha: float = cobidrisk.ALPHA) -> pd.DataFrame:
    """Per market, label-free: do tenders with a suspicious room also price beyond
    competition themselves? One-sided Spearman of price_z and room_z over the market's
    tenders with both (≥ ``MIN_TENDERS``). ``tenders``: market, price_z, room_z."""
    both = tenders.dropna(subset=["price_z", "room_z"])
    market = both["market"]
    # Spearman = Pearson of the within-market ranks, for all markets at once; p from the
    # t approximation with n − 2 degrees of freedom (scipy's spearmanr, without a loop)
    ranks = both[["price_z", "room_z"]].groupby(market).rank()
    rho, n = pricerisk.grouped_pearson(ranks["price_z"], ranks["room_z"], market)
    rho = rho.where(n >= MIN_TENDERS)
    with np.errstate(divide="ignore"):
        t = rho * np.sqrt((n - 2) / (1 - rho**2))
    out = pd.DataFrame({"room_rho": rho, "room_p": pd.Series(stats.t.sf(t, n - 2), index=n.index).where(rho.notna())})
    out["room_goes_with_price"] = out["room_p"] < alpha
    return out


def room_used(tenders: pd.DataFrame) -> pd.Series:
    """Per tender: is its market's room evidence used? Where the market's price view found a
    regime beyond competition (a break: records beyond competition exist, and the room orders
    the tenders of that period, priced alike, by who sat in them — inside the period the price
    shift is the period, so no association shows), or where its rooms go with its prices.
    ``tenders``: market, reference, room_goes_with_price."""
    has_break = tenders["reference"].eq(False).groupby(tenders["market"]).transform("any")
    return has_break | tenders["room_goes_with_price"].eq(True)
