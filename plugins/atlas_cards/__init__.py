"""Atlas cards: a 1200×630 PNG share card for every place and programme in every language.

Drawn with Pillow (libraqm shapes Arabic right to left; Chinese uses a CJK font), cached by a hash of
everything drawn on it, the fonts and this code, and referenced by og:image / twitter:image (partials/meta.html).
The fonts come from Debian packages (FONT_PACKAGES); tasks.build_site installs them when missing, as root.
"""

from __future__ import annotations

import weakref

from atlas_site.site import page_context, site_written

from .cards import FONT_PACKAGES, CardBuild, enabled, missing_fonts

__all__ = ["FONT_PACKAGES", "CardBuild", "enabled", "missing_fonts"]

_builds: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _build_of(site) -> CardBuild | None:
    if not enabled(site.settings):
        return None
    if site not in _builds:
        _builds[site] = CardBuild(site)
    return _builds[site]


def on_page_context(site, views, parts, context) -> None:
    build = _build_of(site)
    if build is not None:
        build.page_context(views, parts, context)


def on_site_written(site, output, views_by_lang) -> None:
    build = _build_of(site)
    if build is not None:
        build.write(output)


def register():
    page_context.connect(on_page_context)
    site_written.connect(on_site_written)
