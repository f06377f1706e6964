"""The two-way graph panel in a real browser (Debian's Chromium through Playwright), on
the small hand-built graph: double-click expands with the layout kept, the context menu
hides, expands by type and shows a relationship's facts, Ctrl+click selects two nodes and
the shortest path between them is drawn, and the time slider hides an expired role."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from test_browser import BROWSER, serve_workbench, settle, workbench_env
from workbench_fixture import COMPANIES, LI, build_fixture

from bidgraph.bench.ui import CHROMIUM, CHROMIUM_ARGS
from bidgraph.graph.store import GraphStore
from bidgraph.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "test-artifacts" / "screenshots"
EAST = COMPANIES[0]["key"]

pytestmark = BROWSER


@pytest.fixture(scope="module")
def app_url(store: GraphStore, module_settings: Settings, data_dir: Path, tmp_path_factory) -> Iterator[str]:
    build_fixture(store)
    store.write(  # 李四 was 董事 of 北京（东方） from 2015 to the end of 2017: an expired role
        "MATCH (p:Person {key: $p}), (c:Company {key: $c}) "
        "MERGE (p)-[r:OFFICER_OF]->(c) SET r.position = '董事', r.start = '2015-01-01', r.end = '2017-12-31'",
        {"p": LI, "c": EAST},
    )
    env = workbench_env(data_dir, module_settings)
    with serve_workbench(env, tmp_path_factory.mktemp("streamlit")) as url:
        yield url


@pytest.fixture(scope="module")
def tab(app_url: str) -> Iterator:
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 1400})
        page.set_default_timeout(60_000)
        yield page
        browser.close()


class Canvas:
    """The graph component's frame, and the page around it for real mouse input."""

    def __init__(self, page) -> None:
        self.page = page
        page.locator("iframe[title*='graph_canvas']").first.wait_for()
        self.frame = page.frame_locator("iframe[title*='graph_canvas']").first
        self.handle = page.locator("iframe[title*='graph_canvas']").first
        self.js = next(f for f in page.frames if "graph_canvas" in (f.url or "") or f.name.endswith("graph_canvas"))
        self.js.wait_for_function("document.body.getAttribute('data-ready') === '1'")

    def eval(self, script: str, arg=None):
        return self.js.evaluate(script, arg)

    def shown(self) -> list[str]:
        return self.eval("nodes.get({filter: n => !n.hidden}).map(n => n.label)")

    def rev(self) -> str:
        return self.eval("document.body.getAttribute('data-rev')")

    def node_at(self, caption: str) -> tuple[float, float]:
        box = self.handle.bounding_box()
        x, y = self.eval("c => nodeOnScreen(nodes.get().find(n => n.label.startsWith(c)).id)", caption)
        self.page.wait_for_timeout(200)
        return box["x"] + x, box["y"] + y

    def edge_at(self, caption: str) -> tuple[float, float]:
        box = self.handle.bounding_box()
        x, y = self.eval(
            """c => { const e = edges.get().find(e => e.label === c); network.fit();
            const p = network.getPositions([e.from, e.to]);
            const a = network.canvasToDOM(p[e.from]), b = network.canvasToDOM(p[e.to]);
            const r = document.getElementById('graph').getBoundingClientRect();
            return [r.left + (a.x + b.x) / 2, r.top + (a.y + b.y) / 2]; }""",
            caption,
        )
        self.page.wait_for_timeout(200)
        return box["x"] + x, box["y"] + y

    def wait_new_rev(self, before: str) -> None:
        self.js.wait_for_function("rev => document.body.getAttribute('data-rev') !== rev", arg=before)
        self.js.wait_for_function("document.body.getAttribute('data-ready') === '1'")


def open_profile(page, app_url: str) -> Canvas:
    page.goto(f"{app_url}/profile?label=Company&key={EAST}")
    page.get_by_role("heading", name="企业画像").first.wait_for()
    settle(page)
    page.get_by_role("tab", name="关系图").click()
    return Canvas(page)


def test_double_click_expands_and_keeps_the_layout(tab, app_url: str) -> None:
    canvas = open_profile(tab, app_url)
    assert not any(label.startswith("北京西山") for label in canvas.shown())
    before = canvas.eval("network.getPositions()")
    rev = canvas.rev()
    x, y = canvas.node_at("张三")
    tab.mouse.dblclick(x, y)
    canvas.wait_new_rev(rev)
    assert any(label.startswith("北京西山") for label in canvas.shown())  # through 张三's other role
    after = canvas.eval("network.getPositions()")
    assert all(after[nid] == pos for nid, pos in before.items() if nid in after)
    tab.screenshot(path=str(SHOTS / "graph-expanded.png"))


