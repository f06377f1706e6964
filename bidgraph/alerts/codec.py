"""A finding kept whole in the alert store: ``Finding.to_dict()`` keeps only element ids
of the evidence, so the evidence nodes and relationships are stored with their
properties, and an alert turned into a case carries the same evidence the detector saw."""

from __future__ import annotations

import json
from typing import Any

from bidgraph.analysis.findings import Finding
from bidgraph.cases.store import to_json
from bidgraph.graph.model import Node, Relationship, Subgraph


def dump(finding: Finding) -> str:
    data = finding.to_dict()
    data["evidence"] = {
        "nodes": [
            {"id": n.id, "labels": list(n.labels), "properties": dict(n.properties)}
            for n in finding.evidence.nodes.values()
        ],
        "relationships": [
            {"id": r.id, "type": r.type, "start": r.start, "end": r.end, "properties": dict(r.properties)}
            for r in finding.evidence.relationships.values()
        ],
    }
    return to_json(data)


def load(text: str) -> Finding:
    data: dict[str, Any] = json.loads(text)
    evidence = Subgraph()
    for n in data["evidence"]["nodes"]:
        evidence.nodes[n["id"]] = Node(n["id"], tuple(n["labels"]), n["properties"])
    for r in data["evidence"]["relationships"]:
        evidence.relationships[r["id"]] = Relationship(r["id"], r["type"], r["start"], r["end"], r["properties"])
    return Finding(
        detector=data["detector"],
        title=data["title"],
        legal_ground=data["legal_ground"],
        score=float(data["score"]),
        entities=tuple((e["label"], e["key"], e["name"]) for e in data["entities"]),
        tender_codes=tuple(data["tender_codes"]),
        figures=data["figures"],
        evidence=evidence,
        sources=tuple(data["sources"]),
        query_id=data["query_id"],
        params=data["params"],
        summary=data["summary"],
    )
