"""What a load learns while reading, so rows can refer to each other: which USCC a
company name stands for, which organisations are tenderers or agencies, and which
tender codes and expert numbers exist (in the files, or already in the graph)."""

from __future__ import annotations

from bidgraph.graph.schema import KEY, schema
from bidgraph.graph.store import GraphStore
from bidgraph.loaders import identity, normalize

AMBIGUOUS = "?"
ORG_SUFFIXES = ("公司", "中心", "院", "厂", "局", "厅", "委员会", "事务所", "合作社", "学校", "医院", "集团")


class Resolver:
    """Compact key sets built in the validation pass and reused by the write pass."""

    def __init__(self) -> None:
        self.name_uscc: dict[str, str] = {}
        self.org_labels: dict[str, str] = {}
        self.known: dict[str, set[str]] = {"Tender": set(), "Expert": set()}
        self.expert_keys: dict[str, str] = {}  # expert number -> person key (experts files)
        self.wanted: set[str] = set()  # bare names the files do not resolve: asked of the graph
        self.from_graph: set[str] = set()  # normalized names resolved through the graph

    def want(self, name: str | None) -> None:
        """A bare organisation name (no USCC) a row refers to."""
        if name and normalize.company_name(name) not in self.name_uscc:
            self.wanted.add(name)

    def learn_from_graph(self, store: GraphStore | None) -> int:
        """Resolve the wanted names to the USCCs of organisations already in the graph
        (an earlier load). Names the files resolve win; a name two USCCs share stays
        unresolved. Returns how many names were resolved."""
        names = {normalize.company_name(n) for n in self.wanted} - set(self.name_uscc)
        self.wanted.clear()
        if not names or store is None:
            return 0
        variants = sorted(names | {n.replace("有限公司", "有限责任公司") for n in names})
        s = schema()
        found: dict[str, set[str]] = {}
        for label in ("Company", "Tenderer", "Agency"):
            query = (
                f"MATCH (c:{s.label(label)}) WHERE c.{s.property_key(label, 'name')} IN $names "
                f"AND NOT c.{KEY} STARTS WITH 'name:' RETURN c.{s.property_key(label, 'name')}, c.{KEY}"
            )
            for name, key in store.run(query, {"names": variants}, limit=0).rows:
                found.setdefault(normalize.company_name(name), set()).add(key)
        for name, keys in found.items():
            if name in names:
                self.name_uscc[name] = keys.pop() if len(keys) == 1 else AMBIGUOUS
                self.from_graph.add(name)
        return len(self.from_graph)

    def match(self, uscc: str | None, name: str | None) -> dict[str, str]:
        """How a reference was resolved (for the relationship's properties)."""
        if uscc or not name:
            return {}
        normalized = normalize.company_name(name)
        found = self.name_uscc.get(normalized)
        if not found or found == AMBIGUOUS:
            return {"match_basis": "name_only", "match_confidence": "low"}
        basis = "name_in_graph" if normalized in self.from_graph else "name_in_files"
        return {"match_basis": basis, "match_confidence": "medium"}

    def learn_org(self, uscc: str | None, name: str | None, label: str = "Company") -> None:
        if uscc and name:
            normalized = normalize.company_name(name)
            previous = self.name_uscc.setdefault(normalized, uscc)
            if previous != uscc:
                # two companies share the name: a name alone no longer says which one
                self.name_uscc[normalized] = AMBIGUOUS
        key = identity.org_key(uscc, name)
        if key and label != "Company":
            self.org_labels[key] = label

    def org_key(self, uscc: str | None, name: str | None) -> str | None:
        """USCC if given, else the USCC the files give for this name, else ``name:…``."""
        if not uscc and name:
            found = self.name_uscc.get(normalize.company_name(name))
            if found and found != AMBIGUOUS:
                return found
        return identity.org_key(uscc, name)

    def org_ref(self, value: str | None) -> tuple[str | None, str | None]:
        """A column that holds "USCC or name": (uscc, name)."""
        if not value:
            return None, None
        try:
            return normalize.parse_uscc(value), None
        except ValueError:
            return None, value

    def is_org_name(self, name: str | None) -> bool:
        if not name:
            return False
        return normalize.company_name(name) in self.name_uscc or name.endswith(ORG_SUFFIXES)

    def org_label(self, key: str, default: str = "Company") -> str:
        return self.org_labels.get(key, default)
