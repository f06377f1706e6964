"""Input formats: encodings, Chinese and English headers, .xlsx sheets, the mapping
file and OCDS packages, each loaded into the real graph."""

from __future__ import annotations

from pathlib import Path

import pytest

from bidgraph import loaders
from bidgraph.errors import ConfigError
from bidgraph.graph import GraphStore
from bidgraph.loaders.read import detect_encoding

FIXTURES = Path(__file__).parent / "fixtures" / "loaders"
A, B = "91410100MA3X000008", "91410100MA3X000109"


def companies(store: GraphStore) -> dict[str, list]:
    rows = store.run("MATCH (c:Company) RETURN c.key, [c.name, c.reg_capital, c.established]", limit=0).rows
    return dict(rows)


@pytest.mark.parametrize(
    ("folder", "encoding"),
    [("utf8", "utf-8"), ("utf8bom", "utf-8-sig"), ("gbk", "gb18030"), ("gb18030", "gb18030")],
)
def test_encodings(graph: GraphStore, tmp_path: Path, folder: str, encoding: str) -> None:
    directory = FIXTURES / "encodings" / folder
    (path,) = directory.iterdir()
    assert detect_encoding(path.read_bytes()) == encoding
    report = loaders.load_paths(graph, [directory], data_dir=tmp_path)
    assert report.ok and report.rows_loaded == 2
    found = companies(graph)
    name_a = "河南䶮远建设工程有限公司" if folder == "gb18030" else "河南宏远建设工程有限公司"
    assert found[A] == [name_a, 50000000.0, "2015-03-02"]
    assert found[B] == ["郑州（中原）路桥有限责任公司", 12000000.0, "2012-06-18"]


def test_chinese_headers_and_file_names(graph: GraphStore, tmp_path: Path) -> None:
    report = loaders.load_paths(graph, [FIXTURES / "zh"], data_dir=tmp_path)
    assert report.ok and report.tables == {"companies": 2, "tenders": 1, "bids": 2}
    bids = graph.run(
        "MATCH (c:Company)-[:SUBMITTED]->(b:Bid)-[:FOR]->(t:Tender) "
        "RETURN c.key, b.price, b.won, b.rank, b.submitted, t.ceiling_price, t.bid_open ORDER BY c.key"
    )
    assert bids.rows == (
        (A, 9855000.0, True, 1, "2024-01-02T09:30:00", 10000000.0, "2024-01-02"),
        (B, 9900000.0, False, 2, "2024-01-02T09:35:00", 10000000.0, "2024-01-02"),
    )


def test_xlsx_named_sheets_and_one_file_per_table(graph: GraphStore, tmp_path: Path) -> None:
    report = loaders.load_paths(graph, [FIXTURES / "xlsx"], data_dir=tmp_path)
    assert report.ok and report.tables == {"companies": 2, "tenders": 1, "bids": 2}
    assert sorted(report.files) == ["tenders.xlsx", "导出数据.xlsx"]
    found = companies(graph)
    assert found[A] == ["河南宏远建设工程有限公司", 50000000.0, "2015-03-02"]
    assert found[B][1:] == [12000000.0, "2012-06-18"]  # "1,200万元" text, Excel serial date
    bids = graph.run("MATCH (b:Bid) RETURN b.bidder_key, b.price, b.submitted, b.source ORDER BY b.bidder_key").rows
    assert bids == (
        (A, 9850000.5, "2024-01-02T09:30:00", "导出数据.xlsx!投标"),
        (B, 9900000.0, "2024-01-02T09:45:00", "导出数据.xlsx!投标"),
    )


def test_mapping_file(graph: GraphStore, tmp_path: Path) -> None:
    folder = FIXTURES / "mapping"
    without = loaders.validate_paths([folder])
    assert without.tables == {"tenders": 1} and "平台导出_投标_2024.csv" in without.warnings[0]
    report = loaders.load_paths(graph, [folder], mapping=FIXTURES / "mapping.yaml", data_dir=tmp_path)
    assert report.ok and report.tables == {"tenders": 1, "bids": 2}
    rows = graph.run("MATCH (b:Bid) RETURN b.key, b.price, b.won ORDER BY b.key").rows
    assert rows == ((f"MP-001|{A}", 1234567.89, True), (f"MP-001|{B}", 1300000.0, False))


def test_bad_mapping_file(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text("columns:\n  bids:\n    供应商: supplier\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="没有列 'supplier'"):
        loaders.validate_paths([FIXTURES / "mapping"], mapping=path)


def test_ocds_release_and_record_packages(graph: GraphStore, tmp_path: Path) -> None:
    report = loaders.load_paths(graph, [FIXTURES / "ocds"], data_dir=tmp_path)
    assert report.ok and report.tables == {"companies": 5, "tenderers": 2, "agencies": 1, "tenders": 2, "bids": 5}
    tenders = graph.run(
        "MATCH (t:Tender) RETURN t.key, t.name, t.industry, t.method, t.ceiling_price, t.bid_open, "
        "t.awarded, t.win_price ORDER BY t.key"
    ).rows
    assert tenders == (
        ("CS-2024-001", "医用CT设备采购", "政府采购货物", "公开招标", 5000000.0, "2024-02-22", "2024-02-28", 4800000.0),
        ("CS-2024-002", "医用耗材采购", "政府采购货物", "竞争性谈判", 800000.0, "2024-03-10", "2024-03-20", None),
    )
    bids = graph.run(
        "MATCH (c:Company)-[:SUBMITTED]->(b:Bid)-[:FOR]->(t:Tender) "
        "RETURN t.key, c.key, b.price, b.won, b.valid ORDER BY t.key, c.key"
    ).rows
    assert bids == (
        ("CS-2024-001", "91430100MA4L00040K", 4800000.0, True, True),
        ("CS-2024-001", "91430100MA4L00050L", 4850000.0, False, True),
        ("CS-2024-001", "name:湖南(长沙)医疗设备有限公司", 4900000.0, False, False),
        ("CS-2024-002", "91430100MA4L00040K", None, False, None),
        ("CS-2024-002", "91430100MA4L00050L", None, True, None),
    )
    ties = graph.run(
        "MATCH (x)-[r:TENDERED|AGENT_OF]->(:Tender {key: 'CS-2024-001'}) RETURN labels(x)[0], x.key ORDER BY x.key"
    ).rows
    assert ties == (("Tenderer", "12430100MB0000001D"), ("Agency", "91430100MA4L00031M"))
    # one company per USCC across both packages, though named 有限责任公司 in one and 有限公司 in the other
    assert graph.run("MATCH (c:Company {key: '91430100MA4L00050L'}) RETURN count(c)").value() == 1
