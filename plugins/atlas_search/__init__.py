"""Atlas search: full-text search of the whole atlas with Pagefind (extended build, so Chinese is segmented).

- a search page per language (/<lang>/search/) and a search form in every page's header;
- `atlas_search` in every page's context: which pages Pagefind indexes (data-pagefind-body; each gives its
  `page_url` as Pagefind metadata `url`: Pagefind reads the pages' index documents, documents.py, from files
  named by number), and on place pages their kind and country as Pagefind metadata (the search page filters
  the results on them);
- Pagefind indexes each language as soon as its pages are written, while the next language renders: one
  index per language, /pagefind/<lang>/<shard>/, split into shards when large (ATLAS_SEARCH, settings.py);
  a Pagefind failure fails the build.
"""

from __future__ import annotations

from atlas_site.extensions import connect_extension, stop_on_settings_error
from pelican import signals

from .search import SEARCH_PAGE, SearchBuild, enabled
from .settings import SearchSettingsError, search_settings

check_settings = stop_on_settings_error(search_settings, SearchSettingsError)

__all__ = ["SEARCH_PAGE", "enabled"]


def register():
    signals.initialized.connect(check_settings)
    connect_extension("atlas_search", SearchBuild)
