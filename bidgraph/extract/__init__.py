"""Reading published notices (中标候选人公示, 中标结果公告) into facts with provenance."""

from __future__ import annotations

from bidgraph.extract.model import BidFact, Extraction, Fact, PersonFact
from bidgraph.extract.reader import Notice, read_notice_file, read_notices


def extract(notice: Notice) -> Extraction:
    """Facts of one notice; offsets refer to ``notice.text``."""
    # imported here: it loads the spaCy pipeline (~4 CPU-s), which reading files (a load
    # asks every .json file whether it holds notices) does not need
    from bidgraph.extract.assemble import assemble

    ex = assemble(notice.layout, notice.title)
    if ex.tender_name is None and notice.title:
        ex.tender_name = _title_name(notice)
    ex.date = ex.date or notice.date or None
    return ex


def _title_name(notice: Notice) -> Fact | None:
    import re

    name = re.sub(
        r"(的)?(中标候选人公示|中标结果公告|中标公告|成交结果公告|成交公告|结果公示|中标结果公示)$", "", notice.title
    )
    if not name or name == notice.title:
        return None
    at = notice.text.find(name)
    return Fact(name, at, at + len(name) if at >= 0 else -1)  # -1: from the title, not the body


__all__ = ["BidFact", "Extraction", "Fact", "Notice", "PersonFact", "extract", "read_notice_file", "read_notices"]
