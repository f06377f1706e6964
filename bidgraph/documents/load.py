"""Bid documents into the graph through the loaders' batched, idempotent writer: a
``Document`` node per file (key = SHA-256 of its bytes) linked ``(Bid)-[:HAS_DOCUMENT]->``,
a machine code found in the file's metadata as ``(Bid)-[:MADE_ON]->(Device)``, and the
similar pairs as ``(Bid)-[:SIMILAR_TO]->(Bid)`` with score, sections, matched passages
(offsets into each document) and shared errors."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bidgraph.documents.read import ReadDocument, read_document, read_manifest
from bidgraph.documents.similarity import DocRecord, Params, SimilarPair, compare
from bidgraph.errors import DataError
from bidgraph.graph.schema import KEY, schema
from bidgraph.graph.store import GraphStore
from bidgraph.loaders.identity import bid_key, device_key, org_key
from bidgraph.loaders.write import Writer

_USCC = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$", re.IGNORECASE)
DOCUMENT = ("node", "Document", None)
HAS_DOCUMENT = ("edge", "Bid", "HAS_DOCUMENT", "Document", (), True, True)
MADE_ON = ("edge", "Bid", "MADE_ON", "Device", (), True, False)
SIMILAR_TO = ("edge", "Bid", "SIMILAR_TO", "Bid", (), True, True)
STORE_FROM = 30.0  # pairs below this score are not written (the detector's threshold is higher)


@dataclass
class DocumentLoad:
    load_id: str
    documents: int = 0
    tender_files: int = 0
    pairs: list[SimilarPair] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)


def bidder_key(value: str) -> str:
    """The manifest's 投标人 is a USCC or a company name, keyed like the loaders key it."""
    value = value.strip()
    key = org_key(value if _USCC.match(value) else None, None if _USCC.match(value) else value)
    assert key is not None  # value is non-empty here
    return key


def load_documents(
    store: GraphStore, manifest: Path, *, params: Params | None = None, batch_size: int = 500
) -> DocumentLoad:
    """Read every file the manifest lists, compare the bids' documents and write it all."""
    entries = read_manifest(manifest)
    bids = [(e, bid_key(e.tender, bidder_key(e.bidder))) for e in entries if e.bidder]
    _check_bids(store, manifest.name, bids)
    tenders = {e.tender: read_document(e.path).text for e in entries if not e.bidder}
    read = {key: (entry, read_document(entry.path)) for entry, key in bids}
    records = [
        DocRecord(key, entry.tender, bidder_key(entry.bidder), doc.text, tuple(doc.sections))
        for key, (entry, doc) in read.items()
    ]
    params = params or Params()
    pairs = [p for p in compare(records, tenders, params) if p.score >= min(STORE_FROM, params.min_score)]
    result = DocumentLoad(uuid.uuid4().hex[:12], len(read), len(tenders), pairs)
    loaded_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    with Writer(store, batch_size) as writer:
        writer.provenance({"source": manifest.name, "load_id": result.load_id, "loaded_at": loaded_at})
        for key, (entry, doc) in read.items():
            doc_key = doc.sha256
            props = {**_doc_props(entry.tender, entry.bidder, doc), "row": entry.row}
            writer.add(DOCUMENT, {KEY: doc_key, "props": props})
            writer.add(HAS_DOCUMENT, [key, doc_key, {"row": entry.row}, {}, {}])
            if doc.meta.get("machine_code"):
                device, value = device_key("machine_code", doc.meta["machine_code"])
                writer.add(MADE_ON, [key, device, {"row": entry.row}, {}, {"kind": "machine_code", "value": value}])
        for pair in pairs:
            writer.add(SIMILAR_TO, [pair.a.id, pair.b.id, similar_props(pair, read), {}, {}])
    result.counters = dict(writer.counters)
    _drop_stale(store, list(read), result.load_id)
    return result


def _drop_stale(store: GraphStore, keys: list[str], load_id: str) -> None:
    """Pairs among these bids that this comparison no longer finds (a pair it found again
    carries this load's id)."""
    s = schema()
    store.write(
        f"MATCH (a:{s.label('Bid')})-[r:{s.rel_type('SIMILAR_TO')}]->(b:{s.label('Bid')}) "
        f"WHERE a.{KEY} IN $keys AND b.{KEY} IN $keys AND r.load_id <> $load_id DELETE r",
        {"keys": keys, "load_id": load_id},
    )


def _check_bids(store: GraphStore, source: str, bids: list[tuple[Any, str]]) -> None:
    """Every listed bid must already be loaded: a document of an unknown bid is an error,
    not a silent skip."""
    query = f"UNWIND $keys AS k MATCH (b:{schema().label('Bid')} {{{KEY}: k}}) RETURN b.{KEY} AS key"
    found = {r["key"] for r in store.run(query, {"keys": [k for _, k in bids]}, limit=0).records()}
    for entry, key in bids:
        if key not in found:
            raise DataError(
                f"图中没有该投标（{key}）；请先导入标段 {entry.tender} 的投标表",
                file=source,
                row=entry.row,
                column="投标人",
            )


def _doc_props(tender: str, bidder: str, doc: ReadDocument) -> dict[str, Any]:
    meta = doc.meta
    return {
        "kind": "投标文件",
        "title": doc.path.stem,
        "file_name": doc.path.name,
        "path": str(doc.path.resolve()),  # the workbench re-reads the text to show passages side by side
        "fmt": doc.fmt,
        "tender_code": tender,
        "bidder_key": bidder_key(bidder),
        "chars": len(doc.text),
        "sections": [f"{s.name}:{s.start}-{s.end}" for s in doc.sections],
        **{k: str(meta.get(k, "")) for k in ("author", "company", "creator", "producer", "created", "modified")},
        "template_id": str(meta.get("template_id", "")),
        "machine_code": str(meta.get("machine_code", "")),
    }


def similar_props(pair: SimilarPair, read: dict[str, tuple[Any, ReadDocument]]) -> dict[str, Any]:
    """SIMILAR_TO properties; passages as JSON (offsets into each document's text) so the
    finding can quote and highlight them."""
    passages = [
        {"section": m.section, "a": [m.a_start, m.a_end], "b": [m.b_start, m.b_end], "text": m.text}
        for m in pair.passages
    ]
    return {
        "row": 0,
        "score": pair.score,
        "containment": pair.containment,
        "shared": pair.shared,
        "sections": json.dumps(pair.sections, ensure_ascii=False),
        "passages": json.dumps(passages, ensure_ascii=False),
        "shared_errors": pair.shared_errors,
        "identical_prices": pair.identical_prices,
        "priced_items": pair.priced_items,
        "tender_code": pair.a.tender,
        "cross_tender": pair.a.tender != pair.b.tender,
        "doc_a": read[pair.a.id][1].sha256,
        "doc_b": read[pair.b.id][1].sha256,
    }
