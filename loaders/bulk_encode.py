"""GRAPH.BULK's binary tokens of a graph model, encoded a column at a time.

The layout (FalkorDB's bulk_insert.c): each token is one label's or relationship type's
"file": the name (labels joined by ``:``), NUL, a uint32 property count, the
NUL-terminated property names, then per entity (relationships first give the source and
destination node ids, uint64 each) one typed value per property; a null value leaves the
property out. Node ids are given in wire order from 0: groups of one label set in order
of first appearance, each in model order (relationships likewise by type).

``value_bytes`` is the reference encoding of one value. A column is encoded at once:
values of one type go through one C-level loop (``struct.pack`` mapped over the column,
the distinct texts joined and encoded in one call), and the rows' bytes are joined a
slice at a time; a column this cannot take (a list, an unknown type, a text with NUL,
an integer beyond 64 bits) is encoded value by value, so errors are the reference's.
``tests/test_load_bulk_encode.py`` checks the bytes are the reference's exactly."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from itertools import chain, compress, groupby, repeat
from operator import add, is_
from typing import Any

import numpy as np

from bidgraph.errors import QueryError
from bidgraph.loaders.bulk_model import GraphModel

TOKEN_BYTES = 8 << 20  # one token (label file) at most ~8 MB
SLICE_ROWS = 1 << 16  # rows encoded at once (bounds the per-value bytes alive)
_LONG, _DOUBLE, _ARRAY = struct.Struct("<Bq"), struct.Struct("<Bd"), struct.Struct("<Bq")
_ENDS, _COUNT = struct.Struct("<QQ"), struct.Struct("<I")
_NULL, _TRUE, _FALSE = b"\x00", b"\x01\x01", b"\x01\x00"
_BOOLS = {True: _TRUE, False: _FALSE}
_NONE = type(None)

Tokens = Iterator[tuple[bytes, int]]  # (token, entities in it)
Segment = tuple[list[bytes], int]  # the rows' bytes of one or more columns, and their width (0: varying)
Slices = Iterator[list[Segment]]  # a slice of rows at a time
_ENCODING_ERRORS = (QueryError, UnicodeError, struct.error, OverflowError)  # what value_bytes raises


class _ValueByValue(Exception):
    """A column the fast encodings do not take."""


def groups(names: list[str]) -> tuple[np.ndarray, list[str]]:
    """Each name's group, groups numbered by first appearance (the wire order of groups)."""
    index = {name: i for i, name in enumerate(dict.fromkeys(names))}
    return np.fromiter(map(index.__getitem__, names), dtype=np.int32, count=len(names)), list(index)


def sent_order(codes: np.ndarray) -> np.ndarray:
    """Ids in wire order: by group (numbered by first appearance), then position."""
    ids = np.empty(len(codes), dtype=np.int64)
    ids[np.argsort(codes, kind="stable")] = np.arange(len(codes))
    return ids


def _members(codes: np.ndarray, count: int) -> list[np.ndarray]:
    """The elements of each of ``count`` groups, in model order."""
    order = np.argsort(codes, kind="stable")
    return np.split(order, np.cumsum(np.bincount(codes, minlength=count))[:-1]) if count else []


def node_tokens(model: GraphModel, codes: np.ndarray, names: list[str]) -> Tokens:
    """The node tokens, group by group (``codes``, ``names``: ``groups`` of the label sets)."""
    props = model.node_props
    for name, members in zip(names, _members(codes, len(names)), strict=True):
        group = list(map(props.__getitem__, members.tolist()))
        keys = _keys(group)
        if keys:  # (every node has its key; an entity of no bytes could not be told apart)
            slices = (_segments(group[s : s + SLICE_ROWS], keys) for s in range(0, len(group), SLICE_ROWS))
            yield from _checked(group, keys, _tokens(name, keys, slices))


