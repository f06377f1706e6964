"""Run the whole catalogue once (sharing one bid table between the Python detectors)
and rank the results for triage."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from bidgraph.analysis import patterns, riskfindings, riskservice
from bidgraph.analysis.detectors import (
    PYTHON_DETECTORS,
    detector_ids,
    detector_queries,
    python_params,
    run_detector,
    visible,
)
from bidgraph.analysis.findings import Finding, TriageList
from bidgraph.analysis.resultcache import ResultCache
from bidgraph.analysis.scoring import triage_list
from bidgraph.errors import BidgraphError
from bidgraph.graph.store import GraphStore
from bidgraph.queries.library import builtin_query
from bidgraph.services.access import may_see_sectors
from bidgraph.settings import Settings
from bidgraph.viewer import Viewer


def run_all(
    store: GraphStore,
    *,
    viewer: Viewer | None = None,
    params: Mapping[str, Any] | None = None,
    settings: Settings | None = None,
    timings: dict[str, float] | None = None,
    failures: dict[str, str] | None = None,
    cache: ResultCache | bool = True,
) -> list[Finding]:
    """Every detector with its defaults; ``params`` entries apply to every detector that
    declares them (e.g. a date range). ``timings`` collects seconds per detector.

    Each detector stands alone: one that fails (its own statement timeout, a query
    error) is reported in ``failures`` and the others still run. Without ``failures``
    the first error is raised, as before.

    Results come from the detector-result cache when the data version, parameters and
    queries are those of a previous run (``cache=False`` always runs every detector)."""
    results = ResultCache(store) if cache is True else cache or None
    analysis = patterns.Analysis(store, python_params(params))
    findings: list[Finding] = []
    for detector_id in detector_ids(settings):
        started = time.perf_counter()
        if detector_id in PYTHON_DETECTORS:
            own, texts = dict(analysis.params), [builtin_query("market_bids").text]
        else:
            queries = [q for q in detector_queries(settings) if detector_id in (q.detector, q.id)]
            declared = {p.name for q in queries for p in q.parameters}
            own, texts = {k: v for k, v in (params or {}).items() if k in declared}, [q.text for q in queries]
        try:
            found = results.get(detector_id, own, texts) if results else None
            if found is None:
                if detector_id in PYTHON_DETECTORS:
                    found = run_detector(store, detector_id, analysis=analysis)
                else:
                    found = run_detector(store, detector_id, own, settings=settings)
                if results:
                    results.put(detector_id, own, texts, found)
            findings += found if viewer is None else [f for f in found if visible(f, viewer)]
        except BidgraphError as e:
            if failures is None:
                raise
            failures[detector_id] = str(e)
        if timings is not None:
            timings[detector_id] = time.perf_counter() - started
    return findings


def _risk_findings(store: GraphStore, viewer: Viewer | None) -> list[Finding]:
    """Every tender's and firm's continuous score as a finding (see ``riskfindings``),
    kept in the result cache per data version and the viewer's sectors (they filter)."""
    cache = ResultCache(store)
    scope = {"sectors": sorted(viewer.sectors) if viewer is not None else "*"}
    found = cache.get(riskfindings.DETECTOR, scope, [])
    if found is None:
        found = _scored(store, viewer)
        cache.put(riskfindings.DETECTOR, scope, [], found)
    return found


def _scored(store: GraphStore, viewer: Viewer | None) -> list[Finding]:
    market, scores = riskservice.scores(store)
    rows = store.run("MATCH (c:Company) RETURN c.key, c.name", read_only=True, limit=0).rows
    names = {key: name or key for key, name in rows}

    def visible_sectors(sectors: set[str]) -> bool:
        return may_see_sectors(viewer, sectors) if sectors else not viewer.sectors

    return riskfindings.risk_findings(market, scores, names, visible_sectors if viewer is not None else None)


def triage(
    store: GraphStore,
    *,
    viewer: Viewer | None = None,
    params: Mapping[str, Any] | None = None,
    settings: Settings | None = None,
) -> TriageList:
    """Tenders and company groups ranked by risk score, each with its explanation."""
    failures: dict[str, str] = {}
    findings = run_all(store, viewer=viewer, params=params, settings=settings, failures=failures)
    try:
        findings += _risk_findings(store, viewer)
    except BidgraphError as e:
        failures[riskfindings.DETECTOR] = str(e)
    codes = sorted({c for f in findings for c in f.tender_codes})
    rows = store.run("MATCH (t:Tender) WHERE t.code IN $codes RETURN t.code, t.name", {"codes": codes}, limit=0).rows
    ranked = triage_list(findings, {code: f"{code} {name or ''}".strip() for code, name in rows})
    return replace(ranked, failures=failures)
