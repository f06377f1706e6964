"""The column-mapping file for exports whose names differ from the canonical tables.

```yaml
files:                 # file or sheet name (glob, matched with or without extension) -> table
  "平台导出_投标*.csv": bids
columns:               # per table: header in the file -> canonical column
  bids:
    供应商: bidder_name
    报价金额（元）: price
```
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bidgraph.errors import ConfigError
from bidgraph.loaders.tables import header_key, tables


@dataclass(frozen=True)
class Mapping:
    files: dict[str, str] = field(default_factory=dict)
    columns: dict[str, dict[str, str]] = field(default_factory=dict)

    def table_for_file(self, name: str) -> str | None:
        for pattern, table in self.files.items():
            if fnmatch.fnmatch(name, pattern) or fnmatch.fnmatch(Path(name).stem, pattern):
                return table
        return None

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
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        raise ConfigError(f"无法读取映射文件 {path}：{e}") from None
    if not isinstance(doc, dict):
        raise ConfigError(f"映射文件 {path} 应为 YAML 字典（files / columns）")
    known = tables()
    files = {str(k): str(v) for k, v in (doc.get("files") or {}).items()}
    for pattern, table in files.items():
        if table not in known:
            raise ConfigError(f"映射文件 files「{pattern}」指向未知表 {table!r}；可用：{', '.join(known)}")
    columns: dict[str, dict[str, str]] = {}
    for table, pairs in (doc.get("columns") or {}).items():
        if table not in known:
            raise ConfigError(f"映射文件 columns 中的未知表 {table!r}；可用：{', '.join(known)}")
        for header, column in (pairs or {}).items():
            if column not in known[table].columns:
                raise ConfigError(f"映射文件：表 {table} 没有列 {column!r}（来自表头「{header}」）")
        columns[table] = {str(h): str(c) for h, c in (pairs or {}).items()}
    return Mapping(files=files, columns=columns)
