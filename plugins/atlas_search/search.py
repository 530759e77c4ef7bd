"""The search page, what every page carries for the search, and running Pagefind over a build."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from atlas_site.extensions import plugin_enabled
from atlas_site.render_cache import link_or_copy
from atlas_site.site import PageSpec
from atlas_site.views import sort_key

SEARCH_PAGE = ("search",)
BUNDLE = "pagefind"  # folder of the index and of Pagefind's UI files, at the site's root
# Record pages are the ones worth finding; lists, the home page, data pages and the search page are not indexed.
INDEXED_SECTIONS = ("centres", "programmes", "events", "countries")


def enabled(settings: dict) -> bool:
    return plugin_enabled(settings, "atlas_search")


def ui_translations(_) -> dict[str, str]:
    """Pagefind Default UI strings, through the site's gettext catalogues (placeholders in Pagefind's syntax)."""
    term, count, other = "[SEARCH_TERM]", "[COUNT]", "[DIFFERENT_TERM]"
    return {
        "placeholder": _("Search the atlas"),
        "clear_search": _("Clear"),
        "load_more": _("Load more results"),
        "search_label": _("Search the atlas"),
        "filters_label": _("Filters"),
        "zero_results": _("No results for %(term)s") % {"term": term},
        "many_results": _("%(count)s results for %(term)s") % {"count": count, "term": term},
        "one_result": _("%(count)s result for %(term)s") % {"count": count, "term": term},
        "total_zero_results": _("No results"),
        "total_one_result": _("%(count)s result") % {"count": count},
        "total_many_results": _("%(count)s results") % {"count": count},
        "alt_search": _("No results for %(term)s. Showing results for %(other)s instead")
        % {"term": term, "other": other},
        "search_suggestion": _("No results for %(term)s. Try one of the following searches:") % {"term": term},
        "searching": _("Searching for %(term)s…") % {"term": term},
        "results_label": _("Search results"),
        "error_search": _("Search failed"),
        "loading": _("Loading"),
    }


class SearchBuild:
    """What one build of the site needs for the search; one per AtlasSite."""

    def __init__(self, site):
        self.site = site
        self.pages = set(site.atlas.records.get("page", {}))
        self.runs: LanguageRuns | None = None  # made when the first language is written

    def language_written(self, output: Path, lang: str) -> None:
        """Index a language as soon as its pages are written: Pagefind runs while the next language renders."""
        if self.runs is None:
            previous = self.site.render_cache.previous
            self.runs = LanguageRuns(
                Path(output),
                previous if previous and previous.is_dir() else None,
                self.site.render_cache.content_digest,
            )
        self.runs.start(lang)

    def write(self, output: Path, views_by_lang: dict | None = None) -> None:
        if self.runs is None:
            return
        status = self.runs.finish(self.site.languages)
        if status:
            print(f"search: Pagefind failed (exit status {status}); the site was not built.", file=sys.stderr)
            raise SystemExit(1)
        self.site.render_cache.extra["search"] = self.runs.digests

    def add_specs(self, specs: list) -> None:
        specs.append(PageSpec(SEARCH_PAGE, "search.html", self.search_context, depends=self.site.lists_depend()))

    def search_context(self, views) -> dict:
        return {"search_translations": ui_translations(views._), "search_facets": self.facets(views)}

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

    def page_context(self, views, parts: tuple[str, ...], context: dict) -> None:
        site = self.site
        filters = {}
        if len(parts) == 2 and parts[0] == "centres" and "place" in context:
            place = context["place"]
            # Pagefind metadata (not Pagefind filters): keys, the same in every language; labels in search_facets.
            filters = {"kind": place["kind"], "country": place["country"]}
        context["atlas_search"] = {
            "url": site.url(views.lang, *SEARCH_PAGE),
            "bundle": f"{site.siteurl}/{BUNDLE}/",
            "base_url": urlsplit(site.siteurl).path.rstrip("/") + "/",
            "index_body": self.indexed(parts),
            "filters": filters,
            "is_search_page": parts == SEARCH_PAGE,
        }


def pagefind_command() -> list[str]:
    """Pagefind's extended binary (Chinese and Japanese segmentation) from the PyPI package pagefind[extended]."""
    return [sys.executable, "-m", "pagefind"]


