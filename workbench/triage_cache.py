"""The triage list is costly (every detector runs), so it is computed in the background
once per data version and viewer, and shared by the pages that show it."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor

import streamlit as st

from bidgraph.analysis.findings import TriageList
from bidgraph.errors import BidgraphError
from bidgraph.graph import GraphStore
from bidgraph.services import detectors
from bidgraph.viewer import Viewer
from bidgraph.workbench import ui
from bidgraph.workbench.components.triage_evidence import evidence_view

_WORKER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="triage")


def data_version(store: GraphStore) -> str:
    """Changes whenever the graph does (node and relationship counts)."""
    info = store.info()
    return f"{info.nodes}:{info.relationships}"


@st.cache_resource(show_spinner=False, ttl=3600, max_entries=8)
def _started(graph: str, version: str, viewer_key: str, _store: GraphStore, _viewer: Viewer) -> Future[TriageList]:
    del graph, version, viewer_key  # cache key only
    return _WORKER.submit(detectors.triage, _store, _viewer)


def triage_future(store: GraphStore, viewer: Viewer) -> Future[TriageList]:
    """The (possibly still running) triage computation for this graph and viewer."""
    settings = ui.settings()
    return _started(f"{settings.data_dir}|{settings.graph_name}", data_version(store), repr(viewer), store, viewer)


def cached_triage(store: GraphStore, viewer: Viewer) -> TriageList | None:
    """Wait for the triage list; None (with the error shown) if it failed."""
    future = triage_future(store, viewer)
    with st.spinner("正在运行全部检测规则并排序风险……"):
        try:
            return future.result()
        except BidgraphError as e:
            st.error(f"风险排序失败：{e}")
            return None


def show_triage(ranked: TriageList, store: GraphStore, viewer: Viewer, key: str, limit: int | None = None) -> None:
    """The ranked tenders and company groups as two tabs; picking a row opens its evidence
    (findings, combined graph, timeline, 「全部加入线索」) right below the table."""
    tabs = st.tabs(["高风险标段", "高风险企业群组"])
    sections = ((ranked.tenders[:limit], "tenders"), (ranked.groups[:limit], "groups"))
    for tab, (items, kind) in zip(tabs, sections, strict=True):
        with tab:
            frame = detectors.triage_frame(items, viewer)
            if frame.empty:
                st.caption("没有对象触发检测规则。")
                continue
            event = st.dataframe(
                frame,
                hide_index=True,
                column_config={"key": None},
                on_select="rerun",
                selection_mode="single-row",
                key=f"{key}:{kind}",
            )
            if not event.selection.rows:
                st.caption("点选一行，查看构成其风险分的全部发现、合并证据关系图和时间线，并可全部加入线索。")
                continue
            evidence_view(store, viewer, items[event.selection.rows[0]], f"{key}:{kind}:evidence")
