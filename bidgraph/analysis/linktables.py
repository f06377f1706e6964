"""Side tables of bid links, read from the graph once per data version (Parquet next to
the bid table, memoised in-process for the current version): one row per bid→person /
bid→identifier relationship with its bid's key, tender and bidder, plus employment,
certificate registration, company contacts and experts' scores. ``anchors`` computes the detectors'
opening patterns from them.

Extraction is columnar (``columnar``: each table is ONE query answering one row of joined
texts). FalkorDB only (``string.join``)."""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from bidgraph.analysis import columnar
from bidgraph.analysis.bidtable import Known, data_version, table_dir
from bidgraph.analysis.columnar import ID, NUMBER, TEXT
from bidgraph.graph.store import GraphStore

STAFF = ("PROJECT_MANAGER", "AGENT")
IDENTIFIERS = ("UPLOADED_FROM", "MADE_ON", "DEPOSIT_FROM")
# the label a detector's pattern names for a relationship's target (``typed`` column)
TYPED = {"PROJECT_MANAGER": "Person", "AGENT": "Person", "MADE_ON": "Device"}


def _table(match: str, columns: columnar.Columns, *, distinct: bool = False) -> str:
    """``match`` then ``columnar.returning``; with ``distinct`` the columns are projected
    first and made DISTINCT."""
    if distinct:
        projected = ", ".join(f"{expr} AS {name}" for name, (expr, _) in columns.items())
        match = f"{match} WITH DISTINCT {projected}"
        columns = {name: (name, kind) for name, (_, kind) in columns.items()}
    return f"{match} {columnar.returning(columns)}"


_LINK = {"bid": ("id(b)", ID), "target": ("id(x)", ID)}
_PLACED = {"target": ("id(p)", ID), "company": ("id(c)", ID), "company_key": ("c.key", TEXT)}
TABLES: dict[str, tuple[str, dict[str, tuple[str, str]], bool]] = {
    **{rel: (f"MATCH (b:Bid)-[:{rel}]->(x)", _LINK, False) for rel in STAFF + IDENTIFIERS},
    **{label: (f"MATCH (x:{label})", {"target": ("id(x)", ID)}, False) for label in sorted(set(TYPED.values()))},
    "allowed": (
        "MATCH (x) WHERE x.allowed IS NOT NULL",
        {"target": ("id(x)", ID), "allowed": ("toString(x.allowed)", TEXT)},
        False,
    ),
    "bids": (
        "MATCH (b:Bid)",
        {
            "bid": ("id(b)", ID),
            "key": ("b.key", TEXT),
            "tender": ("b.tender_code", TEXT),
            "bidder": ("b.bidder_key", TEXT),
        },
        False,
    ),
    # an expert's scores with the scored bid's tender and submitting side (expert_top_score)
    "scored": (
        "MATCH (e:Expert)-[s:SCORED]->(b:Bid)-[f:FOR]->(t:Tender), (side)-[:SUBMITTED]->(b)",
        {
            "expert": ("id(e)", ID),
            "s": ("id(s)", ID),
            "bid": ("id(b)", ID),
            "f": ("id(f)", ID),
            "tender": ("id(t)", ID),
            "company": ("id(side)", ID),
            "score": ("s.score", NUMBER),
            "bid_open": ("t.bid_open", TEXT),
        },
        False,
    ),
    "employed": ("MATCH (p:Person)-[:EMPLOYED_BY]->(c:Company)", _PLACED, True),
    "certified": ("MATCH (p:Person)-[:HOLDS]->(:Certificate)-[:REGISTERED_WITH]->(c:Company)", _PLACED, True),
    "contacts": (
        "MATCH (c:Company)-[:HAS_PHONE|HAS_EMAIL|REGISTERED_AT]->(x)",
        {
            "target": ("id(x)", ID),
            "company": ("id(c)", ID),
            "company_key": ("c.key", TEXT),
            "allowed": ("toString(x.allowed)", TEXT),
        },
        True,
    ),
}
# Tables over every bid are read in slices of bid node ids (the server scans a label by id
# range): one answer stays a few MB and well inside the statement timeout on a province.
CHUNK = 1_000_000
_SLICE = " WHERE id(b) >= $low AND id(b) < $high"
QUERIES = {
    name: _table(match + (_SLICE if match.startswith("MATCH (b:Bid)") else ""), columns, distinct=distinct)
    for name, (match, columns, distinct) in TABLES.items()
}
# (directory, version) -> the tables joined, or (after ``refresh``) as read, joined when first used
_MEMO: dict[tuple[str, str], tuple[bool, dict[str, pd.DataFrame]]] = {}
_LOCK = threading.Lock()