class LanguageRuns:
    """Pagefind runs of one build, one per language, started as each language's pages are written (at most
    PARALLEL_RUNS at once), then assembled into one bundle. A language whose indexed pages are byte for byte
    those of the previous build keeps the previous build's index."""

    def __init__(self, folder: Path, previous: Path | None, known, quiet: bool = True):
        """known(relative) -> digest of a page's bytes when the build already has it, else None."""
        self.folder, self.quiet, self.known = folder, quiet, known
        self.work = Path(tempfile.mkdtemp(prefix=".pagefind-", dir=folder.parent))
        self.old_bundle = previous / BUNDLE if previous and (previous / BUNDLE / ENTRY).is_file() else None
        self.old_digests = _read_keys(previous).get("search", {}) if self.old_bundle else {}
        self.digests: dict[str, str] = {}
        self.reuse: list[str] = []
        self.fresh: list[str] = []
        self.waiting: list[str] = []
        self.running: list[tuple[str, subprocess.Popen]] = []
        self.status = 0

    def start(self, lang: str) -> None:
        self.digests[lang] = _pages_digest(self.folder, lang, self.known)
        if self.old_digests.get(lang) == self.digests[lang] and _has_language(self.old_bundle, lang):
            self.reuse.append(lang)
            return
        self.fresh.append(lang)
        self.waiting.append(lang)
        self._launch()

    def _launch(self) -> None:
        still = []
        for lang, process in self.running:
            if process.poll() is None:
                still.append((lang, process))
            else:
                self.status = self.status or process.returncode
        self.running = still
        while self.waiting and len(self.running) < PARALLEL_RUNS and not self.status:
            lang = self.waiting.pop(0)
            try:
                self.running.append((lang, _start(self.folder, lang, self.work / lang, self.quiet)))
            except FileNotFoundError as error:
                print(f"search: cannot run Pagefind ({error}); pip install -r requirements.txt", file=sys.stderr)
                self.status = 1

    def finish(self, languages) -> int:
        try:
            while (self.waiting or self.running) and not self.status:
                if self.running:
                    lang, process = self.running.pop(0)
                    self.status = self.status or process.wait()
                self._launch()
            for _, process in self.running:
                process.kill()
                process.wait()
            if not self.status:
                languages = [lang for lang in languages if lang in self.digests]
                runs = {lang: self.work / lang for lang in self.fresh}
                _assemble(self.folder / BUNDLE, languages, runs, self.old_bundle, self.reuse)
            return self.status
        finally:
            shutil.rmtree(self.work, ignore_errors=True)


ENTRY = "pagefind-entry.json"
PARALLEL_RUNS = 2


def _glob(lang: str) -> str:
    # Indexed pages are at /<lang>/<page>/ and /<lang>/<section>/<slug>/ (fact sheets, one level deeper, are not).
    return f"{lang}/{{*,*/*}}/index.html"


def _pages_digest(folder: Path, lang: str, known) -> str:
    """Digest of the bytes of every page Pagefind indexes in lang (known(relative) spares reading a page)."""
    digest = hashlib.sha256(f"{_pagefind_version()}\0".encode())
    base = folder / lang
    for path in sorted([*base.glob("*/index.html"), *base.glob("*/*/index.html")]):
        relative = path.relative_to(folder).as_posix()
        page = known(relative) or hashlib.sha256(path.read_bytes()).hexdigest()
        digest.update(f"{relative}\0{page}\0".encode())
    return digest.hexdigest()


def _pagefind_version() -> str:
    try:
        from importlib.metadata import version

        return version("pagefind")
    except Exception:  # noqa: BLE001 - any failure only means the index is never reused
        return str(time.time())


def _has_language(bundle: Path | None, lang: str) -> bool:
    if bundle is None:
        return False
    entry = json.loads((bundle / ENTRY).read_text(encoding="utf-8"))
    return lang in entry.get("languages", {})


def _start(folder: Path, lang: str | None, output: Path, quiet: bool, glob: str | None = None) -> subprocess.Popen:
    command = [*pagefind_command(), "--site", str(folder), "--output-path", str(output)]
    glob = glob or (_glob(lang) if lang else None)
    if glob:
        command += ["--glob", glob]
    if quiet:
        command.append("--silent")
    return subprocess.Popen(command)


def _language_files(bundle: Path, lang: str) -> list[Path]:
    files = [p for sub in ("fragment", "index", "filter") for p in (bundle / sub).glob(f"{lang}_*")]
    files += list(bundle.glob(f"pagefind.{lang}_*.pf_meta")) + list(bundle.glob(f"wasm.{lang}.pagefind"))
    return files


def _link(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    link_or_copy(source, target)


def _assemble(bundle: Path, languages, runs: dict, old_bundle: Path | None, reuse: list[str]) -> None:
    """One bundle from the per-language runs and the previous bundle's reused languages."""
    bundle.mkdir(parents=True, exist_ok=True)
    entries, entry = {}, None
    for lang, run in runs.items():
        run_entry = json.loads((run / ENTRY).read_text(encoding="utf-8"))
        entry = entry or run_entry
        entries.update(run_entry.get("languages", {}))
        for path in _language_files(run, lang):
            _link(path, bundle / path.relative_to(run))
    if reuse:
        old_entry = json.loads((old_bundle / ENTRY).read_text(encoding="utf-8"))
        entry = entry or old_entry
        for lang in reuse:
            entries[lang] = old_entry["languages"][lang]
            for path in _language_files(old_bundle, lang):
                _link(path, bundle / path.relative_to(old_bundle))
    # Files shared by every language (scripts, styles, the language-neutral WebAssembly): from any run.
    shared_from = next(iter(runs.values()), old_bundle)
    for path in sorted(shared_from.iterdir()):
        if path.is_file() and path.name != ENTRY and not _is_language_file(path.name, languages):
            _link(path, bundle / path.name)
    entry = {**entry, "languages": {lang: entries[lang] for lang in languages if lang in entries}}
    # Sorted keys: Pagefind writes the languages of its entry file in an order that changes between runs.
    text = json.dumps(entry, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    (bundle / ENTRY).write_text(text, encoding="utf-8")


def _is_language_file(name: str, languages) -> bool:
    return any(name.startswith(f"pagefind.{lang}_") or name == f"wasm.{lang}.pagefind" for lang in languages)


def _read_keys(output: Path) -> dict:
    from atlas_site.render_cache import manifest_path

    try:
        return json.loads(manifest_path(output).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
