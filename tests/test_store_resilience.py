"""The store under abuse: a suspended server, kill -9 of the loader or the server
mid-load, concurrent loads, hostile queries, and no copies outside the data dir."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bidgraph import audit
from bidgraph.errors import LoadInProgress, QueryError, StoreUnavailable
from bidgraph.graph import open_store
from bidgraph.graph.embedded import EmbeddedServer, _alive
from bidgraph.graph.journal import journal_dir, load_lock
from bidgraph.graph.schema import apply_schema
from bidgraph.graph.store import content_hash, push_limit
from bidgraph.loaders import load_history, load_paths
from bidgraph.services.cypher import run_cypher
from bidgraph.settings import Settings
from bidgraph.viewer import Role, Viewer

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


@pytest.fixture()
def own_dir(tmp_path: Path):
    yield tmp_path / "db"
    server = EmbeddedServer(tmp_path / "db")
    pid = server._pid()
    if pid and _alive(pid):
        os.kill(pid, signal.SIGCONT)
    server.stop()


def _settings(data_dir: Path, **changes: object) -> Settings:
    return Settings(data_dir=data_dir, graph_name="g", **changes)


def _seed(data_dir: Path) -> str:
    """A small graph that exists before the load; returns its content hash."""
    with open_store(_settings(data_dir)) as store:
        apply_schema(store)
        store.write("CREATE (:Company {key: 'C-seed', name: '既有公司'})-[:SUBMITTED]->(:Bid {key: 'B-seed'})")
        return content_hash(store)


def _start_load(data_dir: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "BIDGRAPH_DATA_DIR": str(data_dir), "BIDGRAPH_GRAPH_NAME": "g"}
    env["BIDGRAPH_WRITE_BATCH_SIZE"] = "20"  # many small statements: the load takes a while
    files = [str(SAMPLE / name) for name in ("companies.csv", "persons.csv")]
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "bidgraph"), "load", *files],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_journal(data_dir: Path, loader: subprocess.Popen[str]) -> Path:
    deadline = time.monotonic() + 120
    while not list(journal_dir(data_dir).glob("*.json")):
        assert loader.poll() is None, loader.stderr.read() if loader.stderr else ""
        assert time.monotonic() < deadline
        time.sleep(0.05)
    with open_store(_settings(data_dir)) as store:  # well into the writes
        while store.run("MATCH (n) RETURN count(n)").value() < 200:
            assert loader.poll() is None
            time.sleep(0.05)
    return next(journal_dir(data_dir).glob("*.snapshot"))


def _assert_rolled_back(data_dir: Path, before: str) -> None:
    with open_store(_settings(data_dir)) as store:  # the next command recovers
        statuses = {h["load_id"]: h["status"] for h in load_history(store)}
        store.write("MATCH (l:Load) DELETE l")  # the record of the failed load is the only addition
        assert content_hash(store) == before
    assert list(statuses.values()) == ["rolled_back"]
    (load_id,) = statuses
    outcomes = [e["details"].get("outcome") for e in audit.entries(data_dir) if e["target"] == load_id]
    assert "rolled_back" in outcomes
    assert not list(journal_dir(data_dir).glob("*.json")) and not list(journal_dir(data_dir).glob("*.snapshot"))


def test_suspended_server_gives_a_chinese_error_within_the_timeout(own_dir: Path) -> None:
    settings = _settings(own_dir, socket_timeout_s=1, query_timeout_ms=500)
    store = open_store(settings)
    store.write("CREATE (:Company {key: 'C1'})")
    pid = EmbeddedServer(own_dir).status().pid
    assert pid
    os.kill(pid, signal.SIGSTOP)
    started = time.monotonic()
    try:
        with pytest.raises(StoreUnavailable, match="没有响应") as caught:
            store.run("RETURN 1")
        assert "暂停" in str(caught.value)
        with pytest.raises(StoreUnavailable, match="没有响应"):
            open_store(settings)
        assert time.monotonic() - started < 10  # 2.5 s each, never forever
    finally:
        os.kill(pid, signal.SIGCONT)
    assert store.run("MATCH (c:Company) RETURN c.key").value() == "C1"


def test_kill_9_of_the_loader_mid_load_is_rolled_back_by_the_next_command(own_dir: Path) -> None:
    before = _seed(own_dir)
    loader = _start_load(own_dir)
    snapshot = _wait_for_journal(own_dir, loader)
    assert stat.S_IMODE(snapshot.stat().st_mode) == 0o600
    loader.kill()
    loader.wait()
    _assert_rolled_back(own_dir, before)


def test_kill_9_of_the_server_mid_load_is_rolled_back_without_a_traceback(own_dir: Path) -> None:
    before = _seed(own_dir)
    loader = _start_load(own_dir)
    _wait_for_journal(own_dir, loader)
    pid = EmbeddedServer(own_dir).status().pid
    assert pid
    os.kill(pid, signal.SIGKILL)
    _, err = loader.communicate(timeout=120)
    assert loader.returncode != 0
    assert "Traceback" not in err and "自动" in err
    _assert_rolled_back(own_dir, before)


def test_one_load_at_a_time_readers_keep_working(own_dir: Path) -> None:
    before = _seed(own_dir)
    with load_lock(own_dir) as held, open_store(_settings(own_dir)) as store:
        assert held is not None
        with pytest.raises(LoadInProgress, match="另一个导入正在进行"):
            load_paths(store, [SAMPLE / "agencies.csv"], data_dir=own_dir)
        assert store.run("MATCH (c:Company) RETURN c.name").value() == "既有公司"
        assert content_hash(store) == before
    with open_store(_settings(own_dir)) as store:
        assert load_paths(store, [SAMPLE / "agencies.csv"], data_dir=own_dir).written


def test_a_load_leaves_no_copy_outside_the_data_dir(own_dir: Path) -> None:
    _seed(own_dir)
    with open_store(_settings(own_dir)) as store:
        load_paths(store, [SAMPLE / "companies.csv"], data_dir=own_dir)
        store.write("MATCH (n:Company) WITH n LIMIT 1 SET n.touched = true")
    server = EmbeddedServer(own_dir)
    log = server.log_file.read_text(errors="replace")
    assert "dump graph" not in log and "__rollback" not in log  # no GRAPH.COPY via /tmp
    assert not [p for p in journal_dir(own_dir).iterdir() if p.suffix in (".json", ".snapshot", ".part")]
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in journal_dir(own_dir).glob("journal.log"))


def test_hostile_queries_are_contained(store, module_settings: Settings) -> None:
    analyst = Viewer(user="analyst-h", role=Role.ANALYST)
    for huge in ("RETURN size(range(1, 1000000000))", "RETURN size(range(1, 1000 * 1000 * 1000, 1))"):
        with pytest.raises(QueryError, match="range"):
            run_cypher(store, huge, {}, analyst)
    server = EmbeddedServer(module_settings.data_dir).client()
    limits = {
        name: server.execute_command("GRAPH.CONFIG", "GET", name)[1] for name in ("QUERY_MEM_CAPACITY", "TIMEOUT_MAX")
    }
    assert limits == {"QUERY_MEM_CAPACITY": 1024 * 1024 * 1024, "TIMEOUT_MAX": module_settings.query_timeout_ms}
    store.write("UNWIND range(1, 3000) AS i CREATE (:Tender {key: 'T' + toString(i)})")
    result = store.run("MATCH (a:Tender), (b:Tender) RETURN a.key, b.key", limit=500)
    assert len(result) == 500 and result.truncated
    assert store.run("RETURN 1").value() == 1  # still up


def test_row_limit_is_pushed_into_the_query() -> None:
    assert push_limit("MATCH (n) RETURN n", 501) == "MATCH (n) RETURN n LIMIT 501"
    assert push_limit("MATCH (n) RETURN n LIMIT 10", 501) == "MATCH (n) RETURN n LIMIT 10"
    assert push_limit("MATCH (n) RETURN n LIMIT 99999;", 501) == "MATCH (n) RETURN n LIMIT 501;"
    assert push_limit("MATCH (n) RETURN n // note", 501) == "MATCH (n) RETURN n LIMIT 501 // note"
    assert push_limit("MATCH (n {name: 'RETURN'}) RETURN n SKIP 2", 9).endswith("SKIP 2 LIMIT 9")
    for unchanged in ("RETURN 1 UNION RETURN 2", "MATCH (n) RETURN n LIMIT $k", "CALL db.labels()"):
        assert push_limit(unchanged, 5) == unchanged


def test_one_running_query_per_analyst(store) -> None:
    from bidgraph.services.cypher import _user_slot

    analyst = Viewer(user="analyst-a", role=Role.ANALYST)
    with _user_slot("analyst-a", 1):
        with pytest.raises(QueryError, match="正在运行"):
            run_cypher(store, "RETURN 1 AS x", {}, analyst)
        assert run_cypher(store, "RETURN 1 AS x", {}, Viewer(user="analyst-b", role=Role.ANALYST)).value() == 1
    assert run_cypher(store, "RETURN 1 AS x", {}, analyst).value() == 1
