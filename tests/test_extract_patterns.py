"""Entity patterns of notices: each with positives and the look-alikes it must refuse.
All numbers here are invented (valid shapes, no real person's certificate)."""

from __future__ import annotations

from datetime import date

import pytest

from bidgraph.extract.consortium import split_consortium
from bidgraph.extract.nlp import annotate, entities
from bidgraph.extract.patterns import builder_ok, find_entities, id_kind
from bidgraph.extract.personnel import parse_personnel


def labels(text: str, personnel: bool = False) -> list[tuple[str, str]]:
    return [(text[s:e], label) for s, e, label in find_entities(text, certificates=personnel)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("证书编号：豫141151234567", ("豫141151234567", "CERT_BUILDER")),
        ("湘243199876543、", ("湘243199876543", "CERT_BUILDER")),
        ("鄂建安B(2021)0012345", ("鄂建安B(2021)0012345", "CERT_SAFETY")),
        ("湘建安C3（2023）0004567", ("湘建安C3（2023）0004567", "CERT_SAFETY")),
        ("豫水安B20190000123", ("豫水安B20190000123", "CERT_SAFETY")),
        ("建筑工程施工总承包贰级/D241234567", ("D241234567", "CERT_QUAL")),
        ("身份证：410105199203******", ("410105199203******", "ID")),
        ("4101051********2345", ("4101051********2345", "ID")),
        ("下浮率12.50%", ("下浮率12.50%", "RATE")),
        ("报价 1,234,567.80 元", ("1,234,567.80 元", "MONEY")),
        ("报价123.4万元", ("123.4万元", "MONEY")),
        ("公示期：2025年3月4日至", ("2025年3月4日", "DATE")),
        ("推荐中标候选人为豫中建设工程有限公司。", ("豫中建设工程有限公司", "COMPANY")),
    ],
)
def test_entity_positives(text: str, expected: tuple[str, str]) -> None:
    assert expected in labels(text)


def test_builder_number_sanity_checks() -> None:
    today = date(2025, 6, 1)
    assert builder_ok("豫141151234567", today)
    assert not builder_ok("豫142151234567", today)  # 42 is 鄂's code, not 豫's
    assert not builder_ok("豫141991234567", today)  # registered "in 2099"
    assert not builder_ok("豫141011234567", today)  # before the register opened
    assert labels("豫142151234567") == []


def test_look_alikes_are_not_certificates_or_prices() -> None:
    assert labels("豫人社职[2022]9号") == [("豫人社职[2022]9号", "DOCNO")]
    assert labels("张某,职称证,豫人社职[2022]9号", personnel=True) == [("豫人社职[2022]9号", "DOCNO")]
    assert labels("投诉电话 0371-6688123") == [("0371-6688123", "PHONE")]
    assert labels("联系电话：13912345678") == [("13912345678", "PHONE")]
    assert id_kind("410105199203******") == "masked"
    assert id_kind("豫2422****582") is None  # a masked certificate, not an ID
    assert id_kind("410105199203011234") == "id"  # a mistyped ID is still an identity number
    assert id_kind("202011059420001954") is None  # 18 digits without a birth date: a certificate


def test_personnel_cell_with_several_people_ids_and_doc_numbers() -> None:
    text = (
        "王小明,注册二级建造师·建筑工程、安全生产考核合格证(B证),豫141151234567、豫建安B(2021)0012345、"
        "李华,其他,410105199203******、赵一,职称证,豫人社职[2022]9号"
    )
    doc = annotate([(text, True)])[0]
    people = parse_personnel(text, entities(doc))
    assert [p.name for p in people] == ["王小明", "李华", "赵一"]
    assert [c[0] for c in people[0].certificates] == ["豫141151234567", "豫建安B(2021)0012345"]
    assert people[1].certificates == [] and [i[0] for i in people[1].ids] == ["410105199203******"]
    assert people[2].certificates == []  # the approval document number is not his certificate
    assert {e.label_ for e in doc.ents} >= {"PERSON", "CERT_BUILDER", "CERT_SAFETY", "ID", "DOCNO"}


def test_number_printed_with_a_space_and_a_note() -> None:
    text = "周某某,其他,E3 00012345（工程师）"
    (person,) = parse_personnel(text, find_entities(text, certificates=True))
    assert [c[0] for c in person.certificates] == ["E300012345"]


def test_consortium_split() -> None:
    assert split_consortium("甲乙建设工程有限公司、丙丁设计研究院有限公司联合体") == [
        "甲乙建设工程有限公司",
        "丙丁设计研究院有限公司",
    ]
    assert split_consortium("甲乙建设工程有限公司（牵头人）与丙丁设计研究院有限公司") == [
        "甲乙建设工程有限公司",
        "丙丁设计研究院有限公司",
    ]
    assert split_consortium("甲乙建设工程有限公司") == []
