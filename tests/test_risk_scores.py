"""Graded, market-relative risk scores on generated markets (no store needed: the
scores work on the bid table ``read_bids`` returns)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pricegen import cartel_then_competition

from bidgraph.analysis import coalition, pricerisk, risk
from bidgraph.analysis.market import Market
from bidgraph.analysis.markets import MarketSpec, assign_markets, tender_frame

CARTEL = [f"cartel-{i}" for i in range(4)]
SIZE_CLASS = [f"bigco-{i}" for i in range(4)]


def _market(seed: int = 5) -> Market:
    """Three size classes of 60 tenders. Four honest big firms bid on EVERY large tender
    (they meet 60 times: the size class, not a ring). Four cartel firms meet on 15
    medium tenders, pass the wins round and bid within 0.3% of each other."""
    rng = np.random.default_rng(seed)
    pool = [f"firm-{i:02d}" for i in range(60)]
    rows = []
    cartel_tenders = set(range(60, 75))
    for t in range(180):
        size = (1e5, 1e6, 1e7)[t // 60]
        code = f"T{t:03d}"
        bidders = list(rng.choice(pool, 4, replace=False))
        if t >= 120:
            bidders += SIZE_CLASS
        if t in cartel_tenders:
            bidders += CARTEL
        prices = size * rng.uniform(0.85, 0.97, len(bidders))
        if t in cartel_tenders:
            winner = CARTEL[t % 4]
            base = size * 0.95
            for i, firm in enumerate(bidders):
                if firm in CARTEL:
                    prices[i] = base * (1.0 if firm == winner else 1.002 + 0.001 * CARTEL.index(firm))
                else:
                    prices[i] = base * rng.uniform(1.01, 1.05)
        low = int(np.argmin(prices))
        for i, firm in enumerate(bidders):
            rows.append((code, firm, float(prices[i]), i == low, size, f"{2020 + t % 4}-{1 + t % 12:02d}-01"))
    bids = pd.DataFrame(rows, columns=["tender", "bidder", "price", "won", "ceiling", "bid_open"])
    bids = bids.assign(valid=True, industry="房建", region="某省某市")
    members = bids[["tender", "bidder"]].assign(company=bids["bidder"])
    return Market(bids, members, {})


@pytest.fixture(scope="module")
def scored() -> tuple[Market, risk.RiskScores]:
    market = _market()
    return market, risk.compute(market, MarketSpec())


def test_scores_cover_every_firm_and_tender(scored) -> None:
    market, result = scored
    assert set(result.firms.index) == set(market.members["company"])
    assert set(result.tenders.index) == set(market.bids["tender"])
    for frame in (result.firms, result.tenders):
        assert frame["evidence"].notna().all() and frame["percentile"].between(0, 100).all()
        assert frame["explanation"].str.contains("市场〔").all()  # the market is named with every score


def test_planted_cartel_outranks_a_size_class_that_always_meets(scored) -> None:
    _, result = scored
    firms = result.firms
    weakest_cartel = firms.loc[CARTEL, "evidence"].min()
    assert weakest_cartel > firms.loc[SIZE_CLASS, "evidence"].max()
    assert firms.index[:4].sort_values().tolist() == CARTEL
    assert (firms.loc[SIZE_CLASS, "partners"] == 0).all()  # meeting in their own size class is expected


def test_cartel_tenders_lead_the_tender_ranking(scored) -> None:
    _, result = scored
    top = set(result.tenders.index[:15])
    assert len(top & {f"T{t:03d}" for t in range(60, 75)}) >= 13


def test_markets_fall_back_when_a_cell_is_too_small() -> None:
    market = _market()
    tenders = tender_frame(market.bids)
    labels = assign_markets(tenders, MarketSpec(period="year", min_tenders=30))
    assert labels.nunique() == 3 and all("规模:" in m and "年度" not in m for m in labels)  # years too small
    assert set(assign_markets(tenders, MarketSpec(size_bands=0, use_industry=False))) == {"地区:某省某市"}


def _priced(cvs: list[float], ceiling_ratio: float = 0.9) -> pd.DataFrame:
    rows = []
    for t, cv in enumerate(cvs):
        prices = 1e6 * ceiling_ratio * (1 + cv * np.array([-1.5, -0.5, 0.5, 1.5]) / 1.29)
        rows += [{"tender": f"T{t:03d}", "price": p, "ceiling": 1e6, "valid": True} for p in prices]
    return pd.DataFrame(rows)


def test_screens_are_percentiles_a_high_cv_market_still_flags_its_outliers() -> None:
    cvs = [*np.random.default_rng(1).uniform(0.2, 0.6, 80), 0.02, 0.03]
    bids = _priced(cvs)
    table = pricerisk.price_table(bids, pd.Series("m", index=bids["tender"].unique()))
    flagged = set(table.index[table["flagged"]])
    assert flagged == {"T080", "T081"}  # CV 0.02/0.03: no fixed cut (≤ 0.005) would see them
    assert table.loc["T080", "pct_cv"] == 1.0 and table["flagged"].mean() <= pricerisk.FLAG_SHARE


def test_an_ordinary_market_flags_at_most_five_percent() -> None:
    bids = _priced(list(np.random.default_rng(2).lognormal(np.log(0.06), 0.4, 200)))
    table = pricerisk.price_table(bids, pd.Series("m", index=bids["tender"].unique()))
    assert table["flagged"].mean() <= pricerisk.FLAG_SHARE


def test_bids_above_the_ceiling_are_not_hugging_it() -> None:
    above = pd.DataFrame(
        {"tender": ["A"] * 3, "price": [150.0, 160.0, 170.0], "ceiling": [100.0] * 3, "valid": [True] * 3}
    )
    hugging = pd.DataFrame(
        {"tender": ["H"] * 3, "price": [98.5, 99.0, 99.9], "ceiling": [100.0] * 3, "valid": [True] * 3}
    )
    figures = pricerisk.ceiling_figures(pd.concat([above, hugging]))
    assert figures.loc["A", "above_ceiling"] == 3 and figures.loc["A", "ceiling_share"] == 0.0
    assert figures.loc["H", "above_ceiling"] == 0 and figures.loc["H", "ceiling_share"] == 1.0
    background = _priced(list(np.random.default_rng(3).uniform(0.03, 0.08, 60)))
    bids = pd.concat([background, above, hugging])
    table = pricerisk.price_table(bids, pd.Series("m", index=bids["tender"].unique()))
    assert "ceiling_share" in table.loc["H", "tripped"]
    assert np.isnan(table.loc["A", "ceiling_share"]) and "ceiling_share" not in table.loc["A", "tripped"]
    assert table.loc["A", "above_ceiling"] == 3  # reported as data quality instead


def test_a_cartel_holding_a_whole_market_still_stands_out_pooled() -> None:
    # market "ring": every tender clustered (CV 0.2–0.5%); market "open": CV 3–8%. Within its
    # own market a ring tender is ordinary; the pooled half of the score still ranks it high.
    rng = np.random.default_rng(4)
    ring, open_ = _priced(list(rng.uniform(0.002, 0.005, 40))), _priced(list(rng.uniform(0.03, 0.08, 40)))
    open_["tender"] = "O" + open_["tender"]
    bids = pd.concat([ring, open_])
    markets = pd.Series(["ring"] * 40 + ["open"] * 40, index=bids["tender"].unique())
    table = pricerisk.price_table(bids, markets)
    in_ring = table["market"] == "ring"
    # within-market only, both markets would average 0: the ring's market is not "normal"
    assert table.loc[in_ring, "price_z"].mean() > 0.25 > -0.25 > table.loc[~in_ring, "price_z"].mean()
    assert (table.loc[in_ring, "price_p"] < 0.5).mean() > 0.6 > (table.loc[~in_ring, "price_p"] < 0.5).mean()


def test_a_higher_price_level_at_equal_dispersion_scores_higher() -> None:
    cvs = list(np.random.default_rng(6).uniform(0.03, 0.08, 40))
    # every bid below the ceiling (a bid above it is a data-quality finding, no price level)
    low, high = _priced(cvs, ceiling_ratio=0.85), _priced(cvs, ceiling_ratio=0.91)
    high["tender"] = "H" + high["tender"]
    bids = pd.concat([low, high])
    table = pricerisk.price_table(bids, pd.Series("m", index=bids["tender"].unique()))
    gain = (
        table.loc[[f"HT{t:03d}" for t in range(40)], "price_z"].to_numpy()
        - table.loc[[f"T{t:03d}" for t in range(40)], "price_z"].to_numpy()
    )
    assert (gain > 0).all()  # same CV, bids nearer the buyer's estimate


def _two_honest_markets(seed: int = 8) -> Market:
    """Two honest size classes of 60 undated tenders, 5 bidders each from their own pool of
    25 firms (some far busier than others): small works bid tightly (CV 0.2–0.5%), large
    works loosely (CV 3–8%) — a structural difference, nobody colludes."""
    rng = np.random.default_rng(seed)
    weights = 0.8 ** np.arange(25)
    rows = []
    for name, ceiling, (low, high) in (("small", 1e5, (0.002, 0.005)), ("large", 1e7, (0.03, 0.08))):
        pool = [f"{name}-{i:02d}" for i in range(25)]
        for t in range(60):
            bidders = rng.choice(pool, 5, replace=False, p=weights / weights.sum())
            prices = ceiling * 0.9 * (1 + rng.uniform(low, high) * rng.standard_normal(5))
            won = prices == prices.min()
            rows += [(f"{name}{t:02d}", *row, ceiling) for row in zip(bidders, prices, won, strict=True)]
    bids = pd.DataFrame(rows, columns=["tender", "bidder", "price", "won", "ceiling"])
    bids = bids.assign(valid=True, bid_open=None, industry="房建", region="某省某市")
    return Market(bids, bids[["tender", "bidder"]].assign(company=bids["bidder"]), {})


def test_firm_involvement_does_not_rank_markets_by_their_structural_price_level() -> None:
    # summing the pooled view per firm would give every small-works bid ~0.8 and every
    # large-works bid ~0.2: the busiest small-works firms would take the whole top
    firms = risk.compute(_two_honest_markets(), MarketSpec(size_bands=2)).firms
    size_class = firms.index.str.split("-").str[0]
    per_bid = firms["involvement"].groupby(size_class).sum() / firms["priced_tenders"].groupby(size_class).sum()
    assert per_bid.between(0.33, 0.55).all()  # an ordinary bid adds ≈ 1/ln 10 in any market
    top = size_class[:10].value_counts()
    assert top.get("small", 0) >= 3 and top.get("large", 0) >= 3


def test_coalition_evidence_of_an_honest_pool_is_near_zero_in_any_market() -> None:
    # the pooled half would give the small-works pool Z ≈ +3 (and the large one −3) over its
    # joint tenders (~50 each): its market's price level counted once per tender
    market = _two_honest_markets()
    tender_market = assign_markets(tender_frame(market.bids), MarketSpec(size_bands=2))
    price = pricerisk.price_table(market.bids, tender_market)
    pool = coalition.tender_coalition(market.members, price["market_z"])
    mean_z = pool["coalition_z"].groupby(pool.index.str[:5]).mean()
    assert pool["coalition_tenders"].median() > 30 and mean_z.abs().max() < 0.5


def test_the_sidak_combination_keeps_tiny_p_values_apart() -> None:
    # (1 − p) is 1.0 in floating point below p ≈ 1e-16: 1 − (1 − p)^k gave 0 and every
    # such tender tied at the evidence cap
    p = pd.DataFrame({"price_p": [1e-20, 1e-30, 0.5], "cobid_p": [0.5, np.nan, np.nan]})
    combined = risk.sidak_min(p)
    assert np.allclose(combined, [2e-20, 1e-30, 0.5], rtol=1e-6)
    assert combined.iloc[0] > combined.iloc[1] > 0


def test_a_bid_above_a_ceiling_is_no_price_level_unless_the_figure_is_an_estimate() -> None:
    # a market whose bids sit at 90% of the figure (a ceiling): bids at 150–170% of it say the
    # figure is wrong or the bids invalid — data quality, not the highest price level
    cvs = list(np.random.default_rng(9).uniform(0.03, 0.08, 60))
    above = pd.DataFrame({"tender": ["A"] * 3, "price": [150.0, 160.0, 170.0], "ceiling": [100.0] * 3, "valid": True})
    bids = pd.concat([_priced(cvs), above])
    table = pricerisk.price_table(bids, pd.Series("m", index=bids["tender"].unique()))
    assert table.loc["A", "above_ceiling"] == 3 and table.loc["A", "price_z"] < table["price_z"].quantile(0.75)
    # a market whose every tender bids above the figure (an estimate): the level above it counts
    low, high = _priced(cvs, ceiling_ratio=1.2), _priced(cvs, ceiling_ratio=1.35)
    high["tender"] = "H" + high["tender"]
    table = pricerisk.price_table(
        pd.concat([low, high]), pd.Series("m", index=[*low["tender"].unique(), *high["tender"].unique()])
    )
    assert (
        table.loc["H" + low["tender"].unique(), "price_z"].to_numpy()
        > table.loc[low["tender"].unique(), "price_z"].to_numpy()
    ).all()


def test_the_explanation_says_when_the_level_is_not_used() -> None:
    cvs = list(np.random.default_rng(9).uniform(0.03, 0.08, 40))
    above = pd.DataFrame({"tender": ["A"] * 3, "price": [1.5e6, 1.6e6, 1.7e6], "ceiling": [1e6] * 3, "valid": True})
    bids = pd.concat([_priced(cvs), above]).assign(won=False, industry="房建", region="某省某市", bid_open=None)
    bids["bidder"] = [f"f{i % 7}" for i in range(len(bids))]
    scores = risk.compute(Market(bids, bids[["tender", "bidder"]].assign(company=bids["bidder"]), {}))
    text = scores.tenders["explanation"]
    assert "（离散度，" in text["A"] and "不计报价水平" in text["A"]
    assert "离散度与报价水平" in text["T000"] and "不计报价水平" not in text["T000"]


def _cartel_then_competition(seed: int = 11) -> Market:
    """``pricegen``'s market with random bids. Firm "far" bids on 6 tenders of the cartel period, firm "busy"
    on 30 tenders of the competitive one; 30 other firms bid on everything in rotation."""
    rng = np.random.default_rng(seed)
    rows = []
    for t, cartel, cv, level, day in cartel_then_competition(rng):
        firms = [f"firm-{(t + i * 7) % 30:02d}" for i in range(4)]
        if t in range(0, 60, 10) or t in range(80, 140, 2):
            firms.append("far" if cartel else "busy")
        prices = 1e6 * level * (1 + cv * rng.standard_normal(len(firms)))
        rows += [(f"T{t:03d}", firm, prices[i], i == 0, 1e6, day) for i, firm in enumerate(firms)]
    bids = pd.DataFrame(rows, columns=["tender", "bidder", "price", "won", "ceiling", "bid_open"])
    bids = bids.assign(valid=True, industry="房建", region="某省某市")
    return Market(bids, bids[["tender", "bidder"]].assign(company=bids["bidder"]), {})


def test_a_few_tenders_far_beyond_competition_outweigh_many_ordinary_ones() -> None:
    # (1 − p) is bounded at 1 per tender: 6 tenders far beyond competition counted 6 and 30
    # ordinary ones 15, so the busy honest firm led; the tenders' evidence (−log10 p) keeps
    # how far from competition each tender was, and an ordinary tender adds ≈ 0.43
    firms = risk.compute(_cartel_then_competition(), MarketSpec(), families=("price",)).firms
    far, busy = firms.loc["far"], firms.loc["busy"]
    assert far["outside_competitive"] == 6 and busy["outside_competitive"] == 0
    assert far["involvement"] > 5 * busy["involvement"]
    assert far["evidence"] > busy["evidence"]
    assert 0.25 < busy["involvement"] / busy["priced_tenders"] < 0.7  # ≈ 1/ln 10 under competition
    assert "报价证据合计" in far["explanation"] and "期望个数" not in far["explanation"]