def rel_tokens(model: GraphModel, wire: np.ndarray) -> Tokens:
    """The relationship tokens, type by type (ends as the nodes' ``wire`` ids)."""
    ends = np.fromiter(chain.from_iterable(model.ends), dtype=np.int32, count=2 * len(model.ends)).reshape(-1, 2)
    codes, names = groups(model.rel_types)
    props = model.rel_props
    for name, members in zip(names, _members(codes, len(names)), strict=True):
        group = list(map(props.__getitem__, members.tolist()))
        keys = _keys(group)
        slices = _rel_slices(group, keys, wire[ends[members, 0]], wire[ends[members, 1]])
        yield from _checked(group, keys, _tokens(name, keys, slices))


def _rel_slices(group: list[dict[str, Any]], keys: list[str], source: np.ndarray, target: np.ndarray) -> Slices:
    for start in range(0, len(group), SLICE_ROWS):
        stop = start + SLICE_ROWS
        ends = _Fixed("QQ", [source[start:stop].tolist(), target[start:stop].tolist()])
        yield _segments(group[start:stop], keys, ends)


def _checked(group: list[dict[str, Any]], keys: list[str], tokens: Tokens) -> Tokens:
    """``tokens``; a value that cannot be sent raises the reference's error: the first
    such value of the first column that has one (the group is encoded a slice at a time)."""
    try:
        yield from tokens
    except _ENCODING_ERRORS:
        for key in keys:
            for value in map(dict.get, group, repeat(key)):
                value_bytes(value)
        raise


def _keys(props: list[dict[str, Any]]) -> list[str]:
    """The property names of a group, in order of first appearance."""
    return list(dict.fromkeys(chain.from_iterable(props)))


def _tokens(name: str, keys: list[str], slices: Slices) -> Tokens:
    """Tokens of ``header`` + whole entities, each cut right after the entity that takes
    it to ``TOKEN_BYTES`` or more (the rows' sizes say where, without a loop per row)."""
    header = name.encode() + b"\0" + _COUNT.pack(len(keys)) + b"".join(k.encode() + b"\0" for k in keys)
    parts: list[bytes | memoryview] = [header]
    size, count = len(header), 0
    for segments in slices:
        rows = len(segments[0][0])
        ends = np.cumsum(_sizes(segments, rows))
        lists = [v for v, _ in segments]
        data = memoryview(b"".join(lists[0] if len(lists) == 1 else chain.from_iterable(zip(*lists, strict=True))))
        first, offset = 0, 0  # the first row and byte not yet in a token
        while first < rows:
            last = int(np.searchsorted(ends, TOKEN_BYTES - size + offset))  # the row that fills the token
            if last >= rows:
                parts.append(data[offset:])
                size, count = size + len(data) - offset, count + rows - first
                break
            cut = int(ends[last])
            parts.append(data[offset:cut])
            yield b"".join(parts), count + last + 1 - first
            parts, size, count = [header], len(header), 0
            first, offset = last + 1, cut
    if count:
        yield b"".join(parts), count


def _sizes(segments: list[Segment], rows: int) -> np.ndarray:
    """Each row's size in bytes."""
    sizes = np.full(rows, sum(width for _, width in segments), dtype=np.int64)
    for values, width in segments:
        if not width:
            sizes += np.fromiter(map(len, values), dtype=np.int64, count=rows)
    return sizes


class _Fixed:
    """A column of one width: ``struct`` format characters and their arguments (lists
    of the values, or ``repeat`` of a constant)."""

    def __init__(self, fmt: str, args: list[Any]) -> None:
        self.fmt, self.args = fmt, args


def _segments(props: list[dict[str, Any]], keys: list[str], lead: _Fixed | None = None) -> list[Segment]:
    """The encoded values of these entities: each run of fixed-width columns packed
    row by row with one ``struct`` (width known), any other column as its own list."""
    values = [list(map(dict.get, props, repeat(key))) for key in keys]
    try:
        columns = ([lead] if lead else []) + [_encode(v) for v in values]
        segments: list[Segment] = []
        for fixed, run in groupby(columns, key=lambda c: isinstance(c, _Fixed)):
            if not fixed:
                segments.extend((c, 0) for c in run)
                continue
            runs: list[_Fixed] = list(run)
            packer = struct.Struct("<" + "".join(c.fmt for c in runs))
            args = [a for c in runs for a in c.args]
            if all(isinstance(a, repeat) for a in args):
                packed = [packer.pack(*map(next, args))] * len(props)
            else:
                packed = list(map(packer.pack, *args))
            segments.append((packed, packer.size))
        return segments
    except _ENCODING_ERRORS:  # an integer beyond 64 bits: the reference raises
        return [(column(v), 0) for v in values]


