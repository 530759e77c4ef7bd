"""QR codes of the fact sheets: encoded by libzint (zint-bindings), written here as an SVG sized by CSS.

libzint chooses the mask as ISO/IEC 18004 asks (the one whose penalty score is lowest), in C: a code and its SVG
take about 1 ms. segno, in pure Python, took 12 ms a code, most of it scoring the eight masks: the 8,000 codes of
2,000 places in four languages took 48 s of a build from an empty cache."""

from __future__ import annotations

import hashlib
import html
import json
import re
from functools import cache
from importlib.metadata import version

import zint
from atlas_site.kept_by_key import KeptByKey
from markupsafe import Markup

ERROR_CORRECTION = 2  # libzint's option_1 for QR codes: 1 L, 2 M (15 % of the code may be lost), 3 Q, 4 H
QUIET_ZONE = 2  # modules of white around the code; the sheet around it is white too
SVG_FORMAT = 1  # raised when qr_svg writes anything differently: the cached codes are drawn again
DARK_RUN = re.compile("1+")


def qr_rows(text: str) -> list[str]:
    """The code's modules, one string a row: "1" dark, "0" light."""
    symbol = zint.Symbol()
    symbol.symbology = zint.Symbology.QRCODE
    symbol.option_1 = ERROR_CORRECTION
    symbol.encode(text.encode("utf-8"))
    width, stride = symbol.width, symbol.encoded_data.shape[1]
    data = symbol.encoded_data.tobytes()  # a row of bytes per row of modules, eight a byte, lowest bit first
    rows = (int.from_bytes(data[y * stride : (y + 1) * stride], "little") for y in range(symbol.rows))
    return [format(row, "b").zfill(width)[::-1][:width] for row in rows]


def qr_svg(text: str, title: str) -> str:
    """An SVG QR code of text, sized by CSS (viewBox only), dark on white for any printer: one rectangle per run
    of dark modules, edges kept crisp so that no seam shows between rows."""
    rows = qr_rows(text)
    size = len(rows) + 2 * QUIET_ZONE
    dark = "".join(
        f"M{run.start() + QUIET_ZONE} {y + QUIET_ZONE}h{len(run[0])}v1h-{len(run[0])}z"
        for y, row in enumerate(rows)
        for run in DARK_RUN.finditer(row)
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" class="qr-code" '
        f'shape-rendering="crispEdges"><title>{html.escape(title, quote=False)}</title>'
        f'<path fill="#fff" d="M0 0h{size}v{size}h-{size}z"/><path fill="#000" d="{dark}"/></svg>'
    )


@cache
def _encoder_version() -> str:
    return f"zint-bindings {version('zint-bindings')}, svg {SVG_FORMAT}, ec {ERROR_CORRECTION}, zone {QUIET_ZONE}"


class QrCodes:
    """The QR codes of one language's fact sheets, drawn once and kept by their inputs in one file per
    language: a build reads that file instead of one file per place (8,000 reads at 2,000 places, slow when
    the disk cache is cold)."""

    def __init__(self, path, places: int):
        self.store, self.places = KeptByKey(path), places

    def svg(self, url: str, title: str) -> Markup:
        key = hashlib.sha256(json.dumps([_encoder_version(), url, title]).encode()).hexdigest()
        svg = self.store.get(key) or self.store.put(key, qr_svg(url, title))
        label = html.escape(title, quote=True)
        return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1))

    def save(self) -> None:
        """A build that drew every place's code keeps only those; a rebuild, which draws few, keeps the others
        too (the fact sheets it did not draw stay as they were)."""
        self.store.save(keep_unused=len(self.store.used) < self.places)
