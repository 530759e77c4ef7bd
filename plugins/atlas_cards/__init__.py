"""Atlas cards: a 1200×630 PNG share card for every place and programme in every language.

Drawn with Pillow (libraqm shapes Arabic right to left; Chinese uses a CJK font), cached by a hash of
everything drawn on it, the fonts and this code, and referenced by og:image / twitter:image (partials/meta.html).
The fonts come from Debian packages (FONT_PACKAGES); tasks.build_site installs them when missing, as root.
"""

from __future__ import annotations

from atlas_site.extensions import connect_extension

from .cards import FONT_PACKAGES, CardBuild, enabled, missing_fonts

__all__ = ["FONT_PACKAGES", "CardBuild", "enabled", "missing_fonts"]


def register():
    connect_extension("atlas_cards", CardBuild)
