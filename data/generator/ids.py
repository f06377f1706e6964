"""Identifiers with valid check characters (USCC: GB 32100, ID number: GB 11643) and the
other identifiers a bid file carries, each unique unless a scheme deliberately shares it."""

from __future__ import annotations

import random
from functools import cache

from stdnum import numdb

from bidgraph.data.generator.places import CITIES, City

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_IP_FIRST = (
    1,
    27,
    36,
    42,
    58,
    59,
    60,
    61,
    101,
    106,
    110,
    111,
    113,
    115,
    116,
    117,
    119,
    120,
    123,
    125,
    171,
    175,
    182,
    183,
    202,
    218,
    219,
    220,
    221,
    222,
    223,
)


def uscc_check(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def org_code_check(first8: str) -> str:
    """Check character of the 9-character organization code (GB 11714) inside a USCC."""
    value = 11 - sum(_ORG_ALPHABET.index(c) * w for c, w in zip(first8, _ORG_WEIGHTS, strict=True)) % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def id_check(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11]


def mask_id(number: str) -> str:
    """How published notices show an ID number: birth year and month kept, the rest starred."""
    return number[:12] + "******"


@cache
def _code_years(prefix: str) -> tuple[tuple[str, int, int], ...]:
    """(division code, first year, last year) of every county code under a city prefix,
    read from python-stdnum's own table so every ID number we make validates there."""
    out = []
    table = numdb.get("cn/loc")
    for k in range(100):
        info = {key: v for _, props in table.info(f"{prefix}{k:02d}") for key, v in props.items()}
        for county in info.get("county", "").split(","):
            if county.startswith("["):
                start, end = county[1:].split("]")[0].split("-")
                out.append((f"{prefix}{k:02d}", int(start or 1900), int(end or 2100)))
            elif county:
                out.append((f"{prefix}{k:02d}", 1900, 2100))
    return tuple(out)


@cache
def birth_codes(city: City, year: int) -> tuple[str, ...]:
    """Division codes valid for a birth year: the city's own if any, else its province's."""
    own = tuple(code for code, a, b in _code_years(city.counties[0][0][:4]) if a <= year <= b)
    if own:
        return own
    peers = (c for c in CITIES if c.province == city.province and c is not city)
    return tuple(code for c in peers for code, a, b in _code_years(c.counties[0][0][:4]) if a <= year <= b)


class Ids:
    """Draws identifiers from one seeded RNG and remembers them so none repeats by chance."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def unique(self, draw) -> str:  # type: ignore[no-untyped-def]
        while True:
            value = draw()
            if value not in self.used:
                self.used.add(value)
                return value

    def uscc(self, division: str, kind: str = "91") -> str:
        """``kind``: 91 enterprise, 11 government organ, 12 public institution, 52 social organization."""

        def draw() -> str:
            org8 = "".join(self.rng.choice(USCC_ALPHABET[:10] + "MA") for _ in range(8))
            body = f"{kind}{division}{org8}{org_code_check(org8)}"
            return body + uscc_check(body)

        return self.unique(draw)

    def id_number(self, city: City, birth_year: int, female: bool) -> str:
        def draw() -> str:
            rng = self.rng
            seq = rng.randrange(0, 100) * 10 + rng.choice((0, 2, 4, 6, 8) if female else (1, 3, 5, 7, 9))
            birthday = f"{birth_year}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
            body = f"{rng.choice(birth_codes(city, birth_year))}{birthday}{seq:03d}"
            return body + id_check(body)

        return self.unique(draw)

    def mobile(self) -> str:
        prefix = self.rng.choice(
            ("135", "136", "137", "138", "139", "150", "151", "158", "159", "177", "186", "187", "188", "199")
        )
        return self.unique(lambda: prefix + f"{self.rng.randrange(10**8):08d}")

    def landline(self, city: City) -> str:
        return self.unique(lambda: f"{city.area_code}-{self.rng.randint(55000000, 69999999)}")

    def ip(self) -> str:
        r = self.rng
        return self.unique(lambda: f"{r.choice(_IP_FIRST)}.{r.randrange(256)}.{r.randrange(256)}.{r.randint(2, 254)}")

    def hex(self, n: int) -> str:
        return self.unique(lambda: f"{self.rng.getrandbits(4 * n):0{n}X}")

    def mac(self) -> str:
        raw = self.hex(12)
        return "-".join(raw[i : i + 2] for i in range(0, 12, 2))

    def digits(self, n: int, prefix: str = "") -> str:
        return self.unique(lambda: prefix + "".join(str(self.rng.randrange(10)) for _ in range(n - len(prefix))))

    def disk_serial(self) -> str:
        vendor = self.rng.choice(("WD-WCC", "S4EW", "ZA", "Z9A"))
        return self.unique(lambda: vendor + f"{self.rng.getrandbits(40):010X}")


def mac_variant(mac: str, rng: random.Random) -> str:
    """The same MAC as another bid file would print it (colons, lower case)."""
    return mac.replace("-", ":").lower() if rng.random() < 0.5 else mac.replace("-", "")


def phone_variant(phone: str, rng: random.Random) -> str:
    """The same mobile written another way (+86 prefix, dashes or spaces)."""
    if "-" in phone or len(phone) != 11:
        return phone
    form = rng.randrange(3)
    if form == 0:
        return f"+86 {phone[:3]} {phone[3:7]} {phone[7:]}"
    if form == 1:
        return f"{phone[:3]}-{phone[3:7]}-{phone[7:]}"
    return f"+86{phone}"
