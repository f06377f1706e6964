"""The database's Cypher errors as an analyst can act on them: in Chinese, with the line
and column in the text the analyst wrote (the server counts in UTF-8 bytes and sees the
statement after names were quoted and a row limit added)."""

from __future__ import annotations

import re

from bidgraph.errors import CypherSyntaxError, QueryError, QueryTimeout, ReadOnlyViolation

_INVALID = re.compile(r"Invalid input '(.+?)': expected (.+?)(?:（第|$)", re.S)
_END = re.compile(r"Invalid input at end of input")
_UNDEFINED = re.compile(r"'(\w+)' not defined")
_FUNCTION = re.compile(r"Unknown function '([\w.]+)'")
_TYPE = re.compile(r"Type mismatch: expected (\w+) but was (\w+)")
_EXPECTED_ZH = {"a label": "标签", "a parameter": "参数", "a clause": "子句", "call clause": "CALL 子句"}


def explain(error: QueryError, written: str, executed: str) -> QueryError:
    """``error`` (raised running ``executed``, built from ``written``) in Chinese, located in ``written``."""
    if isinstance(error, (QueryTimeout, ReadOnlyViolation)):
        return error
    raw = str(error).split("：", 1)[-1]
    offset = _server_offset(executed, error.line, error.column)
    if offset is not None:
        offset = _written_offset(written, executed, offset)
    if m := _UNDEFINED.search(raw):
        message = f"变量 {m.group(1)} 未定义：请先在 MATCH、WITH 或 UNWIND 中引入它，或检查拼写"
        offset = _find_word(written, m.group(1)) if offset is None else offset
    elif m := _FUNCTION.search(raw):
        message = f"未知函数 {m.group(1)}()：请检查拼写（FalkorDB 支持的函数见其文档）"
        offset = _find_word(written, m.group(1)) if offset is None else offset
    elif _END.search(raw):
        message = "语句在末尾意外结束：可能缺少右括号、右引号或 RETURN 子句"
        offset = len(written.rstrip())
    elif m := _INVALID.search(raw):
        offset = _word_start(written, offset)
        message = f"{_near(written, offset)}无法解析，此处应为：{_expected(m.group(2))}"
    elif m := _TYPE.search(raw):
        message = f"类型不匹配：需要 {m.group(1)}，实际是 {m.group(2)}"
    else:
        return error
    line, column = _line_column(written, offset) if offset is not None else (None, None)
    kind = CypherSyntaxError if isinstance(error, CypherSyntaxError) or line is not None else QueryError
    return kind(message, query=written, line=line, column=column)


def _server_offset(text: str, line: int | None, column: int | None) -> int | None:
    """The character offset of the server's (1-based line, 1-based UTF-8 byte column)."""
    if line is None or column is None:
        return None
    lines = text.split("\n")
    if not 1 <= line <= len(lines):
        return None
    head = lines[line - 1].encode("utf-8")[: max(column - 1, 0)].decode("utf-8", errors="ignore")
    return sum(len(x) + 1 for x in lines[: line - 1]) + len(head)


def _written_offset(written: str, executed: str, offset: int) -> int:
    """Map an offset in ``executed`` back to ``written``: the service only inserted backticks
    and a trailing LIMIT, so walk both texts and skip what was inserted."""
    i = 0
    for char in executed[:offset]:
        if i < len(written) and written[i] == char:
            i += 1
    return min(i, len(written.rstrip()))


def _word_start(text: str, offset: int | None) -> int | None:
    """The server points into a misspelt keyword where it stopped matching (RET|RUN): show the whole word."""
    while offset is not None and 0 < offset <= len(text) and (text[offset - 1].isalnum() or text[offset - 1] == "_"):
        offset -= 1
    return offset


def _near(text: str, offset: int | None) -> str:
    word = re.match(r"\S{1,20}", text[offset:]) if offset is not None else None
    return f"「{word.group()}」处" if word else "语句末尾"


def _expected(listed: str) -> str:
    """The server's list of what could come next, short and with its words in Chinese."""
    items = [_EXPECTED_ZH.get(x.strip(), x.strip()) for x in re.split(r",| or ", listed) if x.strip()]
    return "、".join(items[:6]) + (" 等" if len(items) > 6 else "")


def _find_word(text: str, word: str) -> int | None:
    m = re.search(rf"(?<![\w$]){re.escape(word)}(?!\w)", text)
    return m.start() if m else None


def _line_column(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1
