"""From a typed record to graph facts: (statement, row) pairs that ``write.py`` turns
into batched ``UNWIND $rows AS row MERGE`` statements. Keys follow docs/graph-model.md.

Statements are identified by tuples: ``("node", label, extra_label)``,
``("edge", from_label, rel_type, to_label, merge_on, from_known, to_known)``, ``("bid",)``,
``("win",)``, ``("evaluated",)`` and ``("scored",)``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from bidgraph.graph.schema import schema
from bidgraph.loaders import identity
from bidgraph.loaders.resolve import Resolver

Fact = tuple[tuple[Any, ...], Any]  # (statement, row: a map, or a list for edges)
End = tuple[str, str, dict[str, Any]]  # (label, key, properties set only if the node is new)
ROLE_REL = {
    "legal_rep": ("LEGAL_REP_OF", None),
    "shareholder": ("SHAREHOLDER_OF", None),
    "director": ("OFFICER_OF", "董事"),
    "supervisor": ("OFFICER_OF", "监事"),
    "manager": ("OFFICER_OF", "经理"),
    "finance_head": ("OFFICER_OF", "财务负责人"),
    "employee": ("EMPLOYED_BY", None),
}
ORG_PROPS = {
    "companies": (
        "name",
        "uscc",
        "reg_capital",
        "established",
        "legal_form",
        "region",
        "industry",
        "status",
        "address",
    ),
    "tenderers": ("name", "uscc", "kind", "region"),
    "agencies": ("name", "uscc", "region"),
}
TENDER_RECOMMENDED = ("industry", "region", "bid_open")
UNKNOWN = "未注明"
ORG_LABEL = {"companies": "Company", "tenderers": "Tenderer", "agencies": "Agency"}
T = TypeVar("T")
_MISSING = object()


class Builder:
    """Facts of one row. ``prov`` is the per-row provenance (``{"row": n}``); the writer
    adds the per-file part (source, load_id, loaded_at) as ``$prov``."""

    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver
        self._once: dict[tuple[Any, ...], Any] = {}
        self._memos: dict[tuple[Any, ...], _Memo] = {}

    def once(self, rule: Callable[..., T], *args: Any) -> T:
        """``rule(*args)`` computed once per distinct arguments in this pass: bid rows
        repeat their bidder, devices, accounts and people (~13× on the medium sample), so
        their keys are computed on the distinct values. Results are shared: callers never
        change them."""
        key = (rule, *args)
        found = self._once.get(key, _MISSING)
        if found is _MISSING:
            found = self._once[key] = rule(*args)
        return found

    def memo(self, rule: Callable[..., T], *fixed: Any) -> dict[Any, T]:
        """``once`` as a map for a loop over a chunk's column: ``memo[args]`` is
        ``rule(*fixed, *args)`` (a tuple of arguments), computed on first look-up and kept
        for the pass: a dict look-up per row instead of a call."""
        found = self._memos.get((rule, *fixed))
        if found is None:
            found = self._memos[(rule, *fixed)] = _Memo(rule, fixed)
        return found

    def facts(self, table: str, record: dict[str, Any], prov: dict[str, Any]) -> Iterator[Fact]:
        return getattr(self, "_" + table)(record, prov)  # the table's generator itself: one frame per fact

    # -- helpers -------------------------------------------------------------------------
    @staticmethod
    def node(label: str, key: str, props: dict[str, Any], prov: dict[str, Any], extra: str = "") -> Fact:
        return ("node", label, extra), {"key": key, "props": {**clean(props), **prov}}

    @staticmethod
    def edge(
        a: End,
        rel: str,
        b: End,
        prov: dict[str, Any],
        props: dict[str, Any] | None = None,
        merge_on: tuple[str, ...] = (),
    ) -> Fact:
        """``a`` and ``b`` are (label, key, properties set only if the node is new); an
        empty dict marks a node this row has just written, which is matched, not merged.
        The row is a list (layout above ``MERGE_ON`` in write.py): sent faster than a map."""
        if a[0] in _NOT_EVERYWHERE:
            a = _allowed(a, rel, "sources")
        if b[0] in _NOT_EVERYWHERE:
            b = _allowed(b, rel, "targets")
        props = clean(props) if props else {}
        row = [a[1], b[1], {**props, **prov}, clean(a[2]) if a[2] else None, clean(b[2]) if b[2] else None]
        if merge_on:
            row.extend(props.get(k, "") for k in merge_on)
        return ("edge", a[0], rel, b[0], merge_on, not a[2], not b[2]), row

    @staticmethod
    def matched_edge(a: End, rel: str, b: End, prov: dict[str, Any]) -> Fact:
        """``edge(a, rel, b, prov)`` for the common case of a bid row: ``a`` just written
        (matched), ``b`` a company-free end to MERGE whose properties are already clean,
        no edge properties. The same fact for less work; ``prov`` is shared by the row's facts."""
        return ("edge", a[0], rel, b[0], (), True, False), [a[1], b[1], prov, None, b[2]]

    def org(self, uscc: str | None, name: str | None, default: str = "Company") -> End | None:
        key = self.resolver.org_key(uscc, name)
        if key is None:
            return None
        label = self.resolver.org_label(key, default)
        return label, key, {"name": name, "uscc": uscc if uscc else None}

    @staticmethod
    def person(record: dict[str, Any], prefix: str, context: str | None = None) -> End | None:
        number, name = record.get(prefix + "id_number"), record.get(prefix + "name")
        return Builder.person_end(number, bool(record.get(prefix + "id_number_masked")), name, context)

    @staticmethod
    def person_end(number: str | None, masked: bool, name: str | None, context: str | None) -> End | None:
        if not number and not name:
            return None
        key, confidence = identity.person_key(number, masked, name, context)
        return "Person", key, identity.person_props(number, masked, name, confidence)

    def contacts(self, owner: End, record: dict[str, Any], prov: dict[str, Any]) -> Iterator[Fact]:
        for column, label, rel in (
            ("phone", "Phone", "HAS_PHONE"),
            ("email", "Email", "HAS_EMAIL"),
            ("address", "Address", "REGISTERED_AT"),
        ):
            if record.get(column):
                yield self.identifier_edge(owner, rel, label, record[column], prov)

    def identifier_edge(self, owner: End, rel: str, label: str, value: str, prov: dict[str, Any]) -> Fact:
        key, shown = self.once(identity.identifier, label, value)
        return self.edge(owner, rel, (label, key, {"value": shown}), prov)

    # -- tables --------------------------------------------------------------------------
    def _organisation(self, table: str) -> Callable[[dict[str, Any], dict[str, Any]], Iterator[Fact]]:
        def build(record: dict[str, Any], prov: dict[str, Any]) -> Iterator[Fact]:
            label = ORG_LABEL[table]
            key = identity.org_key(record.get("uscc"), record["name"])
            yield self.node(label, key, {k: record.get(k) for k in ORG_PROPS[table]}, prov)
            yield from self.contacts((label, key, {}), record, prov)

        return build

    def _companies(self, record: dict[str, Any], prov: dict[str, Any]) -> Iterator[Fact]:
        return self._organisation("companies")(record, prov)

    def _tenderers(self, record: dict[str, Any], prov: dict[str, Any]) -> Iterator[Fact]:
        return self._organisation("tenderers")(record, prov)

    def _agencies(self, record: dict[str, Any], prov: dict[str, Any]) -> Iterator[Fact]:
        return self._organisation("agencies")(record, prov)

    def _departments(self, record: dict[str, Any], prov: dict[str, Any]) -> Iterator[Fact]:
        yield self.node(
            "Department", record["code"], {k: record.get(k) for k in ("code", "name", "sector", "region")}, prov
        )

    def _persons(self, record: dict[str, Any], prov: dict[str, Any]) -> Iterator[Fact]:
        label, key, props = self.person(record, "")
        props.update(gender=record.get("gender"), birth_year=record.get("birth_year"))
        yield self.node(label, key, props, prov)
        yield from self.contacts((label, key, {}), record, prov)

    def _projects(self, record: dict[str, Any], prov: dict[str, Any]) -> Iterator[Fact]:
        tenderer = self.org(*self.resolver.org_ref(record.get("tenderer")), default="Tenderer")
        props = {k: record.get(k) for k in ("code", "name", "region", "industry")}
        props["tenderer_key"] = tenderer[1] if tenderer else None
        yield self.node("Project", record["code"], props, prov)

    def _tenders(self, record: dict[str, Any], prov: dict[str, Any]) -> Iterator[Fact]:
        code = record["code"]
        props = {
            k: record.get(k)
            for k in (
                "code",
                "name",
                "industry",
                "region",
                "method",
                "ceiling_price",
                "estimate_price",
                "published",
                "bid_open",
                "awarded",
            )
        }
        # an attribute the export lacks is an explicit unknown, so detectors can say so
        props["unknown"] = [k for k in TENDER_RECOMMENDED if not props[k]]
        props.update({k: UNKNOWN for k in ("industry", "region") if not props[k]})
        yield self.node("Tender", code, props, prov)
        tender = ("Tender", code, {})
        if record.get("project_code"):
            yield self.edge(
                tender, "PART_OF", ("Project", record["project_code"], {"code": record["project_code"]}), prov
            )
        for column, label, rel in (("tenderer", "Tenderer", "TENDERED"), ("agency", "Agency", "AGENT_OF")):
            uscc, name = self.resolver.org_ref(record.get(column))
            key = self.resolver.org_key(uscc, name)
            if key:
                yield self.edge((label, key, {"name": name, "uscc": uscc}), rel, tender, prov)
        if record.get("department"):
            department = ("Department", record["department"], {"code": record["department"]})
            yield self.edge(department, "SUPERVISES", tender, prov)
        from bidgraph.loaders.build_notices import mention

        yield from mention(self, record, tender, prov)

    def _experts(self, record: dict[str, Any], prov: dict[str, Any]) -> Iterator[Fact]:
        label, key, props = self.person(record, "", context="expert:" + record["expert_no"])
        if not key.startswith("id:"):
            key = "expert:" + record["expert_no"]  # not name:…: who the expert is stays out of the graph
        props.update({k: record.get(k) for k in ("expert_no", "specialty", "employer", "title_level")})
        yield self.node(label, key, props, prov, extra="Expert")
        expert = (label, key, {})
        uscc, name = self.resolver.org_ref(record.get("employer"))
        employer = self.org(uscc, name)
        if employer:
            props = {"basis": "registration", **self.resolver.match(uscc, name)}
            yield self.edge(expert, "EMPLOYED_BY", employer, prov, props)
        yield from self.contacts(expert, record, prov)

    def _certificates(self, record: dict[str, Any], prov: dict[str, Any]) -> Iterator[Fact]:
        key = f"{record['kind']}:{record['number']}"
        props = {k: record.get(k) for k in ("kind", "number", "level", "specialty")}
        yield self.node("Certificate", key, props, prov)
        holder = self.person(record, "person_", context=record["number"])
        yield self.edge(holder, "HOLDS", ("Certificate", key, {}), prov)
        company = self.org(record.get("company_uscc"), None)
        if company:
            yield self.edge(("Certificate", key, {}), "REGISTERED_WITH", company, prov)

    def _roles(self, record: dict[str, Any], prov: dict[str, Any]) -> Iterator[Fact]:
        company = self.org(record.get("company_uscc"), record.get("company_name"))
        rel, position = ROLE_REL[record["role"]]
        holder = self.person(record, "person_", context=company[1])
        if holder is None or (rel == "SHAREHOLDER_OF" and record.get("holder_uscc")):
            holder = self.org(record.get("holder_uscc"), record.get("holder_name"))
        props: dict[str, Any] = {"start": record.get("start"), "end": record.get("end")}
        merge_on: tuple[str, ...] = ()
        if rel == "SHAREHOLDER_OF":
            props["pct"] = record.get("pct")
        elif rel == "OFFICER_OF":
            props["position"] = record.get("position") or position
            merge_on = ("position",)
        elif rel == "EMPLOYED_BY":
            props.update(basis=record.get("basis"), position=record.get("position"))
        yield self.edge(holder, rel, company, prov, props, merge_on)

    def _kinship(self, record: dict[str, Any], prov: dict[str, Any]) -> Iterator[Fact]:
        a = self.person(record, "person_a_")
        b = self.person(record, "person_b_")
        props = {k: record.get(k) for k in ("relation", "basis", "confidence", "start", "end")}
        yield self.edge(a, "KIN_OF", b, prov, props, merge_on=("relation",))

    def _contacts(self, record: dict[str, Any], prov: dict[str, Any]) -> Iterator[Fact]:
        owner = self._owner(record, "owner_")
        label, rel = {
            "phone": ("Phone", "HAS_PHONE"),
            "email": ("Email", "HAS_EMAIL"),
            "address": ("Address", "REGISTERED_AT"),
        }[record["kind"]]
        yield self.identifier_edge(owner, rel, label, record["value"], prov)

    def _owner(self, record: dict[str, Any], prefix: str) -> End:
        """The organisation (by USCC, or a name that reads like one or that the files give
        a USCC for) or else the person a contacts/penalties row is about."""
        uscc, name = record.get(prefix + "uscc"), record.get(prefix + "name")
        if uscc or (not record.get(prefix + "id_number") and self.resolver.is_org_name(name)):
            return self.org(uscc, name)
        return self.person(record, prefix)

    def _penalties(self, record: dict[str, Any], prov: dict[str, Any]) -> Iterator[Fact]:
        number = record["number"]
        yield self.node(
            "Penalty", number, {k: record.get(k) for k in ("number", "date", "authority", "reason", "kind")}, prov
        )
        yield self.edge(self._owner(record, "subject_"), "SANCTIONED", ("Penalty", number, {}), prov)

    def _evaluations(self, record: dict[str, Any], prov: dict[str, Any]) -> Iterator[Fact]:
        row = {
            "expert_no": record["expert_no"],
            "target": record["tender_code"],
            "props": {**clean({"role": record.get("role"), "date": record.get("date")}), **prov},
        }
        if record.get("expert_name") or record.get("employer"):  # per-evaluation export rows
            yield from self._evaluation_expert(record, prov)
        yield ("evaluated",), row
        if record.get("bidder_uscc"):
            bid = identity.bid_key(record["tender_code"], record["bidder_uscc"])
            score = {"score": record.get("score"), "tender_code": record["tender_code"]}
            yield ("scored",), {"expert_no": record["expert_no"], "target": bid, "props": {**clean(score), **prov}}

    def _evaluation_expert(self, record: dict[str, Any], prov: dict[str, Any]) -> Iterator[Fact]:
        number, name = record["expert_no"], record.get("expert_name")
        key = self.resolver.expert_keys.get(number)
        if key is None:  # not in an experts file of this load: the row defines the expert
            if not name:
                return
            key, confidence = identity.person_key(None, False, name, "expert:" + number)
            props = {"name": name, "key_confidence": confidence, "expert_no": number}
            yield self.node("Person", key, props, prov, extra="Expert")
        uscc, employer_name = self.resolver.org_ref(record.get("employer"))
        employer = self.org(uscc, employer_name)
        if employer:
            # employed as of the evaluation: from the first of that month (an evaluation a
            # few days after the opening still covers it) to the evaluation day
            as_of = record.get("date")
            dated = {"as_of": as_of, "start": as_of[:8] + "01", "end": as_of} if as_of else {}
            props = {"basis": "evaluation", **dated, **self.resolver.match(uscc, employer_name)}
            yield self.edge(("Person", key, {}), "EMPLOYED_BY", employer, prov, props, merge_on=("as_of",))

    def _allowlist(self, record: dict[str, Any], prov: dict[str, Any]) -> Iterator[Fact]:
        label = record["label"]
        if label == "Device":
            kind, _, value = record["value"].partition(":")
            key, shown = identity.device_key(kind, value)
        else:
            key, shown = identity.identifier(label, record["value"])
        yield self.node(label, key, {"value": shown, "allowed": True, "allow_reason": record["reason"]}, prov)
        props = {k: record.get(k) for k in ("label", "value", "reason", "added_by", "added_at")}
        if label in ("Phone", "BankAccount"):
            props["value"] = shown  # the number itself stays out of the graph
        yield self.node("AllowedIdentifier", f"{label}:{key}", props, prov)

    def _bids(self, record: dict[str, Any], prov: dict[str, Any]) -> Iterator[Fact]:
        from bidgraph.loaders.build_bids import bid_facts

        return bid_facts(self, record, prov)

    def _documents(self, record: dict[str, Any], prov: dict[str, Any]) -> Iterator[Fact]:
        from bidgraph.loaders.build_notices import document_facts

        return document_facts(self, record, prov)

    def _bid_staff(self, record: dict[str, Any], prov: dict[str, Any]) -> Iterator[Fact]:
        from bidgraph.loaders.build_notices import staff_facts

        return staff_facts(self, record, prov)


