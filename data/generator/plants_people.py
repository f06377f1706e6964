"""Planted schemes that live in who-is-who: cross-appointments, kinship, shared staff and
挂靠 project managers, corporate control and agency staff ties, with their look-alikes."""

from __future__ import annotations

from bidgraph.data.generator.plan import Planner
from bidgraph.data.generator.world import Company, Person

ROLE_ZH = {
    "director": "董事",
    "supervisor": "监事",
    "manager": "经理",
    "finance_head": "财务负责人",
    "shareholder": "股东",
}


def _pm(person: Person, cert: str) -> dict[str, str]:
    return {"pm_id_number": person.id_number, "pm_name": person.name, "pm_certificate": cert}


def cross_appointment(p: Planner) -> None:
    w, rng = p.world, p.rng
    cases = [(v, "") for v in ROLE_ZH] + [("director", "ended_before_bid"), ("director", "started_after_bid")]
    for role, decoy in cases:
        for _ in range(p.count(1)):
            city, industry = p.market_of()
            [index] = p.slots(1)
            bid = p.when(index)
            pct = rng.randint(20, 40)
            a = p.fresh(city, industry, 1)[0]
            b = p.new(city, industry, 100 - pct) if role == "shareholder" else p.fresh(city, industry, 1)[0]
            p.group([a, b])
            person = a.legal_rep
            assert person is not None
            extra = {"pct": pct} if role == "shareholder" else {}
            if decoy == "ended_before_bid":
                end = bid - rng.randint(30, 400)
                w.role(b, person, role, end - rng.randint(300, 1500), end, basis="registry")
                note = f"{person.name}曾任{b.name}{ROLE_ZH[role]}，开标前已离任（不应计入）"
            elif decoy == "started_after_bid":
                w.role(b, person, role, bid + rng.randint(30, 300), basis="registry")
                note = f"{person.name}在开标后才任{b.name}{ROLE_ZH[role]}（不应计入）"
            else:
                w.role(b, person, role, rng.randint(b.established, bid - 30), basis="registry", **extra)
                note = f"{person.name}同时为{a.name}法定代表人和{b.name}{ROLE_ZH[role]}，两家投同一标段"
            entry = p.truth.add(
                "cross_appointment",
                decoy or role,
                note,
                companies=[a.uscc, b.uscc],
                persons=[person.id_number],
                decoy=bool(decoy),
            )
            p.put(index, p.spec(city, industry, [a, b]), entry)


def kinship(p: Planner) -> None:
    w, rng = p.world, p.rng
    for decoy in [False] * p.count(2) + [True] * p.count(1):
        city, industry = p.market_of()
        a, b = p.fresh(city, industry, 2)
        relation = p.relation(a.legal_rep)
        kin = p.kin_of(a.legal_rep, relation)  # type: ignore[arg-type]
        w.role(b, kin, "director", rng.randint(b.established, 7600), basis="registry")
        p.kinship(a.legal_rep, kin, relation, basis=rng.choice(("household", "registry")))  # type: ignore[arg-type]
        persons = [a.legal_rep.id_number, kin.id_number]  # type: ignore[union-attr]
        evidence = {"relation": relation}
        if decoy:
            note = f"{a.name}与{b.name}负责人为{relation}关系，但两家从未投同一标段（不应计入）"
            p.truth.add(
                "kinship",
                "unrelated_tenders",
                note,
                companies=[a.uscc, b.uscc],
                persons=persons,
                decoy=True,
                evidence=evidence,
            )
            continue
        note = f"{a.name}法定代表人与{b.name}董事为{relation}关系，两家投同一标段"
        entry = p.truth.add(
            "kinship", "principals", note, companies=[a.uscc, b.uscc], persons=persons, evidence=evidence
        )
        for index in p.slots(rng.choice((1, 2))):
            p.put(index, p.spec(city, industry, [a, b]), entry)


def kinship_conflict(p: Planner) -> None:
    for side in ("tenderer_staff", "agency_staff"):
        for _ in range(p.count(1)):
            city, industry = p.market_of()
            [a] = p.fresh(city, industry, 1, reserved=True)
            relation = p.relation()
            [index] = p.slots(1)
            spec = p.spec(city, industry, [a])
            if side == "tenderer_staff":
                spec.tenderer = p.rng.choice(p.orgs.tenderers[(city.name, industry)])
                org = spec.tenderer
            else:
                spec.agency = p.rng.choice(p.orgs.agencies[city.province])
                org = spec.agency
            staff = org.staff[0]
            p.kinship(staff, a.legal_rep, relation, basis="declared", confidence=0.9)  # type: ignore[arg-type]
            note = f"{org.name}工作人员{staff.name}与投标人{a.name}法定代表人为{relation}关系"
            persons = [staff.id_number, a.legal_rep.id_number]  # type: ignore[union-attr]
            entry = p.truth.add(
                "kinship_conflict", side, note, companies=[a.uscc], persons=persons, evidence={"org": org.uscc}
            )
            p.put(index, spec, entry)


