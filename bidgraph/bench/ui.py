"""Workbench performance: first render of each page (Streamlit AppTest), search and
node-expansion latency (services), and a 500-node graph drawn in headless Chromium.

Runs against the configured graph (``BIDGRAPH_DATA_DIR`` / ``BIDGRAPH_GRAPH_NAME``);
prints figures, asserts nothing."""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bidgraph.graph import GraphStore
from bidgraph.graph.model import Subgraph
from bidgraph.services import detectors
from bidgraph.services.common import NodeRef
from bidgraph.services.graphview import expand
from bidgraph.services.search import search
from bidgraph.viewer import DEMO_VIEWER
from bidgraph.viz import cap_subgraph, render_html

ROOT = Path(__file__).resolve().parents[2]
PAGES = ("overview", "search", "profile", "detectors", "cypher", "data")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class UiBenchmark:
    page_first_render_s: dict[str, float] = field(default_factory=dict)
    triage_s: float = 0.0
    search_ms: list[float] = field(default_factory=list)
    expand_ms: list[float] = field(default_factory=list)
    graph_nodes: int = 0
    graph_edges: int = 0
    graph_html_ms: float = 0.0
    graph_browser_ms: list[float] | None = None
    notes: list[str] = field(default_factory=list)


def run_ui_benchmark(store: GraphStore, *, samples: int = 20, browser: bool = True) -> UiBenchmark:
    result = UiBenchmark()
    companies = store.run("MATCH (c:Company) RETURN c.key AS key, c.name AS name LIMIT $n", {"n": samples}).records()
    if not companies:
        result.notes.append("图中没有企业数据：请先导入样例数据（bidgraph sample + bidgraph load）")
        return result
    result.page_first_render_s = _page_renders(NodeRef("Company", companies[0]["key"]))
    result.triage_s = _timed_ms(lambda: detectors.triage(store, DEMO_VIEWER)) / 1000
    result.search_ms = _search_latency(store, companies)
    result.expand_ms = _expand_latency(store, [c["key"] for c in companies])
    graph = graph_of(store, 500)
    result.graph_nodes, result.graph_edges = len(graph.nodes), len(graph.relationships)
    started = time.perf_counter()
    html = render_html(graph, viewer=DEMO_VIEWER, max_nodes=len(graph.nodes))
    result.graph_html_ms = (time.perf_counter() - started) * 1000
    if browser:
        result.graph_browser_ms = _browser_render_ms(html, result.notes)
    return result


def _timed_ms(func: Callable[[], object]) -> float:
    started = time.perf_counter()
    func()
    return (time.perf_counter() - started) * 1000


def _page_renders(profile: NodeRef) -> dict[str, float]:
    """Seconds for each page's first full script run in a fresh session (the store
    connection is shared, as in a running server; the overview starts the triage in the
    background and shows it when done, so it is measured on first and second visit)."""
    from streamlit.testing.v1 import AppTest

    timings: dict[str, float] = {}
    for name in ("overview", *PAGES):
        app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
        app.session_state["profile_ref"] = profile
        started = time.perf_counter()
        app.run()  # the overview, the default page
        if name != "overview":
            app.switch_page(f"workbench/pages/{name}.py")
            started = time.perf_counter()
            app.run()
        label = f"{name} (cold)" if name == "overview" and not timings else name
        timings[label] = time.perf_counter() - started
    return timings


def _search_latency(store: GraphStore, companies: list[dict]) -> list[float]:
    queries = [c["name"][2:6] for c in companies if c["name"]] + [c["key"] for c in companies[:5]]
    queries += ["张", "标段", "有限公司"]
    return [_timed_ms(lambda q=q: search(store, q, DEMO_VIEWER)) for q in queries]


def _expand_latency(store: GraphStore, keys: list[str]) -> list[float]:
    nodes = [store.run("MATCH (c:Company {key: $key}) RETURN c", {"key": k}).value() for k in keys]
    return [_timed_ms(lambda n=n: expand(store, n, DEMO_VIEWER)) for n in nodes]


def graph_of(store: GraphStore, size: int) -> Subgraph:
    """About ``size`` nodes of bidders, bids and tenders (a realistic drawing)."""
    query = "MATCH p=(c:Company)-[:SUBMITTED]->(:Bid)-[:FOR]->(:Tender) RETURN p LIMIT $limit"
    limit = size // 2
    graph = store.run(query, {"limit": limit}, limit=0).to_subgraph()
    while len(graph.nodes) < size and limit < size * 20:
        limit *= 2
        graph = store.run(query, {"limit": limit}, limit=0).to_subgraph()
    return cap_subgraph(graph, size)[0]


def _browser_render_ms(html: str, notes: list[str]) -> list[float] | None:
    """Milliseconds from navigation until vis-network has laid out and drawn the graph
    (three page loads in one browser; the first one is cold)."""
    if not Path(CHROMIUM).exists():
        notes.append(f"未找到 {CHROMIUM}，跳过浏览器渲染计时")
        return None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        notes.append("未安装 playwright（pip install -e '.[dev]'），跳过浏览器渲染计时")
        return None
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        timings = page_load_ms(browser, html, height=900, timeout_ms=60_000)
        browser.close()
    return timings


def page_load_ms(browser, html: str, *, height: int, timeout_ms: int, loads: int = 3) -> list[float]:
    """Milliseconds of ``loads`` fresh page loads of ``html`` in ``browser`` until drawn."""
    timings = []
    with tempfile.TemporaryDirectory() as folder:
        page_file = Path(folder) / "graph.html"
        page_file.write_text(html, encoding="utf-8")
        for _ in range(loads):
            page = browser.new_page(viewport={"width": 1400, "height": height})
            started = time.perf_counter()
            page.goto(page_file.as_uri())
            page.wait_for_selector("body[data-ready='1']", timeout=timeout_ms)
            timings.append((time.perf_counter() - started) * 1000)
            page.close()
    return timings


def summary(values: list[float]) -> str:
    if not values:
        return "—"
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"median {statistics.median(ordered):.1f} ms, p95 {p95:.1f} ms, max {ordered[-1]:.1f} ms ({len(ordered)} 次)"


def report_lines(store: GraphStore, result: UiBenchmark) -> list[str]:
    info = store.info()
    lines = [f"graph              {info.nodes:,} nodes, {info.relationships:,} relationships ({info.location})"]
    lines += [f"page first render  {page:<10} {seconds:.2f} s" for page, seconds in result.page_first_render_s.items()]
    lines.append(f"triage (all rules) {result.triage_s:.1f} s (background; overview shows it when done)")
    lines.append(f"search             {summary(result.search_ms)}")
    lines.append(f"expand node        {summary(result.expand_ms)}")
    lines.append(
        f"graph HTML         {result.graph_nodes} nodes / {result.graph_edges} edges, {result.graph_html_ms:.0f} ms"
    )
    if result.graph_browser_ms is not None:
        runs = ", ".join(f"{ms:.0f}" for ms in result.graph_browser_ms)
        lines.append(f"graph in browser   {result.graph_nodes} nodes laid out and drawn in {runs} ms (3 page loads)")
    return lines + [f"[yellow]{note}[/]" for note in result.notes]
