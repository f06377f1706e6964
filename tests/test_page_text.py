"""Every page on the sample, as a person reads it: no 「None」, no UTC ISO timestamps, no
raw floats for money and no stray English words in the text, tables and metrics."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import settings_for  # noqa: F401 — the shared fixtures come with it
from streamlit.testing.v1 import AppTest

from bidgraph.loaders import load_paths
from bidgraph.services.common import NodeRef
from bidgraph.viz.display import local_time, shown_value

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
PAGES = sorted(p.stem for p in (ROOT / "workbench" / "pages").glob("*.py"))
ENGLISH = re.compile(r"\b(None|nan|NaN|True|False|high|medium|low|fact|source|load_id|row)\b")
UTC_ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(\.\d+)?\+00:00")
RAW_FLOAT = re.compile(r"\b\d{5,}\.0\b")
# 查询's schema browser lists the names one types in Cypher (labels, types, property keys):
# code, not text, so English there is right.
SCHEMA_TABLES = ("标签", "关系类型")


@pytest.fixture(scope="module")
def sample_graph(store, module_settings, data_dir) -> Iterator[str]:
    report = load_paths(store, sorted(SAMPLE.glob("*.csv")), actor="test", data_dir=data_dir)
    assert report.written, report.summary()
    uscc = store.run("MATCH (c:Company) WHERE c.reg_capital IS NOT NULL RETURN c.key LIMIT 1").value()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BIDGRAPH_DATA_DIR", str(data_dir))
        patch.setenv("BIDGRAPH_GRAPH_NAME", module_settings.graph_name)
        patch.setenv("BIDGRAPH_GRAPH_URL", "")
        yield uscc


def page_text(app: AppTest) -> str:
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        parts += [str(e.value) for e in getattr(app, kind)]
    parts += [f"{m.label} {m.value}" for m in app.metric]
    for frame in app.dataframe:
        if frame.value.columns[0] in SCHEMA_TABLES:
            continue
        shown = frame.value.select_dtypes(exclude="bool")  # booleans are drawn as checkboxes
        parts += [" ".join(map(str, shown.columns)), shown.astype(str).to_string()]
    return "\n".join(parts)


def test_display_values():
    assert local_time("2026-11-30T13:45:07+00:00") == "2026-11-30 21:45:07"
    assert local_time("2024-01-02") == "2024-01-02"
    assert shown_value("reg_capital", 100000000.0) == "1.00 亿元"
    assert shown_value("reg_capital", 20000000.0) == "2,000.00 万元"
    assert shown_value("x", None) == "" and shown_value("won", True) == "是"


@pytest.mark.parametrize("name", PAGES)
def test_page_text_has_no_none_utc_iso_or_english(sample_graph, name):
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    app.session_state["profile_ref"] = NodeRef("Company", sample_graph)
    app.run()
    if name != "overview":
        app.switch_page(f"workbench/pages/{name}.py").run()
    assert not app.exception, [e.message for e in app.exception]
    text = page_text(app)
    for pattern in (ENGLISH, UTC_ISO, RAW_FLOAT):
        found = sorted(set(m.group() for m in pattern.finditer(text)))
        assert not found, (name, found)
