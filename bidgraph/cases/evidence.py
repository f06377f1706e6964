"""What can be put into a case: findings, nodes, relationships and paths, gathered into
one ``CaseEvidence``; and the check that tells whether the graph changed since."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from bidgraph.analysis.findings import Finding
from bidgraph.cases.model import Case
from bidgraph.graph.model import Node, Path, Relationship, Subgraph
from bidgraph.graph.schema import schema
from bidgraph.graph.store import GraphStore

# Properties that change on every reload without the fact changing.
VOLATILE = frozenset({"row", "loaded_at", "load_id", "source"})


@dataclass
class CaseEvidence:
    """Evidence on its way into a case (the graph elements of the findings included)."""

    graph: Subgraph = field(default_factory=Subgraph)
    findings: list[Finding] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.graph.nodes or self.graph.relationships or self.findings)

    def describe(self) -> str:
        return (
            f"{len(self.findings)} 条研判发现、{len(self.graph.nodes)} 个节点、{len(self.graph.relationships)} 条关系"
        )


EvidenceLike = CaseEvidence | Finding | Subgraph | Path | Node | Relationship | Iterable[Any]


def as_evidence(value: EvidenceLike) -> CaseEvidence:
    """Gather findings, subgraphs, paths, nodes and relationships (or lists of them)."""
    if isinstance(value, CaseEvidence):
        return value
    evidence = CaseEvidence()
    _collect(value, evidence)
    return evidence


def _collect(value: Any, evidence: CaseEvidence) -> None:
    if isinstance(value, CaseEvidence):
        evidence.graph.merge(value.graph)
        evidence.findings.extend(value.findings)
    elif isinstance(value, Finding):
        evidence.findings.append(value)
        evidence.graph.merge(value.evidence)
    elif isinstance(value, Subgraph):
        evidence.graph.merge(value)
    elif isinstance(value, (Node, Relationship, Path)):
        evidence.graph.add(value)
    elif isinstance(value, Iterable) and not isinstance(value, (str, bytes, dict)):
        for item in value:
            _collect(item, evidence)
    else:
        raise TypeError(f"cannot add {type(value).__name__} to a case")


@dataclass(frozen=True)
class Freshness:
    """How the current graph differs from the case's snapshot."""

    checked: int
    changed: tuple[str, ...]  # "Label:key" whose properties or load differ now
    missing: tuple[str, ...]  # "Label:key" no longer in the graph

    @property
    def newer_data(self) -> bool:
        return bool(self.changed or self.missing)

    def message(self) -> str:
        if not self.newer_data:
            return f"证据与当前数据一致（已核对 {self.checked} 个节点）"
        parts = []
        if self.changed:
            parts.append(f"{len(self.changed)} 个节点已有更新的数据")
        if self.missing:
            parts.append(f"{len(self.missing)} 个节点在当前数据中已不存在")
        return "证据为加入时的快照；" + "，".join(parts) + "。下列内容仍按加入时显示。"


def check_freshness(case: Case, store: GraphStore) -> Freshness:
    """Re-read the evidence nodes by label and key (one query per label) and compare."""
    by_label: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for node in case.nodes.values():
        if node.label in schema().nodes and "key" in node.properties:
            by_label[node.label][node.key] = node.properties
    changed: list[str] = []
    missing: list[str] = []
    for label, snapshots in by_label.items():
        query = f"MATCH (n:{schema().label(label)}) WHERE n.key IN $keys RETURN n"
        current = {n.get("key"): n for (n,) in store.run(query, {"keys": list(snapshots)}, limit=len(snapshots))}
        for key, old in snapshots.items():
            node = current.get(key)
            if node is None:
                missing.append(f"{label}:{key}")
            elif _differs(old, dict(node.properties)):
                changed.append(f"{label}:{key}")
    checked = sum(len(s) for s in by_label.values())
    return Freshness(checked=checked, changed=tuple(sorted(changed)), missing=tuple(sorted(missing)))


def _differs(old: dict[str, Any], new: dict[str, Any]) -> bool:
    if old.get("load_id") != new.get("load_id"):
        return True
    return _stable(old) != _stable(new)


def _stable(props: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if k not in VOLATILE}
