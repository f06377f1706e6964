"""As-of dates on a drawing: when each relationship was true, and the drawing as it stood
on a given day.

A relationship with ``start``/``end`` (roles, shareholdings, kinship, employment) holds
between those dates. An event — an evaluation's ``date``, a bid (the bid's ``bid_open``
or ``submitted``), a tender's publication, a penalty's ``date`` — holds from that day on:
looking back from a later date it has happened, before it it had not. Relationships with
no date at all (phones, addresses, certificates) are always shown. Dates are ISO strings
(graph/schema.yaml), so comparing their first ten characters compares the days."""

from __future__ import annotations

from bidgraph.graph.model import Node, Relationship, Subgraph

# Node properties that date the relationships touching the node (first present wins).
_EVENT_DATES: dict[str, tuple[str, ...]] = {
    "Bid": ("bid_open", "submitted"),
    "Tender": ("bid_open", "published"),
    "Penalty": ("date",),
}
# Tender relationships that a bid would otherwise date: the tender's own day decides.
_TENDER_FIRST = frozenset({"TENDERED", "AGENT_OF", "SUPERVISES", "PART_OF"})

Interval = tuple[str | None, str | None]


def _day(value: object) -> str | None:
    text = "" if value is None else str(value).strip()
    return text[:10] if len(text) >= 10 and text[4] == "-" else None


def _node_day(node: Node | None) -> str | None:
    if node is None:
        return None
    for prop in _EVENT_DATES.get(node.label, ()):
        day = _day(node.get(prop))
        if day:
            return day
    return None


def validity(rel: Relationship, graph: Subgraph) -> Interval:
    """(from, to) days the relationship holds; ``None`` is open-ended."""
    start, end = _day(rel.get("start")), _day(rel.get("end"))
    if start or end:
        return start, end
    if _day(rel.get("date")):
        return _day(rel.get("date")), None
    ends = [graph.nodes.get(rel.start), graph.nodes.get(rel.end)]
    if rel.type in _TENDER_FIRST:
        ends.sort(key=lambda n: n is None or n.label != "Tender")
    for node in ends:
        day = _node_day(node)
        if day:
            return day, None
    return None, None


def holds_on(interval: Interval, day: str) -> bool:
    start, end = interval
    return (start is None or start <= day) and (end is None or day <= end)


def intervals(graph: Subgraph) -> dict[str, Interval]:
    """Relationship id -> its interval, for every dated relationship of ``graph``."""
    found = {rid: validity(rel, graph) for rid, rel in graph.relationships.items()}
    return {rid: span for rid, span in found.items() if span != (None, None)}


def date_span(graph: Subgraph, spans: dict[str, Interval] | None = None) -> tuple[str, str] | None:
    """The first and last day any relationship of ``graph`` starts or ends (None: undated);
    ``spans`` if the caller already has ``intervals(graph)``."""
    days = sorted(day for span in (spans if spans is not None else intervals(graph)).values() for day in span if day)
    return (days[0], days[-1]) if days else None


def as_of(graph: Subgraph, day: str | None) -> Subgraph:
    """``graph`` as it stood on ``day``: relationships not holding then are dropped, and so
    are nodes that only those relationships connected (nodes never connected stay)."""
    if not day:
        return graph
    spans = intervals(graph)
    kept = {rid: r for rid, r in graph.relationships.items() if rid not in spans or holds_on(spans[rid], day)}
    linked = {end for r in graph.relationships.values() for end in (r.start, r.end)}
    still = {end for r in kept.values() for end in (r.start, r.end)}
    return Subgraph(
        nodes={nid: n for nid, n in graph.nodes.items() if nid in still or nid not in linked},
        relationships=kept,
    )
