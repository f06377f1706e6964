"""The audit log is append-only and tamper-evident."""

from __future__ import annotations

from pathlib import Path

from bidgraph import audit


def test_entries_chain_and_tampering_is_located(tmp_path: Path) -> None:
    for i in range(3):
        audit.record(tmp_path, "case.view", actor="调查员甲", target=f"case-{i}", details={"n": i})
    assert [e["target"] for e in audit.entries(tmp_path)] == ["case-0", "case-1", "case-2"]
    assert audit.verify(tmp_path) is None
    path = audit.log_path(tmp_path)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = lines[1].replace("case-1", "case-X")
    path.write_text("".join(lines), encoding="utf-8")
    assert audit.verify(tmp_path) == 3
