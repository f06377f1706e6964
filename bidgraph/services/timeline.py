"""Time on profiles and findings: the dated facts around companies and persons — bids and
wins, legal representatives, officers, shareholdings, penalties — as one table that the
workbench draws as a chart (events as points, roles held over a period as bars)."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from bidgraph.graph import GraphStore
from bidgraph.graph.schema import schema
from bidgraph.services.access import TENDER_SCOPE, scope_params
from bidgraph.services.common import table
from bidgraph.services.profiles import ROLE_TYPES
from bidgraph.viewer import Viewer

COLUMNS = {"date": "日期", "until": "截止", "kind": "类别", "who": "主体", "what": "内容"}
KINDS = ("投标", "中标", "法定代表人", "任职", "就职", "股东", "处罚")

_COMPANY_BIDS = f"""
UNWIND $keys AS k
MATCH (c:Company {{key: k}})-[:SUBMITTED|MEMBER_OF*1..2]->(b:Bid)-[:FOR]->(t:Tender)
WHERE {TENDER_SCOPE}
RETURN DISTINCT c.name AS who, coalesce(b.bid_open, t.bid_open) AS date, b.won AS won,
       t.code + ' ' + coalesce(t.name, '') AS what
"""
_PERSON_BIDS = f"""
UNWIND $keys AS k
MATCH (b:Bid)-[r:PROJECT_MANAGER|AGENT]->(p:Person {{key: k}}), (b)-[:FOR]->(t:Tender)
WHERE {TENDER_SCOPE}
RETURN DISTINCT p.name AS who, coalesce(b.bid_open, t.bid_open) AS date, b.won AS won,
       t.code + ' ' + coalesce(t.name, '') AS what
"""
# Roles seen from either end: a company's people (and corporate shareholders), a person's organisations.
_ROLE_RETURN = """
RETURN DISTINCT p.name + ' → ' + o.name AS who, type(r) AS rel, r.start AS date, r.end AS until,
       coalesce(r.position, r.basis, CASE WHEN r.pct IS NULL THEN NULL ELSE toString(r.pct) + '%' END) AS what
"""
_COMPANY_ROLES = f"UNWIND $keys AS k MATCH (p)-[r:{ROLE_TYPES}]->(o:Company {{key: k}})" + _ROLE_RETURN
_PERSON_ROLES = f"UNWIND $keys AS k MATCH (p:Person {{key: k}})-[r:{ROLE_TYPES}]->(o)" + _ROLE_RETURN
_PENALTIES = """
UNWIND $keys AS k
MATCH (x:{label} {{key: k}})-[:SANCTIONED]->(pen:Penalty)
RETURN DISTINCT x.name AS who, pen.date AS date, coalesce(pen.kind, '') + ' ' + coalesce(pen.reason, '') AS what
"""


def timeline(store: GraphStore, entities: Iterable[tuple[str, str]], viewer: Viewer) -> pd.DataFrame:
    """Dated facts of the (label, key) entities, oldest first; undated facts are left out
    (a chart cannot place them; the profile's tables still list them)."""
    wanted = list(entities)
    companies = [k for label, k in wanted if label == "Company"]
    persons = [k for label, k in wanted if label == "Person"]
    rows: list[dict[str, object]] = []
    for query, chosen in ((_COMPANY_BIDS, companies), (_PERSON_BIDS, persons)):
        if chosen:
            for r in store.run(query, scope_params(viewer, keys=chosen), limit=0).records():
                rows.append({**r, "kind": "中标" if r["won"] else "投标"})
    for query, chosen in ((_COMPANY_ROLES, companies), (_PERSON_ROLES, persons)):
        if chosen:
            rows += [
                {**r, "kind": schema().zh(r["rel"])} for r in store.run(query, {"keys": chosen}, limit=0).records()
            ]
    for label, chosen in (("Company", companies), ("Person", persons)):
        if chosen:
            query = _PENALTIES.format(label=schema().label(label))
            rows += [{**r, "kind": "处罚"} for r in store.run(query, {"keys": chosen}, limit=0).records()]
    dated: dict[tuple[object, ...], dict[str, object]] = {}  # a person's role at a listed company comes twice
    for r in rows:
        if _day(r.get("date")):
            r["date"], r["until"] = _day(r["date"]), _day(r.get("until"))
            dated.setdefault(tuple(r.get(c) for c in COLUMNS), r)
    return table(sorted(dated.values(), key=lambda r: str(r["date"])), COLUMNS, viewer)


def _day(value: object) -> str | None:
    """The YYYY-MM-DD part of an ISO date or time; None for missing or unreadable values."""
    text = str(value or "")[:10]
    return text if len(text) == 10 and text[4] == "-" and text[7] == "-" else None
