"""IBM i2 Analyst's Notebook files: the ANX exchange chart (XML: ``Chart`` with
``AttributeClassCollection``, ``LinkTypeCollection``, ``EntityTypeCollection`` and a
``ChartItemCollection`` whose items are ``End/Entity`` icons or ``Link`` lines), and a
CSV pair with a written import specification for ANB's import wizard.

Entities are identified by stable keys (``Identity``: the USCC, the ID-number hash, the
certificate number — see ``naming.stable_identity``), so two charts of overlapping cases
merge in ANB; links name their ends by that identity (``IdReferenceLinking`` is false)."""

from __future__ import annotations

import json
import math
import xml.etree.ElementTree as ET
from typing import Any

from bidgraph.cases.export.naming import identities, node_caption
from bidgraph.cases.model import Case
from bidgraph.graph.schema import schema
from bidgraph.spreadsheet import csv_bytes
from bidgraph.viz.style import PROPERTY_ZH

# Entity type -> icon of ANB's standard icon set.
ICONS = {
    "Company": "Organisation",
    "Agency": "Organisation",
    "Tenderer": "Organisation",
    "Department": "Organisation",
    "Consortium": "Organisation",
    "Person": "Person",
    "Expert": "Person",
    "Phone": "Telephone",
    "Email": "Email",
    "Address": "Address",
    "IP": "Computer",
    "Device": "Computer",
    "BankAccount": "Account",
}
DEFAULT_ICON = "Document"
ATTRIBUTE_TYPES = {bool: "AttFlag", int: "AttNumber", float: "AttNumber", str: "AttText"}
SKIPPED = frozenset({"id_hash"})
ATTRIBUTE_ZH = {
    **PROPERTY_ZH,
    "key": "主键",
    "load_id": "载入批次",
    "loaded_at": "载入时间",
    "source": "来源文件",
    "row": "行号",
    "first_load": "首次载入批次",
}
SPACING = 180


def entity_type(labels: tuple[str, ...]) -> str:
    return schema().zh(labels[0]) if labels else "实体"


def link_type(rel_type: str) -> str:
    return schema().zh(rel_type)


def _attribute_classes(case: Case) -> dict[str, tuple[str, str]]:
    """Property key -> (attribute class name, ANB attribute type)."""
    kinds: dict[str, set[str]] = {}
    for element in [*case.nodes.values(), *case.relationships.values()]:
        for key, value in element.properties.items():
            if value is not None and key not in SKIPPED:
                kinds.setdefault(key, set()).add(ATTRIBUTE_TYPES.get(type(value), "AttText"))
    names = {key: ATTRIBUTE_ZH.get(key, key) for key in kinds}
    taken = list(names.values())
    return {
        key: (
            name if taken.count(name) == 1 else f"{name}[{key}]",
            kinds[key].pop() if len(kinds[key]) == 1 else "AttText",
        )
        for key, name in names.items()
    }


