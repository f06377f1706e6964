"""HTML notice bodies → ``Layout``: scripts, styles, comments and hidden elements (inline
``display:none`` or a class that the page's own CSS hides, as watermark and template code
does) are dropped; block elements break lines; table cells keep their spans."""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from bidgraph.extract.layout import Cell, Layout, Table, TextBuilder

_SKIP = {"script", "style", "noscript", "head", "title", "template", "iframe", "svg", "object", "button", "input"}
_BLOCK = {
    "p", "div", "br", "tr", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "section",
    "article", "header", "footer", "table", "tbody", "thead", "blockquote", "pre", "hr", "dd", "dt",
}  # fmt: skip
_HIDDEN_CLASS = re.compile(r"\.([\w-]+)\s*\{[^}]*display\s*:\s*none", re.I)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


def _span(node: LexborNode, name: str) -> int:
    try:
        return max(1, min(int(str(node.attributes.get(name) or "1").strip() or 1), 100))
    except ValueError:
        return 1


class _Walker:
    def __init__(self, hidden_classes: set[str]) -> None:
        self.b = TextBuilder()
        self.hidden = hidden_classes
        self.tables: list[Table] = []
        self.stack: list[Table] = []

    def is_hidden(self, node: LexborNode) -> bool:
        attrs = node.attributes
        if _HIDDEN_STYLE.search(attrs.get("style") or ""):
            return True
        return bool(self.hidden) and bool(set((attrs.get("class") or "").split()) & self.hidden)

    def walk(self, node: LexborNode) -> None:
        for child in node.iter(include_text=True):
            if child.is_text_node:
                self.b.add(child.text(deep=False) or "")
                continue
            tag = child.tag
            if not child.is_element_node or tag in _SKIP or self.is_hidden(child):
                continue
            if tag == "table":
                self.stack.append(Table())
                self.tables.append(self.stack[-1])
                self.walk(child)
                self.stack.pop()
                self.b.breakline()
            elif tag == "tr" and self.stack:
                self.stack[-1].rows.append([])
                self.walk(child)
                self.b.breakline()
            elif tag in ("td", "th") and self.stack and self.stack[-1].rows:
                self.b.breakline("\t") if self.b.last not in "\n\t" else None
                start = self.b.length
                self.walk(child)
                text = self.b.text()[start:] if self.b.length > start else ""
                lead = len(text) - len(text.lstrip())
                cell = Cell(
                    text.strip(),
                    start + lead,
                    start + lead + len(text.strip()),
                    _span(child, "rowspan"),
                    _span(child, "colspan"),
                )
                self.stack[-1].rows[-1].append(cell)
                self.b.breakline("\t")
            else:
                if tag in _BLOCK:
                    self.b.breakline()
                self.walk(child)
                if tag in _BLOCK:
                    self.b.breakline()


def layout_from_html(html: str) -> Layout:
    tree = LexborHTMLParser(html)
    hidden: set[str] = set()
    for style in tree.css("style"):
        hidden.update(_HIDDEN_CLASS.findall(style.text() or ""))
    walker = _Walker(hidden)
    root = tree.body or tree.root
    if root is not None:
        walker.walk(root)
    return Layout(walker.b.text(), walker.tables)
