"""Detector timings on the current graph, and co-bid pair statistics against DuckDB
computing the same pair counts from the same bid table in memory."""

from __future__ import annotations

import time
from dataclasses import dataclass

from bidgraph.analysis import cobid, linktables
from bidgraph.analysis.detectors import python_params
from bidgraph.analysis.market import Market, forget_markets, load_market
from bidgraph.analysis.service import run_all
from bidgraph.graph.store import GraphStore


@dataclass(frozen=True)
class DetectBenchmark:
    bids: int
    side_seconds: float  # the link side tables of the fast path, extracted from the graph (once per data version)
    detector_seconds: dict[str, float]  # each detector alone (one after the other) + the shared analysis
    together_seconds: float  # the whole catalogue run side by side, as triage and alerts run it (wall)
    findings: int
    load_seconds: float  # the bid table from the columnar side table
    graph_load_seconds: float  # the same table read through the graph client
    pairs: int
    pair_seconds: float  # ours: sparse company×tender product + expectations
    duckdb_pairs: int
    duckdb_seconds: float

    @property
    def ratio(self) -> float:
        return self.pair_seconds / self.duckdb_seconds if self.duckdb_seconds else float("inf")


def duckdb_pair_counts(market: Market) -> tuple[int, float]:
    """(pairs with at least one co-bid, seconds) from the same member table, in DuckDB."""
    import duckdb

    members = market.members
    connection = duckdb.connect()
    connection.register("members", members)
    started = time.perf_counter()
    rows = connection.execute(
        "SELECT a.company, b.company, count(*) FROM members a JOIN members b"
        " ON a.tender = b.tender AND a.company < b.company AND a.bidder <> b.bidder GROUP BY 1, 2"
    ).fetchall()
    seconds = time.perf_counter() - started
    connection.close()
    return len(rows), seconds


def run_detect_benchmark(store: GraphStore) -> DetectBenchmark:
    started = time.perf_counter()
    linktables.side_tables(store, rebuild=True)  # as the first run after a load does
    side_seconds = time.perf_counter() - started
    timings: dict[str, float] = {}
    forget_markets()  # each run reads the bid table as a first run does
    findings = run_all(store, timings=timings, cache=False, workers=1)  # time the detectors, not the cache
    forget_markets()
    started = time.perf_counter()
    run_all(store, cache=False)
    together_seconds = time.perf_counter() - started
    forget_markets()
    started = time.perf_counter()
    market = load_market(store, python_params(None))
    load_seconds = time.perf_counter() - started
    started = time.perf_counter()
    load_market(store, python_params(None), columnar=False)
    graph_load_seconds = time.perf_counter() - started
    started = time.perf_counter()
    stats = cobid.pair_stats(market, min_count=1)
    pair_seconds = time.perf_counter() - started
    duck_pairs, duck_seconds = duckdb_pair_counts(market)
    return DetectBenchmark(
        bids=len(market.bids),
        side_seconds=side_seconds,
        detector_seconds=timings,
        together_seconds=together_seconds,
        findings=len(findings),
        load_seconds=load_seconds,
        graph_load_seconds=graph_load_seconds,
        pairs=len(stats.table),
        pair_seconds=pair_seconds,
        duckdb_pairs=duck_pairs,
        duckdb_seconds=duck_seconds,
    )
