"""Personnel cells of notices: ``姓名,证书类别,证书编号`` repeated, with the separators real
pages use (, ， 、 / ; and spaces). Names are told from certificate-type words by the shape of a
Chinese name (a known surname and one to three more characters) and by not being a type word."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bidgraph.certnumbers import id_kind
from bidgraph.extract.model import Fact, PersonFact

# Common surnames (single and compound); a name must start with one of them.
_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施"
    "文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷"
    "盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷"
    "晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆"
    "乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阎戈揭涂利邸桑权逯盖后桓公井望禹宰祖浦代"
)
_COMPOUND = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "令狐", "端木", "西门")
_NOT_NAME = re.compile(
    r"证|师$|员$|证书|其他|职称|^无|级|工程|注册|岗位|专业|编号|类别|负责|经理|主管|人员|资格|合格|安全|技术|高工|详见"
)
_NAME = re.compile(r"[\u4e00-\u9fff]{2,4}(?:·[\u4e00-\u9fff]{1,6})?")
# A space between two letters/digits is part of a number as printed (E3 00028764), not a separator.
_SEP = re.compile(r"[,，、/;；\n]+\s*|(?<![A-Za-z0-9])\s+|\s+(?![A-Za-z0-9])|(?:证书)?编[号码][:：]|[:：]")
_TRAILING_NOTE = re.compile(r"[（(][^）)]*[）)]$")
_CERT_LABELS = {"CERT", "CERT_BUILDER", "CERT_SAFETY", "CERT_QUAL"}


def is_name(item: str) -> bool:
    if not _NAME.fullmatch(item) or _NOT_NAME.search(item):
        return False
    return item[0] in _SURNAMES or item.startswith(_COMPOUND)


def _plain_kind(text: str, start: int, end: int, prev: str) -> str:
    item = text[start:end]
    if is_name(item):
        return "name"
    digits = sum(ch.isdigit() for ch in item)
    if id_kind(re.sub(r"^[A-Za-z]", "", item)):  # an ID number, even with a stray letter before it
        return "id"
    if digits >= 5:  # in a personnel list, a long code is a certificate number
        return "cert"
    # Rare surnames: a name-shaped item opening the cell or following a number, before a comma.
    opens_group = prev in ("", "cert", "id") and text[end : end + 1] in (",", "，")
    if opens_group and _NAME.fullmatch(item) and not _NOT_NAME.search(item):
        return "name"
    return "type"


def person_items(text: str, entities: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Items of a personnel cell as (start, end, kind): kind is 'name', 'type', 'cert' or 'id'."""
    items: list[tuple[int, int, str]] = []
    pos = 0
    ents = {s: (e, label) for s, e, label in entities}
    cuts = [(m.start(), m.end()) for m in _SEP.finditer(text)] + [(len(text), len(text))]
    for cs, ce in cuts:
        while pos < cs:
            if pos in ents and ents[pos][0] <= len(text):  # an entity is one item even if it holds a separator
                end, label = ents[pos]
                kind = {"ID": "id", "PERSON": "name"}.get(label) or ("cert" if label in _CERT_LABELS else "type")
                if label not in ("DOCNO", "PHONE", "DATE", "MONEY"):
                    items.append((pos, end, kind))
                pos = end
                continue
            end = cs
            if text[pos:end].strip("()（）"):
                items.append((pos, end, _plain_kind(text, pos, end, items[-1][2] if items else "")))
            pos = end
        pos = max(pos, ce)
    return items


@dataclass
class Person:
    name: str
    start: int
    end: int
    types: list[str] = field(default_factory=list)
    certificates: list[tuple[str, int, int]] = field(default_factory=list)
    ids: list[tuple[str, int, int]] = field(default_factory=list)

    def fact(self, role: str, offset: int) -> PersonFact:
        """This person as a fact of the notice: spans moved from the cell to the notice text."""
        return PersonFact(
            Fact(self.name, offset + self.start, offset + self.end),
            role,
            [Fact(v, offset + s, offset + e) for v, s, e in self.certificates],
            [Fact(v, offset + s, offset + e) for v, s, e in self.ids],
            self.types,
        )


def parse_personnel(text: str, entities: list[tuple[int, int, str]]) -> list[Person]:
    """People of one personnel cell, each with type words, certificate numbers and IDs."""
    people: list[Person] = []
    for s, e, kind in person_items(text, entities):
        value = text[s:e]
        if kind == "name":
            people.append(Person(value, s, e))
        elif not people:
            continue  # a number before any name belongs to nobody
        elif kind == "cert":  # the number as issued: no inner spaces, no trailing (工程师) note
            people[-1].certificates.append((_TRAILING_NOTE.sub("", value).replace(" ", ""), s, e))
        elif kind == "id":
            people[-1].ids.append((value, s, e))
        else:
            people[-1].types.append(value)
    return people
