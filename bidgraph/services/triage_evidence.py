"""A triage row's evidence: every finding that built its score, merged into one graph,
plus the entities and tender codes it rests on (for the timeline and the case)."""

from __future__ import annotations

from collections.abc import Iterable

from bidgraph.analysis.findings import Entity, Finding, RankedItem
from bidgraph.graph.model import Subgraph


def combined_graph(findings: Iterable[Finding]) -> Subgraph:
    """The union of the findings' evidence subgraphs (a shared node appears once)."""
    graph = Subgraph()
    for finding in findings:
        graph.merge(finding.evidence)
    return graph


def ordered_findings(item: RankedItem) -> list[Finding]:
    """Strongest first, so the finding that set the score leads."""
    return sorted(item.findings, key=lambda f: -f.score)


def item_entities(item: RankedItem) -> list[Entity]:
    """The row's own entities, then every other entity its findings name, once each."""
    seen: dict[tuple[str, str], Entity] = {}
    for entity in (*item.entities, *(e for f in item.findings for e in f.entities)):
        seen.setdefault(entity[:2], entity)
    return list(seen.values())
