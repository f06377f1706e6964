"""The mapping file: how the files of a real export fit the canonical tables.

```yaml
files:                        # exact file/sheet name or glob (never a substring guess)
  "平台导出_投标_*.csv": bids  # short form: only the table
  股东信息.csv:
    table: roles
    columns:                  # header -> column, [columns], or a target chosen by another column
      企业名称: company_name
      股东名称: {if: 股东类型 == 自然人, then: person_name, else: holder_name}
    constants: {role: shareholder}          # a value for every row
    recode: {role: {项目经理: employee}}     # value tables, per column
    derive: {won: 排名 == 1}                 # a bool column from a condition on a header
    units: {注册资本: 万元, 下浮率: rate}     # per header or column: 万元 (x10,000), 元, rate
    dates: {bid_open: "%Y%m%d"}             # strptime formats, per column
    duplicates: keep_first                  # later rows with a repeated key: dropped and counted
columns:                      # per table, for every file of the table
  bids: {供应商: bidder_name}
```

Every error names the mapping file's line (``ConfigError``)."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bidgraph.errors import ConfigError
from bidgraph.loaders.tables import header_key, tables

UNITS = {"万元": 10_000.0, "万": 10_000.0, "元": 1.0, "rate": 0.0}
DUPLICATE_POLICIES = ("error", "keep_first")
_CONDITION = re.compile(r"^\s*(?P<header>.+?)\s*(?P<op>==|!=|\bin\b)\s*(?P<value>.+?)\s*$")


@dataclass(frozen=True)
class Condition:
    """``header == value``, ``header != value`` or ``header in [a, b]`` on a file's cells."""

    header: str
    values: frozenset[str]
    negate: bool = False

    def holds(self, cell: str) -> bool:
        return (cell in self.values) != self.negate


@dataclass(frozen=True)
class Target:
    """Where a header goes: ``columns`` always, or ``then``/``otherwise`` by ``condition``."""

    columns: tuple[str, ...] = ()
    condition: Condition | None = None
    then: str = ""
    otherwise: str = ""


@dataclass(frozen=True)
class FileSpec:
    pattern: str
    table: str
    columns: dict[str, Target] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    recode: dict[str, dict[str, str]] = field(default_factory=dict)
    derive: dict[str, Condition] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    dates: dict[str, str] = field(default_factory=dict)
    duplicates: str = "error"

    def matches(self, name: str) -> bool:
        return any(fnmatch.fnmatchcase(n, self.pattern) for n in (name, Path(name).stem))


@dataclass(frozen=True)
class Mapping:
    files: list[FileSpec] = field(default_factory=list)
    columns: dict[str, dict[str, str]] = field(default_factory=dict)
    path: str = ""

    def spec_for(self, *names: str) -> FileSpec | None:
        """The first file entry matching any of ``names`` (file, sheet, ``file!sheet``)."""
        for spec in self.files:
            if any(spec.matches(n) for n in names if n):
                return spec
        return None

    def table_for_file(self, name: str) -> str | None:
        spec = self.spec_for(name)
        return spec.table if spec else None

    def header_index(self, table: str) -> dict[str, str]:
        """Normalized header -> column for ``table``: the mapping first, then aliases."""
        index = {header_key(h): c for h, c in self.columns.get(table, {}).items()}
        for key, column in tables()[table].header_index().items():
            index.setdefault(key, column)
        return index


def load_mapping(path: str | Path | None) -> Mapping:
    """Read and check a mapping file (``None``: the empty mapping)."""
    if path is None:
        return Mapping()
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"无法读取映射文件 {path}：{e}") from None
    return mapping_from_text(text, path.name)


def mapping_from_text(text: str, name: str = "mapping.yaml") -> Mapping:
    """A mapping from YAML text (the Data page's editor, a file's contents)."""
    try:
        node = yaml.compose(text)
    except yaml.YAMLError as e:
        raise ConfigError(f"映射文件 {name} 不是有效的 YAML：{e}") from None
    return parse_mapping(node, name)


def parse_mapping(node: yaml.Node | None, name: str = "mapping.yaml") -> Mapping:
    checker = _Checker(name)
    if node is None:
        return Mapping(path=name)
    doc = checker.mapping(node, "映射文件应为 YAML 字典（files / columns）")
    known = tables()
    for key in doc:
        if key.value not in ("files", "columns"):
            checker.fail(key, f"未知的顶层项 {key.value!r}（可用：files、columns）")
    files = [checker.file_spec(k, v) for k, v in checker.mapping(doc.get_node("files")).items()]
    columns: dict[str, dict[str, str]] = {}
    for table_node, pairs in checker.mapping(doc.get_node("columns")).items():
        table = checker.table(table_node)
        columns[table] = {}
        for header, column in checker.mapping(pairs).items():
            columns[table][header.value] = checker.column(known[table].name, column)
    return Mapping(files=files, columns=columns, path=name)


