"""Person-based detectors on a hand-built graph: cross-appointment, kinship (between
bidders and 回避 conflicts), shared staff and 挂靠 — positives, look-alikes, as-of dates
and the exact evidence paths."""

from __future__ import annotations

import pytest
from detectgraph import Builder, node_keys, rel_types

from bidgraph.analysis import run_detector
from bidgraph.graph.store import GraphStore


@pytest.fixture(scope="module")
def g(store: GraphStore) -> Builder:
    b = Builder(store)
    a, c, d, e = (b.company(k, n) for k, n in [("A", "甲公司"), ("C", "丙公司"), ("D", "丁公司"), ("E", "戊公司")])
    zhang = b.person("id:zhang", "张三")
    zhang2 = b.person("id:zhang2", "张三")  # same name, another person
    # T1: 张三 is legal rep of A and director of C -> cross-appointment
    t1 = b.tender("T1")
    b.bid(a, t1)
    b.bid(c, t1)
    b.bid(d, t1)
    b.rel(zhang, "LEGAL_REP_OF", a, start="2020-01-01")
    b.rel(zhang, "OFFICER_OF", c, position="董事", start="2021-01-01")
    # D's legal rep is another 张三: not the same person
    b.rel(zhang2, "LEGAL_REP_OF", d)
    # T2 (2019): before 张三 joined C -> no cross-appointment
    t2 = b.tender("T2", bid_open="2019-06-01")
    b.bid(a, t2, bid_open="2019-06-01")
    b.bid(c, t2, bid_open="2019-06-01")
    # T3: A and C bid as one consortium against E -> one side, nothing between A and C
    t3 = b.tender("T3")
    k = b.consortium(t3, [a, c])
    b.bid(k, t3)
    b.bid(e, t3)
    # kinship: 李四 (manager of D) is spouse of 王五 (employee of E); both bid T4
    li, wang = b.person("id:li", "李四"), b.person("id:wang", "王五")
    b.rel(li, "OFFICER_OF", d, position="经理")
    b.rel(wang, "EMPLOYED_BY", e, basis="social_insurance", start="2020-01-01", end="2023-12-31")
    b.rel(li, "KIN_OF", wang, relation="配偶", basis="household", confidence=0.95)
    t4 = b.tender("T4", bid_open="2023-05-01")
    b.bid(d, t4, bid_open="2023-05-01")
    b.bid(e, t4, bid_open="2023-05-01")
    t5 = b.tender("T5", bid_open="2024-05-01")  # 王五 left E by then
    b.bid(d, t5, bid_open="2024-05-01")
    b.bid(e, t5, bid_open="2024-05-01")
    # 回避: 赵六 (employee of tenderer G) is brother of 李四 (D); expert 钱七 is cousin of 王五
    tenderer = ("Tenderer", b.node("Tenderer", "G", name="某局"))
    zhao = b.person("id:zhao", "赵六")
    qian = b.person("id:qian", "钱七", expert=True)
    b.rel(zhao, "EMPLOYED_BY", tenderer)
    b.rel(zhao, "KIN_OF", li, relation="兄弟", confidence=0.9)
    b.rel(qian, "KIN_OF", wang, relation="表亲", confidence=0.3)  # below the default confidence
    b.rel(tenderer, "TENDERED", t4)
    b.rel(("Person", "id:qian"), "EVALUATED", t4)
    # shared staff: 孙八 is PM of A's bid and agent of E's bid on T6; 周九 PM of C registered with D
    t6 = b.tender("T6")
    sun, zhou = b.person("id:sun", "孙八"), b.person("id:zhou", "周九")
    b.rel(b.bid(a, t6), "PROJECT_MANAGER", sun)
    b.rel(b.bid(e, t6), "AGENT", sun)
    b.rel(b.bid(c, t6), "PROJECT_MANAGER", zhou)
    cert = ("Certificate", b.node("Certificate", "builder:京111", kind="builder", number="京111"))
    b.rel(zhou, "HOLDS", cert)
    b.rel(cert, "REGISTERED_WITH", d)
    return b


def by_tender(findings: list, code: str) -> list:
    return [f for f in findings if code in f.tender_codes]


