"""The sealed export package of a case: contents, checksums and ``verify``, graph round
trips, the offline HTML (also in headless Chromium), the i2 ANX structure, masking per
recipient, and a PDF that renders Chinese with its font embedded."""

from __future__ import annotations

import base64
import io
import json
import re
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import networkx as nx
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from bidgraph import audit
from bidgraph.analysis.findings import Finding, entities_of, sources_of
from bidgraph.bench.ui import CHROMIUM, CHROMIUM_ARGS
from bidgraph.cases import CaseStore
from bidgraph.cases.export import DESCRIPTIONS, ExportResult, export_case, naming
from bidgraph.cases.export.graphfiles import read_graphml, read_json, to_networkx
from bidgraph.cases.export.manifest import MANIFEST, verify
from bidgraph.cases.export.tables import SHEETS
from bidgraph.cases.masking import RECIPIENTS
from bidgraph.cli import app
from bidgraph.graph.model import Node, Relationship, Subgraph
from bidgraph.settings import Settings
from bidgraph.viewer import Role, Viewer

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "cases"
ID_NUMBER = "330102198501011234"
MOBILE = "13812345678"
LANDLINE = "057188001234"
PROV = {"source": "roles.csv", "load_id": "load-20240501", "loaded_at": "2024-05-01T10:00:00"}


def sample_finding() -> Finding:
    nodes = [
        Node("1", ("Company",), {"key": "91330100MA27XXXX1A", "name": "杭州甲建设有限公司", "row": 2, **PROV}),
        Node("2", ("Company",), {"key": "91330100MA27YYYY2B", "name": "杭州乙建设有限公司", "row": 3, **PROV}),
        Node("3", ("Person",), {"key": "id:abc123", "name": "张三", "id_number": ID_NUMBER, "row": 4, **PROV}),
        Node("4", ("Phone",), {"key": MOBILE, "value": MOBILE, "row": 5, **PROV}),
        Node("5", ("Phone",), {"key": LANDLINE, "value": LANDLINE, "row": 6, **PROV}),
        Node("6", ("Tender",), {"key": "T-2024-001", "code": "T-2024-001", "name": "某道路工程一标段", **PROV}),
    ]
    rels = [
        Relationship("10", "LEGAL_REP_OF", "3", "1", {"row": 7, **PROV}),
        Relationship("11", "OFFICER_OF", "3", "2", {"position": "董事", "row": 8, **PROV}),
        Relationship("12", "HAS_PHONE", "1", "4", {"row": 9, **PROV}),
        Relationship("13", "HAS_PHONE", "2", "4", {"row": 10, **PROV}),
        Relationship("14", "HAS_PHONE", "3", "5", {"row": 11, **PROV}),
    ]
    evidence = Subgraph({n.id: n for n in nodes}, {r.id: r for r in rels})
    return Finding(
        detector="cross_appointment",
        title="交叉任职：张三同时任职两家投标人",
        legal_ground="《招标投标法实施条例》第34条",
        score=82.5,
        entities=entities_of(nodes[:3]),
        tender_codes=("T-2024-001",),
        figures={"共同投标次数": 3, "共用电话": MOBILE},
        evidence=evidence,
        sources=sources_of(evidence),
        query_id="cross_appointment",
        params={"min_bidders": 2},
        summary=f"张三（身份证 {ID_NUMBER}）同时担任两家投标人的法定代表人与董事",
    )


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> CaseStore:
    store = CaseStore(Settings(data_dir=tmp_path_factory.mktemp("cases")))
    case_id = store.create("杭州甲乙公司串通投标线索", f"两家公司共用电话 {MOBILE}", actor="调查员甲")
    store.add_evidence(case_id, sample_finding(), actor="调查员甲")
    store.add_note(case_id, f"需调取身份证{ID_NUMBER}的户籍信息", actor="调查员甲")
    store.transition(case_id, "移交", actor="调查员甲", comment="移交核查", receiving_body="市纪委监委")
    return store


