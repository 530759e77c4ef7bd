"""Atlas search: full-text search of the whole atlas with Pagefind (extended build, so Chinese is segmented).

- a search page per language (/<lang>/search/) and a search form in every page's header;
- `atlas_search` in every page's context: which pages Pagefind indexes (data-pagefind-body), and on
  place pages their kind and country as Pagefind metadata (the search page filters the results on them);
- `index_site(folder)` runs Pagefind over a finished build (tasks.build_site calls it on the staging
  folder, before the swap): one index per language, from each page's <html lang>.
"""

from __future__ import annotations

import weakref

from atlas_site.site import page_context, page_specs_hook

from .search import SEARCH_PAGE, SearchBuild, enabled, index_site

__all__ = ["SEARCH_PAGE", "enabled", "index_site"]

_builds: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _build_of(site) -> SearchBuild | None:
    if not enabled(site.settings):
        return None
    if site not in _builds:
        _builds[site] = SearchBuild(site)
    return _builds[site]


def on_page_specs(site, specs) -> None:
    build = _build_of(site)
    if build is not None:
        build.add_specs(specs)


def on_page_context(site, views, parts, context) -> None:
    build = _build_of(site)
    if build is not None:
        build.page_context(views, parts, context)


def register():
    page_specs_hook.connect(on_page_specs)
    page_context.connect(on_page_context)
