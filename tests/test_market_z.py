"""The market z is calibrated at its source: the two marks (dispersion and price level) are
correlated under competition too, so their sum is divided by √(2 + 2ρ) (Strube), with ρ
estimated per market over its competitive reference and shrunk toward the pooled ρ."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from bidgraph.analysis import pricerisk
from bidgraph.analysis.market import Market
from bidgraph.analysis.markets import MarketSpec


def _competitive(coupling: float, *, tenders: int = 400, seed: int = 5) -> Market:
    """One market of honest tenders, 5 bids each. A latent work type u per tender moves both
    marks: with ``coupling`` c, tight bids (low CV) go with a high level as c·u (0: independent)."""
    rng = np.random.default_rng(seed)
    rows = []
    for t in range(tenders):
        u = rng.standard_normal()
        cv = np.exp(-3.0 - 0.8 * (coupling * u + np.sqrt(1 - coupling**2) * rng.standard_normal()))
        level = 0.88 + 0.03 * (coupling * u + np.sqrt(1 - coupling**2) * rng.standard_normal())
        prices = 1e6 * level * (1 + cv * rng.standard_normal(5))
        rows += [(f"T{t:03d}", f"firm-{(t + i * 7) % 40:02d}", prices[i], i == 0, 1e6) for i in range(5)]
    bids = pd.DataFrame(rows, columns=["tender", "bidder", "price", "won", "ceiling"])
    bids = bids.assign(valid=True, industry="房建", region="某省某市", bid_open=None)
    return Market(bids, bids[["tender", "bidder"]].assign(company=bids["bidder"]), {})


@pytest.mark.parametrize("coupling", [0.0, 0.9])
def test_a_competitive_tender_has_a_uniform_market_p_whatever_the_marks_correlation(coupling: float) -> None:
    table = pricerisk.market_price_table(_competitive(coupling), MarketSpec())
    # the plain sum (z_cv + z_level)/√2 has sd √(1 + ρ): 1.3 at coupling 0.9, and a competitive
    # tender then adds 0.5 instead of 1/ln 10 to its bidders' sums
    assert table["market_z"].std() == pytest.approx(1.0, abs=0.06)
    mean_surprisal = pricerisk.surprisal(table["market_p"]).mean()
    assert mean_surprisal == pytest.approx(pricerisk.COMPETITIVE_SURPRISAL, abs=0.04)


def test_the_marks_correlation_is_shrunk_toward_the_pool_where_a_market_says_little() -> None:
    rng = np.random.default_rng(2)

    def market(name: str, n: int, rho: float) -> pd.DataFrame:
        a = rng.standard_normal(n)
        b = rho * a + np.sqrt(1 - rho**2) * rng.standard_normal(n)
        return pd.DataFrame({"a": a, "b": b, "m": name})

    # two large markets that disagree beyond their noise keep their own ρ; a market of 6
    # tenders whose r came out opposite borrows the pool's; one of 3 cannot estimate it
    frame = pd.concat([market("big", 400, 0.7), market("other", 400, 0.3), market("small", 6, -0.6)])
    frame = pd.concat([frame, market("tiny", 3, 0.0)], ignore_index=True)
    rho = pricerisk.mark_correlation(frame["a"], frame["b"], frame["m"], pd.Series(True, index=frame.index))
    big = frame[frame["m"] == "big"]
    assert rho["big"] == pytest.approx(stats.pearsonr(big["a"], big["b"])[0], abs=0.02)
    assert rho["other"] < 0.45 < rho["big"]
    small = frame[frame["m"] == "small"]
    assert stats.pearsonr(small["a"], small["b"])[0] < 0 < rho["small"]
    assert 0.3 < rho["tiny"] < 0.7  # the pooled ρ
    # nothing to estimate from: the plain Stouffer sum
    few = frame[frame["m"] == "tiny"]
    assert pricerisk.mark_correlation(few["a"], few["b"], few["m"], pd.Series(True, index=few.index))["tiny"] == 0


def test_a_period_beyond_competition_does_not_enter_the_marks_correlation() -> None:
    rng = np.random.default_rng(4)
    a, b = rng.standard_normal(300), rng.standard_normal(300)
    # 100 tenders far out on both marks at once (a cartel period outside the reference)
    a[:100], b[:100] = 6 + a[:100], 6 + a[:100]
    frame = pd.DataFrame({"a": a, "b": b, "m": "m"})
    reference = pd.Series(np.arange(300) >= 100)
    assert abs(pricerisk.mark_correlation(frame["a"], frame["b"], frame["m"], reference)["m"]) < 0.15
