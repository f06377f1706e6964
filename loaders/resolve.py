"""What a load learns while reading, so rows can refer to each other: which USCC a
company name stands for, which organisations are tenderers or agencies, and which
tender codes and expert numbers exist (in the files, or already in the graph)."""

from __future__ import annotations

from bidgraph.loaders import identity, normalize

AMBIGUOUS = "?"
ORG_SUFFIXES = ("公司", "中心", "院", "厂", "局", "厅", "委员会", "事务所", "合作社", "学校", "医院", "集团")


class Resolver:
    """Compact key sets built in the validation pass and reused by the write pass."""

    def __init__(self) -> None:
        self.name_uscc: dict[str, str] = {}
        self.org_labels: dict[str, str] = {}
        self.known: dict[str, set[str]] = {"Tender": set(), "Expert": set()}

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
