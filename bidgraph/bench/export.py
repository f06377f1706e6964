"""Export-style load benchmark: the same world loaded from the canonical tables and from
its messy platform export (``sample --style export``, through the committed mapping), in
one run, so the ratio of the two is what counts."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from bidgraph import loaders
from bidgraph.graph.schema import apply_schema
from bidgraph.graph.store import GraphStore


@dataclass(frozen=True)
class Timing:
    style: str
    rows: int
    seconds: float
    dropped: int

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def export_dir(size: str, work_dir: Path) -> Path:
    """The export of the ``size`` world, generated once into ``work_dir`` and reused."""
    target = work_dir / f"export-{size}"
    if not (target / "mapping.yaml").exists():
        from bidgraph.data.generator import SMALL_SEED
        from bidgraph.data.generator.export import generate_export

        generate_export(size, SMALL_SEED, target)
    return target


def timed_load(store: GraphStore, style: str, path: Path, mapping: Path | None, data_dir: Path) -> Timing:
    """A full load into ``store`` (a scratch graph: cleared first)."""
    store.clear()
    apply_schema(store)
    started = time.perf_counter()
    report = loaders.load_paths(store, [path], mapping=mapping, actor="bench", data_dir=data_dir)
    seconds = time.perf_counter() - started
    dropped = sum(a.dropped for a in report.accounts.values()) + report.errors_total
    return Timing(style, report.rows_loaded, seconds, dropped)
