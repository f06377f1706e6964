"""One result model for every backend: plain Python values, and three small frozen
dataclasses for graph elements. Both backends convert into these, so nothing above the
store ever sees a driver type."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd


@dataclass(frozen=True)
class Node:
    id: str
    labels: tuple[str, ...]
    properties: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def label(self) -> str:
        """The most specific label (the first one that is not a generic extra)."""
        return self.labels[0] if self.labels else ""

    def get(self, key: str, default: Any = None) -> Any:
        return self.properties.get(key, default)


@dataclass(frozen=True)
class Relationship:
    id: str
    type: str
    start: str
    end: str
    properties: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def get(self, key: str, default: Any = None) -> Any:
        return self.properties.get(key, default)


@dataclass(frozen=True)
class Path:
    nodes: tuple[Node, ...]
    relationships: tuple[Relationship, ...]

    def __len__(self) -> int:
        return len(self.relationships)


@dataclass
class Subgraph:
    """Deduplicated nodes and relationships, ready to draw or export."""

    nodes: dict[str, Node] = field(default_factory=dict)
    relationships: dict[str, Relationship] = field(default_factory=dict)

    def add(self, value: Any) -> None:
        """Add every graph element found in ``value`` (nested lists and maps too)."""
        for element in _graph_elements(value):
            if isinstance(element, Node):
                self.nodes.setdefault(element.id, element)
            else:
                self.relationships.setdefault(element.id, element)

    def merge(self, other: Subgraph) -> None:
        for node in other.nodes.values():
            self.nodes.setdefault(node.id, node)
        for rel in other.relationships.values():
            self.relationships.setdefault(rel.id, rel)

    def dangling(self) -> list[Relationship]:
        """Relationships whose end nodes were not returned (cannot be drawn)."""
        return [r for r in self.relationships.values() if r.start not in self.nodes or r.end not in self.nodes]


def _graph_elements(value: Any) -> Iterator[Node | Relationship]:
    if isinstance(value, (Node, Relationship)):
        yield value
    elif isinstance(value, Path):
        yield from value.nodes
        yield from value.relationships
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _graph_elements(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _graph_elements(item)


@dataclass(frozen=True)
class Result:
    """Rows of one statement. ``truncated`` is true when the row limit cut it."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    truncated: bool = False
    elapsed_ms: float = 0.0
    counters: Mapping[str, int] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return iter(self.rows)

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]

    def value(self, default: Any = None) -> Any:
        """The first column of the first row (for ``RETURN count(*)`` and the like)."""
        return self.rows[0][0] if self.rows else default

    def column(self, name: str) -> list[Any]:
        index = self.columns.index(name)
        return [row[index] for row in self.rows]

    def to_dataframe(self) -> pd.DataFrame:
        """A table where graph elements are shown by their caption, not as objects."""
        return pd.DataFrame([[display_value(v) for v in row] for row in self.rows], columns=list(self.columns))

    def to_subgraph(self) -> Subgraph:
        graph = Subgraph()
        for row in self.rows:
            graph.add(row)
        return graph


CAPTION_KEYS = ("name", "title", "code", "value", "key")


def caption(node: Node) -> str:
    """The text a person recognises a node by."""
    for key in CAPTION_KEYS:
        if node.properties.get(key) not in (None, ""):
            return str(node.properties[key])
    return f"{node.label}#{node.id}"


def display_value(value: Any) -> Any:
    if isinstance(value, Node):
        return f"({node_text(value)})"
    if isinstance(value, Relationship):
        return f"[:{value.type}]"
    if isinstance(value, Path):
        return " ".join(
            f"({caption(n)})" + (f"-[:{value.relationships[i].type}]-" if i < len(value.relationships) else "")
            for i, n in enumerate(value.nodes)
        )
    if isinstance(value, list):
        return [display_value(v) for v in value]
    return value


def node_text(node: Node) -> str:
    return f"{node.label}:{caption(node)}"


def subgraph_of(values: Iterable[Any]) -> Subgraph:
    graph = Subgraph()
    for value in values:
        graph.add(value)
    return graph
