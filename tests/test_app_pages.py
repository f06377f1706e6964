"""Every workbench page through Streamlit's AppTest on the sample data: no exception,
the key widgets are there, and the results a person came for are shown."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import settings_for
from streamlit.testing.v1 import AppTest

from bidgraph.graph import open_store
from bidgraph.loaders import load_paths
from bidgraph.services.common import NodeRef

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
TRUTH = json.loads((SAMPLE / "ground_truth.json").read_text(encoding="utf-8"))
RING = next(s for s in TRUTH["schemes"] if s["detector"] == "cobid_ring" and not s.get("decoy"))


@pytest.fixture(scope="module")
def sample_graph(store, module_settings, data_dir) -> Iterator[None]:
    report = load_paths(store, sorted(SAMPLE.glob("*.csv")), actor="test", data_dir=data_dir)
    assert report.written, report.summary()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BIDGRAPH_DATA_DIR", str(data_dir))
        patch.setenv("BIDGRAPH_GRAPH_NAME", module_settings.graph_name)
        patch.setenv("BIDGRAPH_GRAPH_URL", "")
        yield


def page(name: str, **state: object) -> AppTest:
    """The app opened on page ``name`` (through the navigation, as a person reaches it)."""
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in state.items():
        app.session_state[key] = value
    app.run()
    if name != "overview":
        app.switch_page(f"workbench/pages/{name}.py").run()
    assert not app.exception, [e.message for e in app.exception]
    return app


def test_navigation_lists_the_pages(sample_graph):
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not app.exception, [e.message for e in app.exception]
    assert app.title[0].value == "总览"


def test_overview_shows_figures_charts_and_triage(sample_graph):
    app = page("overview")
    metrics = {m.label: m.value for m in app.metric}
    assert int(metrics["标段/包"].replace(",", "")) > 100
    assert metrics["交易总额"].endswith("元")
    assert len(app.tabs) >= 3
    for _ in range(180):  # the triage list is computed in the background
        frames = [df.value for df in app.dataframe if "分值" in df.value.columns]
        if frames:
            break
        time.sleep(1)
        app.run()
    assert frames and len(frames[0]) > 0 and frames[0]["分值"].iloc[0] > 0
    assert not app.error


def test_search_finds_a_ring_member_by_partial_name(sample_graph, store):
    name = store.run("MATCH (c:Company {key: $key}) RETURN c.name", {"key": RING["companies"][0]}).value()
    app = page("search")
    app.text_input(key="search:text").input(name[2:8]).run()
    results = app.dataframe[0].value
    assert name in set(results["名称"])


def test_profile_of_a_ring_member_shows_bids_and_co_bidders(sample_graph):
    app = page("profile", profile_ref=NodeRef("Company", RING["companies"][0]))
    assert app.title[0].value.startswith("企业画像：")
    labels = [m.label for m in app.metric]
    assert "投标次数" in labels and int(next(m.value for m in app.metric if m.label == "投标次数")) > 0
    co_bidders = next(df.value for df in app.dataframe if "共同投标企业" in df.value.columns)
    assert set(RING["companies"][1:]) & set(co_bidders["key"])
    view = app.session_state["profile:view"]
    before = len(view.visible().nodes)
    person = next(nid for nid, n in view.graph.nodes.items() if n.label == "Person")
    app.selectbox(key="profile:node").set_value(person).run()
    app.button(key="profile:expand").click().run()
    assert not app.exception, [e.message for e in app.exception]
    assert len(app.session_state["profile:view"].visible().nodes) > before
    app.button(key="profile:hide").click().run()
    assert person not in app.session_state["profile:view"].visible().nodes


def test_profile_of_a_tender_shows_price_screens(sample_graph, store):
    code = store.run("MATCH (b:Bid)-[:FOR]->(t:Tender) WITH t, count(b) AS n WHERE n >= 4 RETURN t.key LIMIT 1").value()
    app = page("profile", profile_ref=NodeRef("Tender", code))
    frames = [df.value for df in app.dataframe]
    assert any("变异系数CV" in f.columns for f in frames)
    assert any("投标人" in f.columns and len(f) >= 4 for f in frames)


def test_profile_without_selection_offers_search(sample_graph):
    app = page("profile")
    assert app.text_input(key="profile_search:text") is not None


def test_detectors_page_finds_the_planted_ring(sample_graph, store):
    names = store.run("MATCH (c:Company) WHERE c.key IN $keys RETURN c.name", {"keys": RING["companies"]}).column(
        "c.name"
    )
    app = page("detectors")
    app.selectbox(key="detector:id").select("cobid_ring").run()
    next(b for b in app.button if b.label == "运行").click().run()
    assert not app.exception, [e.message for e in app.exception]
    findings = app.dataframe[0].value
    assert len(findings) > 0
    best = max(sum(name in members for name in names) for members in findings["涉及主体"])
    assert best >= math.ceil(2 * len(names) / 3), f"埋设的抱团投标 {names} 最多只有 {best} 家出现在同一条结果中"
    assert [d.label for d in app.get("download_button")] == ["下载 CSV", "下载 Excel"]


def test_cypher_page_runs_and_saves_a_query(sample_graph, module_settings):
    app = page("cypher", **{"cypher:text:plain": True})  # AppTest cannot type into the Ace component
    app.text_area(key="cypher:text").input(
        "MATCH (c:Company) WHERE c.name CONTAINS $kw RETURN c.name AS name LIMIT 5"
    ).run()
    app.text_input(key="cypher:value:kw").input("公司").run()
    app.button(key="cypher:run").click().run()
    assert not app.exception, [e.message for e in app.exception]
    assert len(app.dataframe[-1].value) == 5
    form_inputs = app.text_input
    form_inputs[-3].input("firms_by_keyword")
    form_inputs[-2].input("按关键词找企业")
    app.text_area[-1].input("名称含关键词的企业")
    next(b for b in app.button if b.label == "保存").click().run()
    assert any("已保存" in s.value for s in app.success)
    detectors = page("detectors")
    assert "firms_by_keyword" in detectors.selectbox(key="detector:id").options or any(
        "按关键词找企业" in o for o in detectors.selectbox(key="detector:id").options
    )


def test_data_page_checks_a_folder(sample_graph):
    app = page("data")
    app.radio(key="data:source").set_value("服务器上的文件夹").run()
    app.text_input(key="data:folder").input(str(SAMPLE)).run()
    app.button(key="data:check").click().run()
    assert not app.exception, [e.message for e in app.exception]
    assert any(m.label == "状态" and m.value == "检查通过" for m in app.metric)
    history = app.dataframe[-1].value
    assert "已导入" in set(history["状态"])


def test_empty_graph_tells_a_new_user_how_to_load_data(sample_graph, module_settings, monkeypatch):
    empty = f"{module_settings.graph_name}_empty"
    monkeypatch.setenv("BIDGRAPH_GRAPH_NAME", empty)
    try:
        app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
        assert not app.exception, [e.message for e in app.exception]
        assert any("还没有数据" in i.value for i in app.info)
    finally:
        with open_store(settings_for(module_settings, empty)) as store:
            store.clear()