class _Memo(dict):
    """``Builder.memo``: a missing key is computed by the rule."""

    def __init__(self, rule: Callable[..., Any], fixed: tuple[Any, ...]) -> None:
        super().__init__()
        self.rule, self.fixed = rule, fixed

    def __missing__(self, args: tuple[Any, ...]) -> Any:
        found = self[args] = self.rule(*self.fixed, *args)
        return found


_NOT_EVERYWHERE = ("Tenderer", "Agency")


def _allowed(end: End, rel: str, side: str) -> End:
    """A Tenderer or Agency where the schema allows only companies (a tenderer holding
    shares, an agency sanctioned) is written as the Company with the same key."""
    if end[0] in _NOT_EVERYWHERE and end[0] not in getattr(schema().rel(rel), side):
        return ("Company", end[1], end[2] or {"name": None})
    return end


def identifier_end(label: str, value: str) -> End:
    """The shared-identifier node a value stands for (properties clean)."""
    key, shown = identity.identifier(label, value)
    return label, key, clean({"value": shown})


def device_end(kind: str, value: str) -> End:
    key, shown = identity.device_key(kind, value)
    return "Device", key, clean({"kind": kind, "value": shown})


def clean_end(end: End | None) -> End | None:
    return None if end is None else (end[0], end[1], clean(end[2]))


def clean(props: dict[str, Any]) -> dict[str, Any]:
    """Properties without empty values (``SET n += map`` then leaves existing ones)."""
    return {k: v for k, v in props.items() if v is not None and v != ""}
