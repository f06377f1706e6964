"""A continuous risk score for EVERY firm and EVERY tender, with its market and the
evidence behind it (no gate removes anything from the ranking).

Tenders: the price p reads how clustered and how high the bids are, within the tender's
market and over the data set (``pricerisk``); the co-bid p is its bidders' pair p-values judged against the
market (``cobidrisk``). They are combined by the Šidák-corrected minimum over the families
with data, 1 − (1 − min p)^k: a family adds when it is strong and never pulls a tender
down. The price z has a second source beside the tender's own bids (Stouffer, equal
weights): where meetings look collusive, the coalition's other joint tenders; elsewhere the
ROOM — the bidders' own price evidence from their other tenders (``roomrisk``), ranked
within the market, where the market gives it a shift (a period beyond competition, or rooms
that go with prices): a tender whose bidders price far from competition elsewhere stands out
among tenders priced alike without a competitively priced one rising above tenders priced
far from competition. (Fisher's method over the families let
a dull co-bid p — who is in the room is mostly the local bidder pool — dilute strong price
evidence.) ``evidence`` = −log10 of the combined p.

Firms: risk is how much suspicious activity a firm takes part in, not an average:
- involvement: the price evidence of the tenders it bid on, summed: Σ −log10 p over its
  priced tenders (the tender page's unit; Fisher's statistic before it becomes a p), with p
  the MARKET half of the tender's price view (against its market's competitive regime).
  Under competition a tender adds 1/ln 10 ≈ 0.43 on average (the market p is calibrated:
  ``pricerisk.mark_correlation``), so activity counts; a tender far
  beyond competition adds its whole evidence (8σ ≈ 15), not at most 1 as (1 − p) did,
  which capped the distance from competition at the tender. Not a count of collusive
  tenders: a posterior count would need the market's p calibrated against a null
  without the cartel, which a market without a break (a mid-rank p, uniform by
  construction) cannot give. Nothing is subtracted for a competitive tender (a cartel
  member bids in competitive periods too). The pooled half is a bounded second opinion
  per tender; summed per firm it would grow with activity and, shared by all firms of a
  market, rank markets by their structural price level (small works bid tighter than
  large ones) instead of firms;
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

from bidgraph.analysis import coalition, cobidrisk, pricerisk, regimes, riskexplain, roomrisk
from bidgraph.analysis.market import Market
from bidgraph.analysis.markets import MarketSpec, tender_markets

FAMILIES = ("price", "cobid")
FAMILY_ZH = {"price": "报价", "cobid": "共同投标"}


@dataclass(frozen=True)
class RiskScores:
    """``tenders`` and ``firms``: one row each (index = tender code / firm key) with
    market, evidence, percentile, the family p-values, figures and ``explanation``."""

    tenders: pd.DataFrame
    firms: pd.DataFrame
    pairs: pd.DataFrame
    markets: pd.DataFrame  # per market: does co-bidding go with clustered prices (effect, p, collusive)


def sidak_min(pvalues: pd.DataFrame) -> pd.Series:
    """Šidák-corrected minimum of each row's non-missing p-values (1 where there are none)."""
    k = pvalues.notna().sum(axis=1)
    # 1 − (1 − p)^k without rounding: (1 − p) is 1.0 in floating point below p ≈ 1e-16,
    # which made every such tender tie at the evidence cap
    combined = -np.expm1(k * np.log1p(-pvalues.min(axis=1, skipna=True)))
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
    poisson_p = poisson_p.astype(float)  # object dtype when no pair met twice (tiny graphs)
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
) -> RiskScores:
    """Risk scores of every tender and firm in ``market``; ``families`` restricts the
    evidence (used by the ablation in ``bidgraph evaluate``)."""
    spec = spec or MarketSpec()
    tender_market = tender_markets(market, spec)
    price = pricerisk.market_price_table(market, spec)
    pairs = cobidrisk.pair_surprise(market, tender_market)
    tenders, checks = _tenders(market, tender_market, price, pairs, families)
    firms = _firms(market, tenders, pairs, families, checks)
    return RiskScores(tenders, firms, pairs, checks)


