"""The case report: one context (what the report states) rendered as HTML here and as a
PDF in ``pdf.py``, so both say exactly the same thing."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from bidgraph.cases.export import graph_image
from bidgraph.cases.export.naming import fact_text, node_name, relationship_text, rule_title
from bidgraph.cases.export.pdf import FONT, register_font
from bidgraph.cases.export.tables import finding_rows, source_rows, timeline_rows
from bidgraph.cases.masking import MaskReport, Recipient
from bidgraph.cases.model import Case, CaseError, FindingSnapshot
from bidgraph.viz.display import local_time

TEMPLATES = Path(__file__).parent


@dataclass(frozen=True)
class ExportMeta:
    """Who exported the case, when, for whom, and what the data was."""

    exporter: str
    exported_at: str
    recipient: Recipient
    masking: MaskReport
    freshness: str  # the sentence about newer data, or "" when not checked


def report_context(case: Case, meta: ExportMeta) -> dict[str, Any]:
    findings = [_finding(case, f, row) for f, row in zip(case.findings, finding_rows(case), strict=True)]
    return {
        "title": f"线索报告 {case.number}：{case.title}",
        "facts": [
            ("线索编号", case.number),
            ("标题", case.title),
            ("当前状态", case.status),
            ("创建", f"{local_time(case.created_at)} {case.created_by}"),
            ("接收方", meta.recipient.name),
            ("导出人", meta.exporter),
            ("导出时间", local_time(meta.exported_at)),
            ("脱敏", meta.masking.to_dict()["rule"]),
            ("证据加入时间（快照）", local_time(case.evidence_added_at()) or "—"),
            ("数据载入时间", local_time(case.data_loaded_at()) or "—"),
            ("数据载入批次", "、".join(case.load_ids()) or "—"),
            ("数据核对", meta.freshness or "未核对当前数据"),
        ],
        "summary": case.summary,
        "findings": findings,
        "entity_count": len(case.nodes),
        "relationship_count": len(case.relationships),
        "graph_image": graph_image.evidence_svg_uri(case, _measuring_font()),
        "graph_caption": graph_image.caption_text(case),
        # the PDF draws the same picture as vectors, in its embedded CJK font
        "graph_drawing": partial(graph_image.evidence_drawing, case),
        "sources": source_rows(case),
        "timeline": timeline_rows(case),
        "notes": [(local_time(n.at), n.author, n.text) for n in case.notes],
    }


def _finding(case: Case, finding: FindingSnapshot, row: dict[str, Any]) -> dict[str, Any]:
    data = finding.data
    evidence = data.get("evidence", {})
    lines = [_edge_line(case, r) for r in evidence.get("relationships", [])]
    linked = {r["start"] for r in evidence.get("relationships", [])} | {
        r["end"] for r in evidence.get("relationships", [])
    }
    lines += [node_name(case, n["id"]) for n in evidence.get("nodes", []) if n["id"] not in linked]
    return {
        "seq": finding.seq,
        "title": data.get("title", ""),
        "detector": rule_title(data.get("detector", "")),
        "legal_ground": data.get("legal_ground", ""),
        "score": data.get("score", ""),
        "summary": data.get("summary", ""),
        "entities": row["涉及实体"],
        "tenders": row["涉及标段"],
        "figures": [(str(k), str(v)) for k, v in (data.get("figures") or {}).items()],
        "evidence": lines,
        "sources": [
            f"{fact_text(case, str(s.get('fact', '')))}：{s.get('source') or '—'}"
            + (f" 第 {s['row']} 行" if s.get("row") is not None else "")
            + f"（批次 {s.get('load_id') or '—'}）"
            for s in data.get("sources", [])
        ],
        "query_id": data.get("query_id", ""),
        "params": row["查询参数"] or "{}",
    }


def _edge_line(case: Case, rel: dict[str, Any]) -> str:
    stored = case.relationships.get(rel["id"])
    return relationship_text(case, rel["type"], rel["start"], rel["end"], stored.properties if stored else {})


def _measuring_font() -> str:
    """The PDF's CJK font when installed (caption widths then match), else Helvetica."""
    try:
        register_font()
    except CaseError:
        return "Helvetica"
    return FONT


@cache
def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))


def report_html(context: dict[str, Any]) -> bytes:
    return _environment().get_template("report.html").render(**context).encode("utf-8")
