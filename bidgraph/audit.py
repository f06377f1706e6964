"""The append-only audit log: one JSON object per line in ``<data_dir>/audit.log``.

Three things make it tamper-evident, and ``check()`` says which one failed and where:
- each entry carries the SHA-256 of the previous line (a removed or inserted line breaks the chain);
- each entry carries an HMAC with a key kept outside the log (``audit.key`` or the configured
  ``BIDGRAPH_AUDIT_KEY_FILE``), so an edited, re-chained or forged entry does not verify;
- a signed checkpoint kept apart (``audit.checkpoint``) holds the entry count and the hash of the
  last line, so deleting the last lines or editing the last one is detected too.
Logs written before signing existed keep their first lines as ``legacy`` (chained, unsigned)."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bidgraph import integrity
from bidgraph.errors import BidgraphError

GENESIS = "0" * 64
DAMAGED = "audit.damaged"


class AuditError(BidgraphError):
    """The audit log cannot be written safely (its signing key is missing)."""


def log_path(data_dir: Path) -> Path:
    return Path(data_dir) / "audit.log"


def checkpoint_path(data_dir: Path) -> Path:
    return Path(data_dir) / "audit.checkpoint"


def key_path(data_dir: Path) -> Path:
    from bidgraph.settings import get_settings  # lazily: settings import pydantic

    return get_settings().audit_key_file or Path(data_dir) / "audit.key"


def _digest(line: str) -> str:
    return hashlib.sha256(line.encode("utf-8")).hexdigest() if line else GENESIS


def _body(entry: Mapping[str, Any]) -> bytes:
    """What an entry's ``mac`` signs: the entry without it, serialised as it is written."""
    rest = {k: v for k, v in entry.items() if k != "mac"}
    return json.dumps(rest, ensure_ascii=False, sort_keys=True).encode("utf-8")


def _checkpoint_body(point: Mapping[str, Any]) -> bytes:
    return f"{point.get('count')}|{point.get('last')}|{point.get('legacy')}".encode()


def _read_checkpoint(data_dir: Path) -> dict[str, Any] | None:
    try:
        value = json.loads(checkpoint_path(data_dir).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _write_checkpoint(data_dir: Path, key: bytes, count: int, last: str, legacy: int) -> None:
    point: dict[str, Any] = {"count": count, "last": _digest(last), "legacy": legacy}
    point["mac"] = integrity.sign(key, _checkpoint_body(point))
    temporary = checkpoint_path(data_dir).with_suffix(".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(point, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, checkpoint_path(data_dir))  # atomic: a crash leaves the old or the new one


def _key_for_writing(data_dir: Path, lines: int, last: str) -> tuple[bytes, int]:
    """The key and the count of legacy lines. A log without a checkpoint is adopted (its lines
    become legacy) only if it was never signed; a new key only for a log that never had one."""
    path, point = key_path(data_dir), _read_checkpoint(data_dir)
    signed = "mac" in (_parse(last) or {})
    if point is not None or signed:
        if not path.exists() or point is None:
            missing = path if not path.exists() else checkpoint_path(data_dir)
            raise AuditError(
                f"审计日志的{'签名密钥' if missing == path else '检查点'} {missing} 缺失，可能被删除。"
                "请从备份恢复后再操作；不要新建，否则已有记录将无法核验"
            )
        return integrity.read_key(path), int(point.get("legacy", 0) or 0)
    key = integrity.read_key(path) if path.exists() else integrity.create_key(path)
    return key, lines


def record(
    data_dir: Path, action: str, *, actor: str, target: str = "", details: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Append one signed entry (e.g. action ``case.view``, ``case.export``, ``data.load``)."""
    path = log_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "r+", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        last, count = "", 0
        for line in handle:
            last, count = line, count + 1
        key, legacy = _key_for_writing(data_dir, count, last)
        entry: dict[str, Any] = {
            "seq": count + 1,
            "time": datetime.now(UTC).isoformat(timespec="seconds"),
            "actor": actor,
            "action": action,
            "target": target,
            "details": dict(details or {}),
            "prev": _digest(last),
        }
        entry["mac"] = integrity.sign(key, _body(entry))
        line = json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n"
        handle.write(line)
        handle.flush()
        os.fsync(handle.fileno())
        _write_checkpoint(data_dir, key, count + 1, line, legacy)
    return entry


def _parse(line: str) -> dict[str, Any] | None:
    try:
        value = json.loads(line)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def entries(data_dir: Path) -> Iterator[dict[str, Any]]:
    """Every entry in order; a line that is not a JSON object comes as a ``audit.damaged`` entry."""
    path = log_path(data_dir)
    if not path.exists():
        return
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            parsed = _parse(line)
            yield parsed if parsed is not None else {"action": DAMAGED, "target": f"line:{number}", "details": {}}


@dataclass(frozen=True)
class Check:
    """The outcome of ``check()``: ``line`` is the 1-based line where the log stops being provable."""

    entries: int
    line: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem

    def message(self) -> str:
        if self.ok:
            return f"哈希链完整，签名与检查点一致：全部 {self.entries:,} 条记录未被删除、修改或追加伪造。"
        where = f"第 {self.line} 行：" if self.line else ""
        return f"审计日志校验失败，{where}{self.problem}"


def check(data_dir: Path) -> Check:
    """Chain, per-entry signatures and the checkpoint, in that order; the first failure is reported."""
    path = log_path(data_dir)
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines(keepends=True) if path.exists() else []
    point = _read_checkpoint(data_dir)
    if not lines and point is None:
        return Check(0)
    try:
        key = integrity.read_key(key_path(data_dir))
    except integrity.IntegrityError as e:
        return Check(len(lines), None, f"无法核验签名：{e}")
    legacy = int((point or {}).get("legacy", 0) or 0)
    previous = ""
    for number, line in enumerate(lines, start=1):
        entry = _parse(line)
        if entry is None or not line.endswith("\n"):
            return Check(len(lines), number, "该行已损坏（不是完整的 JSON 记录）")
        if entry.get("prev") != _digest(previous):
            return Check(len(lines), number, "哈希链断开：该行或其前一行已被删除、插入或修改")
        if number > legacy and not integrity.valid(key, _body(entry), entry.get("mac")):
            return Check(len(lines), number, "签名不符：该记录被修改、重新串链或伪造")
        previous = line
    return _check_point(key, point, lines)


def _check_point(key: bytes, point: dict[str, Any] | None, lines: list[str]) -> Check:
    count = len(lines)
    if not point or not integrity.valid(key, _checkpoint_body(point), point.get("mac")):
        return Check(count, None, "检查点（audit.checkpoint）缺失或签名不符，无法证明日志末尾未被删改")
    expected = point.get("count")
    if not isinstance(expected, int) or expected > count:
        return Check(count, count + 1, f"检查点记有 {expected} 条记录，日志只有 {count} 条：末尾的记录被删除")
    if expected < count:
        return Check(count, expected + 1, f"检查点只记有 {expected} 条记录，其后的 {count - expected} 条为事后追加")
    if point.get("last") != _digest(lines[-1] if lines else ""):
        return Check(count, count, "最后一条记录与检查点不符：被修改或替换")
    return Check(count)


def verify(data_dir: Path) -> int | None:
    """The 1-based line where the log stops being provable, or None if it is intact
    (a bad checkpoint without a line counts as line 1)."""
    result = check(data_dir)
    return None if result.ok else result.line or 1
