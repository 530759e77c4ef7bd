"""What Pagefind reads of a page: the document it is given instead of the whole page.

The theme puts every Pagefind attribute on or inside `<main>`: data-pagefind-body on it, the `url`, `kind` and
`country` metadata on it and inside it, data-pagefind-ignore inside it; and Pagefind takes a page's language
from its `<html>` tag and its title from the first `<h1>`, inside `<main>`. A page's index document is that
start tag and that element, nothing else: Pagefind makes the same bundle from it as from the page (a test
compares the two), the header, footer and head are not parsed once per indexed page, and the search's cache is
keyed on it, so a change to them (a template's, a catalogue's) does not index every page again.
"""

from __future__ import annotations

import hashlib

_HEAD = b'<head><meta charset="utf-8"></head><body>'


def index_document(page: bytes) -> bytes:
    """The `<html>` start tag and the `<main>` element of page, as a document; page itself when it has no such
    element, so nothing a page holds is lost to the index."""
    html = page.find(b"<html")
    main = _main_start(page)
    end = page.rfind(b"</main>")
    if html < 0 or main < 0 or end < main:
        return page
    html_end = page.find(b">", html) + 1
    return b"<!DOCTYPE html>\n" + page[html:html_end] + _HEAD + page[main : end + len(b"</main>")] + b"</body></html>\n"


def index_digest(page: bytes) -> str:
    """sha256 of page's index document: what the search compares between builds."""
    return hashlib.sha256(index_document(page)).hexdigest()


def _main_start(page: bytes) -> int:
    """Where the `<main>` element starts (not an element whose name starts with "main"), or -1."""
    start = page.find(b"<main")
    while start >= 0 and page[start + 5 : start + 6] not in (b">", b" ", b"\n", b"\t", b"/"):
        start = page.find(b"<main", start + 5)
    return start
