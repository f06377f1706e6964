"""Regimes of a market over time (change points) on generated markets: a planted break is
found and the clustered regime is judged against the competitive one; a stationary market
has no break."""

from __future__ import annotations

import numpy as np
import pandas as pd
from pricegen import cartel_then_competition

from bidgraph.analysis import pricerisk, regimes, risk
from bidgraph.analysis.market import Market
from bidgraph.analysis.markets import MarketSpec


def _broken_market(seed: int = 11) -> pd.DataFrame:
    """``pricegen``'s market, four bids per tender at fixed steps of its CV."""
    rows = []
    for t, _, cv, level, day in cartel_then_competition(np.random.default_rng(seed)):
        prices = 1e6 * level * (1 + cv * np.array([-1.5, -0.5, 0.5, 1.5]) / 1.29)
        for i, price in enumerate(prices):
            rows.append((f"T{t:03d}", f"firm-{(t + i * 7) % 30:02d}", price, i == 0, 1e6, day))
    return pd.DataFrame(rows, columns=["tender", "bidder", "price", "won", "ceiling", "bid_open"]).assign(valid=True)


def _one_market(bids: pd.DataFrame) -> pd.Series:
    return pd.Series("m", index=bids["tender"].unique())


def test_a_planted_break_is_found_and_the_clustered_regime_is_judged_against_competition() -> None:
    bids = _broken_market()
    table = pricerisk.price_table(bids, _one_market(bids))
    cartel = table.index < "T080"
    assert table["regime"].nunique() == 2 and table["break_p"].min() < regimes.ALPHA
    assert table.loc[cartel, "regime"].eq(0).all() and table.loc[~cartel, "regime"].eq(1).all()
    assert table.loc[~cartel, "reference"].all() and not table.loc[cartel, "reference"].any()
    # every clustered tender is unusual against the competitive regime; judged against the
    # mixed whole market (no break), the middle of the clustered half would be ordinary
    assert table.loc[cartel, "price_p"].max() < 0.05
    assert table.loc[cartel, "price_z"].min() > table.loc[~cartel, "price_z"].max()
    undated = pricerisk.price_table(bids.assign(bid_open=None), _one_market(bids))
    assert undated["reference"].all() and undated.loc[cartel, "price_p"].max() > 0.2


def test_a_stationary_market_has_no_break() -> None:
    breaks = 0
    for seed in range(40):
        rng = np.random.default_rng(seed)
        mark = pd.Series(rng.normal(size=200), index=[f"T{i:03d}" for i in range(200)])
        dates = pd.Series(pd.date_range("2020-01-01", periods=200, freq="5D"), index=mark.index)
        found = regimes.find(mark, dates, pd.Series("m", index=mark.index), min_size=30)
        breaks += found["regime"].nunique() > 1
        assert found["reference"].all()  # no break: the market is its own reference
    assert breaks <= 2  # α = 0.01 per market: about 0.4 false breaks expected in 40 markets


def test_splits_fall_between_dates_and_keep_the_minimum_segment() -> None:
    # a shift after tender 45, but the first 50 tenders share one day: the split waits for the day
    mark = pd.Series([3.0] * 45 + [0.0] * 55, index=[f"T{i:03d}" for i in range(100)])
    days = ["2021-01-01"] * 50 + [f"2021-02-{d:02d}" for d in range(1, 29)] + ["2021-03-01"] * 22
    dates = pd.to_datetime(pd.Series(days, index=mark.index))
    found = regimes.find(mark, dates, pd.Series("m", index=mark.index), min_size=30)
    assert found["regime"].value_counts().sort_index().tolist() == [50, 50]
    short = regimes.find(mark.iloc[:50], dates.iloc[:50], pd.Series("m", index=mark.index[:50]), min_size=30)
    assert short["regime"].eq(0).all()  # 50 tenders cannot hold two segments of 30


def test_the_explanation_names_the_break() -> None:
    bids = _broken_market()
    # a tender with two bids (no price screens) and an undated clustered one in the same market
    unpriced = bids[bids["tender"] == "T001"].head(2).assign(tender="U001")
    undated = bids[bids["tender"] == "T002"].assign(tender="X001", bid_open=None)
    bids = pd.concat([bids, unpriced, undated]).assign(industry="房建", region="某省某市")
    members = bids[["tender", "bidder"]].assign(company=bids["bidder"])
    result = risk.compute(Market(bids, members, {}), MarketSpec(size_bands=0))
    text = result.tenders.loc["T010", "explanation"]
    assert "结构性变化" in text and "与本市场竞争性阶段（2021-12-" in text
    assert "本标段属竞争性阶段" in result.tenders.loc["T150", "explanation"]
    assert "各按本市场竞争性阶段和全部数据的竞争性阶段评估" in text
    assert "本标段无开标日期，与本市场竞争性阶段" in result.tenders.loc["X001", "explanation"]
    assert "有效报价不足3个" in result.tenders.loc["U001", "explanation"]
    assert result.firms["explanation"].str.contains("处于所在市场竞争性阶段之外").any()


def test_beyond_the_competitive_regime_the_distance_counts_not_the_reference_length() -> None:
    # a mid-rank p among n_ref tenders cannot go below ½/(n_ref + 1): every tender beyond the
    # reference would tie at 2.13 (30 tenders) or 2.94 (300), however far beyond it lies
    rng = np.random.default_rng(5)
    scores = {}
    for n_ref in (30, 300):
        values = pd.Series(np.r_[rng.normal(size=n_ref), 1.0, 3.0, 8.0])
        reference = pd.Series(np.r_[np.ones(n_ref, bool), False, False, False])
        z = regimes.versus_reference(values, pd.Series(0, index=values.index), reference)
        near, far, very_far = z.iloc[-3:]
        assert near < far < very_far and very_far > 6
        # inside the reference: its ranks, exactly N(0, 1) scores
        inside = pricerisk.normal_score(values[reference], pd.Series(0, index=values[reference].index))
        assert np.allclose(z[reference], inside)
        scores[n_ref] = far
    assert abs(scores[30] - scores[300]) < 1.0  # set by the distance, not by the reference's length
    # a reference without any spread: the mid-rank p stands in (no division by 0)
    flat = regimes.versus_reference(
        pd.Series([1.0] * 30 + [2.0]), pd.Series(0, index=range(31)), pd.Series([True] * 30 + [False])
    )
    assert np.isfinite(flat).all() and flat.iloc[-1] > flat.iloc[:-1].max()


def test_the_pooled_half_judges_against_competition_not_a_pool_of_cartels() -> None:
    # three markets that each had a cartel and then competition: half of the pool is
    # collusive, so a clustered tender ranked among ALL tenders looks middling in the very
    # view meant to see a cartel; judged against the union of the competitive regimes it does not
    bids = pd.concat(
        [_broken_market(seed).assign(tender=lambda b, s=seed: f"M{s}-" + b["tender"]) for seed in (11, 12, 13)]
    )
    markets = pd.Series(bids["tender"].str[:3].to_numpy(), index=bids["tender"]).groupby(level=0).first()
    table = pricerisk.price_table(bids, markets)
    cartel = table.index.str[4:] < "T080"
    assert table["regime"].groupby(table["market"]).nunique().eq(2).all()
    pooled = (2 * table["price_z"] - np.sqrt(2) * table["market_z"]) / np.sqrt(2)  # the pooled half as N(0, 1)
    assert pooled[cartel].min() > 3
    assert abs(pooled[~cartel].mean()) < 0.3  # competition is the pool's null: ≈ 0 there
