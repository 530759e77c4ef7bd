"""The ATLAS settings namespace: defaults in one place, checked once at start-up."""

from __future__ import annotations

from pathlib import Path

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
}


class SettingsError(Exception):
    """A setting of the ATLAS namespace is wrong; the message names it."""


def atlas_settings(settings: dict) -> dict:
    """Merge ATLAS over the defaults and check it, naming the faulty setting."""
    given = settings.get("ATLAS") or {}
    unknown = sorted(set(given) - set(DEFAULTS))
    if unknown:
        raise SettingsError(f"ATLAS[{unknown[0]!r}] is not a setting; known: {', '.join(DEFAULTS)}")
    merged = {**DEFAULTS, **given}
    languages = merged["languages"]
    if not languages or not all(isinstance(code, str) for code in languages):
        raise SettingsError("ATLAS['languages'] must be a non-empty list of language codes")
    if merged["default_language"] not in languages:
        raise SettingsError(f"ATLAS['default_language'] {merged['default_language']!r} is not in ATLAS['languages']")
    for lang, chain in merged["fallbacks"].items():
        stray = [code for code in [lang, *chain] if code not in languages]
        if stray:
            raise SettingsError(f"ATLAS['fallbacks'][{lang!r}] names {stray[0]!r}, which is not in ATLAS['languages']")
    processes = merged["render_processes"]
    if not isinstance(processes, int) or isinstance(processes, bool) or processes < 1:
        raise SettingsError("ATLAS['render_processes'] must be a whole number, at least 1")
    root = merged["root"] or Path(settings["PATH"]).parent
    merged["root"] = Path(root).resolve()
    if not merged["root"].is_dir():
        raise SettingsError(f"ATLAS['root'] {str(root)!r} is not a folder")
    return merged
