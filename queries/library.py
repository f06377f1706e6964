"""Saved queries as data: a ``.cypher`` file whose leading ``//`` comment block is a YAML
header (id, title, description, parameters, legal ground, columns, evidence columns,
tags, and for detectors how rows become findings). Built-in queries ship in this
package and are trusted; user queries live in ``settings.user_query_dir``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bidgraph import yamldoc
from bidgraph.errors import QueryError
from bidgraph.graph.model import Result
from bidgraph.graph.store import GraphStore, looks_like_write, strip_literals
from bidgraph.queries.params import ParameterError, QueryParam, bind, param_from_spec
from bidgraph.settings import Settings, get_settings

BUILTIN_DIR = Path(__file__).parent
_ID = re.compile(r"^[a-z][a-z0-9_]{1,63}$")
_PARAM_USE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_REQUIRED = ("id", "title", "description")


class QueryHeaderError(QueryError):
    """A saved query's header is missing a field or contradicts its text."""


@dataclass(frozen=True)
class FindingSpec:
    """How a detector query's rows become findings: rows with equal ``group_by`` values
    are one finding; ``summary`` is formatted with the captions of those values."""

    group_by: tuple[str, ...]
    score: float
    summary: str
    figures: dict[str, str] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class SavedQuery:
    id: str
    title: str
    description: str
    text: str
    parameters: tuple[QueryParam, ...] = ()
    legal_ground: str = ""
    columns: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    detector: str = ""
    finding: FindingSpec | None = None
    builtin: bool = True
    path: Path | None = None

    @property
    def source(self) -> str:
        """The whole file as saved (header and text)."""
        return self.path.read_text(encoding="utf-8") if self.path else self.text

    def bind(self, values: dict[str, Any] | None = None) -> dict[str, Any]:
        return bind(self.parameters, values)


def parse_query(source: str, *, builtin: bool = False, path: Path | None = None) -> SavedQuery:
    """Parse and validate one saved query; raises ``QueryHeaderError`` with the reason."""
    header_lines: list[str] = []
    lines = source.splitlines()
    index = 0
    while index < len(lines) and (lines[index].startswith("//") or not lines[index].strip()):
        if not lines[index].strip() and any(header_lines):
            break  # the header ends at its first blank line: comments after it belong to the query
        header_lines.append(lines[index][2:].removeprefix(" ") if lines[index].startswith("//") else "")
        index += 1
    text = "\n".join(lines[index:]).strip()
    where = f"（{path.name}）" if path else ""
    try:
        meta = yamldoc.load("\n".join(header_lines)) or {}
    except yaml.YAMLError as e:
        raise QueryHeaderError(f"查询头部不是有效的 YAML{where}：{e}") from e
    if not isinstance(meta, dict):
        raise QueryHeaderError(f"查询头部应为「键: 值」形式{where}")
    missing = [key for key in _REQUIRED if not meta.get(key)]
    if missing:
        raise QueryHeaderError(f"查询头部缺少字段{where}：{', '.join(missing)}")
    query_id = str(meta["id"])
    if not _ID.match(query_id):
        raise QueryHeaderError(f"查询 id {query_id!r} 无效：只能用小写字母、数字和下划线，以字母开头{where}")
    if path is not None and path.stem != query_id:
        raise QueryHeaderError(f"查询 id {query_id!r} 与文件名 {path.name} 不一致")
    if not text:
        raise QueryHeaderError(f"查询 {query_id} 没有 Cypher 正文")
    if looks_like_write(text):
        raise QueryHeaderError(f"查询 {query_id} 含写入语句（CREATE/MERGE/SET/DELETE 等），保存的查询只能读取")
    try:
        params = tuple(param_from_spec(spec) for spec in meta.get("parameters") or ())
    except ParameterError as e:
        raise QueryHeaderError(f"查询 {query_id} 的参数声明有误：{e}") from e
    _check_params(query_id, params, text)
    columns = tuple(str(c) for c in meta.get("columns") or ())
    evidence = tuple(str(c) for c in meta.get("evidence") or ())
    undeclared = [c for c in evidence if c not in columns]
    if undeclared:
        raise QueryHeaderError(f"查询 {query_id} 的证据列不在输出列中：{', '.join(undeclared)}")
    return SavedQuery(
        id=query_id,
        title=str(meta["title"]),
        description=str(meta["description"]).strip(),
        text=text,
        parameters=params,
        legal_ground=str(meta.get("legal_ground") or ""),
        columns=columns,
        evidence=evidence,
        tags=tuple(str(t) for t in meta.get("tags") or ()),
        detector=str(meta.get("detector") or ""),
        finding=_finding_spec(query_id, meta.get("finding"), columns),
        builtin=builtin,
        path=path,
    )


