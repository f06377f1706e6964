"""The sealed export package of a case: one zip with the offline interactive graph, the
tables, the report (HTML and PDF), GraphML/JSON, the i2 Analyst's Notebook files, the
queries behind every finding, the data snapshot, and a manifest of SHA-256 checksums.
Everything is built from the case as masked for the recipient."""

from __future__ import annotations

import json
import re
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from bidgraph import audit, integrity
from bidgraph.cases.evidence import check_freshness
from bidgraph.cases.export import anb, graphfiles, pdf, report, tables
from bidgraph.cases.export.manifest import MANIFEST, SIGNATURE, build_manifest, sha256, sha256sums, signature_file
from bidgraph.cases.masking import mask_case, recipient
from bidgraph.cases.model import Case
from bidgraph.cases.store import CaseStore, now
from bidgraph.graph.store import GraphStore
from bidgraph.services.access import check_case, check_export, reveal
from bidgraph.settings import Settings
from bidgraph.viewer import Role, Viewer
from bidgraph.viz import render_html

DESCRIPTIONS = {
    "graph.html": "交互式关系图（离线可用，浏览器直接打开）",
    "tables.xlsx": "明细表：实体、关系、研判发现、来源、状态时间线",
    "report.html": "线索报告（HTML）",
    "report.pdf": "线索报告（PDF，内嵌中文字体）",
    "graph.graphml": "关系图 GraphML（Gephi、yEd、networkx 等可读）",
    "graph.json": "关系图 JSON（networkx node-link 格式：nodes[].node_id，links[].from_node/to_node/rel_id）",
    "anb/case.anx": "i2 Analyst's Notebook 交换文件（ANX）",
    "anb/entities.csv": "ANB 导入用实体表",
    "anb/links.csv": "ANB 导入用链接表",
    "anb/import_spec.txt": "ANB 导入说明（列与 ANB 字段的对应）",
    "anb/import_spec.json": "ANB 导入映射（机器可读）",
    "queries/queries.json": "每条研判发现所用的查询 ID、参数与查询全文",
    "provenance.json": "数据快照时间、载入批次与当前数据核对结果",
    "README.txt": "移交包说明与核验方法",
    "SHA256SUMS": "各文件 SHA-256（sha256sum -c 格式）",
}
IMPORT_SPEC = {
    "entities": {
        "file": "entities.csv",
        "encoding": "utf-8-sig",
        "identity": "Identity",
        "type": "EntityType",
        "icon": "IconFile",
        "label": "Label",
        "attributes": ["Key", "Properties", "Source", "Row", "LoadId"],
    },
    "links": {
        "file": "links.csv",
        "encoding": "utf-8-sig",
        "end1": "End1Identity",
        "end2": "End2Identity",
        "type": "LinkType",
        "label": "Label",
        "direction": "End1 -> End2",
        "attributes": ["LinkId", "Properties", "Source", "Row", "LoadId"],
    },
}


@dataclass(frozen=True)
class ExportResult:
    path: Path
    manifest_sha256: str
    recipient: str
    files: int


