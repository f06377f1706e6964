"""Published notices for the synthetic world: 中标候选人公示 and 中标结果公告 rendered as HTML in
two layouts (a candidate table with a column per candidate, and prose), invented text in the
style of real trading-centre pages, with the ground truth of every notice in the
``reference.jsonl`` format that ``bidgraph bench extract`` reads. One tender in every
``plant_every`` has two candidates proposing the same project manager (same certificate), and
one in every ``plant_every`` is won with the project manager of the previous tender's winner.

The extractor must score 1.00 on every field here: these notices are its regression set."""

from __future__ import annotations

import html
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

from bidgraph.data.generator.ids import Ids, mask_id
from bidgraph.data.generator.places import (
    CITIES,
    GIVEN,
    INDUSTRIES,
    PROVINCE_SHORT,
    SURNAMES,
    TRADE_FIRST,
    TRADE_SECOND,
)

STAFF_ROLES = ("技术负责人", "施工员", "质量员", "安全员")
CN_RANK = "一二三"


@dataclass
class Staff:
    name: str
    role: str
    kinds: list[str]
    numbers: list[str]
    masked_id: str = ""

    def cell(self) -> str:
        """姓名,证书类别,证书编号 as notices print it."""
        numbers = [*self.numbers, *([self.masked_id] if self.masked_id else [])]
        return f"{self.name},{'、'.join(self.kinds) or '其他'},{'、'.join(numbers)}"


@dataclass
class Candidate:
    name: str
    price: str
    qualification: str
    staff: list[Staff] = field(default_factory=list)
    members: list[str] = field(default_factory=list)


@dataclass
class GeneratedTender:
    code: str
    name: str
    tenderer: str
    agency: str
    date: str
    candidates: list[Candidate]
    shared_pm: bool = False  # candidates 1 and 2 propose the same project manager
    reused_pm_from: str = ""  # the winner's project manager also won this tender's predecessor


