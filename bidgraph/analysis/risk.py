"""A continuous risk score for EVERY firm and EVERY tender, with its market and the
evidence behind it (no gate removes anything from the ranking).

Tenders: the price p is the rank average of the dispersion screens within the tender's
market (``pricerisk``); the co-bid p is its bidders' pair p-values judged against the
market (``cobidrisk``). They are combined by the Šidák-corrected minimum over the families
with data, 1 − (1 − min p)^k: a family adds when it is strong and never pulls a tender
down. (Fisher's method let a dull co-bid p — who is in the room is mostly the local
bidder pool — dilute strong price evidence.) ``evidence`` = −log10 of that p.

Firms: risk is how much suspicious activity a firm takes part in, not an average:
- involvement: the sum over its priced tenders of (1 − price p), an expected count of
  unusually priced tenders it bid on;
- concentration: −log10 of the Poisson tail p of its strongest partner (expectation
  within the market): one partner met far beyond expectation is the ring signal, while
  many mildly surprising partners is what a busy honest firm has. A firm with ≥ 2 bids
  and no repeated partner has concentration 0; with one bid it has no co-bid data.
``evidence`` is the mean of the components' percentile ranks over all firms, over the
components with data (parameter-free; a missing family counts neither way).
``percentile`` is an item's rank within its own market."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from bidgraph.analysis import cobidrisk, pricerisk
from bidgraph.analysis.market import Market
from bidgraph.analysis.markets import MarketSpec, assign_markets, tender_frame

FAMILIES = ("price", "cobid")
FAMILY_ZH = {"price": "报价", "cobid": "共同投标"}


@dataclass(frozen=True)
class RiskScores:
    """``tenders`` and ``firms``: one row each (index = tender code / firm key) with
    market, evidence, percentile, the family p-values, figures and ``explanation``."""

    tenders: pd.DataFrame
    firms: pd.DataFrame
    pairs: pd.DataFrame


def sidak_min(pvalues: pd.DataFrame) -> pd.Series:
    """Šidák-corrected minimum of each row's non-missing p-values (1 where there are none)."""
    k = pvalues.notna().sum(axis=1)
    combined = 1 - (1 - pvalues.min(axis=1, skipna=True)) ** k
    return combined.where(k > 0, 1.0)


def rank_average(components: pd.DataFrame) -> pd.Series:
    """Mean of each row's percentile ranks (0–1, highest = 1) over its non-missing columns."""
    return components.rank(pct=True, method="average").mean(axis=1, skipna=True).fillna(0.0)


def within(values: pd.Series, groups: pd.Series) -> pd.Series:
    """Percentile (0–100) of each value within its group, highest = 100."""
    by_group = values.groupby(groups)
    return 100 * by_group.rank(method="max") / by_group.transform("count")


def calibrated(poisson_p: pd.Series, groups: pd.Series) -> pd.Series:
    """The Poisson p-values judged against their own market. Real markets are
    overdispersed (fixed local pools of honest firms meet far beyond independence), so a
    raw Poisson p would call most of them rings. The evidence −log10 p is heavy-tailed
    (it grows with count × log lift), so its LOG is standardised by the market's median
    and MAD (robust z) and read as a one-sided normal p: only what is unusual *for this
    market* stands out, by how much, and a whole ring is not capped at ranks 1/n…k/n.
    The result is never below the Poisson p itself."""
    evidence = np.log1p(-np.log10(poisson_p.clip(lower=1e-300)))
    z = pricerisk.modified_z(evidence, groups)
    # overdispersion only inflates the null variance: never claim more than Poisson does
    # (a near-constant market has a tiny MAD and would otherwise turn p = 0.1 into 1e-14)
    return pd.Series(np.maximum(stats.norm.sf(z), poisson_p), index=poisson_p.index).where(poisson_p.notna())


def compute(
    market: Market,
    spec: MarketSpec | None = None,
    *,
    families: tuple[str, ...] = FAMILIES,
    screens: tuple[str, ...] = tuple(pricerisk.DIRECTION),
) -> RiskScores:
    """Risk scores of every tender and firm in ``market``; ``families`` restricts the
    evidence (used by the ablation in ``bidgraph evaluate``)."""
    spec = spec or MarketSpec()
    tender_market = assign_markets(tender_frame(market.bids), spec)
    price = pricerisk.price_table(market.bids, tender_market, used=screens)
    pairs = cobidrisk.pair_surprise(market, tender_market)
    tenders = _tenders(market, tender_market, price, pairs, families)
    firms = _firms(market, tenders, pairs, families)
    return RiskScores(tenders, firms, pairs)


