"""The planner: reserves tender slots in the stream, picks or makes the companies of a
planted instance and keeps instances apart from each other and from the background."""

from __future__ import annotations

import random
from typing import Any

from bidgraph.data.generator.market import Market, TenderSpec, open_day
from bidgraph.data.generator.orgs import Orgs
from bidgraph.data.generator.places import CITIES, CONSTRUCTION, INDUSTRIES, City
from bidgraph.data.generator.sink import Truth
from bidgraph.data.generator.world import Company, Person, World

SAME_SURNAME = ("兄弟", "兄妹", "姐弟", "父子", "父女")


class Planner:
    def __init__(self, world: World, orgs: Orgs, market: Market, truth: Truth, factor: int) -> None:
        self.world, self.orgs, self.market, self.truth = world, orgs, market, truth
        self.rng: random.Random = world.rng
        self.factor = factor
        self.free = list(range(market.n))
        self.rng.shuffle(self.free)
        self.specs: dict[int, TenderSpec] = {}
        self.groups = 0

    def count(self, base: int) -> int:
        return base * self.factor

    # --- slots -------------------------------------------------------------------------
    def slots(self, k: int) -> list[int]:
        """``k`` free tender indices in date order."""
        taken, self.free = self.free[:k], self.free[k:]
        return sorted(taken)

    def when(self, index: int) -> int:
        return open_day(index, self.market.n)

    def put(self, index: int, spec: TenderSpec, *entries: dict[str, Any]) -> TenderSpec:
        spec.entries.extend(entries)
        self.specs[index] = spec
        return spec

    # --- markets and companies ---------------------------------------------------------
    def market_of(self, construction: bool = False) -> tuple[City, str]:
        industries = CONSTRUCTION if construction else tuple(INDUSTRIES)
        return self.rng.choice(CITIES), self.rng.choice(industries)

    def fresh(self, city: City, industry: str, n: int, *, reserved: bool = False) -> list[Company]:
        """``n`` background companies of the market, taken out of free circulation as one group."""
        pool = [c for c in self.world.by_market[(city.province, industry)] if c.group is None and not c.reserved]
        local = [c for c in pool if c.city is city]
        picked: list[Company] = []
        for c in self.rng.sample(local, min(n, len(local))) + self.rng.sample(pool, min(len(pool), 3 * n)):
            special = c.name.startswith(("河南省第", "湖南省第")) or "孵化园" in c.address
            if len(picked) < n and c not in picked and not special:
                picked.append(c)
        while len(picked) < n:
            picked.append(self.world.company(city, industry))
        return self.group(picked, reserved=reserved)

    def new(self, city: City, industry: str, rep_pct: int) -> Company:
        return self.world.company(city, industry, rep_pct=rep_pct)

    def group(self, companies: list[Company], *, reserved: bool = False) -> list[Company]:
        self.groups += 1
        for c in companies:
            c.group = self.groups
            c.reserved = c.reserved or reserved
        return companies

    def spec(self, city: City, industry: str, bidders: list[Company], **kw: Any) -> TenderSpec:
        return TenderSpec(city, industry, list(bidders), n_fill=kw.pop("n_fill", self.rng.randint(1, 5)), **kw)

    # --- people ------------------------------------------------------------------------
    def kin_of(self, person: Person, relation: str) -> Person:
        """A new person who is ``relation`` of ``person`` (same surname where it should be)."""
        surname = person.name[0] if relation in SAME_SURNAME else None
        if relation.startswith("父"):
            year = min(1999, person.birth_year + self.rng.randint(24, 30))
        else:
            year = max(1958, min(1999, person.birth_year + self.rng.randint(-5, 5)))
        return self.world.person(person.city, surname=surname, birth_year=year)

    def kinship(self, a: Person, b: Person, relation: str, **kw: object) -> None:
        self.world.kinship(a, b, relation, **kw)  # type: ignore[arg-type]

    def relation(self, anchor: Person | None = None) -> str:
        """A kin relation: for a new relative of ``anchor`` any (父子 only if old enough);
        between two existing people with their own surnames, one that allows that."""
        if anchor is None:
            return self.rng.choice(("配偶", "表兄弟", "连襟", "舅甥", "配偶"))
        relation = self.rng.choice(("配偶", "兄弟", "兄妹", "父子", "姐弟", "配偶"))
        return "兄弟" if relation == "父子" and anchor.birth_year > 1972 else relation
