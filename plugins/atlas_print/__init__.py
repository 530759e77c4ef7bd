"""Atlas print: a one-page printable fact sheet per place (/<lang>/centres/<slug>/print/) with a QR code of the
place's permanent URL (segno, SVG written into the page). Settings: ATLAS_PRINT = {"siteurl": ...}, the public
address encoded in the QR codes when SITEURL is not absolute (local builds; default http://127.0.0.1:8000), and
"cache", the folder of the QR codes already drawn, one file per language (default <atlas root>/.cache/atlas-print)."""

from __future__ import annotations

import hashlib
import html
import io
import json
from pathlib import Path
from urllib.parse import urlsplit

import segno
from atlas_site.extensions import connect_extension, plugin_enabled
from atlas_site.kept_by_key import KeptByKey
from atlas_site.site import PageSpec, build_cache_dir
from markupsafe import Markup

PRINT = "print"
LOCAL_SITEURL = "http://127.0.0.1:8000"


def enabled(settings: dict) -> bool:
    return plugin_enabled(settings, "atlas_print")


QR_OPTIONS = {
    "kind": "svg",
    "xmldecl": False,
    "svgns": True,
    "nl": False,
    "omitsize": True,
    "border": 2,
    "dark": "#000",
    "light": "#fff",
    "svgclass": "qr-code",
    "lineclass": None,
}


def qr_svg(url: str, title: str) -> str:
    """An SVG QR code of url, sized by CSS (viewBox only), dark on white for any printer (some 13 ms each)."""
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, title=title, **QR_OPTIONS)
    return buffer.getvalue().decode("utf-8")


class QrCodes:
    """The QR codes of one language's fact sheets, drawn once and kept by their inputs in one file per
    language: a build reads that file instead of one file per place (8,000 reads at 2,000 places, slow when
    the disk cache is cold)."""

    def __init__(self, path: Path, places: int):
        self.store, self.places = KeptByKey(path), places

    def svg(self, url: str, title: str) -> Markup:
        key = hashlib.sha256(json.dumps([segno.__version__, url, title, QR_OPTIONS]).encode()).hexdigest()
        svg = self.store.get(key) or self.store.put(key, qr_svg(url, title))
        label = html.escape(title, quote=True)
        return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1))

    def save(self) -> None:
        """A build that drew every place's code keeps only those; a rebuild, which draws few, keeps the others
        too (the fact sheets it did not draw stay as they were)."""
        self.store.save(keep_unused=len(self.store.used) < self.places)


class PrintBuild:
    def __init__(self, site):
        self.site = site
        siteurl = site.siteurl
        if not urlsplit(siteurl).scheme:
            siteurl = ((site.settings.get("ATLAS_PRINT") or {}).get("siteurl") or LOCAL_SITEURL).rstrip("/") + siteurl
        self.public = siteurl
        options = site.settings.get("ATLAS_PRINT") or {}
        self.cache = Path(options.get("cache") or build_cache_dir(site.theme) / "atlas-print")
        self.codes: dict[str, QrCodes] = {}

    def permanent_url(self, lang: str, slug: str) -> str:
        return self.public + self.site.url(lang, "centres", slug)[len(self.site.siteurl) :]

    def add_specs(self, specs) -> None:
        for record in self.site.atlas.of_type("centre"):
            specs.append(
                PageSpec(
                    ("centres", record.slug, PRINT),
                    "factsheet.html",
                    lambda views, r=record: self.context(views, r),
                    indexable=False,
                    depends=self.site.place_depends(record),
                )
            )

    def context(self, views, record) -> dict:
        place = views.place(record)
        url = self.permanent_url(views.lang, record.slug)
        title = views._("QR code of the page's address: %(url)s") % {"url": url}
        return {"place": place, "permanent_url": url, "qr": self.qr_codes(views.lang).svg(url, title)}

    def qr_codes(self, lang: str) -> QrCodes:
        if lang not in self.codes:
            places = len(self.site.atlas.of_type("centre"))
            self.codes[lang] = QrCodes(self.cache / f"qr-codes.{lang}.pickle", places)
        return self.codes[lang]

    def language_written(self, output, lang: str) -> None:
        """Save the language's QR codes in the process that rendered it (a second process renders some)."""
        codes = self.codes.pop(lang, None)
        if codes is not None:
            codes.save()

    def page_context(self, views, parts, context) -> None:
        if len(parts) == 2 and parts[0] == "centres":
            context["atlas_print"] = {"url": self.site.url(views.lang, *parts, PRINT)}


def register():
    connect_extension("atlas_print", PrintBuild)
