"""A page for ``bidgraph bench graph-ui`` only (not in the navigation): the graph panel on
about BIDGRAPH_BENCH_NODES nodes of bidders, bids and tenders from the configured graph."""

from __future__ import annotations

import os

import streamlit as st

from bidgraph.bench.ui import graph_of
from bidgraph.workbench import ui
from bidgraph.workbench.graph_panel import graph_panel, reset_view

st.set_page_config(page_title="关系图基准", layout="wide")
store = ui.store()
if "bench:view" not in st.session_state:
    reset_view("bench", graph_of(store, int(os.environ.get("BIDGRAPH_BENCH_NODES", "500"))))
graph_panel("bench", store, height=700)
