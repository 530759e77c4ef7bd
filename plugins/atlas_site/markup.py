"""Markdown bodies to safe HTML: contributed raw HTML passes an allow-list (nh3), never a script."""

from __future__ import annotations

import hashlib
import marshal
import re
from importlib.metadata import version
from pathlib import Path

import markdown
import nh3
from atlas_records import text_markup
from atlas_records.text_markup import ATTRIBUTES, TAGS
from markdown.inlinepatterns import SubstituteTagInlineProcessor

from .kept_by_key import write_cache_file

# A link to another page of the atlas in a Markdown text: [la Saline](atlas:centres/saline-royale-arc-et-senans).
# The rendered body keeps it as written (it is the same in every language); link_atlas_pages makes it the
# page's address in the reader's language, and `invoke check` reports a link to a page the atlas does not have.
LINK_SCHEME = text_markup.ATLAS_SCHEME.removesuffix(":")
_ATLAS_HREF = re.compile(f'href="{LINK_SCHEME}:([^"#]*)(#[^"]*)?"')


def link_atlas_pages(html: str, url_of) -> str:
    """Replace each atlas: link of a rendered body by url_of(*parts of its path) (and its #fragment)."""
    if f'href="{LINK_SCHEME}:' not in html:
        return html
    return _ATLAS_HREF.sub(
        lambda m: f'href="{url_of(*[p for p in m.group(1).split("/") if p])}{m.group(2) or ""}"', html
    )


FEW_PAGES = 20  # a build rendering no more pages than this converts their bodies instead of reading the cache


class BackslashLineBreaks(markdown.Extension):
    """A backslash at the end of a line breaks the line, as in CommonMark: editors write addresses so (the
    contact page showed its backslashes). Python-Markdown knows only two trailing spaces, which editors' tools
    strip. Before the escapes (priority 180), after code spans (190), where a backslash stays as written."""

    def extendMarkdown(self, md):
        md.inlinePatterns.register(SubstituteTagInlineProcessor(r"\\\n", "br"), "backslash_line_break", 185)


def markdown_converter() -> markdown.Markdown:
    """Markdown as the site reads a text, before the HTML is sanitised. Fenced code blocks are code, as the checks
    read them (atlas_records/text_markup.py): without fenced_code, a link shown in one was published live."""
    return markdown.Markdown(
        extensions=["tables", "def_list", "abbr", "sane_lists", "fenced_code", BackslashLineBreaks()],
        output_format="html",
    )


class MarkdownRenderer:
    """One renderer per build: Markdown with tables and definition lists, then sanitised.

    With a cache folder, bodies rendered by an earlier build are reused, keyed by a hash of the text and of what
    decides the HTML (this file, the Markdown and nh3 versions); the cache keeps the bodies of the last build's
    records, rendered or not (a rebuild renders few of them). It is one marshal file: at 8,000 bodies (17 MB),
    reading it as JSON took 0.12 s of every build, most of it decoding the text; marshal takes 0.02 s. It is read
    only when more than FEW_PAGES pages are to be rendered (expect): a one-record rebuild converts its few bodies
    sooner than it reads 17 MB."""

    def __init__(self, cache_dir: Path | None = None):
        self._md = markdown_converter()
        self._rendered: dict[str, str] = {}  # a body is shown on its page and on every list: rendered once
        self._stored: dict[str, str] = {}
        self._used: dict[str, str] = {}
        self._misses = 0  # bodies this build rendered (not in the cache)
        self._loaded = False
        self._file = None
        if cache_dir is not None:
            salt = hashlib.sha256(Path(__file__).read_bytes() + Path(text_markup.__file__).read_bytes())
            salt.update(f"markdown={version('markdown')};nh3={version('nh3')}".encode())
            self._file = Path(cache_dir) / f"{salt.hexdigest()[:24]}.marshal"

    def expect(self, pages: int) -> None:
        """Read the cache when that many pages are to be rendered (before the build forks: both processes then
        share it). With fewer, the bodies are converted."""
        if self._file is not None and not self._loaded and pages > FEW_PAGES:
            self._load()

    def _load(self) -> None:
        self._loaded = True
        try:
            stored = marshal.loads(self._file.read_bytes())
        except (OSError, ValueError, EOFError, TypeError):
            stored = {}
        self._stored = stored if isinstance(stored, dict) else {}

    def render(self, text: str) -> str:
        if text not in self._rendered:
            key = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest() if self._loaded else None
            html = self._stored.get(key) if key else None
            if html is None:
                self._misses += key is not None
                self._md.reset()
                html = nh3.clean(
                    self._md.convert(text),
                    tags=TAGS,
                    attributes=ATTRIBUTES,
                    url_schemes={"http", "https", "mailto", LINK_SCHEME},
                    link_rel=None,
                )
            if key:
                self._used[key] = html
            self._rendered[text] = html
        return self._rendered[text]

    def worker_state(self) -> dict:
        return {"used": self._used, "misses": self._misses}

    def merge_worker_state(self, state: dict) -> None:
        self._used.update(state["used"])
        self._misses += state["misses"]

    def save(self, bodies=()) -> None:
        """Keep the bodies rendered by this build, and the stored ones of bodies (the texts of the build's
        records), for the next build: written only when more than one body in a hundred (at least one) was
        converted afresh. A one-record rebuild rewrote all 17 MB of them; the few bodies not kept are converted
        again in milliseconds until enough of them make it worth it. The bodies of removed records go with the
        next write."""
        if not self._loaded or self._misses <= len(self._stored) // 100:
            return
        for body in bodies:
            key = hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest()
            if key not in self._used and key in self._stored:
                self._used[key] = self._stored[key]
        write_cache_file(self._file, marshal.dumps(dict(sorted(self._used.items()))))
        for old in self._file.parent.iterdir():  # those of an earlier version of the renderer
            if old != self._file:
                old.unlink(missing_ok=True)
