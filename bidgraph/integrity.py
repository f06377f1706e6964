"""Secret keys and HMAC-SHA256 signatures: what makes the audit log and export packages
tamper-evident to anyone who does not hold the key.

A key is 32 random bytes in a file of its own (0600), created on first use unless an
administrator put it there; keeping the file away from what it signs (another directory,
another owner) is what stops someone who can edit the log from re-signing it."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from bidgraph.errors import BidgraphError

KEY_BYTES = 32


class IntegrityError(BidgraphError):
    """A signing key is missing, unreadable or too short."""


def read_key(path: Path) -> bytes:
    """The key in ``path``: raw bytes, or hex text as an administrator may write it."""
    try:
        raw = Path(path).read_bytes()
    except OSError as e:
        raise IntegrityError(f"无法读取密钥文件 {path}：{e}。请检查路径与权限（应为 0600）") from e
    text = raw.strip()
    try:
        key = bytes.fromhex(text.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        key = raw
    if len(key) < 16:
        raise IntegrityError(f"密钥文件 {path} 太短（{len(key)} 字节）：至少 16 字节，建议 32 字节随机数")
    return key


def create_key(path: Path) -> bytes:
    """A new random key written to ``path`` (0600); never overwrites an existing file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(KEY_BYTES)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key.hex().encode("ascii") + b"\n")
    return key


def sign(key: bytes, data: bytes) -> str:
    return hmac.new(key, data, hashlib.sha256).hexdigest()


def valid(key: bytes, data: bytes, signature: object) -> bool:
    """Constant-time check of ``signature`` (anything; only a matching hex string passes)."""
    return isinstance(signature, str) and hmac.compare_digest(sign(key, data), signature)
