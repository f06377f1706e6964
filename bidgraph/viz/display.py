"""Values as a person reads them: no 「None」, money in 万元/亿元, booleans as 是/否,
timestamps in Beijing time (Asia/Shanghai) instead of UTC ISO strings."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bidgraph.viz.style import PROPERTY_ZH, format_money

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONEY_KEYS = frozenset({"reg_capital", "price", "win_price", "ceiling_price", "estimate_price", "amount"})
_ZONED = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)$")


def local_time(value: Any) -> str:
    """「2026-11-30T13:45:07+00:00」 -> 「2026-11-30 21:45:07」; other text unchanged (a date stays a date)."""
    text = "" if value is None else str(value)
    if not _ZONED.match(text):
        return text
    moment = datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(SHANGHAI)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def shown_value(key: str, value: Any) -> str:
    """One property value as shown in tables, tooltips and reports."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if key in MONEY_KEYS and isinstance(value, (int, float)):
        return format_money(value)
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}"
    return local_time(value)


def property_lines(props: Mapping[str, Any], skip: Collection[str] = ()) -> list[str]:
    """「注册资本：1.00 亿元」 lines for the properties that have a value."""
    return [
        f"{PROPERTY_ZH.get(k, k)}：{shown_value(k, v)}" for k, v in props.items() if k not in skip and v is not None
    ]