def test_context_menu_hides_and_expands_by_type(tab, app_url: str) -> None:
    canvas = open_profile(tab, app_url)
    x, y = canvas.node_at("张三")
    tab.mouse.click(x, y, button="right")
    canvas.frame.get_by_role("menuitem", name="按关系类型展开").hover()
    tab.screenshot(path=str(SHOTS / "graph-menu.png"))
    rev = canvas.rev()
    canvas.frame.get_by_role("menuitem", name="亲属", exact=True).click()
    canvas.wait_new_rev(rev)
    shown = canvas.shown()
    assert "李四" in shown and not any(label.startswith("北京西山") for label in shown)  # kinship only
    x, y = canvas.node_at("李四")
    tab.mouse.click(x, y, button="right")
    rev = canvas.rev()
    canvas.frame.get_by_role("menuitem", name="隐藏").click()
    canvas.wait_new_rev(rev)
    assert "李四" not in canvas.shown()
    tab.get_by_role("button", name="恢复隐藏（1）").wait_for()
    x, y = canvas.edge_at("任职·董事")
    tab.mouse.click(x, y, button="right")
    canvas.frame.get_by_role("menuitem", name="查看关系的事实与来源").click()
    tab.get_by_text("关系详情", exact=True).wait_for()
    settle(tab)
    details = tab.inner_text("body")
    assert "自然人：张三 —任职→ 企业：北京（东方）建设有限公司" in details and "董事" in details
    tab.screenshot(path=str(SHOTS / "graph-edge-facts.png"), full_page=True)


def test_ctrl_click_two_nodes_and_draw_the_shortest_path(tab, app_url: str) -> None:
    canvas = open_profile(tab, app_url)
    rev = canvas.rev()
    x, y = canvas.node_at("城区道路")  # the tender: its other bidders join
    tab.mouse.dblclick(x, y)
    canvas.wait_new_rev(rev)
    types = tab.get_by_test_id("stMultiSelect").filter(has_text="最短路径只经过这些关系")
    for name in ("投标", "投向"):  # bids only: not through 李四's old role
        types.locator("input").fill(name)  # the list is virtual: filter it to the option
        tab.get_by_role("option", name=name, exact=True).click()
        settle(tab)
    tab.keyboard.press("Escape")
    canvas = Canvas(tab)
    x1, y1 = canvas.node_at("北京（东方）")
    tab.mouse.click(x1, y1)
    x2, y2 = canvas.node_at("华北路桥")
    tab.keyboard.down("Control")
    tab.mouse.click(x2, y2)
    tab.keyboard.up("Control")
    assert len(canvas.eval("network.getSelectedNodes()")) == 2
    tab.mouse.click(x2, y2, button="right")
    rev = canvas.rev()
    canvas.frame.get_by_role("menuitem", name="查找两点间最短路径").click()
    canvas.wait_new_rev(rev)
    gold = canvas.eval("edges.get({filter: e => e.color === '#f5c400'}).map(e => e.label)")
    assert sorted(gold) == ["投向"] * 4 + ["投标"] * 4  # 东方 -> 投标 -> 标段 <- 投标 <- 华北路桥, both tenders
    assert "河道整治工程" in canvas.shown()
    tab.screenshot(path=str(SHOTS / "graph-path.png"))


def test_time_slider_hides_the_expired_role(tab, app_url: str) -> None:
    canvas = open_profile(tab, app_url)
    assert "李四" in canvas.shown()
    canvas.frame.get_by_label("按时间查看").check()  # the slider starts at the latest day
    assert "李四" not in canvas.shown() and "张三" in canvas.shown()
    assert canvas.frame.locator("#asof-text").inner_text() == "截至 2024-05-10"
    canvas.eval(
        """() => { const s = document.getElementById('asof');
        s.value = String(Math.round((Date.parse('2016-06-30') - Date.parse('2015-01-01')) / 86400000));
        s.dispatchEvent(new Event('input')); }"""
    )
    assert "李四" in canvas.shown()
    assert not any(label.startswith("★") or "万元" in label for label in canvas.shown())  # no bids in 2016
    assert canvas.frame.locator("#legend").inner_text().split() == ["企业（1）", "自然人（1）"]
    tab.screenshot(path=str(SHOTS / "graph-asof.png"))