def side_tables(store: GraphStore, *, rebuild: bool = False, data_dir: Path | None = None) -> dict[str, pd.DataFrame]:
    """The link tables of the current data version: from memory, else from Parquet, else
    (stale or missing, or ``rebuild``) read from the graph first. ``links`` has one row per relationship,
    with its type, whether its target has the label the detectors name (``typed``), its
    bid's key, tender and bidder, and its target's ``allowed``."""
    with _LOCK:  # detectors run on several threads: the first extracts, the others wait
        key = _memo(store, data_dir, rebuild)
        joined, tables = _MEMO[key]
        if not joined:
            tables = _joined(tables)
            _MEMO[key] = (True, tables)
        return tables


def refresh(store: GraphStore, data_dir: Path | None = None, known: Known | None = None) -> None:
    """Write the tables of the current data version (after a load), read from the graph
    but for the ``known`` frames of this version; joined only when a detector first asks."""
    with _LOCK:
        _memo(store, data_dir, True, known)


def _memo(store: GraphStore, data_dir: Path | None, rebuild: bool, known: Known | None = None) -> tuple[str, str]:
    directory = table_dir(store, data_dir) / "links"
    key = (str(directory), data_version(store))
    if rebuild or key not in _MEMO:
        _MEMO.clear()  # one data version at a time
        _MEMO[key] = (False, _read(store, directory, key[1], rebuild, known.of(key[1]) if known else {}))
    return key


def _read(
    store: GraphStore, directory: Path, version: str, rebuild: bool, known: Mapping[str, pd.DataFrame]
) -> dict[str, pd.DataFrame]:
    stamp, wanted = directory / "version.json", {"version": version, "queries": QUERIES}
    try:
        fresh = not rebuild and json.loads(stamp.read_text(encoding="utf-8")) == wanted  # same data and extraction
    except (OSError, ValueError):
        fresh = False
    if fresh:
        return {name: pd.read_parquet(directory / f"{name}.parquet") for name in QUERIES}
    directory.mkdir(parents=True, exist_ok=True)
    stamp.unlink(missing_ok=True)
    # two at a time: the server answers one while the other's texts are parsed here
    asked = [name for name in QUERIES if name not in known]
    with ThreadPoolExecutor(2, thread_name_prefix="bidgraph-links") as pool:
        read = dict(zip(asked, pool.map(lambda name: extract(store, name), asked), strict=True))
    tables = {name: known[name] if name in known else read[name] for name in QUERIES}
    for name, frame in tables.items():
        frame.to_parquet(directory / f"{name}.parquet")
    stamp.write_text(json.dumps(wanted), encoding="utf-8")  # last: never with half the files
    return tables


def extract(store: GraphStore, name: str) -> pd.DataFrame:
    """One side table read from the graph: one query (per slice of bid ids), answering one
    row of joined texts."""
    if "$low" not in QUERIES[name]:
        return _parsed(store, name, {})
    top = store.run("MATCH (b:Bid) RETURN max(id(b))", read_only=True).value(0)
    slices = range(0, (top if top is not None else -1) + 1, CHUNK) or range(1)  # an empty graph: one empty slice
    return pd.concat([_parsed(store, name, {"low": low, "high": low + CHUNK}) for low in slices], ignore_index=True)


def _parsed(store: GraphStore, name: str, bounds: Mapping[str, int]) -> pd.DataFrame:
    return columnar.read(store, QUERIES[name], TABLES[name][1], bounds, f"关联表 {name}")


def _joined(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    # texts as plain Python objects: the detectors filter the 930k links many times, and
    # every filter of an Arrow-backed text column copies its strings (~1.4 s on medium)
    tables = {
        name: frame.astype({c: object for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])})
        for name, frame in tables.items()
    }
    rels = STAFF + IDENTIFIERS
    links = pd.concat(
        [
            tables[rel].assign(typed=tables[rel]["target"].isin(tables[TYPED[rel]]["target"]) if rel in TYPED else True)
            for rel in rels
        ],
        ignore_index=True,
    )
    codes = np.repeat(np.arange(len(rels)), [len(tables[rel]) for rel in rels])
    links["rel"] = pd.Categorical.from_codes(codes, categories=list(rels))
    links = links.merge(tables["bids"], on="bid").merge(tables["allowed"], on="target", how="left")
    links["bidder_no"] = pd.factorize(links["bidder"])[0]  # −1: none; ints count distinct bidders fast
    return {"links": links, **{name: tables[name] for name in ("employed", "certified", "contacts", "scored")}}
