"""「我的查询历史」 on 查询: every statement the analyst ran, kept per user in the data dir
(bidgraph.services.query_history), so it survives other pages, restarts and new sessions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import streamlit as st

from bidgraph.errors import BidgraphError
from bidgraph.graph.model import Result
from bidgraph.services import query_history
from bidgraph.viz.display import local_time
from bidgraph.workbench import ui


def run_and_remember(
    data_dir: Path, user: str, text: str, run: Callable[[], Result]
) -> tuple[Result | None, str | None]:
    """Run the statement and record it; (result, None) or (None, the failure message in Chinese)."""
    try:
        result, failure = run(), None
    except BidgraphError as e:
        result, failure = None, ui.failure("查询", e)
    with ui.guarded("记录查询历史"):
        query_history.record(data_dir, user, text, rows=None if result is None else len(result), error=failure)
    return result, failure


def history_picker(data_dir: Path, user: str, text_key: str) -> None:
    """The user's recent statements; 「放入编辑器」 puts one back into the editor."""
    entries = ui.attempt("读取查询历史", lambda: query_history.recent(data_dir, user)) or []
    with st.expander(f"我的查询历史（{len(entries)}）", expanded=False):
        if not entries:
            st.caption("还没有运行过查询。运行过的语句会按账号保存在这里，换页面、重新登录后仍在。")
            return
        labels = {i: _label(e) for i, e in enumerate(entries)}
        picked = st.selectbox("最近运行", list(labels), format_func=labels.get, key=f"{text_key}:history")
        st.code(entries[picked].text, language="sql", wrap_lines=True)
        st.button("放入编辑器", key=f"{text_key}:restore", on_click=_restore, args=(text_key, entries[picked].text))


def _label(entry: query_history.HistoryEntry) -> str:
    outcome = "失败" if entry.error else f"{entry.rows} 行"
    first = next((line for line in entry.text.splitlines() if line.strip()), "")
    return f"{local_time(entry.ran_at)} · {outcome} · {first[:60]}"


def _restore(text_key: str, text: str) -> None:
    st.session_state[text_key] = text
