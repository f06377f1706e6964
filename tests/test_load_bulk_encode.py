"""GRAPH.BULK tokens encoded a column at a time (loaders/bulk_encode.py) are the bytes the
reference encoder gives value by value (kept here as it was): on generated models with
every value type (None, bool, int at the 64-bit limits, float with -0.0/NaN/inf, texts
empty, non-BMP or with control characters, lists and tuples), columns mixing types that
compare equal (True/1/1.0, 0.0/-0.0), properties missing or null, constant columns,
several label sets and relationship types interleaved; cut into many tokens, slices and
commands. A value that cannot be sent raises the reference's error (the first bad value
of the first column that has one), wherever the slices fall."""

from __future__ import annotations

import random
import struct
from collections.abc import Iterator
from itertools import chain
from typing import Any

import pytest

from bidgraph.errors import QueryError
from bidgraph.loaders import bulk, bulk_encode
from bidgraph.loaders.bulk_encode import value_bytes
from bidgraph.loaders.bulk_model import GraphModel

_ENDS, _COUNT = struct.Struct("<QQ"), struct.Struct("<I")
LABELS = [["Company"], ["Person"], ["Person", "Expert"], ["Bid"]]
TYPES = ["SUBMITTED", "MADE_ON", "EMPLOYED_BY"]
SPECIAL = [
    None,
    True,
    False,
    0,
    1,
    -1,
    2**63 - 1,
    -(2**63),
    0.0,
    -0.0,
    1.0,
    float("nan"),
    float("inf"),
    -float("inf"),
    5e-324,
    "",
    "a",
    "中标",
    "\U00020000😀",
    "\x03\x01 tab\t",
    "x" * 300,
    [],
    [1, "a", None, 2.5, True],
    (3, [4, ["深"]]),
]


# -- the reference: the encoder value by value, as it was ---------------------------------
def reference(model: GraphModel) -> list[tuple[int, int, list[Any]]]:
    wire = [0] * len(model.labels)
    batch: list[bytes] = []
    out: list[tuple[int, int, list[Any]]] = []
    nodes = rels = size = 0
    for kind, tokens in (("node", _ref_nodes(model, wire)), ("rel", _ref_rels(model, wire))):
        for token, count in tokens:
            if batch and size + len(token) > bulk.COMMAND_BYTES:
                out.append((nodes, rels, bulk._split(batch, nodes, rels)))
                batch, nodes, rels, size = [], 0, 0, 0
            batch.append(token)
            size += len(token)
            nodes, rels = (nodes + count, rels) if kind == "node" else (nodes, rels + count)
        if batch:
            out.append((nodes, rels, bulk._split(batch, nodes, rels)))
            batch, nodes, rels, size = [], 0, 0, 0
    return out


def _ref_nodes(model: GraphModel, wire: list[int]) -> Iterator[tuple[bytes, int]]:
    groups: dict[tuple[str, ...], list[int]] = {}
    for node, labels in enumerate(model.labels):
        groups.setdefault(tuple(labels), []).append(node)
    next_id = 0
    for labels, members in groups.items():
        props = [model.node_props[n] for n in members]
        for n in members:
            wire[n] = next_id
            next_id += 1
        keys = _ref_keys(props)
        yield from _ref_tokens(":".join(labels), keys, map(b"".join, zip(*_ref_columns(props, keys), strict=True)))


def _ref_rels(model: GraphModel, wire: list[int]) -> Iterator[tuple[bytes, int]]:
    groups: dict[str, list[int]] = {}
    for rel, rel_type in enumerate(model.rel_types):
        groups.setdefault(rel_type, []).append(rel)
    for rel_type, members in groups.items():
        props = [model.rel_props[r] for r in members]
        keys = _ref_keys(props)
        pairs = [_ENDS.pack(wire[model.ends[r][0]], wire[model.ends[r][1]]) for r in members]
        yield from _ref_tokens(rel_type, keys, map(b"".join, zip(pairs, *_ref_columns(props, keys), strict=True)))


def _ref_keys(props: list[dict[str, Any]]) -> list[str]:
    keys: dict[str, None] = {}
    for p in props:
        keys.update(dict.fromkeys(p))
    return list(keys)


def _ref_tokens(name: str, keys: list[str], entities: Iterator[bytes]) -> Iterator[tuple[bytes, int]]:
    header = name.encode() + b"\0" + _COUNT.pack(len(keys)) + b"".join(k.encode() + b"\0" for k in keys)
    parts, size = [header], len(header)
    for entity in entities:
        parts.append(entity)
        size += len(entity)
        if size >= bulk_encode.TOKEN_BYTES:
            yield b"".join(parts), len(parts) - 1
            parts, size = [header], len(header)
    if len(parts) > 1:
        yield b"".join(parts), len(parts) - 1


def _ref_columns(props: list[dict[str, Any]], keys: list[str]) -> list[list[bytes]]:
    return [[value_bytes(p.get(key)) for p in props] for key in keys]


# -- generated models ---------------------------------------------------------------------
def _value(rng: random.Random, column: str) -> Any:
    """A value of the column's own kind (most columns keep to one type, as loads do)."""
    if column == "mixed":
        return rng.choice(SPECIAL)
    if column == "text":
        return rng.choice(["", "北京", "𠀀x", "a\nb", f"t{rng.randrange(50)}", None])
    if column == "number":
        return rng.choice([0, -5, 2**63 - 1, rng.randrange(-(10**12), 10**12), None])
    if column == "price":
        return rng.choice([0.0, -0.0, float("nan"), 1.5, rng.uniform(-1e9, 1e9)])
    if column == "flag":
        return rng.random() < 0.5
    if column == "equal":  # values that compare equal across types
        return rng.choice([True, 1, 1.0, False, 0, 0.0, -0.0])
    if column == "list":
        return rng.choice([[], ["a", "b"], [1, 2.0], ("t", None)])
    return "常量值"  # constant


