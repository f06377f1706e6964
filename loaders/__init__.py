"""Loaders: data exports (CSV, .xlsx, OCDS JSON) -> validated, normalized records ->
batched idempotent writes. The API the CLI and the workbench's Data page call."""

from __future__ import annotations

import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path

from bidgraph import audit, protected
from bidgraph.analysis import bidtable, linktables
from bidgraph.collector import few_collections
from bidgraph.errors import BidgraphError, DataError
from bidgraph.graph.journal import guarded_load
from bidgraph.graph.neo4j_backend import Neo4jStore
from bidgraph.graph.schema import apply_schema
from bidgraph.graph.store import GraphStore
from bidgraph.loaders.history import load_history, record_load
from bidgraph.loaders.mapping import Mapping, load_mapping
from bidgraph.loaders.pipeline import Progress, check, write_plan
from bidgraph.loaders.report import ErrorRecord, LoadReport

__all__ = ["ErrorRecord", "LoadReport", "load_history", "load_mapping", "load_paths", "validate_paths"]


def _mapping(mapping: Mapping | str | Path | None) -> Mapping:
    return mapping if isinstance(mapping, Mapping) else load_mapping(mapping)


def validate_paths(
    paths: Sequence[str | Path],
    *,
    mapping: Mapping | str | Path | None = None,
    store: GraphStore | None = None,
    progress: Progress | None = None,
) -> LoadReport:
    """Dry run: check the files and report every error; writes nothing. With a
    ``store``, references are also looked up in the graph."""
    started = time.perf_counter()
    plan = check(paths, _mapping(mapping), store, progress)
    plan.report.dry_run = True
    plan.report.rows_loaded = plan.rows_valid
    plan.report.elapsed_s = time.perf_counter() - started
    return plan.report


def load_paths(
    store: GraphStore,
    paths: Sequence[str | Path],
    *,
    skip_invalid: bool = False,
    mapping: Mapping | str | Path | None = None,
    progress: Progress | None = None,
    actor: str = "cli",
    data_dir: Path | None = None,
) -> LoadReport:
    """Check, then write all valid rows in one atomic scope. Strict by default: any
    error and nothing is written. Every attempt goes to the audit log of ``data_dir``
    (default: the settings' data directory)."""
    started = time.perf_counter()
    started_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    data_dir = data_dir if data_dir is not None else _data_dir()
    mapping = _mapping(mapping)
    apply_schema(store)
    plan = check(paths, mapping, store, progress, keep=True)
    report = plan.report
    outcome = "rejected"
    for name in plan.changed_files():
        report.add_error(DataError("文件在检查过程中被修改，请在文件写完后重新导入", file=name))
    try:
        if report.ok or (skip_invalid and plan.rows_valid and not plan.changed_files()):
            with (
                protected.collecting() as clear,
                guarded_load(store, data_dir, report.load_id, actor=actor, scope=_load_scope(store, report.load_id)),
            ):
                write_plan(store, plan, store.batch_size, progress)
                vault = protected.ProtectedStore(data_dir)
                vault.put(clear)  # before the graph commits: no key without its value
                protected.seal_experts(store, vault)
                report.written = True
                report.elapsed_s = time.perf_counter() - started
                record_load(store, report, actor=actor, started=started_at)
                # the version the write pass's own tables are of: taken while the load lock is held
                known = bidtable.Known(bidtable.data_version(store), plan.tables) if plan.tables else None
            outcome = report.status
            _refresh_side_tables(store, data_dir, report, known)
    except BaseException:
        outcome = "failed"
        report.written = False
        raise
    finally:
        plan.close()
        report.elapsed_s = time.perf_counter() - started
        _audit(data_dir, actor, report, outcome)
    return report


def _refresh_side_tables(
    store: GraphStore, data_dir: Path | None, report: LoadReport, known: bidtable.Known | None = None
) -> None:
    """Write the columnar side tables of the new data version now — the bid table and, on
    FalkorDB (the only backend whose detectors read them), the link tables — so the first
    detector run after a load (the alerts it raises) does not pay for them; the ``known``
    ones (a bulk first load's) are not read from the graph while it is at their version.
    Detectors rebuild them themselves if this fails."""
    if not report.written:
        return
    try:
        with few_collections():
            if store.backend == "falkordb":
                _bid_and_link_tables(store, data_dir, known)
            else:
                bidtable.refresh(store, data_dir)
    except (BidgraphError, OSError) as e:
        report.warnings.append(f"检测用列式表未能写入（检测时会自动重建）：{e}")


def _bid_and_link_tables(store: GraphStore, data_dir: Path | None, known: bidtable.Known | None) -> None:
    """Both at once: they read the same committed graph and write their own files, and
    most of their time is the server answering (on its thread pool) — one table's
    queries run on the server while the other's answers are parsed here. The bid
    table's error is the one reported when both fail, as when they ran in turn."""
    with ThreadPoolExecutor(1, thread_name_prefix="bidgraph-bidtable") as pool:
        bids = pool.submit(bidtable.refresh, store, data_dir, known)
        try:
            linktables.refresh(store, data_dir, known)
        except (BidgraphError, OSError):
            bids.result()
            raise
        bids.result()


def _load_scope(store: GraphStore, load_id: str) -> AbstractContextManager[None]:
    """Neo4j commits a load in batches and undoes it by load id if it fails (a single
    transaction would not fit a province in the default heap); FalkorDB snapshots."""
    if isinstance(store, Neo4jStore):
        return store.atomic(load_id=load_id)
    return store.atomic()


def _data_dir() -> Path:
    from bidgraph.settings import get_settings

    return get_settings().data_dir


def _audit(data_dir: Path, actor: str, report: LoadReport, outcome: str) -> None:
    details = {**report.summary(), "outcome": outcome}
    audit.record(data_dir, "data.load", actor=actor, target=report.load_id, details=details)
