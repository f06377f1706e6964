"""用户: the user directory for the administrator — roles, sectors, add, change, disable."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from bidgraph.services.auditlog import short_time
from bidgraph.users import UserDirectory
from bidgraph.viewer import ROLE_ZH, Role
from bidgraph.workbench import ui

st.title("用户")
ui.sidebar_identity()
admin = ui.require_role(Role.ADMIN, why="用户、角色与可见行业的管理属于管理员职责。")
directory = UserDirectory(ui.settings().data_dir)
st.caption(
    "角色：调查员可查看专家信息（证件号码打码）；分析员可使用「查询」页（不含专家身份信息）；"
    "纪检/公安联络可见完整证件与电话号码；管理员另可导入数据、管理用户、查看审计日志。"
    "可见行业为空表示全部行业。所有变更记入审计日志。"
)

users = directory.list()
if users:
    rows = [
        {
            "登录名": u.name,
            "显示名称": u.display,
            "角色": ROLE_ZH[u.role],
            "可见行业": u.scope,
            "状态": "启用" if u.active else "停用",
            "更新时间（UTC）": short_time(u.updated_at),
            "更新人": u.updated_by,
        }
        for u in users
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True)
else:
    st.info("用户目录为空，工作台以演示调查员身份运行。添加第一个用户时请先添加管理员，否则将无人能管理用户。")

industries = ui.attempt(
    "读取行业",
    lambda: ui.store().run("MATCH (t:Tender) WHERE t.industry IS NOT NULL RETURN DISTINCT t.industry AS i").column("i"),
)
st.subheader("添加或修改用户")
with st.form("users:form", clear_on_submit=True):
    cols = st.columns(3)
    name = cols[0].text_input("登录名（与单点登录一致）", key="users:name")
    display = cols[1].text_input("显示名称", key="users:display")
    role = cols[2].selectbox("角色", list(Role), format_func=lambda r: ROLE_ZH[r], key="users:role")
    sectors = st.multiselect(
        "可见行业（留空为全部）",
        sorted(industries or []),
        accept_new_options=True,
        placeholder="选择或输入行业",
        key="users:sectors",
    )
    if st.form_submit_button("保存", type="primary"):
        name = name.strip()
        with ui.guarded("保存用户"):
            if directory.get(name) is None:
                directory.add(name, role, actor=admin.user, display=display, sectors=sectors)
            else:
                directory.update(name, actor=admin.user, role=role, display=display, sectors=sectors, active=True)
            st.toast(f"已保存用户「{name}」")
            st.rerun()

active = [u.name for u in users if u.active and u.name != admin.user]
if active:
    st.subheader("停用用户")
    cols = st.columns([2, 1], vertical_alignment="bottom")
    target = cols[0].selectbox("用户", active, key="users:disable_name")
    if cols[1].button("停用", key="users:disable"):
        with ui.guarded("停用用户"):
            directory.disable(target, actor=admin.user)
            st.toast(f"已停用用户「{target}」")
            st.rerun()