def _tenders(
    market: Market, tender_market: pd.Series, price: pd.DataFrame, pairs: pd.DataFrame, families: tuple[str, ...]
) -> pd.DataFrame:
    t = pd.DataFrame({"market": tender_market})
    t["bidders"] = market.members.groupby("tender")["company"].nunique().reindex(t.index).fillna(0).astype(int)
    t["price_p"] = price["price_p"].reindex(t.index)
    t["price_flagged"] = price["flagged"].reindex(t.index).fillna(False).astype(bool)
    t["above_ceiling"] = price["above_ceiling"].reindex(t.index).fillna(0).astype(int)
    t = t.join(cobidrisk.tender_cobid(market.members, pairs).rename(columns={"cobid_p": "cobid_poisson_p"}))
    t["cobid_p"] = calibrated(t["cobid_poisson_p"], t["market"])
    t["anomalous_pairs"] = t["anomalous_pairs"].fillna(0).astype(int)
    combined = sidak_min(t[[f"{f}_p" for f in families]])
    t["evidence"] = -np.log10(combined.clip(lower=1e-300))
    t["percentile"] = within(t["evidence"], t["market"])
    t["explanation"] = [_tender_text(row, price) for row in t.itertuples()]
    return t.sort_values("evidence", ascending=False)


def _firms(market: Market, tenders: pd.DataFrame, pairs: pd.DataFrame, families: tuple[str, ...]) -> pd.DataFrame:
    bids = market.members[["tender", "company"]].drop_duplicates()
    bids = bids.assign(market=bids["tender"].map(tenders["market"]), price_p=bids["tender"].map(tenders["price_p"]))
    f = pd.DataFrame({"market": bids.groupby("company")["market"].agg(lambda s: s.value_counts().index[0])})
    f["bids"] = bids.groupby("company").size()
    won = market.bids[market.bids["won"]].merge(market.members, on=["tender", "bidder"])
    f["wins"] = won.groupby("company")["tender"].nunique().reindex(f.index).fillna(0).astype(int)
    priced = bids.dropna(subset=["price_p"])
    f["priced_tenders"] = priced.groupby("company").size().reindex(f.index).fillna(0).astype(int)
    f["involvement"] = (1 - priced["price_p"]).groupby(priced["company"]).sum().reindex(f.index)
    f = f.join(cobidrisk.firm_cobid(pairs))
    f["partners"] = f["partners"].fillna(0).astype(int)
    concentration = -np.log10(f["top_p"].astype(float).clip(lower=1e-300))
    f["concentration"] = concentration.fillna(0.0).where(f["bids"] >= 2)
    columns = {"price": "involvement", "cobid": "concentration"}
    f["evidence"] = rank_average(f[[columns[fam] for fam in families]])
    f["percentile"] = within(f["evidence"], f["market"])
    f["explanation"] = [_firm_text(row) for row in f.itertuples()]
    return f.sort_values("evidence", ascending=False)


def _tender_text(row: object, price: pd.DataFrame) -> str:
    parts = [f"市场〔{row.market}〕内第{row.percentile:.0f}百分位"]
    if pd.notna(row.price_p):
        screens = "、".join(pricerisk.strongest_screens(price.loc[row.Index]))
        flag = "，报价指标列入本市场最异常的5%" if row.price_flagged else ""
        parts.append(f"报价：市场内p={row.price_p:.3f}{flag}（{screens}）")
    else:
        parts.append("报价：有效报价不足3个，无报价指标")
    if pd.notna(row.cobid_p):
        parts.append(
            f"共同投标：{row.anomalous_pairs}对投标人的共同投标显著超出本市场预期"
            f"（最异常一对的Poisson p按组合数校正后={row.cobid_poisson_p:.3g}，市场内p={row.cobid_p:.3f}）"
        )
    else:
        parts.append("共同投标：投标人之间没有共同投标2次以上的组合")
    if row.above_ceiling:
        parts.append(f"数据质量：{row.above_ceiling}个报价高于最高限价（限价可能有误或报价无效，不作“贴近限价”）")
    return "；".join(parts)


def _firm_text(row: object) -> str:
    parts = [f"主要市场〔{row.market}〕内第{row.percentile:.0f}百分位，投标{row.bids}次、中标{row.wins}次"]
    if row.partners:
        parts.append(
            f"共同投标：与{row.partners}家企业的共同投标显著超出本市场预期（最强：{row.top_partner}，"
            f"共同投标{row.top_count:.0f}次，为预期的{row.top_lift:.1f}倍，Poisson p={row.top_p:.3g}）"
        )
    else:
        parts.append("共同投标：无超出预期的合作对象")
    if row.priced_tenders:
        parts.append(
            f"报价：所投{row.priced_tenders}个标段中报价异常程度合计{row.involvement:.1f}（相当于异常标段的期望个数）"
        )
    return "；".join(parts)
