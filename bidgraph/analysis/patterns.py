"""The detectors that Cypher alone cannot express: co-bidding rings, rotation, cover
bidders, abnormal win rates and price screens. Each works on the bid table of one run
(``Analysis``) and turns its results into findings with bid paths as evidence."""

from __future__ import annotations

import math
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from bidgraph.analysis import coalition, cobid, pricerisk, rotation, screens
from bidgraph.analysis.findings import Finding, entities_of, sources_of
from bidgraph.analysis.market import Market, bid_paths, load_market
from bidgraph.analysis.markets import MarketSpec
from bidgraph.graph.model import subgraph_of
from bidgraph.graph.store import GraphStore

LAW_RING = "《招标投标法实施条例》第39条（投标人之间协商投标报价等投标文件实质性内容）；《政府采购法实施条例》第74条"
LAW_PRICE = "《招标投标法实施条例》第40条第④项（投标文件异常一致或者投标报价呈规律性差异）"
LAW_WIN = "《招标投标法》第32条；《招标投标法实施条例》第39条"


@dataclass(frozen=True)
class Draft:
    """A finding before its evidence is fetched (all drafts of a run share one query)."""

    detector: str
    title: str
    law: str
    score: float
    companies: list[str]
    tenders: list[str]
    figures: dict[str, Any]
    summary: str


@dataclass
class Analysis:
    """One run's shared inputs, computed once: the bid table, pair statistics, rings."""

    store: GraphStore
    params: Mapping[str, Any]
    _cache: dict[str, Any] = field(default_factory=dict)
    prepared: float | None = None  # seconds ``prepare`` took in a catalogue run

    @cached_property
    def market(self) -> Market:
        return load_market(self.store, self.params)

    @cached_property
    def pairs(self) -> cobid.PairStats:
        return cobid.pair_stats(self.market, min_count=int(self.params["min_cobids"]))

    @cached_property
    def rings(self) -> list[cobid.Ring]:
        p = self.params
        return cobid.find_rings(
            self.market,
            self.pairs,
            min_count=int(p["min_cobids"]),
            min_lift=float(p["min_lift"]),
            min_capture=float(p["ring_min_capture"]),
        )

    @cached_property
    def tender_table(self) -> pd.DataFrame:
        return screens.tender_screens(self.market.bids, min_bids=int(self.params["min_price_bids"]))

    @cached_property
    def price_table(self) -> pd.DataFrame:
        """Price screens within markets (industry × region × size band, with fallback)."""
        spec = MarketSpec(region_level=str(self.params.get("market_level", "city")))
        return pricerisk.market_price_table(self.market, spec, min_bids=int(self.params["min_price_bids"]))

    @cached_property
    def market_z(self) -> pd.Series:
        """The market half of the price table's Z per tender (0 on average for tenders priced
        like their market's competition, in any market: what group Stouffer sums need),
        indexed by plain strings (cheap to reindex)."""
        z = self.price_table["market_z"]
        return z.set_axis(z.index.astype(object))

    def prepare(self) -> None:
        """Compute the shared inputs of the Python detectors now (bid table, pair
        statistics, rings, price table, names, each tender's winner and opening date), so
        their cost is timed apart from the first detector that happens to ask for them."""
        for part in ("rings", "market_z"):
            getattr(self, part)
        self._names()
        rotation.share_tables(self.market)

    def finish(self, drafts: list[Draft]) -> list[Finding]:
        """Findings from drafts, with the bid paths behind each as evidence (one query)."""
        paths = self._paths(drafts)
        out = []
        for draft in drafts:
            wanted, codes = set(draft.companies), set(draft.tenders)
            evidence = subgraph_of(path for company, tender, path in paths if company in wanted and tender in codes)
            order = {key: i for i, key in enumerate(draft.companies)}
            nodes = sorted(
                (n for n in evidence.nodes.values() if "Company" in n.labels and n.get("key") in order),
                key=lambda n: order[n.get("key")],
            )
            out.append(
                Finding(
                    detector=draft.detector,
                    title=draft.title,
                    legal_ground=draft.law,
                    score=round(min(100.0, max(0.0, draft.score)), 2),
                    entities=entities_of(nodes),
                    tender_codes=tuple(sorted(codes)),
                    figures=draft.figures,
                    evidence=evidence,
                    sources=sources_of(evidence),
                    query_id="market_bids",
                    params=dict(self.params),
                    summary=draft.summary,
                )
            )
        return out

    def _paths(self, drafts: list[Draft]) -> list[tuple[str, str, Any]]:
        return self.paths_of({(c, t) for d in drafts for c in d.companies for t in d.tenders})

    def paths_of(self, wanted: set[tuple[str, str]]) -> list[tuple[str, str, Any]]:
        """The bid paths of these (company, tender)s; one fetched for an earlier detector of
        the run (rotation's rings are cobid_ring's) is not fetched again."""
        fetched: set[tuple[str, str]] = self._cache.setdefault("fetched", set())
        paths: dict[tuple[str, str], list[Any]] = self._cache.setdefault("paths", {})
        missing = wanted - fetched
        if missing:
            companies, tenders = sorted({c for c, _ in missing}), sorted({t for _, t in missing})
            for company, tender, path in bid_paths(self.store, companies, tenders):
                paths.setdefault((company, tender), []).append(path)
            fetched.update((c, t) for c in companies for t in tenders)
        return [(c, t, path) for c, t in sorted(wanted) for path in paths.get((c, t), [])]

    def name(self, key: str) -> str:
        return self._names().get(key, key)

    def _names(self) -> dict[str, str]:
        if "names" not in self._cache:
            rows = self.store.run("MATCH (c:Company) RETURN c.key, c.name", limit=0).rows
            self._cache["names"] = {k: n or k for k, n in rows}
        return self._cache["names"]