@pytest.fixture(scope="module")
def packages(cases: CaseStore, tmp_path_factory: pytest.TempPathFactory) -> dict[str, ExportResult]:
    out = tmp_path_factory.mktemp("packages")
    return {
        name: export_case(cases, 1, recipient_name=name, viewer=Viewer("导出人乙", Role.LIAISON), out_dir=out)
        for name in RECIPIENTS
    }


def read(package: ExportResult, name: str) -> bytes:
    with zipfile.ZipFile(package.path) as archive:
        return archive.read(name)


def all_text(package: ExportResult) -> str:
    """Every file's text, the xlsx's XML parts and the PDF's extracted text included."""
    parts: list[str] = []
    with zipfile.ZipFile(package.path) as archive:
        for name in archive.namelist():
            data = archive.read(name)
            if name.endswith(".xlsx"):
                with zipfile.ZipFile(io.BytesIO(data)) as book:
                    parts += [book.read(n).decode("utf-8") for n in book.namelist() if n.endswith(".xml")]
            elif name.endswith(".pdf"):
                text = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout
                parts.append(text.decode("utf-8"))
            else:
                parts.append(data.decode("utf-8-sig"))
    return "\n".join(parts)


def test_package_holds_every_file_with_its_checksum(packages: dict[str, ExportResult]) -> None:
    package = packages["公安机关"]
    with zipfile.ZipFile(package.path) as archive:
        names = set(archive.namelist())
    assert names == {*DESCRIPTIONS, MANIFEST}
    manifest = json.loads(read(package, MANIFEST))
    assert {f["path"] for f in manifest["files"]} == set(DESCRIPTIONS)
    assert manifest["exporter"] == "导出人乙" and manifest["recipient"]["name"] == "公安机关"
    assert manifest["snapshot"]["load_ids"] == ["load-20240501"]
    assert manifest["snapshot"]["data_loaded_at"] == "2024-05-01T10:00:00"
    assert all(re.fullmatch(r"[0-9a-f]{64}", f["sha256"]) for f in manifest["files"])
    assert verify(package.path).ok
    sums = dict(line.split("  ")[::-1] for line in read(package, "SHA256SUMS").decode().splitlines())
    assert sums == {f["path"]: f["sha256"] for f in manifest["files"] if f["path"] != "SHA256SUMS"}


def _rewrite(source: Path, target: Path, *, change: str | None = None, drop: str | None = None) -> None:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for name in old.namelist():
            data = old.read(name)
            if name == drop:
                continue
            new.writestr(name, data + b"<!-- edited -->" if name == change else data)


def test_verify_names_the_tampered_file(packages: dict[str, ExportResult], tmp_path: Path) -> None:
    tampered, removed = tmp_path / "tampered.zip", tmp_path / "removed.zip"
    _rewrite(packages["内部"].path, tampered, change="report.html")
    _rewrite(packages["内部"].path, removed, drop="anb/case.anx")
    result = verify(tampered)
    assert not result.ok and result.tampered == ["report.html"] and not result.missing
    assert verify(removed).missing == ["anb/case.anx"]
    runner = CliRunner()
    good = runner.invoke(app, ["verify", str(packages["内部"].path)])
    assert good.exit_code == 0 and "校验通过" in good.output
    bad = runner.invoke(app, ["verify", str(tampered)])
    assert bad.exit_code == 1 and "report.html" in bad.output and "篡改" in bad.output


def _same_graph(a: nx.MultiDiGraph, b: nx.MultiDiGraph) -> None:
    assert dict(a.nodes(data=True)) == dict(b.nodes(data=True))
    assert sorted(a.edges(keys=True, data=True), key=str) == sorted(b.edges(keys=True, data=True), key=str)


def test_graphml_and_json_round_trip(cases: CaseStore, packages: dict[str, ExportResult]) -> None:
    original = to_networkx(cases.get(1))
    assert original.number_of_nodes() == 6 and original.number_of_edges() == 5
    _same_graph(read_graphml(read(packages["公安机关"], "graph.graphml")), original)
    _same_graph(read_json(read(packages["公安机关"], "graph.json")), original)