def test_cross_appointment_positive_with_exact_evidence(store: GraphStore, g: Builder) -> None:
    findings = by_tender(run_detector(store, "cross_appointment"), "T1")
    assert len(findings) == 1
    f = findings[0]
    assert f.entity_keys("Company") == {"A", "C"}
    assert f.entity_keys("Person") == {"id:zhang"}
    assert rel_types(f) == ["FOR", "FOR", "LEGAL_REP_OF", "OFFICER_OF", "SUBMITTED", "SUBMITTED"]
    assert node_keys(f) == {"id:zhang", "A", "C", "T1|A", "T1|C", "T1"}
    assert f.figures["乙方职务"] == "董事" or f.figures["甲方职务"] == "董事"
    assert "第34条" in f.legal_ground
    assert {s["load_id"] for s in f.sources} == {"test-load"} and len(f.sources) == 12
    assert f.query_id == "cross_appointment" and f.params["date_from"] == "1900-01-01"
    assert "张三" in f.summary


def test_cross_appointment_as_of_date_and_lookalikes(store: GraphStore, g: Builder) -> None:
    findings = run_detector(store, "cross_appointment")
    # T6 is right too (张三 still heads A and C); not T2 (before), not T3 (consortium), not D (namesake)
    assert sorted(f.tender_codes for f in findings) == [("T1",), ("T6",)]


def test_cross_appointment_parameters_filter(store: GraphStore, g: Builder) -> None:
    assert run_detector(store, "cross_appointment", {"date_to": "2023-12-31"}) == []
    assert run_detector(store, "cross_appointment", {"industry": "水利"}) == []


def test_kinship_between_bidders_as_of_date(store: GraphStore, g: Builder) -> None:
    findings = run_detector(store, "kinship")
    assert [f.tender_codes for f in findings] == [("T4",)]
    f = findings[0]
    assert f.entity_keys("Company") == {"D", "E"}
    assert f.entity_keys("Person") == {"id:li", "id:wang"}
    assert rel_types(f) == ["EMPLOYED_BY", "FOR", "FOR", "KIN_OF", "OFFICER_OF", "SUBMITTED", "SUBMITTED"]
    assert f.figures["亲属关系"] == "配偶"


def test_kinship_conflict_tenderer_and_expert_kin(store: GraphStore, g: Builder) -> None:
    findings = run_detector(store, "kinship_conflict")
    assert [(f.tender_codes, f.figures["回避对象"]) for f in findings] == [(("T4",), "招标人")]
    assert findings[0].entity_keys() >= {"D", "G", "id:li", "id:zhao"}
    assert rel_types(findings[0]) == ["EMPLOYED_BY", "FOR", "KIN_OF", "OFFICER_OF", "SUBMITTED", "TENDERED"]
    assert [f for f in run_detector(store, "expert_conflict") if f.entity_keys() & {"id:qian"}] == []
    low = [f for f in run_detector(store, "expert_conflict", {"min_confidence": 0.2}) if f.tender_codes == ("T4",)]
    assert [(f.entity_keys("Company"), f.entity_keys("Person")) for f in low] == [({"E"}, {"id:qian", "id:wang"})]
    assert rel_types(low[0]) == ["EMPLOYED_BY", "EVALUATED", "FOR", "KIN_OF", "SUBMITTED"]


def test_shared_staff_and_certificate(store: GraphStore, g: Builder) -> None:
    findings = run_detector(store, "shared_staff")
    pairs = sorted((f.query_id, tuple(sorted(f.entity_keys("Company")))) for f in findings)
    assert pairs == [("shared_certificate", ("C", "D")), ("shared_staff", ("A", "E"))]
    staff = next(f for f in findings if f.query_id == "shared_staff")
    assert rel_types(staff) == ["AGENT", "FOR", "PROJECT_MANAGER", "SUBMITTED", "SUBMITTED"]
    assert staff.figures["方式"] == "分别为项目负责人和委托代理人"
    cert = next(f for f in findings if f.query_id == "shared_certificate")
    assert rel_types(cert) == ["FOR", "HOLDS", "PROJECT_MANAGER", "REGISTERED_WITH", "SUBMITTED"]
    assert node_keys(cert) == {"C", "T6", "id:zhou", "D", "T6|C", "builder:京111"}


def test_a_tender_without_an_opening_date_is_in_every_date_range(store: GraphStore, g: Builder) -> None:
    # real exports miss dates: such a tender is kept in any range (as market_tenders keeps it), not dropped
    t9 = g.tender("T9", bid_open=None)
    g.rel(g.bid(("Company", "A"), t9, bid_open=None), "PROJECT_MANAGER", ("Person", "id:sun"))
    g.rel(g.bid(("Company", "E"), t9, bid_open=None), "AGENT", ("Person", "id:sun"))
    found = run_detector(store, "shared_staff", {"date_from": "2030-01-01", "date_to": "2030-12-31"})
    assert [f.tender_codes for f in found if f.query_id == "shared_staff"] == [("T9",)]
