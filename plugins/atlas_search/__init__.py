"""Atlas search: full-text search of the whole atlas with Pagefind (extended build, so Chinese is segmented).

- a search page per language (/<lang>/search/) and a search form in every page's header;
- `atlas_search` in every page's context: which pages Pagefind indexes (data-pagefind-body), and on
  place pages their kind and country as Pagefind metadata (the search page filters the results on them);
- Pagefind indexes each language as soon as its pages are written, while the next language renders (one
  index per language, from each page's <html lang>); a Pagefind failure fails the build.
"""

from __future__ import annotations

from atlas_site.extensions import connect_extension

from .search import SEARCH_PAGE, SearchBuild, enabled

__all__ = ["SEARCH_PAGE", "enabled"]


def register():
    connect_extension("atlas_search", SearchBuild)
