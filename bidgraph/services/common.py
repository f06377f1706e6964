"""Small helpers shared by the services: scoping by viewer, node references, tables."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from bidgraph.graph.model import Node
from bidgraph.graph.schema import schema
from bidgraph.masking import redact_expert, visible_properties
from bidgraph.services import access
from bidgraph.spreadsheet import frame_csv, frame_xlsx
from bidgraph.viewer import Viewer
from bidgraph.viz.display import shown_value
from bidgraph.viz.style import PROPERTY_ZH, label_of, label_zh, node_caption


@dataclass(frozen=True)
class NodeRef:
    """How pages name a node across reruns: its label and key."""

    label: str
    key: str
    name: str = ""

    @property
    def title(self) -> str:
        return f"{label_zh(self.label)}：{self.name or self.key}"


def ref_of(node: Node) -> NodeRef:
    return NodeRef(
        label_of(node) if label_of(node) != "Expert" else "Person", str(node.get("key", "")), node_caption(node)
    )


def node_title(node: Node, viewer: Viewer) -> str:
    """Caption a person can pick a node by (label, name), masked as the viewer needs."""
    return f"{label_zh(label_of(node))}：{access.readable(node_caption(redact_expert(node, viewer)), viewer)}"


def facts_table(node: Node, viewer: Viewer) -> pd.DataFrame:
    """The node's properties as a two-column table with Chinese names."""
    skip = {"key", "load_id", "loaded_at", "row"}
    node = access.reveal([node], viewer)[0]
    props = visible_properties(node.label, redact_expert(node, viewer).properties, viewer)
    rows = [(PROPERTY_ZH.get(k, k), shown_value(k, v)) for k, v in props.items() if k not in skip and v is not None]
    return pd.DataFrame(rows, columns=["项目", "内容"])


def table(records: Iterable[Mapping[str, Any]], columns: Mapping[str, str], viewer: Viewer) -> pd.DataFrame:
    """Records to a table with the given Chinese column names; text is masked."""
    rows = [{zh: _masked(record.get(name), viewer) for name, zh in columns.items()} for record in records]
    frame = pd.DataFrame(rows, columns=list(columns.values()))
    for column in frame.columns:
        text = frame[column].dtype == object or isinstance(frame[column].dtype, pd.StringDtype)  # pandas 3: "str"
        if text and not frame[column].map(lambda v: isinstance(v, bool)).any():
            frame[column] = frame[column].fillna("")  # empty, not "None", in text columns
        elif frame[column].dtype.kind == "f" and frame[column].isna().any():  # Streamlit shows NaN as "None"
            frame[column] = frame[column].map(lambda v: "" if pd.isna(v) else shown_value("", v))
    return frame


def _masked(value: Any, viewer: Viewer) -> Any:
    return access.readable(value, viewer) if isinstance(value, str) else value


def rel_zh(rel_type: str) -> str:
    return schema().zh(rel_type)


def to_csv(frame: pd.DataFrame) -> bytes:
    """A download: UTF-8 with BOM so that Excel opens the Chinese text; formula-led text escaped."""
    return frame_csv(frame)


def to_xlsx(frame: pd.DataFrame, sheet: str = "研判结果") -> bytes:
    return frame_xlsx(frame, sheet)
