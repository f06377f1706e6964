"""The spaCy pipeline, fully offline: ``spacy.blank("zh")`` segmented by jieba (a PyPI
package with its dictionary inside; nothing is downloaded), an EntityRuler for the role and
field words of notices, and one custom component that adds the pattern entities of
``patterns.py`` and the person names of personnel lists.

Entities carry their exact character offsets in ``span._.exact`` (token alignment may widen
a span by a neighbouring character; provenance must not).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from bidgraph.extract.patterns import find_entities
from bidgraph.extract.personnel import person_items

ROLE_WORDS = (
    "项目负责人", "项目经理", "技术负责人", "项目技术负责人", "施工员", "质量员", "质检员", "安全员", "专职安全员",
    "材料员", "资料员", "机械员", "劳务员", "标准员", "造价员", "预算员", "总监理工程师", "总监理工程师代表",
    "专业监理工程师", "安全监理工程师", "监理员", "设计负责人", "勘察负责人", "项目总工", "委托代理人", "法定代表人",
)  # fmt: skip
FIELD_WORDS = ("招标人", "招标机构", "招标代理机构", "代理机构", "采购人", "中标人", "中标候选人", "中标价", "投标报价")

if not Span.has_extension("exact"):
    Span.set_extension("exact", default=None)


@Language.component("notice_entities")
def notice_entities(doc: Doc) -> Doc:
    """Pattern entities (certificates, IDs, amounts, rates, dates, phones, document numbers,
    companies) and, in a personnel list, the person names; existing ruler entities stay
    unless a longer pattern entity covers them."""
    personnel = bool(doc.user_data.get("personnel"))
    spans = list(doc.ents)
    found = find_entities(doc.text, certificates=personnel)
    if personnel:
        found += [(s, e, "PERSON") for s, e, kind in person_items(doc.text, found) if kind == "name"]
    for s, e, label in found:
        span = doc.char_span(s, e, label=label, alignment_mode="expand")
        if span is not None:
            span._.exact = (s, e)
            spans.append(span)
    doc.ents = filter_spans(spans)
    return doc


class _DictionarySegmenter:
    """jieba without its HMM new-word guesser: entities here come from patterns, not from the
    segmentation, and the HMM pass costs a third of the pipeline's time."""

    @staticmethod
    def cut(text: str, cut_all: bool = False) -> Iterable[str]:
        import jieba

        return jieba.cut(text, cut_all=cut_all, HMM=False)


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """The shared pipeline (jieba loads its dictionary once, ~1–2 s)."""
    import jieba

    jieba.setLogLevel(60)  # its "Building prefix dict" chatter is not for users
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    nlp.tokenizer.jieba_seg = _DictionarySegmenter()
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "ROLE", "pattern": w} for w in ROLE_WORDS])
    ruler.add_patterns([{"label": "FIELD", "pattern": w} for w in FIELD_WORDS])
    nlp.add_pipe("notice_entities")
    return nlp


def annotate(texts: Iterable[tuple[str, bool]]) -> list[Doc]:
    """Run the pipeline over (text, is_personnel_list) pairs."""
    nlp = get_nlp()
    docs = []
    for text, personnel in texts:
        doc = nlp.make_doc(text)
        doc.user_data["personnel"] = personnel
        for _, proc in nlp.pipeline:
            doc = proc(doc)
        docs.append(doc)
    return docs


def cell_entities(texts: list[str], personnel: bool = True) -> list[list[tuple[int, int, str]]]:
    """Entities of many short texts (the cells of one notice) from ONE pipeline run over them
    joined by line breaks — a Doc per cell costs more than the text itself; offsets come back
    relative to each text."""
    if not texts:
        return []
    joined = "\n".join(t.replace("\n", " ") for t in texts)
    found = entities(annotate([(joined, personnel)])[0])
    out: list[list[tuple[int, int, str]]] = [[] for _ in texts]
    starts, at = [], 0
    for t in texts:
        starts.append(at)
        at += len(t) + 1
    i = 0
    for s, e, label in found:
        while i + 1 < len(starts) and s >= starts[i + 1]:
            i += 1
        if e <= starts[i] + len(texts[i]):
            out[i].append((s - starts[i], e - starts[i], label))
    return out


def entities(doc: Doc) -> list[tuple[int, int, str]]:
    """(start, end, label) with exact offsets, in text order."""
    out = []
    for ent in doc.ents:
        s, e = ent._.exact or (ent.start_char, ent.end_char)
        out.append((s, e, ent.label_))
    return sorted(out)
