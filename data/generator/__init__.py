"""Sample-data generator: a seeded, realistic Henan/Hunan public-resource-trading data set
in the canonical import tables, with planted collusion schemes, innocent look-alikes and
their ground truth (``ground_truth.json``). Same seed and size, byte-identical output."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from pathlib import Path

from bidgraph.data.generator import decoys, plants_expert, plants_market, plants_people
from bidgraph.data.generator.market import Market
from bidgraph.data.generator.orgs import Orgs
from bidgraph.data.generator.places import CITIES, INDUSTRIES
from bidgraph.data.generator.plan import Planner
from bidgraph.data.generator.sink import Sink, Truth
from bidgraph.data.generator.world import World

GENERATOR = "bidgraph.data.generator/1"


@dataclass(frozen=True)
class Size:
    tenders: int
    companies: int
    agencies: int
    experts: int
    factor: int  # planted instances per variant = base count x factor
    score_share: float  # share of background tenders whose expert scores are published


SIZES = {
    "small": Size(tenders=550, companies=520, agencies=24, experts=300, factor=1, score_share=0.2),
    "medium": Size(tenders=15_000, companies=5_000, agencies=60, experts=1_500, factor=10, score_share=0.15),
    "large": Size(tenders=150_000, companies=25_000, agencies=120, experts=4_000, factor=50, score_share=0.08),
}
SMALL_SEED = 20240501


def generate(size: str, seed: int, out: Path) -> dict[str, int]:
    """Write the tables and ground_truth.json into ``out``; return the row count per table."""
    spec = SIZES[size]
    rng = random.Random(seed)
    sink = Sink(out)
    truth = Truth()
    try:
        world = World(rng, sink)
        orgs = Orgs(world)
        orgs.build(spec.agencies, spec.experts)
        industries = list(INDUSTRIES)
        weights = [INDUSTRIES[i][1] for i in industries]
        for i in range(spec.companies):
            world.company(CITIES[i % len(CITIES)], rng.choices(industries, weights)[0])
        market = Market(world, orgs, spec.tenders, spec.score_share)
        planner = Planner(world, orgs, market, truth, spec.factor)
        for plant in (
            decoys.big_firms,
            decoys.centre_ip,
            decoys.incubator,
            plants_people.cross_appointment,
            plants_people.kinship,
            plants_people.kinship_conflict,
            plants_people.shared_staff,
            plants_people.corporate_control,
            plants_people.agency_staff_tie,
            plants_expert.expert_conflicts,
            plants_market.rings,
            plants_market.high_win_rate,
            plants_market.agency_favourite,
            plants_market.shared_identifiers,
            plants_market.price_screens,
        ):
            plant(planner)
        background_penalties(world, orgs)
        market.run(planner.specs)
        plants_market.fingerprint_truth(truth)
    finally:
        sink.close()
    truth.write(out / "ground_truth.json", {"seed": seed, "size": size, "generated_with": GENERATOR})
    return dict(sink.counts)


def background_penalties(world: World, orgs: Orgs) -> None:
    """Ordinary administrative penalties of bidders and project managers (not findings)."""
    rng = world.rng
    reasons = ("施工现场安全管理不到位", "未按规定办理竣工验收备案", "拖欠农民工工资", "合同履约不到位")
    for company in rng.sample(world.companies, len(world.companies) // 30):
        if company.group is None and company.pms:
            orgs.penalty(company, None, rng.randint(6900, 9000), rng.choice(reasons))
            pm = company.pms[0][0]
            orgs.penalty(None, pm, rng.randint(6900, 9000), "项目经理未履行安全生产管理职责", masked=rng.random() < 0.5)


def timed(size: str, seed: int, out: Path) -> tuple[dict[str, int], float]:
    start = time.perf_counter()
    counts = generate(size, seed, out)
    return counts, time.perf_counter() - start