class NoticeWorld:
    """Invented companies, people and certificate numbers (provinces 豫/湘 as the sample data)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.ids = Ids(rng)
        self.used: set[str] = set()
        self.seq = 0

    def _unique(self, draw) -> str:  # type: ignore[no-untyped-def]
        while (value := draw()) in self.used:
            pass
        self.used.add(value)
        return value

    def company(self, industry: str) -> str:
        rng = self.rng
        city = rng.choice(CITIES)
        words = INDUSTRIES[industry][3]
        return self._unique(
            lambda: (
                f"{rng.choice((city.name.removesuffix('市'), PROVINCE_SHORT[city.province]))}"
                f"{rng.choice(TRADE_FIRST)}{rng.choice(TRADE_SECOND)}{rng.choice(words)}"
                f"{rng.choice(('有限公司', '有限责任公司', '股份有限公司'))}"
            )
        )

    def person(self) -> str:
        rng = self.rng
        return self._unique(
            lambda: rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        )

    def builder_cert(self) -> str:
        self.seq += 1
        province, code = self.rng.choice((("豫", "41"), ("湘", "43")))
        return f"{province}{self.rng.choice('12')}{code}{self.rng.randint(10, 23):02d}{self.seq:07d}"

    def safety_cert(self, grade: str) -> str:
        self.seq += 1
        province = self.rng.choice("豫湘")
        return f"{province}建安{grade}({self.rng.randint(2015, 2024)}){self.seq:07d}"

    def qualification(self) -> str:
        return f"建筑工程施工总承包贰级/D{self.rng.choice('24')}{self.rng.randint(10_000_000, 99_999_999)}"

    def masked_id(self) -> str:
        city = self.rng.choice(CITIES)
        number = self.ids.id_number(city, self.rng.randint(1965, 1995), self.rng.random() < 0.3)
        return mask_id(number)

    def staff(self, pm: Staff | None = None) -> list[Staff]:
        lead = pm or Staff(self.person(), "项目负责人", ["注册二级建造师·建筑工程", "安全生产考核合格证(B证)"],
                           [self.builder_cert(), self.safety_cert("B")])  # fmt: skip
        out = [lead]
        for role in self.rng.sample(STAFF_ROLES, 2):
            if role == "技术负责人":
                out.append(Staff(self.person(), role, ["职称证"], [f"E3{self.rng.randint(10_000_000, 99_999_999)}"],
                                 self.masked_id()))  # fmt: skip
            else:
                out.append(Staff(self.person(), role, ["安全生产考核合格证(C证)"], [self.safety_cert("C")]))
        return out

    def price(self, kind: str) -> str:
        if kind == "rate":
            return f"下浮率{self.rng.randint(5, 30)}.{self.rng.randint(0, 99):02d}%"
        if kind == "fee":
            return f"按《工程勘察设计收费标准》的{self.rng.randint(40, 90)}%计取"
        return f"{self.rng.randint(500_000, 90_000_000)}.{self.rng.randint(0, 99):02d}"

    def tender(self, i: int, shared_pm: bool) -> GeneratedTender:
        rng = self.rng
        industry = rng.choice(("房建市政", "水利", "交通"))
        city = rng.choice(CITIES)
        county = rng.choice(city.counties)[1]
        place, work = rng.choice(("城区", "乡镇", "产业园")), rng.choice(("道路改造", "供水管网", "安置房", "河道整治"))
        name = f"{county}{place}{work}工程"
        code = f"{city.abbr}{INDUSTRIES[industry][0]}{i:06d}-2025{rng.randint(1, 12):02d}-01"
        # every layout feature appears in any set of a few tenders: amounts, 下浮率, 收费标准 sentences,
        # a consortium winner every third tender
        price_kind = ("amount", "rate", "amount", "fee")[i % 4]
        candidates = []
        for j in range(3):
            joint = (j == 0 and i % 3 == 1) or (j > 0 and rng.random() < 0.1)
            members = [self.company(industry), self.company(industry)] if joint else []
            company = f"{'、'.join(members)}联合体" if members else self.company(industry)
            candidates.append(Candidate(company, self.price(price_kind), self.qualification(), self.staff(), members))
        if shared_pm:  # the planted case: candidate 2 proposes candidate 1's project manager
            candidates[1].staff[0] = candidates[0].staff[0]
        date = f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        tenderer = f"{county}{rng.choice(('城市建设投资', '水务', '交通投资'))}有限公司"
        return GeneratedTender(code, name, tenderer, self.company("房建市政").replace("工程", "项目管理", 1), date,
                               candidates, shared_pm)  # fmt: skip


def _e(text: str) -> str:
    return html.escape(text)


_HEAD = "<html><head><style>.wm{display:none}</style><script>var watermark='内部资料 请勿外传';</script></head><body>"
_TAIL = "<div class='wm'>水印 0371-66880000</div></body></html>"


def candidates_table(t: GeneratedTender) -> str:
    cols = t.candidates

    def row(label: str, values: list[str]) -> str:
        return f"<tr><td colspan=2>{label}</td>" + "".join(f"<td>{_e(v)}</td>" for v in values) + "</tr>"

    rows = [
        row("名次", [f"第{CN_RANK[i]}名" for i in range(len(cols))]),
        row("中标候选人名称", [c.name for c in cols]),
        row("投标报价(元/%)", [c.price for c in cols]),
        row("投标人资质证书名称及编号（如有）", [c.qualification for c in cols]),
    ]
    roles = ["项目负责人", *sorted({s.role for c in cols for s in c.staff[1:]})]
    for j, role in enumerate(roles):
        head = f"<td rowspan={len(roles)}>拟派项目管理人员</td>" if j == 0 else ""
        cells = "".join(f"<td>{_e(next((s.cell() for s in c.staff if s.role == role), '无'))}</td>" for c in cols)
        rows.append(f"<tr>{head}<td>{role}</td>{cells}</tr>")
    return (
        f"{_HEAD}<p><b>中标候选人公示</b></p><p>标段（包）编号：{_e(t.code)}</p><p>一、招标概况</p>"
        f"<p>{_e(t.name)}于{t.date[:4]}年{t.date[5:7]}月{t.date[8:]}日在公共资源交易平台发布招标公告，"
        f"{t.date[:4]}年{t.date[5:7]}月{t.date[8:]}日 09时30分在市公共资源交易中心开标、评标。</p>"
        f"<p>二、评标结果</p><table border=1>{''.join(rows)}</table>"
        f"<p>评标情况</p><p>评标委员会对投标文件进行了评审。招标人代表：{_e(t.candidates[0].staff[-1].name[0])}某</p>"
        f"<p>五、联系方式</p><p>1.招标人：{_e(t.tenderer)}</p><p>电话：0371-6{t.date[5:7]}{t.date[8:]}123</p>"
        f"<p>2.招标代理机构：{_e(t.agency)}</p>{_TAIL}"
    )


def _prose_staff(s: Staff) -> str:
    numbers = "、".join(s.numbers)
    extra = f"，身份证号：{s.masked_id}" if s.masked_id else ""
    return f"{s.role}：{s.name}，证书编号：{numbers}{extra}"


def candidates_prose(t: GeneratedTender) -> str:
    paras = [
        f"<p>第{CN_RANK[i]}中标候选人：{_e(c.name)}，投标报价：{_e(c.price)}"
        f"{'元' if c.price[0].isdigit() else ''}；{'；'.join(_e(_prose_staff(s)) for s in c.staff)}。</p>"
        for i, c in enumerate(t.candidates)
    ]
    return (
        f"{_HEAD}<h3>{_e(t.name)}中标候选人公示</h3><p>标段编号：{_e(t.code)}</p>"
        f"<p>{_e(t.name)}于{t.date[:4]}年{t.date[5:7]}月{t.date[8:]}日在公共资源交易平台发布招标公告，"
        f"经评标委员会评审，现将中标候选人公示如下：</p>{''.join(paras)}"
        f"<p>招标人：{_e(t.tenderer)}，招标代理机构：{_e(t.agency)}，"
        f"监督电话：0731-8{t.date[5:7]}{t.date[8:]}456。</p>{_TAIL}"
    )


def award_table(t: GeneratedTender) -> str:
    w = t.candidates[0]
    kv = [("招标人:", t.tenderer, "建设地点", "本县城区"), ("招标机构:", t.agency, "标段(包)编号:", t.code),
          ("标段(包)名称:", t.name, None, None), ("中标人:", w.name, None, None),
          ("中标价(元):", w.price, "投诉电话", f"0371-6{t.date[5:7]}{t.date[8:]}789"),
          ("资质证书名称及编号:", w.qualification, None, None)]  # fmt: skip
    rows = [
        f"<tr><td>{_e(a)}</td><td>{_e(b)}</td>" + (f"<td>{_e(c)}</td><td>{_e(d)}</td>" if c else "") + "</tr>"
        for a, b, c, d in kv
    ]
    rows += [f"<tr><td>{_e(s.role)}</td><td>{_e(s.cell())}</td></tr>" for s in w.staff]
    rows.append(f"<tr><td>公告发布日期:</td><td>{t.date}</td></tr>")
    return f"{_HEAD}<table>{''.join(rows)}</table>{_TAIL}"


def truth(t: GeneratedTender, kind: str) -> dict:
    if kind == "award":
        w = t.candidates[0]
        ref = {"招标人": t.tenderer, "招标机构": t.agency, "标段(包)编号": t.code, "标段(包)名称": t.name,
               "中标人": w.name, "中标价(元)": w.price}  # fmt: skip
        ref.update({s.role: s.cell() for s in w.staff})
        return ref
    return {
        "project_name": t.name,
        "bidders_and_prices": [{"bidder": c.name, "price": c.price} for c in t.candidates],
        "personnel": [
            {"bidder": c.name, "name": s.name, "role": s.role, "certificates": s.numbers}
            for c in t.candidates
            for s in c.staff
        ],
        "consortia": {c.name: c.members for c in t.candidates if c.members},
    }


def write_notices(out: Path, count: int = 12, seed: int = 7, plant_every: int = 4) -> list[GeneratedTender]:
    """``count`` tenders → a candidates notice (table or prose layout, alternating) and an award
    notice each, in ``out/candidates`` and ``out/award`` with their reference.jsonl."""
    world = NoticeWorld(random.Random(seed))
    tenders = [world.tender(i, shared_pm=i % plant_every == 0) for i in range(count)]
    for i in range(2, count, plant_every):  # 挂证: the last winner's project manager wins again for another company
        tenders[i].candidates[0].staff[0] = tenders[i - 1].candidates[0].staff[0]
        tenders[i].reused_pm_from = tenders[i - 1].code
    for kind in ("candidates", "award"):
        folder = out / kind
        folder.mkdir(parents=True, exist_ok=True)
        lines = []
        for i, t in enumerate(tenders):
            notice_id = f"{kind}-{i:04d}"
            if kind == "award":
                body, title = award_table(t), f"{t.name}中标结果公告"
            else:
                body = candidates_table(t) if i % 2 == 0 else candidates_prose(t)
                title = f"{t.name}中标候选人公示"
            (folder / f"{notice_id}.html").write_text(body, encoding="utf-8")
            category = "中标结果公告" if kind == "award" else "中标候选人公示"
            lines.append(json.dumps({"infoid": notice_id, "title": title, "infodate": t.date, "categoryname": category,
                                     "reference": truth(t, kind)}, ensure_ascii=False))  # fmt: skip
        (folder / "reference.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tenders
