"""Risk scores from the graph: the bid table is read ONCE per data version (through
``read_bids``, the one place that reads bids: the columnar bid table of ``bidtable``)
and the scores are cached by data version, market spec and parameters, so ``scores``,
``triage`` and ``evaluate`` in one process do not recompute them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from bidgraph.analysis import labels, pricerisk, risk
from bidgraph.analysis.bidtable import data_version
from bidgraph.analysis.detectors import python_params
from bidgraph.analysis.market import Market, load_market
from bidgraph.analysis.markets import MarketSpec
from bidgraph.graph.store import GraphStore
from bidgraph.loaders.normalize import company_name

_CACHE: dict[tuple[Any, ...], tuple[Market, risk.RiskScores]] = {}


def read_bids(store: GraphStore, params: Mapping[str, Any] | None = None) -> Market:
    """The bid table every score is computed from (one read)."""
    return load_market(store, python_params(params))


def scores(
    store: GraphStore, spec: MarketSpec | None = None, params: Mapping[str, Any] | None = None
) -> tuple[Market, risk.RiskScores]:
    spec = spec or MarketSpec()
    key = (id(store), data_version(store), spec.key(), tuple(sorted((params or {}).items())))
    if key not in _CACHE:
        market = read_bids(store, params)
        _CACHE.clear()  # one data version at a time: memory stays modest
        _CACHE[key] = (market, risk.compute(market, spec))
    return _CACHE[key]


def evaluate_labels(
    store: GraphStore,
    truth_firms: pd.Series | None,
    truth_tenders: pd.Series | None,
    spec: MarketSpec | None = None,
) -> dict[str, Any]:
    """bidgraph's firm and tender rankings and the simple baselines against the labels."""
    market, result = scores(store, spec)
    if truth_firms is not None:
        truth_firms = truth_firms.rename(index=_company_keys(store, truth_firms.index))
    return report_for(market, result, truth_firms, truth_tenders)


def _company_keys(store: GraphStore, names: pd.Index) -> dict[str, str]:
    """Bidder names as the export spells them -> the graph's company keys (a USCC, or
    ``name:…`` for a firm known by name only), through the loader's name normalisation."""
    rows = store.run("MATCH (c:Company) RETURN c.key AS key, c.name AS name", read_only=True, limit=0).rows
    by_name = {company_name(str(name)): key for key, name in rows if name}
    keys = {key for key, _ in rows}
    return {n: n if n in keys else by_name.get(company_name(str(n)), n) for n in names}


def report_for(
    market: Market, result: risk.RiskScores, truth_firms: pd.Series | None, truth_tenders: pd.Series | None
) -> dict[str, Any]:
    one_market = pd.Series("全部", index=market.bids["tender"].unique())
    tender_cv = pricerisk.price_table(market.bids, one_market)["cv"]
    ours = {"firm": result.firms["evidence"], "tender": result.tenders["evidence"]}
    return labels.report(truth_firms, truth_tenders, ours, labels.baselines(market, tender_cv))
