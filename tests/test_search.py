"""Search finds what investigators type, on the committed sample: a company name with
brackets, spaces, punctuation or legal form written any way, pinyin, initials, a typo;
a person by name or ID number; certificates, phones, addresses and upload IPs."""

from __future__ import annotations

from pathlib import Path

import pytest

from bidgraph.loaders import load_paths
from bidgraph.services.name_match import core_name, match_name, pinyin_forms
from bidgraph.services.search import search
from bidgraph.viewer import DEMO_VIEWER

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
JINDA = "91410202A4351A588G"  # 河南（开封）锦达建设工程有限公司 in the generated sample
FUZI = "付子"  # its project manager, certificate 豫141220000001


@pytest.fixture(scope="module")
def sample(store, data_dir):
    report = load_paths(store, sorted(SAMPLE.glob("*.csv")), actor="test", data_dir=data_dir)
    assert report.written, report.summary()
    return store


def test_core_name_ignores_brackets_spaces_punctuation_and_legal_form():
    forms = ["河南（信阳）博航有限责任公司", "河南(信阳)博航有限公司", "河南 信阳 博航", "河南·信阳·博航公司"]
    assert {core_name(f) for f in forms} == {"河南信阳博航"}
    assert pinyin_forms("河南博航") == ("henanbohang", "hnbh")
    assert match_name("河南信阳博航", "北京东方建设有限公司") is None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("河南(开封)锦达", "名称包含"),
        ("河南开封锦达", "名称包含"),
        ("河南 开封 锦达", "名称包含"),
        ("河南（开封）锦达建设工程有限责任公司", "名称相同"),
        ("hnkfjdjsgc", "拼音首字母"),
        ("kaifengjinda", "拼音"),
        ("河南开封锦达建没工程", "名称相近"),
        ("豫141220000001", "证书编号"),
        ("0371-59383030", "电话"),
        ("115.167.222.49", "投标上传IP"),
    ],
)
def test_company_variants_find_the_company_with_a_reason(sample, text, reason):
    hits = [h for h in search(sample, text, DEMO_VIEWER) if h.label == "Company" and h.key == JINDA]
    assert hits, f"{text} did not find {JINDA}"
    assert reason in hits[0].reason


def test_company_ranks_first_for_its_own_name(sample):
    companies = [h for h in search(sample, "河南 开封 锦达建设", DEMO_VIEWER) if h.label == "Company"]
    assert companies[0].key == JINDA


@pytest.mark.parametrize("text", ["付子", "410225199105128090", "豫141220000001", "15167468829", "杞县韶山路293号12栋"])
def test_person_by_name_id_certificate_phone_address(sample, text):
    people = [h for h in search(sample, text, DEMO_VIEWER) if h.label == "Person" and h.name == FUZI]
    assert people, text
    assert "410225199105128090" not in people[0].detail  # the ID stays masked


def test_a_partial_phone_number_finds_nobody(sample):
    """The graph keeps phones only as hashes of the whole number (bidgraph.protected)."""
    assert not [h for h in search(sample, "1516746", DEMO_VIEWER) if h.reason.startswith("电话")]


@pytest.mark.parametrize("text", ["4109812217172583686", "4109 8122 1717 2583 686"])
def test_a_bank_account_finds_the_bidder_whose_deposit_it_paid(sample, text):
    """Accounts are hashed in the graph like phones: the typed number is hashed and matched whole."""
    hits = [h for h in search(sample, text, DEMO_VIEWER) if h.key == JINDA]
    assert hits and hits[0].reason.startswith("保证金账户"), hits
    assert "4109812217172583686" not in hits[0].reason  # shown masked
    assert not [h for h in search(sample, "41098122171725", DEMO_VIEWER) if h.reason.startswith("保证金账户")]