def _check_params(query_id: str, params: tuple[QueryParam, ...], text: str) -> None:
    used = set(_PARAM_USE.findall(strip_literals(text)))
    declared = [p.name for p in params]
    duplicates = sorted({n for n in declared if declared.count(n) > 1})
    if duplicates:
        raise QueryHeaderError(f"查询 {query_id} 重复声明参数：{', '.join(duplicates)}")
    if used - set(declared):
        raise QueryHeaderError(f"查询 {query_id} 使用了未声明的参数：{', '.join(sorted(used - set(declared)))}")
    if set(declared) - used:
        raise QueryHeaderError(f"查询 {query_id} 声明了未使用的参数：{', '.join(sorted(set(declared) - used))}")


def _finding_spec(query_id: str, spec: Any, columns: tuple[str, ...]) -> FindingSpec | None:
    if not spec:
        return None
    group_by = tuple(spec.get("group_by") or ())
    figures = dict(spec.get("figures") or {})
    unknown = [c for c in (*group_by, *figures) if c not in columns]
    if unknown or not group_by:
        raise QueryHeaderError(
            f"查询 {query_id} 的 finding 设置引用了未声明的列：{', '.join(unknown) or 'group_by 为空'}"
        )
    return FindingSpec(
        group_by=group_by, score=float(spec.get("score", 50)), summary=str(spec.get("summary", "")), figures=figures
    )


def builtin_queries() -> list[SavedQuery]:
    return [_load_builtin(p, p.stat().st_mtime_ns) for p in sorted(BUILTIN_DIR.glob("*.cypher"))]


@lru_cache(maxsize=256)
def _load_builtin(path: Path, mtime_ns: int) -> SavedQuery:
    """Built-in files parsed once per version (detectors list them on every run)."""
    return load_file(path, builtin=True)


def load_file(path: Path, *, builtin: bool) -> SavedQuery:
    return parse_query(path.read_text(encoding="utf-8"), builtin=builtin, path=path)


def user_queries(settings: Settings | None = None) -> list[SavedQuery]:
    directory = (settings or get_settings()).user_query_dir
    return [load_file(p, builtin=False) for p in sorted(directory.glob("*.cypher"))] if directory.is_dir() else []


def list_queries(settings: Settings | None = None) -> list[SavedQuery]:
    """Built-in queries first, then the user library (``builtin=False``)."""
    return [*builtin_queries(), *user_queries(settings)]


def get_query(query_id: str, settings: Settings | None = None) -> SavedQuery:
    for query in list_queries(settings):
        if query.id == query_id:
            return query
    raise QueryError(f"没有 id 为 {query_id!r} 的已保存查询")


def save_user_query(source: str, settings: Settings | None = None, *, overwrite: bool = False) -> SavedQuery:
    """Validate ``source`` and store it in the user library; built-in ids are reserved."""
    query = parse_query(source)
    if any(q.id == query.id for q in builtin_queries()):
        raise QueryHeaderError(f"id {query.id!r} 已被内置查询使用，请换一个 id")
    directory = (settings or get_settings()).user_query_dir
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{query.id}.cypher"
    if path.exists() and not overwrite:
        raise QueryHeaderError(f"用户查询 {query.id!r} 已存在；如需替换请选择覆盖")
    path.write_text(source if source.endswith("\n") else source + "\n", encoding="utf-8")
    return load_file(path, builtin=False)


def delete_user_query(query_id: str, settings: Settings | None = None) -> None:
    if not _ID.match(query_id):
        raise QueryError(f"查询 id {query_id!r} 无效")
    path = (settings or get_settings()).user_query_dir / f"{query_id}.cypher"
    if not path.exists():
        raise QueryError(f"用户库中没有查询 {query_id!r}（内置查询不能删除）")
    path.unlink()


def run_query(
    store: GraphStore,
    query: SavedQuery,
    params: dict[str, Any] | None = None,
    *,
    timeout_ms: int | None = None,
    limit: int | None = None,
) -> Result:
    """Run a saved query read-only with its declared parameters bound and checked (an
    analyst's Chinese aliases quoted, as on the 查询 page where it was written)."""
    return store.run(quote_names(query.text), query.bind(params), read_only=True, timeout_ms=timeout_ms, limit=limit)


# a name (identifier) outside strings and comments; FalkorDB takes non-ASCII ones only in backticks
_NAME = re.compile(r"(?<![$\w`])[^\W\d]\w*")


def quote_names(text: str) -> str:
    """Backtick-quote names with non-ASCII characters (``AS 同场次数``), which FalkorDB rejects
    unquoted; strings, comments and names already quoted are left alone."""
    stripped = strip_literals(text)
    spans = [m.span() for m in _NAME.finditer(stripped) if not m.group().isascii()]
    for start, end in reversed(spans):
        text = f"{text[:start]}`{text[start:end]}`{text[end:]}"
    return text


def builtin_query(query_id: str) -> SavedQuery:
    """A built-in query by id (services use these; user queries cannot shadow them)."""
    path = BUILTIN_DIR / f"{query_id}.cypher"
    if not path.exists():
        raise QueryError(f"没有 id 为 {query_id!r} 的内置查询")
    return _load_builtin(path, path.stat().st_mtime_ns)
