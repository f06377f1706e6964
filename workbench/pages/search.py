"""搜索: find a company, person or tender and open its profile."""

from __future__ import annotations

import streamlit as st

from bidgraph.workbench import ui
from bidgraph.workbench.search_box import search_box

st.title("搜索")
ui.sidebar_identity()
search_box("search")
