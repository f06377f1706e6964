"""Fitting one file's header to its table through the mapping: header renames (also with
a unit in the header, ``注册资本(万元)``), targets chosen by another column, constants,
value recoding, derived values, declared units and date formats.

The result is a header of canonical column names and a function that turns a row of the
file into a row under that header, so ``RowConverter`` checks and types it as usual. A
file that needs none of this keeps its own header (no per-row work)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from bidgraph.errors import DataError
from bidgraph.loaders import normalize
from bidgraph.loaders.mapping import UNITS, Condition, FileSpec, Target
from bidgraph.loaders.tables import Table, header_key

Cells = list[object]
Getter = Callable[[Cells], object]
_HEADER_UNIT = re.compile(r"^(?P<base>.+?)\s*[（(]\s*(?P<unit>万元|万|元|%|％)\s*[）)]\s*$")
_RATE_WORDS = ("下浮率", "费率", "折扣率", "优惠率", "让利")
_NUMBER = re.compile(r"^-?[0-9][0-9,，]*(\.[0-9]+)?$")


@dataclass
class Fit:
    header: list[str]  # what the converter sees
    index: dict[str, str]  # normalized header -> column
    row: Callable[[Cells], Cells] | None = None  # None: rows pass unchanged
    unknown: list[str] = field(default_factory=list)
    errors: list[DataError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def fit(table: Table, spec: FileSpec | None, header: list[str], index: dict[str, str], file: str) -> Fit:
    """How the rows of a file with ``header`` become rows of ``table``."""
    spec = spec or FileSpec("", table.name)
    declared = {header_key(h): t for h, t in spec.columns.items()}
    units = {header_key(k): u for k, u in spec.units.items()}
    declared_columns = {c for t in declared.values() for c in (*t.columns, t.then, t.otherwise)}
    getters: dict[str, list[Getter]] = {}
    result = Fit(header=[], index={})
    plain = not (spec.constants or spec.recode or spec.derive or spec.dates)
    positions = {header_key(h): p for p, h in enumerate(header)}

    def condition(cond: Condition) -> Callable[[Cells], bool] | None:
        p = positions.get(header_key(cond.header))
        if p is None:
            result.errors.append(DataError(f"映射条件中的表头「{cond.header}」不在文件中", file=file, row=1))
            return None
        return lambda cells: cond.holds(normalize.text(cells[p] if p < len(cells) else None))

    conditions = {header_key(c.header) for t in declared.values() if t.condition for c in [t.condition]}
    conditions |= {header_key(c.header) for c in spec.derive.values()}
    for p, title in enumerate(header):
        key = header_key(title)
        target = _target(key, declared, index)
        unit = units.get(key)
        match = _HEADER_UNIT.match(normalize.text(title)) if target is None else None
        if match:  # 注册资本(万元): the header without its unit, read in that unit
            key = header_key(match["base"])
            target = _target(key, declared, index)
            unit = unit or units.get(key) or _header_unit(match["unit"])
        if target is None:
            if title.strip() and key not in conditions:
                result.unknown.append(title.strip())
            continue
        cell = _cell(p)
        for column in target.columns or (target.then, target.otherwise):
            kind = table.columns[column].type
            unit = unit or units.get(header_key(column)) or _rate(title, kind)
            get = _with_unit(cell, unit, title) if unit and kind == "money" else cell
            if get is not cell:
                result.notes.append(f"「{title}」按单位 {unit} 读入 {column}")
            if target.condition:
                holds = condition(target.condition)
                if holds is None:
                    continue
                get = _when(holds, get, column == target.then)
                plain = False
            plain = plain and get is cell
            getters.setdefault(column, []).append(get)
            if len(getters[column]) > 1 and not (target.condition or column in declared_columns):
                # two headers for one column by alias: ambiguous; declared in the mapping:
                # the first non-empty one counts (报价 or 下浮率)
                result.errors.append(DataError("表头重复（多列对应同一字段）", file=file, row=1, column=title))
    for column, cond in spec.derive.items():
        holds = condition(cond)
        if holds is not None:
            getters[column] = [lambda cells, h=holds: h(cells)]
    if plain:
        result.header = list(header)
        result.index = {header_key(header[_position(g[0])]): c for c, g in getters.items()}
        return result
    columns = {c: _first(gs) for c, gs in getters.items()}
    for column, value in spec.constants.items():
        columns[column] = _default(columns.get(column), value)
    for column, table_of in spec.recode.items():
        if column in columns:
            columns[column] = _recode(columns[column], table_of)
    for column, fmt in spec.dates.items():
        if column in columns:
            columns[column] = _date(columns[column], fmt)
    result.header = list(columns)
    result.index = {header_key(c): c for c in columns}
    getters_list = list(columns.values())
    result.row = lambda cells: [g(cells) for g in getters_list]
    return result


def _target(key: str, declared: dict[str, Target], index: dict[str, str]) -> Target | None:
    if key in declared:
        return declared[key]
    return Target(columns=(index[key],)) if key in index else None


def _cell(p: int) -> Getter:
    def get(cells: Cells) -> object:
        return cells[p] if p < len(cells) else None

    get.position = p  # type: ignore[attr-defined]
    return get


def _position(get: Getter) -> int:
    return get.position  # type: ignore[attr-defined]


def _header_unit(text: str) -> str:
    return {"万": "万元", "%": "rate", "％": "rate"}.get(text, text)


def _rate(title: str, kind: str) -> str | None:
    """Discount and fee rates are not amounts: 下浮率 3 is kept as the text 下浮率3%."""
    return "rate" if kind == "money" and any(w in title for w in _RATE_WORDS) else None


def _with_unit(get: Getter, unit: str, title: str) -> Getter:
    factor = UNITS[unit]
    base = _HEADER_UNIT.sub(r"\g<base>", normalize.text(title))

    def convert(cells: Cells) -> object:
        value = get(cells)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return value * factor if factor else f"{base}{value:g}%"
        text = normalize.text(value)
        if not text or not _NUMBER.match(text.replace(" ", "")):
            return value
        return f"{text}万元" if factor == 10_000 else (text if factor else f"{base}{text}%")

    return convert


def _when(holds: Callable[[Cells], bool], get: Getter, then: bool) -> Getter:
    return lambda cells: get(cells) if holds(cells) == then else None


def _first(getters: list[Getter]) -> Getter:
    if len(getters) == 1:
        return getters[0]
    return lambda cells: next((v for g in getters if normalize.text(v := g(cells))), None)


def _default(get: Getter | None, value: str) -> Getter:
    if get is None:
        return lambda cells: value
    return lambda cells: v if normalize.text(v := get(cells)) else value


def _recode(get: Getter, table: dict[str, str]) -> Getter:
    return lambda cells: table.get(normalize.text(v := get(cells)), v)


def _date(get: Getter, fmt: str) -> Getter:
    def parse(cells: Cells) -> object:
        value = get(cells)
        text = normalize.text(value)
        if not text or not isinstance(value, str):
            return value
        try:
            return datetime.strptime(text, fmt).isoformat()
        except ValueError:
            return value  # the converter tries the usual forms and reports the cell

    return parse
