"""Find companies, people and tenders by what an investigator has at hand: part of a
name (brackets and spaces written either way), a USCC, an ID number, a tender code."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bidgraph.graph import GraphStore
from bidgraph.graph.schema import schema
from bidgraph.loaders.identity import id_hash
from bidgraph.masking import mask_text
from bidgraph.services import access
from bidgraph.services.access import TENDER_SCOPE, scope_params
from bidgraph.viewer import Viewer
from bidgraph.viz.style import label_zh

_USCC = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
_ID_NUMBER = re.compile(r"^\d{17}[\dX]$")
_MASKED_ID = re.compile(r"^\d{4,}\*+[\dX*]*$")
_NO_MATCH = "¤不匹配¤"  # a parameter value no name, code or hash contains


@dataclass(frozen=True)
class SearchHit:
    label: str  # Company | Agency | Tenderer | Person | Tender
    key: str
    name: str
    detail: str

    @property
    def kind_zh(self) -> str:
        return label_zh(self.label)


def normalize_name(text: str) -> str:
    """Half-width brackets, no spaces: how names are compared on both sides."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


# The same normalisation in Cypher (full-width brackets and spaces only; NFKC is not available).
_NAME_NORM = "replace(replace(replace(replace({v}, '（', '('), '）', ')'), ' ', ''), '　', '')"
_ORGS = f"""
MATCH (n:{{label}}) WHERE n.key = $exact OR n.uscc = $exact OR {_NAME_NORM.format(v="n.name")} CONTAINS $text
RETURN n.key AS key, n.name AS name, n.uscc AS uscc, n.region AS region
ORDER BY size(n.name) LIMIT $limit
"""
_PEOPLE = """
MATCH (p:Person) WHERE p.id_hash = $idhash OR p.id_masked = $exact OR p.name CONTAINS $text
OPTIONAL MATCH (p)-[r:LEGAL_REP_OF|OFFICER_OF|SHAREHOLDER_OF|EMPLOYED_BY]->(o)
WITH p, collect(DISTINCT o.name)[0..3] AS orgs
RETURN p.key AS key, p.name AS name, p.id_masked AS id_masked,
       p.expert_no AS expert_no, orgs
ORDER BY size(p.name) LIMIT $limit
"""
_TENDERS = f"""
MATCH (t:Tender) WHERE (t.code CONTAINS $text OR t.name CONTAINS $text) AND {TENDER_SCOPE}
RETURN t.key AS key, t.name AS name, t.code AS code, t.bid_open AS bid_open, t.industry AS industry
ORDER BY t.bid_open DESC LIMIT $limit
"""


def search(store: GraphStore, text: str, viewer: Viewer, *, limit: int = 20) -> list[SearchHit]:
    """Companies (and agencies, tenderers), people and tenders matching ``text``."""
    raw = text.strip()
    if not raw:
        return []
    norm = normalize_name(raw)
    exact = norm.upper()
    hits: list[SearchHit] = []
    for label in ("Company", "Agency", "Tenderer"):
        text_filter = _NO_MATCH if _USCC.match(exact) else norm  # a USCC is matched exactly, never as a substring
        rows = store.run(
            _ORGS.replace("{label}", schema().label(label)), {"exact": exact, "text": text_filter, "limit": limit}
        )
        hits += [
            SearchHit(label, r["key"], r["name"] or r["key"], " · ".join(filter(None, [r["uscc"], r["region"]])))
            for r in rows.records()
        ]
    person_hash = id_hash(exact) if _ID_NUMBER.match(exact) else _NO_MATCH
    by_name = _NO_MATCH if _ID_NUMBER.match(exact) or _MASKED_ID.match(exact) else norm
    rows = store.run(_PEOPLE, {"idhash": person_hash, "exact": exact, "text": by_name, "limit": limit})
    hits += [_person_hit(r, viewer) for r in rows.records()]
    rows = store.run(_TENDERS, scope_params(viewer, text=raw, limit=limit))
    hits += [
        SearchHit(
            "Tender",
            r["key"],
            r["name"] or r["code"],
            " · ".join(filter(None, [r["code"], r["bid_open"], r["industry"]])),
        )
        for r in rows.records()
    ]
    return hits


def _person_hit(record: dict, viewer: Viewer) -> SearchHit:
    shown = record["id_masked"]  # the full number is in the protected store, shown on the profile to entitled roles
    parts = [f"身份证 {shown}" if shown else "", f"专家 {record['expert_no']}" if record["expert_no"] else ""]
    parts.append("、".join(o for o in record["orgs"] if o))
    return SearchHit(
        "Person",
        record["key"],
        access.readable(record["name"] or "（无名）", viewer),
        mask_text(" · ".join(filter(None, parts)), viewer),
    )
