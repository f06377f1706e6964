"""The tender stream: one tender at a time, background or planted, its bids and its
evaluation written straight to the sink (bounded memory for the large set)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bidgraph.data.generator import prices
from bidgraph.data.generator.bidrow import bid_row, consortium
from bidgraph.data.generator.orgs import Expert, Org, Orgs
from bidgraph.data.generator.panel import evaluate
from bidgraph.data.generator.places import CITIES, CONSTRUCTION, INDUSTRIES, METHODS, PROJECT_WORDS, PROVINCE_ABBR, City
from bidgraph.data.generator.world import Company, World, day

MAX_BACKGROUND_RATE = 0.3
LOCAL_POOL = 40
FIRST_OPEN = 7673  # 2021-01-04
SPAN = 4 * 365
CITY_WEIGHTS = [
    4 if c.name in ("郑州市", "长沙市") else 2 if c.name in ("洛阳市", "南阳市", "衡阳市", "岳阳市") else 1
    for c in CITIES
]
DISQUALIFY = (
    "未按招标文件要求提交投标保证金",
    "投标文件未按要求签字盖章",
    "资格审查不合格",
    "投标报价超过最高投标限价",
    "未实质性响应招标文件要求",
)


def open_day(index: int, n: int) -> int:
    """Bid-opening day of the ``index``-th tender: the stream runs in date order."""
    return FIRST_OPEN + index * SPAN // n


@dataclass(eq=False)
class TenderSpec:
    """What a planted tender must contain; everything else is drawn like the background."""

    city: City
    industry: str
    bidders: list[Company] = field(default_factory=list)
    n_fill: int | None = None
    winner: Company | None = None
    winner_from_fill: bool = False
    price_mode: str | None = None
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)  # uscc -> bid columns
    experts: list[Expert] = field(default_factory=list)
    favorite: tuple[Expert, Company] | None = None
    tenderer: Org | None = None
    agency: Org | None = None
    entries: list[dict[str, Any]] = field(default_factory=list)  # ground-truth entries to credit
    collect: list[dict[str, Any]] = field(default_factory=list)  # entries that take the bidders too
    scored: bool = False


Watcher = Callable[[str, list[dict[str, Any]]], None]


class Market:
    def __init__(self, world: World, orgs: Orgs, n_tenders: int, score_share: float) -> None:
        self.world, self.orgs, self.n = world, orgs, n_tenders
        self.rng: random.Random = world.rng
        self.score_share = score_share
        self.watchers: list[Watcher] = []
        self.big_firms: dict[str, list[tuple[Company, float]]] = {}  # province -> (firm, join probability)
        self.centre_ip: dict[str, str] = {}

    def run(self, specs: dict[int, TenderSpec]) -> None:
        rng, project = self.rng, None
        industries = list(INDUSTRIES)
        weights = [INDUSTRIES[i][1] for i in industries]
        for index in range(self.n):
            spec = specs.get(index)
            if spec is None and (project is None or project["lots"] == 0):
                city = rng.choices(CITIES, CITY_WEIGHTS)[0]
                spec = TenderSpec(city, rng.choices(industries, weights)[0])
                lots = rng.choice((1, 1, 1, 1, 2, 3))
                project = self._project(index, spec, lots)
            elif spec is None:
                spec = TenderSpec(project["city"], project["industry"])
            else:
                project = self._project(index, spec, 1)
            project["lots"] -= 1
            self._tender(index, spec, project)

    def _project(self, index: int, spec: TenderSpec, lots: int) -> dict[str, Any]:
        rng, city = self.rng, spec.city
        tenderer = spec.tenderer or rng.choice(self.orgs.tenderers[(city.name, spec.industry)])
        agency = spec.agency or rng.choice(self.orgs.agencies[city.province])
        year = day(open_day(index, self.n))[:4]
        code = f"{PROVINCE_ABBR[city.province]}{city.abbr}{year}{INDUSTRIES[spec.industry][0]}{index + 1:07d}"
        county = rng.choice(city.counties)[1]
        name = f"{city.name}{county}{rng.choice(PROJECT_WORDS[spec.industry])}"
        self.world.sink.row(
            "projects",
            code=code,
            name=name,
            region=f"{city.province}{city.name}{county}",
            industry=spec.industry,
            tenderer=tenderer.uscc,
        )
        return {
            "code": code,
            "name": name,
            "city": city,
            "county": county,
            "industry": spec.industry,
            "tenderer": tenderer,
            "agency": agency,
            "lots": lots,
            "lot": 0,
        }

    def _tender(self, index: int, spec: TenderSpec, project: dict[str, Any]) -> None:
        rng, sink = self.rng, self.world.sink
        project["lot"] += 1
        code = f"{project['code']}-{project['lot']:03d}"
        opened = open_day(index, self.n)
        median = INDUSTRIES[spec.industry][2]
        ceiling = round(median * rng.lognormvariate(0, 0.7), -2)
        sector = {"房建市政": "住建", "交通": "交通", "水利": "水利", "医疗器械": "卫健"}.get(spec.industry, "财政")
        city = spec.city
        sink.row(
            "tenders",
            code=code,
            project_code=project["code"],
            name=f"{project['name']}第{project['lot']}标段"
            if spec.industry in CONSTRUCTION
            else f"{project['name']}（第{project['lot']}包）",
            industry=spec.industry,
            region=f"{city.province}{city.name}{project['county']}",
            tenderer=project["tenderer"].uscc if rng.random() < 0.9 else project["tenderer"].name,
            agency=project["agency"].uscc,
            department=f"{PROVINCE_ABBR[city.province]}{city.counties[0][0][:4]}-{sector}",
            method=rng.choice(METHODS[spec.industry]),
            ceiling_price=prices.ceiling_text(rng, ceiling),
            published=day(opened - rng.randint(20, 35)),
            bid_open=day(opened),
            awarded=day(opened + rng.randint(3, 10)),
        )
        for entry in spec.entries:
            entry["tenders"].append(code)
        bidders = self._bidders(spec)
        rows = self._bids(code, opened, ceiling, spec, bidders)
        for row in rows:
            sink.row("bids", **{k: v for k, v in row.items() if not k.startswith("_")})
        for entry in spec.collect:
            entry["companies"].extend(r["bidder_uscc"] for r in rows if r["valid"] and r["bidder_uscc"])
        evaluate(self, code, opened, spec, rows)
        for watch in self.watchers:
            watch(code, rows)

    def _bidders(self, spec: TenderSpec) -> list[Company]:
        rng = self.rng
        chosen = list(spec.bidders)
        groups = {c.group for c in chosen if c.group is not None}
        drawn = 3 + min(12, int(rng.expovariate(1 / 4.6))) - len(chosen)
        want = max(spec.n_fill if spec.n_fill is not None else drawn, 3 - len(chosen))
        if spec.industry == "房建市政" and not spec.bidders:
            for firm, p in self.big_firms.get(spec.city.province, ()):
                if rng.random() < p and want > 0:
                    chosen.append(firm)
                    want -= 1
        pool = self.world.by_market[(spec.city.province, spec.industry)]
        local = self.world.by_city[(spec.city.name, spec.industry)] or pool
        # prefer local firms only where there are enough of them: a handful of local firms drawn
        # again and again would meet as often as a planted ring
        p_local = 0.65 * min(1.0, len(local) / LOCAL_POOL)
        for _ in range(want * 20):
            if want <= 0:
                break
            c = rng.choice(local if rng.random() < p_local else pool)
            if c.reserved or c in chosen or (c.group is not None and c.group in groups) or rng.random() >= c.background:
                continue
            chosen.append(c)
            want -= 1
            if c.group is not None:
                groups.add(c.group)
        return chosen

    def _pick_winner(self, spec: TenderSpec, rows: list[dict[str, Any]]) -> dict[str, Any]:
        forced = {id(c) for c in spec.bidders}
        eligible = [r for r in rows if not any(m.never_win for m in r["_members"])] or rows
        candidates = [r for r in eligible if r["valid"]] or eligible
        if spec.winner is not None:
            return next(r for r in rows if r["_members"][0] is spec.winner)
        if spec.winner_from_fill:
            candidates = [r for r in candidates if id(r["_members"][0]) not in forced] or candidates
        # background winners are kept from piling up wins, so only planted 标王 stand out
        calm = [r for r in candidates if r["_members"][0].wins / (r["_members"][0].bids + 1) < MAX_BACKGROUND_RATE]
        calm = calm or candidates
        weights = [((r["_members"][0].bids + 1) / (r["_members"][0].wins + 1)) ** 2 for r in calm]
        return self.rng.choices(calm, weights)[0]

    def _bids(
        self, code: str, opened: int, ceiling: float, spec: TenderSpec, bidders: list[Company]
    ) -> list[dict[str, Any]]:
        rng = self.rng
        units: list[list[Company]] = [[c] for c in bidders]
        if not spec.bidders and spec.industry in CONSTRUCTION and len(units) >= 4 and rng.random() < 0.03:
            units = consortium(units)
        rows = [bid_row(self, code, opened, spec, members) for members in units]
        forced = {id(c) for c in spec.bidders}
        for row in rows:
            row["valid"] = bool(spec.price_mode) or rng.random() > 0.04 or id(row["_members"][0]) in forced
        winner = self._pick_winner(spec, rows)
        winner["valid"] = True
        valid = [r for r in rows if r["valid"]]
        fee_rate = spec.industry == "政府采购服务" and spec.price_mode is None and rng.random() < 0.05
        if spec.price_mode:
            amounts = prices.planted(rng, ceiling, len(valid), spec.price_mode)
        else:
            amounts = prices.background(rng, ceiling, len(valid))
        others = [r for r in valid if r is not winner]
        rng.shuffle(others)
        if spec.price_mode or rng.random() < 0.75:
            order = [winner, *others]  # lowest price wins
        else:
            order = [*others]
            order.insert(rng.randrange(len(order) + 1), winner)
        for row, amount in zip(order, amounts, strict=True):
            row["price"] = f"按收费标准的{rng.choice((45, 50, 60, 70))}%计取" if fee_rate else f"{amount:.2f}"
        for rank, row in enumerate([winner, *sorted(others, key=lambda r: amounts[order.index(r)])], start=1):
            row["rank"] = rank
        for row in rows:
            row["won"] = row is winner
            if not row["valid"]:
                row["price"] = f"{ceiling * rng.uniform(0.85, 0.99):.2f}"
                row["disqualified_reason"] = rng.choice(DISQUALIFY)
            for member in row["_members"]:
                member.bids += 1
                member.wins += row["won"]
        return rows
