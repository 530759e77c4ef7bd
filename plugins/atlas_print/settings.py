"""The ATLAS_PRINT settings namespace: defaults in one place, checked once at start-up."""

from __future__ import annotations

from atlas_site.settings import folder_setting, merged_namespace

DEFAULTS = {
    # The public address the QR codes give when SITEURL is not absolute (local builds): a fact sheet printed
    # from `invoke serve` then leads back to the same server.
    "siteurl": "http://127.0.0.1:8000",
    # Folder of the QR codes already drawn, one file per language; None: <build cache>/atlas-print
    # (ATLAS_CACHE, or .cache beside the theme).
    "cache": None,
}


class PrintSettingsError(Exception):
    """A setting of the ATLAS_PRINT namespace is wrong; the message names it."""


def print_settings(settings: dict) -> dict:
    """Merge ATLAS_PRINT over the defaults and check it, naming the faulty setting."""
    merged = merged_namespace(settings, "ATLAS_PRINT", DEFAULTS, PrintSettingsError)
    siteurl = merged["siteurl"]
    if not isinstance(siteurl, str) or not siteurl.startswith(("http://", "https://")):
        raise PrintSettingsError("ATLAS_PRINT['siteurl'] must be an http(s) address, e.g. https://example.org/atlas")
    merged["cache"] = folder_setting(merged["cache"], "ATLAS_PRINT['cache']", PrintSettingsError)
    return merged
