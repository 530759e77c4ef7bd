"""Share cards: what is drawn, how, and the cache keyed on it."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from functools import cache
from pathlib import Path

from atlas_images.images import publish_cached
from atlas_site.cache_pruning import mark_used, prune_unused
from atlas_site.extensions import plugin_enabled
from atlas_site.site import build_cache_dir
from PIL import Image, ImageDraw, ImageFont, features

from .fonts import FONT_PACKAGES, FONTS, missing_fonts
from .settings import cards_settings

SIZE = (1200, 630)
MARGIN = 72
BACKGROUND = (22, 56, 88)
ACCENT = (240, 190, 80)
TEXT = (255, 255, 255)
MUTED = (205, 220, 235)
CARD_NAME = "card.png"
NAME_SIZES = (76, 64, 54, 46, 40)
TEXT_WIDTH = SIZE[0] - 2 * MARGIN


def enabled(settings: dict) -> bool:
    return plugin_enabled(settings, "atlas_cards")


def _has_cjk(text: str) -> bool:
    return any("\u3000" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff" or "\uff00" <= c <= "\uffef" for c in text)


@cache
def _font(style: str, size: int) -> ImageFont.FreeTypeFont:
    layout = ImageFont.Layout.RAQM if features.check("raqm") else ImageFont.Layout.BASIC
    return ImageFont.truetype(FONTS[style], size, layout_engine=layout)


def font_for(text: str, size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return _font("cjk" if _has_cjk(text) else ("bold" if bold else "regular"), size)


def _shape(text: str, rtl: bool) -> str:
    """Without libraqm, reshape Arabic and reorder it with arabic-reshaper and python-bidi when installed."""
    if not rtl or features.check("raqm"):
        return text
    try:
        import arabic_reshaper
        from bidi.algorithm import get_display
    except ImportError:
        return text
    return get_display(arabic_reshaper.reshape(text))


def _text_options(rtl: bool, lang: str) -> dict:
    if not features.check("raqm"):
        return {}
    return {"direction": "rtl" if rtl else "ltr", "language": lang}


def wrap(text: str, font, width: int, rtl: bool, lang: str) -> list[str]:
    """Lines of text no wider than width: split at spaces, or between characters for Chinese."""
    options = _text_options(rtl, lang)
    units, joiner = (text.split(), " ") if " " in text.strip() else (list(text), "")
    if not units:
        return []
    whole = joiner.join(units)
    if font.getlength(_shape(whole, rtl), **options) <= width:
        return [whole]  # most texts: measured once instead of once per word
    lines, line = [], ""
    for unit in units:
        candidate = f"{line}{joiner}{unit}" if line else unit
        if line and font.getlength(_shape(candidate, rtl), **options) > width:
            lines.append(line)
            line = unit
        else:
            line = candidate
    if line:
        lines.append(line)
    return lines


def render_card(fields: dict) -> Image.Image:
    """The card: site name, the record's name (as large as fits), then its kind and where it is."""
    lang, rtl = fields["lang"], fields["rtl"]
    image = Image.new("RGB", SIZE, BACKGROUND)
    draw = ImageDraw.Draw(image)
    x = SIZE[0] - MARGIN if rtl else MARGIN
    anchor = "ra" if rtl else "la"
    options = _text_options(rtl, lang)
    # An accent bar on the reading side.
    bar = (SIZE[0] - 24, 0, SIZE[0], SIZE[1]) if rtl else (0, 0, 24, SIZE[1])
    draw.rectangle(bar, fill=ACCENT)

    def line(text, y, size, colour, bold=False):
        font = font_for(text, size, bold)
        draw.text((x, y), _shape(text, rtl), font=font, fill=colour, anchor=anchor, **options)

    line(fields["site"], MARGIN, 30, MUTED)
    lines, font, size = name_lines(fields)
    y = 170
    for text in lines:
        draw.text((x, y), _shape(text, rtl), font=font, fill=TEXT, anchor=anchor, **options)
        y += int(size * 1.3)
    y = max(y + 30, 400)
    for text, colour, text_size in ((fields["kind"], ACCENT, 34), (fields["where"], MUTED, 34)):
        if text:
            for wrapped in clipped(wrap(text, font_for(text, text_size), TEXT_WIDTH, rtl, lang), 2, fields, text_size):
                line(wrapped, y, text_size, colour)
                y += int(text_size * 1.4)
    return image


