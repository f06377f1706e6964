"""Load benchmark: the sample data set (small, medium or large) loaded into a scratch
graph; rows/s, graph elements/s and peak memory of the loader process and the server."""

from __future__ import annotations

import resource
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bidgraph import loaders
from bidgraph.graph.model import Result
from bidgraph.graph.schema import apply_schema
from bidgraph.graph.store import GraphStore

REPO_SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


@dataclass(frozen=True)
class LoadBenchmark:
    size: str
    batch_size: int
    rows: int
    elements: int
    check_seconds: float
    seconds: float
    statement_seconds: float  # inside store.write (parameters sent, server work, reply)
    peak_rss_mb: float
    server_memory: str

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    @property
    def elements_per_s(self) -> float:
        return self.elements / self.seconds if self.seconds else 0.0


def sample_dir(size: str, work_dir: Path, seed: int | None = None) -> Path:
    """The data set of ``size``: the committed small set, or medium/large generated
    once into ``work_dir`` (by the sample generator) and reused."""
    if size == "small":
        return REPO_SAMPLE
    target = work_dir / f"sample-{size}"
    if not (target / "ground_truth.json").exists():
        from bidgraph.data.generator import SMALL_SEED, timed

        timed(size, seed if seed is not None else SMALL_SEED, target)
    return target


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_load_benchmark(store: GraphStore, path: Path, *, size: str, batch_size: int, data_dir: Path) -> LoadBenchmark:
    """Check pass alone, then a full load into ``store`` (which must be a scratch graph:
    it is cleared first). The time spent inside ``store.write`` is summed, to split the
    load between the loader's Python work and the statements."""
    store.clear()
    apply_schema(store)
    store.batch_size = batch_size
    started = time.perf_counter()
    checked = loaders.validate_paths([path])
    check_seconds = time.perf_counter() - started
    statement_seconds = 0.0
    write = store.write

    def timed_write(query: str, params: dict[str, Any] | None = None) -> Result:
        nonlocal statement_seconds
        begun = time.perf_counter()
        try:
            return write(query, params)
        finally:
            statement_seconds += time.perf_counter() - begun

    store.write = timed_write  # type: ignore[method-assign]
    started = time.perf_counter()
    try:
        report = loaders.load_paths(store, [path], actor="bench", data_dir=data_dir)
    finally:
        del store.write
    seconds = time.perf_counter() - started
    if not report.written:
        raise RuntimeError(f"基准数据未能导入：{report.errors[:3]}")
    return LoadBenchmark(
        size=size,
        batch_size=batch_size,
        rows=checked.rows_read,
        elements=report.elements_written,
        check_seconds=check_seconds,
        seconds=seconds,
        statement_seconds=statement_seconds,
        peak_rss_mb=peak_rss_mb(),
        server_memory=store.info().memory,
    )
