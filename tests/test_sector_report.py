"""The committed sample (a generated sector with planted schemes) loaded into the real
embedded graph: the load raises alerts, and the sector report finds the planted ring, its
price screen and its cover bidder, and renders offline — PDF pages as images, HTML in
headless Chromium without a single network request."""

from __future__ import annotations

import json
import subprocess
from datetime import date
from pathlib import Path

import pytest
from conftest import settings_for
from PIL import Image, ImageStat

from bidgraph.alerts import AlertStore
from bidgraph.alerts.onload import LoadAlerts, alerts_after_load
from bidgraph.bench.ui import CHROMIUM, CHROMIUM_ARGS
from bidgraph.graph import open_store
from bidgraph.loaders import load_paths
from bidgraph.loaders.report import LoadReport
from bidgraph.report import build_report, render_html, render_pdf
from bidgraph.report.build import SectorReport
from bidgraph.report.tables import images
from bidgraph.settings import Settings

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
SCHEMES = {s["id"]: s for s in json.loads((SAMPLE / "ground_truth.json").read_text(encoding="utf-8"))["schemes"]}
SECTOR, START, END = "政府采购货物", date(2021, 1, 1), date(2024, 12, 31)
# the sector's planted ring (S0034), a price screen (S0054) and the ring's cover bidder (S0036)
RING, PRICE, COVER = SCHEMES["S0034"], SCHEMES["S0054"], SCHEMES["S0036"]


@pytest.fixture(scope="module")
def loaded(store, module_settings: Settings, tmp_path_factory) -> tuple[Settings, LoadReport]:
    settings = module_settings.model_copy(update={"data_dir": tmp_path_factory.mktemp("report")})
    report = load_paths(store, [SAMPLE], actor="test", data_dir=settings.data_dir)
    assert report.ok, report.errors[:3]
    return settings, report


@pytest.fixture(scope="module")
def raised(store, loaded) -> LoadAlerts | None:
    settings, report = loaded
    return alerts_after_load(store, settings, report, actor="test")


@pytest.fixture(scope="module")
def sector(store, loaded, raised) -> tuple[SectorReport, dict[str, bytes]]:
    result = build_report(store, loaded[0], SECTOR, START, END)  # after the alerts: its alert section has some
    return result, images(result)


def test_a_load_raises_alerts_and_a_failure_is_only_a_warning(store, raised, loaded, base_settings, tmp_path) -> None:
    settings, report = loaded
    assert raised is not None and len(raised.result.new) > 10 and "新预警" in raised.summary()
    routed = {a.department_name for a in AlertStore(settings).list()}
    assert len(routed) > 3  # into the supervising departments' queues
    assert alerts_after_load(store, settings.model_copy(update={"alerts_on_load": False}), report, actor="t") is None
    (tmp_path / "alerts.sqlite").mkdir()  # the alert store cannot open its database
    blocked = settings.model_copy(update={"data_dir": tmp_path})
    warnings = len(report.warnings)
    with open_store(settings_for(base_settings, "report_empty")) as graph:  # empty: the detectors are quick
        assert alerts_after_load(graph, blocked, report, actor="t") is None
    assert "生成预警失败" in report.warnings[-1] and len(report.warnings) == warnings + 1
    report.warnings.pop()  # the shared load report stays as it was


def test_the_report_finds_the_planted_ring_its_price_screen_and_its_cover_bidder(sector) -> None:
    report, drawn = sector
    ring = next(g for g in report.groups if len(set(g.keys) & set(RING["companies"])) >= 3)  # ≥ 3 of the 4 planted
    assert ring.lift > 3 and ring.in_period >= 8 and len(ring.links) >= 3
    assert PRICE["tenders"][0] in set(report.prices.index[report.prices["flagged"]])
    assert report.wins.loc[COVER["companies"][0], "role"] == "陪标专业户"
    assert report.wins.loc[COVER["companies"][0], "wins"] == 0
    assert {"ring-1", "prices", "wins"} <= set(drawn)
    assert report.data_version and report.params["min_lift"] == 3.0


def test_the_pdf_renders_every_page_with_its_charts(sector, tmp_path) -> None:
    report, drawn = sector
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(render_pdf(report, drawn))
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert all(row.split()[-5] == "yes" for row in fonts.splitlines()[2:])  # fonts embedded
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert report.data_version in text and "min_lift=3.0" in text and PRICE["tenders"][0] in text
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 3
    for page in pages:  # every page has ink on it, and the chart pages a lot of it
        assert ImageStat.Stat(Image.open(page).convert("L")).stddev[0] > 10, page.name


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"需要 Chromium（{CHROMIUM}），请运行 scripts/system-deps.sh")
def test_the_html_opens_offline_with_its_charts(sector, tmp_path) -> None:
    from playwright.sync_api import sync_playwright

    report, drawn = sector
    html = tmp_path / "report.html"
    html.write_text(render_html(report, drawn), encoding="utf-8")
    requests: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        tab = browser.new_page()
        tab.on("request", lambda r: requests.append(r.url))
        tab.goto(html.as_uri())
        shown = tab.evaluate("[...document.images].map(i => i.complete && i.naturalWidth > 0)")
        body = tab.inner_text("body")
        browser.close()
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
    assert len(shown) == len(drawn) and all(shown)
    assert "抱团关系分析" in body and PRICE["tenders"][0] in body and "陪标专业户" in body
