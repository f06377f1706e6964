"""From a triage row to its evidence and a case in one step, and the timeline of the
entities involved — on a hand-built graph in the real embedded FalkorDB."""

from __future__ import annotations

import pytest
from detectgraph import Builder

from bidgraph.analysis import triage
from bidgraph.cases import CaseStore
from bidgraph.graph.store import GraphStore
from bidgraph.services.timeline import timeline
from bidgraph.services.triage_evidence import combined_graph, item_entities, ordered_findings
from bidgraph.settings import Settings
from bidgraph.viewer import DEMO_VIEWER


@pytest.fixture(scope="module")
def g(store: GraphStore) -> Builder:
    b = Builder(store)
    a, c = b.company("A", "甲建设有限公司"), b.company("C", "丙建设有限公司")
    t1, t2 = b.tender("T1", bid_open="2024-03-01"), b.tender("T2", bid_open="2024-09-10")
    bids = {"A": b.bid(a, t1, won=True), "C": b.bid(c, t1)}
    b.bid(a, t2, bid_open="2024-09-10")
    zhang = b.person("id:zhang", "张三")
    b.rel(zhang, "LEGAL_REP_OF", a, start="2019-05-01")
    b.rel(zhang, "OFFICER_OF", c, position="监事", start="2020-01-01", end="2023-06-30")
    b.rel(zhang, "SHAREHOLDER_OF", c, pct=40.0, start="2021-02-01")
    account = ("BankAccount", b.node("BankAccount", "acct:x", value="6222****0001"))
    b.rel(bids["A"], "DEPOSIT_FROM", account)
    b.rel(bids["C"], "DEPOSIT_FROM", account)
    penalty = ("Penalty", b.node("Penalty", "罚字〔2022〕1号", date="2022-07-15", kind="罚款", reason="串通投标"))
    b.rel(c, "SANCTIONED", penalty)
    return b


def test_a_group_row_opens_all_its_findings_and_one_graph(store: GraphStore, g: Builder) -> None:
    group = triage(store).groups[0]
    findings = ordered_findings(group)
    rules = {f.detector for f in findings} - {"risk_score"}  # every firm also carries its continuous score
    assert group.key == "A+C" and rules == {"shared_identifier", "cross_appointment"}
    assert findings[0].score >= findings[-1].score
    graph = combined_graph(findings)
    for finding in findings:  # every finding's evidence is in the combined graph
        assert set(finding.evidence.nodes) <= set(graph.nodes)
        assert set(finding.evidence.relationships) <= set(graph.relationships)
    keys = {n.get("key") for n in graph.nodes.values()}
    assert {"A", "C", "acct:x", "id:zhang"} <= keys
    assert {("Company", "A"), ("Company", "C"), ("Person", "id:zhang")} <= {e[:2] for e in item_entities(group)}


def test_add_all_puts_every_finding_and_the_graph_into_one_case(
    store: GraphStore, g: Builder, module_settings: Settings
) -> None:
    group = triage(store).groups[0]
    cases = CaseStore(module_settings)
    case_id = cases.create("甲、丙群组", "由风险排序一键加入", actor="tester")
    counts = cases.add_evidence(case_id, ordered_findings(group), actor="tester")
    case = cases.get(case_id)
    assert counts["findings"] == len(group.findings) == len(case.findings)
    assert {f.data["detector"] for f in case.findings} >= {"shared_identifier", "cross_appointment"}
    assert {"A", "C", "acct:x", "id:zhang"} <= {n.key for n in case.nodes.values()}


def test_timeline_of_a_company_and_a_person(store: GraphStore, g: Builder) -> None:
    company = timeline(store, [("Company", "C")], DEMO_VIEWER)
    rows = set(zip(company["日期"], company["类别"], company["截止"], strict=True))
    assert ("2024-03-01", "投标", "") in rows
    assert ("2020-01-01", "任职", "2023-06-30") in rows
    assert ("2021-02-01", "股东", "") in rows
    assert ("2022-07-15", "处罚", "") in rows
    assert list(company["日期"]) == sorted(company["日期"])  # oldest first
    person = timeline(store, [("Person", "id:zhang"), ("Company", "A")], DEMO_VIEWER)
    kinds = list(person["类别"])
    assert kinds.count("中标") == 1 and kinds.count("投标") == 1  # A won T1, lost T2
    assert kinds.count("法定代表人") == 1  # a role seen from both ends is listed once
    assert "张三 → 丙建设有限公司" in set(person["主体"])
