"""``bidgraph load``, ``bidgraph loads`` and ``bidgraph bench load`` from the command line,
on the shared test server; and docs/loading.md documents every table column and alias."""

from __future__ import annotations

import csv
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bidgraph.cli import app
from bidgraph.graph import open_store
from bidgraph.loaders.tables import tables
from bidgraph.settings import get_settings

runner = CliRunner()
FIXTURES = Path(__file__).parent / "fixtures" / "loaders"
DOC = Path(__file__).resolve().parents[1] / "docs" / "loading.md"


@pytest.fixture()
def env(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("BIDGRAPH_DATA_DIR", str(data_dir))
    monkeypatch.setenv("BIDGRAPH_GRAPH_NAME", "test_load_cli")
    get_settings.cache_clear()
    with open_store(get_settings()) as store:
        store.clear()
    yield
    with open_store(get_settings()) as store:
        store.clear()
    get_settings.cache_clear()


def test_dry_run_strict_skip_invalid_and_history(env: None, tmp_path: Path) -> None:
    checked = runner.invoke(app, ["load", str(FIXTURES / "basic"), "--dry-run"])
    assert checked.exit_code == 0, checked.output
    assert "检查通过" in checked.output and "读取 32 行" in checked.output

    errors = tmp_path / "errors.csv"
    rejected = runner.invoke(app, ["load", str(FIXTURES / "bad" / "rows"), "--errors-csv", str(errors)])
    assert rejected.exit_code == 1
    assert "未导入任何数据" in rejected.output and "根本原因，共 18 条" in rejected.output
    assert "导入明细" in rejected.output and "缺失：" in rejected.output
    with errors.open(encoding="utf-8-sig") as handle:
        assert len(list(csv.reader(handle))) == 1 + 18

    partial = runner.invoke(app, ["load", str(FIXTURES / "bad" / "rows"), "--skip-invalid"])
    assert partial.exit_code == 3, partial.output  # its own code: not a success
    assert "部分导入" in partial.output and "缺失：图谱中缺少" in partial.output

    loaded = runner.invoke(app, ["load", str(FIXTURES / "basic")])
    assert loaded.exit_code == 0 and "已导入" in loaded.output and "导入 32 行" in loaded.output
    history = runner.invoke(app, ["loads"])
    assert history.exit_code == 0 and history.output.count("L20") == 2, history.output


def test_mapping_option(env: None) -> None:
    result = runner.invoke(
        app, ["load", str(FIXTURES / "mapping"), "--mapping", str(FIXTURES / "mapping.yaml"), "--dry-run"]
    )
    assert result.exit_code == 0, result.output
    assert "读取 3 行" in result.output


def test_bench_load_prints_figures(env: None) -> None:
    result = runner.invoke(app, ["bench", "load", "--size", "small", "--batch-size", "5000"])
    assert result.exit_code == 0, result.output
    assert "rows/s" in result.output and "elements/s" in result.output and "peak RSS" in result.output


def test_every_table_column_and_alias_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    for table in tables().values():
        assert f"### `{table.name}` — {table.zh}" in text
        for column in table.columns.values():
            assert f"| `{column.name}` | {column.type} |" in text
            for alias in column.aliases:
                assert alias in text, (table.name, alias)


def test_fresh_graph_dry_run_detect_and_triage(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A graph key that was never written: empty results with guidance, no crash."""
    monkeypatch.setenv("BIDGRAPH_DATA_DIR", str(data_dir))
    monkeypatch.setenv("BIDGRAPH_GRAPH_NAME", "never_loaded_" + uuid.uuid4().hex[:8])
    get_settings.cache_clear()
    try:
        checked = runner.invoke(app, ["load", str(FIXTURES / "basic"), "--dry-run"])
        assert checked.exit_code == 0 and "检查通过" in checked.output, checked.output
        for command in (["detect"], ["triage"], ["detect", "-d", "cobid_ring", "-f", "json"]):
            result = runner.invoke(app, command)
            assert result.exit_code == 0, result.output
            assert "图谱中还没有数据" in result.output and "查询失败" not in result.output
    finally:
        get_settings.cache_clear()


def test_missing_tender_attributes_are_named_by_detect(env: None, tmp_path: Path) -> None:
    folder = tmp_path / "real"
    folder.mkdir()
    (folder / "tenders.csv").write_text("标段编号,标段名称\nX-1,一标段\n", encoding="utf-8")
    loaded = runner.invoke(app, ["load", str(folder)])
    assert loaded.exit_code == 0 and "1 行缺少行业" in loaded.output, loaded.output
    result = runner.invoke(app, ["detect", "-d", "price_screen"])
    assert "1 个标段缺少开标日期" in result.output and "price_screen" in result.output, result.output
