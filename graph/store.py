"""The store interface: run Cypher with parameters, read-only or write, with a timeout
and a row limit; batched writes; an all-or-nothing scope for loads."""

from __future__ import annotations

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


def strip_literals(query: str) -> str:
    """The query with string literals, quoted names and comments blanked out."""
    return _STRING_OR_COMMENT.sub(lambda m: " " * len(m.group()), query)


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


def truncate(rows: Sequence[tuple[Any, ...]], limit: int) -> tuple[tuple[tuple[Any, ...], ...], bool]:
    if limit and len(rows) > limit:
        return tuple(rows[:limit]), True
    return tuple(rows), False
