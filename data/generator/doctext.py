"""Invented text of tender files (招标文件) and bid documents (投标文件): the tender's own
boilerplate, technical proposals (施工组织设计), schedules, commercial parts (商务标) and
bills of quantities (报价清单) composed from phrase banks, so two honest bidders share
only common phrases and what they copied from the tender file."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

# Section headings as a 目录 lists them; bidgraph.documents.sections splits on these.
HEADINGS = ("投标函", "商务标", "施工组织设计（技术标）", "施工进度计划", "报价清单")

SUBJECTS = (
    "项目部",
    "施工队",
    "质检员",
    "安全员",
    "技术负责人",
    "材料员",
    "测量组",
    "机械班组",
    "钢筋班组",
    "模板班组",
    "混凝土班组",
    "资料员",
    "项目经理",
    "试验室",
    "监理配合小组",
    "后勤保障组",
)
ACTIONS = (
    "严格落实",
    "全面执行",
    "提前编制",
    "分阶段组织",
    "每日检查",
    "定期复核",
    "按周汇总",
    "专人负责",
    "动态调整",
    "统一部署",
    "逐项验收",
    "同步推进",
    "重点控制",
    "闭环整改",
    "分级交底",
)
OBJECTS = (
    "土方开挖方案",
    "模板支撑体系",
    "钢筋绑扎工艺",
    "混凝土浇筑顺序",
    "基坑降水措施",
    "临时用电方案",
    "扬尘治理措施",
    "雨季施工措施",
    "冬季施工措施",
    "测量放线成果",
    "原材料进场检验",
    "隐蔽工程验收",
    "安全技术交底",
    "夜间施工照明",
    "文明施工标准",
    "应急救援预案",
    "机械设备维护",
    "沥青摊铺工艺",
    "管道试压方案",
    "护坡砌筑工艺",
    "排水沟施工",
    "路基压实度控制",
)
DETAILS = (
    "确保每{n}天形成一次书面记录",
    "配备{n}名专职人员",
    "投入{n}台{machine}",
    "控制偏差不超过{n}毫米",
    "在{n}小时内完成整改",
    "按{n}%比例抽检",
    "设置{n}处监测点",
    "分{n}个施工段流水作业",
    "每{n}米设置一道伸缩缝",
    "养护时间不少于{n}天",
    "压实度不低于{n}%",
    "堆放高度不超过{n}米",
)
FULL_WIDTH = str.maketrans("0123456789%", "０１２３４５６７８９％")
PHASES = ("施工准备", "基础施工", "主体施工", "附属工程", "竣工验收", "场地清理")
MACHINES = ("挖掘机", "装载机", "压路机", "自卸汽车", "混凝土泵车", "汽车吊", "平地机", "摊铺机", "洒水车", "发电机")

# The tender file's own clauses: every bidder copies them (the boilerplate to subtract).
TENDER_CLAUSES = (
    "投标人应仔细阅读招标文件的全部内容，并按招标文件要求编制投标文件。",
    "投标文件应当对招标文件提出的实质性要求和条件作出响应。",
    "投标人在投标截止时间前可以修改或撤回已递交的投标文件。",
    "逾期送达或者未送达指定地点的投标文件，招标人不予受理。",
    "投标保证金应当从投标人基本账户转出，否则视为无效投标。",
    "评标委员会按照招标文件规定的评标标准和方法对投标文件进行评审。",
    "投标人不得相互串通投标报价，不得排挤其他投标人的公平竞争。",
    "投标人不得以他人名义投标或者以其他方式弄虚作假骗取中标。",
    "中标人应按照招标文件和中标人的投标文件订立书面合同。",
    "投标报价应包括完成本工程所需的全部费用，不得低于成本。",
    "电子投标文件须使用交易平台提供的投标文件制作工具编制并加密上传。",
    "投标人须承诺所提供的资格证明材料真实有效，并承担相应法律责任。",
)
# Commercial templates sold to many bidders: shared text, not collusion.
TEMPLATES = {
    "TPL-商务-01": (
        "我公司秉承诚信经营、质量第一的宗旨，建立了完善的质量、环境和职业健康安全管理体系。",
        "公司坚持以客户为中心，以技术创新为动力，持续提升工程管理水平和服务质量。",
        "公司拥有一支专业配套、经验丰富的管理团队和技术骨干队伍，能够满足各类工程建设需要。",
        "本公司郑重承诺：若我单位中标，将严格履行合同约定，按期保质完成全部工程内容。",
    ),
    "TPL-商务-02": (
        "本单位始终把工程质量和安全生产放在首位，连续多年未发生重大质量安全事故。",
        "我单位财务状况良好，资金实力雄厚，具备承担本项目所需的履约能力。",
        "我单位将选派具有丰富经验的项目管理人员组建项目部，全面负责本项目的实施。",
    ),
}
# A compiler's habitual typos (wrong -> kept by whoever copies the file).
TYPOS = (
    ("施工", "施攻"),
    ("混凝土", "混泥土"),
    ("保证", "保正"),
    ("截止", "载止"),
    ("安装", "按装"),
    ("部署", "布署"),
    ("检查", "检察"),
    ("验收", "验受"),
    ("措施", "错施"),
    ("材料", "才料"),
    ("交底", "交低"),
    ("整改", "正改"),
    ("记录", "纪录"),
    ("配备", "配被"),
    ("控制", "空制"),
)
BILL_ITEMS = (
    ("挖一般土方", "m3", 18.0),
    ("挖沟槽土方", "m3", 26.0),
    ("回填方", "m3", 14.0),
    ("C30混凝土垫层", "m3", 520.0),
    ("C30混凝土基础", "m3", 585.0),
    ("现浇构件钢筋", "t", 5200.0),
    ("模板", "m2", 62.0),
    ("砖砌体", "m3", 430.0),
    ("水泥砂浆抹灰", "m2", 28.0),
    ("沥青混凝土面层", "m2", 96.0),
    ("水泥稳定碎石基层", "m2", 58.0),
    ("浆砌片石护坡", "m3", 310.0),
    ("钢筋混凝土管", "m", 260.0),
    ("检查井", "座", 2600.0),
    ("路缘石", "m", 45.0),
    ("防水卷材", "m2", 48.0),
    ("土工布", "m2", 12.0),
    ("安全文明施工费", "项", 60000.0),
)


@dataclass
class TenderText:
    code: str
    name: str
    days: int  # 工期（日历天）
    clauses: list[str]
    bill: list[tuple[str, str, float, float]]  # item, unit, quantity, reference unit price

    def text(self) -> str:
        lines = [f"{self.name}招标文件", f"标段编号：{self.code}", "第一章 投标人须知"]
        lines += self.clauses
        lines.append(f"计划工期：{self.days}日历天；质量标准：合格；缺陷责任期：24个月；投标有效期：90日历天。")
        lines.append("第二章 工程量清单")
        lines += [f"{i}　{item}　{unit}　{qty:.2f}" for i, (item, unit, qty, _) in enumerate(self.bill, 1)]
        return "\n".join(lines) + "\n"


def tender_text(rng: random.Random, code: str, name: str) -> TenderText:
    bill = [(item, unit, float(rng.randint(20, 3000)), ref) for item, unit, ref in rng.sample(BILL_ITEMS, 10)]
    return TenderText(code, name, rng.choice((90, 120, 150, 180, 240, 300, 365)), rng.sample(TENDER_CLAUSES, 8), bill)


@dataclass
class BidText:
    """One bidder's document as sections of lines; ``errors`` are the planted slips
    (typos, wrong figures, odd formatting) a copier keeps."""

    bidder: str
    sections: dict[str, list[str]] = field(default_factory=dict)
    prices: list[float] = field(default_factory=list)
    typos: tuple[tuple[str, str], ...] = ()
    errors: list[str] = field(default_factory=list)

    def text(self) -> str:
        out = ["目录"] + [f"{i}. {h}" for i, h in enumerate(HEADINGS, 1)]
        for i, heading in enumerate(HEADINGS, 1):
            body = "\n".join(self.sections.get(heading, []))
            for right, wrong in self.typos:
                body = body.replace(right, wrong, 1)  # a habit, not every occurrence
            out += [f"第{'一二三四五'[i - 1]}部分 {heading}", body]
        return "\n".join(out) + "\n"


def sentence(rng: random.Random) -> str:
    detail = rng.choice(DETAILS).format(n=rng.randint(2, 98), machine=rng.choice(MACHINES))
    return f"{rng.choice(SUBJECTS)}{rng.choice(ACTIONS)}{rng.choice(OBJECTS)}，{detail}。"


def bid_text(rng: random.Random, tender: TenderText, bidder: str, template: str | None) -> BidText:
    """An honest bidder's own document: the tender's clauses it must answer, its own
    proposal, schedule and prices."""
    bid = BidText(bidder, typos=tuple(rng.sample(TYPOS, 2)))
    bid.sections["投标函"] = [
        f"致：{tender.name}招标人",
        f"我方{bidder}已仔细研究{tender.name}招标文件，愿按招标文件要求承包本工程。",
        *rng.sample(tender.clauses, 4),
        f"我方承诺工期为{tender.days}日历天，质量标准为合格。",
    ]
    own = [f"{bidder}成立于{rng.randint(1995, 2018)}年，注册资本{rng.randint(1, 50) * 1000}万元。"]
    own += [sentence(rng) for _ in range(3)]
    if template:
        own[1:1] = TEMPLATES[template]
    bid.sections["商务标"] = own
    bid.sections["施工组织设计（技术标）"] = [sentence(rng) for _ in range(rng.randint(22, 32))]
    start = rng.randint(1, 28)
    bid.sections["施工进度计划"] = [
        f"阶段{i}：{phase}，自第{start + i * 7}天起，持续{rng.randint(8, 60)}天。"
        for i, phase in enumerate(rng.sample(PHASES, 4), 1)
    ]
    factor = rng.uniform(0.86, 0.99)
    bid.prices = [round(ref * factor * rng.uniform(0.93, 1.07), 2) for *_, ref in tender.bill]
    bid.sections["报价清单"] = bill_lines(tender, bid.prices)
    return bid


def bill_lines(tender: TenderText, prices: list[float]) -> list[str]:
    lines = ["序号　项目名称　单位　工程量　综合单价　合价"]
    for i, ((item, unit, qty, _), price) in enumerate(zip(tender.bill, prices, strict=True), 1):
        lines.append(f"{i}　{item}　{unit}　{qty:.2f}　{price:.2f}　{qty * price:.2f}")
    return lines


def plant_errors(rng: random.Random, bid: BidText, tender: TenderText) -> None:
    """The source document's slips: a wrong 工期, odd full-width figures and doubled
    punctuation — kept verbatim by a copier."""
    wrong = tender.days + rng.choice((-15, 10, 20, 30))
    bid.sections["投标函"][-1] = f"我方承诺工期为{wrong}日历天，质量标准为合格。"
    tech = bid.sections["施工组织设计（技术标）"]
    odd = sentence(rng).translate(FULL_WIDTH).replace("。", "。。")  # typed with the IME in full-width mode
    tech.insert(rng.randrange(len(tech)), odd)
    bid.errors += [f"工期{wrong}日历天", odd]


def copy_bid(rng: random.Random, source: BidText, tender: TenderText, bidder: str, share: float) -> BidText:
    """A colluder's document built from ``source``: a ``share`` of its proposal and
    schedule copied (with the source's name swapped out), the source's typos and slips
    kept, and unit prices copied or nudged."""
    own = bid_text(rng, tender, bidder, None)
    copied = BidText(bidder, typos=source.typos + own.typos, errors=list(source.errors))
    for heading in HEADINGS:
        theirs = [line.replace(source.bidder, bidder) for line in source.sections[heading]]
        mine = own.sections[heading]
        if heading in ("投标函", "报价清单"):
            copied.sections[heading] = theirs if heading == "投标函" else mine
            continue
        keep = [line for line in theirs if line in source.errors or rng.random() < share]
        copied.sections[heading] = keep + mine[: max(1, int(len(mine) * (1 - share)))]
    copied.prices = [p if rng.random() < share else round(p * rng.uniform(0.99, 1.01), 2) for p in source.prices]
    copied.sections["报价清单"] = bill_lines(tender, copied.prices)
    return copied
