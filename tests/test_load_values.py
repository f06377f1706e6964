"""Cell parsers and identifier normalization used by the loaders."""

from __future__ import annotations

import pytest

from bidgraph.loaders import identity, normalize


@pytest.mark.parametrize(
    "value",
    ["2024-01-02", "2024/1/2", "2024.1.2", "2024年1月2日", "20240102", 45293, "45293", " 2024 年 1 月 2 日 "],
)
def test_chinese_date_forms(value: object) -> None:
    assert normalize.parse_date(value) == "2024-01-02"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-01-02 09:30", "2024-01-02T09:30:00"),
        ("2024/1/2 9:30:15", "2024-01-02T09:30:15"),
        ("2024年1月2日 9时30分", "2024-01-02T09:30:00"),
        ("2024-01-02T09:30:00", "2024-01-02T09:30:00"),
        (45293.40625, "2024-01-02T09:45:00"),
    ],
)
def test_datetimes(value: object, expected: str) -> None:
    assert normalize.parse_datetime(value) == expected


@pytest.mark.parametrize("value", ["2024-02-30", "2024/13/1", "明年", "2024-01-02 25:00"])
def test_bad_dates(value: str) -> None:
    with pytest.raises(ValueError):
        normalize.parse_datetime(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1,234.56", (1234.56, None)),
        ("1234.56元", (1234.56, None)),
        ("123.4万元", (1234000.0, None)),
        ("￥1，000", (1000.0, None)),
        (9850000, (9850000.0, None)),
        ("按收费标准的50%计取", (None, "按收费标准的50%计取")),
        ("下浮率3%", (None, "下浮率3%")),
    ],
)
def test_money(value: object, expected: tuple[float | None, str | None]) -> None:
    assert normalize.parse_money(value) == expected


@pytest.mark.parametrize("value", ["-5", "12abc", "1.2.3"])
def test_bad_money(value: str) -> None:
    with pytest.raises(ValueError):
        normalize.parse_money(value)


def test_identity_numbers() -> None:
    assert normalize.parse_uscc(" 91410100ma3x000008 ") == "91410100MA3X000008"
    assert normalize.parse_id_number("410521199007010014") == ("410521199007010014", False)
    assert normalize.parse_id_number("420521199007******") == ("420521199007******", True)
    # full-width digits, Ｘ and ＊ (Chinese input modes) are the same codes, never a crash later
    assert normalize.parse_id_number("４１０５２１１９９００７０１００１４") == ("410521199007010014", False)
    assert normalize.parse_id_number("４２０５２１１９９００７＊＊＊＊＊＊") == ("420521199007******", True)
    assert normalize.parse_uscc("９１４１０１００ＭＡ３Ｘ０００００８") == "91410100MA3X000008"

    for bad in ("91410100MA3X000001", "9141010"):
        with pytest.raises(ValueError):
            normalize.parse_uscc(bad)
    for bad in ("410521199007010015", "41052119900701001", "4205211990**01001X1"):
        with pytest.raises(ValueError):
            normalize.parse_id_number(bad)


def test_full_width_identifiers_are_the_same_identifiers() -> None:
    # a shared phone, account, IP or device typed full-width must link to its ASCII twin
    for label, full, ascii_ in (
        ("Phone", "１３８ ００１３ ８０００", "13800138000"),
        ("Email", "ＺＨＡＮＧ＠ｅｘａｍｐｌｅ．ｃｏｍ", "zhang@example.com"),
        ("IP", "１９２．１６８．１．１", "192.168.1.1"),
        ("BankAccount", "６２２２ ０２１２ ３４５６", "622202123456"),
    ):
        assert identity.identifier(label, full) == identity.identifier(label, ascii_), label
    mac = "ＡＡ－ＢＢ－ＣＣ－ＤＤ－ＥＥ－ＦＦ"
    assert identity.device_key("mac", mac) == identity.device_key("mac", "aa:bb:cc:dd:ee:ff")
    assert identity.device_key("disk", "ｗｄ－１２ ３") == identity.device_key("disk", "WD-123")


def test_person_keys_and_confidence() -> None:
    full = identity.person_key("410521199007010014", False, "张伟")
    assert full[0].startswith("id:") and len(full[0]) == 27 and full[1] == "high"
    assert identity.person_key("420521199007******", True, "王芳") == ("masked:王芳|420521199007******", "medium")
    assert identity.person_key(None, False, "孙强", "豫141000000001") == ("name:孙强|豫141000000001", "low")


def test_company_names_and_identifiers() -> None:
    assert identity.org_key(None, "郑州（中原） 路桥有限责任公司") == identity.org_key(None, "郑州(中原)路桥有限公司")
    assert identity.org_key("91410100ma3x000008", "随便") == "91410100MA3X000008"
    assert normalize.phone("+86 138-0013-8000") == normalize.phone("13800138000") == "13800138000"
    assert normalize.phone("0086-371-66881234") == normalize.phone("0371-66881234") == "037166881234"
    assert normalize.mac("aa:bb:cc:dd:ee:ff") == normalize.mac("AA-BB-CC-DD-EE-FF") == "AABBCCDDEEFF"
    assert normalize.ip(" 010.1.2.3".replace("010", "10")) == "10.1.2.3"
    assert normalize.bank_account("6222 0000-1111 2222") == "6222000011112222"
    assert identity.device_key("dongle", " dg 1001 ") == ("dongle:DG1001", "DG1001")


@pytest.mark.parametrize(
    ("value", "formula"),
    [
        ("=1+2", True),
        ("@SUM(A1)", True),
        ("+cmd|' /C calc'!A0", True),
        ('=HYPERLINK("x")', True),
        ("+86 138 0013 8000", False),
        ("-5", False),
        ("a=b", False),
        ("—", False),
    ],
)
def test_formula_detection(value: str, formula: bool) -> None:
    assert normalize.is_formula(value) is formula
