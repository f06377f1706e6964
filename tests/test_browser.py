"""The workbench in a real browser (Debian's Chromium through Playwright) on the sample
data: what a person sees on each page. Screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

import json
import math
import os
import re
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bidgraph.bench.ui import CHROMIUM, CHROMIUM_ARGS
from bidgraph.cli.demo import workbench_command
from bidgraph.loaders import load_paths
from bidgraph.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
SHOTS = ROOT / "test-artifacts" / "screenshots"
OUTSIDE: list[str] = []  # requests the pages made to anything but the workbench
TRUTH = json.loads((SAMPLE / "ground_truth.json").read_text(encoding="utf-8"))
RING = next(s for s in TRUTH["schemes"] if s["detector"] == "cobid_ring" and not s.get("decoy"))

BROWSER = [  # every browser test module's marks
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason=f"需要 Debian 的 Chromium（{CHROMIUM}），请运行 scripts/system-deps.sh"
    ),
]
pytestmark = BROWSER


def workbench_env(data_dir: Path, settings: Settings) -> dict[str, str]:
    """The environment that serves the test's graph (embedded server of ``data_dir``)."""
    return {
        **os.environ,
        "BIDGRAPH_DATA_DIR": str(data_dir),
        "BIDGRAPH_GRAPH_NAME": settings.graph_name,
        "BIDGRAPH_GRAPH_URL": "",
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(store, module_settings, data_dir, tmp_path_factory) -> Iterator[str]:
    """The workbench served by ``streamlit run app.py`` on the sample data."""
    load_paths(store, sorted(SAMPLE.glob("*.csv")), actor="test", data_dir=data_dir)
    env = {**workbench_env(data_dir, module_settings), "BIDGRAPH_QUERY_DIR": str(module_settings.user_query_dir)}
    with serve_workbench(env, tmp_path_factory.mktemp("streamlit")) as url:
        yield url


@contextmanager
def serve_workbench(env: dict[str, str], log_dir: Path) -> Iterator[str]:
    """``streamlit run app.py`` on a free loopback port with ``env``; its URL once healthy."""
    port = _free_port()
    log = (log_dir / "streamlit.log").open("w")
    server = subprocess.Popen(workbench_command(port), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("Streamlit 未能启动")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


@pytest.fixture(scope="module")
def page(app_url, tmp_path_factory):
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, args=CHROMIUM_ARGS, viewport={"width": 1440, "height": 2200}
        )
        tab = context.new_page()
        tab.set_default_timeout(60_000)
        tab.on(
            "request",
            lambda r: OUTSIDE.append(r.url) if not r.url.startswith((app_url, "about:", "data:", "blob:")) else None,
        )
        yield tab
        context.close()


def settle(page) -> None:
    """Wait until Streamlit has finished running the page."""
    page.wait_for_timeout(1000)
    for _ in range(480):
        busy = page.locator('[data-testid="stStatusWidget"], [data-testid="stSpinner"], [data-testid="stSkeleton"]')
        if busy.count() == 0:
            return
        page.wait_for_timeout(250)


def visit(page, app_url: str, path: str, heading: str) -> None:
    page.goto(f"{app_url}/{path}")
    page.get_by_role("heading", name=heading).first.wait_for()
    settle(page)


def drawn_nodes(page) -> int:
    """Nodes drawn by vis-network in the graph iframe (0 if there is none)."""
    for _ in range(240):
        for frame in page.frames[1:]:
            try:
                if frame.evaluate("document.body && document.body.getAttribute('data-ready')") == "1":
                    return frame.evaluate("network.body.data.nodes.length")
            except Exception:  # a frame replaced by a rerun is detached mid-call
                continue
        page.wait_for_timeout(250)
    return 0


def ring_names(store) -> list[str]:
    """The planted ring's company names, in the ground truth's order."""
    query = "MATCH (c:Company) WHERE c.key IN $keys RETURN c.key AS key, c.name AS name"
    names = {r["key"]: r["name"] for r in store.run(query, {"keys": RING["companies"]}).records()}
    return [names[key] for key in RING["companies"]]


def test_overview(page, app_url):
    visit(page, app_url, "", "总览")
    page.get_by_text("标段/包").first.wait_for()  # the figures come after the heading (a slow first run)
    page.get_by_role("tab", name="高风险标段").wait_for(timeout=180_000)  # computed in the background
    settle(page)
    page.screenshot(path=str(SHOTS / "overview.png"))
    assert page.get_by_text("失败").count() == 0


def test_triage_row_opens_its_evidence_and_adds_all_to_a_case(page, app_url):
    """One click from the ranking to the group's evidence, one more (and a confirm) into a case."""
    visit(page, app_url, "", "总览")
    page.get_by_role("tab", name="高风险企业群组").wait_for(timeout=180_000)
    settle(page)
    page.get_by_role("tab", name="高风险企业群组").click()
    settle(page)
    grid = page.locator('[data-testid="stDataFrame"]').filter(visible=True).last  # 最近导入 is above
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 18, box["y"] + 52)  # the first row's selection cell
    settle(page)
    heading = page.get_by_role("heading", name="证据：").first
    heading.wait_for()
    assert "风险分" in page.get_by_text("企业群组风险分").first.inner_text()
    assert drawn_nodes(page) >= 2  # the combined evidence graph
    page.screenshot(path=str(SHOTS / "triage-evidence.png"))
    page.get_by_role("button", name="全部加入线索").click()
    page.get_by_role("button", name="确认加入").click()
    page.get_by_text("已加入线索").wait_for()
    assert re.search(r"已加入线索 XS-\d{5}：\d+ 条发现", page.get_by_text("已加入线索").inner_text())


