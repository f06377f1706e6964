"""Shared fixtures: one real embedded FalkorDB server for the whole run, and a fresh
graph (own graph key, schema applied) for each test module."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bidgraph.graph import GraphStore, open_store
from bidgraph.graph.embedded import EmbeddedServer
from bidgraph.graph.schema import apply_schema
from bidgraph.settings import Settings


@pytest.fixture(scope="session", autouse=True)
def _stop_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """At the end, stop every embedded server started under this run's temporary
    directory: the shared one, and those of tests that use a data dir of their own."""
    yield
    for pid_file in tmp_path_factory.getbasetemp().glob("**/falkordb/server.pid"):
        EmbeddedServer(pid_file.parent.parent).stop()


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Data directory of the shared test server."""
    return tmp_path_factory.mktemp("bidgraph")


@pytest.fixture(scope="session")
def base_settings(data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir, graph_url="", graph_name="test")


def settings_for(base: Settings, graph_name: str, **changes: object) -> Settings:
    """The test settings pointed at another graph key (and any other changes)."""
    return base.model_copy(update={"graph_name": graph_name, **changes})


@pytest.fixture(scope="module")
def module_settings(base_settings: Settings, request: pytest.FixtureRequest) -> Settings:
    name = re.sub(r"\W", "_", request.module.__name__.rsplit(".", 1)[-1])
    return settings_for(base_settings, name, query_dir=base_settings.data_dir / "queries" / name)


@pytest.fixture(scope="module")
def store(module_settings: Settings) -> Iterator[GraphStore]:
    """An empty graph with the schema applied, private to the test module."""
    graph_store = open_store(module_settings)
    graph_store.clear()
    apply_schema(graph_store)
    yield graph_store
    graph_store.clear()
    graph_store.close()


@pytest.fixture
def graph(store: GraphStore) -> GraphStore:
    """The module's graph emptied for this one test (schema applied)."""
    store.clear()
    apply_schema(store)
    return store
