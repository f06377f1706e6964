"""The audit log as a table for the administrator: newest first, actions in Chinese, filters."""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import date
from pathlib import Path

import pandas as pd

from bidgraph import audit

ACTION_ZH = {
    "case.create": "新建线索",
    "case.update": "修改线索",
    "case.evidence": "加入证据",
    "case.note": "添加备注",
    "case.transition": "线索流转",
    "case.view": "查看线索",
    "case.export": "导出移交包",
    "data.load": "数据导入",
    "user.add": "添加用户",
    "user.update": "修改用户",
    "user.disable": "停用用户",
    audit.DAMAGED: "损坏的记录",
}
TIME = "时间（UTC）"
COLUMNS = [TIME, "操作人", "操作", "对象", "详情", "行号"]


def short_time(iso: str) -> str:
    """``2026-11-21T08:30:00+00:00`` as ``2026-11-21 08:30:00`` (the column says UTC)."""
    return iso.replace("T", " ")[:19]


def action_zh(action: str) -> str:
    return ACTION_ZH.get(action, action)


def audit_table(data_dir: Path) -> pd.DataFrame:
    """Every entry, newest first; ``行号`` is the line in audit.log (what ``verify`` reports)."""
    rows = [
        {
            TIME: short_time(entry.get("time", "")),
            "操作人": entry.get("actor", ""),
            "操作": action_zh(entry.get("action", "")),
            "对象": entry.get("target", ""),
            "详情": _details(entry.get("details") or {}),
            "行号": number,
        }
        for number, entry in enumerate(audit.entries(data_dir), start=1)
    ]
    return pd.DataFrame(rows[::-1], columns=COLUMNS)


def _details(details: dict[str, object]) -> str:
    texts = {k: v if isinstance(v, str) else json.dumps(v, ensure_ascii=False) for k, v in details.items()}
    return "；".join(f"{k}={v}" for k, v in texts.items())


def filter_table(
    table: pd.DataFrame,
    *,
    actions: Collection[str] = (),
    actors: Collection[str] = (),
    start: date | None = None,
    end: date | None = None,
) -> pd.DataFrame:
    """Rows with one of ``actions`` (Chinese names) and ``actors`` (empty: any), from ``start`` to ``end`` inclusive."""
    keep = pd.Series(True, index=table.index)
    if actions:
        keep &= table["操作"].isin(list(actions))
    if actors:
        keep &= table["操作人"].isin(list(actors))
    day = table[TIME].str[:10]  # ISO timestamps (UTC): the date is the first ten characters
    if start:
        keep &= day >= start.isoformat()
    if end:
        keep &= day <= end.isoformat()
    return table[keep]
