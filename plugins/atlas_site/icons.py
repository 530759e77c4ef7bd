"""The site's icon: a ringed dot (the map's marker of a labelled centre) on the header's colour.

One geometry, on a grid of GRID units, gives the three files browsers and phones ask for: favicon.svg (tabs
of browsers that read SVG), favicon.ico (16, 32 and 48 pixels: the others, and any file that is not a page)
and apple-touch-icon.png (180 pixels, square: the phone rounds its corners itself).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import shutil
from pathlib import Path

import PIL

from .kept_by_key import write_cache_file
from .render_cache import link_or_copy

GRID = 64
CORNER = 14  # rounding of the square in the SVG and the ICO, in grid units
RING = (22, 6)  # radius to the middle of the white ring, its width
DOT = 9  # radius of the gold dot
BACKGROUND = "#1f3350"  # --header-bg in atlas.css
RING_COLOUR = "#ffffff"
DOT_COLOUR = "#ffd27a"  # --header-current in atlas.css
ICON_FILES = {"svg": "favicon.svg", "ico": "favicon.ico", "touch": "apple-touch-icon.png"}
ICO_SIZES = ((16, 16), (32, 32), (48, 48))
TOUCH_SIZE = 180
SUPERSAMPLE = 4  # drawn this many times bigger, then scaled down: Pillow's shapes have no anti-aliasing


def icon_svg() -> str:
    middle = GRID // 2
    radius, width = RING
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {GRID} {GRID}">'
        f'<rect width="{GRID}" height="{GRID}" rx="{CORNER}" fill="{BACKGROUND}"/>'
        f'<circle cx="{middle}" cy="{middle}" r="{radius}" fill="none" stroke="{RING_COLOUR}" stroke-width="{width}"/>'
        f'<circle cx="{middle}" cy="{middle}" r="{DOT}" fill="{DOT_COLOUR}"/>'
        "</svg>\n"
    )


def icon_image(pixels: int, rounded: bool):
    """The icon as an RGBA Pillow image pixels wide; with rounded=False the square fills it to the corners."""
    from PIL import Image, ImageDraw

    big = pixels * SUPERSAMPLE
    unit = big / GRID
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=CORNER * unit if rounded else 0, fill=BACKGROUND)
    middle = big / 2
    radius, width = RING
    outer, inner = (radius + width / 2) * unit, (radius - width / 2) * unit
    draw.ellipse((middle - outer, middle - outer, middle + outer, middle + outer), fill=RING_COLOUR)
    draw.ellipse((middle - inner, middle - inner, middle + inner, middle + inner), fill=BACKGROUND)
    dot = DOT * unit
    draw.ellipse((middle - dot, middle - dot, middle + dot, middle + dot), fill=DOT_COLOUR)
    return image.resize((pixels, pixels), Image.Resampling.LANCZOS)


def icon_files() -> dict[str, bytes]:
    """File name (at the top of the site) -> its bytes."""
    ico = io.BytesIO()
    icon_image(max(ICO_SIZES)[0], rounded=True).save(ico, "ICO", sizes=list(ICO_SIZES))
    touch = io.BytesIO()
    icon_image(TOUCH_SIZE, rounded=False).convert("RGB").save(touch, "PNG", optimize=True)
    return {
        ICON_FILES["svg"]: icon_svg().encode(),
        ICON_FILES["ico"]: ico.getvalue(),
        ICON_FILES["touch"]: touch.getvalue(),
    }


def write_icons(output: Path, cache: Path) -> list[str]:
    """Put the icon files at the top of the site: linked from the build cache, where they are drawn once per
    version of this file and of Pillow (drawing them took 18 ms of every build, a one-record rebuild's too)."""
    version = hashlib.sha256(Path(__file__).read_bytes() + PIL.__version__.encode()).hexdigest()[:16]
    folder = Path(cache) / version
    drawn = None
    if not all((folder / name).is_file() for name in ICON_FILES.values()):
        drawn = icon_files()
        for name, data in drawn.items():
            write_cache_file(folder / name, data)
        with contextlib.suppress(OSError):
            for old in Path(cache).iterdir():  # the icons of an earlier version
                if old != folder:
                    shutil.rmtree(old, ignore_errors=True)
    for name in ICON_FILES.values():
        if (folder / name).is_file():
            link_or_copy(folder / name, Path(output) / name)
        else:  # a cache that cannot be written
            drawn = drawn or icon_files()
            (Path(output) / name).write_bytes(drawn[name])
    return list(ICON_FILES.values())