def shared_staff(p: Planner) -> None:
    w, rng = p.world, p.rng
    for variant in ("pm", "agent", "social_insurance", "pm_certificate", "pm_social_insurance", "moved"):
        for _ in range(p.count(1)):
            city, industry = p.market_of(construction=True)
            a, b = p.fresh(city, industry, 2)
            [index] = p.slots(1)
            bid = p.when(index)
            spec = p.spec(city, industry, [a, b])
            if variant == "pm":
                person, cert = a.pms[0]
                spec.overrides = {a.uscc: _pm(person, cert), b.uscc: _pm(person, cert)}
                note = f"项目经理{person.name}（证书登记在{a.name}）同时出现在{a.name}和{b.name}的投标文件中"
            elif variant == "agent":
                person = a.agents[0]
                fields = {"agent_id_number": person.id_number, "agent_name": person.name}
                spec.overrides = {a.uscc: fields, b.uscc: dict(fields)}
                note = f"委托代理人{person.name}同时代理{a.name}和{b.name}投标"
            elif variant == "social_insurance":
                person = a.agents[0]
                w.role(
                    b,
                    person,
                    "employee",
                    rng.randint(b.established, bid - 60),
                    basis="social_insurance",
                    position="投标专员",
                )
                note = f"{person.name}在{a.name}和{b.name}同时缴纳社保，两家投同一标段"
            else:
                person = w.person(city, birth_year=rng.randint(1970, 1992))
                home, other = (b, a) if variant == "moved" else (a, b)
                if variant == "moved":
                    left = bid - rng.randint(90, 700)
                    w.role(a, person, "employee", left - rng.randint(400, 2000), left, basis="social_insurance")
                    w.role(b, person, "employee", left + 1, basis="social_insurance", position="项目经理")
                    cert = w.certificate(person, b)
                    note = f"{person.name}开标前已从{a.name}离职并转入{b.name}，证书随之转注（不应计入）"
                else:
                    payer, holder = (a, b) if variant == "pm_certificate" else (b, a)
                    w.role(
                        payer, person, "employee", rng.randint(payer.established, bid - 60), basis="social_insurance"
                    )
                    cert = w.certificate(person, holder)
                    spec.bidders = [a]
                    what = "证书注册在" if variant == "pm_certificate" else "社保由"
                    note = f"{a.name}的项目经理{person.name}{what}{other.name}（挂靠/挂证）"
                spec.overrides = {home.uscc: _pm(person, cert)}
            entry = p.truth.add(
                "shared_staff",
                variant,
                note,
                companies=[a.uscc, b.uscc],
                persons=[person.id_number],
                decoy=variant == "moved",
            )
            p.put(index, spec, entry)


def _holding(p: Planner, company: Company, holder: Company, pct: int) -> None:
    p.world.sink.row(
        "roles",
        company_uscc=company.uscc,
        company_name=company.name,
        holder_uscc=holder.uscc,
        holder_name=holder.name,
        role="shareholder",
        pct=pct,
        basis="registry",
        start=f"{2018 + p.rng.randint(0, 2)}-0{p.rng.randint(1, 9)}-15",
    )


def corporate_control(p: Planner) -> None:
    w, rng = p.world, p.rng
    for variant in ("ownership", "common_controller"):
        for _ in range(p.count(1)):
            city, industry = p.market_of()
            [index] = p.slots(1)
            pct, pct2 = rng.randint(51, 100), rng.randint(51, 90)
            if variant == "ownership":
                a = p.fresh(city, industry, 1)[0]
                b = p.new(city, industry, 100 - pct)
                _holding(p, b, a, pct)
                persons: list[str] = []
                note, also = f"{a.name}持有{b.name}{pct}%股权，两家投同一标段", []
            else:
                a, b = p.new(city, industry, 100 - pct), p.new(city, industry, 100 - pct2)
                owner = w.person(city, birth_year=rng.randint(1960, 1985))
                w.role(a, owner, "shareholder", a.established, pct=pct, basis="registry")
                w.role(b, owner, "shareholder", b.established, pct=pct2, basis="registry")
                persons = [owner.id_number]
                note, also = f"{owner.name}分别控股{a.name}（{pct}%）和{b.name}（{pct2}%）", ["cross_appointment"]
            p.group([a, b])
            entry = p.truth.add(
                "corporate_control", variant, note, companies=[a.uscc, b.uscc], persons=persons, also=also
            )
            p.put(index, p.spec(city, industry, [a, b]), entry)


def agency_staff_tie(p: Planner) -> None:
    for _ in range(p.count(1)):
        city, industry = p.market_of()
        agency = p.rng.choice(p.orgs.agencies[city.province])
        pct = p.rng.randint(15, 40)
        a = p.group([p.new(city, industry, 100 - pct)], reserved=True)[0]
        staff = agency.staff[1]
        [index] = p.slots(1)
        p.world.role(a, staff, "shareholder", a.established + 30, pct=pct, basis="registry")
        note = f"代理机构{agency.name}项目负责人{staff.name}持有投标人{a.name}{pct}%股权"
        entry = p.truth.add(
            "agency_tie",
            "agency_staff",
            note,
            companies=[a.uscc],
            persons=[staff.id_number],
            evidence={"agency": agency.uscc},
        )
        p.put(index, p.spec(city, industry, [a], agency=agency), entry)
