"""A tender's ROOM: the price evidence its bidders carry from their OTHER tenders — the
tender score's second source beside its own bids where no coalition evidence is used.

Per bidder, leave-one-out: the sum of −log10 market p over its other priced tenders (the
firm page's unit; this tender's own term left out, so the room is independent of the
tender's own price under no collusion and combining the two does not count it twice), less
what competition gives those tenders. The room is the mean of that excess over the bidders.

Centring: under competition each tender's −log10 p has mean E[−log10 Φ̄(σZ)], Z ~ N(0, 1),
with σ the sd of the market's price z over its competitive reference. That is 1/ln 10
only for σ = 1; the market z is the Stouffer sum of two correlated marks (dispersion and
level), so σ runs 1.2–1.35 (generator) and 1/ln 10 left ≈ 0.09 per tender, summed over a
busy honest firm's tenders — activity, the market's structure, ranked rooms.

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
_NODES, _WEIGHTS = np.polynomial.hermite_e.hermegauss(80)
_WEIGHTS = _WEIGHTS / _WEIGHTS.sum()


def null_surprisal(sigma: np.ndarray) -> np.ndarray:
    """E[−log10 Φ̄(σZ)] for Z ~ N(0, 1) (Gauss–Hermite): 1/ln 10 at σ = 1."""
    sigma = np.asarray(sigma, dtype=float)
    values = -stats.norm.logsf(np.multiply.outer(sigma, _NODES)) / np.log(10)
    return values @ _WEIGHTS


def competitive_centre(tenders: pd.DataFrame) -> pd.Series:
    """Per tender, what competition gives a tender of its market in −log10 market p:
    ``null_surprisal`` of the standard deviation of the market z over the market's
    reference. Inside the reference the market z is the sum of two rank normal scores, N(0, 1)
    each, so its sd is √(1 + ρ) (ρ: the marks' correlation) and bounded: a cartel among the
    ranks of a market without a break cannot inflate it much (a median-based spread can be
    far off: the sum of two rank scores is not normal in its middle). σ = 1 where it cannot
    be read (fewer than 3 tenders). ``tenders``: market, market_z, reference."""
    z = tenders["market_z"].where(tenders["reference"].fillna(True).astype(bool)).dropna()
    by_market = z.groupby(tenders["market"].reindex(z.index))
    sigma = by_market.std().where(by_market.count() >= 3).fillna(1.0)
    centre = pd.Series(null_surprisal(sigma.to_numpy()), index=sigma.index)
    return tenders["market"].map(centre).fillna(1 / np.log(10))


def room_evidence(members: pd.DataFrame, tenders: pd.DataFrame) -> pd.DataFrame:
    """Per tender: ``room_bidders`` (bidders with another priced tender), ``room_centre``
    (competition's −log10 p per tender in its market), ``room_evidence`` (the bidders' mean
    leave-one-out excess over it) and ``room_z`` (its mid-rank normal score within the
    market). ``tenders``: market, market_p, market_z, reference."""
    bids = members[["tender", "company"]].drop_duplicates()
    centre = competitive_centre(tenders)
    excess = pricerisk.surprisal(bids["tender"].map(tenders["market_p"])) - bids["tender"].map(centre)
    firm, priced = bids["company"], excess.notna()
    others = priced.groupby(firm).transform("sum") - priced
    left_out = excess.fillna(0.0).groupby(firm).transform("sum") - excess.fillna(0.0)
    by_tender = left_out.where(others > 0).groupby(bids["tender"])
    room = by_tender.mean().reindex(tenders.index)
    return pd.DataFrame(
        {
            "room_bidders": by_tender.count().reindex(tenders.index).fillna(0).astype(int),
            "room_centre": centre,
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
    centred = ranks - ranks.groupby(market).transform("mean")
    sums = pd.DataFrame(
        {
            "xy": centred["price_z"] * centred["room_z"],
            "xx": centred["price_z"] ** 2,
            "yy": centred["room_z"] ** 2,
        }
    ).groupby(market)
    totals, n = sums.sum(), sums.size()
    rho = (totals["xy"] / np.sqrt(totals["xx"] * totals["yy"])).where(n >= MIN_TENDERS).clip(-1, 1)
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
