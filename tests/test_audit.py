"""The audit log is append-only and tamper-evident: every form of tampering is detected and located."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from bidgraph import audit


def _log(tmp_path: Path, n: int = 4) -> list[str]:
    for i in range(n):
        audit.record(tmp_path, "case.view", actor="调查员甲", target=f"case-{i}", details={"n": i})
    return audit.log_path(tmp_path).read_text(encoding="utf-8").splitlines(keepends=True)


def _write(tmp_path: Path, lines: list[str]) -> None:
    audit.log_path(tmp_path).write_text("".join(lines), encoding="utf-8")


def _rechain(lines: list[str]) -> list[str]:
    """What an attacker without the key can do: fix every ``prev`` and ``seq`` after a change."""
    out: list[str] = []
    for number, line in enumerate(lines, start=1):
        entry = json.loads(line)
        entry["seq"] = number
        entry["prev"] = hashlib.sha256(out[-1].encode()).hexdigest() if out else audit.GENESIS
        out.append(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")
    return out


def test_intact_log_verifies_with_key_and_checkpoint_apart(tmp_path: Path) -> None:
    _log(tmp_path)
    assert [e["target"] for e in audit.entries(tmp_path)] == [f"case-{i}" for i in range(4)]
    result = audit.check(tmp_path)
    assert result.ok and result.entries == 4 and audit.verify(tmp_path) is None
    assert audit.key_path(tmp_path).stat().st_mode & 0o777 == 0o600
    assert json.loads(audit.checkpoint_path(tmp_path).read_text())["count"] == 4


def test_edited_middle_entry_is_located(tmp_path: Path) -> None:
    lines = _log(tmp_path)
    lines[1] = lines[1].replace("case-1", "case-X")
    _write(tmp_path, lines)
    assert audit.verify(tmp_path) == 2


def _truncate(lines: list[str]) -> list[str]:
    return lines[:-2]


def _edit_last(lines: list[str]) -> list[str]:
    return [*lines[:-1], lines[-1].replace("调查员甲", "调查员乙")]


def _delete_and_rechain(lines: list[str]) -> list[str]:
    return _rechain([lines[0], lines[2], lines[3]])


def _forged_append(lines: list[str]) -> list[str]:
    forged = json.loads(lines[-1])
    forged.update(seq=len(lines) + 1, target="case-forged", prev=hashlib.sha256(lines[-1].encode()).hexdigest())
    return [*lines, json.dumps(forged, ensure_ascii=False, sort_keys=True) + "\n"]


def _rechain_last_edited(lines: list[str]) -> list[str]:
    return _rechain(_edit_last(lines))


def _garbage_line(lines: list[str]) -> list[str]:
    return [lines[0], "{not json at all\n", *lines[1:]]


@pytest.mark.parametrize(
    ("tamper", "line", "says"),
    [
        (_truncate, 3, "末尾的记录被删除"),
        (_edit_last, 4, "签名不符"),
        (_delete_and_rechain, 2, "签名不符"),
        (_forged_append, 5, "签名不符"),
        (_rechain_last_edited, 4, "签名不符"),
        (_garbage_line, 2, "已损坏"),
    ],
)
def test_every_tampering_form_is_detected(tmp_path: Path, tamper, line: int, says: str) -> None:
    _write(tmp_path, tamper(_log(tmp_path)))
    result = audit.check(tmp_path)
    assert not result.ok and result.line == line and says in result.message()
    assert len(list(audit.entries(tmp_path))) >= 1  # reading a damaged log never crashes


def test_truncation_to_empty_and_removed_checkpoint_are_detected(tmp_path: Path) -> None:
    _log(tmp_path)
    _write(tmp_path, [])
    assert audit.check(tmp_path).line == 1
    audit.checkpoint_path(tmp_path).unlink()
    _log(tmp_path / "other")
    audit.checkpoint_path(tmp_path / "other").unlink()
    assert "检查点" in audit.check(tmp_path / "other").problem
    with pytest.raises(audit.AuditError, match="检查点"):  # never silently re-anchored
        audit.record(tmp_path / "other", "case.view", actor="x")


def test_deleted_key_is_never_replaced(tmp_path: Path) -> None:
    _log(tmp_path, 2)
    audit.key_path(tmp_path).unlink()
    with pytest.raises(audit.AuditError, match="签名密钥"):
        audit.record(tmp_path, "case.view", actor="x")
    assert "无法核验签名" in audit.check(tmp_path).problem


def test_a_legacy_unsigned_log_is_adopted_then_signed(tmp_path: Path) -> None:
    legacy = _rechain([json.dumps({"action": "case.view", "actor": "a", "target": f"c{i}"}) + "\n" for i in range(2)])
    _write(tmp_path, legacy)
    audit.record(tmp_path, "case.view", actor="b")
    assert audit.check(tmp_path).ok
    _write(tmp_path, _rechain([legacy[0], legacy[1].replace('"a"', '"z"'), *_log(tmp_path, 0)[2:]]))
    assert audit.verify(tmp_path) == 3  # a changed legacy line breaks the signed entry after it


def test_damaged_line_shows_in_the_table(tmp_path: Path) -> None:
    from bidgraph.services.auditlog import audit_table

    _write(tmp_path, _garbage_line(_log(tmp_path, 2)))
    table = audit_table(tmp_path)
    assert "损坏的记录" in set(table["操作"]) and len(table) == 3
