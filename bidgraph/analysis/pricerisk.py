"""Price screens as percentiles within each tender's market (after Imhof, Huber & Imhof,
García Rodríguez et al. 2022). A fixed cut (CV ≤ 0.005) never fires where competitive
CVs run 0.03–0.60 and fires on a third of tenders where they run low; ranked within its
market, a tender's screens say how unusual its bids are *there*.

Directions (the collusive side of each screen): low CV and spread (bids cluster), high
relative distance RD (the winner far from the covers), high kurtosis and low skewness
(covers bunched above a lone low bid), high KS (not spread like competitive bids), low
step CV (covers at regular steps), a high share of bids within 0.98–1.0 of the ceiling.
A bid ABOVE the ceiling is not "close to the ceiling": it is a data-quality finding
(the ceiling is wrong, an estimate, or the bid is invalid) and is reported as such.

The continuous score (``price_z``, N(0, 1) for a tender priced like the others) reads the
two canonical marks of collusion (Porter & Zona 1993; Abrantes-Metz et al. 2006): bids less
dispersed (CV) and a higher price level (mean valid bid / the buyer's estimate, 最高投标限价)
than competition gives. Only screens whose null under independent bids does not move with
the number of bids n enter it (CV: s is ~unbiased for σ at any n; a mean): spread and RD grow
or shrink with n by construction (the range of 12 draws is wider than of 3), kurtosis is
bounded by n, so they would read "few bidders" as collusion. Each of the two is judged
against competition within the tender's market AND pooled over the data set,
(z_market + z_pooled)/√2: a cartel that holds a whole market makes its own prices that
market's normal, which only the pooled view sees; a market whose honest prices are
structurally tight is judged fairly only by the within-market view. Where the market's
pricing changed over time (``regimes``: a change point of its dated tenders' marks), the
reference is the market's competitive regime instead of the mixed whole (before/after the
cartel), and the pooled reference is the union of every market's reference (a pool that
mixes collusive periods in makes a cartel look ordinary in the view meant to see it).
Inside the reference a tender has its rank; outside it, its robust distance from the
reference (dispersion on log scale), so how far beyond competition it lies still counts
where a rank among n_ref tenders would cap it at ½/(n_ref + 1). The two marks
are summed the same way, (z_cv + z_level)/√2 (z_cv alone where no estimate is known);
``price_p`` = Φ(−z); ``market_p`` = the same from the market half alone (what a firm's
involvement sums: its null does not depend on the market's price level). The market half is
CALIBRATED: tight bids and high prices go together under competition too, so the sum of the
two marks has variance 2 + 2ρ, not 2 (generated markets: ρ ≈ 0.5–0.8, an sd of 1.25–1.35), and
it is divided by √(2 + 2ρ) (Strube 1985) with ρ the marks' correlation over the market's
reference, shrunk toward the pooled ρ for small markets (``mark_correlation``): a competitive
tender's market p is uniform in every market, so it adds 1/ln 10 to a firm's sum and to a room.
(The price z, four halves, keeps the plain sum: a per-market divisor would not reorder a
market's tenders, only markets against each other; not calibrated yet.) Equal weights throughout, nothing fitted.
``price_index`` (the CV percentile in the market) is the dispersion the co-bid market check uses.
A tender is *flagged* (a finding) only when one of the screens the
law names — bids abnormally alike (CV, spread, identical covers), at regular
differences (steps), or all at the ceiling (《招标投标法实施条例》第40条④) — is an
outlier of its market on the collusive side — modified z-score ≥ ``OUTLIER_Z``
(Iglewicz & Hoaglin's 3.5, on log scale for the positive dispersion screens) — and
within the market's top ``FLAG_SHARE`` on that screen, so a market whose CVs all run
high still flags its own outliers, and only them.
The other screens are shown with each tender (its most extreme ones) and steps and ceiling
hugging raise flags."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special, stats

from bidgraph.analysis import regimes, screens
from bidgraph.analysis.market import Market
from bidgraph.analysis.markets import MarketSpec, tender_markets

FLAG_SHARE = 0.05
OUTLIER_Z = 3.5
LOG_SCALE = ("cv", "spread", "step_cv")
LOG_FLOOR = 1e-4  # below a 0.01% relative difference, bids are equal for any practical purpose
FLAGGING = ("cv", "spread", "step_cv", "ceiling_share", "rd")  # rd: only identical covers (∞)
CEILING_BAND = (0.98, 1.0)
DIRECTION = {"cv": -1, "spread": -1, "rd": 1, "kurtosis": 1, "skewness": -1, "ks": 1, "step_cv": -1}
DIRECTION["ceiling_share"] = 1
COMPETITIVE_SURPRISAL = 1 / np.log(10)  # E[−log10 p] for p uniform: what a competitive tender adds
ZH = {**screens.SCREEN_ZH, "ceiling_share": "限价98%–100%内报价占比", "above_ceiling": "高于最高限价的报价数"}


def normal_score(values: pd.Series, groups: pd.Series) -> pd.Series:
    """The value's mid-rank upper p within its group as a standard normal score
    (Φ⁻¹(1 − p), ties averaged): N(0, 1) under the null that the item is like its market,
    so scores of different tenders can be summed (Stouffer) into a firm's or group's test."""
    frame = pd.DataFrame({"v": values, "g": groups})
    ranks = frame.groupby("g")["v"].rank(method="average", ascending=False)
    counts = frame.groupby("g")["v"].transform("count")
    return pd.Series(stats.norm.isf((ranks - 0.5) / counts), index=values.index)


def ceiling_figures(bids: pd.DataFrame) -> pd.DataFrame:
    """Per tender: share of priced bids within the ceiling band, and bids above the ceiling."""
    priced = bids[bids["price"].notna() & (bids["price"] > 0) & (bids["ceiling"] > 0)]
    ratio = priced["price"] / priced["ceiling"]
    low, high = CEILING_BAND
    frame = pd.DataFrame(
        {"tender": priced["tender"], "in_band": ratio.between(low, high), "above": ratio > high + 1e-9}
    )
    out = frame.groupby("tender").agg(ceiling_share=("in_band", "mean"), above_ceiling=("above", "sum"))
    return out


def market_price_table(market: Market, spec: MarketSpec, *, min_bids: int = 3) -> pd.DataFrame:
    """``price_table`` of ``market`` cut by ``spec``, computed once per market (the price
    detector and the risk scores of one triage read the same table). Read-only."""
    return market.shared(
        ("price_table", spec.key(), min_bids),
        lambda: price_table(market.bids, tender_markets(market, spec), min_bids=min_bids, min_regime=spec.min_tenders),
    )


def price_table(bids: pd.DataFrame, market: pd.Series, *, min_bids: int = 3, min_regime: int = 30) -> pd.DataFrame:
    """One row per tender with ≥ ``min_bids`` priced valid bids: the raw screens, each
    screen's percentile on its collusive side (pct_*), the price index, ``price_z`` and its
    p-value (see the module note) and whether it is flagged. ``market``: tender → market."""
    table = screens.tender_screens(bids.assign(segment=""), min_bids=min_bids).set_index("tender")
    table = table.drop(columns=["segment"]).join(ceiling_figures(bids))
    table["above_ceiling"] = table["above_ceiling"].fillna(0).astype(int)
    # a tender with a bid above its ceiling has no meaningful ceiling screen
    table.loc[table["above_ceiling"] > 0, "ceiling_share"] = np.nan
    table["market"] = market.reindex(table.index).fillna("全部")
    codes = pd.Series(pd.factorize(table["market"])[0], index=table.index)  # int groups: fast
    for name, sign in DIRECTION.items():
        # an infinite RD (identical covers) stays the most extreme value; only nan is missing
        by_market = (table[name] * sign).groupby(codes)
        table[f"pct_{name}"] = by_market.rank(method="min") / by_market.transform("count")
    table["price_index"] = table["pct_cv"]
    level = table["ceiling_ratio"].where(table["ceiling_ratio"] > 0)
    # where a market's typical tender bids below its figure, the figure is a ceiling, and a bid
    # above it means a wrong figure or an invalid bid: no price level (as no ceiling screen),
    # not a "high price". Where the typical tender bids above it, the figure is an estimate
    # and the level above it is the price mark.
    acts_as_ceiling = level.groupby(codes).transform("median") <= 1
    level = level.where(~acts_as_ceiling | (table["above_ceiling"] == 0))
    dispersion = (-table["cv"] / c4(table["n"])).round(12)  # equal up to float rounding is equal
    table["level"] = level = level.round(12)  # the level mark used (nan: none)
    # regimes of each market (change points of the combined mark within the market)
    mark = stouffer(normal_score(dispersion, codes), normal_score(level, codes))
    dates = bids.drop_duplicates("tender").set_index("tender").get("bid_open", pd.Series(dtype=object))
    dates = pd.to_datetime(dates.reindex(table.index), errors="coerce")  # undated: no regime
    found = regimes.find(mark, dates, codes, min_size=min_regime)
    table = table.join(found)
    # each mark against competition: in its market (the competitive regime; the whole
    # market without a break) and pooled (the union of every market's reference); outside
    # the reference the DISTANCE counts, dispersion on log scale (CV is a positive scale statistic)
    marks = (-np.log((table["cv"] / c4(table["n"])).clip(lower=LOG_FLOOR)), level)
    reference, everywhere = found["reference"], pd.Series(0, index=table.index)
    market_cv, market_level = (regimes.versus_reference(v, codes, reference) for v in marks)
    pooled_cv, pooled_level = (regimes.versus_reference(v, everywhere, reference) for v in marks)
    # the market half alone: what a firm's involvement sums (its null is the same in every
    # market once the two marks' correlation is divided out: ``mark_correlation``)
    rho = codes.map(mark_correlation(market_cv, market_level, codes, reference))
    table["market_z"] = stouffer(market_cv, market_level, rho=rho)
    table["market_p"] = stats.norm.sf(table["market_z"])
    table["price_z"] = stouffer(stouffer(market_cv, pooled_cv), stouffer(market_level, pooled_level))
    table["price_p"] = stats.norm.sf(table["price_z"])
    table["tripped"] = tripped_screens(table)
    table["flagged"] = table["tripped"].map(bool)
    return table


def c4(n: pd.Series) -> pd.Series:
    """E[s]/σ for n normal draws: CV / c4(n) is unbiased at every n (3 bids: s runs 11% low)."""
    n = n.astype(float)
    return np.sqrt(2 / (n - 1)) * np.exp(special.gammaln(n / 2) - special.gammaln((n - 1) / 2))


def stouffer(first: pd.Series, second: pd.Series, *, rho: float | pd.Series = 0.0) -> pd.Series:
    """(z1 + z2)/√(2 + 2ρ) where both are known, else the known one: N(0, 1) either way when
    the two are N(0, 1) with correlation ρ (Strube 1985; ρ = 0: the plain Stouffer sum)."""
    return ((first + second) / np.sqrt(2 + 2 * rho)).fillna(first).fillna(second)


def grouped_pearson(x: pd.Series, y: pd.Series, groups: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Per group: Pearson's r of ``x`` and ``y`` over its rows with both known (nan where
    either has no spread), and that number of rows — all groups at once, without a loop."""
    known = x.notna() & y.notna()
    g = groups[known]
    frame = pd.DataFrame({"x": x[known], "y": y[known]})
    centred = frame - frame.groupby(g).transform("mean")
    sums = pd.DataFrame({"xy": centred["x"] * centred["y"], "xx": centred["x"] ** 2, "yy": centred["y"] ** 2})
    totals, n = sums.groupby(g).sum(), sums.groupby(g).size()
    with np.errstate(divide="ignore", invalid="ignore"):
        r = totals["xy"] / np.sqrt(totals["xx"] * totals["yy"])
    return r.clip(-1, 1), n


