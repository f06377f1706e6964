"""The finding model: what a detector reports, what the workbench draws and what a
case exports. Every finding names its rule and legal ground, the entities, the figures
it rests on, the evidence subgraph (exactly the paths that make it true), the source
of each fact, and the query and parameters that produced it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from bidgraph.graph.model import Node, Relationship, Subgraph, caption

Entity = tuple[str, str, str]  # (label, key, name)

PROVENANCE = ("source", "row", "load_id")


@dataclass(frozen=True)
class Finding:
    detector: str
    title: str
    legal_ground: str
    score: float  # severity 0–100
    entities: tuple[Entity, ...]
    tender_codes: tuple[str, ...]
    figures: Mapping[str, Any]
    evidence: Subgraph = field(compare=False, hash=False)
    sources: tuple[Mapping[str, Any], ...]
    query_id: str
    params: Mapping[str, Any]
    summary: str

    def entity_keys(self, label: str | None = None) -> set[str]:
        return {key for lab, key, _ in self.entities if label is None or lab == label}

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view (evidence as node/relationship lists)."""
        return {
            "detector": self.detector,
            "title": self.title,
            "legal_ground": self.legal_ground,
            "score": round(self.score, 2),
            "summary": self.summary,
            "entities": [{"label": lab, "key": key, "name": name} for lab, key, name in self.entities],
            "tender_codes": list(self.tender_codes),
            "figures": dict(self.figures),
            "evidence": {
                "nodes": [
                    {"id": n.id, "labels": list(n.labels), "key": n.get("key")} for n in self.evidence.nodes.values()
                ],
                "relationships": [
                    {"id": r.id, "type": r.type, "start": r.start, "end": r.end}
                    for r in self.evidence.relationships.values()
                ],
            },
            "sources": [dict(s) for s in self.sources],
            "query_id": self.query_id,
            "params": dict(self.params),
        }


@dataclass(frozen=True)
class RankedItem:
    """One line of the triage list: a tender or a company group with its score."""

    kind: str  # "tender" | "group"
    key: str  # tender code, or the sorted member keys joined by "+"
    name: str
    score: float
    rules: tuple[str, ...]  # detector ids that fired
    findings: tuple[Finding, ...] = field(compare=False, hash=False)
    entities: tuple[Entity, ...] = ()

    @cached_property
    def explanation(self) -> str:
        """zh: which rules, which figures. Written when first read: the list ranks every
        tender and firm (20k items on medium) and a page or table reads a few of them."""
        from bidgraph.analysis.scoring import combine, explain  # scoring ranks these items

        return explain(combine(self.findings)[1], len(self.findings))


@dataclass(frozen=True)
class TriageList:
    tenders: tuple[RankedItem, ...]
    groups: tuple[RankedItem, ...]
    # detector id -> why it gave no findings this run (timeout, query error); the list
    # is ranked from the detectors that finished.
    failures: Mapping[str, str] = field(default_factory=dict)


def entity_of(node: Node) -> Entity:
    return (node.label, str(node.get("key", node.id)), caption(node))


def entities_of(nodes: Iterable[Node]) -> tuple[Entity, ...]:
    """Unique entities in first-seen order."""
    seen: dict[tuple[str, str], Entity] = {}
    for node in nodes:
        entity = entity_of(node)
        seen.setdefault(entity[:2], entity)
    return tuple(seen.values())


def sources_of(evidence: Subgraph) -> tuple[dict[str, Any], ...]:
    """The provenance of every fact in the evidence: one entry per element that has one."""
    out: list[dict[str, Any]] = []
    elements: list[Node | Relationship] = [*evidence.nodes.values(), *evidence.relationships.values()]
    for element in elements:
        if element.get("source") is None and element.get("load_id") is None:
            continue
        fact = node_fact(element) if isinstance(element, Node) else f"{element.type}#{element.id}"
        out.append({"fact": fact, **{k: element.get(k) for k in PROVENANCE}})
    return tuple(out)


def node_fact(node: Node) -> str:
    return f"{node.label}:{node.get('key', node.id)}"
