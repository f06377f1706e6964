"""Nothing lost silently: the per-file account, root causes apart from consequences, the
facts a partial load leaves out; and the mapping assistant's draft loads as it is."""

from __future__ import annotations

import csv
from pathlib import Path

import yaml
from stdnum.cn import ric

from bidgraph import loaders
from bidgraph.graph import GraphStore
from bidgraph.loaders.account import root_causes
from bidgraph.loaders.mapping import parse_mapping
from bidgraph.loaders.suggest import suggest

A, B = "91410100MA3X000008", "91410100MA3X000109"


def write(folder: Path, name: str, rows: list[list[object]]) -> None:
    folder.mkdir(exist_ok=True)
    with (folder / name).open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)


def export(folder: Path, tender_header: str = "标段名称") -> Path:
    write(folder, "companies.csv", [["统一社会信用代码", "企业名称"], [A, "甲公司"], [B, "乙公司"]])
    write(folder, "tenders.csv", [["标段编号", tender_header], ["T-1", "一标段"], ["T-2", "二标段"]])
    bids = [["标段编号", "投标人统一社会信用代码", "投标人"]] + [
        [t, c, n] for t in ("T-1", "T-2") for c, n in ((A, "甲"), (B, "乙"))
    ]
    write(folder, "bids.csv", bids)
    write(
        folder,
        "roles.csv",
        [["企业统一社会信用代码", "姓名", "职务类型"], [A, "张三", "法定代表人"], [B, "李四", "监事长"]],
    )
    return folder


def test_refused_file_is_one_root_cause_and_its_references_are_consequences(tmp_path: Path) -> None:
    report = loaders.validate_paths([export(tmp_path / "x", tender_header="名目")])
    tenders = report.accounts["tenders.csv"]
    assert tenders.rejected.startswith("name：缺少必填列") and tenders.read == 2
    roots, cascades = root_causes(list(report.accounts.values()))
    assert [(f, n) for f, _, n in roots] == [("tenders.csv", 2), ("roles.csv", 1)]
    assert cascades == [("bids.csv", "tender_code：连带：引用不存在：标段编号在本次文件和图谱中都找不到"
                         "（所引用的行未通过检查或其文件未导入，请先修正那里的错误）", 4)]  # fmt: skip
    assert report.accounts["bids.csv"].dropped == 4


def test_partial_load_says_which_facts_are_missing(graph: GraphStore, tmp_path: Path) -> None:
    report = loaders.load_paths(graph, [export(tmp_path / "x")], skip_invalid=True, data_dir=tmp_path)
    assert report.partial and report.status == "部分导入"
    roles = report.accounts["roles.csv"]
    assert (roles.read, roles.written, roles.dropped) == (2, 1, 1)
    assert dict(roles.reasons) == {
        "role：取值应为：legal_rep、shareholder、director、supervisor、manager、finance_head、employee": 1
    }
    assert report.missing_facts() == ["图谱中缺少 1 行任职与持股关系（法定代表人、股东、高管、员工）"]
    assert {a.file: a.written for a in report.accounts.values()} == {
        "companies.csv": 2,
        "tenders.csv": 2,
        "bids.csv": 4,
        "roles.csv": 1,
    }
    assert graph.run("MATCH (:Person)-[r:LEGAL_REP_OF]->(:Company) RETURN count(r)").rows[0][0] == 1


def test_strict_load_refused_lists_everything_as_missing(graph: GraphStore, tmp_path: Path) -> None:
    report = loaders.load_paths(graph, [export(tmp_path / "x")], data_dir=tmp_path)
    assert not report.written and not report.partial
    assert "图谱中缺少 4 行投标记录及其证据（报价、IP、设备、保证金账户、项目负责人）" in report.missing_facts()


def test_suggested_mapping_loads_as_it_is(graph: GraphStore, tmp_path: Path) -> None:
    folder = tmp_path / "x"
    write(folder, "招标项目.csv", [["标段编号", "标段名称", "开标日期"], ["T-1", "一标段", "2024-01-05"]])
    rows = [["标段编号", "投标单位统一社会信用代码", "投标单位", "投标报价（元）", "备注"]]
    rows += [["T-1", A, "甲公司", "100", "x"], ["T-1", B, "乙公司", "120", ""], ["T-1", A, "甲公司", "99", ""]]
    write(folder, "投标明细表.csv", rows)
    write(folder, "说明.csv", [["说明"], ["本导出由平台生成"]])
    text = suggest(folder)
    doc = yaml.safe_load(text)
    assert doc["files"]["招标项目.csv"] == {"table": "tenders"}
    assert doc["files"]["投标明细表.csv"]["table"] == "bids"
    assert doc["files"]["投标明细表.csv"]["columns"]["投标单位"] == "bidder_name"
    assert doc["files"]["投标明细表.csv"]["duplicates"] == "keep_first"
    assert "# 未能对应：备注" in text and "# 未能识别 说明.csv" in text and "缺少行业" in text
    report = loaders.load_paths(graph, [folder], mapping=parse_mapping(yaml.compose(text)), data_dir=tmp_path)
    assert report.ok and report.accounts["投标明细表.csv"].written == 2
    assert graph.run("MATCH (b:Bid) RETURN b.bidder_key, b.price ORDER BY b.price").rows == ((A, 100.0), (B, 120.0))


def test_suggest_chooses_shareholder_targets_and_recodes_job_words(graph: GraphStore, tmp_path: Path) -> None:
    folder = tmp_path / "x"
    person = "42052119900701003" + ric.calc_check_digit("420521199007010030")
    header = ["企业统一社会信用代码", "股东类型", "股东名称", "证件号", "持股比例"]
    write(folder, "股东信息.csv", [header, [A, "自然人", "王五", person, "60"], [A, "企业", "乙公司", B, "40"]])
    people = [["企业统一社会信用代码", "姓名", "岗位"], [A, "张三", "项目经理"], [A, "李四", "监事"]]
    write(folder, "人员信息.csv", people)
    text = suggest(folder)
    doc = yaml.safe_load(text)
    holders = doc["files"]["股东信息.csv"]
    chosen = {"if": "股东类型 == 自然人", "then": "person_id_number", "else": "holder_uscc"}
    assert holders["columns"]["证件号"] == chosen
    assert holders["constants"] == {"role": "shareholder"}
    assert doc["files"]["人员信息.csv"]["recode"] == {"role": {"项目经理": "employee"}}
    report = loaders.load_paths(graph, [folder], mapping=parse_mapping(yaml.compose(text)), data_dir=tmp_path)
    assert report.ok, report.errors[:3]
    rels = graph.run("MATCH (h)-[r]->(:Company) RETURN labels(h)[0], type(r) ORDER BY type(r), labels(h)[0]").rows
    assert rels == (
        ("Person", "EMPLOYED_BY"),
        ("Person", "OFFICER_OF"),
        ("Company", "SHAREHOLDER_OF"),
        ("Person", "SHAREHOLDER_OF"),
    )