def test_html_files_have_no_network_reference(packages: dict[str, ExportResult]) -> None:
    for name in ("graph.html", "report.html"):
        text = read(packages["纪委监委"], name).decode("utf-8")
        assert not re.search(r"https?://|//cdn|src=\"//", text, re.IGNORECASE), name
    assert "vis.Network" in read(packages["纪委监委"], "graph.html").decode("utf-8")


# Child element order of Chart and ChartItem in the Analyst's Notebook exchange schema.
CHART_SEQUENCE = (
    "ApplicationVersion",
    "LibraryCatalogue",
    "PropertyBagCollection",
    "CustomImageCollection",
    "GradeOne",
    "GradeTwo",
    "GradeThree",
    "SourceHints",
    "StrengthCollection",
    "AttributeClassCollection",
    "EntityTypeCollection",
    "LinkTypeCollection",
    "Font",
    "DatabaseProxyCollection",
    "DateTimeFormatCollection",
    "CurrentStyleCollection",
    "TimeZone",
    "TimeBar",
    "PrintSettings",
    "Summary",
    "ChartItemCollection",
)
ITEM_SEQUENCE = ("End", "Link", "AttributeCollection", "CIStyle", "PropertyBagCollection", "TimeZone")


def check_anx(xml: bytes) -> ET.Element:
    """The structure the ANX exchange format documents: a ``Chart`` root whose type
    collections define every entity type, link type and attribute class that the
    ``ChartItemCollection`` uses, entities as ``ChartItem/End/Entity`` with ``Identity``
    and an ``Icon/IconStyle``, links as ``ChartItem/Link`` naming two entity identities."""
    root = ET.fromstring(xml)
    assert root.tag == "Chart" and root.get("IdReferenceLinking") in ("true", "false")
    children = [child.tag for child in root]
    assert children == [tag for tag in CHART_SEQUENCE if tag in children], children  # the schema's sequence
    attr_classes = {c.get("Name"): c.get("Type") for c in root.findall("AttributeClassCollection/AttributeClass")}
    assert set(attr_classes.values()) <= {"AttText", "AttNumber", "AttFlag", "AttTime"}
    entity_types = {t.get("Name") for t in root.findall("EntityTypeCollection/EntityType") if t.get("IconFile")}
    link_types = {t.get("Name") for t in root.findall("LinkTypeCollection/LinkType")}
    strengths = {s.get("Id") for s in root.findall("StrengthCollection/Strength")}
    identities: set[str] = set()
    for item in root.findall("ChartItemCollection/ChartItem"):
        assert item.get("Label") is not None
        for attribute in item.findall("AttributeCollection/Attribute"):
            assert attribute.get("AttributeClass") in attr_classes and attribute.get("Value") is not None
        parts = [child.tag for child in item]
        assert parts == [tag for tag in ITEM_SEQUENCE if tag in parts], parts
        entity = item.find("End/Entity")
        if entity is not None:
            assert entity.get("EntityId") and entity.get("Identity") not in identities
            assert entity.find("Icon/IconStyle").get("Type") in entity_types
            identities.add(entity.get("Identity"))
    for link in root.findall("ChartItemCollection/ChartItem/Link"):
        assert link.get("End1Id") in identities and link.get("End2Id") in identities
        style = link.find("LinkStyle")
        assert style.get("Type") in link_types and style.get("StrengthReference") in strengths
        assert style.get("ArrowStyle") in ("ArrowNone", "ArrowOnHead", "ArrowOnTail", "ArrowOnBoth")
    return root


