"""Widgets for declared query parameters, one fitting widget per type."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import streamlit as st

from bidgraph.queries.params import QueryParam


def param_widgets(params: Iterable[QueryParam], key: str, columns: int = 3) -> dict[str, Any]:
    """Show a widget for each parameter; returns the values entered (still to be checked)."""
    params = list(params)
    values: dict[str, Any] = {}
    if not params:
        st.caption("该规则没有可调参数。")
        return values
    cols = st.columns(min(columns, len(params)))
    for index, param in enumerate(params):
        with cols[index % len(cols)]:
            values[param.name] = _widget(param, f"{key}:{param.name}")
    return values


def _widget(param: QueryParam, key: str) -> Any:
    label, default = param.label, param.default
    help_text = f"参数 ${param.name}（{param.type}）"
    if param.choices:
        options = list(param.choices)
        return st.selectbox(
            label,
            options,
            index=options.index(default) if default in options else 0,
            format_func=param.caption,
            key=key,
            help=help_text,
        )
    if param.type == "bool":
        return st.checkbox(label, value=bool(default), key=key, help=help_text)
    if param.type in ("int", "float"):
        cast = int if param.type == "int" else float
        low = cast(param.min) if param.min is not None else None
        high = cast(param.max) if param.max is not None else None
        step = 1 if param.type == "int" else _float_step(float(default or 0))
        return st.number_input(
            label,
            min_value=low,
            max_value=high,
            value=cast(default or 0),
            step=step,
            key=key,
            help=help_text,
            format=None if param.type == "int" else "%g",
        )
    if param.type == "date":
        return st.date_input(
            label, value=dt.date.fromisoformat(str(default)[:10]) if default else None, key=key, help=help_text
        )
    if param.type == "list":
        text = ", ".join(map(str, default or []))
        return st.text_input(label, value=text, key=key, help=help_text + "，多个值用逗号分隔")
    return st.text_input(label, value="" if default is None else str(default), key=key, help=help_text)


def _float_step(default: float) -> float:
    magnitude = abs(default) or 1.0
    step = 1.0
    while step > magnitude / 10:
        step /= 10
    while step * 100 < magnitude:
        step *= 10
    return step