def test_search_opens_profile_with_graph(page, app_url, store):
    name = ring_names(store)[0]
    visit(page, app_url, "search", "搜索")
    box = page.get_by_label("搜索企业、自然人、证照号码或标段")
    box.fill(name[2:8])
    box.press("Enter")
    settle(page)
    assert page.get_by_text("条结果").first.is_visible()
    page.screenshot(path=str(SHOTS / "search.png"))
    visit(page, app_url, f"profile?label=Company&key={RING['companies'][0]}", f"企业画像：{name}")
    page.get_by_role("tab", name="关系图").click()
    assert drawn_nodes(page) > 3
    page.screenshot(path=str(SHOTS / "profile.png"))


def test_tender_profile(page, app_url, store):
    code = store.run("MATCH (b:Bid)-[:FOR]->(t:Tender) WITH t, count(b) AS n WHERE n >= 5 RETURN t.key LIMIT 1").value()
    visit(page, app_url, f"profile?label=Tender&key={code}", "标段/包画像")
    page.get_by_role("tab", name="投标与报价").click()
    settle(page)
    assert page.get_by_text("报价离散度指标").is_visible()
    page.screenshot(path=str(SHOTS / "profile_tender.png"))


def test_detector_finds_the_planted_ring(page, app_url, store):
    names = ring_names(store)
    visit(page, app_url, "detectors?detector=cobid_ring", "研判")
    page.get_by_role("button", name="运行").click()
    settle(page)
    page.get_by_text("条线索").first.wait_for()
    box = page.get_by_label("筛选（规则、主体、标段中包含）")
    best = 0
    for name in names:  # filter on each member; the top match's summary names its group
        box.fill(name)
        box.press("Enter")
        settle(page)
        if "显示 0 条" in page.get_by_text("条线索，显示").first.inner_text():
            continue
        summary = page.get_by_role("heading", name="证据：抱团投标").locator("xpath=following::p[1]").inner_text()
        best = max(best, sum(n in summary for n in names))
        if best >= math.ceil(2 * len(names) / 3):
            break
    assert best >= math.ceil(2 * len(names) / 3), f"埋设的抱团投标 {names} 未在研判结果中出现"
    assert drawn_nodes(page) >= best
    page.screenshot(path=str(SHOTS / "detectors.png"))


def test_saved_query_shows_up_among_detectors(page, app_url):
    visit(page, app_url, "cypher", "查询")
    ace = next(f for f in page.frames if "code_editor" in f.url)  # the Ace component's iframe
    ace.locator(".ace_text-input").focus()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text("MATCH (c:Company)-[r:SUBMITTED]->(b:Bid) RETURN c, r, b LIMIT 30")
    page.keyboard.press("Escape")  # close the completion list, then run from the editor
    page.keyboard.press("Control+Enter")
    settle(page)
    page.get_by_role("tab", name="关系图").click()
    assert drawn_nodes(page) > 10
    page.get_by_label("查询 id（小写字母、数字、下划线）").fill("browser_bids")
    page.get_by_label("标题").fill("浏览器测试：企业投标")
    page.get_by_label("说明（做什么、何时用）").fill("企业及其投标")
    page.get_by_role("button", name="保存").click()
    settle(page)
    assert page.get_by_text("已保存「浏览器测试：企业投标」").is_visible()
    page.screenshot(path=str(SHOTS / "cypher.png"))
    visit(page, app_url, "detectors?detector=browser_bids", "研判")
    assert page.get_by_text("浏览器测试：企业投标").first.is_visible()


def test_data_page(page, app_url):
    visit(page, app_url, "data", "数据")
    page.get_by_role("heading", name="导入历史").wait_for()
    assert page.get_by_text("检查（不写入）").is_visible()
    page.screenshot(path=str(SHOTS / "data.png"))


def test_nothing_is_fetched_from_outside(page):
    assert OUTSIDE == [], f"工作台应完全离线，却请求了：{OUTSIDE[:5]}"
