"""Evaluation panels: experts drawn from the province's pool for the industry, and for
some tenders the published scores (each expert scores every valid bid)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bidgraph.data.generator.places import CONSTRUCTION
from bidgraph.data.generator.world import day

if TYPE_CHECKING:
    from bidgraph.data.generator.market import Market, TenderSpec


def evaluate(market: Market, code: str, opened: int, spec: TenderSpec, rows: list[dict[str, Any]]) -> None:
    rng, sink = market.rng, market.world.sink
    size = 5 if spec.industry in CONSTRUCTION else 3
    pool = market.orgs.experts[(spec.city.province, spec.industry)]
    panel = list(spec.experts)
    for _ in range(size * 4):
        if len(panel) >= size:
            break
        expert = rng.choice(pool)
        if not expert.reserved and expert not in panel:
            panel.append(expert)
    rng.shuffle(panel)
    date = day(opened)
    for i, expert in enumerate(panel):
        sink.row(
            "evaluations", tender_code=code, expert_no=expert.expert_no, role="组长" if i == 0 else "成员", date=date
        )
    if not (spec.scored or spec.favorite or rng.random() < market.score_share):
        return
    valid = [r for r in rows if r["valid"] and r["bidder_uscc"]]
    for expert in panel:
        scores = {r["bidder_uscc"]: 90 - 2.5 * r["rank"] + rng.uniform(-1.5, 1.5) for r in valid}
        if spec.favorite and spec.favorite[0] is expert:
            favorite = spec.favorite[1].uscc
            scores[favorite] = max(scores.values()) + rng.uniform(2, 5)
        for uscc, score in scores.items():
            sink.row(
                "evaluations",
                tender_code=code,
                expert_no=expert.expert_no,
                role="组长" if expert is panel[0] else "成员",
                date=date,
                bidder_uscc=uscc,
                score=round(score, 2),
            )
