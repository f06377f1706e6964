"""The mapping file, one feature per test, each asserting the facts in the real graph:
exact file match, constants, recoding, a target chosen by another column, derived
values, units from the header and declared, date formats, the duplicates policy, and
errors naming the mapping file's line."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from stdnum.cn import ric

from bidgraph import loaders
from bidgraph.errors import ConfigError
from bidgraph.graph import GraphStore

A, B = "91410100MA3X000008", "91410100MA3X000109"
BASE = "42052119900701003"
PERSON = BASE + ric.calc_check_digit(BASE + "0")


def write(folder: Path, name: str, rows: list[list[object]], encoding: str = "utf-8") -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / name
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def mapping(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mapping.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def tenders_file(folder: Path) -> Path:
    rows = [["标段编号", "标段名称", "开标日期"], ["T-1", "一标段", "2024-03-01"], ["T-2", "二标段", "2024-04-01"]]
    return write(folder, "招标项目.csv", rows)


def load(graph: GraphStore, tmp_path: Path, paths: list[Path], text: str) -> loaders.LoadReport:
    report = loaders.load_paths(graph, paths, mapping=mapping(tmp_path, text), data_dir=tmp_path)
    assert report.ok, report.errors[:5]
    return report


def test_exact_file_name_never_a_substring_guess(graph: GraphStore, tmp_path: Path) -> None:
    path = tenders_file(tmp_path / "x")
    unmapped = loaders.validate_paths([path])
    assert unmapped.errors[0].reason.startswith("无法从文件名识别表") and unmapped.tables == {}
    report = load(graph, tmp_path, [path], "files:\n  招标项目.csv: tenders\n")
    assert report.tables == {"tenders": 2}
    assert graph.run("MATCH (p:Project) RETURN count(p)").rows[0][0] == 0
    assert graph.run("MATCH (t:Tender) RETURN t.key ORDER BY t.key").rows == (("T-1",), ("T-2",))


def test_constant_and_explicit_unknown(graph: GraphStore, tmp_path: Path) -> None:
    path = tenders_file(tmp_path / "x")
    text = "files:\n  招标项目.csv:\n    table: tenders\n    constants: {industry: 房建市政}\n"
    report = load(graph, tmp_path, [path], text)
    assert any("缺少地区" in w for w in report.warnings)
    rows = graph.run("MATCH (t:Tender) RETURN t.industry, t.region, t.unknown ORDER BY t.key").rows
    assert rows == (("房建市政", "未注明", ["region"]),) * 2


def test_recode_roles_from_position_words(graph: GraphStore, tmp_path: Path) -> None:
    folder = tmp_path / "x"
    write(
        folder, "人员信息.csv", [["企业统一社会信用代码", "姓名", "岗位"], [A, "张三", "项目经理"], [A, "李四", "法人"]]
    )
    text = (
        "files:\n  人员信息.csv:\n    table: roles\n    columns: {岗位: [role, position]}\n"
        "    recode:\n      role: {项目经理: employee, 项目负责人: employee}\n"
    )
    load(graph, tmp_path, [folder / "人员信息.csv"], text)
    rows = graph.run("MATCH (p:Person)-[r]->(c:Company) RETURN p.name, type(r), r.position ORDER BY p.name").rows
    assert rows == (("张三", "EMPLOYED_BY", "项目经理"), ("李四", "LEGAL_REP_OF", None))


def test_target_chosen_by_another_column(graph: GraphStore, tmp_path: Path) -> None:
    folder = tmp_path / "x"
    header = ["企业统一社会信用代码", "股东类型", "股东名称", "证件号", "持股比例"]
    write(folder, "股东信息.csv", [header, [A, "自然人", "王五", PERSON, "60"], [A, "企业", "乙公司", B, "40"]])
    text = """files:
  股东信息.csv:
    table: roles
    columns:
      股东名称: {if: 股东类型 == 自然人, then: person_name, else: holder_name}
      证件号: {if: 股东类型 == 自然人, then: person_id_number, else: holder_uscc}
    constants: {role: shareholder}