class _Nodes(dict):
    """A YAML mapping as {key node: value node}, looked up by key text."""

    def get_node(self, key: str) -> yaml.Node | None:
        return next((v for k, v in self.items() if k.value == key), None)


class _Checker:
    def __init__(self, name: str) -> None:
        self.name = name

    def fail(self, node: yaml.Node, message: str) -> None:
        raise ConfigError(f"映射文件 {self.name} 第 {node.start_mark.line + 1} 行：{message}")

    def mapping(self, node: yaml.Node | None, message: str = "此处应为 YAML 字典（键: 值）") -> _Nodes:
        if node is None or (isinstance(node, yaml.ScalarNode) and node.value in ("", "~", "null")):
            return _Nodes()
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, message)
        for key, _ in node.value:
            if not isinstance(key, yaml.ScalarNode):
                self.fail(key, "键应为文字")
        return _Nodes((k, v) for k, v in node.value)

    def scalar(self, node: yaml.Node) -> str:
        if not isinstance(node, yaml.ScalarNode) or not node.value.strip():
            self.fail(node, "此处应为一个非空值")
        return str(node.value).strip()

    def table(self, node: yaml.Node) -> str:
        table = self.scalar(node)
        if table not in tables():
            self.fail(node, f"未知表 {table!r}；可用：{', '.join(tables())}")
        return table

    def column(self, table: str, node: yaml.Node) -> str:
        column = self.scalar(node)
        if column not in tables()[table].columns:
            self.fail(node, f"表 {table} 没有列 {column!r}；可用：{', '.join(tables()[table].columns)}")
        return column

    def condition(self, node: yaml.Node) -> Condition:
        match = _CONDITION.match(self.scalar(node))
        if not match:
            self.fail(node, "条件应写成 表头 == 值、表头 != 值 或 表头 in [值1, 值2]")
        value = match["value"].strip()
        if match["op"] == "in":
            values = [v.strip().strip("'\"") for v in value.strip("[]").split(",") if v.strip()]
        else:
            values = [value.strip("'\"")]
        return Condition(match["header"], frozenset(values), negate=match["op"] == "!=")

    def target(self, table: str, node: yaml.Node) -> Target:
        if isinstance(node, yaml.SequenceNode):
            return Target(columns=tuple(self.column(table, n) for n in node.value))
        if isinstance(node, yaml.MappingNode):
            parts = self.mapping(node)
            unknown = [k for k in parts if k.value not in ("if", "then", "else")]
            if unknown or not all(parts.get_node(k) for k in ("if", "then", "else")):
                self.fail(node, "按条件选择的目标应写成 {if: 表头 == 值, then: 列, else: 列}")
            return Target(
                condition=self.condition(parts.get_node("if")),
                then=self.column(table, parts.get_node("then")),
                otherwise=self.column(table, parts.get_node("else")),
            )
        return Target(columns=(self.column(table, node),))

    def file_spec(self, key: yaml.Node, node: yaml.Node) -> FileSpec:
        pattern = self.scalar(key)
        if isinstance(node, yaml.ScalarNode):
            return FileSpec(pattern, self.table(node))
        parts = self.mapping(node, "文件项应为表名，或含 table 的字典")
        allowed = ("table", "columns", "constants", "recode", "derive", "units", "dates", "duplicates")
        for k in parts:
            if k.value not in allowed:
                self.fail(k, f"未知的文件项 {k.value!r}（可用：{'、'.join(allowed)}）")
        if parts.get_node("table") is None:
            self.fail(node, f"文件「{pattern}」缺少 table（对应哪张表）")
        table = self.table(parts.get_node("table"))
        section = {k.value: self.mapping(v) for k, v in parts.items() if k.value not in ("table", "duplicates")}
        spec = FileSpec(
            pattern,
            table,
            columns={h.value: self.target(table, v) for h, v in section.get("columns", {}).items()},
            constants={self.column(table, c): self.scalar(v) for c, v in section.get("constants", {}).items()},
            recode={
                self.column(table, c): {k.value: self.scalar(v) for k, v in self.mapping(pairs).items()}
                for c, pairs in section.get("recode", {}).items()
            },
            derive={self.column(table, c): self.condition(v) for c, v in section.get("derive", {}).items()},
            units={h.value: self._unit(v) for h, v in section.get("units", {}).items()},
            dates={self.column(table, c): self.scalar(v) for c, v in section.get("dates", {}).items()},
            duplicates=self._policy(parts.get_node("duplicates")),
        )
        return spec

    def _unit(self, node: yaml.Node) -> str:
        unit = self.scalar(node)
        if unit not in UNITS:
            self.fail(node, f"未知单位 {unit!r}；可用：{'、'.join(UNITS)}")
        return unit

    def _policy(self, node: yaml.Node | None) -> str:
        if node is None:
            return "error"
        policy = self.scalar(node)
        if policy not in DUPLICATE_POLICIES:
            self.fail(node, f"duplicates 应为 {' 或 '.join(DUPLICATE_POLICIES)}")
        return policy