def _encode(values: list[Any]) -> _Fixed | list[bytes]:
    """A column of one type that has one width as such, else each value's bytes."""
    kinds = list(map(type, values))
    distinct = set(kinds)
    return (len(distinct) == 1 and _fixed(values, kinds[0])) or column(values, kinds, distinct)


def _fixed(values: list[Any], kind: type) -> _Fixed | None:
    if kind is int:
        return _Fixed("Bq", [repeat(4), values])
    if kind is float:
        return _Fixed("Bd", [repeat(2), values])
    if kind is bool:
        return _Fixed("B?", [repeat(1), values])
    if kind is _NONE:
        return _Fixed("B", [repeat(0)])
    if kind is str and values.count(values[0]) == len(values):  # one text (provenance columns)
        text = value_bytes(values[0])
        return _Fixed(f"{len(text)}s", [repeat(text)])
    return None


def column(values: list[Any], kinds: list[type] | None = None, distinct: set[type] | None = None) -> list[bytes]:
    """``value_bytes`` of each value, each type's values at once (``kinds``: their types)."""
    kinds = list(map(type, values)) if kinds is None else kinds
    distinct = set(kinds) if distinct is None else distinct
    try:
        if len(distinct) == 1:
            return _of_type(values, kinds[0])
        out = np.empty(len(values), dtype=object)
        for kind in distinct:
            mask = np.fromiter(map(is_, kinds, repeat(kind)), dtype=bool, count=len(kinds))
            encoded = _of_type(list(compress(values, mask)), kind)
            out[mask] = np.fromiter(encoded, dtype=object, count=len(encoded))
        return out.tolist()
    except (_ValueByValue, *_ENCODING_ERRORS):
        return list(map(value_bytes, values))  # raises what the reference raises, at the value it does


def _of_type(values: list[Any], kind: type) -> list[bytes]:
    if kind is str:
        return _texts(values)
    if kind is int:
        return list(map(_LONG.pack, repeat(4), values))
    if kind is float:
        return list(map(_DOUBLE.pack, repeat(2), values))
    if kind is bool:
        return list(map(_BOOLS.__getitem__, values))
    if kind is _NONE:
        return [_NULL] * len(values)
    raise _ValueByValue  # lists and unknown types


def _texts(values: list[str]) -> list[bytes]:
    """Texts: the distinct ones joined, encoded and split in one call each (a NUL in one
    makes the split come out wrong: then the reference refuses it)."""
    distinct = list(dict.fromkeys(values))
    joined = "\0\x03".join(distinct)
    if joined.count("\0") != len(distinct) - 1:
        raise _ValueByValue
    encoded = map(add, ("\x03" + joined).encode().split(b"\0"), repeat(b"\0"))
    return list(map(dict(zip(distinct, encoded, strict=True)).__getitem__, values))


def value_bytes(value: Any) -> bytes:
    """One property value in GRAPH.BULK's typed encoding (types as the MERGE path sends
    them: bool, 64-bit integer, double, string, array; null = not set)."""
    kind = type(value)
    if kind is str:
        data = value.encode()
        if b"\0" in data:
            raise QueryError("属性值含有 NUL 字符，无法批量导入", query="GRAPH.BULK")
        return b"\x03" + data + b"\0"
    if kind is bool:
        return _TRUE if value else _FALSE
    if kind is int:
        return _LONG.pack(4, value)
    if kind is float:
        return _DOUBLE.pack(2, value)
    if value is None:
        return _NULL
    if kind in (list, tuple):
        return _ARRAY.pack(5, len(value)) + b"".join([value_bytes(v) for v in value])
    raise QueryError(f"无法批量导入的属性值类型 {kind.__name__}", query="GRAPH.BULK")
