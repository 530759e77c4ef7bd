"""The ATLAS_IMAGES settings namespace: defaults in one place, checked once at start-up."""

from __future__ import annotations

from atlas_site.settings import folder_setting, merged_namespace

DEFAULTS = {
    # Folder of the photos' copies already made, by a hash of each original and of the encoding settings;
    # None: <build cache>/atlas-images (ATLAS_CACHE, or .cache beside the theme).
    "cache": None,
}


class ImagesSettingsError(Exception):
    """A setting of the ATLAS_IMAGES namespace is wrong; the message names it."""


def images_settings(settings: dict) -> dict:
    """Merge ATLAS_IMAGES over the defaults and check it, naming the faulty setting."""
    merged = merged_namespace(settings, "ATLAS_IMAGES", DEFAULTS, ImagesSettingsError)
    merged["cache"] = folder_setting(merged["cache"], "ATLAS_IMAGES['cache']", ImagesSettingsError)
    return merged
