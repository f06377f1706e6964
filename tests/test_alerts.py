"""预警督办 against the real embedded graph (routing reads the tenders' supervising
departments) and the real alert store: dedup across re-runs, 按权限 routing, deadlines
with a controlled clock, reasoned dismissal, alert → case with its evidence, 督办 figures."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bidgraph import audit
from bidgraph.alerts import AlertError, AlertStore
from bidgraph.alerts.service import raise_alerts, to_case
from bidgraph.alerts.stats import by_department, by_person, by_rule
from bidgraph.analysis.findings import Finding
from bidgraph.cases import CaseStore
from bidgraph.graph import GraphStore
from bidgraph.graph.model import Node, Relationship, Subgraph
from bidgraph.settings import Settings
from bidgraph.viewer import Viewer

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
TENDERS = [  # code, industry, region, department code, department name
    ("W-1", "水利", "甲市", "D-水利", "甲市水利局"),
    ("W-2", "水利", "甲市", "D-水利", "甲市水利局"),
    ("W-3", "水利", "甲市", "D-水利", "甲市水利局"),
    ("J-1", "交通", "甲市", "D-交通", "甲市交通运输局"),
]


@pytest.fixture(scope="module")
def graph(store: GraphStore) -> GraphStore:
    store.write(
        "UNWIND $rows AS r MERGE (t:Tender {key: r[0]}) SET t.code = r[0], t.industry = r[1], t.region = r[2]"
        " MERGE (d:Department {key: r[3]}) SET d.name = r[4] MERGE (d)-[:SUPERVISES]->(t)",
        {"rows": [list(t) for t in TENDERS]},
    )
    return store


@pytest.fixture
def settings(module_settings: Settings, tmp_path: Path) -> Settings:
    """A fresh alert store (and case store, audit log) per test; the graph is shared."""
    return module_settings.model_copy(update={"data_dir": tmp_path, "alert_days_high": 3, "alert_days_low": 30})


def finding(detector: str, companies: list[str], tenders: list[str], score: float = 80) -> Finding:
    evidence = Subgraph()
    for key in companies:
        evidence.nodes[f"n-{key}"] = Node(f"n-{key}", ("Company",), {"key": key, "name": f"公司{key}", "row": 3})
    for code in tenders:
        evidence.nodes[f"t-{code}"] = Node(f"t-{code}", ("Tender",), {"key": code, "code": code})
        for key in companies:
            rid = f"r-{key}-{code}"
            evidence.relationships[rid] = Relationship(rid, "BID_ON", f"n-{key}", f"t-{code}", {"price": 1.5})
    return Finding(
        detector=detector,
        title=f"{detector} 测试发现",
        legal_ground="《招标投标法实施条例》第40条",
        score=score,
        entities=tuple(("Company", k, f"公司{k}") for k in companies),
        tender_codes=tuple(tenders),
        figures={"cobids": len(tenders)},
        evidence=evidence,
        sources=({"fact": "Company:A", "source": "companies.csv", "row": 3, "load_id": "L1"},),
        query_id="",
        params={},
        summary=f"{'、'.join(companies)} 在 {len(tenders)} 个标段共同投标",
    )


RING = finding("cobid_ring", ["A", "B", "C"], ["W-1", "W-2"])
LOW = finding("price_screen", ["D"], ["J-1"], score=30)


def test_rerun_raises_nothing_already_known_and_grown_evidence_keeps_history(graph, settings) -> None:
    first = raise_alerts(graph, settings, actor="t", findings=[RING, LOW], now=T0)
    assert len(first.new) == 2
    again = raise_alerts(graph, settings, actor="t", findings=[RING, LOW], now=T0 + timedelta(days=1))
    assert (again.new, again.grown, again.unchanged) == ([], [], 2)

    alerts = AlertStore(settings)
    ring_id = next(a.id for a in alerts.list() if a.detector == "cobid_ring")
    alerts.dismiss(ring_id, "正常竞争", "联合体常规合作", actor="chief", now=T0 + timedelta(days=1))
    assert raise_alerts(graph, settings, actor="t", findings=[RING], now=T0 + timedelta(days=2)).new == []
    assert alerts.get(ring_id).status == "已排除"  # a dismissed finding does not come back

    grown = finding("cobid_ring", ["A", "B", "C"], ["W-1", "W-2", "W-3"])
    result = raise_alerts(graph, settings, actor="t", findings=[grown], now=T0 + timedelta(days=3))
    assert (result.new, result.reopened) == ([], [ring_id])
    alert = alerts.get(ring_id)
    assert (alert.status, alert.version, alert.tenders) == ("待处理", 2, ("W-1", "W-2", "W-3"))
    actions = [e["action"] for e in alerts.history(ring_id)]
    assert actions == ["raise", "dismiss", "reopen"]
    assert alerts.history(ring_id)[-1]["details"]["tenders_added"] == ["W-3"]
    # the old and the grown evidence are both known now
    assert raise_alerts(graph, settings, actor="t", findings=[RING, grown], now=T0).unchanged == 2


def test_a_larger_finding_beside_a_smaller_one_is_a_second_alert(graph, settings) -> None:
    pair = finding("cobid_ring", ["A", "B"], ["W-1"])
    result = raise_alerts(graph, settings, actor="t", findings=[pair, RING], now=T0)
    assert len(result.new) == 2 and result.grown == []


def test_alerts_route_to_the_supervising_department_and_stay_in_their_sector(graph, settings) -> None:
    raise_alerts(graph, settings, actor="t", findings=[RING, LOW, finding("x", ["E"], ["W-1", "J-1"])], now=T0)
    alerts = AlertStore(settings)
    by_detector = {a.detector: a for a in alerts.list()}
    assert (by_detector["cobid_ring"].department, by_detector["cobid_ring"].sectors) == ("D-水利", ("水利",))
    assert by_detector["price_screen"].department_name == "甲市交通运输局"

    water = alerts.list(Viewer(user="w", sectors=frozenset({"水利"})))
    transport = alerts.list(Viewer(user="j", sectors=frozenset({"交通"})))
    assert [a.detector for a in water] == ["cobid_ring"]
    assert [a.detector for a in transport] == ["price_screen"]
    # an alert spanning both sectors is seen only by someone who may see both
    assert "x" in {a.detector for a in alerts.list(Viewer(user="b", sectors=frozenset({"水利", "交通"})))}
    assert len(alerts.list()) == 3


def test_deadline_by_severity_and_overdue_counted_with_a_controlled_clock(graph, settings) -> None:
    raise_alerts(graph, settings, actor="t", findings=[RING, LOW], now=T0)
    alerts = AlertStore(settings)
    ring, low = (next(a for a in alerts.list() if a.detector == d) for d in ("cobid_ring", "price_screen"))
    assert ring.deadline == T0 + timedelta(days=3)  # high: alert_days_high
    assert low.deadline == T0 + timedelta(days=30)  # low: alert_days_low

    alerts.assign(ring.id, "li", actor="chief", now=T0 + timedelta(hours=1))
    day5 = T0 + timedelta(days=5)
    assert [a.detector for a in alerts.list() if a.overdue(day5)] == ["cobid_ring"]
    departments = {d.name: d for d in by_department(alerts.list(), day5)}
    assert (departments["甲市水利局"].open, departments["甲市水利局"].overdue) == (1, 1)
    assert departments["甲市交通运输局"].overdue == 0
    assert {p.name: p.overdue for p in by_person(alerts.list(), day5)} == {"li": 1, "（未分派）": 0}

    alerts.dismiss(low.id, "数据错误", "报价录入错位", actor="chief", now=T0 + timedelta(days=2))
    to_case(settings, ring.id, actor="li", now=day5)  # closed late
    figures = {d.name: d for d in by_department(alerts.list(), day5)}
    water, transport = figures["甲市水利局"], figures["甲市交通运输局"]
    assert (water.on_time, water.overdue, water.median_days) == (0, 0, 5)
    assert (transport.on_time, transport.median_days) == (1, 2)
    rules = {r.detector: r for r in by_rule(alerts.list())}
    assert rules["cobid_ring"].confirmation_rate == 1.0
    assert (rules["price_screen"].confirmation_rate, rules["price_screen"].dismiss_reasons) == (0.0, {"数据错误": 1})
    assert (rules["cobid_ring"].precision, rules["price_screen"].precision) == (1.0, 0.0)
    assert rules["cobid_ring"].precision_text() == "精确率 100%（已处置 1 条）"


def test_daily_digest_per_department_lists_new_and_overdue_alerts_and_sends_nothing_offline(graph, settings) -> None:
    from bidgraph.alerts.digest import Digest, digests, send_digests, write_digests

    raise_alerts(graph, settings, actor="t", findings=[RING, LOW], now=T0)  # 17:00 Beijing time, 2026-01-05

    def counts(items: Iterable[Digest]) -> dict[str, tuple[int, int]]:
        return {d.name: (len(d.new), len(d.overdue)) for d in items}

    first = digests(settings, T0.date(), now=T0 + timedelta(hours=1))
    assert counts(first) == {"甲市水利局": (1, 0), "甲市交通运输局": (1, 0)}
    later = {d.name: d for d in digests(settings, (T0 + timedelta(days=4)).date(), now=T0 + timedelta(days=9))}
    # at the end of day 4 the high alert (3 days) is overdue, the low one (30 days) is not
    assert counts(later.values()) == {"甲市水利局": (0, 1), "甲市交通运输局": (0, 0)}
    paths = write_digests(list(later.values()), settings.data_dir / "digests")
    texts = {p.name: p.read_text(encoding="utf-8") for p in paths}
    assert set(texts) == {"2026-01-09-甲市水利局.md", "2026-01-09-甲市交通运输局.md"}
    assert "逾期未办结（1 条）" in texts["2026-01-09-甲市水利局.md"] and "A、B、C" in texts["2026-01-09-甲市水利局.md"]
    assert "无逾期预警" in texts["2026-01-09-甲市交通运输局.md"]
    assert send_digests(list(later.values()), settings) == ([], [])  # no SMTP host: nothing goes out
    water = Viewer(user="w", sectors=frozenset({"水利"}))
    assert [d.name for d in digests(settings, T0.date(), viewer=water, now=T0)] == ["甲市水利局"]


def test_dismissal_needs_a_reason_category_and_a_comment(graph, settings) -> None:
    alert_id = raise_alerts(graph, settings, actor="t", findings=[LOW], now=T0).new[0]
    alerts = AlertStore(settings)
    with pytest.raises(AlertError, match="排除理由"):
        alerts.dismiss(alert_id, "看着没问题", "无", actor="chief")
    with pytest.raises(AlertError, match="说明"):
        alerts.dismiss(alert_id, "其他", "  ", actor="chief")
    assert alerts.get(alert_id).status == "待处理"
    alerts.dismiss(alert_id, "其他", "招标人已撤销该项目", actor="chief")
    with pytest.raises(AlertError, match="已排除"):
        alerts.assign(alert_id, "li", actor="chief")


def test_alert_to_case_carries_its_evidence_and_every_step_is_audited(graph, settings) -> None:
    ring_id, low_id = raise_alerts(graph, settings, actor="t", findings=[RING, LOW], now=T0).new
    alerts = AlertStore(settings)
    alerts.assign(ring_id, "li", actor="chief")
    case_id = to_case(settings, ring_id, actor="li", comment="证据充分")
    assert to_case(settings, low_id, actor="li", case_id=case_id) == case_id  # joins the case

    case = CaseStore(settings).get(case_id)
    assert {n.key for n in case.nodes.values()} >= {"A", "B", "C", "W-1", "W-2"}
    assert len(case.relationships) == 3 * 2 + 1
    assert case.findings[0].data["figures"] == {"cobids": 2}
    assert case.findings[0].data["sources"][0]["source"] == "companies.csv"
    assert (alerts.get(ring_id).status, alerts.get(ring_id).case_id) == ("已转线索", case_id)
    with pytest.raises(AlertError, match="已转线索"):
        to_case(settings, ring_id, actor="li")

    actions = [e["action"] for e in audit.entries(settings.data_dir)]
    assert actions.count("alert.raise") == 1
    assert [a for a in actions if a.startswith("alert.")][1:3] == ["alert.assign", "alert.to_case"]
    assert audit.verify(settings.data_dir) is None


def test_page_shows_the_queue_with_overdue_and_the_figures(graph, settings, monkeypatch) -> None:
    from streamlit.testing.v1 import AppTest

    raise_alerts(graph, settings, actor="t", findings=[RING, LOW], now=T0)  # long overdue by today
    monkeypatch.setenv("BIDGRAPH_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("BIDGRAPH_GRAPH_NAME", settings.graph_name)
    monkeypatch.setenv("BIDGRAPH_GRAPH_URL", "")
    app = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=120)
    app.run()
    app.switch_page("workbench/pages/alerts.py").run()
    assert not app.exception, [e.message for e in app.exception]
    assert {m.label: m.value for m in app.metric} == {"在办预警": "2", "逾期": "2", "本人权限内预警": "2"}
    queue = app.dataframe[0].value
    assert list(queue["逾期"]) == ["逾期", "逾期"]
    assert set(queue["监督部门"]) == {"甲市水利局", "甲市交通运输局"}
    assert [t.label for t in app.tabs] == ["按监督部门", "按承办人", "按规则（转线索率）"]


def test_sector_report_covers_the_period_and_its_alert_handling(graph, settings) -> None:
    from datetime import date

    from bidgraph.report import build_report, render_html
    from bidgraph.report.build import ReportError

    graph.write("MATCH (t:Tender) SET t.bid_open = CASE t.code WHEN 'W-3' THEN '2025-09-01' ELSE '2025-03-01' END")
    ring_id, _ = raise_alerts(graph, settings, actor="t", findings=[RING, LOW], now=T0).new
    AlertStore(settings).dismiss(ring_id, "已有处理", "已由纪委立案", actor="chief", now=T0)
    report = build_report(graph, settings, "水利", date(2025, 1, 1), date(2025, 6, 30))
    assert report.tenders == 2  # W-3 opened after the period
    assert report.groups == [] and report.prices.empty  # no bids in this graph: nothing to analyse
    assert [(r.detector, r.dismissed) for r in report.rules] == [("cobid_ring", 1)]  # the 交通 alert is not 水利's
    assert report.rules[0].precision == 1.0  # dismissed as 已有处理: the alert was right
    html = render_html(report)
    assert "甲市水利局" in html and "本期本行业未发现抱团团伙" in html
    assert "<script" not in html and "http" not in html  # renders offline
    with pytest.raises(ReportError, match="没有开标的标段"):
        build_report(graph, settings, "水利", date(2020, 1, 1), date(2020, 6, 30))
