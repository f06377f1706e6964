"""How a report names things for a reader outside the system: entities by name and key
(company + USCC, person + masked ID), rules by their Chinese title, relationships in
Chinese with their dates, and chart identities that stay the same across exports."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from bidgraph.cases.model import Case, NodeSnapshot
from bidgraph.errors import BidgraphError
from bidgraph.graph.model import Node
from bidgraph.graph.schema import schema
from bidgraph.masking import mask_id_number
from bidgraph.viz.display import property_lines
from bidgraph.viz.style import node_caption as graph_caption

_ORGS = ("Company", "Agency", "Tenderer")
_PROVENANCE = frozenset({"source", "row", "load_id", "loaded_at", "first_load", "key"})
_USCC = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def node_caption(node: NodeSnapshot) -> str:
    """The caption the case graph shows (a bid by its price and outcome, not its key)."""
    return graph_caption(Node(node.id, node.labels, node.properties))


def fact_text(case: Case, fact: str) -> str:
    """A finding's source fact (``Person:id:…`` or ``SHAREHOLDER_OF#13198``) as a reader names it."""
    for node in case.nodes.values():
        if fact == f"{node.label}:{node.key}":
            return entity_name(node)
    rel_type, _, rel_id = fact.partition("#")
    rel = case.relationships.get(rel_id)
    if rel is not None and rel.type == rel_type:
        return relationship_text(case, rel.type, rel.start, rel.end, {})
    return schema().zh(rel_type) if rel_id else fact


def entity_name(node: NodeSnapshot) -> str:
    """「河南某某有限公司（统一社会信用代码 9141…）」, 「张三（身份证 410225199105******）」."""
    caption, props = node_caption(node), node.properties
    if uscc := _uscc(node):
        return f"{caption}（统一社会信用代码 {uscc}）"
    if node.label == "Person":
        number = props.get("id_number")
        shown = mask_id_number(number) if number and "*" not in str(number) else props.get("id_masked") or number
        return f"{caption}（身份证 {shown}）" if shown else f"{caption}（自然人）"
    return f"{caption}（{schema().zh(node.label)}）"


def _uscc(node: NodeSnapshot) -> str | None:
    """An organisation's USCC: its property, or its key (the key is the USCC when it has one)."""
    if node.label not in _ORGS:
        return None
    return node.properties.get("uscc") or (node.key if _USCC.match(node.key) else None)


def node_name(case: Case, node_id: str) -> str:
    node = case.nodes.get(node_id)
    return entity_name(node) if node else "（未纳入线索的对象）"


def relationship_text(case: Case, rel_type: str, start: str, end: str, props: dict[str, Any]) -> str:
    """「张三 —法定代表人（起始：2019-01-01）→ 某公司」: type in Chinese, dates and figures kept."""
    shown = property_lines({k: v for k, v in props.items() if v != ""}, _PROVENANCE)
    detail = "（" + "，".join(shown) + "）" if shown else ""
    return f"{node_name(case, start)} —{schema().zh(rel_type)}{detail}→ {node_name(case, end)}"


@cache
def rule_title(detector: str) -> str:
    """The detector's Chinese title from the catalogue; the id only if it is not there."""
    from bidgraph.analysis.detectors import list_detectors  # the catalogue imports the whole analysis stack

    try:
        titles = {q.detector or q.id: q.title for q in list_detectors()}
    except BidgraphError:
        return detector
    return titles.get(detector, detector)


def stable_identity(node: NodeSnapshot) -> str:
    """An i2 identity two exports of overlapping cases share: the USCC, the ID-number hash
    (the person key), the certificate number — the graph's own merge key, typed in Chinese."""
    uscc = _uscc(node)
    if uscc:
        return f"统一社会信用代码:{uscc}"
    return f"{schema().zh(node.label)}:{node.key}"


def identities(case: Case) -> dict[str, str]:
    """Snapshot id -> chart identity; a masked key that coincides gets the snapshot id appended."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for node in case.nodes.values():
        identity = stable_identity(node)
        if identity in taken:
            identity = f"{identity}#{node.id}"
        taken.add(identity)
        out[node.id] = identity
    return out