def _value(value: Any, kind: str) -> str:
    if kind == "AttFlag":
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _positions(case: Case) -> dict[str, tuple[int, int]]:
    """A grid laid out in reading order: stable, and readable enough to start from."""
    columns = max(1, math.ceil(math.sqrt(len(case.nodes))))
    return {nid: ((i % columns + 1) * SPACING, (i // columns + 1) * SPACING) for i, nid in enumerate(case.nodes)}


def anx_bytes(case: Case) -> bytes:
    classes = _attribute_classes(case)
    chart = ET.Element("Chart", IdReferenceLinking="false", Rigorous="false")
    strengths = ET.SubElement(chart, "StrengthCollection")
    ET.SubElement(strengths, "Strength", Id="Confirmed", Name="已证实", DotStyle="DotStyleSolid")
    attr_classes = ET.SubElement(chart, "AttributeClassCollection")
    for name, kind in classes.values():
        ET.SubElement(attr_classes, "AttributeClass", Name=name, Type=kind, ShowValue="false", Visible="true")
    entity_types = ET.SubElement(chart, "EntityTypeCollection")
    for labels in sorted({n.labels[:1] for n in case.nodes.values()}):
        icon = ICONS.get(labels[0] if labels else "", DEFAULT_ICON)
        ET.SubElement(entity_types, "EntityType", Name=entity_type(labels), IconFile=icon)
    link_types = ET.SubElement(chart, "LinkTypeCollection")
    for name in sorted({link_type(r.type) for r in case.relationships.values()}):
        ET.SubElement(link_types, "LinkType", Name=name, Colour="0")
    items = ET.SubElement(chart, "ChartItemCollection")
    positions = _positions(case)
    ids = identities(case)
    for node in case.nodes.values():
        x, y = positions[node.id]
        item = ET.SubElement(
            items,
            "ChartItem",
            Label=node_caption(node),
            Description=entity_type(node.labels),
            DateSet="false",
            XPosition=str(x),
        )
        end = ET.SubElement(item, "End", Y=str(y))
        entity = ET.SubElement(end, "Entity", EntityId=ids[node.id], Identity=ids[node.id], LabelIsIdentity="false")
        icon = ET.SubElement(entity, "Icon")
        ET.SubElement(icon, "IconStyle", Type=entity_type(node.labels))
        _attributes(item, node.properties, classes)
    for rel in case.relationships.values():
        if rel.start not in case.nodes or rel.end not in case.nodes:
            continue
        item = ET.SubElement(
            items, "ChartItem", Label=link_type(rel.type), Description=link_type(rel.type), DateSet="false"
        )
        link = ET.SubElement(item, "Link", End1Id=ids[rel.start], End2Id=ids[rel.end])
        ET.SubElement(
            link,
            "LinkStyle",
            Type=link_type(rel.type),
            ArrowStyle="ArrowOnHead",
            StrengthReference="Confirmed",
            MlStyle="MultiplicityMultiple",
        )
        _attributes(item, rel.properties, classes)
    ET.indent(chart, space=" ")
    return ET.tostring(chart, encoding="utf-8", xml_declaration=True)


def _attributes(item: ET.Element, props: dict[str, Any], classes: dict[str, tuple[str, str]]) -> None:
    present = [(k, v) for k, v in props.items() if k in classes and v is not None]
    if not present:
        return
    collection = ET.SubElement(item, "AttributeCollection")
    for key, value in present:
        name, kind = classes[key]
        ET.SubElement(collection, "Attribute", AttributeClass=name, Value=_value(value, kind))


ENTITY_COLUMNS = ("Identity", "EntityType", "IconFile", "Label", "Key", "Properties", "Source", "Row", "LoadId")
LINK_COLUMNS = ("LinkId", "End1Identity", "End2Identity", "LinkType", "Label", "Properties", "Source", "Row", "LoadId")


def _csv(columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> bytes:
    return csv_bytes(columns, rows)  # with the BOM, Excel and ANB read UTF-8


def _provenance(props: dict[str, Any]) -> tuple[Any, ...]:
    rest = {k: v for k, v in props.items() if k not in ("key", "source", "row", "load_id", "loaded_at", *SKIPPED)}
    return (
        json.dumps(rest, ensure_ascii=False, default=str),
        props.get("source", ""),
        props.get("row", ""),
        props.get("load_id", ""),
    )


def entities_csv(case: Case) -> bytes:
    ids = identities(case)
    rows = [
        (
            ids[n.id],
            entity_type(n.labels),
            ICONS.get(n.label, DEFAULT_ICON),
            node_caption(n),
            n.key,
            *_provenance(n.properties),
        )
        for n in case.nodes.values()
    ]
    return _csv(ENTITY_COLUMNS, rows)


def links_csv(case: Case) -> bytes:
    ids = identities(case)
    rows = [
        (r.id, ids[r.start], ids[r.end], link_type(r.type), link_type(r.type), *_provenance(r.properties))
        for r in case.relationships.values()
        if r.start in case.nodes and r.end in case.nodes
    ]
    return _csv(LINK_COLUMNS, rows)
