"""The ATLAS settings namespace: defaults in one place, checked once at start-up."""

from __future__ import annotations

from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]

DEFAULTS = {
    # Languages published, in menu order; the first fallback that has a body is shown with a notice.
    "languages": ["fr", "en", "ar", "zh"],
    "default_language": "fr",
    "rtl_languages": ["ar"],
    "fallbacks": {"fr": ["en"], "en": ["fr"], "ar": ["fr", "en"], "zh": ["en", "fr"]},
    # Folder holding centres/, programmes/ and content/; None means the parent of PATH.
    "root": None,
    # Editorial page that also lists the former members.
    "history_page": "history",
    # Processes rendering pages (languages shared between them) when there are many to render; 1: only the
    # build's own. The pages are the same either way.
    "render_processes": 2,
    # Countries' outlines (Natural Earth 1:50m, world-atlas from npm) the checks place each centre in: a point far
    # outside its country is refused (lat and lon swapped, a lost sign). None: not checked.
    "country_outlines": str(PROJECT / "node_modules" / "world-atlas" / "countries-50m.json"),
}


class SettingsError(Exception):
    """A setting of the ATLAS namespace is wrong; the message names it."""


def merged_namespace(settings: dict, name: str, defaults: dict, error: type[Exception]) -> dict:
    """The settings namespace `name` (ATLAS, ATLAS_MAPS...) over its defaults; error, with a message naming
    the setting, when it is not a dict or names an unknown setting. Each plugin then checks the values."""
    given = settings.get(name) or {}
    if not isinstance(given, dict):
        raise error(f"{name} must be a dict of settings")
    unknown = sorted(set(given) - set(defaults))
    if unknown:
        raise error(f"{name}[{unknown[0]!r}] is not a setting; known: {', '.join(defaults)}")
    return {**defaults, **given}


def whole_number(value, low: int, high: int | None = None) -> bool:
    """Whether a setting is a whole number from low to high (True and False are not numbers here)."""
    if not isinstance(value, int) or isinstance(value, bool):
        return False
    return low <= value and (high is None or value <= high)


def folder_setting(value, named: str, error: type[Exception]) -> Path | None:
    """A setting naming a folder (a cache...): its path, or None for the default; error, naming it, when it
    is neither text nor a path."""
    if value is None or isinstance(value, Path):
        return value
    if isinstance(value, str) and value.strip():
        return Path(value)
    raise error(f"{named} must be a folder's path, or None for the default")


def atlas_settings(settings: dict) -> dict:
    """Merge ATLAS over the defaults and check it, naming the faulty setting."""
    merged = merged_namespace(settings, "ATLAS", DEFAULTS, SettingsError)
    languages = merged["languages"]
    if not isinstance(languages, list) or not languages or not all(isinstance(code, str) for code in languages):
        raise SettingsError("ATLAS['languages'] must be a non-empty list of language codes")
    if merged["default_language"] not in languages:
        raise SettingsError(f"ATLAS['default_language'] {merged['default_language']!r} is not in ATLAS['languages']")
    rtl = merged["rtl_languages"]
    if not isinstance(rtl, list) or not all(code in languages for code in rtl):
        raise SettingsError("ATLAS['rtl_languages'] must be a list of codes from ATLAS['languages']")
    fallbacks = merged["fallbacks"]
    if not isinstance(fallbacks, dict):
        raise SettingsError("ATLAS['fallbacks'] must map a language code to the list of codes shown in its place")
    for lang, chain in fallbacks.items():
        if not isinstance(chain, list):
            raise SettingsError(f"ATLAS['fallbacks'][{lang!r}] must be a list of language codes")
        stray = [code for code in [lang, *chain] if code not in languages]
        if stray:
            raise SettingsError(f"ATLAS['fallbacks'][{lang!r}] names {stray[0]!r}, which is not in ATLAS['languages']")
    if not isinstance(merged["history_page"], str):
        raise SettingsError("ATLAS['history_page'] must be the slug of an editorial page, e.g. 'history'")
    if not whole_number(merged["render_processes"], 1):
        raise SettingsError("ATLAS['render_processes'] must be a whole number, at least 1")
    outlines = merged["country_outlines"]
    if outlines is not None:
        if not (isinstance(outlines, str | Path) and Path(outlines).is_file()):
            raise SettingsError(f"ATLAS['country_outlines'] {str(outlines)!r} is not a file: run `npm ci`, or set None")
        merged["country_outlines"] = Path(outlines)
    root = folder_setting(merged["root"], "ATLAS['root']", SettingsError) or Path(settings["PATH"]).parent
    merged["root"] = Path(root).resolve()
    if not merged["root"].is_dir():
        raise SettingsError(f"ATLAS['root'] {str(root)!r} is not a folder")
    return merged
