"""The search box and its result list, used by the search page and the profile page."""

from __future__ import annotations

from collections import Counter

import pandas as pd
import streamlit as st

from bidgraph.services.common import NodeRef
from bidgraph.services.search import search
from bidgraph.viz.style import label_zh
from bidgraph.workbench import ui

LABEL_ORDER = {"Company": 0, "Person": 1, "Tender": 2, "Agency": 3, "Tenderer": 4}


def search_box(key: str = "search") -> None:
    """A text box; results in a table; picking a row opens the profile."""
    text = st.text_input(
        "搜索企业、自然人、证照号码或标段",
        key=f"{key}:text",
        placeholder="企业名称（可部分、括号/空格不限、拼音或首字母）、统一社会信用代码、姓名（可加身份证末几位）、身份证号、证书编号、电话、地址、IP、标段编号",
    )
    if not text.strip():
        st.caption(
            "示例：输入「建设」查找名称含“建设”的企业；输入「hnjd」按拼音首字母查找；"
            "输入 18 位身份证号精确查找自然人（结果中号码已脱敏）。"
        )
        return
    hits = ui.attempt("搜索", lambda: search(ui.store(), text, ui.viewer()))
    if hits is None:
        return
    if not hits:
        st.info(f"没有找到与「{ui.plain(text.strip())}」匹配的企业、自然人或标段。可尝试更短的关键词。")
        return
    hits.sort(key=lambda h: LABEL_ORDER.get(h.label, 9))
    frame = pd.DataFrame(
        [
            {"类别": h.kind_zh, "名称": h.name, "匹配原因": h.reason, "说明": h.detail, "label": h.label, "key": h.key}
            for h in hits
        ]
    )
    counts = "、".join(f"{label_zh(label)} {n}" for label, n in Counter(h.label for h in hits).items())
    st.caption(f"找到 {len(hits)} 条结果（{counts}），按类别分组，点选一行打开画像。")
    event = st.dataframe(
        frame,
        hide_index=True,
        column_config={"label": None, "key": None},
        on_select="rerun",
        selection_mode="single-row",
        key=f"{key}:results",
    )
    if event.selection.rows:
        row = frame.iloc[event.selection.rows[0]]
        ui.open_profile(NodeRef(row["label"], row["key"], row["名称"]))
