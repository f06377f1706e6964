"""Settings: environment variables, config file, defaults, backend selection."""

from __future__ import annotations

from pathlib import Path

import pytest

from bidgraph.errors import ConfigError
from bidgraph.settings import Settings


def test_defaults_work_on_a_laptop(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("BIDGRAPH_GRAPH_URL", "BIDGRAPH_DATA_DIR", "BIDGRAPH_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.backend == "embedded"
    assert settings.data_dir == Path(".bidgraph")
    assert settings.query_timeout_ms == 30_000 and settings.row_limit == 10_000


def test_environment_and_config_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    config = tmp_path / "bidgraph.toml"
    config.write_text('graph_url = "neo4j+s://example.invalid"\nrow_limit = 500\nquery_timeout_ms = 1000\n')
    monkeypatch.setenv("BIDGRAPH_CONFIG", str(config))
    monkeypatch.setenv("BIDGRAPH_ROW_LIMIT", "42")  # environment beats the file
    settings = Settings()
    assert settings.backend == "neo4j"
    assert settings.row_limit == 42 and settings.query_timeout_ms == 1000


@pytest.mark.parametrize(
    ("url", "backend"),
    [("", "embedded"), ("falkordb://db:6379", "falkordb"), ("bolt://h:7687", "neo4j"), ("neo4j://h", "neo4j")],
)
def test_backend_from_url(url: str, backend: str) -> None:
    assert Settings(graph_url=url).backend == backend


def test_unknown_url_scheme_is_explained() -> None:
    with pytest.raises(ConfigError, match="无法识别的图数据库地址"):
        _ = Settings(graph_url="mysql://x").backend


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    missing = [name for name in Settings.model_fields if f"BIDGRAPH_{name.upper()}" not in readme]
    assert missing == []