def test_anx_follows_the_exchange_format_and_holds_every_entity_and_link(
    cases: CaseStore, packages: dict[str, ExportResult]
) -> None:
    case = cases.get(1)
    root = check_anx(read(packages["公安机关"], "anb/case.anx"))
    identities = {e.get("Identity") for e in root.iter("Entity")}
    links = {(link.get("End1Id"), link.get("End2Id")) for link in root.iter("Link")}
    ids = naming.identities(case)
    assert identities == set(ids.values()) and "统一社会信用代码:91330100MA27XXXX1A" in identities
    assert links == {(ids[r.start], ids[r.end]) for r in case.relationships.values()}
    labels = {i.get("Label") for i in root.iter("ChartItem")}
    assert {"张三", "杭州甲建设有限公司", "法定代表人"} <= labels
    entities = read(packages["公安机关"], "anb/entities.csv").decode("utf-8-sig").splitlines()
    links_csv = read(packages["公安机关"], "anb/links.csv").decode("utf-8-sig").splitlines()
    assert len(entities) == 1 + len(case.nodes) and len(links_csv) == 1 + len(case.relationships)
    spec = json.loads(read(packages["公安机关"], "anb/import_spec.json"))
    assert spec["links"]["end1"] in links_csv[0] and spec["entities"]["identity"] in entities[0]


@pytest.mark.parametrize("name", list(RECIPIENTS))
def test_masking_follows_the_recipient(packages: dict[str, ExportResult], name: str) -> None:
    text = all_text(packages[name])
    full = RECIPIENTS[name].full_identifiers
    for secret in (ID_NUMBER, MOBILE, LANDLINE):
        assert (secret in text) is full, (name, secret)
    if not full:
        assert "330102198501******" in text and "138****5678" in text
    masking = json.loads(read(packages[name], MANIFEST))["masking"]
    assert masking["recipient"] == name and masking["full_identifiers"] is full
    assert (masking["masked_values"] > 0) is not full


def test_xlsx_has_the_five_sheets(cases: CaseStore, packages: dict[str, ExportResult]) -> None:
    book = load_workbook(io.BytesIO(read(packages["纪委监委"], "tables.xlsx")), read_only=True)
    assert book.sheetnames == list(SHEETS.values())
    rows = {key: list(book[title].values) for key, title in SHEETS.items()}
    assert len(rows["entities"]) == 1 + 6 and len(rows["relationships"]) == 1 + 5
    assert rows["findings"][1][rows["findings"][0].index("法律依据")] == "《招标投标法实施条例》第34条"
    assert [r[rows["timeline"][0].index("新状态")] for r in rows["timeline"][1:]] == ["发现", "移交"]
    assert any("roles.csv" in str(r) for r in rows["sources"][1:])


def test_queries_and_snapshot_are_in_the_package(packages: dict[str, ExportResult]) -> None:
    queries = json.loads(read(packages["内部"], "queries/queries.json"))
    assert queries[0]["query_id"] == "cross_appointment" and queries[0]["params"] == {"min_bidders": 2}
    provenance = json.loads(read(packages["内部"], "provenance.json"))
    assert provenance["load_ids"] == ["load-20240501"] and provenance["evidence_added_at"]


def test_export_is_audited(cases: CaseStore, packages: dict[str, ExportResult]) -> None:
    exports = [e for e in audit.entries(cases.data_dir) if e["action"] == "case.export"]
    assert {e["details"]["recipient"] for e in exports} == set(RECIPIENTS)
    assert packages["内部"].manifest_sha256 in {e["details"]["manifest_sha256"] for e in exports}
    assert audit.verify(cases.data_dir) is None


def test_pdf_embeds_its_chinese_font_and_renders(packages: dict[str, ExportResult]) -> None:
    pdf = read(packages["内部"], "report.pdf")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "report.pdf").write_bytes(pdf)
    fonts = subprocess.run(["pdffonts", str(ARTIFACTS / "report.pdf")], capture_output=True, text=True, check=True)
    rows = fonts.stdout.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows), fonts.stdout  # the "emb" column
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "杭州甲乙公司串通投标线索" in text and "第34条" in text and "法律依据" in text
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "80",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            str(ARTIFACTS / "report.pdf"),
            str(ARTIFACTS / "report-page"),
        ],
        check=True,
    )
    assert (ARTIFACTS / "report-page-1.png").stat().st_size > 20_000  # a page with text, not a blank one


