"""The analysts' Cypher editor: run read-only with limit and timeout, and keep queries
in the user library (then they show up among the detectors)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
import yaml

from bidgraph.graph import GraphStore
from bidgraph.graph.model import Result
from bidgraph.graph.store import strip_literals
from bidgraph.masking import mask_text
from bidgraph.queries.library import SavedQuery, delete_user_query, save_user_query, user_queries
from bidgraph.queries.params import QueryParam
from bidgraph.services import access
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
) -> Result:
    """Run the analyst's statement read-only; writes are refused by the store. Free Cypher
    cannot be confined to sectors, so sector-scoped viewers are refused; protected values
    (ID, phone and account numbers) are not in the graph, so no query can return them."""
    access.check_unscoped(viewer, "自由编写的 Cypher 查询")
    return store.run(text, dict(params), read_only=True, timeout_ms=timeout_ms, limit=limit)


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
