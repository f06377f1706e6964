"""The 查询 editor: Ace (streamlit-code-editor, whose JavaScript ships inside the wheel, so
it works offline) with Cypher-like highlighting and completion of labels, relationship
types, properties and keywords from the schema; Ctrl+Enter runs. A plain text box stays
available (screen readers, pasting very long statements, and Streamlit's AppTest)."""

from __future__ import annotations

import streamlit as st
from code_editor import code_editor

from bidgraph.services.cypher_schema import completions, label_table, relationship_table

# Ace has no Cypher mode; SQL's highlights the keywords they share (WHERE, RETURN, AS, ORDER BY…),
# strings and numbers.
_MODE = "sql"
_BUTTONS = [
    {
        "name": "运行（Ctrl+Enter）",
        "feather": "Play",
        "primary": True,
        "hasText": True,
        "showWithIcon": True,
        "commands": ["submit"],
        "style": {"bottom": "0.4rem", "right": "0.4rem"},
    }
]


def cypher_editor(key: str, label: str) -> tuple[str, bool]:
    """The statement in ``st.session_state[key]`` as edited now, and whether the analyst asked to run it."""
    if st.toggle("纯文本编辑框", key=f"{key}:plain", help="不使用语法高亮与自动补全（例如粘贴很长的语句时）"):
        return st.text_area(label, key=key, height=180), False
    st.caption(label + "。输入时自动提示标签、关系类型和属性；Ctrl+Enter 运行。")
    response = code_editor(
        st.session_state[key],
        lang=_MODE,
        props={"theme": "chrome"},  # a bundled Ace theme: the default ones @import a web font
        height=[8, 20],
        buttons=_BUTTONS,
        completions=completions(),
        response_mode=["blur", "debounce"],
        options={"wrap": True, "showLineNumbers": True},
        key=f"{key}:editor",
    )
    seen = st.session_state.get(f"{key}:seen")
    if response and response.get("id") and response["id"] != seen:
        st.session_state[f"{key}:seen"] = response["id"]
        st.session_state[key] = response["text"]
        return response["text"], response.get("type") == "submit"
    return st.session_state[key], False


def schema_browser() -> None:
    """Labels and relationship types with their Chinese names and properties, beside the editor."""
    st.markdown("**图谱结构**")
    labels, rels = st.tabs(["节点标签", "关系类型"])
    labels.dataframe(label_table().drop(columns=["键"]), hide_index=True, height=300)
    rels.dataframe(relationship_table(), hide_index=True, height=300)
    st.caption("标签、关系类型和属性名区分大小写；中文名仅供参考，查询中请用英文名。")
