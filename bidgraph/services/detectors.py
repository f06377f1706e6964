"""Detector runs for the workbench: the catalogue, runs, findings as tables and files,
the triage list, and which findings involve a given entity."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from bidgraph import analysis
from bidgraph.analysis.findings import Finding, RankedItem, TriageList
from bidgraph.analysis.riskfindings import DETECTOR as RISK_SCORE
from bidgraph.graph import GraphStore
from bidgraph.graph.model import Result, Subgraph
from bidgraph.queries.library import SavedQuery
from bidgraph.services import access
from bidgraph.services.common import to_csv as to_csv  # the 研判 page's downloads
from bidgraph.services.common import to_xlsx as to_xlsx
from bidgraph.settings import Settings
from bidgraph.viewer import Viewer
from bidgraph.viz.style import label_zh


def detectors(settings: Settings) -> list[SavedQuery]:
    """Built-in detectors first, then the analysts' saved queries that yield findings."""
    return list(analysis.list_detectors(settings))


def run(
    store: GraphStore, detector_id: str, params: Mapping[str, Any], viewer: Viewer, settings: Settings
) -> list[Finding]:
    return list(analysis.run_detector(store, detector_id, dict(params), viewer=viewer, settings=settings))


def triage(store: GraphStore, viewer: Viewer) -> TriageList:
    return analysis.triage(store, viewer=viewer)


def run_saved(store: GraphStore, query: SavedQuery, values: Mapping[str, Any], viewer: Viewer) -> Result:
    """A user's plain saved query (no findings), within the viewer's scope."""
    return access.run_saved_query(store, query, values, viewer)


def result_graph(store: GraphStore, result: Result, viewer: Viewer) -> Subgraph:
    """What a query's rows draw, within the viewer's scope."""
    return access.scope_subgraph(store, result.to_subgraph(), viewer)


def entities_text(
    entities: Iterable[tuple[str, str, str]], viewer: Viewer, limit: int = 6, aliases: Mapping[str, str] | None = None
) -> str:
    items = list(entities)
    text = "、".join(f"{name}（{label_zh(label)}）" for label, _key, name in items[:limit])
    if len(items) > limit:
        text += f" 等 {len(items)} 个"
    return access.readable(text, viewer, aliases)


def summary_text(finding: Finding, viewer: Viewer) -> str:
    """The finding's summary as the viewer may read it (no expert names for analysts)."""
    return access.readable(finding.summary, viewer, access.expert_aliases([finding], viewer))


def findings_frame(findings: Iterable[Finding], viewer: Viewer) -> pd.DataFrame:
    """One row per finding, columns in Chinese, sorted by score."""
    findings = list(findings)
    aliases = access.expert_aliases(findings, viewer)
    rows = [
        {
            "分值": round(f.score, 1),
            "规则": f.title,
            "摘要": access.readable(f.summary, viewer, aliases),
            "涉及主体": entities_text(f.entities, viewer, aliases=aliases),
            "标段": "、".join(f.tender_codes[:5]) + (" 等" if len(f.tender_codes) > 5 else ""),
            "依据": f.legal_ground,
            "指标": access.readable("；".join(f"{k}={_short(v)}" for k, v in f.figures.items()), viewer, aliases),
        }
        for f in findings
    ]
    frame = pd.DataFrame(rows, columns=["分值", "规则", "摘要", "涉及主体", "标段", "依据", "指标"])
    return frame.sort_values("分值", ascending=False, kind="stable").reset_index(drop=True)


def triage_frame(items: Iterable[RankedItem], viewer: Viewer) -> pd.DataFrame:
    items = list(items)
    aliases = access.expert_aliases((f for item in items for f in item.findings), viewer)
    rows = [
        {
            "分值": round(item.score, 1),
            "对象": access.readable(item.name, viewer, aliases),
            "命中规则数": len([r for r in item.rules if r != RISK_SCORE]),
            "市场内风险百分位": _percentile(item),
            "说明": access.readable(item.explanation, viewer, aliases),
            "key": item.key,
        }
        for item in items
    ]
    return pd.DataFrame(rows, columns=["分值", "对象", "命中规则数", "市场内风险百分位", "说明", "key"])


def _percentile(item: RankedItem) -> float | None:
    """The item's continuous score as a percentile in its market (a group: its top member)."""
    values = [f.figures.get("市场内百分位") for f in item.findings if f.detector == RISK_SCORE]
    return max((v for v in values if v is not None), default=None)


def involving(findings: Iterable[Finding], label: str, key: str) -> list[Finding]:
    """The findings that name the entity (or, for a tender, that cite its code)."""
    if label == "Tender":
        return [f for f in findings if key in f.tender_codes]
    return [f for f in findings if key in f.entity_keys()]


def all_findings(triage_list: TriageList) -> list[Finding]:
    """Every finding behind the triage list, once."""
    seen: dict[tuple[str, tuple[str, ...]], Finding] = {}
    for item in (*triage_list.tenders, *triage_list.groups):
        for finding in item.findings:
            seen.setdefault((finding.detector, tuple(sorted(finding.entity_keys()))), finding)
    return list(seen.values())


def _short(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    if isinstance(value, (list, tuple)):
        return f"{len(value)} 项"
    return str(value)[:40]
