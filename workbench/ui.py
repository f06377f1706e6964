"""Shared page helpers: the cached store connection, the current viewer, settings,
error display and navigation to a profile."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn, TypeVar

import streamlit as st

from bidgraph.errors import BidgraphError
from bidgraph.graph import GraphStore, open_store
from bidgraph.graph.schema import apply_schema
from bidgraph.services.common import NodeRef
from bidgraph.settings import Settings
from bidgraph.users import User, UserDirectory, UserError
from bidgraph.viewer import DEMO_VIEWER, ROLE_ZH, Role, Viewer

PROFILE_PAGE = "workbench/pages/profile.py"
SEARCH_PAGE = "workbench/pages/search.py"
DATA_PAGE = "workbench/pages/data.py"
CURRENT_USER = "ui:current_user"
T = TypeVar("T")


# What makes markdown out of text anywhere in a line (links, images, HTML, emphasis, code, emoji
# and icon shortcodes, LaTeX, tables), and what does so only at the start of a line (lists,
# quotes, headings). Other punctuation (E-001, 3.5) stays as it is.
_MARKDOWN_INLINE = re.compile(r"([\\`*_{}\[\]()<>!|~$:#&])")
_MARKDOWN_LINE_START = re.compile(r"^(\s*(?:\d+(?=[.)]))?)([-+=>.)])", re.MULTILINE)


def plain(text: object) -> str:
    """User text (names, case titles and summaries, notes, comments) for any Streamlit element
    that renders markdown: markdown syntax is backslash-escaped, so nothing in it becomes a link,
    an image that the browser would fetch, HTML, emphasis or a list."""
    escaped = _MARKDOWN_INLINE.sub(r"\\\1", str(text))
    return _MARKDOWN_LINE_START.sub(r"\1\\\2", escaped)


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


def _users() -> tuple[list[User], bool]:
    """The active users, and whether the directory has any user at all (active or not)."""
    everyone = UserDirectory(settings().data_dir).list()
    return [u for u in everyone if u.active], bool(everyone)


def viewer() -> Viewer:
    """Who is looking: the user named by ``BIDGRAPH_USER`` (set behind the SSO proxy), else
    the one picked in the sidebar; the demo investigator while the user directory is empty."""
    named = settings().user.strip()
    if named:
        try:
            return UserDirectory(settings().data_dir).viewer_for(named)
        except UserError as e:
            _refuse(f"无法确认当前用户（BIDGRAPH_USER）：{e}")
    active, any_users = _users()
    if not any_users:
        return DEMO_VIEWER
    if not active:
        _refuse("用户目录中的用户均已停用，请管理员用 `bidgraph user update 登录名 --enable` 重新启用。")
    picked = next((u for u in active if u.name == st.session_state.get(CURRENT_USER)), None)
    if picked is None:  # never a default identity: the first user could be an administrator
        _refuse("请先在左侧边栏「当前用户」中选择您的身份。正式部署由单位统一身份认证（SSO）设定用户。", st.info)
    return picked.viewer


def _refuse(message: str, show: Callable[[str], object] = st.error) -> NoReturn:
    show(message)
    st.stop()
    raise AssertionError("st.stop() returned")  # pragma: no cover


def sidebar_identity() -> None:
    """The current user, role and scope in the sidebar, with the user picker when there is no SSO."""
    active, _ = _users()
    by_name = {u.name: u for u in active}
    if by_name and not settings().user.strip():
        names = list(by_name)
        current = st.session_state.get(CURRENT_USER)
        picked = st.sidebar.selectbox(
            "当前用户",
            names,
            index=names.index(current) if current in by_name else None,
            format_func=lambda n: f"{by_name[n].display}（{n}）",
            placeholder="请选择您的身份",
        )
        st.session_state[CURRENT_USER] = picked
        st.sidebar.caption(
            "此处切换身份仅供演示与单机使用；正式部署时工作台置于单位统一身份认证（SSO/反向代理）之后，由其设定用户。"
        )
    current = viewer()
    if current is DEMO_VIEWER:
        st.sidebar.caption("演示模式：尚未配置用户，全部页面开放。用 `bidgraph user add` 添加用户后按角色控制。")
    user = by_name.get(current.user)
    name = f"{user.display}（{current.user}）" if user else current.user
    scope = "、".join(sorted(current.sectors)) or "全部行业"
    st.sidebar.caption(f"当前用户：{plain(name)}  \n角色：{ROLE_ZH[current.role]}  \n可见行业：{plain(scope)}")


def allowed(*roles: Role) -> bool:
    """Whether the current viewer has one of ``roles``. While the user directory is empty
    (a single-person install or ``make demo``) every page is open; roles apply once users exist."""
    return viewer().role in roles or not _users()[1]


def require_role(*roles: Role, why: str) -> Viewer:
    """The viewer, or a message saying why the page is closed to this role and whom to ask."""
    if not allowed(*roles):
        names = "、".join(ROLE_ZH[r] for r in roles)
        st.info(f"本页仅限{names}使用：{why}如需使用，请联系系统管理员调整您的角色。")
        st.stop()
    return viewer()


@contextmanager
def guarded(action: str = "操作") -> Iterator[None]:
    """Show project errors as a message that says what went wrong, not a traceback."""
    try:
        yield
    except BidgraphError as e:
        st.error(failure(action, e))


def attempt(action: str, func: Callable[[], T]) -> T | None:
    """Run ``func``; on a project error show it and return None."""
    try:
        return func()
    except BidgraphError as e:
        st.error(failure(action, e))
        return None


def failure(action: str, error: BidgraphError) -> str:
    """「查询失败：…」 once, even when the error's own message already starts that way."""
    prefix = f"{action}失败："
    return prefix + plain(error).removeprefix(prefix)


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


_CHROME = Path(__file__).with_name("chrome.css")


def apply_chrome() -> None:
    """Streamlit's own English strings replaced or hidden, metrics that wrap (workbench/chrome.css)."""
    st.html(f"<style>{_CHROME.read_text(encoding='utf-8')}</style>")
