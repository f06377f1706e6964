"""The load journal: a load is all-or-nothing even when the loader, the server or both
are killed part-way.

Before a load writes, the graph is serialised (``GraphStore.snapshot``) into a file of
its own, named by the load id, in the private data directory, and a journal entry
``<load_id>.json`` records that the load started. A load that ends — committed or
rolled back — appends its outcome to ``journal.log`` and removes both files. An entry
still present when nobody holds the load lock belongs to a load that died: the next
command (``recover``, called by ``open_store``) puts the snapshot back and records the
failed load in the history and the audit log.

One writer at a time: the load lock is a file lock in the data directory (released by
the kernel when its holder dies, so a crash never leaves it stuck); readers never take it.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from bidgraph import audit
from bidgraph.errors import LoadInProgress, StoreUnavailable
from bidgraph.graph.schema import KEY, schema
from bidgraph.graph.store import GraphStore

ROLLED_BACK = "rolled_back"


def journal_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "loads"


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _private_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` (0600) durably: a temporary name, fsync, rename."""
    part = path.with_name(path.name + ".part")
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(part, path)


@contextmanager
def load_lock(data_dir: Path, *, wait: bool = False) -> Iterator[IO[str] | None]:
    """Hold the data dir's load lock. Without ``wait``, yields ``None`` if it is taken."""
    directory = journal_dir(data_dir)
    directory.mkdir(parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    fd = os.open(directory / "load.lock", os.O_RDWR | os.O_CREAT, 0o600)
    with os.fdopen(fd, "r+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield None
            return
        try:
            yield handle
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def guarded_load(
    store: GraphStore, data_dir: Path, load_id: str, *, actor: str, scope: AbstractContextManager[None] | None = None
) -> Iterator[None]:
    """The all-or-nothing scope of one load (see the module doc). Refuses to start
    while another load holds the lock. A backend without snapshots uses ``scope``
    (default ``store.atomic()``): its own transaction survives a dead loader."""
    with load_lock(data_dir) as lock:
        if lock is None:
            raise LoadInProgress(_holder(data_dir))
        lock.seek(0)
        lock.truncate()
        lock.write(json.dumps({"pid": os.getpid(), "load_id": load_id, "started": _now()}))
        lock.flush()
        _recover_locked(store, data_dir)
        payload = store.snapshot()
        if payload is None:  # the backend's own transaction covers a crash
            with scope or store.atomic():
                yield
            return
        entry = _Entry(data_dir, load_id, graph=getattr(store, "graph_name", ""), actor=actor)
        entry.begin(payload)
        try:
            yield
        except BaseException as error:
            try:
                store.restore(payload)
            except StoreUnavailable as lost:
                raise StoreUnavailable(
                    "导入中断：与数据库的连接断开，尚未回滚",
                    hint="下一次打开数据库（bidgraph db start、任一查询或导入）会自动把图恢复到导入前",
                ) from lost
            entry.finish(ROLLED_BACK, reason=type(error).__name__)
            raise
        entry.finish("committed")
        store.compact()


def recover(store: GraphStore, data_dir: Path) -> list[str]:
    """Roll back every load that died part-way (unless a load is running now).
    Returns their load ids. Cheap when there is nothing to do."""
    directory = journal_dir(data_dir)
    if not directory.is_dir() or not any(directory.glob("*.json")):
        return []
    with load_lock(data_dir) as lock:
        return [] if lock is None else _recover_locked(store, data_dir)


def _recover_locked(store: GraphStore, data_dir: Path) -> list[str]:
    graph = getattr(store, "graph_name", "")
    recovered = []
    for path in sorted(journal_dir(data_dir).glob("*.json")):
        try:
            info = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if info.get("graph") != graph:
            continue
        entry = _Entry(data_dir, info["load_id"], graph=graph, actor=info.get("actor", ""))
        store.restore(entry.snapshot_path.read_bytes())
        _record_failed(store, data_dir, info)
        entry.finish(ROLLED_BACK, reason="crash")
        recovered.append(entry.load_id)
    return recovered


def _record_failed(store: GraphStore, data_dir: Path, info: dict[str, Any]) -> None:
    """History (a Load node with status rolled_back) and audit entry of a dead load."""
    s = schema()
    props = {
        "started": info.get("started", ""),
        "finished": _now(),
        "actor": info.get("actor", ""),
        "status": ROLLED_BACK,
        "load_id": info["load_id"],
        "loaded_at": info.get("started", ""),
        "source": "bidgraph load",
        "row": 0,
    }
    query = f"MERGE (l:{s.label('Load')} {{{KEY}: $key}}) SET l += $props"
    store.write(query, {"key": info["load_id"], "props": props})
    audit.record(
        data_dir,
        "data.load",
        actor=info.get("actor", "") or "system",
        target=info["load_id"],
        details={"outcome": ROLLED_BACK, "reason": "导入进程或数据库中途终止，已恢复到导入前的图"},
    )


def _holder(data_dir: Path) -> str:
    with contextlib.suppress(OSError, ValueError):
        info = json.loads((journal_dir(data_dir) / "load.lock").read_text(encoding="utf-8"))
        return f"批次 {info.get('load_id')}，进程 {info.get('pid')}，开始于 {info.get('started')} UTC"
    return ""


class _Entry:
    """One load's journal entry and snapshot file."""

    def __init__(self, data_dir: Path, load_id: str, *, graph: str, actor: str) -> None:
        self.directory = journal_dir(data_dir)
        self.load_id = load_id
        self.graph = graph
        self.actor = actor
        self.path = self.directory / f"{load_id}.json"
        self.snapshot_path = self.directory / f"{load_id}.snapshot"

    def begin(self, payload: bytes) -> None:
        # the snapshot first: an entry never points at a missing snapshot
        _private_write(self.snapshot_path, payload)
        info = {"load_id": self.load_id, "graph": self.graph, "actor": self.actor, "started": _now()}
        _private_write(self.path, json.dumps(info, ensure_ascii=False).encode())

    def finish(self, state: str, *, reason: str = "") -> None:
        line = {"load_id": self.load_id, "graph": self.graph, "state": state, "reason": reason, "time": _now()}
        fd = os.open(self.directory / "journal.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as log:
            log.write(json.dumps(line, ensure_ascii=False) + "\n")
        self.path.unlink(missing_ok=True)  # the entry first: no entry without its snapshot
        self.snapshot_path.unlink(missing_ok=True)
