"""The entities of the sample world (persons, companies with their people, staff,
machines and accounts), written to the entity tables as they are made."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field

from bidgraph.data.generator.ids import Ids
from bidgraph.data.generator.places import (
    BANKS,
    CONSTRUCTION,
    GIVEN,
    INDUSTRIES,
    PROVINCE_SHORT,
    STREETS,
    SURNAMES,
    TRADE_FIRST,
    TRADE_SECOND,
    City,
)
from bidgraph.data.generator.sink import Sink

EPOCH = dt.date(2000, 1, 1)


def day(offset: int) -> str:
    """ISO date ``offset`` days after 2000-01-01."""
    return (EPOCH + dt.timedelta(days=offset)).isoformat()


@dataclass(eq=False)
class Person:
    id_number: str
    name: str
    birth_year: int
    city: City
    phone: str


@dataclass(eq=False)
class Machine:
    mac: str
    cpu: str
    disk: str
    machine_code: str


@dataclass(eq=False)
class Company:
    uscc: str
    name: str
    city: City
    industry: str
    established: int  # day offset
    phone: str
    email: str
    address: str
    legal_rep: Person | None = None
    pms: list[tuple[Person, str]] = field(default_factory=list)  # (person, certificate number or "")
    agents: list[Person] = field(default_factory=list)
    ips: list[str] = field(default_factory=list)
    machines: list[Machine] = field(default_factory=list)
    dongle: str = ""
    file_id: str = ""
    account: str = ""
    bank: str = ""
    group: int | None = None  # planted instance: never two of one group on a background tender
    reserved: bool = False  # bids only where a scheme puts it
    background: float = 1.0  # chance to accept a background tender it is drawn for
    never_win: bool = False
    bids: int = 0
    wins: int = 0


class World:
    """Seeded factory of entities; every entity is written to the sink when created."""

    def __init__(self, rng: random.Random, sink: Sink) -> None:
        self.rng = rng
        self.ids = Ids(rng)
        self.sink = sink
        self.names: set[str] = set()
        self.companies: list[Company] = []
        self.by_market: dict[tuple[str, str], list[Company]] = defaultdict(list)  # (province, industry)
        self.by_city: dict[tuple[str, str], list[Company]] = defaultdict(list)  # (city, industry)
        self.cert_seq = 0

    def address(self, place: str, *, home: bool = False) -> str:
        """A street address in ``place``, unique so that no two parties share one by chance."""
        rng = self.rng
        if home:
            flat = f"{rng.randint(1, 30)}栋{rng.randint(1, 30)}0{rng.randint(1, 4)}室"
            return self.ids.unique(lambda: f"{place}{rng.choice(STREETS)}{rng.randint(1, 300)}号{flat}")
        return self.ids.unique(lambda: f"{place}{rng.choice(STREETS)}{rng.randint(1, 999)}号")

    # --- persons -------------------------------------------------------------------
    def person(self, city: City, *, surname: str | None = None, birth_year: int | None = None) -> Person:
        rng = self.rng
        female = rng.random() < 0.35
        year = birth_year or rng.randint(1958, 1999)
        name = (surname or rng.choice(SURNAMES)) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
        person = Person(self.ids.id_number(city, year, female), name, year, city, self.ids.mobile())
        county = rng.choice(city.counties)[1]
        self.sink.row(
            "persons",
            id_number=person.id_number,
            name=name,
            gender="女" if female else "男",
            birth_year=year,
            phone=person.phone,
            address=self.address(f"{city.province}{city.name}{county}", home=True) if rng.random() < 0.6 else None,
        )
        return person

    def kinship(
        self, a: Person, b: Person, relation: str, *, basis: str = "household", confidence: float = 1.0
    ) -> None:
        self.sink.row(
            "kinship",
            person_a_id_number=a.id_number,
            person_a_name=a.name,
            person_b_id_number=b.id_number,
            person_b_name=b.name,
            relation=relation,
            basis=basis,
            confidence=confidence,
        )

    def role(
        self, company: Company | str, person: Person, role: str, start: int, end: int | None = None, **extra: object
    ) -> None:
        """One roles row; ``company`` is a Company or the USCC of a tenderer/agency."""
        uscc, name = (company.uscc, company.name) if isinstance(company, Company) else (company, None)
        position = {"director": "董事", "supervisor": "监事", "manager": "经理", "finance_head": "财务负责人"}.get(role)
        self.sink.row(
            "roles",
            company_uscc=uscc,
            company_name=name,
            person_id_number=person.id_number,
            person_name=person.name,
            role=role,
            position=extra.pop("position", position),
            start=day(start),
            end=day(end) if end is not None else None,
            **extra,
        )

    def certificate(self, person: Person, company: Company, kind: str = "注册建造师") -> str:
        self.cert_seq += 1
        prefix = "豫" if company.city.province.startswith("河南") else "湘"
        number = f"{prefix}{141 if prefix == '豫' else 143}{self.rng.randint(10, 23):02d}{self.cert_seq:07d}"
        specialty = {"交通": "公路工程", "水利": "水利水电工程"}.get(company.industry, "建筑工程")
        self.sink.row(
            "certificates",
            kind=kind,
            number=number,
            person_id_number=person.id_number,
            person_name=person.name,
            company_uscc=company.uscc,
            level=self.rng.choice(("一级", "二级", "二级")),
            specialty=specialty,
        )
        return number

    # --- companies -----------------------------------------------------------------
    def company_name(self, city: City, industry: str) -> str:
        rng = self.rng
        while True:
            short = city.name.removesuffix("市")
            region = rng.choice(
                (short, short, PROVINCE_SHORT[city.province], f"{PROVINCE_SHORT[city.province]}（{short}）")
            )
            trade = rng.choice(TRADE_FIRST) + rng.choice(TRADE_SECOND)
            word = rng.choice(INDUSTRIES[industry][3])
            name = f"{region}{trade}{word}{rng.choice(('有限公司', '有限公司', '有限责任公司'))}"
            if name not in self.names:
                self.names.add(name)
                return name

    def company(
        self,
        city: City,
        industry: str,
        *,
        name: str | None = None,
        address: str | None = None,
        rep_pct: int | None = None,
    ) -> Company:
        """A bidder with legal rep, shareholders, officers, staff, machines and accounts.

        ``rep_pct`` fixes the legal rep's stake and leaves the rest for a scheme to assign."""
        rng, ids = self.rng, self.ids
        county_code, county = rng.choice(city.counties)
        established = rng.randint(0, 7300)
        company = Company(
            uscc=ids.uscc(county_code),
            name=name or self.company_name(city, industry),
            city=city,
            industry=industry,
            established=established,
            phone=ids.landline(city),
            email=f"{ids.digits(9, rng.choice('123456789'))}@qq.com"
            if rng.random() < 0.6
            else f"bid{ids.hex(6).lower()}@163.com",
            address=address or self.address(f"{city.province}{city.name}{county}"),
            ips=[ids.ip() for _ in range(rng.choice((1, 1, 2)))],
            machines=[
                Machine(ids.mac(), ids.hex(16), ids.disk_serial(), ids.hex(20)) for _ in range(rng.choice((1, 2)))
            ],
            dongle=ids.digits(10, "88") if industry in CONSTRUCTION else "",
            file_id=ids.hex(32),
            account=ids.digits(19, "41" if city.province.startswith("河南") else "43"),
            bank=f"{rng.choice(BANKS)}{city.name.removesuffix('市')}{rng.choice(STREETS).removesuffix('路')}支行",
        )
        self.sink.row(
            "companies",
            uscc=company.uscc,
            name=company.name,
            reg_capital=f"{rng.choice((100, 200, 500, 800, 1000, 2000, 5000, 10000))}万元",
            established=day(established),
            legal_form=rng.choice(
                ("有限责任公司（自然人投资或控股）", "有限责任公司（自然人独资）", "其他有限责任公司")
            ),
            region=f"{city.province}{city.name}{county}",
            industry=industry,
            status="存续",
            address=company.address,
            phone=company.phone,
            email=company.email,
        )
        self._people(company, rep_pct)
        self.companies.append(company)
        self.by_market[(city.province, industry)].append(company)
        self.by_city[(city.name, industry)].append(company)
        return company

    def _people(self, company: Company, rep_pct: int | None) -> None:
        rng, city, start = self.rng, company.city, company.established
        rep = self.person(city, birth_year=rng.randint(1958, 1988))
        company.legal_rep = rep
        self.role(company, rep, "legal_rep", start, basis="registry")
        self.role(company, rep, "manager", start, basis="registry")
        pct = rng.choice((100, 80, 70, 60, 51)) if rep_pct is None else rep_pct
        if pct:
            self.role(company, rep, "shareholder", start, pct=pct, basis="registry")
        partner = self.person(city)
        if pct < 100 and rep_pct is None:
            self.role(company, partner, "shareholder", start, pct=100 - pct, basis="registry")
        self.role(company, partner, "supervisor", start, basis="registry")
        if rng.random() < 0.15:  # a spouse with no role anywhere: kinship that never matters
            self.kinship(rep, self.person(city, birth_year=rep.birth_year), "配偶", basis="household")
        construction = company.industry in CONSTRUCTION
        for _ in range(rng.choice((1, 2, 2, 3))):
            pm = self.person(city, birth_year=rng.randint(1965, 1995))
            joined = rng.randint(start, max(start, 7600))
            self.role(
                company,
                pm,
                "employee",
                joined,
                basis="social_insurance",
                position="项目经理" if construction else "项目负责人",
            )
            company.pms.append((pm, self.certificate(pm, company) if construction else ""))
        for _ in range(rng.choice((1, 1, 2))):
            agent = self.person(city, birth_year=rng.randint(1975, 1999))
            self.role(
                company,
                agent,
                "employee",
                rng.randint(start, max(start, 7600)),
                basis="social_insurance",
                position="投标专员",
            )
            company.agents.append(agent)