COLUMNS = ["text", "number", "price", "flag", "equal", "list", "constant", "mixed"]


def generated(seed: int, nodes: int = 400, rels: int = 1500) -> GraphModel:
    rng = random.Random(seed)
    model = GraphModel()
    columns = {tuple(labels): rng.sample(COLUMNS, rng.randrange(1, len(COLUMNS))) for labels in LABELS}
    for n in range(nodes):
        labels = rng.choice(LABELS)
        props: dict[str, Any] = {"key": f"k{n}", "first_load": "L1"}
        for column in columns[tuple(labels)]:
            if rng.random() < 0.85:  # else missing
                props[column] = _value(rng, column)
        model.labels.append(list(labels))
        model.node_props.append(props)
    shapes = {t: rng.sample(COLUMNS, rng.randrange(0, 4)) for t in TYPES}
    for _ in range(rels):
        rel_type = rng.choice(TYPES)
        props = {"first_load": "L1", "source": "bids.csv", "row": rng.randrange(10**6)}
        props.update({c: _value(rng, c) for c in shapes[rel_type] if rng.random() < 0.9})
        model.rel_types.append(rel_type)
        model.ends.append((rng.randrange(nodes), rng.randrange(nodes)))
        model.rel_props.append(props)
    return model


def encoded(model: GraphModel) -> list[tuple[int, int, list[Any]]]:
    return list(bulk.commands(model))


@pytest.mark.parametrize(
    ("token", "slice_rows", "command"), [(8 << 20, 1 << 16, 32 << 20), (300, 7, 2000), (1, 1, 1), (4096, 64, 20_000)]
)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_same_bytes_as_value_by_value(
    seed: int, token: int, slice_rows: int, command: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk_encode, "TOKEN_BYTES", token)
    monkeypatch.setattr(bulk_encode, "SLICE_ROWS", slice_rows)
    monkeypatch.setattr(bulk, "COMMAND_BYTES", command)
    model = generated(seed)
    got, want = encoded(model), reference(model)
    assert got == want
    assert token > 10_000 or sum(len(args) - 2 for _, _, args in want) > 20  # cut in many places


def test_edge_cases_of_columns() -> None:
    """One group per case: each column made of one kind of trouble."""
    model = GraphModel()
    cases: list[list[Any]] = [
        [None, None],
        [True, 1, 1.0],
        [0.0, -0.0, 0, False],
        [float("nan"), float("nan"), None],
        ["", "", ""],
        ["same", "same"],
        ["\U0001f600", "\uffff", "\x7f"],
        [[], (), [[]]],
        [2**63 - 1, -(2**63), None],
    ]
    for n, values in enumerate(cases):
        for value in values:
            model.labels.append([f"L{n}"])
            model.node_props.append({"key": repr(value), "v": value})
    model.labels.append(["Empty"])
    model.node_props.append({})  # a node with no properties at all: not sent, as before
    assert encoded(model) == reference(model)


def _failure(run: Any) -> tuple[type[BaseException], str]:
    with pytest.raises(Exception) as caught:  # (any type: the type is what is compared)
        run()
    return caught.type, str(caught.value)


@pytest.mark.parametrize(
    "bad",
    [
        {"b": "nul\0inside"},
        {"b": {"a": 1}},
        {"b": 2**64},
        {"b": "\ud800"},
        {"b": ["ok", "nul\0"]},
        {"a": {1, 2}, "b": "nul\0"},
    ],
    ids=["nul", "dict", "int65", "surrogate", "nul-in-list", "two-columns"],
)
@pytest.mark.parametrize("at", [0, 150, 299])
def test_a_value_that_cannot_be_sent_raises_as_before(
    bad: dict[str, Any], at: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk_encode, "SLICE_ROWS", 64)
    model = generated(7, nodes=300, rels=300)
    model.rel_types = ["SUBMITTED"] * len(model.rel_types)  # one group of five slices
    props = model.rel_props[at]
    props.update(bad)
    if "a" in bad:  # the first column's bad value in a later slice, the second's in an earlier one
        model.rel_props[at]["a"] = "fine"
        model.rel_props[(at + 200) % 300]["a"] = bad["a"]
        for p in model.rel_props:
            p.setdefault("a", "x")
    got, want = _failure(lambda: encoded(model)), _failure(lambda: reference(model))
    assert got == want
    assert issubclass(got[0], QueryError | struct.error | UnicodeError)


def test_wire_ids_follow_the_groups() -> None:
    """Relationship ends are the nodes' ids in the order their groups are sent."""
    model = generated(11, nodes=50, rels=200)
    wire = bulk_encode.sent_order(bulk_encode.groups(list(map(":".join, model.labels)))[0])
    order = sorted(range(50), key=lambda n: (min(i for i, lab in enumerate(model.labels) if lab == model.labels[n]), n))
    assert [int(wire[n]) for n in order] == list(range(50))
    assert sum(count for count in chain.from_iterable((n, r) for n, r, _ in encoded(model))) == 250
