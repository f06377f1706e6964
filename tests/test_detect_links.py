"""Identifier, ownership, expert and agency detectors on a hand-built graph: positives,
allow-listed and common identifiers, consortium look-alikes, as-of dates, evidence."""

from __future__ import annotations

import pytest
from detectgraph import Builder, node_keys, rel_types

from bidgraph.analysis import run_detector
from bidgraph.graph.store import GraphStore


@pytest.fixture(scope="module")
def g(store: GraphStore) -> Builder:
    b = Builder(store)
    a, c, d, e, f = (b.company(k, n) for k, n in [("A", "甲"), ("C", "丙"), ("D", "丁"), ("E", "戊"), ("F", "己")])
    t1, t2, t3 = b.tender("T1"), b.tender("T2"), b.tender("T3")
    bids = {(x[1], t[1]): b.bid(x, t) for t in (t1, t2) for x in (a, c, d)}
    # T1: A and C uploaded from one IP and deposits from one account; D from the trading centre's IP (allow-listed)
    ip = ("IP", b.node("IP", "10.0.0.8", value="10.0.0.8"))
    centre = ("IP", b.node("IP", "10.0.0.1", value="10.0.0.1", allowed=True, allow_reason="交易中心"))
    account = ("BankAccount", b.node("BankAccount", "6222000011112222", value="6222000011112222"))
    b.rel(bids["A", "T1"], "UPLOADED_FROM", ip)
    b.rel(bids["C", "T1"], "UPLOADED_FROM", ip)
    b.rel(bids["A", "T1"], "DEPOSIT_FROM", account)
    b.rel(bids["C", "T1"], "DEPOSIT_FROM", account)
    b.rel(bids["D", "T1"], "UPLOADED_FROM", centre)
    b.rel(bids["A", "T2"], "UPLOADED_FROM", centre)
    # a hot-desk device used by many bidders: above the base-rate cap
    device = ("Device", b.node("Device", "mac:AABBCCDDEEFF", kind="mac", value="AABBCCDDEEFF"))
    for i in range(9):
        other = b.company(f"X{i}", f"企业{i}")
        b.rel(b.bid(other, t3), "MADE_ON", device)
    b.rel(bids["D", "T2"], "MADE_ON", device)
    b.rel(bids["C", "T2"], "MADE_ON", device)
    # contacts: A and D share a phone; C and D register at an incubator address shared by five firms
    phone = ("Phone", b.node("Phone", "13800000000", value="13800000000"))
    b.rel(a, "HAS_PHONE", phone)
    b.rel(d, "HAS_PHONE", phone)
    hub = ("Address", b.node("Address", "高新区创业大厦", value="高新区创业大厦"))
    for x in (c, d, e, f, b.company("G", "庚")):
        b.rel(x, "REGISTERED_AT", hub)
    # control: person 刘 holds 60% of E and 70% of F (both bid T4); A holds 80% of C (T2); share sold before T5
    liu = b.person("id:liu", "刘")
    t4 = b.tender("T4", bid_open="2024-06-01")
    t5 = b.tender("T5", bid_open="2025-06-01")
    for x in (e, f):
        b.bid(x, t4, bid_open="2024-06-01")
        b.bid(x, t5, bid_open="2025-06-01")
    b.rel(liu, "SHAREHOLDER_OF", e, pct=60.0, start="2020-01-01", end="2024-12-31")
    b.rel(liu, "SHAREHOLDER_OF", f, pct=70.0)
    b.rel(a, "SHAREHOLDER_OF", c, pct=80.0)
    # a consortium of A and C on T6: A's stake in C is no conflict there
    t6 = b.tender("T6")
    b.bid(b.consortium(t6, [a, c]), t6)
    b.bid(d, t6)
    # expert 吴 evaluated T1 and is employed by D (left 2023-01, within 36 months); expert 郑 works for the tenderer
    wu = b.person("id:wu", "吴", expert=True)
    zheng = b.person("id:zheng", "郑", expert=True)
    b.rel(wu, "EVALUATED", t1)
    b.rel(wu, "EMPLOYED_BY", d, start="2015-01-01", end="2023-01-31")
    tenderer = ("Tenderer", b.node("Tenderer", "H", name="某局"))
    b.rel(tenderer, "TENDERED", t2)
    b.rel(zheng, "EVALUATED", t2)
    b.rel(zheng, "EMPLOYED_BY", tenderer)
    # agency 甲代理: its manager is a shareholder of D (T1)
    agency = ("Agency", b.node("Agency", "AG", name="甲代理"))
    b.rel(agency, "AGENT_OF", t1)
    b.rel(b.person("id:ma", "马"), "OFFICER_OF", agency, position="经理")
    b.rel(("Person", "id:ma"), "SHAREHOLDER_OF", d, pct=10.0)
    return b


