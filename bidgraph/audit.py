"""The append-only audit log: one JSON object per line in ``<data_dir>/audit.log``.

Each entry carries the SHA-256 of the previous line, so a removed or edited line breaks
the chain and ``verify()`` says where."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

GENESIS = "0" * 64


def log_path(data_dir: Path) -> Path:
    return Path(data_dir) / "audit.log"


def record(
    data_dir: Path, action: str, *, actor: str, target: str = "", details: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Append one entry (e.g. action ``case.view``, ``case.export``, ``data.load``)."""
    path = log_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "r+", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        last = ""
        for line in handle:
            last = line
        entry = {
            "time": datetime.now(UTC).isoformat(timespec="seconds"),
            "actor": actor,
            "action": action,
            "target": target,
            "details": dict(details or {}),
            "prev": hashlib.sha256(last.encode("utf-8")).hexdigest() if last else GENESIS,
        }
        handle.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return entry


def entries(data_dir: Path) -> Iterator[dict[str, Any]]:
    path = log_path(data_dir)
    if not path.exists():
        return
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)


def verify(data_dir: Path) -> int | None:
    """The 1-based line number where the chain breaks, or None if it is intact."""
    path = log_path(data_dir)
    if not path.exists():
        return None
    previous = ""
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            expected = hashlib.sha256(previous.encode("utf-8")).hexdigest() if previous else GENESIS
            if json.loads(line).get("prev") != expected:
                return number
            previous = line
    return None
