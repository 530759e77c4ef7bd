"""The search page, what every page carries for the search, and running Pagefind over a build."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

from atlas_site.site import PageSpec

SEARCH_PAGE = ("search",)
BUNDLE = "pagefind"  # folder of the index and of Pagefind's UI files, at the site's root
# Record pages are the ones worth finding; lists, the home page, data pages and the search page are not indexed.
INDEXED_SECTIONS = ("centres", "programmes", "events", "countries")


def enabled(settings: dict) -> bool:
    return any(getattr(p, "__name__", p).split(".")[-1] == "atlas_search" for p in settings.get("PLUGINS") or [])


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

    def add_specs(self, specs: list) -> None:
        specs.append(PageSpec(SEARCH_PAGE, "search.html", self.search_context))

    def search_context(self, views) -> dict:
        return {"search_translations": ui_translations(views._)}

    def indexed(self, parts: tuple[str, ...]) -> bool:
        return (len(parts) == 2 and parts[0] in INDEXED_SECTIONS) or (len(parts) == 1 and parts[0] in self.pages)

    def page_context(self, views, parts: tuple[str, ...], context: dict) -> None:
        site = self.site
        filters = {}
        if len(parts) == 2 and parts[0] == "centres" and "place" in context:
            place = context["place"]
            # Filter names are shown as the headings of Pagefind's filter panel: in the page's language.
            filters = {"kind": views._("Kind"), "country": views._("Country")}
            filters["values"] = {"kind": place["kind_label"], "country": place["country_name"]}
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


def index_site(folder: Path, quiet: bool = True) -> int:
    """Index a built site in place (writes folder/pagefind/); return Pagefind's exit status."""
    command = [*pagefind_command(), "--site", str(folder), "--output-subdir", BUNDLE]
    if quiet:
        command.append("--silent")
    try:
        return subprocess.run(command, check=False).returncode
    except FileNotFoundError as error:
        print(f"search: cannot run Pagefind ({error}); pip install -r requirements.txt", file=sys.stderr)
        return 1
