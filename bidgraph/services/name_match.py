"""Match names the way investigators type them: brackets, spaces, punctuation and legal
forms written either way, pinyin and pinyin initials, and small typos.

Pure Python over a list of (key, name) candidates; the search service fetches them."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from pypinyin import Style, lazy_pinyin
from rapidfuzz import fuzz

# Longest first: 有限责任公司 must go before 有限公司 and 公司.
_LEGAL_FORMS = (
    "股份有限公司",
    "有限责任公司",
    "集团有限公司",
    "有限公司",
    "集团公司",
    "分公司",
    "公司",
)
_NOT_WORD = re.compile(r"[\W_]+")
_ASCII_LETTERS = re.compile(r"^[a-z]+$")
TYPO_CUTOFF = 80.0  # rapidfuzz partial_ratio: one wrong character in six scores 83
TYPO_SCORE = 80.0  # matches scoring below this are typo guesses (score × 0.7)


def squash(text: str) -> str:
    """NFKC, then only letters and digits (brackets, spaces, punctuation gone), upper case."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", text)).upper()


def core_name(text: str) -> str:
    """``squash`` without a trailing legal form: 博航建设有限责任公司 and 博航建设有限公司 agree."""
    value = squash(text)
    for form in _LEGAL_FORMS:
        if value.endswith(form) and len(value) > len(form):
            return value[: -len(form)]
    return value


@lru_cache(maxsize=50_000)
def pinyin_forms(name: str) -> tuple[str, str]:
    """(full pinyin, initials) in lower case: 河南博航 -> ("henanbohang", "hnbh")."""
    chars = squash(name)
    full = "".join(lazy_pinyin(chars, style=Style.NORMAL, errors="ignore")).lower()
    initials = "".join(lazy_pinyin(chars, style=Style.FIRST_LETTER, errors="ignore")).lower()
    return full, initials


@dataclass(frozen=True)
class NameMatch:
    score: float  # 100 = same name; used to order results
    reason: str  # why it matched, in Chinese, shown to the user


@dataclass(frozen=True)
class NameForms:
    """A name's normalised forms, computed once (the search index keeps these per data version)."""

    name: str
    squashed: str
    core: str

    @classmethod
    def of(cls, name: str) -> NameForms:
        return cls(name, squash(name), core_name(name))


def match_name(query: str, name: str) -> NameMatch | None:
    """How ``query`` matches ``name``, or None. Exact before substring before pinyin before typo."""
    if not query.strip() or not name:
        return None
    return match_forms(NameForms.of(query), NameForms.of(name))


def match_forms(query: NameForms, name: NameForms) -> NameMatch | None:
    """``match_name`` on forms computed beforehand (the query's once per search, the names' once per load)."""
    q_core, n_core = query.core, name.core
    if not q_core or not name.name:
        return None
    if q_core == n_core:
        return NameMatch(100.0, "名称相同（忽略括号、空格、标点和公司类型）")
    if q_core in name.squashed:
        return NameMatch(90.0, "名称包含所输入文字（忽略括号、空格和标点）")
    lowered = q_core.lower()
    if _ASCII_LETTERS.match(lowered) and len(lowered) >= 2:
        full, initials = pinyin_forms(name.name)
        if lowered == initials or (len(lowered) >= 3 and lowered in initials):
            return NameMatch(80.0, f"拼音首字母 {initials.upper()}")
        if len(lowered) >= 4 and lowered in full:
            return NameMatch(80.0, "拼音包含所输入文字")
        return None
    if len(q_core) >= 4 and len(n_core) >= len(q_core) - 1:  # a short name inside a long query is no typo
        score = fuzz.partial_ratio(q_core, n_core)
        if score >= TYPO_CUTOFF:
            return NameMatch(score * 0.7, f"名称相近（相似度 {score:.0f}%，可能有错别字）")
    return None
