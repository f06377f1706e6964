"""Detector results kept per data version, so ``triage``, ``alerts raise`` and reports do
not re-run a detector whose inputs have not changed since it last ran.

A result is keyed by the detector id, its bound parameters, the text of its queries and
the detector code (a hash of ``bidgraph.analysis`` and the built-in queries), and it is
stored with the data version it was computed on (``bidtable.data_version``): a result of
another version is never returned. A load rewrites the bid table (``bidtable.refresh``),
which drops the whole cache file as well. The file is SQLite next to the bid table, in
the data directory (private to its owner, like the graph server's own files); findings
are pickled because their evidence subgraphs are our own model objects. A graph without
any load is never cached."""

from __future__ import annotations

import hashlib
import json
import pickle
import sqlite3
from collections.abc import Mapping, Sequence
from contextlib import closing
from functools import lru_cache
from pathlib import Path
from typing import Any

from bidgraph.analysis.bidtable import data_version, table_dir
from bidgraph.analysis.findings import Finding
from bidgraph.graph.store import GraphStore

FILE = "findings.sqlite"
_SCHEMA = "CREATE TABLE IF NOT EXISTS result (key TEXT PRIMARY KEY, version TEXT NOT NULL, findings BLOB NOT NULL)"


class ResultCache:
    """One run's view of the cache: the data version is read once, when it opens.
    ``hits`` and ``misses`` name the detectors answered from the cache or run."""

    def __init__(self, store: GraphStore, data_dir: Path | None = None) -> None:
        self.version = data_version(store)
        # Only loaded data is cached: a graph written without loads (a test, a hand-made
        # graph) can change property values while keeping its counts, i.e. its version.
        self.enabled = bool(self.version.rsplit(":", 1)[-1])
        self.path = table_dir(store, data_dir) / FILE
        self.hits: list[str] = []
        self.misses: list[str] = []

    def get(self, detector_id: str, params: Mapping[str, Any], texts: Sequence[str]) -> list[Finding] | None:
        key = result_key(detector_id, params, texts)
        if not self.enabled or not self.path.exists():
            self.misses.append(detector_id)
            return None
        with closing(self._connect()) as connection:
            row = connection.execute("SELECT version, findings FROM result WHERE key = ?", (key,)).fetchone()
        if row is None or row[0] != self.version:
            self.misses.append(detector_id)
            return None
        self.hits.append(detector_id)
        return pickle.loads(row[1])

    def put(self, detector_id: str, params: Mapping[str, Any], texts: Sequence[str], findings: list[Finding]) -> None:
        self.put_many([(detector_id, params, texts, findings)])

    def put_many(self, results: Sequence[tuple[str, Mapping[str, Any], Sequence[str], list[Finding]]]) -> None:
        """Keep (detector id, params, texts, findings) results in one transaction (a
        connection and commit per detector cost more than the writing)."""
        if not self.enabled or not results:
            return
        rows = [(result_key(d, p, t), self.version, pickle.dumps(f)) for d, p, t, f in results]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as connection, connection:
            # one data version at a time: results of older versions can never be read again
            connection.execute("DELETE FROM result WHERE version <> ?", (self.version,))
            connection.executemany("INSERT OR REPLACE INTO result VALUES (?, ?, ?)", rows)

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=30)
        connection.execute(_SCHEMA)
        return connection


def drop(directory: Path) -> None:
    """Forget every cached result of the graph whose bid table lives in ``directory``."""
    (directory / FILE).unlink(missing_ok=True)


def result_key(detector_id: str, params: Mapping[str, Any], texts: Sequence[str]) -> str:
    bound = sorted((str(k), str(v)) for k, v in params.items())
    payload = json.dumps([detector_id, bound, list(texts), code_version()], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@lru_cache(maxsize=1)
def code_version() -> str:
    """A hash of the detector code and built-in queries: an upgrade never reads results
    computed by the previous version."""
    from bidgraph import analysis
    from bidgraph.queries import library

    digest = hashlib.sha256()
    for folder, pattern in ((Path(analysis.__file__).parent, "*.py"), (library.BUILTIN_DIR, "*.cypher")):
        for path in sorted(folder.glob(pattern)):
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]
