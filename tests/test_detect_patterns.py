"""Aggregating Cypher detectors on a hand-built graph: an expert who keeps scoring one
company first, an agency whose tenders keep going to one company, and 挂靠 through
social insurance paid by another company."""

from __future__ import annotations

import pytest
from detectgraph import Builder, rel_types

from bidgraph.analysis import run_detector
from bidgraph.graph.store import GraphStore


@pytest.fixture(scope="module")
def g(store: GraphStore) -> Builder:
    b = Builder(store)
    a, c, d, e = (b.company(k, n) for k, n in [("A", "甲"), ("C", "丙"), ("D", "丁"), ("E", "戊")])
    luo = b.person("id:luo", "罗", expert=True)
    fair = b.person("id:fair", "公", expert=True)
    agency, other = (("Agency", b.node("Agency", k, name=n)) for k, n in [("AG", "甲代理"), ("AG2", "乙代理")])
    for i in range(6):
        t = b.tender(f"T{i}", bid_open=f"2024-0{i + 1}-01")
        bids = {x[1]: b.bid(x, t, won=x[1] == ("A" if i < 5 else "C")) for x in (a, c, d)}
        b.rel(agency if i < 5 else other, "AGENT_OF", t)
        b.rel(luo, "EVALUATED", t)
        b.rel(fair, "EVALUATED", t)
        for key, bid in bids.items():
            b.rel(luo, "SCORED", bid, score=95.0 if key == "A" else 80.0, tender_code=t[1])
            b.rel(fair, "SCORED", bid, score=90.0 if key == ("C", "D")[i % 2] else 85.0, tender_code=t[1])
    for i in range(6, 10):  # A also bids through another agency and loses to C or D
        t = b.tender(f"T{i}", bid_open=f"2024-0{i - 5}-15")
        b.rel(other, "AGENT_OF", t)
        b.bid(a, t)
        b.bid(c, t, won=i % 2 == 0)
        b.bid(d, t, won=i % 2 == 1)
    # 挂靠: E's project manager has social insurance paid by D (not bidding T10); before/after the job
    t10 = b.tender("T10", bid_open="2024-08-01")
    pm, old = b.person("id:pm", "项目经理"), b.person("id:old", "老项目经理")
    b.rel(b.bid(e, t10), "PROJECT_MANAGER", pm)
    b.rel(pm, "EMPLOYED_BY", d, basis="social_insurance", start="2023-01-01")
    t11 = b.tender("T11", bid_open="2024-09-01")
    b.rel(b.bid(e, t11), "PROJECT_MANAGER", old)
    b.rel(old, "EMPLOYED_BY", d, basis="social_insurance", start="2015-01-01", end="2020-12-31")
    return b


def test_expert_top_score(store: GraphStore, g: Builder) -> None:
    findings = [f for f in run_detector(store, "expert_conflict") if f.query_id == "expert_top_score"]
    assert [(f.entity_keys("Person"), f.entity_keys("Company")) for f in findings] == [({"id:luo"}, {"A"})]
    assert findings[0].figures["打最高分次数"] == 6 and findings[0].figures["比例"] == pytest.approx(1.0)
    assert findings[0].tender_codes == tuple(f"T{i}" for i in range(6))
    assert rel_types(findings[0]).count("SCORED") == 6
    assert [f for f in run_detector(store, "expert_top_score", {"min_times": 7})] == []


def test_agency_favourite(store: GraphStore, g: Builder) -> None:
    findings = [f for f in run_detector(store, "agency_tie") if f.query_id == "agency_winner"]
    assert [(f.entity_keys("Agency"), f.entity_keys("Company")) for f in findings] == [({"AG"}, {"A"})]
    figures = findings[0].figures
    assert (figures["中标次数"], figures["在该代理机构投标次数"]) == (5, 5)
    assert figures["其他代理机构中标率"] == pytest.approx(0.0)
    assert rel_types(findings[0]) == ["AGENT_OF"] * 5 + ["FOR"] * 5 + ["SUBMITTED"] * 5


def test_guakao_by_social_insurance_as_of_date(store: GraphStore, g: Builder) -> None:
    findings = [f for f in run_detector(store, "shared_staff") if f.query_id == "shared_certificate"]
    assert [(f.tender_codes, f.entity_keys("Company")) for f in findings] == [(("T10",), {"D", "E"})]
    assert rel_types(findings[0]) == ["EMPLOYED_BY", "FOR", "PROJECT_MANAGER", "SUBMITTED"]
