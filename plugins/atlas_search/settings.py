"""The ATLAS_SEARCH settings namespace: defaults in one place, checked once at start-up."""

from __future__ import annotations

from atlas_site.settings import merged_namespace, whole_number

DEFAULTS = {
    # Most indexed pages in one Pagefind bundle of a language. A larger index is split into shards (a power of
    # two), searched together in the browser: a rebuild then indexes again only the shard of the pages that
    # changed. Every shard is a few more requests per search, hence shards of hundreds of pages.
    "shard_pages": 500,
}


class SearchSettingsError(Exception):
    """A setting of the ATLAS_SEARCH namespace is wrong; the message names it."""


def search_settings(settings: dict) -> dict:
    """Merge ATLAS_SEARCH over the defaults and check it, naming the faulty setting."""
    merged = merged_namespace(settings, "ATLAS_SEARCH", DEFAULTS, SearchSettingsError)
    shard_pages = merged["shard_pages"]
    if not whole_number(shard_pages, 1):
        raise SearchSettingsError("ATLAS_SEARCH['shard_pages'] must be a whole number of pages, at least 1")
    return merged
