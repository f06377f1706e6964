"""The bid table in a columnar file: the three graph reads every tabular detector needs
(tenders with their market keys, bids, consortium members) written once per data version
to Parquet under ``<data dir>/bidtable/``, and read from there — a columnar read is
several times cheaper than pulling 100k rows through the graph client each run.

The version is the graph's node and relationship counts plus its newest load id, so any
load (or reset) changes it; a stale file is never read: it is rebuilt first."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from bidgraph.analysis import columnar
from bidgraph.analysis.columnar import BOOL, NUMBER, TEXT
from bidgraph.graph.model import Result
from bidgraph.graph.schema import schema
from bidgraph.graph.store import GraphStore
from bidgraph.queries.library import SavedQuery, builtin_query, quote_names, run_query

TABLES = ("tenders", "bids", "consortia")
# the kinds of the saved queries' columns when read as columns (``columnar``)
_KINDS = {"tender": TEXT, "industry": TEXT, "region": TEXT, "bid_open": TEXT, "ceiling": NUMBER}
_KINDS |= {"bidder": TEXT, "price": NUMBER, "won": BOOL, "valid": BOOL}
_REBUILDING = threading.Lock()


@dataclass(frozen=True)
class Known:
    """Frames already known for one data version, by query name (``market_bids``, the link
    tables' names): a bulk first load computes them from the graph it sent
    (``loaders.bulk_tables``). Used only while the graph is still at ``version``."""

    version: str
    frames: Mapping[str, pd.DataFrame]

    def of(self, version: str) -> Mapping[str, pd.DataFrame]:
        return self.frames if version == self.version else {}


@dataclass(frozen=True)
class BidTables:
    tenders: pd.DataFrame  # tender, industry, region, bid_open, ceiling (every tender)
    bids: pd.DataFrame  # tender, bidder, price, won, valid
    consortia: pd.DataFrame  # consortium, members (list of company keys)
    version: str


def data_version(store: GraphStore) -> str:
    info = store.info()
    if not info.nodes:
        return "0:0:"
    last = store.run(f"MATCH (l:{schema().label('Load')}) RETURN max(l.key)").value(0)
    return f"{info.nodes}:{info.relationships}:{last or ''}"


def table_dir(store: GraphStore, data_dir: Path | None = None) -> Path:
    """One directory per graph (a data dir may serve several graph keys or databases)."""
    data_dir = data_dir or store.data_dir
    if data_dir is None:
        from bidgraph.settings import get_settings

        data_dir = get_settings().data_dir
    where = hashlib.sha256(store.info().location.encode()).hexdigest()[:16]
    return Path(data_dir) / "bidtable" / where


def from_graph(store: GraphStore, version: str = "", known: Mapping[str, pd.DataFrame] | None = None) -> BidTables:
    """The three tables read through the graph (the source of truth); ``known`` frames
    (of this version) are not read again."""
    tenders = _rows(store, builtin_query("market_tenders"))  # every tender: ``tenders_in`` filters
    known = known or {}
    bids = known["market_bids"].copy() if "market_bids" in known else _rows(store, builtin_query("market_bids"))
    consortia_query = builtin_query("consortium_members")
    consortia = _frame(run_query(store, consortia_query, limit=0), consortia_query.columns)
    return BidTables(_typed_tenders(tenders), _typed_bids(bids), consortia, version)


def refresh(store: GraphStore, data_dir: Path | None = None, known: Known | None = None) -> BidTables:
    """Write the tables of the current data version (called after each load)."""
    version = data_version(store)
    tables = from_graph(store, version, known.of(version) if known else None)
    directory = table_dir(store, data_dir)
    directory.mkdir(parents=True, exist_ok=True)
    os.chmod(directory.parent, 0o700)
    writer = uuid.uuid4().hex  # two processes may rebuild at once: each writes its own files
    for name in TABLES:
        temporary = directory / f".{name}.{writer}.tmp"
        getattr(tables, name).to_parquet(temporary, index=False)
        temporary.replace(directory / f"{name}.parquet")
    # The version file goes last: a reader never pairs it with half-written tables.
    temporary = directory / f".version.{writer}.tmp"
    temporary.write_text(json.dumps({"version": version}), encoding="utf-8")
    temporary.replace(directory / "version.json")
    from bidgraph.analysis import resultcache  # imports this module

    resultcache.drop(directory)  # a load: no detector result of the graph is reused
    return tables


def bid_tables(store: GraphStore, data_dir: Path | None = None) -> BidTables:
    """The tables of the graph's current data version: from the file if it is of this
    version, else rebuilt from the graph (and written) first."""
    directory = table_dir(store, data_dir)
    with _REBUILDING:  # threads of one run (triage computes scores beside the detectors): one rebuilds
        version = data_version(store)
        try:
            stored = json.loads((directory / "version.json").read_text(encoding="utf-8"))["version"]
        except (OSError, ValueError, KeyError):
            stored = None
        if stored != version:
            return refresh(store, data_dir)
        frames = {name: pd.read_parquet(directory / f"{name}.parquet") for name in TABLES}
    return BidTables(frames["tenders"], frames["bids"], frames["consortia"], version)


def tenders_in(tenders: pd.DataFrame, params: Mapping[str, Any]) -> pd.DataFrame:
    """The ``market_tenders`` filters (date range, region, industry) on the full table,
    with the query's semantics: a tender without an opening date is kept in every range
    (dropping it would silently lose tenders of exports that miss dates)."""
    opened = tenders["bid_open"]
    in_range = (opened >= str(params.get("date_from", "1900-01-01"))) & (
        opened <= str(params.get("date_to", "2999-12-31"))
    )
    keep = opened.isna() | in_range.fillna(False).astype(bool)
    for column in ("region", "industry"):
        wanted = str(params.get(column, "") or "")
        if wanted:
            keep &= tenders[column] == wanted
    return tenders[keep.fillna(False).astype(bool)]


def _rows(store: GraphStore, query: SavedQuery) -> pd.DataFrame:
    """A saved query's rows with its defaults: on FalkorDB as columns (its RETURN becomes a
    WITH followed by ``columnar.returning``: 100k bids in one answer, not 100k rows through
    the client's parser), on other backends row by row."""
    if store.backend == "falkordb":
        head, _, returned = quote_names(query.text).rpartition("RETURN ")
        columns = {name: (name, _KINDS[name]) for name in query.columns}
        text = f"{head}WITH {returned}\n{columnar.returning(columns)}"
        with contextlib.suppress(columnar.SeparatorInValue):  # a control character in a value: rows
            return columnar.read(store, text, columns, query.bind({}), f"查询 {query.id}")
    return _frame(run_query(store, query, limit=0), query.columns)


def _frame(result: Result, columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame(list(result.rows), columns=list(result.columns or columns))


def _typed_tenders(tenders: pd.DataFrame) -> pd.DataFrame:
    tenders["ceiling"] = pd.to_numeric(tenders["ceiling"], errors="coerce")
    for column in ("tender", "industry", "region", "bid_open"):
        tenders[column] = tenders[column].astype(object)
    return tenders


def _typed_bids(bids: pd.DataFrame) -> pd.DataFrame:
    bids["won"] = bids["won"].fillna(False).astype(bool)
    bids["valid"] = bids["valid"].map(lambda v: v is not False).astype(bool)
    bids["price"] = pd.to_numeric(bids["price"], errors="coerce")
    return bids
