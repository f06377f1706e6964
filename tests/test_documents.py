"""Bid documents without the graph: shingles and MinHash on known texts, boilerplate
subtraction, shared-error evidence, reading .docx and PDF with their metadata."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from datasketch import MinHash

from bidgraph.bench.similarity import run, world
from bidgraph.data.generator.biddocs import GenDoc
from bidgraph.data.generator.docfiles import WRITERS
from bidgraph.documents.read import read_document, split_sections
from bidgraph.documents.shingles import shingles
from bidgraph.documents.similarity import DocRecord, Params, compare
from bidgraph.errors import DataError

TENDER = "投标人应仔细阅读招标文件的全部内容并按要求编制投标文件。投标文件应当对招标文件提出的实质性要求作出响应。\n"
COMMON = "项目部严格落实安全技术交底制度，全面执行文明施工标准。\n"
OWN = (
    "甲方案采用分段流水作业，配置两台履带式挖掘机负责沟槽开挖。",
    "乙方案先行施作排水盲沟，再以振动压路机分层碾压回填土体。",
    "丙方案以钢板桩围堰截流，潜水泵连续抽排基坑积水后浇筑底板。",
    "丁方案由测量组加密控制网，全站仪逐桩放样并每日复测高程。",
    "戊方案把钢筋加工棚设在场地东侧，半成品按构件编号挂牌堆放。",
    "己方案安排夜间错峰运输渣土，车辆出场前经洗车平台冲洗轮胎。",
)


def record(key: str, text: str, tender: str = "T1") -> DocRecord:
    return DocRecord(f"{tender}|{key}", tender, key, text, tuple(split_sections(text)))


def test_shingles_and_minhash_match_a_hand_computed_jaccard() -> None:
    a, b = shingles("施工组织设计方案"), shingles("施工组织设计说明")
    # by hand: {施工组织设, 工组织设计, 组织设计方, 织设计方案} vs {施工组织设, 工组织设计, 组织设计说, 织设计说明}
    assert a & b == {"施工组织设", "工组织设计"}
    assert len(a & b) / len(a | b) == pytest.approx(2 / 6)
    ma, mb = MinHash(num_perm=256, seed=1), MinHash(num_perm=256, seed=1)
    ma.update_batch([s.encode() for s in a])
    mb.update_batch([s.encode() for s in b])
    assert ma.jaccard(mb) == pytest.approx(1 / 3, abs=0.12)
    assert shingles("施工 组织\n设计") == shingles("施工组织设计")  # wrapping and spaces do not matter


def test_bidders_who_copied_only_the_tender_file_are_not_similar() -> None:
    docs = [record(f"B{i}", TENDER + COMMON + OWN[i] * 2) for i in range(6)]
    pairs = compare(docs, {"T1": TENDER})
    assert all(p.score < 50 for p in pairs), [(p.a.bidder, p.b.bidder, p.score) for p in pairs]
    # without subtracting the tender text the same two documents would look alike
    assert len(shingles(docs[0].text) & shingles(docs[1].text)) > 60


def test_a_copied_proposal_is_flagged_with_its_passages_and_offsets() -> None:
    copied = "".join(OWN[:4])
    docs = [record(f"B{i}", TENDER + COMMON + OWN[i] * 2) for i in range(5)]
    docs += [record("X", TENDER + copied), record("Y", TENDER + OWN[5] + copied)]
    pairs = {(p.a.bidder, p.b.bidder): p for p in compare(docs, {"T1": TENDER})}
    pair = pairs[("X", "Y")]
    assert pair.score >= 50 and pair.containment > 0.9
    assert len(pair.passages) == 4
    first = pair.passages[0]
    assert pair.a.text[first.a_start : first.a_end] == first.text
    assert pair.b.text[first.b_start : first.b_end] == first.text


def test_shared_typos_wrong_figures_and_odd_formatting_are_evidence() -> None:
    tender = TENDER + "计划工期：120日历天；质量标准：合格。\n"
    right = "项目部严格落实安全技术交底制度并留存签字记录。\n"
    wrong = right.replace("交底", "交低")
    slip = "我方承诺工期为150日历天。\n质检员每日巡查不少于３次。。\n"
    docs = [record(f"B{i}", tender + right + OWN[i]) for i in range(6)]
    docs += [record("X", tender + wrong + slip + OWN[0][:8]), record("Y", tender + wrong + slip + OWN[1][:8])]
    pair = next(p for p in compare(docs, {"T1": tender}) if {p.a.bidder, p.b.bidder} == {"X", "Y"})
    assert any("低" in t for t in pair.typos), pair.typos
    assert pair.figures == ["工期150日历天"]
    assert any("３" in f for f in pair.formatting) and any("。。" in f for f in pair.formatting)
    assert pair.score >= 50
    # an honest bidder with the right wording is not even a candidate of either
    assert not [p for p in compare(docs, {"T1": tender}) if {p.a.bidder, p.b.bidder} & {"X", "Y"} != {"X", "Y"}]


DOC_TEXT = (
    "目录\n1. 投标函\n2. 商务标\n第一部分 投标函\n致招标人：我方愿意投标。\n第二部分 商务标\n公司简介。\n"
    "第三部分 施工组织设计（技术标）\n项目部严格落实方案。\n"
    "第四部分 报价清单\n1　挖一般土方　m3　100.00　18.50　1850.00\n"
)
META = {
    "author": "王磊",
    "company": "示例建设有限公司",
    "creator": "WPS Office",
    "created": "2024-03-01T09:30:00",
    "modified": "2024-03-01T21:05:00",
    "template_id": "TPL-商务-01",
    "machine_code": "ABCDEF0123456789ABCD",
}


@pytest.mark.parametrize("fmt", ["docx", "pdf", "txt"])
def test_documents_read_back_with_sections_and_metadata(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"bid.{fmt}"
    WRITERS[fmt](GenDoc("T1", "B1", "示例建设有限公司", DOC_TEXT, META, fmt), path)
    doc = read_document(path)
    assert [s.name for s in doc.sections] == ["正文", "投标函", "商务标", "技术标", "报价清单"]
    assert "严格落实方案" in doc.text[doc.sections[3].start : doc.sections[3].end]
    if fmt != "txt":
        for field in ("author", "company", "created", "modified", "template_id", "machine_code"):
            assert doc.meta[field] == META[field], field
    if fmt == "pdf":
        assert doc.meta["creator"] == "WPS Office"


def test_unreadable_and_unknown_files_are_named(tmp_path: Path) -> None:
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"not a pdf")
    with pytest.raises(DataError, match=r"broken\.pdf"):
        read_document(bad)
    with pytest.raises(DataError, match="不支持"):
        read_document(tmp_path / "bid.xls")


def test_generated_pairs_carry_shared_errors() -> None:
    docset = world(random.Random(5), 15, (3, 8), 30)
    pairs, _ = run(docset, Params())
    flagged = {(p.a.tender, *sorted((p.a.bidder, p.b.bidder))): p for p in pairs if p.score >= 50}
    assert docset.pairs() and docset.pairs() <= set(flagged)
    assert not docset.pairs(decoy=True) & set(flagged)
    assert all(flagged[k].figures for k in docset.pairs())  # the source's wrong 工期 is kept by every copier
