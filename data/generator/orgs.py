"""Tenderers, agencies, supervising departments, the expert pool and background penalties."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from bidgraph.data.generator.places import (
    CITIES,
    PROVINCE_ABBR,
    PROVINCE_SHORT,
    SECTOR_NAMES,
    TRADE_FIRST,
    TRADE_SECOND,
    City,
)
from bidgraph.data.generator.world import Company, Person, World, day

# tenderer kinds: name pattern, USCC kind, industries it tenders
TENDERER_KINDS = (
    ("{city}城市管理局", "11", "政府机关", ("房建市政", "政府采购服务", "政府采购货物")),
    ("{county}人民政府", "11", "政府机关", ("房建市政", "交通", "水利", "政府采购服务")),
    ("{county}交通运输局", "11", "政府机关", ("交通",)),
    ("{county}水利局", "11", "政府机关", ("水利",)),
    ("{city}第一中学", "12", "学校", ("房建市政", "政府采购货物", "政府采购服务")),
    ("{county}职业教育中心", "12", "学校", ("政府采购货物", "政府采购服务")),
    ("{city}中心医院", "12", "医院", ("医疗器械", "政府采购货物", "政府采购服务", "房建市政")),
    ("{county}人民医院", "12", "医院", ("医疗器械", "政府采购货物")),
    ("{city}城市建设投资集团有限公司", "91", "国有企业", ("房建市政", "交通")),
    ("{city}水务集团有限公司", "91", "国有企业", ("水利", "房建市政")),
    ("{city}交通投资有限公司", "91", "国有企业", ("交通",)),
)
SPECIALTIES = {
    "房建市政": ("建筑工程", "市政工程", "工程造价"),
    "交通": ("公路工程", "桥梁工程", "工程造价"),
    "水利": ("水利水电工程", "工程造价"),
    "政府采购货物": ("信息化设备", "办公设备", "经济管理"),
    "政府采购服务": ("物业管理", "信息技术服务", "财务会计"),
    "医疗器械": ("医疗设备", "医学影像", "经济管理"),
}


@dataclass(eq=False)
class Org:
    """A tenderer or agency: who it is and the people working there."""

    uscc: str
    name: str
    city: City
    industries: tuple[str, ...] = ()
    staff: list[Person] = field(default_factory=list)


@dataclass(eq=False)
class Expert:
    expert_no: str
    person: Person
    province: str
    specialty: str
    employer: str  # USCC
    reserved: bool = False  # sits only on panels a scheme puts it on


class Orgs:
    """Everything on the buyer and oversight side of the market."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.tenderers: dict[tuple[str, str], list[Org]] = defaultdict(list)  # (city, industry)
        self.agencies: dict[str, list[Org]] = defaultdict(list)  # province
        self.experts: dict[tuple[str, str], list[Expert]] = defaultdict(list)  # (province, industry)
        self.expert_seq = 0
        self.institutes: dict[str, list[str]] = {}  # city -> USCCs of expert employers

    def build(self, n_agencies: int, n_experts: int) -> None:
        for city in CITIES:
            self._city(city)
        for i in range(n_agencies):
            self.agency(CITIES[i % len(CITIES)])
        self.institutes = {city.name: self._institutes(city) for city in CITIES}
        for i in range(n_experts):
            city = CITIES[i % len(CITIES)]
            self.expert(
                city, self.world.rng.choice(list(SPECIALTIES)), self.world.rng.choice(self.institutes[city.name])
            )

    def _city(self, city: City) -> None:
        w = self.world
        for sector, label in SECTOR_NAMES.items():
            code = f"{PROVINCE_ABBR[city.province]}{city.counties[0][0][:4]}-{sector}"
            w.sink.row(
                "departments",
                code=code,
                name=f"{city.name}{label}",
                sector=sector,
                region=f"{city.province}{city.name}",
            )
        for pattern, kind_code, kind, industries in TENDERER_KINDS:
            code, county = w.rng.choice(city.counties[1:] or city.counties)
            name = pattern.format(city=city.name, county=county if "区" not in county else city.name + county)
            org = Org(w.ids.uscc(code, kind_code), name, city, industries)
            w.sink.row("tenderers", uscc=org.uscc, name=name, kind=kind, region=f"{city.province}{city.name}")
            contact = w.person(city)
            w.role(org.uscc, contact, "employee", w.rng.randint(3000, 7000), basis="contract", position="项目联系人")
            org.staff.append(contact)
            for industry in industries:
                self.tenderers[(city.name, industry)].append(org)

    def agency(self, city: City) -> Org:
        w = self.world
        code, county = w.rng.choice(city.counties)
        word = w.rng.choice(("工程管理咨询", "招标代理", "项目管理", "工程咨询", "建设咨询"))
        while True:
            trade = w.rng.choice(TRADE_FIRST) + w.rng.choice(TRADE_SECOND)
            name = f"{PROVINCE_SHORT[city.province]}{trade}{word}有限公司"
            if name not in w.names:
                break
        w.names.add(name)
        org = Org(w.ids.uscc(code), name, city)
        w.sink.row(
            "agencies",
            uscc=org.uscc,
            name=name,
            region=f"{city.province}{city.name}",
            phone=w.ids.landline(city),
            address=w.address(f"{city.name}{county}") + f"{w.rng.randint(3, 28)}楼",
        )
        for _ in range(3):
            staff = w.person(city)
            w.role(
                org.uscc, staff, "employee", w.rng.randint(5000, 7500), basis="social_insurance", position="项目负责人"
            )
            org.staff.append(staff)
        self.agencies[city.province].append(org)
        return org

    def _institutes(self, city: City) -> list[str]:
        """Employers of experts: design institutes and colleges that never bid."""
        w = self.world
        out = []
        for pattern in ("{c}建筑设计研究院有限公司", "{c}职业技术学院", "{c}工程造价咨询有限公司"):
            name = pattern.format(c=city.name)
            uscc = w.ids.uscc(city.counties[0][0], "12" if "学院" in name else "91")
            w.sink.row("companies", uscc=uscc, name=name, region=f"{city.province}{city.name}", status="存续")
            out.append(uscc)
        return out

    def expert(self, city: City, industry: str, employer: str, *, person: Person | None = None) -> Expert:
        w = self.world
        self.expert_seq += 1
        person = person or w.person(city, birth_year=w.rng.randint(1958, 1985))
        specialty = w.rng.choice(SPECIALTIES[industry])
        number = f"{PROVINCE_ABBR[city.province]}PS{self.expert_seq:06d}"
        expert = Expert(number, person, city.province, specialty, employer)
        w.sink.row(
            "experts",
            expert_no=number,
            name=person.name,
            id_number=person.id_number,
            specialty=specialty,
            employer=employer,
            title_level=w.rng.choice(("高级工程师", "正高级工程师", "高级经济师", "副教授")),
            phone=person.phone,
        )
        self.experts[(city.province, industry)].append(expert)
        return expert

    def penalty(
        self, company: Company | None, person: Person | None, date: int, reason: str, *, masked: bool = False
    ) -> str:
        w = self.world
        city = company.city if company else person.city  # type: ignore[union-attr]
        number = f"{city.name.removesuffix('市')}建罚〔{day(date)[:4]}〕{w.ids.digits(4)}号"
        subject_id = person.id_number if person else None
        w.sink.row(
            "penalties",
            number=number,
            subject_uscc=company.uscc if company else None,
            subject_id_number=(subject_id[:12] + "******" if masked else subject_id) if subject_id else None,
            subject_name=company.name if company else person.name,  # type: ignore[union-attr]
            date=day(date),
            authority=f"{city.name}住房和城乡建设局",
            reason=reason,
            kind=w.rng.choice(("罚款", "警告", "暂停投标资格", "列入失信名单")),
        )
        return number
