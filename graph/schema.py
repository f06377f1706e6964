"""The schema, loaded from ``schema.yaml`` once and validated; the only place that
knows which labels, keys, relationship types and indexes exist."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from bidgraph import yamldoc
from bidgraph.errors import SchemaError

KEY = "key"
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class NodeType:
    label: str
    zh: str
    key_doc: str
    properties: tuple[str, ...]
    indexes: tuple[str, ...]
    extra_label_of: str | None = None
    # property -> hidden | protected | expert (see schema.yaml); absent: shown to all
    sensitivity: dict[str, str] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class RelType:
    type: str
    zh: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    properties: tuple[str, ...] = ()
    derived: bool = False


@dataclass(frozen=True)
class Schema:
    nodes: dict[str, NodeType]
    relationships: dict[str, RelType]
    provenance: tuple[str, ...]
    property_zh: dict[str, str] = field(default_factory=dict)

    def node(self, label: str) -> NodeType:
        try:
            return self.nodes[label]
        except KeyError:
            raise SchemaError(f"未知的节点标签 {label!r}；可用：{', '.join(self.nodes)}") from None

    def rel(self, rel_type: str) -> RelType:
        try:
            return self.relationships[rel_type]
        except KeyError:
            raise SchemaError(f"未知的关系类型 {rel_type!r}；可用：{', '.join(self.relationships)}") from None

    def label(self, label: str) -> str:
        """``label`` backtick-quoted for Cypher, after checking it is declared."""
        return f"`{self.node(label).label}`"

    def rel_type(self, rel_type: str) -> str:
        return f"`{self.rel(rel_type).type}`"

    def property_key(self, label: str, prop: str) -> str:
        """A property key checked against the label's declaration, backtick-quoted."""
        node = self.node(label)
        if prop not in (KEY, *node.properties, *self.provenance):
            raise SchemaError(f"标签 {label} 没有属性 {prop!r}")
        return f"`{prop}`"

    def index_plan(self) -> list[tuple[str, str, bool]]:
        """Every (label, property, unique) index the schema asks for."""
        plan: list[tuple[str, str, bool]] = []
        for node in self.nodes.values():
            plan.append((node.label, KEY, node.extra_label_of is None))
            plan.extend((node.label, prop, False) for prop in node.indexes)
        return plan

    def sensitive(self, label: str, level: str) -> tuple[str, ...]:
        """The properties of ``label`` declared with sensitivity ``level``."""
        return tuple(p for p, lvl in self.node(label).sensitivity.items() if lvl == level)

    def zh(self, name: str) -> str:
        """Chinese caption of a label or relationship type (the name itself if unknown)."""
        if name in self.nodes:
            return self.nodes[name].zh
        if name in self.relationships:
            return self.relationships[name].zh
        return name


def _names(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and _NAME.match(v) for v in value):
        raise SchemaError(f"schema.yaml {where}: 应为名称列表，得到 {value!r}")
    return tuple(value)


def parse_schema(doc: dict[str, Any]) -> Schema:
    """Build and cross-check a schema from its YAML document."""
    nodes: dict[str, NodeType] = {}
    for label, spec in (doc.get("nodes") or {}).items():
        if not _NAME.match(label):
            raise SchemaError(f"schema.yaml: 非法标签名 {label!r}")
        nodes[label] = NodeType(
            label=label,
            zh=str(spec.get("zh", label)),
            key_doc=str(spec.get("key", "")),
            properties=_names(spec.get("properties"), f"{label}.properties"),
            indexes=_names(spec.get("indexes"), f"{label}.indexes"),
            extra_label_of=spec.get("extra_label_of"),
            sensitivity=_sensitivity(spec.get("sensitivity"), label),
        )
    for node in nodes.values():
        missing = set(node.indexes) - set(node.properties)
        if missing:
            raise SchemaError(f"schema.yaml {node.label}: 索引属性未声明 {sorted(missing)}")
        if node.extra_label_of and node.extra_label_of not in nodes:
            raise SchemaError(f"schema.yaml {node.label}: extra_label_of 指向未知标签")
        declared = set(node.properties) | set(nodes[node.extra_label_of].properties if node.extra_label_of else ())
        if set(node.sensitivity) - declared:
            raise SchemaError(
                f"schema.yaml {node.label}: 敏感性中的属性未声明 {sorted(set(node.sensitivity) - declared)}"
            )
    rels: dict[str, RelType] = {}
    for rel_type, spec in (doc.get("relationships") or {}).items():
        if not _NAME.match(rel_type):
            raise SchemaError(f"schema.yaml: 非法关系类型 {rel_type!r}")
        sources = _names(spec.get("from"), f"{rel_type}.from")
        targets = _names(spec.get("to"), f"{rel_type}.to")
        unknown = set(sources + targets) - set(nodes)
        if unknown:
            raise SchemaError(f"schema.yaml {rel_type}: 端点标签未声明 {sorted(unknown)}")
        rels[rel_type] = RelType(
            type=rel_type,
            zh=str(spec.get("zh", rel_type)),
            sources=sources,
            targets=targets,
            properties=_names(spec.get("properties"), f"{rel_type}.properties"),
            derived=bool(spec.get("derived", False)),
        )
    captions = {str(k): str(v) for k, v in (doc.get("property_zh") or {}).items()}
    return Schema(
        nodes=nodes, relationships=rels, provenance=_names(doc.get("provenance"), "provenance"), property_zh=captions
    )


SENSITIVITY = ("hidden", "protected", "expert")


def _sensitivity(value: Any, label: str) -> dict[str, str]:
    spec = dict(value or {})
    bad = {k: v for k, v in spec.items() if v not in SENSITIVITY or not _NAME.match(str(k))}
    if bad:
        raise SchemaError(f"schema.yaml {label}.sensitivity: 取值应为 {'/'.join(SENSITIVITY)}，得到 {bad}")
    return {str(k): str(v) for k, v in spec.items()}


@cache
def schema() -> Schema:
    """The project schema (parsed once per process)."""
    text = (Path(__file__).with_name("schema.yaml")).read_text(encoding="utf-8")
    return parse_schema(yamldoc.load(text))


def apply_schema(store: Any) -> list[tuple[str, str]]:
    """Create every declared index on ``store``; returns the ones that were new.
    Running it again creates nothing."""
    created = []
    for label, prop, unique in schema().index_plan():
        if store.create_index(label, prop, unique=unique):
            created.append((label, prop))
    return created
