"""Declared query parameters: types, defaults, ranges, and binding user values to them."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bidgraph.errors import QueryError

TYPES = ("str", "int", "float", "bool", "date", "list")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_TRUE = {"1", "true", "yes", "y", "是"}
_FALSE = {"0", "false", "no", "n", "否"}


class ParameterError(QueryError):
    """A parameter value is missing, of the wrong type or out of range."""


@dataclass(frozen=True)
class QueryParam:
    name: str
    type: str
    default: Any
    label: str
    min: float | None = None
    max: float | None = None
    choices: tuple[Any, ...] = ()
    # zh captions of the choices, when the header gives choices as a {value: caption} map
    choice_labels: Mapping[Any, str] = field(default_factory=dict, hash=False, compare=False)

    def caption(self, choice: Any) -> str:
        return self.choice_labels.get(choice, str(choice))

    def coerce(self, value: Any) -> Any:
        """``value`` (possibly text from a form or the command line) as this type, checked."""
        try:
            converted = _convert(self.type, value)
        except (TypeError, ValueError):
            raise ParameterError(f"参数「{self.label}」（{self.name}）应为 {self.type} 类型，收到 {value!r}") from None
        if isinstance(converted, (int, float)) and not isinstance(converted, bool):
            if self.min is not None and converted < self.min:
                raise ParameterError(f"参数「{self.label}」（{self.name}）不能小于 {self.min}，收到 {converted}")
            if self.max is not None and converted > self.max:
                raise ParameterError(f"参数「{self.label}」（{self.name}）不能大于 {self.max}，收到 {converted}")
        if self.choices and converted not in self.choices:
            allowed = "、".join(map(self.caption, self.choices))
            raise ParameterError(f"参数「{self.label}」（{self.name}）只能取 {allowed}，收到 {converted!r}")
        return converted


def _convert(kind: str, value: Any) -> Any:
    if kind == "str":
        return "" if value is None else str(value)
    if kind == "int":
        if isinstance(value, bool):
            raise TypeError
        if isinstance(value, float) and not value.is_integer():
            raise ValueError
        return int(value)
    if kind == "float":
        if isinstance(value, bool):
            raise TypeError
        return float(value)
    if kind == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE | _FALSE:
            return text in _TRUE
        raise ValueError
    if kind == "date":
        if isinstance(value, dt.date):
            return value.isoformat()
        text = str(value).strip()
        if not _DATE.match(text):
            raise ValueError
        dt.date.fromisoformat(text[:10])
        return text
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return list(value)


def bind(declared: tuple[QueryParam, ...], values: Mapping[str, Any] | None) -> dict[str, Any]:
    """Declared defaults overridden by ``values``; unknown names are refused."""
    by_name = {p.name: p for p in declared}
    unknown = sorted(set(values or {}) - set(by_name))
    if unknown:
        raise ParameterError(f"未声明的参数：{', '.join(unknown)}；可用：{', '.join(by_name) or '（无）'}")
    bound = {p.name: p.coerce(p.default) for p in declared}
    for name, value in (values or {}).items():
        bound[name] = by_name[name].coerce(value)
    return bound


def param_from_spec(spec: Mapping[str, Any]) -> QueryParam:
    """A ``QueryParam`` from one entry of a header's ``parameters`` list (checked)."""
    name = str(spec.get("name", ""))
    kind = str(spec.get("type", ""))
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise ParameterError(f"参数名无效：{name!r}")
    if kind not in TYPES:
        raise ParameterError(f"参数 {name} 的类型 {kind!r} 无效；可用：{', '.join(TYPES)}")
    if "default" not in spec:
        raise ParameterError(f"参数 {name} 缺少默认值 default")
    if not spec.get("label"):
        raise ParameterError(f"参数 {name} 缺少中文名称 label")
    choices = spec.get("choices") or ()
    param = QueryParam(
        name=name,
        type=kind,
        default=spec["default"],
        label=str(spec["label"]),
        min=spec.get("min"),
        max=spec.get("max"),
        choices=tuple(choices),
        choice_labels={k: str(v) for k, v in choices.items()} if isinstance(choices, Mapping) else {},
    )
    param.coerce(param.default)
    return param