def mark_correlation(first: pd.Series, second: pd.Series, groups: pd.Series, reference: pd.Series) -> pd.Series:
    """Per group (market): the correlation of two marks under competition — their Pearson r
    over the group's reference (inside it both are rank normal scores: the normal-scores
    correlation, the Gaussian copula's ρ that Strube's divisor needs), shrunk toward the
    pooled ρ as a random effect in Fisher z: zₘ = atanh rₘ has sampling variance 1/(nₘ − 3),
    the between-market variance τ² is DerSimonian–Laird's moment estimate, and each market
    keeps τ²/(τ² + 1/(nₘ − 3)) of its own deviation from the pool — a large market its own ρ,
    a small one the pool's, all of them the pool's where markets differ no more than their noise.
    Groups with < 4 reference tenders with both marks (or r = ±1) take the pooled ρ; where
    no group can estimate it, 0 (the plain Stouffer sum)."""
    inside = reference.reindex(first.index).fillna(True).astype(bool)
    r, n = grouped_pearson(first.where(inside), second.where(inside), groups)
    z = np.arctanh(r.where((n >= 4) & (r.abs() < 1))).dropna()
    everywhere = pd.Index(groups.unique())
    if z.empty:
        return pd.Series(0.0, index=everywhere)
    w = (n[z.index] - 3).astype(float)
    pooled = (w * z).sum() / w.sum()
    spread = w.sum() - (w**2).sum() / w.sum()  # 0 with one market: τ² unidentified, the pool is that market
    tau2 = max(0.0, ((w * (z - pooled) ** 2).sum() - (len(z) - 1)) / spread) if spread > 0 else 0.0
    own = tau2 / (tau2 + 1 / w)
    return np.tanh(pooled + own * (z - pooled)).reindex(everywhere).fillna(np.tanh(pooled))


