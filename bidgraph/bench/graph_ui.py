"""Interaction latency of the two-way graph panel on a ~500-node graph, in headless Chromium
against ``streamlit run workbench/components/bench_graph.py`` on the configured graph.

Measured inside the drawing (performance.now()):
- expand: from the double-click being sent to Python until the redrawn graph is painted
  (the whole round trip: event, rerun, expansion query, access layer, update in place);
- as-of: from a slider move until the filtered graph is painted (no round trip).
References from the same run, for ratios: the expansion query alone (``expand`` in this
process), and the old panel's way of showing any change — loading a fresh offline HTML page
of the same graph (``render_html``) until vis-network has drawn it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from bidgraph.bench.ui import CHROMIUM, CHROMIUM_ARGS, ROOT, graph_of, page_load_ms
from bidgraph.graph import GraphStore
from bidgraph.services.graphview import expand
from bidgraph.viewer import DEMO_VIEWER
from bidgraph.viz import render_html

PAGE = ROOT / "workbench" / "components" / "bench_graph.py"  # no pages/ beside it: no navigation
# Bidders not expanded yet: a double-click on one brings its other bids and tenders.
_REPAINT = """new Promise(done => { const t0 = performance.now();
  network.once('afterDrawing', () => done(performance.now() - t0)); network.redraw(); })"""
_CANDIDATES = "nodes.get().filter(n => n.shape === 'dot' && n.size === 22).map(n => n.id)"


@dataclass
class GraphUiBenchmark:
    nodes: int = 0
    edges: int = 0
    first_draw_ms: float = 0.0
    first_draw_in_frame_ms: float = 0.0  # from the drawing's frame starting to load
    expand_ms: list[float] = field(default_factory=list)
    round_trip_ms: list[float] = field(default_factory=list)  # of expand_ms: until the new drawing arrived
    expand_added: list[int] = field(default_factory=list)
    expand_query_ms: list[float] = field(default_factory=list)
    asof_ms: list[float] = field(default_factory=list)
    repaint_ms: list[float] = field(default_factory=list)  # one plain repaint of the drawing: the floor
    full_page_ms: list[float] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def _served(size: int) -> Iterator[str]:
    port = _free_port()
    command = [
        sys.executable, "-m", "streamlit", "run", str(PAGE), "--server.headless", "true",
        "--server.port", str(port), "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    env = {**os.environ, "BIDGRAPH_BENCH_NODES": str(size)}
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(240):
                try:
                    if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                        break
                except OSError:
                    time.sleep(0.5)
            yield url
        finally:
            server.terminate()
            server.wait(timeout=20)


def run_graph_ui_benchmark(store: GraphStore, *, size: int = 500, samples: int = 8) -> GraphUiBenchmark:
    from playwright.sync_api import sync_playwright

    result = GraphUiBenchmark()
    graph = graph_of(store, size)
    result.nodes, result.edges = len(graph.nodes), len(graph.relationships)
    with _served(size) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(120_000)
        started = time.perf_counter()
        page.goto(url)
        frame = _canvas(page)
        result.first_draw_ms = (time.perf_counter() - started) * 1000
        result.first_draw_in_frame_ms = frame.evaluate("window.__firstDrawMs")
        _expansions(page, frame, store, graph, result, samples)
        _slider_moves(frame, result, samples * 3)
        result.repaint_ms = [frame.evaluate(_REPAINT) for _ in range(samples)]
        result.full_page_ms = page_load_ms(
            browser, render_html(graph, viewer=DEMO_VIEWER, height="700px"), height=1000, timeout_ms=120_000
        )
        browser.close()
    return result


def _canvas(page):
    page.locator("iframe[title*='graph_canvas']").first.wait_for()
    frame = next(f for f in page.frames if "graph_canvas" in f.url)
    frame.wait_for_function("document.body.getAttribute('data-ready') === '1'")
    return frame


def _expansions(page, frame, store: GraphStore, graph, result: GraphUiBenchmark, samples: int) -> None:
    box = page.locator("iframe[title*='graph_canvas']").first.bounding_box()
    for node_id in frame.evaluate(_CANDIDATES)[:samples]:
        before = frame.evaluate("[document.body.getAttribute('data-rev'), nodes.length]")
        x, y = frame.evaluate("id => nodeOnScreen(id)", node_id)
        page.wait_for_timeout(300)
        page.mouse.dblclick(box["x"] + x, box["y"] + y)
        try:
            frame.wait_for_function("r => document.body.getAttribute('data-rev') !== r", arg=before[0], timeout=30_000)
        except Exception:  # nothing new next to this node: no new revision to wait for
            result.notes.append(f"节点 {node_id} 展开后没有新节点，未计入")
            continue
        page.wait_for_timeout(100)
        result.expand_ms.append(frame.evaluate("window.__lastUpdateMs"))
        result.round_trip_ms.append(frame.evaluate("window.__lastRoundTripMs"))
        result.expand_added.append(frame.evaluate("nodes.length") - before[1])
        if node_id in graph.nodes:
            started = time.perf_counter()
            expand(store, graph.nodes[node_id], DEMO_VIEWER)
            result.expand_query_ms.append((time.perf_counter() - started) * 1000)


def _slider_moves(frame, result: GraphUiBenchmark, samples: int) -> None:
    frame.get_by_label("按时间查看").check()
    top = int(frame.evaluate("Number(document.getElementById('asof').max)"))
    for i in range(samples):
        frame.evaluate(
            """v => { window.__lastAsOfMs = null; const s = document.getElementById('asof');
            s.value = String(v); s.dispatchEvent(new Event('input')); }""",
            top * (i + 1) // (samples + 1),
        )
        frame.wait_for_function("window.__lastAsOfMs !== null")
        result.asof_ms.append(frame.evaluate("window.__lastAsOfMs"))
