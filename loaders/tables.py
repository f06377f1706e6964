"""The canonical import tables (``tables.yaml``): column specs, header aliases and
recognising a table from a file or sheet name."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from bidgraph import yamldoc
from bidgraph.errors import ConfigError

TYPES = frozenset({"str", "int", "float", "money", "date", "datetime", "bool", "pct", "uscc", "id_number", "list"})

# Tables are read (and written) in this order, so everything a row refers to is known
# (and already in the graph) when the row comes.
ORDER = (
    "documents",
    "companies",
    "tenderers",
    "agencies",
    "departments",
    "persons",
    "projects",
    "tenders",
    "experts",
    "certificates",
    "roles",
    "kinship",
    "contacts",
    "penalties",
    "bids",
    "bid_staff",
    "evaluations",
    "allowlist",
)


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    name: str
    zh: str
    columns: dict[str, Column] = field(default_factory=dict)

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns.values() if c.required]

    def header_index(self) -> dict[str, str]:
        """Normalized header text (English name or any alias) -> column name."""
        index: dict[str, str] = {}
        for column in self.columns.values():
            for text in (column.name, *column.aliases):
                index.setdefault(header_key(text), column.name)
        return index


def header_key(text: str) -> str:
    """A header as compared: NFKC (full-width -> half-width), no spaces, no ``*`` marks,
    lower case."""
    text = unicodedata.normalize("NFKC", str(text or "")).replace("\ufeff", "")
    return re.sub(r"[\s*]+", "", text).lower()


def parse_tables(doc: dict) -> dict[str, Table]:
    tables: dict[str, Table] = {}
    for name, spec in (doc.get("tables") or {}).items():
        columns = {}
        for col, cspec in (spec.get("columns") or {}).items():
            kind = cspec.get("type", "str")
            if kind not in TYPES:
                raise ConfigError(f"tables.yaml {name}.{col}: 未知类型 {kind!r}")
            columns[col] = Column(
                name=col,
                type=kind,
                required=bool(cspec.get("required", False)),
                aliases=tuple(str(a) for a in cspec.get("aliases") or ()),
                choices=tuple(str(c) for c in cspec.get("choices") or ()),
            )
        tables[name] = Table(name=name, zh=str(spec.get("zh", name)), columns=columns)
    unknown = set(tables) - set(ORDER)
    if unknown:
        raise ConfigError(f"tables.yaml: 表 {sorted(unknown)} 未列入导入顺序")
    return tables


@cache
def tables() -> dict[str, Table]:
    """The canonical tables (parsed once per process)."""
    return parse_tables(yamldoc.load(Path(__file__).with_name("tables.yaml").read_text(encoding="utf-8")))


def table_for_name(name: str) -> str | None:
    """The table a file stem or sheet name stands for: its English or Chinese name,
    also with a prefix or suffix (``bids_2024``, ``2024年投标``)."""
    key = header_key(name)
    by_key = {header_key(t.name): t.name for t in tables().values()}
    by_key.update({header_key(t.zh): t.name for t in tables().values()})
    if key in by_key:
        return by_key[key]
    # longest match first, so 招标代理机构 wins over 招标人-like fragments
    for text in sorted(by_key, key=len, reverse=True):
        if text in key:
            return by_key[text]
    return None