def name_lines(fields: dict) -> tuple[list[str], ImageFont.FreeTypeFont, int]:
    """The record's name in at most three lines, at the largest size that holds it (else the smallest, its end
    replaced by an ellipsis), with the font and size."""
    name = fields["name"]
    for size in NAME_SIZES:
        font = font_for(name, size, bold=True)
        lines = wrap(name, font, TEXT_WIDTH, fields["rtl"], fields["lang"])
        if len(lines) <= 3:
            break
    return clipped(lines, 3, fields, size, bold=True), font, size


def clipped(lines: list[str], limit: int, fields: dict, size: int, bold: bool = False) -> list[str]:
    """The first limit lines; when some are left out, the last kept one ends with an ellipsis, words (or, in
    Chinese, characters) taken off until it fits: a cut name must not read as a whole one."""
    if len(lines) <= limit:
        return lines
    kept, (rtl, lang) = lines[:limit], (fields["rtl"], fields["lang"])
    last = kept[-1]
    units, joiner = (last.split(" "), " ") if " " in last else (list(last), "")
    font, options = font_for(last, size, bold), _text_options(rtl, lang)
    while len(units) > 1 and font.getlength(_shape(joiner.join(units) + "…", rtl), **options) > TEXT_WIDTH:
        units.pop()
    kept[-1] = joiner.join(units) + "…"
    return kept


@cache
def card_palette() -> Image.Image:
    """Every colour a card has: the background, and each text colour blended into it in 85 steps (the edges of
    anti-aliased letters). Nothing is drawn over anything but the background."""
    colours = [
        tuple(round(back + (front - back) * step / 84) for back, front in zip(BACKGROUND, colour, strict=True))
        for colour in (TEXT, ACCENT, MUTED)
        for step in range(85)
    ]
    flat = [channel for colour in dict.fromkeys(colours) for channel in colour]
    palette = Image.new("P", (1, 1))
    palette.putpalette(flat)
    return palette


def card_png(image: Image.Image, path) -> None:
    """Save the card as a palette PNG: a third of the pixels' bytes to compress, so it takes 5 ms instead of 17
    and the file is half as big; the palette's nearest colours are at most a few levels off the drawing's."""
    card = image.quantize(palette=card_palette(), dither=Image.Dither.NONE)
    card.save(path, "PNG", optimize=False, compress_level=3)


@cache
def _code_and_fonts_digest() -> str:
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for path in FONTS.values():
        digest.update(hashlib.sha256(Path(path).read_bytes()).digest() if Path(path).is_file() else b"-")
    digest.update(f"raqm={features.check('raqm')}".encode())
    return digest.hexdigest()


def card_key(fields: dict) -> str:
    return hashlib.sha256((_code_and_fonts_digest() + json.dumps(fields, sort_keys=True)).encode()).hexdigest()


def card_path(fields: dict, cache_dir: Path) -> Path:
    """Where the card drawn from these inputs is kept in the cache."""
    key = card_key(fields)
    return Path(cache_dir) / key[:2] / f"{key}.png"


def cached_card(fields: dict, cache_dir: Path) -> Path:
    """The card's PNG in the cache, drawn only when nothing drawn from the same inputs is there."""
    path = card_path(fields, cache_dir)
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(suffix=".png", dir=path.parent)
        os.close(handle)
        card_png(render_card(fields), temporary)
        os.chmod(temporary, 0o644)  # mkstemp makes it 0600; the site's copy is often a hard link of it
        os.replace(temporary, path)
    return path


def card_alt(fields: dict, comma: str) -> str:
    """What the card says, for those who do not see it: "name — kind, where"."""
    said = comma.join(text for text in (fields["kind"], fields["where"]) if text)
    return f"{fields['name']} — {said}" if said else fields["name"]