def pairs(findings: list) -> list[tuple[str, tuple[str, ...]]]:
    return sorted((",".join(f.tender_codes), tuple(sorted(f.entity_keys("Company")))) for f in findings)


def test_shared_identifiers_allow_list_and_base_rate(store: GraphStore, g: Builder) -> None:
    findings = run_detector(store, "shared_identifier")
    # T6: A bids inside a consortium, still one side against D, so the shared phone counts
    assert pairs(findings) == [("T1", ("A", "C")), ("T1", ("A", "D")), ("T2", ("A", "D")), ("T6", ("A", "D"))]
    bid_level = next(f for f in findings if f.query_id == "shared_identifier")
    assert bid_level.entity_keys("IP") == {"10.0.0.8"} and bid_level.entity_keys("BankAccount") == {"6222000011112222"}
    assert rel_types(bid_level).count("DEPOSIT_FROM") == 2 and "10.0.0.1" not in node_keys(bid_level)
    assert bid_level.score == 95.0  # two bidders share the account: no discount
    wider = run_detector(store, "shared_identifier", {"max_base": 20})
    device = [f for f in wider if "mac:AABBCCDDEEFF" in f.entity_keys() and f.tender_codes == ("T2",)]
    assert pairs(device) == [("T2", ("C", "D"))] and device[0].score == pytest.approx(90 * 2 / 11)


def test_shared_contact_discounts_incubator(store: GraphStore, g: Builder) -> None:
    findings = [f for f in run_detector(store, "shared_identifier") if f.query_id == "shared_contact"]
    assert pairs(findings) == [("T1", ("A", "D")), ("T2", ("A", "D")), ("T6", ("A", "D"))]
    assert rel_types(findings[0]) == ["FOR", "FOR", "HAS_PHONE", "HAS_PHONE", "SUBMITTED", "SUBMITTED"]
    hub = [f for f in run_detector(store, "shared_contact", {"max_base": 5}) if "高新区创业大厦" in f.entity_keys()]
    expected = [("T1", ("C", "D")), ("T2", ("C", "D")), ("T4", ("E", "F")), ("T5", ("E", "F")), ("T6", ("C", "D"))]
    assert pairs(hub) == expected and hub[0].score == pytest.approx(24.0)


def test_corporate_control_as_of_and_consortium(store: GraphStore, g: Builder) -> None:
    findings = run_detector(store, "corporate_control")
    assert pairs(findings) == [("T1", ("A", "C")), ("T2", ("A", "C")), ("T4", ("E", "F"))]  # not T5, not T6
    common = next(f for f in findings if f.tender_codes == ("T4",))
    assert common.entity_keys("Person") == {"id:liu"}
    assert rel_types(common) == ["FOR", "FOR", "SHAREHOLDER_OF", "SHAREHOLDER_OF", "SUBMITTED", "SUBMITTED"]
    assert common.figures == {"对甲方持股（%）": 60.0, "对乙方持股（%）": 70.0, "证据行数": 1}
    assert common.summary.startswith("刘")  # the common controller, then both companies
    assert "控制戊（60%）与己（70%）" in common.summary
    direct = next(f for f in findings if f.tender_codes == ("T1",))
    assert direct.summary.startswith("甲持有丙（80%）") and "控制" not in direct.summary  # not 「甲控制甲（100%）」
    assert pairs(run_detector(store, "corporate_control", {"min_pct": 65})) == [("T1", ("A", "C")), ("T2", ("A", "C"))]


def test_expert_conflicts(store: GraphStore, g: Builder) -> None:
    findings = [f for f in run_detector(store, "expert_conflict") if f.query_id == "expert_conflict"]
    got = sorted((f.tender_codes, f.figures["关联方式"]) for f in findings)
    assert got == [(("T1",), "近期曾任职于投标人"), (("T2",), "任职于招标人")]
    short = run_detector(store, "expert_conflict", {"window_months": 6})
    assert [f.tender_codes for f in short if f.query_id == "expert_conflict"] == [("T2",)]
    wu = next(f for f in findings if f.tender_codes == ("T1",))
    assert rel_types(wu) == ["EMPLOYED_BY", "EVALUATED", "FOR", "SUBMITTED"]


def test_agency_tie(store: GraphStore, g: Builder) -> None:
    findings = run_detector(store, "agency_tie")
    assert pairs(findings) == [("T1", ("D",))]
    assert findings[0].entity_keys() >= {"AG", "D", "id:ma"}
    assert rel_types(findings[0]) == ["AGENT_OF", "FOR", "OFFICER_OF", "SHAREHOLDER_OF", "SUBMITTED"]
