"""Bid documents in the graph: Document nodes linked to their bids with provenance, an
idempotent reload, the bid_similarity detector finding every planted copying pair (and
not the template decoy), metadata identity as a file fingerprint, manifest errors."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from detectgraph import Builder

from bidgraph.analysis import run_detector
from bidgraph.analysis.scoring import triage_list
from bidgraph.cases import CaseStore
from bidgraph.cases.export import graphfiles
from bidgraph.data.generator.biddocs import DocSet, DocTender, plan_documents
from bidgraph.data.generator.docfiles import write_docset
from bidgraph.documents.load import load_documents
from bidgraph.errors import DataError
from bidgraph.graph.store import GraphStore
from bidgraph.services.documents import comparisons
from bidgraph.settings import Settings


def uscc(i: int) -> str:
    return f"91410100MA{i:08d}"


@pytest.fixture(scope="module")
def loaded(store: GraphStore, tmp_path_factory: pytest.TempPathFactory) -> tuple[DocSet, Path]:
    rng = random.Random(15)
    tenders = []
    for t in range(14):
        bidders = tuple((uscc(b), f"示例建设{b}公司") for b in rng.sample(range(30), 5))
        tenders.append(DocTender(f"T{t:03d}", f"示例县第{t}号道路工程", bidders))
    docset = plan_documents(rng, tenders, collude=0.5)
    heavy = {c for s in docset.schemes if s["variant"] == "heavy" for c in s["companies"]}
    for doc in docset.docs:  # metadata (the machine code) survives in .docx and PDF only
        doc.fmt = "docx" if doc.bidder in heavy else doc.fmt
    build = Builder(store)
    for tender in tenders:
        t = build.tender(tender.code)
        for key, name in tender.bidders:
            build.bid(build.company(key, name), t)
    manifest = write_docset(docset, tmp_path_factory.mktemp("docs"))
    load_documents(store, manifest)
    return docset, manifest


def count(store: GraphStore, query: str) -> int:
    return store.run(query).records()[0]["n"]


def test_documents_are_linked_to_their_bids_with_provenance(store: GraphStore, loaded: tuple[DocSet, Path]) -> None:
    docset, manifest = loaded
    rows = store.run(
        "MATCH (b:Bid)-[r:HAS_DOCUMENT]->(d:Document) "
        "RETURN b.key AS bid, d.bidder_key AS bidder, d.tender_code AS tender, d.kind AS kind, "
        "d.source AS source, d.load_id AS load_id, r.row AS row, d.sections AS sections"
    ).records()
    assert len(rows) == len(docset.docs)
    for row in rows:
        assert row["bid"] == f"{row['tender']}|{row['bidder']}"
        assert row["kind"] == "投标文件" and row["source"] == manifest.name and row["load_id"] and row["row"] >= 2
        assert any(s.startswith("技术标:") for s in row["sections"])


def test_reloading_the_same_documents_changes_nothing(store: GraphStore, loaded: tuple[DocSet, Path]) -> None:
    _, manifest = loaded
    queries = ("MATCH (d:Document) RETURN count(d) AS n", "MATCH ()-[r:SIMILAR_TO]->() RETURN count(r) AS n")
    queries += ("MATCH ()-[r:HAS_DOCUMENT]->() RETURN count(r) AS n", "MATCH ()-[r:MADE_ON]->() RETURN count(r) AS n")
    before = [count(store, q) for q in queries]
    result = load_documents(store, manifest)
    assert [count(store, q) for q in queries] == before
    assert result.counters["nodes_created"] == 0 and result.counters["relationships_created"] == 0


def test_bid_similarity_finds_every_planted_pair_and_not_the_decoy(
    store: GraphStore, loaded: tuple[DocSet, Path]
) -> None:
    docset, _ = loaded
    findings = run_detector(store, "bid_similarity")
    found = {(f.tender_codes[0], *sorted(f.entity_keys("Company"))) for f in findings}
    planted = docset.pairs()
    assert len(planted) >= 5 and planted <= found
    assert not docset.pairs(decoy=True) & found
    assert found == planted  # nothing else is flagged
    finding = findings[0]
    assert "第40条" in finding.legal_ground
    assert "错误数字" in str(finding.figures["共同错误"])
    similar = [r for r in finding.evidence.relationships.values() if r.type == "SIMILAR_TO"]
    assert similar and '"text"' in similar[0].get("passages")
    assert any(item.rules and "bid_similarity" in item.rules for item in triage_list(findings).groups)


def test_the_same_compiler_machine_is_a_file_fingerprint(store: GraphStore, loaded: tuple[DocSet, Path]) -> None:
    docset, _ = loaded
    heavy = {(s["tenders"][0], *s["companies"]) for s in docset.schemes if s["variant"] == "heavy"}
    machines = store.run(
        "MATCH (a:Bid)-[:MADE_ON]->(x:Device {kind: 'machine_code'})<-[:MADE_ON]-(b:Bid) WHERE a.key < b.key "
        "RETURN a.tender_code AS tender, a.bidder_key AS a, b.bidder_key AS b"
    ).records()
    shared = {(r["tender"], *sorted((r["a"], r["b"]))) for r in machines}
    assert shared and shared <= heavy
    findings = run_detector(store, "file_fingerprint")
    assert {(f.tender_codes[0], *sorted(f.entity_keys("Company"))) for f in findings} == shared
    assert all(f.figures["吻合的标识类别"] == ["文件制作机器码"] for f in findings)


def test_a_document_of_an_unknown_bid_is_refused_with_its_row(store: GraphStore, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("目录\n", encoding="utf-8")
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("标段编号,投标人,文件路径\nT000,示例建设1公司,a.txt\nT999,91410100MA00000001,a.txt\n", "utf-8")
    with pytest.raises(DataError, match=r"manifest.csv.*第 2 行.*投标人"):
        load_documents(store, manifest)


def test_the_finding_shows_both_documents_with_passages_and_errors(
    store: GraphStore, loaded: tuple[DocSet, Path]
) -> None:
    finding = run_detector(store, "bid_similarity")[0]
    (c,) = comparisons(finding)
    assert c.file_a and c.file_b and not c.problems
    assert c.html_a.count("<mark>") == len(c.passages) > 0
    assert '<u class="slip">' in c.html_a and '<u class="slip">' in c.html_b  # the shared wrong 工期 at least
    row = c.passage_rows()[0]
    assert row["原文"] and "–" in row["甲方位置"]


def test_a_case_export_quotes_the_passages_with_offsets(
    store: GraphStore, loaded: tuple[DocSet, Path], tmp_path: Path
) -> None:
    finding = run_detector(store, "bid_similarity")[0]
    cases = CaseStore(Settings(data_dir=tmp_path))
    case_id = cases.create("标书雷同线索", finding.summary, actor="调查员")
    cases.add_evidence(case_id, finding, actor="调查员")
    exported = json.loads(graphfiles.json_bytes(graphfiles.to_networkx(cases.get(case_id))))
    links = [e for e in exported["links"] if e.get("type") == "SIMILAR_TO"]
    assert len(links) == 1
    passages = json.loads(links[0]["passages"])
    quoted = next(iter(comparisons(finding)))
    assert passages == quoted.passages and all(len(p["a"]) == 2 and p["text"] for p in passages)
    assert "错误数字" in str(links[0]["shared_errors"])  # graph files flatten lists to text
