"""The search page, what every page carries for the search, and running Pagefind over a build."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from atlas_site.extensions import plugin_enabled
from atlas_site.i18n import plural_samples
from atlas_site.overlay import files_under, remove_in_background
from atlas_site.site import PageSpec, build_cache_dir
from atlas_site.views import sort_key

from .documents import index_digest, index_document
from .settings import search_settings
from .shard_cache import ShardCache

SEARCH_PAGE = ("search",)
BUNDLE = "pagefind"  # at the site's root: one bundle (index and Pagefind's files) per language, in <lang>/
# Record pages are the ones worth finding; lists, the home page, data pages and the search page are not indexed.
INDEXED_SECTIONS = ("centres", "programmes", "events", "countries")


def enabled(settings: dict) -> bool:
    return plugin_enabled(settings, "atlas_search")


def ui_translations(views) -> dict:
    """The search script's interface strings, through the site's gettext catalogues, with the placeholders it
    fills ([SEARCH_TERM], [COUNT]...). The count of results is in each plural form of the language, by CLDR
    category, which the script gets from Intl.PluralRules: Arabic says 2, 3 and 11 results three ways."""
    _, ngettext = views._, views.fmt.translations.ngettext
    term, count = "[SEARCH_TERM]", "[COUNT]"
    return {
        "load_more": _("Load more results"),
        "zero_results": _("No results for %(term)s") % {"term": term},
        "results": {
            category: ngettext("%(count)s result for %(term)s", "%(count)s results for %(term)s", n)
            % {"count": count, "term": term}
            for category, n in plural_samples(views.lang)
        },
        "searching": _("Searching for %(term)s…") % {"term": term},
        "results_label": _("Search results"),
        "other_languages": _("Results in other languages"),
        "results_then_other_languages": _("%(results)s. Results in other languages are listed below.")
        % {"results": "[RESULTS]"},
        "all_results_in": _("%(language)s: all results") % {"language": "[LANGUAGE]"},
        "error_search": _("Search failed"),
    }


class SearchBuild:
    """What one build of the site needs for the search; one per AtlasSite."""

    def __init__(self, site):
        self.site = site
        self.pages = set(site.atlas.records.get("page", {}))
        self.runs: LanguageRuns | None = None  # made when the first language is written
        self.runs_made = threading.Lock()  # a second process's languages arrive on another thread
        self.shard_pages = search_settings(site.settings)["shard_pages"]
        self._shards: dict[str, list[tuple[int, list[str]]]] = {}

    @property
    def written_first(self) -> tuple[str, ...]:
        """The languages Pagefind segments (SEGMENTED), rendered first: their runs, alone and the slowest, then
        go on while the other languages render. Written last, they ran at the end of the build, on one core."""
        return tuple(lang for lang in self.site.languages if lang in SEGMENTED)

    def shards(self, lang: str) -> list[tuple[int, list[str]]]:
        """The indexed pages of lang (paths in the site) by shard: [(shard, pages)], shards with pages only.
        One shard up to shard_pages pages, then a power of two, a page's shard given by its path: a rebuild
        indexes again only the shards of the pages that changed. The browser searches them together
        (atlas-search.js, Pagefind's mergeIndex)."""
        if lang not in self._shards:
            pages = [spec.file(lang) for spec in self.site.page_specs() if self.indexed(spec.parts)]
            count = 1
            while len(pages) > count * self.shard_pages:
                count *= 2
            by_shard: dict[int, list[str]] = {}
            for page in sorted(pages):
                by_shard.setdefault(int(hashlib.sha256(page.encode()).hexdigest()[:8], 16) % count, []).append(page)
            self._shards[lang] = sorted(by_shard.items())
        return self._shards[lang]

    def language_written(self, output: Path, lang: str) -> None:
        """Index a language as soon as its pages are written: Pagefind runs while the next language renders.
        A second rendering process (atlas_site/workers.py) prepares its languages' runs and hands them to this
        one, which runs them: the second process ends as soon as its pages are written."""
        prepared = self.language_runs(output).prepare(lang, self.shards(lang))
        if self.site.send_to_parent is not None:
            self.site.send_to_parent("atlas_search", {"output": str(output), **prepared})
        else:
            self.runs.run(prepared)

    def worker_event(self, prepared: dict) -> None:
        """The runs a second process prepared (called on the thread that reads from it)."""
        self.language_runs(Path(prepared["output"])).run(prepared)

    def language_runs(self, output: Path) -> LanguageRuns:
        with self.runs_made:
            if self.runs is None:
                kept = ShardCache(build_cache_dir(self.site.theme) / "atlas-search")
                self.runs = LanguageRuns(Path(output), self.site.render_cache, kept)
            return self.runs

    def write(self, output: Path, views_by_lang: dict | None = None) -> None:
        if self.runs is None:
            return
        status = self.runs.finish()
        if status:
            print(f"search: Pagefind failed (exit status {status}); the site was not built.", file=sys.stderr)
            raise SystemExit(1)
        self.site.render_cache.extra["search"] = dict(sorted(self.runs.digests.items()))
        set_aside_documents(Path(output))

    def add_specs(self, specs: list) -> None:
        specs.append(PageSpec(SEARCH_PAGE, "search.html", self.search_context, depends=self.site.lists_depend()))

    def search_context(self, views) -> dict:
        return {"search_translations": ui_translations(views), "search_facets": self.facets(views)}

    def facets(self, views) -> dict:
        """The search page's filters, in its language: every kind and country of the indexed places.

        Place pages carry their kind and country as Pagefind metadata (stable keys: see page_context), and
        atlas-search.js filters the results on them with these lists. Not Pagefind's own filters: it writes
        their index in an order that changes from one run to the next, and builds must be reproducible."""
        kinds, countries = {}, {}
        for record in self.site.atlas.of_type("centre"):
            place = views.place(record)
            kinds[place["kind"]] = place["kind_label"]
            countries[place["country"]] = place["country_name"]

        def options(labels: dict) -> list[dict]:
            return [{"key": k, "label": v} for k, v in sorted(labels.items(), key=lambda kv: (sort_key(kv[1]), kv[0]))]

        return {
            "kind": {"label": views._("Kind"), "all": views._("All kinds"), "options": options(kinds)},
            "country": {"label": views._("Country"), "all": views._("All countries"), "options": options(countries)},
        }

    def indexed(self, parts: tuple[str, ...]) -> bool:
        return (len(parts) == 2 and parts[0] in INDEXED_SECTIONS) or (len(parts) == 1 and parts[0] in self.pages)

    def page_digest(self, parts: tuple[str, ...], html: bytes) -> str:
        """The digest of what Pagefind reads of a page it indexes (documents.py), "" for the others: the render
        cache keeps it with the page, and a shard's pages are compared between builds by it."""
        return index_digest(html) if self.indexed(parts) else ""

    def page_context(self, views, parts: tuple[str, ...], context: dict) -> None:
        site = self.site
        filters = {}
        if len(parts) == 2 and parts[0] == "centres" and "place" in context:
            place = context["place"]
            # Pagefind metadata (not Pagefind filters): keys, the same in every language; labels in search_facets.
            filters = {"kind": place["kind"], "country": place["country"]}
        is_search_page = parts == SEARCH_PAGE
        context["atlas_search"] = {
            "url": site.url(views.lang, *SEARCH_PAGE),
            "bundles": self.bundle_urls(views.lang) if is_search_page else [],
            "others": self.other_languages(views) if is_search_page else [],
            "base_url": urlsplit(site.siteurl).path.rstrip("/") + "/",
            "index_body": self.indexed(parts),
            "filters": filters,
            "is_search_page": is_search_page,
        }

    def bundle_urls(self, lang: str) -> list[str]:
        """The URLs of a language's Pagefind bundles (its index's shards)."""
        return [f"{self.site.siteurl}/{BUNDLE}/{lang}/{shard}/" for shard, _ in self.shards(lang)]

    def other_languages(self, views) -> list[dict]:
        """The indexes the search page searches after its own language's, in the site's order: their results are
        listed after the page language's, each under its language's name, with a link to its own search page."""
        site = self.site
        return [
            {
                "lang": lang,
                "name": views.fmt.language_name(lang),
                "dir": site.direction(lang),
                "bundles": self.bundle_urls(lang),
                "search_url": site.url(lang, *SEARCH_PAGE),
            }
            for lang in site.languages
            if lang != views.lang
        ]


@functools.cache
def pagefind_command() -> list[str]:
    """Pagefind's extended binary (Chinese and Japanese segmentation) from the PyPI package pagefind[extended],
    started directly: `python -m pagefind` would start an interpreter for every run, and a large index runs
    Pagefind once per shard."""
    try:
        from pagefind.service import get_executable

        executable = get_executable()
    except ImportError:
        executable = None
    return [str(executable)] if executable else [sys.executable, "-m", "pagefind"]


class LanguageRuns:
    """Pagefind runs of one build, started as each language's pages are written, one per shard of the
    language's index (SearchBuild.shards), each into /pagefind/<lang>/<shard>/. A shard whose pages are byte
    for byte those of the previous build keeps the previous build's bundle, and one whose pages an earlier build
    indexed links the bundle it left in the build cache (shard_cache.py). PARALLEL_RUNS threads take the runs
    in the order their languages were written, while pages go on rendering: once the last languages are written,
    every thread keeps a run going until none is left (with a thread per language, the last language's shards
    ran one after the other at the end of the build). A run of a language Pagefind segments with a dictionary
    (SEGMENTED) runs alone: it loads the dictionary (some 80 MB, against 35 for another language). Two at once,
    with the share cards drawn meanwhile in a build with empty caches, took the build past 500 MB; and since
    these languages are rendered first (SearchBuild.written_first), one beside another run and the two rendering
    processes took a warm build to 487 MB. A second rendering process only prepares its languages' runs
    (prepare); the first process runs them all (run).

    Pagefind reads a shard's pages from a folder of its own (SHARD_PAGES): the pages' index documents
    (documents.py), made from this build's folder or, for a page a rebuild keeps, from the previous output. Given
    the whole build's folder and a glob listing the shard's pages instead, Pagefind takes some 60 MB and a third
    more CPU time per run to match that glob. The documents sit side by side in one folder per shard, named by
    their place in it: at the pages' paths they took a folder each, some 8,000 more folders to make and delete
    per build. Each page gives its URL as Pagefind metadata instead (`url`, which Pagefind's sub-results use
    too; see base.html). The documents are deleted after the build, in the background."""

    def __init__(self, folder: Path, cache, kept: ShardCache, quiet: bool = True):
        """cache: the build's RenderCache (its pages, their digests, what it keeps from the previous output);
        kept: the bundles of earlier builds."""
        self.folder, self.cache, self.kept, self.quiet = folder, cache, kept, quiet
        previous = cache.previous if cache.previous is not None and cache.previous.is_dir() else None
        self.previous = previous
        self.old_digests = cache.old_extra.get("search", {}) if previous else {}
        self.digests: dict[str, str] = {}
        # Shared by the threads that run Pagefind, this process's (run) and the one reading a second process's.
        self.changed = threading.Condition()
        self.waiting: list[tuple[str, Path]] = []
        self.running: list[str] = []  # the languages of the runs going on
        self.closed = False  # finish() called: no more runs will come
        self.threads: list[threading.Thread] = []
        self.status = 0

    def prepare(self, lang: str, shards: list[tuple[int, list[str]]]) -> dict:
        """The runs a language needs (its shards whose pages no build indexed), with the folder of each one's
        pages, and the digests of all its shards (picklable: a second rendering process sends it to the first)."""
        runs, digests = [], {}
        for shard, pages in shards:
            bundle = f"{BUNDLE}/{lang}/{shard}"
            digests[bundle] = self._pages_digest(pages)
            if self.old_digests.get(bundle) == digests[bundle] and (self.previous / bundle / ENTRY).is_file():
                self.cache.keep(files_under(self.previous, bundle))
                continue
            if self.previous is not None:
                self.cache.replace_folder(bundle)
            if (entry := self.kept.find(bundle, digests[bundle])) is not None:
                self.kept.link_into(entry, self.folder / bundle, self.cache.make_folder)
            else:
                runs.append((bundle, self._write_documents(bundle, pages)))
        return {"lang": lang, "runs": runs, "digests": digests}

    def run(self, prepared: dict) -> None:
        """Queue the runs prepare() gave; the first call starts the threads that take them."""
        self.digests.update(prepared["digests"])
        with self.changed:
            self.waiting += prepared["runs"]
            self.changed.notify_all()
            while len(self.threads) < PARALLEL_RUNS:
                thread = threading.Thread(target=self._take_runs, name=f"pagefind-{len(self.threads)}", daemon=True)
                thread.start()
                self.threads.append(thread)

    def _pages_digest(self, pages: list[str]) -> str:
        """Digest of the index documents of every page of a shard, in order (from the digests the build keeps),
        and of how Pagefind indexes them."""
        digest = hashlib.sha256(f"{BUNDLE_FORMAT}\0{_pagefind_version()}\0".encode())
        for relative in pages:
            page = self.cache.page_digest(relative) or index_digest(self._page_bytes(relative))
            digest.update(f"{relative}\0{page}\0".encode())
        return digest.hexdigest()

    def _page_bytes(self, relative: str) -> bytes:
        """A page of this build: written into its folder, or kept in the previous output."""
        source = self.previous if relative in self.cache.kept else self.folder
        with open(os.path.join(source, relative), "rb") as page:
            return page.read()

    def _write_documents(self, bundle: str, pages: list[str]) -> Path:
        """The folder Pagefind reads a shard from: each page's index document, named by its place in the shard."""
        site = self.folder / SHARD_PAGES / bundle
        self.cache.make_folder(site)
        for number, relative in enumerate(pages):
            with open(os.path.join(site, f"{number}.html"), "wb") as document:
                document.write(index_document(self._page_bytes(relative)))
        return site

    def _next_run(self) -> tuple[str, Path] | None:
        """The first waiting run, once it may start (in order: a segmented run waits for the others to end,
        and nothing passes it meanwhile); None once finish() was called and none is left."""
        with self.changed:
            while True:
                if self.waiting:
                    lang = _bundle_language(self.waiting[0][0])
                    if not self.running or (lang not in SEGMENTED and not set(self.running) & set(SEGMENTED)):
                        self.running.append(lang)
                        return self.waiting.pop(0)
                elif self.closed:
                    return None
                self.changed.wait()

    def _take_runs(self) -> None:
        while (bundle_run := self._next_run()) is not None:
            bundle, pages = bundle_run
            try:
                if not self.status:  # after a failed run the build fails: the others are not worth running
                    status = _start(pages, self.folder / bundle, self.quiet).wait()
                    self.status = self.status or status
                    if not status:
                        _sort_entry(self.folder / bundle / ENTRY)
                        _drop_prebuilt_ui(self.folder / bundle)
                        self.kept.store(bundle, self.digests[bundle], self.folder / bundle)
            except FileNotFoundError as error:
                print(f"search: cannot run Pagefind ({error}); pip install -r requirements.txt", file=sys.stderr)
                self.status = self.status or 1
            finally:
                with self.changed:
                    self.running.remove(_bundle_language(bundle))
                    self.changed.notify_all()

    def finish(self) -> int:
        """Wait for every run; return the first failure's exit status, or 0."""
        with self.changed:
            self.closed = True
            self.changed.notify_all()
        for thread in self.threads:
            thread.join()
        return self.status


ENTRY = "pagefind-entry.json"
# How a bundle is made besides Pagefind's version (its command, _sort_entry): change it when that changes, so
# that no bundle made the old way is kept.
BUNDLE_FORMAT = "atlas-search-4"
PREBUILT_UI = (
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-highlight.js",
)
SHARD_PAGES = ".pagefind-pages"  # in the build's folder while Pagefind runs, set aside before it is put in place
# Pagefind runs at once (each takes 40 to 80 MB and a core; pages render meanwhile, on one or two processes).
PARALLEL_RUNS = 2
# Languages Pagefind segments with a dictionary it loads in every run (its extended build): such a run runs alone.
SEGMENTED = ("zh", "ja")


def set_aside_documents(output: Path) -> None:
    """Take the folders of index documents (SHARD_PAGES) out of the build's folder and delete them in the
    background: deleting some 16,000 files and folders took about 1.8 s of the process that renders and runs
    Pagefind."""
    documents = output / SHARD_PAGES
    if documents.is_dir():
        aside = Path(tempfile.mkdtemp(prefix=f"{output.name}.pagefind-pages-", dir=output.parent))
        documents.rename(aside / SHARD_PAGES)
        remove_in_background(aside)


def _bundle_language(bundle: str) -> str:
    return bundle.split("/")[1]  # pagefind/<lang>/<shard>


@functools.cache
def _pagefind_version() -> str:
    try:
        from importlib.metadata import version

        return version("pagefind")
    except Exception:  # noqa: BLE001 - any failure only means the index is never reused
        return str(time.time())


def _sort_entry(entry: Path) -> None:
    """Pagefind writes the maps of its entry file in an order that changes between runs: sorted keys, so that
    the same pages always give the same bundle."""
    data = json.loads(entry.read_text(encoding="utf-8"))
    entry.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True), encoding="utf-8")


def _drop_prebuilt_ui(bundle: Path) -> None:
    """Delete the search interfaces Pagefind writes beside every index (about 400 KB a shard; it has no option to
    leave them out: Pagefind/pagefind#1183). The atlas has its own (atlas-search.js), on pagefind.js alone."""
    for name in PREBUILT_UI:
        with contextlib.suppress(FileNotFoundError):
            (bundle / name).unlink()


def _start(pages: Path, output: Path, quiet: bool) -> subprocess.Popen:
    command = [*pagefind_command(), "--site", str(pages), "--output-path", str(output)]
    if quiet:
        command.append("--silent")
    return subprocess.Popen(command)
