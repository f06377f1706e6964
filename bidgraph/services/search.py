"""Find companies, people and tenders by what an investigator has at hand: a name written
any way (brackets, spaces, legal form, pinyin, initials, a typo), a USCC, an ID number,
a certificate, phone, address or IP, a tender code. Every hit says why it matched."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bidgraph.graph import GraphStore
from bidgraph.loaders.identity import id_hash
from bidgraph.masking import mask_text
from bidgraph.services import access
from bidgraph.services.access import TENDER_SCOPE, scope_params
from bidgraph.services.name_index import IndexedName, data_version, names
from bidgraph.services.name_match import TYPO_SCORE, NameForms, NameMatch, match_forms, squash
from bidgraph.services.search_ids import search_identifiers
from bidgraph.viewer import Viewer
from bidgraph.viz.style import label_zh

_USCC = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
_ID_NUMBER = re.compile(r"^\d{17}[\dX]$")
_MASKED_ID = re.compile(r"^\d{4,}\*+[\dX*]*$")

_PERSON_ORGS = """
MATCH (p:Person) WHERE p.key IN $keys
OPTIONAL MATCH (p)-[:LEGAL_REP_OF|OFFICER_OF|SHAREHOLDER_OF|EMPLOYED_BY]->(o)
RETURN p.key AS key, collect(DISTINCT o.name)[0..3] AS orgs
"""
_TENDERS = f"""
MATCH (t:Tender) WHERE (t.code CONTAINS $text OR t.name CONTAINS $text) AND {TENDER_SCOPE}
RETURN t.key AS key, t.name AS name, t.code AS code, t.bid_open AS bid_open, t.industry AS industry
ORDER BY t.bid_open DESC LIMIT $limit
"""


@dataclass(frozen=True)
class SearchHit:
    label: str  # Company | Agency | Tenderer | Person | Tender
    key: str
    name: str
    detail: str
    reason: str = ""  # why it matched, in Chinese

    @property
    def kind_zh(self) -> str:
        return label_zh(self.label)


def search(store: GraphStore, text: str, viewer: Viewer, *, limit: int = 20) -> list[SearchHit]:
    """Companies (and agencies, tenderers), people and tenders matching ``text``, best first per type."""
    raw = text.strip()
    if not raw:
        return []
    exact = squash(raw)
    version = data_version(store)  # the name index is read once per data version
    hits: list[SearchHit] = []
    for label in ("Company", "Agency", "Tenderer"):
        hits += _orgs(names(store, label, version), label, raw, exact, limit)
    hits += _people(store, names(store, "Person", version), raw, exact, viewer, limit)
    seen = {(h.label, h.key) for h in hits}
    for found in search_identifiers(store, raw, limit=limit):
        if (found.label, found.key) not in seen:
            seen.add((found.label, found.key))
            hits.append(SearchHit(found.label, found.key, found.name, "", mask_text(found.reason, viewer)))
    rows = store.run(_TENDERS, scope_params(viewer, text=raw, limit=limit))
    hits += [
        SearchHit(
            "Tender",
            r["key"],
            r["name"] or r["code"],
            " · ".join(filter(None, [r["code"], r["bid_open"], r["industry"]])),
            "标段编号或名称包含所输入文字",
        )
        for r in rows.records()
    ]
    return hits


def _best(scored: list[tuple[NameMatch, dict]], limit: int) -> list[tuple[NameMatch, dict]]:
    """Best first; near-misses (typos) only when nothing matched outright, so they never bury a real hit."""
    if any(m.score >= TYPO_SCORE for m, _ in scored):
        scored = [(m, r) for m, r in scored if m.score >= TYPO_SCORE]
    return sorted(scored, key=lambda s: (-s[0].score, len(s[1]["name"] or "")))[:limit]


def _orgs(indexed: list[IndexedName], label: str, raw: str, exact: str, limit: int) -> list[SearchHit]:
    if _USCC.match(exact):  # a USCC is matched exactly, never as a substring or a fuzzy name
        scored = [
            (NameMatch(100.0, "统一社会信用代码相同"), n.record)
            for n in indexed
            if exact in (n.record["uscc"], n.record["key"])
        ]
    else:
        query = NameForms.of(raw)
        scored = [(m, n.record) for n in indexed if (m := match_forms(query, n.forms)) is not None]
    return [
        SearchHit(label, r["key"], r["name"] or r["key"], " · ".join(filter(None, [r["uscc"], r["region"]])), m.reason)
        for m, r in _best(scored, limit)
    ]


def _people(
    store: GraphStore, indexed: list[IndexedName], raw: str, exact: str, viewer: Viewer, limit: int
) -> list[SearchHit]:
    rows = [n.record for n in indexed]
    if _ID_NUMBER.match(exact):
        wanted = id_hash(exact)
        scored = [(NameMatch(100.0, "身份证号相同"), r) for r in rows if r["id_hash"] == wanted]
    elif _MASKED_ID.match(raw.upper()):
        scored = [(NameMatch(100.0, "脱敏身份证号相同"), r) for r in rows if r["id_masked"] == raw.upper()]
    else:
        query = NameForms.of(raw)
        scored = [(m, n.record) for n in indexed if (m := match_forms(query, n.forms)) is not None]
    best = _best(scored, limit)
    orgs = {r["key"]: r["orgs"] for r in store.run(_PERSON_ORGS, {"keys": [r["key"] for _, r in best]}).records()}
    return [_person_hit(r, orgs.get(r["key"], []), m.reason, viewer) for m, r in best]


def _person_hit(record: dict, orgs: list, reason: str, viewer: Viewer) -> SearchHit:
    shown = record["id_masked"]  # the full number is in the protected store, shown on the profile to entitled roles
    parts = [f"身份证 {shown}" if shown else "", f"专家 {record['expert_no']}" if record["expert_no"] else ""]
    parts.append("、".join(o for o in orgs if o))
    detail = mask_text(" · ".join(filter(None, parts)), viewer)
    return SearchHit("Person", record["key"], access.readable(record["name"] or "（无名）", viewer), detail, reason)