def export_case(
    cases: CaseStore,
    case_id: int,
    *,
    recipient_name: str,
    viewer: Viewer,
    out_dir: Path,
    graph_store: GraphStore | None = None,
) -> ExportResult:
    """Build the package in ``out_dir`` and write the export to the audit log.
    With ``graph_store`` the package also says whether newer data exists. The export
    itself checks that ``viewer`` may export this case to this recipient."""
    to = recipient(recipient_name)
    check_export(viewer, to)
    case = cases.get(case_id)
    check_case(case, viewer)
    if to.full_identifiers:  # the full numbers are not in the graph nor the case: from the protected store
        case = replace(
            case, nodes=dict(zip(case.nodes, reveal(case.nodes.values(), viewer, cases.data_dir), strict=True))
        )
    actor = viewer.user
    freshness = check_freshness(case, graph_store).message() if graph_store is not None else ""
    masked, masking = mask_case(case, to)
    meta = report.ExportMeta(actor, now(), to, masking, freshness)
    files = build_files(masked, meta)
    files["README.txt"] = (Path(__file__).parent / "package_readme.txt").read_bytes()
    files["SHA256SUMS"] = sha256sums(files)
    header = {
        "case": {"id": case.id, "number": case.number, "title": masked.title, "status": case.status},
        "exporter": actor,
        "exported_at": meta.exported_at,
        "recipient": {"name": to.name, "description": to.description, "full_identifiers": to.full_identifiers},
        "masking": masking.to_dict(),
        "snapshot": _snapshot(case, freshness),
    }
    manifest = build_manifest(files, DESCRIPTIONS, header)
    key = package_key(cases.settings)
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = re.sub(r"\D", "", meta.exported_at)[:14]
    path = out_dir / f"{case.number}_{to.name}_{stamp}.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted(files.items()):
            archive.writestr(name, data)
        archive.writestr(MANIFEST, manifest)
        if key is not None:
            archive.writestr(SIGNATURE, signature_file(manifest, key))
    result = ExportResult(path, sha256(manifest), to.name, len(files))
    details = {
        "recipient": to.name,
        "package": path.name,
        "manifest_sha256": result.manifest_sha256,
        "package_sha256": sha256(path.read_bytes()),
        "masked": not to.full_identifiers,
        "signed": key is not None,
    }
    audit.record(cases.data_dir, "case.export", actor=actor, target=f"case:{case.id}", details=details)
    return result


def package_key(settings: Settings) -> bytes | None:
    """The administrator's package signing key, if one is configured."""
    return integrity.read_key(settings.package_key_file) if settings.package_key_file else None


def _snapshot(case: Case, freshness: str) -> dict[str, Any]:
    return {
        "evidence_added_at": case.evidence_added_at(),
        "data_loaded_at": case.data_loaded_at(),
        "load_ids": case.load_ids(),
        "current_data_check": freshness or "未核对",
    }


def build_files(case: Case, meta: report.ExportMeta) -> dict[str, bytes]:
    """Every file of the package but the manifest, from the (already masked) case."""
    graph = graphfiles.to_networkx(case)
    context = report.report_context(case, meta)
    viewer = Viewer(meta.exporter, Role.LIAISON) if meta.recipient.full_identifiers else None
    html = render_html(
        graphfiles.case_subgraph(case),
        viewer=viewer,
        height="780px",
        max_nodes=max(len(case.nodes), 1),
        title=f"{case.number} {case.title}",
    )
    return {
        "graph.html": html.encode("utf-8"),
        "tables.xlsx": tables.xlsx_bytes(case),
        "report.html": report.report_html(context),
        "report.pdf": pdf.report_pdf(context),
        "graph.graphml": graphfiles.graphml_bytes(graph),
        "graph.json": graphfiles.json_bytes(graph),
        "anb/case.anx": anb.anx_bytes(case),
        "anb/entities.csv": anb.entities_csv(case),
        "anb/links.csv": anb.links_csv(case),
        "anb/import_spec.txt": (Path(__file__).parent / "anb_import_spec.txt").read_bytes(),
        "anb/import_spec.json": _json(IMPORT_SPEC),
        "queries/queries.json": _json([_query(f.seq, f.data, f.query_text) for f in case.findings]),
        "provenance.json": _json(
            {
                "case": case.number,
                **_snapshot(case, meta.freshness),
                "exporter": meta.exporter,
                "exported_at": meta.exported_at,
            }
        ),
    }


def _query(seq: int, data: dict[str, Any], text: str) -> dict[str, Any]:
    return {
        "finding": seq,
        "title": data.get("title", ""),
        "query_id": data.get("query_id", ""),
        "params": data.get("params", {}),
        "query_text": text or "（查询库中未找到该查询的全文）",
    }


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=1, default=str).encode("utf-8")
