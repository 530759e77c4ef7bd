"""Atlas search: full-text search of the whole atlas with Pagefind (extended build, so Chinese is segmented).

- a search page per language (/<lang>/search/) and a search form in every page's header;
- `atlas_search` in every page's context: which pages Pagefind indexes (data-pagefind-body), and on
  place pages their kind and country as Pagefind metadata (the search page filters the results on them);
- `index_site(folder)` runs Pagefind over a finished build (tasks.build_site calls it on the staging
  folder, before the swap): one index per language, from each page's <html lang>.
"""

from __future__ import annotations

from atlas_site.extensions import connect_extension

from .search import SEARCH_PAGE, SearchBuild, enabled, index_site

__all__ = ["SEARCH_PAGE", "enabled", "index_site"]


def register():
    connect_extension("atlas_search", SearchBuild)
