"""Run the whole catalogue once (sharing one bid table between the Python detectors)
and rank the results for triage."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

from bidgraph.analysis import anchors, linktables, patterns, riskfindings, riskservice
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
from bidgraph.collector import few_collections
from bidgraph.errors import BidgraphError
from bidgraph.graph.store import GraphStore
from bidgraph.queries.library import builtin_query
from bidgraph.services.access import may_see_sectors
from bidgraph.settings import Settings
from bidgraph.viewer import Viewer

# Detector jobs run side by side: the Cypher detectors mostly wait on the server (which
# answers reads on its own threads) while the Python ones compute; 3 keep 2 cores busy.
WORKERS = 3
# ``timings`` key of the Python detectors' shared inputs (bid table, pairs, rings, prices)
SHARED = "(shared analysis)"


@dataclass(eq=False)  # ``in`` by identity
class _Job:
    """One detector of a run: what the cache is keyed by, and what came of running it."""

    detector: str
    own: dict[str, Any]
    texts: list[str]
    anchored: bool = False  # runs from the link side tables (``anchors``)
    found: list[Finding] | None = None
    error: BidgraphError | None = None
    seconds: float = 0.0


# A run makes hundreds of thousands of long-lived objects (query rows, bid tables, 20k
# findings) and few cycles: with the collector's default thresholds its full passes over
# them cost 2–3 of the ~10 CPU-s of a cold triage on medium and freed ~60 objects
# (``few_collections`` keeps young collections and holds the full ones until it ends).
@few_collections()
def run_all(
    store: GraphStore,
    *,
    viewer: Viewer | None = None,
    params: Mapping[str, Any] | None = None,
    settings: Settings | None = None,
    timings: dict[str, float] | None = None,
    failures: dict[str, str] | None = None,
    cache: ResultCache | bool = True,
    workers: int = WORKERS,
) -> list[Finding]:
    """Every detector with its defaults; ``params`` entries apply to every detector that
    declares them (e.g. a date range). ``timings`` collects seconds per detector (with
    ``workers`` > 1 the detectors overlap: ``workers=1`` times each one alone).

    Each detector stands alone: one that fails (its own statement timeout, a query
    error) is reported in ``failures`` and the others still run. Without ``failures``
    the first error (in catalogue order) is raised.

    Results come from the detector-result cache when the data version, parameters and
    queries are those of a previous run (``cache=False`` always runs every detector)."""
    results = ResultCache(store) if cache is True else cache or None
    analysis = patterns.Analysis(store, python_params(params))
    jobs = [_job(detector_id, analysis, params, settings) for detector_id in detector_ids(settings)]
    for job in jobs:  # the cache's SQLite connection stays on this thread
        started = time.perf_counter()
        job.found = results.get(job.detector, job.own, job.texts) if results else None
        job.seconds = time.perf_counter() - started
    pending = [job for job in jobs if job.found is None]
    # the Python detectors share one Analysis (computed once, not thread-safe): one chain;
    # the link side tables (first run after a load) are read while the detectors that do
    # not need them run, and those that do come last
    chain = [job for job in pending if job.detector in PYTHON_DETECTORS]
    singles = sorted((job for job in pending if job.detector not in PYTHON_DETECTORS), key=lambda job: job.anchored)
    with ThreadPoolExecutor(max(1, workers)) as pool:
        started = [pool.submit(_run_jobs, store, chain, analysis, settings)] if chain else []
        if any(job.anchored for job in singles):
            started.append(pool.submit(_side_tables, store))
        started += [pool.submit(_run_jobs, store, [job], analysis, settings) for job in singles]
        for future in started:
            future.result()
    if results:
        results.put_many([(j.detector, j.own, j.texts, j.found) for j in pending if j.found is not None])
    findings: list[Finding] = []
    for job in jobs:
        if job.error is not None:
            if failures is None:
                raise job.error
            failures[job.detector] = str(job.error)
        elif job.found is not None:
            findings += job.found if viewer is None else [f for f in job.found if visible(f, viewer)]
        if timings is not None:
            timings[job.detector] = job.seconds
    if timings is not None and analysis.prepared is not None:
        timings[SHARED] = analysis.prepared
    return findings


def _job(
    detector_id: str, analysis: patterns.Analysis, params: Mapping[str, Any] | None, settings: Settings | None
) -> _Job:
    if detector_id in PYTHON_DETECTORS:
        return _Job(detector_id, dict(analysis.params), [builtin_query("market_bids").text])
    queries = [q for q in detector_queries(settings) if detector_id in (q.detector, q.id)]
    declared = {p.name for q in queries for p in q.parameters}
    own = {k: v for k, v in (params or {}).items() if k in declared}
    anchored = any(anchors.anchored(q, analysis.store) for q in queries)
    return _Job(detector_id, own, [q.text for q in queries], anchored)


def _side_tables(store: GraphStore) -> None:
    with contextlib.suppress(BidgraphError):  # the detectors that need them meet it again and report it
        linktables.side_tables(store)


def _run_jobs(store: GraphStore, jobs: list[_Job], analysis: patterns.Analysis, settings: Settings | None) -> None:
    if any(job.detector in PYTHON_DETECTORS for job in jobs):
        started = time.perf_counter()
        with contextlib.suppress(BidgraphError):  # each detector meets it again and reports it as its own
            analysis.prepare()
        analysis.prepared = time.perf_counter() - started
    for job in jobs:
        started = time.perf_counter()
        try:
            if job.detector in PYTHON_DETECTORS:
                job.found = run_detector(store, job.detector, analysis=analysis)
            else:
                job.found = run_detector(store, job.detector, job.own, settings=settings)
        except BidgraphError as e:
            job.error = e
        job.seconds += time.perf_counter() - started


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


@few_collections()  # as run_all
def triage(
    store: GraphStore,
    *,
    viewer: Viewer | None = None,
    params: Mapping[str, Any] | None = None,
    settings: Settings | None = None,
) -> TriageList:
    """Tenders and company groups ranked by risk score, each with its explanation."""
    failures: dict[str, str] = {}
    # the continuous scores are computed while the detectors wait on the server
    with ThreadPoolExecutor(1) as pool:
        scored = pool.submit(_risk_findings, store, viewer)
        findings = run_all(store, viewer=viewer, params=params, settings=settings, failures=failures)
        try:
            findings += scored.result()
        except BidgraphError as e:
            failures[riskfindings.DETECTOR] = str(e)
    codes = sorted({c for f in findings for c in f.tender_codes})
    rows = store.run("MATCH (t:Tender) WHERE t.code IN $codes RETURN t.code, t.name", {"codes": codes}, limit=0).rows
    ranked = triage_list(findings, {code: f"{code} {name or ''}".strip() for code, name in rows})
    return replace(ranked, failures=failures)
