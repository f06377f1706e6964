"""Side tables of bid links, read from the graph once per data version (Parquet next to
the bid table, memoised in-process for the current version): one row per bid→person /
bid→identifier relationship with its bid's key, tender and bidder, plus employment,
certificate registration, company contacts and experts' scores. ``anchors`` computes the detectors'
opening patterns from them.

Extraction is columnar: each table is ONE query whose answer is one row of joined texts
(``string.join(collect(…))``, one text per column), split with numpy/pandas. Pulling the
same 930k links of the medium set as rows cost ~14 s in the client's per-value parser;
as texts it is the server's scan plus a split. FalkorDB only (``string.join``)."""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from bidgraph.analysis.bidtable import data_version, table_dir
from bidgraph.errors import QueryError
from bidgraph.graph.store import GraphStore

STAFF = ("PROJECT_MANAGER", "AGENT")
IDENTIFIERS = ("UPLOADED_FROM", "MADE_ON", "DEPOSIT_FROM")
# the label a detector's pattern names for a relationship's target (``typed`` column)
TYPED = {"PROJECT_MANAGER": "Person", "AGENT": "Person", "MADE_ON": "Device"}
SEP, NULL = "\x1f", "\x1e"  # never in keys/codes (control characters); NULL marks a missing value
# column kinds: node/relationship ids (ints), numbers (as the server prints them: six
# decimals, so scores given to fewer decimals come back exactly) or texts
_ID, _NUMBER = "id", "number"


def _table(match: str, columns: Mapping[str, tuple[str, str]], *, distinct: bool = False) -> str:
    """``match`` then one row: the count and, per column, its values joined by ``$sep``
    (a text column's missing value as ``$null``: ``collect`` skips nulls and would
    misalign the columns; node ids are never missing)."""

    def joined(expr: str, kind: str) -> str:
        value = f"toString({expr})" if kind == _ID else f"coalesce(toString({expr}), $null)"
        return f"string.join(collect({value}), $sep)"

    if distinct:  # project first: DISTINCT over the output columns
        projected = ", ".join(f"{expr} AS {name}" for name, (expr, _) in columns.items())
        match = f"{match} WITH DISTINCT {projected}"
        columns = {name: (name, kind) for name, (_, kind) in columns.items()}
    return f"{match} RETURN count(*) AS n, " + ", ".join(
        f"{joined(expr, kind)} AS {name}" for name, (expr, kind) in columns.items()
    )


_LINK = {"bid": ("id(b)", _ID), "target": ("id(x)", _ID)}
_PLACED = {"target": ("id(p)", _ID), "company": ("id(c)", _ID), "company_key": ("c.key", "text")}
TABLES: dict[str, tuple[str, dict[str, tuple[str, str]], bool]] = {
    **{rel: (f"MATCH (b:Bid)-[:{rel}]->(x)", _LINK, False) for rel in STAFF + IDENTIFIERS},
    **{label: (f"MATCH (x:{label})", {"target": ("id(x)", _ID)}, False) for label in sorted(set(TYPED.values()))},
    "allowed": (
        "MATCH (x) WHERE x.allowed IS NOT NULL",
        {"target": ("id(x)", _ID), "allowed": ("toString(x.allowed)", "text")},
        False,
    ),
    "bids": (
        "MATCH (b:Bid)",
        {
            "bid": ("id(b)", _ID),
            "key": ("b.key", "text"),
            "tender": ("b.tender_code", "text"),
            "bidder": ("b.bidder_key", "text"),
        },
        False,
    ),
    # an expert's scores with the scored bid's tender and submitting side (expert_top_score)
    "scored": (
        "MATCH (e:Expert)-[s:SCORED]->(b:Bid)-[f:FOR]->(t:Tender), (side)-[:SUBMITTED]->(b)",
        {
            "expert": ("id(e)", _ID),
            "s": ("id(s)", _ID),
            "bid": ("id(b)", _ID),
            "f": ("id(f)", _ID),
            "tender": ("id(t)", _ID),
            "company": ("id(side)", _ID),
            "score": ("s.score", _NUMBER),
            "bid_open": ("t.bid_open", "text"),
        },
        False,
    ),
    "employed": ("MATCH (p:Person)-[:EMPLOYED_BY]->(c:Company)", _PLACED, True),
    "certified": ("MATCH (p:Person)-[:HOLDS]->(:Certificate)-[:REGISTERED_WITH]->(c:Company)", _PLACED, True),
    "contacts": (
        "MATCH (c:Company)-[:HAS_PHONE|HAS_EMAIL|REGISTERED_AT]->(x)",
        {
            "target": ("id(x)", _ID),
            "company": ("id(c)", _ID),
            "company_key": ("c.key", "text"),
            "allowed": ("toString(x.allowed)", "text"),
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
_MEMO: dict[tuple[str, str], dict[str, pd.DataFrame]] = {}
_LOCK = threading.Lock()


def side_tables(store: GraphStore, *, rebuild: bool = False, data_dir: Path | None = None) -> dict[str, pd.DataFrame]:
    """The link tables of the current data version: from memory, else from Parquet, else
    (stale or missing, or ``rebuild``) read from the graph first. ``links`` has one row per relationship,
    with its type, whether its target has the label the detectors name (``typed``), its
    bid's key, tender and bidder, and its target's ``allowed``."""
    directory = table_dir(store, data_dir) / "links"
    version = data_version(store)
    with _LOCK:  # detectors run on several threads: the first extracts, the others wait
        if rebuild or (str(directory), version) not in _MEMO:
            _MEMO.clear()  # one data version at a time
            _MEMO[(str(directory), version)] = _joined(_read(store, directory, version, rebuild))
        return _MEMO[(str(directory), version)]


def _read(store: GraphStore, directory: Path, version: str, rebuild: bool) -> dict[str, pd.DataFrame]:
    stamp, wanted = directory / "version.json", {"version": version, "queries": QUERIES}
    try:
        fresh = not rebuild and json.loads(stamp.read_text(encoding="utf-8")) == wanted  # same data and extraction
    except (OSError, ValueError):
        fresh = False
    if fresh:
        return {name: pd.read_parquet(directory / f"{name}.parquet") for name in QUERIES}
    directory.mkdir(parents=True, exist_ok=True)
    stamp.unlink(missing_ok=True)
    tables = {name: extract(store, name) for name in QUERIES}
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
    columns = TABLES[name][1]
    row = store.run(QUERIES[name], {"sep": SEP, "null": NULL, **bounds}, read_only=True, limit=0).rows[0]
    count, texts = int(row[0]), row[1:]
    data = {}
    for (column, (_, kind)), text in zip(columns.items(), texts, strict=True):
        if kind == _ID:  # numpy parses the digits itself: 10× a split and a conversion
            values = np.fromstring(text, dtype=np.int64, sep=SEP)
        elif kind == _NUMBER:
            values = pd.to_numeric(pd.Series(text.split(SEP) if count else [], dtype=object).replace(NULL, None))
        else:
            values = np.array([None if v == NULL else v for v in text.split(SEP)] if count else [], dtype=object)
        if len(values) != count:  # a separator inside a value would shift every column
            raise QueryError(f"关联表 {name} 的 {column} 列含有控制字符，无法按列读取；请清理数据后重试")
        data[column] = values
    return pd.DataFrame(data)


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
