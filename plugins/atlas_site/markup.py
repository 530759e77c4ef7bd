"""Markdown bodies to safe HTML: contributed raw HTML passes an allow-list (nh3), never a script."""

from __future__ import annotations

import markdown
import nh3

_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "dd",
    "del",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "ins",
    "li",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "small",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
}
_ATTRIBUTES = {"a": {"href", "title", "hreflang"}, "abbr": {"title"}, "th": {"scope"}, "*": {"lang", "dir"}}


class MarkdownRenderer:
    """One renderer per build: Markdown with tables and definition lists, then sanitised."""

    def __init__(self):
        self._md = markdown.Markdown(extensions=["tables", "def_list", "abbr", "sane_lists"], output_format="html")
        self._rendered: dict[str, str] = {}  # a body is shown on its page and on every list: rendered once

    def render(self, text: str) -> str:
        if text not in self._rendered:
            self._md.reset()
            html = self._md.convert(text)
            self._rendered[text] = nh3.clean(
                html, tags=_TAGS, attributes=_ATTRIBUTES, url_schemes={"http", "https", "mailto"}, link_rel=None
            )
        return self._rendered[text]
