"""Entity resolution that uses the graph: bare names resolve to companies already in the
graph (across loads, with the match recorded), consortium names split into members with
a lead, and experts' employers as of each evaluation."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bidgraph import loaders
from bidgraph.analysis import run_detector
from bidgraph.graph import GraphStore
from bidgraph.loaders.consortium import split_consortium

A, B = "91410100MA3X000008", "91410100MA3X000109"


def write(folder: Path, name: str, rows: list[list[object]]) -> Path:
    folder.mkdir(exist_ok=True)
    with (folder / name).open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return folder / name


def load(graph: GraphStore, tmp_path: Path, *paths: Path) -> loaders.LoadReport:
    report = loaders.load_paths(graph, list(paths), data_dir=tmp_path)
    assert report.ok, report.errors[:5]
    return report


def first_load(graph: GraphStore, tmp_path: Path) -> None:
    folder = tmp_path / "one"
    write(folder, "companies.csv", [["统一社会信用代码", "企业名称"], [A, "甲建设有限责任公司"], [B, "乙工程有限公司"]])
    write(folder, "tenders.csv", [["标段编号", "标段名称", "开标日期"], ["T-1", "一标段", "2024-03-01"]])
    write(folder, "bids.csv", [["标段编号", "投标人统一社会信用代码", "投标人"], ["T-1", A, "甲建设有限责任公司"]])
    load(graph, tmp_path, folder)


def test_bare_name_resolves_to_the_company_of_an_earlier_load(graph: GraphStore, tmp_path: Path) -> None:
    first_load(graph, tmp_path)
    folder = tmp_path / "two"
    write(folder, "tenders.csv", [["标段编号", "标段名称", "开标日期"], ["T-2", "二标段", "2024-05-01"]])
    write(folder, "bids.csv", [["标段编号", "投标人"], ["T-2", "甲建设有限公司"], ["T-2", "丙公司"]])
    report = load(graph, tmp_path, folder)
    assert any("按图谱中已有的同名单位" in w for w in report.warnings)
    rows = graph.run("MATCH (b:Bid {tender_code: 'T-2'}) RETURN b.bidder_key, b.match_basis ORDER BY b.bidder_key")
    assert rows.rows == ((A, "name_in_graph"), ("name:丙公司", "name_only"))
    assert graph.run("MATCH (c:Company) RETURN count(c)").rows[0][0] == 3


@pytest.mark.parametrize(
    ("name", "members", "lead"),
    [
        ("甲建设有限公司、乙工程有限公司联合体", ["甲建设有限公司", "乙工程有限公司"], 0),
        ("甲建设有限公司（成员）、乙工程有限公司（牵头人）", ["甲建设有限公司", "乙工程有限公司"], 1),
        ("甲建设有限公司与乙工程有限公司(联合体)", ["甲建设有限公司", "乙工程有限公司"], 0),
        ("和平建设有限公司", None, None),
        ("联合体建设有限公司", None, None),
    ],
)
def test_split_consortium(name: str, members: list[str] | None, lead: int | None) -> None:
    assert split_consortium(name) == (None if members is None else (members, lead))


def test_consortium_name_becomes_members_with_lead(graph: GraphStore, tmp_path: Path) -> None:
    first_load(graph, tmp_path)
    folder = tmp_path / "two"
    write(folder, "tenders.csv", [["标段编号", "标段名称", "开标日期"], ["T-3", "三标段", "2024-06-01"]])
    write(folder, "bids.csv", [["标段编号", "投标人"], ["T-3", "甲建设有限公司、乙工程有限公司（牵头人）"]])
    load(graph, tmp_path, folder)
    rows = graph.run(
        "MATCH (c:Company)-[m:MEMBER_OF]->(k:Consortium)-[:SUBMITTED]->(:Bid) RETURN c.key, m.lead ORDER BY c.key"
    ).rows
    assert rows == ((A, False), (B, True))


def test_expert_employer_as_of_each_evaluation_and_the_conflict(graph: GraphStore, tmp_path: Path) -> None:
    first_load(graph, tmp_path)  # 甲 (A) bids on T-1, opened 2024-03-01
    folder = tmp_path / "two"
    tenders = [["标段编号", "标段名称", "开标日期"], ["T-0", "早标段", "2021-02-01"], ["T-6", "晚标段", "2024-06-01"]]
    write(folder, "tenders.csv", tenders)
    bids = [["标段编号", "投标人统一社会信用代码", "投标人"]] + [[t, B, "乙工程有限公司"] for t in ("T-0", "T-6")]
    write(folder, "bids.csv", bids)
    rows = [["标段编号", "专家编号", "专家姓名", "工作单位", "评标日期"]]
    rows += [
        ["T-0", "E-1", "孙七", "乙工程有限公司", "2021-02-01"],  # at B then, B bids: conflict
        ["T-1", "E-1", "孙七", "甲建设有限公司", "2024-03-01"],  # at A now, A bids: conflict
        ["T-6", "E-1", "孙七", "甲建设有限公司", "2024-06-01"],  # left B 40 months ago: none
    ]
    write(folder, "evaluations.csv", rows)
    load(graph, tmp_path, folder)
    jobs = graph.run(
        "MATCH (:Expert {expert_no: 'E-1'})-[r:EMPLOYED_BY]->(c:Company) RETURN c.key, r.as_of, r.match_basis "
        "ORDER BY r.as_of"
    ).rows
    assert jobs == (
        (B, "2021-02-01", "name_in_files"),
        (A, "2024-03-01", "name_in_graph"),
        (A, "2024-06-01", "name_in_graph"),
    )
    findings = run_detector(graph, "expert_conflict", {"date_from": "2000-01-01", "date_to": "2030-12-31"})
    assert sorted(code for f in findings for code in f.tender_codes) == ["T-0", "T-1"]


def test_project_manager_from_certificate_text(graph: GraphStore, tmp_path: Path) -> None:
    folder = tmp_path / "x"
    write(
        folder,
        "tenders.csv",
        [["标段编号", "标段名称", "开标日期"], ["T-1", "一", "2024-01-01"], ["T-2", "二", "2024-02-01"]],
    )
    rows = [["标段编号", "投标人统一社会信用代码", "投标人", "项目负责人", "建造师注册编号"]]
    rows += [
        ["T-1", A, "甲", "郑维,其他,420528199007******", "二级建造师 鄂242151649845；安考证 鄂建安B(2022)0003573"],
        ["T-2", B, "乙", "郑维,身份证,420528199007******", "鄂242151649845"],
    ]
    write(folder, "bids.csv", rows)
    load(graph, tmp_path, folder)
    people = graph.run("MATCH (:Bid)-[:PROJECT_MANAGER]->(p:Person) RETURN DISTINCT p.name, p.key_confidence").rows
    assert people == (("郑维", "medium"),)  # one person: masked ID + name in both rows
    held = graph.run("MATCH (p:Person)-[:HOLDS]->(c:Certificate) RETURN c.kind, c.number, c.level ORDER BY c.number")
    assert held.rows == (("注册建造师", "鄂242151649845", "二级"), ("安全生产考核合格证", "鄂建安B(2022)0003573", "B"))
