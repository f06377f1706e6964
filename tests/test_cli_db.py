"""``bidgraph db …`` and ``bidgraph bench store`` from the command line, on the shared test server."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bidgraph.cli import app
from bidgraph.settings import get_settings

runner = CliRunner()


@pytest.fixture()
def env(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BIDGRAPH_DATA_DIR", str(data_dir))
    monkeypatch.setenv("BIDGRAPH_GRAPH_NAME", "test_cli_db")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_init_status_reset(env: None) -> None:
    first = runner.invoke(app, ["db", "init"])
    assert first.exit_code == 0, first.output
    again = runner.invoke(app, ["db", "init"])
    assert "新建索引 0 个" in again.output
    status = runner.invoke(app, ["db", "status"])
    assert status.exit_code == 0
    assert "falkordb" in status.output and "FalkorDB 4." in status.output
    refused = runner.invoke(app, ["db", "reset"])
    assert refused.exit_code != 0 and "--yes" in refused.output
    assert runner.invoke(app, ["db", "reset", "--yes"]).exit_code == 0


def test_bench_store_prints_figures(env: None) -> None:
    result = runner.invoke(app, ["bench", "store", "--nodes", "3000", "--batch-size", "1000"])
    assert result.exit_code == 0, result.output
    assert "nodes/s" in result.output and "rels/s" in result.output and "median" in result.output


def test_status_never_starts_a_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BIDGRAPH_DATA_DIR", str(tmp_path / "none"))
    get_settings.cache_clear()
    try:
        status = runner.invoke(app, ["db", "status"])
    finally:
        get_settings.cache_clear()
    assert status.exit_code == 1 and "未在运行" in status.output
    assert not (tmp_path / "none" / "falkordb" / "server.pid").exists()
