"""Checks across rows: duplicate keys with conflicting values, and references that
point nowhere (neither in the files of the load nor in the graph).

Both keep compact state (hashes, key sets) so the large sample set stays in bounded
memory; graph look-ups are batched."""

from __future__ import annotations

from collections.abc import Callable
from itertools import repeat
from operator import itemgetter
from typing import Any

from bidgraph.errors import DataError
from bidgraph.graph.schema import KEY, schema
from bidgraph.graph.store import GraphStore
from bidgraph.loaders import identity, normalize
from bidgraph.loaders.resolve import Resolver

# table -> function giving the key that must be unique in it
KEYS: dict[str, Callable[[dict[str, Any]], str | None]] = {
    "companies": lambda r: identity.org_key(r.get("uscc"), r.get("name")),
    "tenderers": lambda r: identity.org_key(r.get("uscc"), r.get("name")),
    "agencies": lambda r: identity.org_key(r.get("uscc"), r.get("name")),
    "persons": lambda r: identity.person_key(r.get("id_number"), bool(r.get("id_number_masked")), r.get("name"))[0],
    "departments": lambda r: r.get("code"),
    "projects": lambda r: r.get("code"),
    "tenders": lambda r: r.get("code"),
    "experts": lambda r: r.get("expert_no"),
    "certificates": lambda r: f"{r.get('kind')}:{r.get('number')}",
    "penalties": lambda r: r.get("number"),
    "bids": lambda r: f"{r.get('tender_code')}|{r.get('bidder_uscc') or r.get('bidder_name')}",
}
# (table, column) -> (label it must exist as, property looked up)
REFERENCES = {
    ("bids", "tender_code"): ("Tender", KEY),
    ("evaluations", "tender_code"): ("Tender", KEY),
    ("evaluations", "expert_no"): ("Expert", "expert_no"),
}
# table -> its reference columns and their labels (only evaluations rows have expert_name)
_REFERRING = {
    table: [(column, label) for (t, column), (label, _) in REFERENCES.items() if t == table]
    for table in {t for t, _ in REFERENCES}
}
REF_ZH = {"Tender": "标段编号", "Expert": "专家编号"}
ORG_TABLES = {"companies": "Company", "tenderers": "Tenderer", "agencies": "Agency"}
PENDING_LIMIT = 5_000
DIGEST_MASK = (1 << 48) - 1


class Duplicates:
    """Remembers a digest of each key's values; a key seen again with other values is
    an error on the later row. One int per key (digest, file number, row packed), so
    a million bids stay within about 100 MB."""

    def __init__(self) -> None:
        self.seen: dict[str, dict[int, int]] = {}
        self.files: dict[str, int] = {}
        self.orders: dict[tuple[str, ...], tuple[tuple[str, ...], itemgetter[Any]]] = {}

    def chunk(self, table: str, records: list[dict[str, Any]], file: str, rows: list[int]) -> dict[int, DataError]:
        """The duplicate errors of a chunk of one table's rows, by index in the chunk: each
        row checked against the rows before it (this chunk's too), as one row at a time."""
        key_of = KEYS.get(table)
        if key_of is None:
            return {}
        keyed = [
            (j, key, record)
            for j, (key, record) in enumerate(zip(map(key_of, records), records, strict=True))
            if key is not None and not record.get("document")  # several notices state one tender/bid: the writes merge
        ]
        if not keyed:
            return {}
        if table in ORG_TABLES:  # one company written two ways
            named = [dict(r, name=normalize.company_name(str(r["name"]))) if r.get("name") else r for _, _, r in keyed]
        else:
            named = [r for _, _, r in keyed]
        number = self.files.setdefault(file, len(self.files)) << 32
        seen = self.seen.setdefault(table, {})
        errors: dict[int, DataError] = {}
        for (j, key, _), digest in zip(keyed, map(self._digest, named), strict=True):
            first = seen.setdefault(hash(key), digest << 48 | number | rows[j])
            if first >> 48 != digest:
                first_file, first_row = list(self.files)[first >> 32 & 0xFFFF], first & 0xFFFFFFFF
                reason = f"重复记录且取值不同（与 {first_file} 第 {first_row} 行键相同：{key}）"
                errors[j] = DataError(reason, file=file, row=rows[j], value=key)
        return errors

    def _digest(self, values: dict[str, Any]) -> int:
        """A hash of the record's values by column name, whatever the columns' order: equal
        exactly when ``repr(sorted(values.items()))`` is (keys are unique: values never
        compared). The sorted order is worked out once per set of columns."""
        keys = tuple(values)
        order = self.orders.get(keys)
        if order is None:
            names = tuple(sorted(keys))
            order = self.orders[keys] = (names, itemgetter(*names))
        return hash((order[0], repr(order[1](values)))) & DIGEST_MASK