def surprisal(pvalues: pd.Series) -> pd.Series:
    """−log10 p with the evidence floor: the unit of the tender page and of the firm sum.
    Its mean for a uniform p — a calibrated market p of a competitive tender — is
    ``COMPETITIVE_SURPRISAL``."""
    return -np.log10(pvalues.astype(float).clip(lower=1e-300))


def modified_z(values: pd.Series, groups: pd.Series) -> pd.Series:
    """(x − median) / (1.4826·MAD) within each group; where MAD is 0 the mean absolute
    deviation × 1.2533 stands in (both estimate σ for normal data)."""
    by_group = values.groupby(groups)
    centre = by_group.transform("median")
    deviation = (values - centre).abs()
    mad = 1.4826 * deviation.groupby(groups).transform("median")
    mean_ad = 1.2533 * deviation.groupby(groups).transform("mean")
    scale = mad.where(mad > 0, mean_ad)
    return (values - centre) / scale.where(scale > 0)


def tripped_screens(table: pd.DataFrame, *, z: float = OUTLIER_Z, share: float = FLAG_SHARE) -> pd.Series:
    """Per tender, the screens on which it is an outlier of its market on the collusive side."""
    groups = pd.Series(pd.factorize(table["market"])[0], index=table.index)  # int groups: fast
    hits = {}
    for name in FLAGGING:
        sign, raw = DIRECTION[name], table[name].astype(float)
        # log scale floored at LOG_FLOOR: identical bids (CV 0) or equal steps are the extreme, not missing
        value = np.log(raw.clip(lower=LOG_FLOOR)) if name in LOG_SCALE else raw.replace([np.inf, -np.inf], np.nan)
        value = value * sign
        extreme = (modified_z(value, groups) >= z) & (table[f"pct_{name}"] >= 1 - share)
        # what the law's words mean, on top of being unusual here: hugging = most bids in
        # the band (not one bid near it); regular differences = steps equal within 5%
        if name == "ceiling_share":
            extreme &= raw >= 0.5
        if name == "step_cv":
            extreme &= raw <= 0.05
        if name == "rd":  # identical covers (zero spread above the winner), not a shape outlier
            extreme = np.isinf(raw) & (table["n"] >= 4)
        hits[name] = extreme.fillna(False).to_numpy(dtype=bool)
    rows = np.column_stack([hits[name] for name in FLAGGING]).tolist() if len(table) else []
    names = [[n for n, hit in zip(FLAGGING, row, strict=True) if hit] for row in rows]
    return pd.Series(names, index=table.index, dtype=object)
