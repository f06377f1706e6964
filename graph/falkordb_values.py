"""Client values and server errors of the FalkorDB backend as ours: graph elements as
``Node``/``Relationship``/``Path``, zoned datetimes as naive UTC, a ``ResponseError`` as the
matching ``QueryError`` subclass (FalkorDB tells them apart only by message text)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import falkordb
import redis

from bidgraph.errors import CypherSyntaxError, QueryError, QueryTimeout, ReadOnlyViolation
from bidgraph.graph.model import Node, Path, Relationship

_POSITION = re.compile(r"line:\s*(\d+),\s*column:\s*(\d+)")


def query_error(error: redis.ResponseError, query: str, timeout_ms: int) -> QueryError:
    text = str(error)
    if "timed out" in text.lower():
        return QueryTimeout(query=query, timeout_ms=timeout_ms)
    if "mem consumption exceeded" in text:
        return QueryError(
            "查询占用的内存超过上限被中止（BIDGRAPH_QUERY_MEMORY_MB）。请缩小范围：加条件、避免超大列表或 range()",
            query=query,
        )
    if "read-only" in text or "read only" in text:
        return ReadOnlyViolation("只读模式下不能执行写入语句", query=query)
    position = _POSITION.search(text)
    if position or text.startswith("errMsg") or "Invalid input" in text:
        message = text.split(" line:")[0].removeprefix("errMsg: ")
        line, column = (int(position.group(1)), int(position.group(2))) if position else (None, None)
        return CypherSyntaxError(f"Cypher 语法错误：{message}", query=query, line=line, column=column)
    return QueryError(f"查询失败：{text}", query=query)


_PLAIN = frozenset({str, int, float, bool, type(None)})


def convert(value: Any) -> Any:
    """A FalkorDB client value as a plain Python value or one of our graph types."""
    if type(value) in _PLAIN:  # most values: return before the isinstance chain
        return value
    if isinstance(value, falkordb.Node):
        return _node(value)
    if isinstance(value, falkordb.Edge):
        return _relationship(value)
    if isinstance(value, falkordb.Path):
        return Path(
            nodes=tuple(_node(n) for n in value.nodes()), relationships=tuple(_relationship(e) for e in value.edges())
        )
    if isinstance(value, list):
        return [convert(v) for v in value]
    if isinstance(value, dict):
        return {str(k): convert(v) for k, v in value.items()}
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def _node(node: falkordb.Node) -> Node:
    labels = node.labels or []
    return Node(
        id=str(node.id),
        labels=tuple([labels] if isinstance(labels, str) else labels),
        properties={k: convert(v) for k, v in (node.properties or {}).items()},
    )


def _relationship(edge: falkordb.Edge) -> Relationship:
    start = edge.src_node.id if isinstance(edge.src_node, falkordb.Node) else edge.src_node
    end = edge.dest_node.id if isinstance(edge.dest_node, falkordb.Node) else edge.dest_node
    return Relationship(
        id=str(edge.id),
        type=str(edge.relation),
        start=str(start),
        end=str(end),
        properties={k: convert(v) for k, v in (edge.properties or {}).items()},
    )