def ring_findings(run: Analysis) -> list[Finding]:
    # the rings' evidence paths are fetched while their screens are computed (the server
    # answers while Python works); ``finish`` then finds them fetched
    wanted = {(c, t) for ring in run.rings for c in ring.members for t in ring.tenders}
    with ThreadPoolExecutor(1) as pool:
        fetching = pool.submit(run.paths_of, wanted)
        screens = ring_screens(run)
        drafts = [_ring_draft(run, ring, s) for ring, s in zip(run.rings, screens, strict=True)]
        fetching.result()
    return run.finish(drafts)


def _ring_draft(run: Analysis, ring: cobid.Ring, screens: Mapping[str, Any]) -> Draft:
    evidence = ring_evidence(run, ring)
    figures = {
        "成员数": len(ring.members),
        "三家以上共同投标标段数": len(ring.tenders),
        "强关联三元组数": ring.triples,
        "三元组提升度中位数": round(ring.triple_lift, 2),
        "企业对共同投标次数中位数": float(ring.pairs["count"].median()),
        "企业对Jaccard中位数": round(float(ring.pairs["jaccard"].median()), 3),
        "组内中标占比": round(ring.capture, 3),
        "持续年数": evidence["years"],
        "组内中标均匀度": round(evidence["evenness"], 3),
        "组内标段报价指标p值中位数（本市场）": round(evidence["price_p"], 3),
        "各项证据（0–1）": {k: round(v, 3) for k, v in evidence["terms"].items()},
        "组合报价筛查（Stouffer Z，本市场为0）": group_screen_figures(run, screens),
    }
    names = "、".join(run.name(k) for k in ring.members)
    summary = (
        f"{names}三家以上共同投标{len(ring.tenders)}个标段，为同一市场按投标频率预期的{ring.triple_lift:.1f}倍，"
        f"其中{ring.capture:.0%}由团伙成员中标，持续{evidence['years']}年"
    )
    score = ring_severity(evidence["terms"])
    return Draft("cobid_ring", "抱团投标", LAW_RING, score, list(ring.members), list(ring.tenders), figures, summary)


def ring_screens(run: Analysis) -> list[dict[str, Any]]:
    """Every ring's coalition screens (``coalition.screens_of_groups``), in ``run.rings``
    order — all rings at once: one call per ring and subgroup was most of cobid_ring's
    own time."""
    return coalition.screens_of_groups(run.market.members, run.market_z, [ring.members for ring in run.rings])


