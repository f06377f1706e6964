"""The analysts' Cypher editor: run read-only with limit and timeout, and keep queries
in the user library (then they show up among the detectors)."""

from __future__ import annotations

import ast
import operator
import re
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pandas as pd
import yaml

from bidgraph.errors import QueryError
from bidgraph.graph import GraphStore
from bidgraph.graph.model import Result
from bidgraph.graph.store import push_limit, strip_literals
from bidgraph.masking import mask_text
from bidgraph.queries.library import SavedQuery, delete_user_query, quote_names, save_user_query, user_queries
from bidgraph.queries.params import QueryParam
from bidgraph.services import access
from bidgraph.services.cypher_errors import explain
from bidgraph.settings import Settings
from bidgraph.viewer import Viewer

_PARAM_USE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
PARAM_TYPES = {
    "str": "文本",
    "int": "整数",
    "float": "小数",
    "bool": "是/否",
    "date": "日期",
    "list": "列表（逗号分隔）",
}


def parameter_names(text: str) -> list[str]:
    """The ``$names`` used in the query, in order of first use."""
    return list(dict.fromkeys(_PARAM_USE.findall(strip_literals(text))))


def run_cypher(
    store: GraphStore,
    text: str,
    params: Mapping[str, Any],
    viewer: Viewer,
    *,
    limit: int = 500,
    timeout_ms: int = 10_000,
    slots: int = 1,
) -> Result:
    """Run the analyst's statement read-only; writes are refused by the store. Free Cypher
    cannot be confined to sectors, so sector-scoped viewers are refused; protected values
    (ID, phone and account numbers) are not in the graph, so no query can return them.
    One analyst runs at most ``slots`` statements at once, so a heavy query ties up one
    of the server's workers, never all of them."""
    access.check_unscoped(viewer, "自由编写的 Cypher 查询")
    _refuse_huge_range(text)
    executed = quote_names(text)
    with _user_slot(viewer.user, slots):
        try:
            return store.run(executed, dict(params), read_only=True, timeout_ms=timeout_ms, limit=limit)
        except QueryError as e:
            raise explain(e, text, push_limit(executed, limit)) from e


# range() builds its whole list at once, past the server's memory and time checks
# (RETURN size(range(1, 1000000000)) grew the server to 16 GB): refuse spans whose
# bounds are plain arithmetic on numbers above this size.
MAX_RANGE = 10_000_000
_RANGE = re.compile(r"\brange\s*\(([0-9\s+\-*/().,]*?)\)", re.IGNORECASE)
_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


def _refuse_huge_range(text: str) -> None:
    for match in _RANGE.finditer(strip_literals(text)):
        bounds = match.group(1).split(",")
        try:
            low, high = (_arithmetic(ast.parse(b.strip(), mode="eval").body) for b in bounds[:2])
        except (ArithmeticError, SyntaxError, ValueError):
            continue
        if high - low > MAX_RANGE:
            raise QueryError(
                f"range() 最多生成 {MAX_RANGE:,} 个数（此查询要 {high - low:,.0f} 个），请缩小范围", query=text
            )


def _arithmetic(node: ast.expr) -> float:
    """The value of + - * / on numbers (nothing else: no names, calls or powers)."""
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        value = float(node.value)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        value = -_arithmetic(node.operand)
    elif isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        value = _OPS[type(node.op)](_arithmetic(node.left), _arithmetic(node.right))
    else:
        raise ValueError("not plain arithmetic")
    return value


_SLOTS: dict[str, threading.BoundedSemaphore] = {}
_SLOTS_GUARD = threading.Lock()


@contextmanager
def _user_slot(user: str, slots: int) -> Iterator[None]:
    with _SLOTS_GUARD:
        semaphore = _SLOTS.setdefault(user, threading.BoundedSemaphore(slots))
    if not semaphore.acquire(blocking=False):
        raise QueryError(f"您已有 {slots} 个查询正在运行，请等它结束后再运行新的查询（每人同时可运行 {slots} 个）")
    try:
        yield
    finally:
        semaphore.release()


def result_table(result: Result, viewer: Viewer) -> pd.DataFrame:
    """The rows as a table, with ID and phone numbers masked unless the viewer may see them."""
    frame = result.to_dataframe()
    if viewer.sees_full_ids:
        return frame
    return frame.map(lambda value: mask_text(value, viewer) if isinstance(value, str) else value)


@dataclass(frozen=True)
class QueryDraft:
    id: str
    title: str
    description: str
    text: str
    parameters: tuple[QueryParam, ...] = ()
    tags: tuple[str, ...] = ()


def query_source(draft: QueryDraft) -> str:
    """The ``.cypher`` file for a draft: the YAML header as ``//`` comments, then the text."""
    header: dict[str, Any] = {"id": draft.id, "title": draft.title, "description": draft.description}
    if draft.parameters:
        header["parameters"] = [
            {"name": p.name, "type": p.type, "default": p.default, "label": p.label} for p in draft.parameters
        ]
    if draft.tags:
        header["tags"] = list(draft.tags)
    lines = yaml.safe_dump(header, allow_unicode=True, sort_keys=False).splitlines()
    return "\n".join(f"// {line}" for line in lines) + "\n\n" + draft.text.strip() + "\n"


def save_query(draft: QueryDraft, settings: Settings, *, overwrite: bool = False) -> SavedQuery:
    return save_user_query(query_source(draft), settings, overwrite=overwrite)


def saved_queries(settings: Settings) -> list[SavedQuery]:
    return user_queries(settings)


def delete_query(query_id: str, settings: Settings) -> None:
    delete_user_query(query_id, settings)
