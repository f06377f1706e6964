"""Shared page helpers: the cached store connection, the current viewer, settings,
error display and navigation to a profile."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import streamlit as st

from bidgraph.errors import BidgraphError
from bidgraph.settings import Settings
from bidgraph.viewer import DEMO_VIEWER, ROLE_ZH, Viewer
from graph import GraphStore, open_store
from graph.schema import apply_schema
from services.common import NodeRef

PROFILE_PAGE = "workbench/pages/profile.py"
SEARCH_PAGE = "workbench/pages/search.py"
DATA_PAGE = "workbench/pages/data.py"
T = TypeVar("T")


def settings() -> Settings:
    """Fresh from the environment each run (cheap), so tests can point pages elsewhere."""
    return Settings()


@st.cache_resource(show_spinner="正在连接图数据库…")
def _open(data_dir: str, graph_url: str, graph_name: str) -> GraphStore:
    # One connection per process and configuration; the embedded server is shared.
    del data_dir, graph_url, graph_name  # cache key only
    graph_store = open_store(settings())
    apply_schema(graph_store)  # idempotent; also creates a new graph, so reads on it find an empty graph
    return graph_store


def store() -> GraphStore:
    """The graph store, or a clear message and a stopped page if it is unreachable."""
    current = settings()
    try:
        return _open(str(current.data_dir), current.graph_url, current.graph_name)
    except BidgraphError as e:
        st.error(f"无法打开图数据库：{e}")
        st.info("请确认数据目录可写（BIDGRAPH_DATA_DIR），或用 `bidgraph db status` 检查数据库状态。")
        st.stop()
        raise


def viewer() -> Viewer:
    """Who is looking (the demo investigator until sign-in exists)."""
    if "viewer" not in st.session_state:
        st.session_state["viewer"] = DEMO_VIEWER
    return st.session_state["viewer"]


def sidebar_identity() -> None:
    current = viewer()
    st.sidebar.caption(f"当前用户：{current.user}（{ROLE_ZH[current.role]}）")


@contextmanager
def guarded(action: str = "操作") -> Iterator[None]:
    """Show project errors as a message that says what went wrong, not a traceback."""
    try:
        yield
    except BidgraphError as e:
        st.error(f"{action}失败：{e}")


def attempt(action: str, func: Callable[[], T]) -> T | None:
    """Run ``func``; on a project error show it and return None."""
    try:
        return func()
    except BidgraphError as e:
        st.error(f"{action}失败：{e}")
        return None


def open_profile(ref: NodeRef) -> None:
    """Go to the profile page showing ``ref`` (also in the URL, so it can be shared)."""
    st.session_state["profile_ref"] = ref
    st.switch_page(PROFILE_PAGE, query_params={"label": ref.label, "key": ref.key})


def profile_ref() -> NodeRef | None:
    """The profile to show: from the URL (``?label=…&key=…``) or the last one opened."""
    params = st.query_params
    if params.get("key") and params.get("label"):
        return NodeRef(params["label"], params["key"])
    return st.session_state.get("profile_ref")


def empty_graph_hint() -> None:
    st.info(
        "图数据库中还没有数据。请到「数据」页上传导出文件或指定文件夹导入；"
        "想先看看效果，可在命令行运行 `bidgraph demo` 载入示例数据。"
    )
    st.page_link(DATA_PAGE, label="前往数据导入", icon=":material/upload:")
