"""标书比对: the two documents of a 标书雷同 finding side by side (matched passages
highlighted, shared errors underlined and listed)."""

from __future__ import annotations

import streamlit as st

from bidgraph.analysis.findings import Finding
from bidgraph.services.documents import comparisons

STYLE = (
    "<style>.bidtext{height:420px;overflow-y:auto;border:1px solid #ddd;border-radius:6px;padding:8px;"
    "font-size:13px;line-height:1.6;background:#fff}.bidtext mark{background:#ffe08a}"
    ".bidtext u.slip{text-decoration:underline wavy #d62728;background:#fde2e2}</style>"
)


def similarity_panel(finding: Finding) -> None:
    """Nothing for findings without a SIMILAR_TO relationship."""
    for c in comparisons(finding):
        st.subheader("标书比对")
        sections = "，".join(f"{name} {share:.0%}" for name, share in c.sections.items()) or "无"
        st.caption(
            f"雷同分 {c.score:.0f}；扣除招标文件与常见样板后分章节重合：{sections}；"
            f"匹配段落 {len(c.passages)} 处（黄色），共同错误（红色波浪线）如下。"
        )
        if c.errors:
            st.markdown("\n".join(f"- {e}" for e in c.errors))
        else:
            st.caption("未发现共同错误。")
        for problem in c.problems:
            st.warning(problem)
        left, right = st.columns(2)
        sides = ((left, c.bidder_a, c.file_a, c.html_a), (right, c.bidder_b, c.file_b, c.html_b))
        for col, bidder, name, html in sides:
            col.markdown(f"**{bidder}** · `{name}`")
            if html:
                col.html(f'{STYLE}<div class="bidtext">{html}</div>')
        with st.expander(f"匹配段落与偏移量（{len(c.passages)} 处，随证据导出）"):
            st.dataframe(c.passage_rows(), hide_index=True)