class CardBuild:
    """Cards of one build: made when a place or programme page is rendered, copied beside the page at the end."""

    SECTIONS = ("centres", "programmes")

    def __init__(self, site):
        self.site = site
        self.cache = cards_settings(site.settings)["cache"] or build_cache_dir(site.theme) / "atlas-cards"
        self.files: dict[str, Path] = {}
        self.pending: dict[Path, dict] = {}  # cards to draw: cache path -> fields
        missing = missing_fonts()
        if missing:
            raise SystemExit(
                f"share cards: missing fonts {', '.join(missing)}; install the Debian packages "
                f"{' '.join(FONT_PACKAGES)} (as root: invoke card-deps)"
            )

    def fields(self, views, parts, context) -> dict | None:
        _ = views._
        if parts[0] == "centres" and "place" in context:
            place = context["place"]
            kind, where = (
                place["kind_label"],
                _("%(town)s, %(country)s") % {"town": place["town"], "country": place["country_name"]},
            )
            name = place["name"]
        elif parts[0] == "programmes" and "programme" in context:
            programme = context["programme"]
            name, kind = programme["name"], _("Residency programme")
            where = _(", ").join(c["name"] for c in programme["countries"])
        else:
            return None
        return {
            "lang": views.lang,
            "rtl": self.site.direction(views.lang) == "rtl",
            "name": name,
            "kind": kind,
            "where": where,
            "site": _("Atlas of the Centres culturels de rencontre"),
        }

    def site_fields(self, views) -> dict:
        """The card of the pages that are not a place's or a programme's: the atlas itself, in their language."""
        _ = views._
        return {
            "lang": views.lang,
            "rtl": self.site.direction(views.lang) == "rtl",
            "name": _("Atlas of the Centres culturels de rencontre"),
            "kind": "",
            "where": _("The network of heritage sites that live again as cultural centres, in France and abroad."),
            "site": "",
        }

    def page_context(self, views, parts, context) -> None:
        fields = None
        if 2 <= len(parts) <= 3 and parts[0] in self.SECTIONS:
            # A fact sheet (centres/<slug>/print/) is shared with its place's card.
            fields, where = self.fields(views, parts, context), (parts[0], parts[1])
        if fields is None:
            fields, where = self.site_fields(views), ()
        relative = "/".join((views.lang, *where, CARD_NAME))
        if relative not in self.files:
            # Drawn (when not cached yet) in write(), on every core: cards are the bulk of a build with a cold cache.
            path = card_path(fields, self.cache)
            try:
                mark_used(path, path.stat().st_mtime)
            except FileNotFoundError:
                self.pending.setdefault(path, fields)
            self.files[relative] = path
        self.site.attach(relative)
        context["atlas_card"] = {
            "url": self.site.url(views.lang, *where) + CARD_NAME,
            "width": SIZE[0],
            "height": SIZE[1],
            "alt": card_alt(fields, views._(", ")),
        }

    def worker_state(self) -> dict:
        return {"files": self.files, "pending": self.pending}

    def merge_worker_state(self, state: dict) -> None:
        self.files.update(state["files"])
        self.pending.update(state["pending"])

    def draw_pending(self) -> None:
        fields = [self.pending[path] for path in sorted(self.pending)]
        self.pending = {}
        workers = min(os.cpu_count() or 1, 4)
        if workers > 1 and len(fields) >= 16:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            context = multiprocessing.get_context("fork") if hasattr(os, "fork") else None
            with ProcessPoolExecutor(workers, mp_context=context) as pool:
                list(pool.map(_draw, fields, [self.cache] * len(fields), chunksize=32))
        else:
            for item in fields:
                cached_card(item, self.cache)

    def write(self, output: Path, views_by_lang: dict | None = None) -> list[str]:
        self.draw_pending()
        written = publish_cached(self.files, output)
        prune_unused(self.cache)
        return written


def _draw(fields: dict, cache_dir: Path) -> str:
    return str(cached_card(fields, cache_dir))