"""
    load(graph, tmp_path, [folder / "股东信息.csv"], text)
    rows = graph.run("MATCH (h)-[r:SHAREHOLDER_OF]->(:Company) RETURN labels(h)[0], h.key, r.pct ORDER BY r.pct").rows
    assert rows[0] == ("Company", B, 40.0)
    assert rows[1][0] == "Person" and rows[1][1].startswith("id:") and rows[1][2] == 60.0


def test_derived_value(graph: GraphStore, tmp_path: Path) -> None:
    folder = tmp_path / "x"
    tenders_file(folder)
    write(
        folder,
        "投标明细.csv",
        [["标段编号", "投标人统一社会信用代码", "投标人", "排名"], ["T-1", A, "甲", "1"], ["T-1", B, "乙", "2"]],
    )
    text = "files:\n  招标项目.csv: tenders\n  投标明细.csv:\n    table: bids\n    derive: {won: 排名 == 1}\n"
    load(graph, tmp_path, [folder], text)
    assert graph.run("MATCH (b:Bid) RETURN b.bidder_key, b.won ORDER BY b.rank").rows == ((A, True), (B, False))


def test_units_from_header_declared_and_rates(graph: GraphStore, tmp_path: Path) -> None:
    folder = tmp_path / "x"
    tenders_file(folder)
    write(folder, "企业.csv", [["统一社会信用代码", "企业名称", "注册资本(万元)"], [A, "甲", "5000"]])
    write(folder, "投标.csv", [["标段编号", "投标人统一社会信用代码", "投标人", "报价", "下浮率(%)"],
                               ["T-1", A, "甲", "120", ""], ["T-2", A, "甲", "", "3.5"]])  # fmt: skip
    text = (
        "files:\n  招标项目.csv: tenders\n  投标.csv:\n    table: bids\n    columns: {下浮率: price}\n"
        "    units: {报价: 万元}\n"
    )
    load(graph, tmp_path, [folder], text)
    assert graph.run("MATCH (c:Company) RETURN c.reg_capital").rows == ((50_000_000.0,),)
    rows = graph.run("MATCH (b:Bid) RETURN b.price, b.price_text ORDER BY b.key").rows
    assert rows == ((1_200_000.0, None), (None, "下浮率3.5%"))


def test_date_format(graph: GraphStore, tmp_path: Path) -> None:
    folder = tmp_path / "x"
    write(folder, "标段.csv", [["标段编号", "标段名称", "开标日期"], ["T-9", "九标段", "03/02/2024"]])
    load(graph, tmp_path, [folder], "files:\n  标段.csv:\n    table: tenders\n    dates: {bid_open: '%d/%m/%Y'}\n")
    assert graph.run("MATCH (t:Tender) RETURN t.bid_open").rows == (("2024-02-03",),)


def test_duplicates_keep_first_is_counted_not_an_error(graph: GraphStore, tmp_path: Path) -> None:
    folder = tmp_path / "x"
    tenders_file(folder)
    write(folder, "bids.csv", [["标段编号", "投标人", "投标报价"], ["T-1", "甲", "100"], ["T-1", "甲", "90"]])
    text = "files:\n  招标项目.csv: tenders\n  bids.csv: {table: bids, duplicates: keep_first}\n"
    report = load(graph, tmp_path, [folder], text)
    account = report.accounts["bids.csv"]
    assert (account.read, account.written, account.dropped) == (2, 1, 1)
    assert dict(account.reasons) == {"重复记录（按映射保留首行）": 1}
    assert graph.run("MATCH (b:Bid) RETURN b.price").rows == ((100.0,),)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("files:\n  a.csv: tenders\n  b.csv: bidz\n", "第 3 行：未知表 'bidz'"),
        ("files:\n  a.csv:\n    table: bids\n    derive:\n      won: 排名 > 1\n", "第 5 行：条件应写成"),
        ("files:\n  a.csv:\n    table: bids\n    units: {报价: 千元}\n", "第 4 行：未知单位"),
        ("columns:\n  bids:\n    供应商: supplier\n", "第 3 行：表 bids 没有列 'supplier'"),
    ],
)
def test_mapping_errors_name_the_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        loaders.load_mapping(mapping(tmp_path, text))
