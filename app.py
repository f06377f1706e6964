"""bidgraph workbench entry point: page configuration, the Chinese chrome and navigation only.

Run with ``streamlit run app.py``; the pages live in ``workbench/pages``."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from bidgraph.workbench import ui

st.set_page_config(
    page_title="关系图谱研判工作台", page_icon=str(Path(__file__).parent / "workbench" / "icon.png"), layout="wide"
)

ui.apply_chrome()

# (file, title, icon)
LAYOUT = {
    "工作台": [
        ("overview.py", "总览", ":material/dashboard:"),
        ("search.py", "搜索", ":material/search:"),
        ("profile.py", "画像", ":material/badge:"),
        ("detectors.py", "研判", ":material/policy:"),
        ("leads.py", "线索", ":material/folder_open:"),
        ("alerts.py", "预警督办", ":material/notifications_active:"),
        ("report.py", "行业报告", ":material/summarize:"),
    ],
    "分析与数据": [
        ("cypher.py", "查询", ":material/terminal:"),
        ("data.py", "数据", ":material/upload_file:"),
        ("audit.py", "审计日志", ":material/fact_check:"),
        ("users.py", "用户", ":material/manage_accounts:"),
    ],
}

navigation = st.navigation(
    {
        section: [
            st.Page(f"workbench/pages/{file}", title=title, icon=icon, default=file == "overview.py")
            for file, title, icon in pages
        ]
        for section, pages in LAYOUT.items()
    }
)
navigation.run()