def group_screen_figures(run: Analysis, screens: Mapping[str, Any]) -> dict[str, Any]:
    """A group's coalition screens as figures: its joint tenders against the tenders where
    a member bid without another member, and the member without whom the joint tenders'
    price signal drops most (who carries it)."""
    figures = {
        "共同投标标段Z": _rounded(screens["together_z"]),
        "成员各自投标标段Z": _rounded(screens["apart_z"]),
        "共同与各自的均值差": _rounded(screens["together_minus_apart"]),
    }
    drops = {m: screens["together_z"] - v for m, v in screens["without"].items() if not math.isnan(v)}
    if drops:
        figures["信号最依赖的成员"] = run.name(max(drops, key=drops.get))
    return figures


def ring_severity(terms: Mapping[str, float]) -> float:
    """30 for a ring with no further evidence, up to 100 when every term is 1: the terms
    are averaged, so weak capture lowers a ring's rank but never removes it."""
    return 30 + 70 * float(np.mean(list(terms.values())))


def ring_evidence(run: Analysis, ring: cobid.Ring) -> dict[str, Any]:
    """A ring's severity terms, each graded 0–1 (no gate): lift (log scale, 1 at 1000×),
    cohesion (median Jaccard of member pairs), persistence (years with shared tenders,
    1 at 3+), capture and rotation evenness of the wins, and how unusual the group's
    prices are in their market (1 − median price p of its tenders)."""
    dates = rotation.open_dates(run.market)  # once per run, not a pass over every bid per ring
    years = len({d[:4] for d in (dates.get(t, "") for t in ring.tenders) if d[:4].isdigit()})
    metrics = rotation.rotation_metrics(run.market, ring)
    price_p = run.price_table["price_p"].reindex(list(ring.tenders)).median()
    price_p = 0.5 if math.isnan(price_p) else float(price_p)
    terms = {
        "lift": min(1.0, math.log10(max(ring.triple_lift, 1.0)) / 3),
        "cohesion": float(ring.pairs["jaccard"].median()),
        "persistence": min(1.0, years / 3),
        "capture": ring.capture,
        "rotation": metrics.evenness if len(metrics.win_shares) >= 2 else 0.0,
        "price": 1 - price_p,
    }
    return {"years": years, "evenness": metrics.evenness, "price_p": price_p, "terms": terms}


def rotation_findings(run: Analysis) -> list[Finding]:
    p = run.params
    out = []
    for ring in run.rings:
        metrics = rotation.rotation_metrics(run.market, ring)
        capture = metrics.captured / len(ring.tenders) if ring.tenders else 0.0
        if (
            metrics.captured < int(p["min_captured"])
            or len(metrics.win_shares) < 2
            or capture < float(p["min_capture"])
            or metrics.evenness < float(p["min_evenness"])
        ):
            continue
        winners = sorted(metrics.win_shares, key=metrics.win_shares.get, reverse=True)
        figures = {
            "组内共同投标标段数": len(ring.tenders),
            "由组内成员中标数": metrics.captured,
            "组内中标占比": round(capture, 3),
            "中标份额": {run.name(k): round(v, 3) for k, v in metrics.win_shares.items()},
            "中标均匀度": round(metrics.evenness, 3),
            "相邻中标易手比例": round(metrics.alternation, 3),
        }
        names = "、".join(run.name(k) for k in winners)
        summary = f"{names}在共同投标的标段中轮流中标（{metrics.captured}次，均匀度{metrics.evenness:.2f}）"
        score = 40 + 50 * metrics.evenness * capture
        out.append(Draft("rotation", "轮流中标", LAW_RING, score, winners, list(ring.tenders), figures, summary))
    return run.finish(out)


