"""The case as tables (one list of rows per sheet), shared by the xlsx workbook and the
report so both say the same thing."""

from __future__ import annotations

import io
import json
from typing import Any

from openpyxl import Workbook

from bidgraph.cases.export.naming import entity_name, fact_text, node_caption, relationship_text, rule_title
from bidgraph.cases.model import INITIAL_STATUS, Case
from bidgraph.graph.schema import schema
from bidgraph.spreadsheet import safe_row
from bidgraph.viz.display import local_time

SHEETS = {
    "entities": "实体",
    "relationships": "关系",
    "findings": "研判发现",
    "sources": "来源",
    "timeline": "状态时间线",
}
_PROVENANCE = ("source", "row", "load_id", "loaded_at")

Row = dict[str, Any]


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str) if value else ""


def _other(props: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if k not in (*_PROVENANCE, "key") and v is not None}


def entity_rows(case: Case) -> list[Row]:
    return [
        {
            "节点ID": n.id,
            "类型": "、".join(schema().zh(label) for label in n.labels),
            "标签": ";".join(n.labels),
            "主键": n.key,
            "名称": node_caption(n),
            "属性": _json(_other(n.properties)),
            "来源文件": n.properties.get("source", ""),
            "行号": n.properties.get("row", ""),
            "载入批次": n.properties.get("load_id", ""),
            "载入时间": n.properties.get("loaded_at", ""),
            "加入线索时间": n.added_at,
            "加入人": n.added_by,
        }
        for n in case.nodes.values()
    ]


def relationship_rows(case: Case) -> list[Row]:
    def name(node_id: str) -> str:
        node = case.nodes.get(node_id)
        return node_caption(node) if node else ""

    return [
        {
            "关系ID": r.id,
            "类型": r.type,
            "类型中文": schema().zh(r.type),
            "起点ID": r.start,
            "起点": name(r.start),
            "终点ID": r.end,
            "终点": name(r.end),
            "属性": _json(_other(r.properties)),
            "来源文件": r.properties.get("source", ""),
            "行号": r.properties.get("row", ""),
            "载入批次": r.properties.get("load_id", ""),
            "加入线索时间": r.added_at,
        }
        for r in case.relationships.values()
    ]


def finding_rows(case: Case) -> list[Row]:
    return [
        {
            "序号": f.seq,
            "规则": rule_title(f.data.get("detector", "")),
            "标题": f.data.get("title", ""),
            "法律依据": f.data.get("legal_ground", ""),
            "风险分值": f.data.get("score", ""),
            "摘要": f.data.get("summary", ""),
            "涉及实体": "；".join(f"{e['name']}（{schema().zh(e['label'])}）" for e in f.data.get("entities", [])),
            "涉及标段": "、".join(f.data.get("tender_codes", [])),
            "数值依据": _json(f.data.get("figures")),
            "查询ID": f.data.get("query_id", ""),
            "查询参数": _json(f.data.get("params")),
            "证据节点数": len(f.data.get("evidence", {}).get("nodes", [])),
            "加入时间": f.added_at,
            "加入人": f.added_by,
        }
        for f in case.findings
    ]


def source_rows(case: Case) -> list[Row]:
    """Every fact with its source: those the findings cite, then the evidence elements'."""
    rows: dict[tuple[str, ...], Row] = {}

    def add(fact: str, source: Any, row: Any, load_id: Any, finding: int | None) -> None:
        entry = rows.setdefault(
            (fact, str(source), str(row), str(load_id)),
            {"事实": fact, "来源文件": source or "", "行号": row or "", "载入批次": load_id or "", "引用发现": []},
        )
        if finding is not None and finding not in entry["引用发现"]:
            entry["引用发现"].append(finding)

    for f in case.findings:
        for s in f.data.get("sources", []):
            add(fact_text(case, str(s.get("fact", ""))), s.get("source"), s.get("row"), s.get("load_id"), f.seq)
    for n in case.nodes.values():
        if n.properties.get("source") or n.properties.get("load_id"):
            props = n.properties
            add(entity_name(n), props.get("source"), props.get("row"), props.get("load_id"), None)
    for r in case.relationships.values():
        if r.properties.get("source") or r.properties.get("load_id"):
            props = r.properties
            add(
                relationship_text(case, r.type, r.start, r.end, {}),
                props.get("source"),
                props.get("row"),
                props.get("load_id"),
                None,
            )
    return [{**row, "引用发现": "、".join(map(str, row["引用发现"]))} for row in rows.values()]


def timeline_rows(case: Case) -> list[Row]:
    created = {
        "序号": 0,
        "时间": local_time(case.created_at),
        "原状态": "",
        "新状态": INITIAL_STATUS,
        "经办人": case.created_by,
        "接收单位": "",
        "意见": "创建线索",
        "回退/跳步理由": "",
    }
    return [created] + [
        {
            "序号": t.seq,
            "时间": local_time(t.at),
            "原状态": t.from_status,
            "新状态": t.to_status,
            "经办人": t.actor,
            "接收单位": t.receiving_body,
            "意见": t.comment,
            "回退/跳步理由": t.reason,
        }
        for t in case.transitions
    ]


def all_tables(case: Case) -> dict[str, list[Row]]:
    return {
        "entities": entity_rows(case),
        "relationships": relationship_rows(case),
        "findings": finding_rows(case),
        "sources": source_rows(case),
        "timeline": timeline_rows(case),
    }


def xlsx_bytes(case: Case) -> bytes:
    """The workbook, streamed (openpyxl write-only mode is several times faster)."""
    book = Workbook(write_only=True)
    for name, rows in all_tables(case).items():
        sheet = book.create_sheet(SHEETS[name])
        sheet.append(safe_row(rows[0]) if rows else ["（无）"])
        for row in rows:
            sheet.append(safe_row(_cell(v) for v in row.values()))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(value: Any) -> Any:
    return value if value is None or isinstance(value, (str, int, float, bool)) else str(value)
