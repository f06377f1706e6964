"""Load history: one ``Load`` node per completed load, written in the same atomic
scope as the data (so a rolled-back load leaves no record in the graph; the audit log
keeps every attempt)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bidgraph.graph.schema import KEY, schema
from bidgraph.graph.store import GraphStore
from bidgraph.loaders.report import LoadReport

FIELDS = (
    "started",
    "finished",
    "actor",
    "status",
    "files",
    "rows_read",
    "rows_loaded",
    "errors",
    "nodes_created",
    "relationships_created",
    "elapsed_s",
)


def record_load(store: GraphStore, report: LoadReport, *, actor: str, started: str) -> None:
    s = schema()
    props: dict[str, Any] = {
        "started": started,
        "finished": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S"),
        "actor": actor,
        "status": report.status,
        "files": list(report.files),
        "rows_read": report.rows_read,
        "rows_loaded": report.rows_loaded,
        "errors": report.errors_total,
        "nodes_created": report.nodes_created,
        "relationships_created": report.relationships_created,
        "elapsed_s": round(report.elapsed_s, 3),
        "load_id": report.load_id,
        "loaded_at": started,
        "source": "bidgraph load",
        "row": 0,
    }
    store.write(f"MERGE (l:{s.label('Load')} {{{KEY}: $key}}) SET l += $props", {"key": report.load_id, "props": props})


def load_history(store: GraphStore, limit: int = 200) -> list[dict[str, Any]]:
    """Completed loads, newest first: load_id plus the ``FIELDS``."""
    s = schema()
    columns = ", ".join(f"l.{s.property_key('Load', f)} AS {f}" for f in FIELDS)
    query = (
        f"MATCH (l:{s.label('Load')}) RETURN l.{KEY} AS load_id, {columns} "
        f"ORDER BY l.{s.property_key('Load', 'started')} DESC LIMIT $limit"
    )
    return store.run(query, {"limit": limit}, limit=0).records()
