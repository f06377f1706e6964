"""``bidgraph bench all``: every figure of issue 14 in one run, with its reference
measured in the same run (the machine is shared: only ratios within a run mean much).

On a fresh embedded FalkorDB in a temporary data dir: the load (bidgraph against
falkordb-bulk-loader alone loading the same elements), each detector (and the co-bid
pair statistics against DuckDB), the restart; then the same load and detectors on Neo4j
when the configured backend is Neo4j (its scratch database), else "未配置"."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from bidgraph import loaders
from bidgraph.bench.bulkref import elements_of, run_reference, write_csv
from bidgraph.bench.detect import run_detect_benchmark
from bidgraph.graph import open_store, scratch_settings
from bidgraph.graph.embedded import EmbeddedServer
from bidgraph.settings import Settings

REFERENCE_GRAPH = "bidgraph_bench_bulkref"


def run_all_benchmarks(settings: Settings, path: Path, scratch: Path) -> dict[str, Any]:
    """The figures as one JSON-ready dict (``scratch``: an empty directory to work in)."""
    result: dict[str, Any] = {"data": str(path), "load_average_start": os.getloadavg()}
    falkor = settings.model_copy(update={"data_dir": scratch / "data", "graph_url": "", "graph_name": "bench"})
    server = EmbeddedServer(falkor.data_dir)
    try:
        result["falkordb"] = _falkordb(falkor, path, scratch, server)
    finally:
        server.stop()
    result["neo4j"] = _neo4j(settings, path, scratch) if settings.backend == "neo4j" else "未配置"
    result["load_average_end"] = os.getloadavg()
    return result


def _falkordb(settings: Settings, path: Path, scratch: Path, server: EmbeddedServer) -> dict[str, Any]:
    out: dict[str, Any] = {}
    with open_store(settings) as store:
        out["load"] = load = _load(store, path, settings.data_dir)
        model = elements_of(path, settings.write_batch_size)  # untimed: the reference's input
        args = write_csv(model, scratch / "bulkref")
        # redis-py 8 gives up on a socket after 5 s by default: a GRAPH.BULK command of the
        # reference can keep the server busy longer on a shared machine
        url = f"unix://{server.socket}?password={server.password()}&socket_timeout=600"
        reference = run_reference(args, url, REFERENCE_GRAPH)
        store.staging(REFERENCE_GRAPH).drop()
        elements = len(model.labels) + len(model.rel_types)
        load["bulk_loader_seconds"] = round(reference, 3)
        load["bulk_loader_elements_per_s"] = round(elements / reference) if reference else 0
        load["speed_vs_bulk_loader"] = round(reference / load["seconds"], 3) if load["seconds"] else 0.0
        out["detect"] = _detect(store)
    server.stop()
    started = time.perf_counter()
    with open_store(settings) as store:
        restart = time.perf_counter() - started
        nodes = store.run("MATCH (n) RETURN count(n)").value(0)
    out["restart"] = {
        "seconds": round(restart, 3),
        "nodes": nodes,
        "ratio_to_load": round(restart / load["seconds"], 4),
    }
    return out


def _load(store: Any, path: Path, data_dir: Path) -> dict[str, Any]:
    started = time.perf_counter()
    report = loaders.load_paths(store, [path], skip_invalid=True, actor="bench", data_dir=data_dir)
    seconds = time.perf_counter() - started
    elements = report.nodes_created + report.relationships_created
    return {
        "seconds": round(seconds, 3),
        "rows": report.rows_loaded,
        "elements": elements,
        "elements_per_s": round(elements / seconds) if seconds else 0,
    }


def _detect(store: Any) -> dict[str, Any]:
    r = run_detect_benchmark(store)
    return {
        "bids": r.bids,
        "findings": r.findings,
        "detector_seconds": {k: round(v, 3) for k, v in sorted(r.detector_seconds.items(), key=lambda i: -i[1])},
        "total_seconds": round(sum(r.detector_seconds.values()), 3),
        "bid_table_seconds": {"side_table": round(r.load_seconds, 3), "through_graph": round(r.graph_load_seconds, 3)},
        "cobid_pairs": {
            "bidgraph_seconds": round(r.pair_seconds, 3),
            "duckdb_seconds": round(r.duckdb_seconds, 3),
            "ratio_to_duckdb": round(r.ratio, 2),
        },
    }


def _neo4j(settings: Settings, path: Path, scratch: Path) -> dict[str, Any]:
    neo4j = scratch_settings(settings, "bench").model_copy(update={"data_dir": scratch / "neo4j"})
    with open_store(neo4j) as store:
        store.clear()
        try:
            return {"load": _load(store, path, neo4j.data_dir), "detect": _detect(store)}
        finally:
            store.clear()