class References:
    """Reference columns checked against the keys of this load's files, then (batched)
    against the graph. Errors come back through ``flush()``."""

    def __init__(self, resolver: Resolver, store: GraphStore | None) -> None:
        self.resolver = resolver
        self.store = store
        self.pending: list[tuple[str, str, str, int, str]] = []  # label, value, file, row, column

    def check(self, table: str, record: dict[str, Any], file: str, row: int) -> list[DataError]:
        for column, label in _REFERRING.get(table, ()):
            value = record.get(column)
            if column == "expert_no" and record.get("expert_name"):
                self.resolver.known[label].add(value)  # the row itself names the expert
                continue
            if value and value not in self.resolver.known[label]:
                self.pending.append((label, str(value), file, row, column))
        return self.flush() if len(self.pending) >= PENDING_LIMIT else []

    def chunk(self, table: str, records: list[dict[str, Any]], file: str, rows: list[int]) -> bool:
        """``check`` of a chunk of one table's rows when no flush can fall inside it (the
        usual case: the references are known); False, with nothing done, when one might —
        the rows must then go one at a time (a flush's errors come after its row's)."""
        referring = _REFERRING.get(table, ())
        known = self.resolver.known
        columns = [([*map(dict.get, records, repeat(column))], column, label) for column, label in referring]
        unknown = sum(len([v for v in values if v and v not in known[label]]) for values, _, label in columns)
        if len(self.pending) + unknown >= PENDING_LIMIT:
            return False
        if not unknown:  # nothing to queue: only the rows naming their expert add to the known
            if table == "evaluations":
                known["Expert"].update(r.get("expert_no") for r in records if r.get("expert_name"))
            return True
        for j, record in enumerate(records):
            self.check(table, record, file, rows[j])
        return True

    def flush(self) -> list[DataError]:
        missing: set[tuple[str, str]] = set()
        for label in {p[0] for p in self.pending}:
            wanted = {p[1] for p in self.pending if p[0] == label} - self.resolver.known[label]
            found = self._in_graph(label, wanted)
            self.resolver.known[label].update(found)
            missing.update((label, v) for v in wanted - found)
        errors = [
            DataError(
                f"引用不存在：{REF_ZH[label]}在本次文件和图谱中都找不到", file=file, row=row, column=column, value=value
            )
            for label, value, file, row, column in self.pending
            if (label, value) in missing
        ]
        self.pending.clear()
        return errors

    def _in_graph(self, label: str, values: set[str]) -> set[str]:
        if not values or self.store is None:
            return set()
        prop = REFERENCES[next(k for k, v in REFERENCES.items() if v[0] == label)][1]
        s = schema()
        query = (
            f"MATCH (n:{s.label(label)}) WHERE n.{s.property_key(label, prop)} IN $values "
            f"RETURN DISTINCT n.{s.property_key(label, prop)}"
        )
        return {row[0] for row in self.store.run(query, {"values": sorted(values)}, limit=0).rows}


class Renames:
    """A company whose USCC is already in the graph under another name: reported as a
    warning naming both (a rename is legal, a wrong code is not — the user decides);
    the load still updates it, but never silently. Look-ups are batched."""

    def __init__(self, store: GraphStore | None) -> None:
        self.store = store
        self.pending: dict[str, tuple[str, str, str, int]] = {}  # uscc -> name, region, file, row

    def check(self, table: str, record: dict[str, Any], file: str, row: int) -> list[str]:
        if table != "companies" or self.store is None or not record.get("uscc"):
            return []
        self.pending.setdefault(record["uscc"], (record["name"], record.get("region") or "", file, row))
        return self.flush() if len(self.pending) >= PENDING_LIMIT else []

    def flush(self) -> list[str]:
        if not self.pending or self.store is None:
            return []
        s = schema()
        label, name, region = s.label("Company"), s.property_key("Company", "name"), s.property_key("Company", "region")
        query = f"MATCH (n:{label}) WHERE n.{KEY} IN $keys RETURN n.{KEY}, n.{name}, n.{region}"
        rows = self.store.run(query, {"keys": sorted(self.pending)}, limit=0).rows
        known = {r[0]: (r[1] or "", r[2] or "") for r in rows}
        warnings = []
        for code, (new_name, new_region, file, row) in self.pending.items():
            old_name, old_region = known.get(code, (new_name, new_region))
            if old_name and normalize.company_name(old_name) != normalize.company_name(new_name):
                was = f"「{old_name}」" + (f"（{old_region}）" if old_region else "")
                now = f"「{new_name}」" + (f"（{new_region}）" if new_region else "")
                warnings.append(
                    f"{file} 第 {row} 行：统一社会信用代码 {code} 在图谱中是{was}，本次为{now}，"
                    "导入后将更新为本次名称；如非更名，请核对该代码"
                )
        self.pending.clear()
        return warnings
