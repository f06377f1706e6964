"""User text is plain text in the browser: markdown/HTML payloads in a company name, a case's
title and summary and a note are shown literally, and the page fetches nothing outside."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from test_browser import BROWSER, serve_workbench, settle, workbench_env
from workbench_fixture import build_fixture

from bidgraph.bench.ui import CHROMIUM, CHROMIUM_ARGS
from bidgraph.cases import CaseStore
from bidgraph.graph.store import GraphStore
from bidgraph.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "test-artifacts" / "screenshots"
IMAGE = "![x](http://example.invalid/a.png)"
HTML = '<img src="http://example.invalid/b.png">'
COMPANY = f"坏公司{IMAGE}"
KEY = "91110000MA01XXXX9X"

pytestmark = BROWSER


@pytest.fixture(scope="module")
def app_url(store: GraphStore, module_settings: Settings, data_dir: Path, tmp_path_factory) -> Iterator[str]:
    build_fixture(store)
    store.write("MERGE (c:Company {key: $key}) SET c.name = $name, c.uscc = $key", {"key": KEY, "name": COMPANY})
    node = store.run("MATCH (c:Company {key: $key}) RETURN c", {"key": KEY}).to_subgraph()
    cases = CaseStore(module_settings)
    case_id = cases.create(f"线索{IMAGE}", f"概要 **粗体** {HTML} {IMAGE}", actor="test")
    cases.add_evidence(case_id, node, actor="test")
    cases.add_note(case_id, f"备注 {IMAGE} [链接](http://example.invalid/c)", actor="test")
    env = workbench_env(data_dir, module_settings)
    env.pop("BIDGRAPH_USER", None)
    with serve_workbench(env, tmp_path_factory.mktemp("streamlit")) as url:
        yield url


def test_markdown_payloads_render_as_text_and_fetch_nothing(app_url: str, tmp_path_factory) -> None:
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    outside: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        tab = browser.new_page(viewport={"width": 1440, "height": 2000})
        tab.set_default_timeout(60_000)
        own = (app_url, "data:", "blob:", "about:")
        tab.on("request", lambda r: None if r.url.startswith(own) else outside.append(r.url))
        tab.goto(f"{app_url}/profile?label=Company&key={KEY}")
        tab.get_by_role("heading", name="企业画像").first.wait_for()
        settle(tab)
        tab.screenshot(path=str(SHOTS / "plaintext-profile.png"), full_page=True)
        assert f"企业画像：{COMPANY}" in tab.inner_text("h1")
        tab.goto(f"{app_url}/leads")
        tab.get_by_text("备注", exact=True).first.wait_for()
        settle(tab)
        tab.get_by_role("tab", name="备注").click()
        settle(tab)
        tab.screenshot(path=str(SHOTS / "plaintext-leads.png"), full_page=True)
        text = tab.inner_text("body")
        browser.close()
    assert f"线索{IMAGE}" in text and f"概要 **粗体** {HTML} {IMAGE}" in text
    assert f"备注 {IMAGE} [链接](http://example.invalid/c)" in text
    assert outside == []
