"""The store interface: run Cypher with parameters, read-only or write, with a timeout
and a row limit; batched writes; an all-or-nothing scope for loads."""

from __future__ import annotations

import hashlib
import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bidgraph.graph.model import Result

# Write clauses and procedure calls. Used to refuse writes early with a clear message
# (the backend refuses them too: FalkorDB GRAPH.RO_QUERY, Neo4j READ transactions).
_WRITE_CLAUSE = re.compile(r"\b(CREATE|MERGE|DELETE|DETACH|SET|REMOVE|DROP|LOAD\s+CSV|FOREACH)\b", re.IGNORECASE)
_STRING_OR_COMMENT = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`|//[^\n]*|/\*.*?\*/", re.DOTALL)


def strip_literals(query: str, *, keep_extent: bool = False) -> str:
    """The query with string literals, quoted names and comments blanked out. With
    ``keep_extent`` strings and quoted names become ``_`` (still text, so a query ending
    in ``AS `名称``` does not look shorter than it is); comments always become spaces."""

    def blank(match: re.Match[str]) -> str:
        text = match.group()
        filler = "_" if keep_extent and not text.startswith(("//", "/*")) else " "
        return filler * len(text)

    return _STRING_OR_COMMENT.sub(blank, query)


def looks_like_write(query: str) -> bool:
    return bool(_WRITE_CLAUSE.search(strip_literals(query)))


@dataclass(frozen=True)
class StoreInfo:
    backend: str
    version: str
    location: str
    nodes: int
    relationships: int
    memory: str = ""


class GraphStore(ABC):
    """A property graph behind one of the backends. Thread-safe for reads."""

    backend: str = ""
    # The data directory of the settings that opened the store (side tables live there).
    data_dir: Path | None = None

    def __init__(self, *, timeout_ms: int, row_limit: int, batch_size: int) -> None:
        self.timeout_ms = timeout_ms
        self.row_limit = row_limit
        self.batch_size = batch_size

    @abstractmethod
    def run(
        self,
        query: str,
        params: Mapping[str, Any] | None = None,
        *,
        read_only: bool = True,
        timeout_ms: int | None = None,
        limit: int | None = None,
    ) -> Result:
        """Run one statement. Read-only unless asked; ``limit`` caps the rows returned
        (``None``: the store's row limit; ``0``: no cap, for services that aggregate)."""

    def write(self, query: str, params: Mapping[str, Any] | None = None) -> Result:
        return self.run(query, params, read_only=False, limit=0)

    def write_batches(
        self, query: str, rows: Iterable[Mapping[str, Any]], *, batch_size: int | None = None
    ) -> Iterator[int]:
        """Run ``query`` (which must ``UNWIND $rows AS row``) once per batch; yields the
        number of rows written by each batch so callers can report progress."""
        size = batch_size or self.batch_size
        for batch in _batched(rows, size):
            self.write(query, {"rows": batch})
            yield len(batch)

    @abstractmethod
    def atomic(self) -> AbstractContextManager[None]:
        """A scope whose writes all land or, if it raises, none do."""

    def snapshot(self) -> bytes | None:
        """A copy of the graph that ``restore`` can put back, for a load journal that
        must survive the loader. ``None``: not needed, the backend's transaction is
        already all-or-nothing if the loader dies."""
        return None

    def restore(self, payload: bytes | None) -> None:
        """Replace the graph by a ``snapshot`` (only called when it returned bytes)."""
        raise NotImplementedError

    def compact(self) -> None:
        """After a load: make the next restart read the data, not the write history."""
        return None

    @abstractmethod
    def info(self) -> StoreInfo: ...

    @abstractmethod
    def indexes(self) -> set[tuple[str, str]]:
        """(label, property) pairs that have an index."""

    @abstractmethod
    def create_index(self, label: str, prop: str, *, unique: bool) -> bool:
        """Create an index (and a uniqueness constraint where asked and supported).
        Returns False if it existed already."""

    @abstractmethod
    def clear(self) -> None:
        """Delete the whole graph (tests, and ``bidgraph db reset``)."""

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _cap(self, limit: int | None) -> int:
        return self.row_limit if limit is None else limit


def _batched(rows: Iterable[Mapping[str, Any]], size: int) -> Iterator[list[Mapping[str, Any]]]:
    batch: list[Mapping[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


_RETURN = re.compile(r"\bRETURN\b", re.IGNORECASE)
_UNION = re.compile(r"\bUNION\b", re.IGNORECASE)
_LIMIT = re.compile(r"\bLIMIT\s+(\S+)\s*$", re.IGNORECASE)


def push_limit(query: str, limit: int) -> str:
    """``query`` with its final RETURN limited to ``limit`` rows, so the server stops
    producing rows instead of the client dropping them after transfer. A smaller
    literal LIMIT is kept; a parameter LIMIT or a UNION is left alone (the server's
    result-set cap still applies)."""
    blank = strip_literals(query, keep_extent=True)
    end = len(blank.rstrip())
    if end and blank[end - 1] == ";":
        end = len(blank[: end - 1].rstrip())
    returns = list(_RETURN.finditer(blank, 0, end))
    if not returns or _UNION.search(blank, 0, end) or blank[end - 1] == "}":
        return query
    tail = _LIMIT.search(blank, returns[-1].end(), end)
    if tail is None:
        return f"{query[:end]} LIMIT {limit}{query[end:]}"
    if tail.group(1).isdigit() and int(tail.group(1)) > limit:
        return f"{query[: tail.start(1)]}{limit}{query[tail.end(1) :]}"
    return query


def content_hash(store: GraphStore) -> str:
    """A digest of every node and relationship with its labels, type and properties:
    equal digests mean equal graphs (internal ids aside). One query per relationship
    type, so no single result is the whole graph."""
    digest = hashlib.sha256()
    rows = [repr(r) for r in store.run("MATCH (n) RETURN labels(n), properties(n)", limit=0).rows]
    for (rel_type,) in store.run("CALL db.relationshipTypes()", limit=0).rows:
        query = f"MATCH (a)-[r:`{rel_type}`]->(b) RETURN a.key, b.key, properties(r)"
        rows += [f"{rel_type}{r!r}" for r in store.run(query, limit=0).rows]
    for row in sorted(rows):
        digest.update(row.encode())
    return digest.hexdigest()


def truncate(rows: Sequence[tuple[Any, ...]], limit: int) -> tuple[tuple[tuple[Any, ...], ...], bool]:
    if limit and len(rows) > limit:
        return tuple(rows[:limit]), True
    return tuple(rows), False
