"""The large side tables of a bulk first load, computed from the graph model the write
pass sent instead of read back from the committed graph (~28 s of queries on a province).

GRAPH.BULK gives the nodes ids in the order ``bulk_encode`` sends them (groups of one
label set, in order of first appearance, each group in model order; the relationships
likewise by type), so ``id(x)`` is known here without asking the server. Each frame is
what the query it stands for answers through ``columnar`` — the same rows in the same
order, the same dtypes, the server's conversions (``toString``; ``toJSON``'s 15
significant digits) — tests/test_load_bulk_tables.py compares them with the queried ones.
The small tables (tenders, consortia, people, devices, employment…) are still queried.

A value whose conversion is not modelled here (a number where a text is expected, a
control character the columnar read would refuse, …) makes ``from_model`` return None:
the load then queries every table, as an incremental load does."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain, repeat
from typing import Any

import numpy as np
import pandas as pd

from bidgraph.analysis.columnar import NULL, SEP
from bidgraph.analysis.linktables import IDENTIFIERS, STAFF
from bidgraph.loaders.bulk_encode import groups, sent_order
from bidgraph.loaders.bulk_model import GraphModel
from bidgraph.queries.library import builtin_query

# the tables computed here (query names: the bid table's ``market_bids``, the link tables')
FROM_MODEL = ("market_bids", "bids", "scored", *STAFF, *IDENTIFIERS)


class _Unmodelled(Exception):
    """A value this module does not convert as the server would."""


def from_model(model: GraphModel) -> dict[str, pd.DataFrame] | None:
    """The frames by query name (``market_bids`` of the bid table; ``bids``, ``scored`` and
    one per link type of ``linktables``) of the graph ``model`` is sent as, or None."""
    try:
        return _Graph(model).tables()
    except _Unmodelled:
        return None


class _Graph:
    """The model's elements as arrays of graph ids."""

    def __init__(self, model: GraphModel) -> None:
        # compact (a province's model holds ~13 M relationships): small group numbers, int32 ends
        self.model = model
        self.sets, self.label_sets = groups(list(map(":".join, model.labels)))
        self.node_id = sent_order(self.sets)
        self.rel_type, self.types = groups(model.rel_types)
        counts = np.bincount(self.rel_type, minlength=len(self.types))
        self.first_rel = np.concatenate([[0], np.cumsum(counts)])  # each type's first relationship id
        ends = np.fromiter(chain.from_iterable(model.ends), dtype=np.int32, count=2 * len(model.ends))
        self.source, self.target = ends[0::2], ends[1::2]

    def labelled(self, label: str) -> np.ndarray:
        """Model nodes carrying ``label``, in graph id order (a label scan)."""
        wanted = [i for i, name in enumerate(self.label_sets) if label in name.split(":")]
        nodes = np.flatnonzero(np.isin(self.sets, wanted))
        return nodes[np.argsort(self.node_id[nodes], kind="stable")]

    def rels(self, rel_type: str) -> tuple[np.ndarray, np.ndarray]:
        """Model relationships of ``rel_type`` and their graph ids, in graph id order."""
        if rel_type not in self.types:
            return np.array([], dtype=np.int64), np.array([], dtype=np.int64)
        code = self.types.index(rel_type)
        members = np.flatnonzero(self.rel_type == code)
        return members, self.first_rel[code] + np.arange(len(members))

    def props(self, elements: np.ndarray, name: str, *, rels: bool = False) -> list[Any]:
        """The property ``name`` of the model's ``elements`` (None where missing)."""
        props = self.model.rel_props if rels else self.model.node_props
        return list(map(dict.get, map(props.__getitem__, elements.tolist()), repeat(name)))

    def tables(self) -> dict[str, pd.DataFrame]:
        bids = self.labelled("Bid")
        is_bid = np.zeros(len(self.node_id), dtype=bool)
        is_bid[bids] = True
        frames = {rel: self._links(rel, is_bid) for rel in STAFF + IDENTIFIERS}
        keys = {name: _text(self.props(bids, prop)) for name, prop in (("key", "key"), ("tender", "tender_code"))}
        frames["bids"] = pd.DataFrame(
            {"bid": self.node_id[bids], **keys, "bidder": _text(self.props(bids, "bidder_key"))}
        )
        frames["scored"] = self._scored(is_bid)
        frames["market_bids"] = self._market_bids(bids, keys["tender"])
        return frames

    def _links(self, rel_type: str, is_bid: np.ndarray) -> pd.DataFrame:
        """``MATCH (b:Bid)-[:T]->(x)``: by bid, then by target (the traversal's order)."""
        rels = self.rels(rel_type)[0]
        rels = rels[is_bid[self.source[rels]]]
        bid, target = self.node_id[self.source[rels]], self.node_id[self.target[rels]]
        order = np.lexsort((target, bid))
        return pd.DataFrame({"bid": bid[order], "target": target[order]})

    def _scored(self, is_bid: np.ndarray) -> pd.DataFrame:
        """``(e:Expert)-[s:SCORED]->(b:Bid)-[f:FOR]->(t:Tender), (side)-[:SUBMITTED]->(b)``
        in the plan's order: experts, their scored bids and edges, the bid's tender, its
        submitting sides."""
        is_expert, is_tender = self._is("Expert"), self._is("Tender")
        scored = self._pairs("SCORED", "s", "expert", "bid")
        scored = scored[is_expert[scored["expert"]] & is_bid[scored["bid"]]]
        tenders = self._pairs("FOR", "f", "bid", "tender")
        tenders = tenders[is_tender[tenders["tender"]]]
        sides = self._pairs("SUBMITTED", "submitted", "company", "bid")
        rows = scored.merge(tenders, on="bid").merge(sides, on="bid")
        graph = {name: self.node_id[rows[name].to_numpy()] for name in ("expert", "bid", "tender", "company")}
        graph |= {name: rows[f"{name}_id"].to_numpy() for name in ("s", "f", "submitted")}
        order = np.lexsort([graph[k] for k in ("submitted", "company", "f", "tender", "s", "bid", "expert")])
        return pd.DataFrame(
            {
                "expert": graph["expert"][order],
                "s": graph["s"][order],
                "bid": graph["bid"][order],
                "f": graph["f"][order],
                "tender": graph["tender"][order],
                "company": graph["company"][order],
                "score": _number(self.props(rows["s"].to_numpy()[order], "score", rels=True)),
                "bid_open": _text(self.props(rows["tender"].to_numpy()[order], "bid_open")),
            }
        )

    def _market_bids(self, bids: np.ndarray, codes: np.ndarray) -> pd.DataFrame:
        """``market_bids`` with its defaults: a hash join of the tenders (filtered by their
        opening date) probed by the bids in id order."""
        bound = builtin_query("market_bids").bind({})  # the bid table reads it with its defaults
        if bound["region"] or bound["industry"]:
            raise _Unmodelled("market_bids")
        tenders = self.labelled("Tender")
        opened = self.props(tenders, "bid_open")
        if any(type(v) is not str for v in opened if v is not None):
            raise _Unmodelled("bid_open")
        open_codes = [
            c
            for c, day in zip(self.props(tenders, "code"), opened, strict=True)
            if day is None or bound["date_from"] <= day <= bound["date_to"]
        ]
        if any(type(c) is not str for c in open_codes) or len(set(open_codes)) < len(open_codes):
            raise _Unmodelled("code")  # a join of other types or several matches: not modelled
        keep = pd.Series(codes, dtype=object).isin(set(open_codes)).to_numpy()
        kept = bids[keep]
        return pd.DataFrame(
            {
                "tender": codes[keep],
                "bidder": _text(self.props(kept, "bidder_key")),
                "price": _number(self.props(kept, "price")),
                "won": _boolean(self.props(kept, "won")),
                "valid": _boolean(self.props(kept, "valid")),
            }
        )

    def _is(self, label: str) -> np.ndarray:
        mask = np.zeros(len(self.node_id), dtype=bool)
        mask[self.labelled(label)] = True
        return mask

    def _pairs(self, rel_type: str, name: str, source: str, target: str) -> pd.DataFrame:
        rels, ids = self.rels(rel_type)
        return pd.DataFrame({source: self.source[rels], target: self.target[rels], name: rels, f"{name}_id": ids})


def _text(values: Sequence[Any]) -> np.ndarray:
    """``toString`` of texts (a missing value: None), as ``columnar`` splits them."""
    array = np.array(values, dtype=object)
    present = array[array != None].tolist()  # noqa: E711 — elementwise
    if not set(map(type, present)) <= {str} or SEP in (joined := "".join(present)) or NULL in joined:
        raise _Unmodelled("text")
    return array


def _number(values: Sequence[Any]) -> np.ndarray:
    """``toJSON`` of numbers read back as floats: 15 significant digits."""
    kinds = set(map(type, values)) - {type(None)}
    if not kinds <= {float, int}:
        raise _Unmodelled("number")
    if int in kinds:  # an integer's digits are all sent (no 15-digit cut)
        return np.array([float(v) if type(v) is int else v if v is None else _fifteen(v) for v in values], float)
    return np.array(list(map("{:.15g}".format, np.array(values, dtype=float).tolist())), dtype=float)  # None: nan


def _fifteen(value: float) -> float:
    return float(f"{value:.15g}")


def _boolean(values: Sequence[Any]) -> np.ndarray:
    if not set(map(type, values)) <= {bool, type(None)}:
        raise _Unmodelled("bool")
    return np.array(values, dtype=object)
