"""The reference of the load benchmark: falkordb-bulk-loader (FalkorDB's own CSV to
GRAPH.BULK tool) loading the same nodes and relationships bidgraph builds, alone, into a
scratch graph key. The elements come from bidgraph's own write pass (``GraphModel``),
written as typed CSV files (untimed); only the loader's run is timed."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bidgraph.errors import ConfigError
from bidgraph.loaders.bulk import BulkSender
from bidgraph.loaders.bulk_model import GraphModel
from bidgraph.loaders.mapping import load_mapping
from bidgraph.loaders.pipeline import check, write_plan


def elements_of(path: Path, batch_size: int = 2000) -> GraphModel:
    """The graph a first load of ``path`` writes (invalid rows skipped), in memory."""
    plan = check([path], load_mapping(None), None, keep=True)
    try:
        sender = BulkSender(None, plan.report.load_id)
        write_plan(None, plan, batch_size, sender=sender)
    finally:
        plan.close()
    return sender.model


def write_csv(model: GraphModel, directory: Path) -> list[str]:
    """One typed CSV per label set and relationship type; returns the loader's
    ``-N label file`` / ``-R type file`` arguments."""
    directory.mkdir(parents=True, exist_ok=True)
    args: list[str] = []
    groups: dict[tuple[str, ...], list[int]] = {}
    for node, labels in enumerate(model.labels):
        groups.setdefault(tuple(labels), []).append(node)
    for number, (labels, members) in enumerate(groups.items()):
        rows = [(n, model.node_props[n]) for n in members]
        target = directory / f"n{number}.csv"
        _write(target, ":ID(n)", rows, lambda n: [n])
        args += ["-N", ":".join(labels), str(target)]
    rels: dict[str, list[int]] = {}
    for rel, rel_type in enumerate(model.rel_types):
        rels.setdefault(rel_type, []).append(rel)
    for number, (rel_type, members) in enumerate(rels.items()):
        rows = [(r, model.rel_props[r]) for r in members]
        target = directory / f"r{number}.csv"
        _write(target, ":START_ID(n),:END_ID(n)", rows, lambda r: list(model.ends[r]))
        args += ["-R", rel_type, str(target)]
    return args


def _write(target: Path, ids: str, rows: list[tuple[int, dict[str, Any]]], id_cells: Any) -> None:
    keys: dict[str, None] = {}
    for _, props in rows:
        keys.update(dict.fromkeys(props))
    types = {k: _type([p.get(k) for _, p in rows]) for k in keys}
    with target.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow([*ids.split(","), *(f"{k}:{types[k]}" for k in keys)])
        for ident, props in rows:
            out.writerow([*id_cells(ident), *(_cell(props.get(k)) for k in keys)])


def _type(values: list[Any]) -> str:
    kinds = {type(v) for v in values if v is not None}
    if kinds == {bool}:
        return "BOOL"
    if kinds == {int}:
        return "LONG"
    if kinds and kinds <= {int, float}:
        return "DOUBLE"
    if kinds == {list}:
        return "ARRAY"
    return "STRING"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, list) else str(value)


def run_reference(args: list[str], url: str, graph: str) -> float:
    """Seconds falkordb-bulk-insert takes to load the files into ``graph`` (a new key)."""
    tool = shutil.which("falkordb-bulk-insert", path=str(Path(sys.executable).parent))
    if tool is None:
        raise ConfigError("未安装 falkordb-bulk-loader（pip install -e '.[dev]'），无法测量参照导入")
    started = time.perf_counter()
    done = subprocess.run(
        [tool, graph, "-u", url, "--enforce-schema", "--id-type", "INTEGER", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if done.returncode:
        raise ConfigError(f"falkordb-bulk-insert 失败：{(done.stderr or done.stdout)[-500:]}")
    return seconds
