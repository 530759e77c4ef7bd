"""The ATLAS_CARDS settings namespace: defaults in one place, checked once at start-up."""

from __future__ import annotations

from atlas_site.settings import folder_setting, merged_namespace

DEFAULTS = {
    # Folder of the share cards already drawn, by a hash of everything drawn on them; None: <build cache>/atlas-cards
    # (ATLAS_CACHE, or .cache beside the theme).
    "cache": None,
}


class CardsSettingsError(Exception):
    """A setting of the ATLAS_CARDS namespace is wrong; the message names it."""


def cards_settings(settings: dict) -> dict:
    """Merge ATLAS_CARDS over the defaults and check it, naming the faulty setting."""
    merged = merged_namespace(settings, "ATLAS_CARDS", DEFAULTS, CardsSettingsError)
    merged["cache"] = folder_setting(merged["cache"], "ATLAS_CARDS['cache']", CardsSettingsError)
    return merged
