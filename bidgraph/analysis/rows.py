"""Rows of a detector query become findings, as the query's header says: rows with the
same ``group_by`` values are one finding, whose evidence is every path in the evidence
columns of those rows. User-saved queries with a ``finding`` header work the same way."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from bidgraph.analysis.findings import Finding, entities_of, sources_of
from bidgraph.graph.model import Node, Path, Relationship, Result, Subgraph, caption
from bidgraph.queries.library import SavedQuery

# Labels that name who or what a finding is about (bids and tenders are context).
ENTITY_LABELS = (
    "Company",
    "Consortium",
    "Person",
    "Expert",
    "Agency",
    "Tenderer",
    "Department",
    "Certificate",
    "IP",
    "Device",
    "BankAccount",
    "Phone",
    "Email",
    "Address",
    "Penalty",
)


def group_key(values: Iterable[Any]) -> tuple[Any, ...]:
    """Nodes in a group key count as a set (a pair found as (a, b) or (b, a) is one)."""
    values = list(values)
    nodes = sorted(str(v.get("key", v.id)) for v in values if isinstance(v, Node))
    plain = [str(v) for v in values if not isinstance(v, Node)]
    return (*plain, *nodes)


def text_of(value: Any) -> str:
    if isinstance(value, Node):
        return caption(value)
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, (list, tuple)):
        return "、".join(text_of(v) for v in value)
    return "" if value is None else str(value)


def plain(value: Any) -> Any:
    """A figure value fit for JSON and tables (graph elements by their caption)."""
    if isinstance(value, (Node, Relationship, Path)):
        return text_of(value) if isinstance(value, Node) else None
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def findings_from_rows(query: SavedQuery, params: Mapping[str, Any], result: Result) -> list[Finding]:
    """One finding per group of rows; the score is the largest ``score`` column if the
    query returns one (e.g. discounted by base rate), else the header's score."""
    spec = query.finding
    if spec is None:
        return []
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for record in result.records():
        groups.setdefault(group_key(record[c] for c in spec.group_by), []).append(record)
    findings = []
    for records in groups.values():
        evidence = Subgraph()
        for record in records:
            for column in query.evidence:
                evidence.add(record[column])
        first = records[0]
        entity_nodes = [n for n in evidence.nodes.values() if set(n.labels) & set(ENTITY_LABELS)]
        entity_nodes += [first[c] for c in spec.group_by if isinstance(first[c], Node)]
        tenders = {str(r["tender"]) for r in records if r.get("tender")}
        tenders |= {str(n.get("code")) for n in evidence.nodes.values() if "Tender" in n.labels and n.get("code")}
        scores = [float(r["score"]) for r in records if isinstance(r.get("score"), (int, float))]
        figures = {label: plain(first[column]) for column, label in spec.figures.items()}
        figures["证据行数"] = len(records)
        findings.append(
            Finding(
                detector=query.detector or query.id,
                title=query.title,
                legal_ground=query.legal_ground,
                score=min(100.0, max(scores) if scores else spec.score),
                entities=entities_of(_ordered(entity_nodes, spec.group_by, first)),
                tender_codes=tuple(sorted(tenders)),
                figures=figures,
                evidence=evidence,
                sources=sources_of(evidence),
                query_id=query.id,
                params=dict(params),
                summary=spec.summary.format_map(_Captions(first)),
            )
        )
    return findings


def _ordered(nodes: list[Node], group_by: tuple[str, ...], first: Mapping[str, Any]) -> list[Node]:
    """The grouped entities first (the finding is about them), then the rest."""
    head = [first[c] for c in group_by if isinstance(first[c], Node)]
    return head + [n for n in nodes if n not in head]


class _Captions(dict):
    def __init__(self, record: Mapping[str, Any]) -> None:
        super().__init__({k: text_of(v) for k, v in record.items()})

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
