"""The fonts the share cards are drawn with, and the Debian packages that install them (no import of Pillow or
of the site: tasks.build_site checks them before every build)."""

from __future__ import annotations

from pathlib import Path

# Debian packages holding the fonts below; tasks.ensure_card_fonts installs them on a fresh machine.
FONT_PACKAGES = ["fonts-dejavu-core", "fonts-wqy-microhei"]
FONTS = {
    # Latin and Arabic (DejaVu Sans has both scripts); CJK (and Latin) from WenQuanYi Micro Hei.
    "regular": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "bold": "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "cjk": "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
}


def missing_fonts() -> list[str]:
    return [path for path in FONTS.values() if not Path(path).is_file()]
