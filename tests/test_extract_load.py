"""Generated notices → the normal loaders → graph: idempotent, every fact with the span it was
read from, and the detectors on published data find what the generator planted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bidgraph.analysis import run_detector
from bidgraph.data.generator.notices import GeneratedTender, write_notices
from bidgraph.graph.store import GraphStore
from bidgraph.loaders import load_paths


@pytest.fixture(scope="module")
def loaded(store: GraphStore, tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], list[GeneratedTender]]:
    out = tmp_path_factory.mktemp("notices")
    tenders = write_notices(out, count=8, seed=5, plant_every=4)
    paths = [out / "candidates", out / "award"]
    report = load_paths(store, paths, data_dir=out)
    assert report.ok and report.written, report.errors[:3]
    return paths, tenders


def _counts(store: GraphStore) -> tuple[int, int]:
    nodes = store.run("MATCH (n) WHERE NOT n:Load RETURN count(n)").rows[0][0]  # a Load node records each load
    rels = store.run("MATCH ()-[r]->() RETURN count(r)").rows[0][0]
    return nodes, rels


def test_notices_become_the_canonical_graph(
    store: GraphStore, loaded: tuple[list[Path], list[GeneratedTender]]
) -> None:
    _, tenders = loaded
    assert store.run("MATCH (d:Document) RETURN count(d)").rows[0][0] == 16
    assert store.run("MATCH (t:Tender) RETURN count(t)").rows[0][0] == 8
    codes = store.run("MATCH (b:Bid)-[:FOR]->(t:Tender) RETURN t.code, b.rank, b.won, b.price, b.price_text").rows
    assert len(codes) == 24 and sum(1 for row in codes if row[2]) == 8
    assert {row[4][:3] for row in codes if row[4]} >= {"下浮率", "按《工"}  # rates and fee sentences kept as text
    consortium = next(t for t in tenders if t.candidates[0].members)
    members = store.run(
        "MATCH (c:Company)-[:MEMBER_OF]->(:Consortium)-[:SUBMITTED]->(b:Bid {won: true}) WHERE b.tender_code = $code "
        "RETURN c.name ORDER BY c.name",
        {"code": consortium.code},
    ).rows
    assert [r[0] for r in members] == sorted(consortium.candidates[0].members)
    roles = store.run("MATCH (:Bid)-[r:PROPOSED]->(:Person) RETURN DISTINCT r.role").rows
    assert {r[0] for r in roles} >= {"项目负责人", "技术负责人"}


def test_reloading_the_same_notices_changes_nothing(
    store: GraphStore, loaded: tuple[list[Path], list[GeneratedTender]], tmp_path: Path
) -> None:
    before = _counts(store)
    report = load_paths(store, loaded[0], data_dir=tmp_path)
    assert report.ok and report.nodes_created == 0 and report.relationships_created == 0
    assert _counts(store) == before


def test_every_fact_points_at_its_text(store: GraphStore, loaded: tuple[list[Path], list[GeneratedTender]]) -> None:
    checked = 0
    for query, field in (
        ("MATCH (d:Document)-[m:MENTIONS]->(b:Bid)<-[:SUBMITTED]-(s) RETURN d.text, m.spans, s.name", "bidder"),
        ("MATCH (d:Document)-[m:MENTIONS]->(t:Tender) RETURN d.text, m.spans, t.code", "code"),
        ("MATCH (d:Document)-[m:MENTIONS]->(p:Person) RETURN d.text, m.spans, p.name", "name"),
    ):
        for text, spans, value in store.run(query).rows:
            start, end = json.loads(spans)[field]
            assert text[start:end] == value
            checked += 1
    for text, spans, number in store.run(
        "MATCH (d:Document)-[m:MENTIONS]->(c:Certificate) RETURN d.text, m.spans, c.number"
    ).rows:
        assert number in {text[s:e] for k, (s, e) in json.loads(spans).items() if k.startswith("certificate")}
        checked += 1
    assert checked > 100


def test_detectors_find_the_planted_staff(store: GraphStore, loaded: tuple[list[Path], list[GeneratedTender]]) -> None:
    _, tenders = loaded
    findings = run_detector(store, "published_staff")
    shared = {f.tender_codes[0] for f in findings if f.query_id == "notice_shared_staff"}
    assert shared == {t.code for t in tenders if t.shared_pm}
    finding = next(f for f in findings if f.query_id == "notice_shared_staff")
    assert finding.legal_ground.startswith("《招标投标法实施条例》第40条第③项")
    # the lead of the bid is also its PROJECT_MANAGER: the existing shared-staff rule sees notices too
    by_pm = {f.tender_codes[0] for f in run_detector(store, "shared_staff") if f.query_id == "shared_staff"}
    assert by_pm == shared
    watch = [f for f in findings if f.query_id == "certificate_watch"]
    reused = {n for t in tenders if t.reused_pm_from for n in t.candidates[0].staff[0].numbers}
    assert {f.summary.split("在")[0].removeprefix("证书") for f in watch} == reused  # each of the PM's certificates
    assert all(f.figures["涉及中标方数"] == 2 for f in watch)


def test_profile_lists_where_a_person_appears(
    store: GraphStore, loaded: tuple[list[Path], list[GeneratedTender]]
) -> None:
    from bidgraph.services.mentions import mentions
    from bidgraph.viewer import DEMO_VIEWER

    _, tenders = loaded
    planted = next(t for t in tenders if t.shared_pm)
    pm = planted.candidates[0].staff[0]
    key = store.run("MATCH (p:Person {name: $name}) RETURN p.key", {"name": pm.name}).rows[0][0]
    frame = mentions(store, "Person", key, DEMO_VIEWER)
    names = frame[frame["事实"] == "姓名"]["原文（【】内为抽取内容）"].tolist()
    assert len(names) >= 3  # both candidates of the tender and the award notice
    assert all(f"【{pm.name}】" in text for text in names)
    certificates = frame[frame["事实"] == "证书"]["原文（【】内为抽取内容）"].tolist()
    assert any(f"【{pm.numbers[0]}】" in text for text in certificates)
    company = store.run(
        "MATCH (c:Company)-[:SUBMITTED]->(b:Bid {tender_code: $code, rank: 2}) RETURN c.key", {"code": planted.code}
    ).rows
    if company:  # a consortium candidate has no single company profile
        facts = mentions(store, "Company", company[0][0], DEMO_VIEWER)["事实"].tolist()
        assert "投标人" in facts and "报价" in facts
