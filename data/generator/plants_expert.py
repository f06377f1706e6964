"""Planted expert conflicts: an evaluating expert employed by, holding shares in or kin of
a bidder; a previously sanctioned expert; an expert who keeps scoring one company first."""

from __future__ import annotations

from bidgraph.data.generator.orgs import Expert
from bidgraph.data.generator.plan import Planner


def _expert(p: Planner, city, industry: str, employer: str | None = None) -> Expert:  # type: ignore[no-untyped-def]
    expert = p.orgs.expert(city, industry, employer or p.rng.choice(p.orgs.institutes[city.name]))
    expert.reserved = True
    return expert


def expert_conflicts(p: Planner) -> None:
    w, rng = p.world, p.rng
    for variant in ("expert_employed", "expert_shareholder", "expert_kin", "expert_sanctioned", "sanctioned_after"):
        for _ in range(p.count(1)):
            city, industry = p.market_of()
            [index] = p.slots(1)
            bid = p.when(index)
            also: list[str] = []
            if variant == "expert_employed":
                [a] = p.fresh(city, industry, 1, reserved=True)
                expert = _expert(p, city, industry, a.uscc)
                note = f"评标专家{expert.person.name}的工作单位是投标人{a.name}"
            elif variant == "expert_shareholder":
                pct = rng.randint(5, 30)
                a = p.group([p.new(city, industry, 100 - pct)], reserved=True)[0]
                expert = _expert(p, city, industry)
                w.role(a, expert.person, "shareholder", a.established + 10, pct=pct, basis="registry")
                note = f"评标专家{expert.person.name}持有投标人{a.name}{pct}%股权"
            elif variant == "expert_kin":
                [a] = p.fresh(city, industry, 1, reserved=True)
                expert = _expert(p, city, industry)
                relation = p.relation()
                p.kinship(expert.person, a.legal_rep, relation, basis="household")  # type: ignore[arg-type]
                note, also = (
                    f"评标专家{expert.person.name}与投标人{a.name}法定代表人为{relation}关系",
                    ["kinship_conflict"],
                )
            else:
                [a] = p.fresh(city, industry, 1)
                expert = _expert(p, city, industry)
                before = variant == "expert_sanctioned"
                when = bid - rng.randint(60, 700) if before else bid + rng.randint(30, 300)
                p.orgs.penalty(None, expert.person, when, "评标活动中未按评标办法客观公正评审")
                note = f"评标专家{expert.person.name}{'此前曾受处罚' if before else '在评标之后才受处罚（不应计入）'}"
            persons = [expert.person.id_number]
            if variant in ("expert_kin",):
                persons.append(a.legal_rep.id_number)  # type: ignore[union-attr]
            entry = p.truth.add(
                "expert_conflict",
                variant,
                note,
                companies=[a.uscc] if variant.startswith("expert_") and variant != "expert_sanctioned" else [],
                persons=persons,
                decoy=variant == "sanctioned_after",
                also=also,
                evidence={"expert_no": expert.expert_no},
            )
            p.put(index, p.spec(city, industry, [a], experts=[expert]), entry)
    favourites(p)


def favourites(p: Planner) -> None:
    """An expert on six panels who always puts the same company first, though it rarely wins."""
    for _ in range(p.count(1)):
        city, industry = p.market_of()
        [pet] = p.fresh(city, industry, 1)
        expert = _expert(p, city, industry)
        note = f"评标专家{expert.person.name}多次将{pet.name}评为第一名"
        entry = p.truth.add(
            "expert_conflict",
            "expert_favourite",
            note,
            companies=[pet.uscc],
            persons=[expert.person.id_number],
            evidence={"expert_no": expert.expert_no},
        )
        for j, index in enumerate(p.slots(6)):
            spec = p.spec(
                city, industry, [pet], n_fill=p.rng.randint(3, 6), experts=[expert], favorite=(expert, pet), scored=True
            )
            spec.winner, spec.winner_from_fill = (pet, False) if j == 0 else (None, True)
            p.put(index, spec, entry)
