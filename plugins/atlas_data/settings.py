"""The ATLAS_DATA settings namespace: defaults in one place, checked once at start-up."""

from __future__ import annotations

import re

from atlas_site.settings import DEFAULTS as ATLAS_DEFAULTS
from atlas_site.settings import merged_namespace, whole_number

DEFAULTS = {
    # Licence of the data compiled by the atlas (the facts themselves come from the cited sources).
    "licence_name": "CC BY 4.0",
    "licence_url": "https://creativecommons.org/licenses/by/4.0/",
    # Folder of the site (at its root) that holds the downloads: places.geojson, places.csv...
    "download_dir": "data",
    # A call is "closing soon" when its deadline is at most this many days after the build date.
    "closing_soon_days": 30,
    # Entries in each language's feed of recently checked records.
    "updates_feed_size": 20,
    # Right-hand side of the iCalendar UIDs (event-<slug>@<uid_domain>): never change it once published.
    "uid_domain": "accr-atlas",
    # Open Graph locale of each language of the site.
    "og_locales": {"fr": "fr_FR", "en": "en_GB", "ar": "ar_AR", "zh": "zh_CN"},
    # Twitter card type of the pages that have a share card (atlas_cards): summary_large_image shows the whole
    # 1200×630 card, summary a small square cut out of it. Pages without one are always summary.
    "twitter_card": "summary_large_image",
}

_SEGMENT = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_OG_LOCALE = re.compile(r"^[a-z]{2,3}_[A-Z]{2}$")
_DOMAIN = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$")


class DataSettingsError(Exception):
    """A setting of the ATLAS_DATA namespace is wrong; the message names it."""


def data_settings(settings: dict) -> dict:
    """Merge ATLAS_DATA over the defaults and check it, naming the faulty setting."""
    merged = merged_namespace(settings, "ATLAS_DATA", DEFAULTS, DataSettingsError)
    if not isinstance(merged["licence_name"], str) or not merged["licence_name"].strip():
        raise DataSettingsError("ATLAS_DATA['licence_name'] must be a non-empty string")
    if not isinstance(merged["licence_url"], str) or not merged["licence_url"].startswith(("http://", "https://")):
        raise DataSettingsError("ATLAS_DATA['licence_url'] must be an http(s) URL")
    if not isinstance(merged["download_dir"], str) or not _SEGMENT.match(merged["download_dir"]):
        raise DataSettingsError("ATLAS_DATA['download_dir'] must be one lower-case folder name, e.g. 'data'")
    for key in ("closing_soon_days", "updates_feed_size"):
        value = merged[key]
        if not whole_number(value, 1):
            raise DataSettingsError(f"ATLAS_DATA[{key!r}] must be a positive whole number")
    if not isinstance(merged["uid_domain"], str) or not _DOMAIN.match(merged["uid_domain"]):
        raise DataSettingsError("ATLAS_DATA['uid_domain'] must be a host-like name (letters, digits, '.' and '-')")
    if merged["twitter_card"] not in ("summary", "summary_large_image"):
        raise DataSettingsError("ATLAS_DATA['twitter_card'] must be 'summary' or 'summary_large_image'")
    locales = merged["og_locales"]
    if not isinstance(locales, dict):
        raise DataSettingsError("ATLAS_DATA['og_locales'] must map each language code to a locale such as 'fr_FR'")
    languages = (settings.get("ATLAS") or {}).get("languages", ATLAS_DEFAULTS["languages"])
    for lang in languages:
        if lang not in locales:
            raise DataSettingsError(f"ATLAS_DATA['og_locales'] has no locale for the language {lang!r}")
        if not isinstance(locales[lang], str) or not _OG_LOCALE.match(locales[lang]):
            raise DataSettingsError(f"ATLAS_DATA['og_locales'][{lang!r}] must look like 'fr_FR'")
    return merged
