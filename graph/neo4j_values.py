"""Driver values and driver errors of the Neo4j backend as ours: graph elements as
``Node``/``Relationship``/``Path``, temporal values as Python ones, a ``Neo4jError`` as the
matching ``QueryError`` subclass (by its status code, which every Neo4j 5.x sends)."""

from __future__ import annotations

import re
from typing import Any

import neo4j
from neo4j import exceptions as neo_errors
from neo4j import graph as neo_graph

from bidgraph.errors import CypherSyntaxError, QueryError, QueryTimeout, ReadOnlyViolation
from bidgraph.graph.model import Node, Path, Relationship

_POSITION = re.compile(r"line (\d+), column (\d+)")


def query_error(error: neo_errors.Neo4jError, query: str, timeout_ms: int) -> QueryError:
    code = error.code or ""
    message = error.message or str(error)
    if "TransactionTimedOut" in code or "Timeout" in code:
        return QueryTimeout(query=query, timeout_ms=timeout_ms)
    if "AccessMode" in code or "ForbiddenOnReadOnlyDatabase" in code:
        return ReadOnlyViolation("只读模式下不能执行写入语句", query=query)
    if "SyntaxError" in code:
        position = _POSITION.search(message)
        line, column = (int(position.group(1)), int(position.group(2))) if position else (None, None)
        return CypherSyntaxError(f"Cypher 语法错误：{message.splitlines()[0]}", query=query, line=line, column=column)
    if "MemoryPoolOutOfMemoryError" in code or "TransactionMemoryLimit" in code:
        return QueryError(
            f"Neo4j 内存不足，语句被终止：{message.splitlines()[0]}；"
            "请减小 BIDGRAPH_WRITE_BATCH_SIZE，或调高服务器的 db.memory.transaction.max",
            query=query,
        )
    if "DatabaseNotFound" in code:
        return QueryError(f"Neo4j 上没有这个数据库：{message}；请检查 BIDGRAPH_NEO4J_DATABASE", query=query)
    return QueryError(f"查询失败：{message}", query=query)


def convert(value: Any) -> Any:
    """A driver value as a plain Python value or one of our graph types."""
    if isinstance(value, neo_graph.Node):
        return _node(value)
    if isinstance(value, neo_graph.Relationship):
        return _relationship(value)
    if isinstance(value, neo_graph.Path):
        return Path(
            nodes=tuple(_node(n) for n in value.nodes),
            relationships=tuple(_relationship(r) for r in value.relationships),
        )
    if isinstance(value, list):
        return [convert(v) for v in value]
    if isinstance(value, dict):
        return {str(k): convert(v) for k, v in value.items()}
    if hasattr(value, "to_native"):  # neo4j.time Date / DateTime / Time / Duration
        return value.to_native()
    if isinstance(value, neo4j.spatial.Point):
        return dict(zip(("x", "y", "z"), value, strict=False))
    return value


def _node(node: neo_graph.Node) -> Node:
    return Node(
        id=node.element_id,
        labels=tuple(sorted(node.labels, key=_label_order)),
        properties={k: convert(v) for k, v in node.items()},
    )


def _relationship(rel: neo_graph.Relationship) -> Relationship:
    start, end = rel.start_node, rel.end_node
    return Relationship(
        id=rel.element_id,
        type=rel.type,
        start=start.element_id if start is not None else "",
        end=end.element_id if end is not None else "",
        properties={k: convert(v) for k, v in rel.items()},
    )


def _label_order(label: str) -> tuple[int, str]:
    """Neo4j returns labels as an unordered set; put the base label first, as FalkorDB
    keeps them in creation order (``Person`` before its extra label ``Expert``)."""
    from bidgraph.graph.schema import schema

    node = schema().nodes.get(label)
    return (1 if node is not None and node.extra_label_of else 0, label)