def cover_findings(run: Analysis) -> list[Finding]:
    """Covers inside rings, then companies that lose to the same winners market-wide."""
    p = run.params
    found = {c.company: c for ring in run.rings for c in rotation.ring_covers(run.market, ring)}
    for cover in rotation.cover_bidders(
        run.market,
        min_bids=int(p["min_bids"]),
        max_win_rate=float(p["max_win_rate"]),
        min_same=float(p["min_same"]),
    ):
        found.setdefault(cover.company, cover)
    out = []
    for cover in found.values():
        rate = cover.wins / cover.bids
        figures = {
            "投标次数": cover.bids,
            "中标次数": cover.wins,
            "中标率": round(rate, 3),
            "常输给": [run.name(k) for k in cover.top_winners],
            "输给这些企业的比例": round(cover.same_winner_share, 3),
        }
        winners = "、".join(run.name(k) for k in cover.top_winners)
        summary = f"{run.name(cover.company)}投标{cover.bids}次仅中标{cover.wins}次，且多数输给{winners}"
        score = 40 + 50 * cover.same_winner_share * (1 - rate)
        companies = [cover.company, *cover.top_winners]
        out.append(
            Draft("cover_bidder", "陪标专业户", LAW_RING, score, companies, list(cover.tenders), figures, summary)
        )
    return run.finish(out)


def win_rate_findings(run: Analysis) -> list[Finding]:
    p = run.params
    out = []
    for hit in rotation.win_rate_outliers(run.market, min_wins=int(p["min_wins"]), min_z=float(p["min_z"])):
        figures = {
            "市场（行业|地区）": hit.segment,
            "投标次数": hit.bids,
            "中标次数": hit.wins,
            "按竞争人数预期中标次数": round(hit.expected, 2),
            "标准分z": round(hit.z, 2),
        }
        summary = f"{run.name(hit.company)}在{hit.segment}中标{hit.wins}次，按竞争人数预期约{hit.expected:.1f}次"
        score = 35 + 5 * hit.z
        out.append(
            Draft(
                "high_win_rate",
                "中标率异常（标王）",
                LAW_WIN,
                score,
                [hit.company],
                list(hit.tenders),
                figures,
                summary,
            )
        )
    return run.finish(out)


TRIPPED_ZH = {
    "cv": "报价高度集中",
    "spread": "报价极差异常小",
    "rd": "中标价与其余报价相距异常",
    "kurtosis": "报价分布异常尖峰",
    "skewness": "报价分布异常偏斜",
    "ks": "报价分布偏离竞争形态",
    "step_cv": "报价呈规律性阶梯",
    "ceiling_share": "报价贴近最高限价（限价98%–100%）",
}


def price_findings(run: Analysis) -> list[Finding]:
    """Tenders whose screens are outliers of their own market (``pricerisk``); a tender
    with bids above its ceiling gets that as a data-quality figure, never as hugging."""
    flagged = run.price_table[run.price_table["flagged"]]
    members = run.market.members
    bidders = members[members["tender"].isin(flagged.index)].groupby("tender")["company"].apply(list)
    out = []
    for tender, row in flagged.iterrows():
        tripped = [
            f"{TRIPPED_ZH[n]}（{pricerisk.ZH[n]}={row[n]:.4g}，市场内{row[f'pct_{n}']:.0%}分位）"
            for n in row["tripped"]
        ]
        figures: dict[str, Any] = {"市场": row["market"]}
        figures |= {pricerisk.ZH[k]: _rounded(row[k]) for k in (*screens.SCREEN_ZH, "ceiling_share") if k in row}
        figures["市场内报价指标p值"] = round(float(row["price_p"]), 4)
        figures["触发的指标"] = tripped
        if row["above_ceiling"]:
            figures["数据质量"] = f"{row['above_ceiling']}个报价高于最高限价"
        summary = f"标段{tender}（市场：{row['market']}）：" + "；".join(tripped)
        score = 40 + 10 * len(tripped) + 30 * (1 - float(row["price_p"]))
        companies = sorted(bidders.get(tender, []))
        out.append(
            Draft("price_screen", "报价异常一致或呈规律性差异", LAW_PRICE, score, companies, [tender], figures, summary)
        )
    return run.finish(out)


def _rounded(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return "∞" if isinstance(value, float) and math.isinf(value) else round(float(value), 4)