@pytest.mark.browser
def test_graph_html_renders_offline_in_chromium(
    cases: CaseStore, packages: dict[str, ExportResult], tmp_path: Path
) -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"需要 {CHROMIUM}（scripts/system-deps.sh test 安装）")
    sync_api = pytest.importorskip("playwright.sync_api")
    page_file = tmp_path / "graph.html"
    page_file.write_bytes(read(packages["公安机关"], "graph.html"))
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        page = browser.new_page()
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(page_file.as_uri())
        page.wait_for_selector("body[data-ready='1']", timeout=20_000)
        count = page.evaluate("nodes.length")
        drawn = page.evaluate("network.body.nodeIndices.length")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "graph.png"))
        report_file = tmp_path / "report.html"
        report_file.write_bytes(read(packages["内部"], "report.html"))
        page.goto(report_file.as_uri())
        heading = page.inner_text("h1")
        page.screenshot(path=str(ARTIFACTS / "report-html.png"), full_page=True)
        browser.close()
    assert heading.startswith("线索报告 XS-00001")
    assert count == drawn == len(cases.get(1).nodes)
    assert all(url.startswith(("file:", "data:", "blob:")) for url in requests), requests


def test_report_names_entities_rules_and_relationships_for_a_reader(packages: dict[str, ExportResult]) -> None:
    html = read(packages["公安机关"], "report.html").decode("utf-8")
    assert "杭州甲建设有限公司（统一社会信用代码 91330100MA27XXXX1A）" in html
    assert "张三（身份证 330102198501******）" in html
    assert "—法定代表人→" in html and "—任职（" in html
    for internal in ("Person:id:", "LEGAL_REP_OF#", "HAS_PHONE#", "规则：cross_appointment", "Company:9133"):
        assert internal not in html, internal
    pdf_text = subprocess.run(
        ["pdftotext", "-", "-"], input=read(packages["公安机关"], "report.pdf"), capture_output=True, check=True
    ).stdout.decode()
    assert re.search(r"第\s*1\s*页", pdf_text) and "Person:id:" not in pdf_text


def test_i2_identities_are_stable_across_two_overlapping_cases(cases: CaseStore, tmp_path: Path) -> None:
    finding = sample_finding()
    other = cases.create("另一条线索：同一家公司", "与线索一重叠", actor="调查员丙")
    cases.add_evidence(other, finding, actor="调查员丙")
    liaison = Viewer("导出人乙", Role.LIAISON)
    first = export_case(cases, 1, recipient_name="公安机关", viewer=liaison, out_dir=tmp_path)
    second = export_case(cases, other, recipient_name="公安机关", viewer=liaison, out_dir=tmp_path / "b")

    def chart_ids(package: ExportResult) -> set[str]:
        return {e.get("Identity") for e in ET.fromstring(read(package, "anb/case.anx")).iter("Entity")}

    shared = chart_ids(first) & chart_ids(second)
    assert "统一社会信用代码:91330100MA27XXXX1A" in shared
    assert any(i.startswith("自然人:id:") for i in shared)
    assert all(not i.isdigit() for i in shared)  # never the database's internal ids


def test_report_shows_the_evidence_graph_as_an_image(packages: dict[str, ExportResult]) -> None:
    html = read(packages["公安机关"], "report.html").decode("utf-8")
    found = re.search(r'<img src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)" alt="证据关系图"', html)
    assert found, "the HTML report must carry the evidence graph"
    svg = base64.b64decode(found.group(1)).decode("utf-8")
    assert "<svg" in svg and "杭州甲建设有限公司" in svg and "法定代表人" in svg  # a node caption, an edge name
    for internal in ("Person:id:", "LEGAL_REP_OF", "91330100MA27XXXX1A"):  # captions only, no ids or keys
        assert internal not in svg, internal
    pdf_text = subprocess.run(
        ["pdftotext", "-", "-"], input=read(packages["公安机关"], "report.pdf"), capture_output=True, check=True
    ).stdout.decode()
    assert "证据关系图：" in pdf_text and "Person:id:" not in pdf_text