def _tenders(
    market: Market, tender_market: pd.Series, price: pd.DataFrame, pairs: pd.DataFrame, families: tuple[str, ...]
) -> pd.DataFrame:
    t = pd.DataFrame({"market": tender_market})
    t["bidders"] = market.members.groupby("tender")["company"].nunique().reindex(t.index).fillna(0).astype(int)
    t["own_p"] = price["price_p"].reindex(t.index)
    t["price_z"] = price["price_z"].reindex(t.index)
    t["market_p"] = price["market_p"].reindex(t.index)
    t["market_z"] = price["market_z"].reindex(t.index)
    t["price_flagged"] = price["flagged"].reindex(t.index).fillna(False).astype(bool)
    t["above_ceiling"] = price["above_ceiling"].reindex(t.index).fillna(0).astype(int)
    t = t.join(price[list(regimes.COLUMNS)])
    t = t.join(cobidrisk.tender_cobid(market.members, pairs).rename(columns={"cobid_p": "cobid_poisson_p"}))
    t["cobid_p"] = calibrated(t["cobid_poisson_p"], t["market"])
    t["anomalous_pairs"] = t["anomalous_pairs"].fillna(0).astype(int)
    checks = cobidrisk.meetings_look_collusive(t.assign(price_index=price["price_index"].reindex(t.index)))
    t["meetings_collusive"] = t["market"].map(checks["collusive"]).eq(True)  # unknown market: not collusive
    # coalition evidence counts only where meetings look collusive: computed for those tenders
    in_collusive = t.index[t["meetings_collusive"]]
    # the market half: an honest pool's joint tenders average 0 in any market (the pooled
    # half would add the market's price level once per joint tender)
    t = t.join(coalition.tender_coalition(market.members, t["market_z"], only=in_collusive))
    t["coalition_tenders"] = t["coalition_tenders"].fillna(0).astype(int)
    t = t.join(roomrisk.room_evidence(market.members, t))
    t = t.join(roomrisk.goes_with_price(t), on="market")
    t["room_used"] = roomrisk.room_used(t)
    # a second source beside the tender's own bids (Stouffer, equal weights): where meetings
    # look collusive, the coalition's other joint tenders; elsewhere the room's evidence where
    # the market gives it a shift (never both: they read the same bidders' other tenders)
    second = t["coalition_z"].where(t["meetings_collusive"]).fillna(t["room_z"].where(t["room_used"]))
    both = pricerisk.stouffer(t["price_z"], second)
    t["price_p"] = pd.Series(stats.norm.sf(both), index=t.index).where(t["price_z"].notna())
    used = t[[f"{f}_p" for f in families]].copy()
    if "cobid_p" in used:
        used["cobid_p"] = used["cobid_p"].where(t["meetings_collusive"])
    combined = sidak_min(used)
    t["evidence"] = -np.log10(combined.clip(lower=1e-300))
    t["percentile"] = within(t["evidence"], t["market"])
    t["explanation"] = riskexplain.tender_texts(t, price, checks)
    return t.sort_values("evidence", ascending=False), checks


def _firms(
    market: Market, tenders: pd.DataFrame, pairs: pd.DataFrame, families: tuple[str, ...], checks: pd.DataFrame
) -> pd.DataFrame:
    bids = market.members[["tender", "company"]].drop_duplicates()
    bids = bids.assign(market=bids["tender"].map(tenders["market"]), price_p=bids["tender"].map(tenders["market_p"]))
    f = pd.DataFrame({"market": main_market(bids)})
    f["bids"] = bids.groupby("company").size()
    won = market.bids[market.bids["won"]].merge(market.members, on=["tender", "bidder"])
    f["wins"] = won.groupby("company")["tender"].nunique().reindex(f.index).fillna(0).astype(int)
    priced = bids.dropna(subset=["price_p"])
    f["priced_tenders"] = priced.groupby("company").size().reindex(f.index).fillna(0).astype(int)
    # each tender's price evidence in the tender page's unit (−log10 p, same floor), summed
    f["involvement"] = pricerisk.surprisal(priced["price_p"]).groupby(priced["company"]).sum().reindex(f.index)
    outside = priced["tender"].map(tenders["reference"]).eq(False)  # judged against a competitive regime
    f["outside_competitive"] = outside.groupby(priced["company"]).sum().reindex(f.index).fillna(0).astype(int)
    f = f.join(cobidrisk.firm_cobid(pairs))
    f["partners"] = f["partners"].fillna(0).astype(int)
    concentration = -np.log10(f["top_p"].astype(float).clip(lower=1e-300))
    f["concentration"] = concentration.fillna(0.0).where(f["bids"] >= 2)
    f["meetings_collusive"] = f["market"].map(checks["collusive"]).eq(True)  # unknown market: not collusive
    columns = {"price": "involvement", "cobid": "concentration"}
    components = f[[columns[fam] for fam in families]].copy()
    if "concentration" in components:
        # structural meetings (see cobidrisk) are no evidence: 0, like a firm without
        # repeated partners, so firms of all markets are ranked on the same components
        concentration = components["concentration"]
        components["concentration"] = concentration.where(f["meetings_collusive"] | concentration.isna(), 0.0)
    f["evidence"] = rank_average(components)
    f["percentile"] = within(f["evidence"], f["market"])
    f["explanation"] = riskexplain.firm_texts(f, checks)
    return f.sort_values("evidence", ascending=False)


def main_market(bids: pd.DataFrame) -> pd.Series:
    """Per company, the market of most of its bids (ties: the first market by name)."""
    counts = bids.groupby(["company", "market"]).size().rename("n").reset_index()
    counts = counts.sort_values(["company", "n", "market"], ascending=[True, False, True], kind="stable")
    return counts.drop_duplicates("company").set_index("company")["market"]
