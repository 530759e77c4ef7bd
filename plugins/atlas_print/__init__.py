"""Atlas print: a one-page printable fact sheet per place (/<lang>/centres/<slug>/print/) with a QR code of the
place's permanent URL (segno, SVG written into the page). Settings: ATLAS_PRINT = {"siteurl": ...}, the public
address encoded in the QR codes when SITEURL is not absolute (local builds; default http://127.0.0.1:8000), and
"cache", the folder of the QR codes already drawn (default <atlas root>/.cache/atlas-print)."""

from __future__ import annotations

import hashlib
import html
import io
import json
import os
from pathlib import Path
from urllib.parse import urlsplit

import segno
from atlas_images.images import build_cache
from atlas_site.extensions import connect_extension, plugin_enabled
from atlas_site.site import PageSpec
from markupsafe import Markup

PRINT = "print"
LOCAL_SITEURL = "http://127.0.0.1:8000"


def enabled(settings: dict) -> bool:
    return plugin_enabled(settings, "atlas_print")


def qr_svg(url: str, title: str, cache: Path | None = None) -> Markup:
    """An SVG QR code of url, sized by CSS (viewBox only), dark on white for any printer; cached by its inputs."""
    options = {
        "kind": "svg",
        "xmldecl": False,
        "svgns": True,
        "nl": False,
        "omitsize": True,
        "border": 2,
        "dark": "#000",
        "light": "#fff",
        "title": title,
        "svgclass": "qr-code",
        "lineclass": None,
    }
    key = hashlib.sha256(json.dumps([segno.__version__, url, options], sort_keys=True).encode()).hexdigest()
    cached = Path(cache) / f"{key}.svg" if cache else None
    if cached is not None and cached.is_file():
        svg = cached.read_text(encoding="utf-8")
    else:
        buffer = io.BytesIO()
        segno.make(url, error="m", micro=False).save(buffer, **options)
        svg = buffer.getvalue().decode("utf-8")
        if cached is not None:
            cached.parent.mkdir(parents=True, exist_ok=True)
            temporary = cached.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_text(svg, encoding="utf-8")
            os.replace(temporary, cached)
    label = html.escape(title, quote=True)
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1))


class PrintBuild:
    def __init__(self, site):
        self.site = site
        siteurl = site.siteurl
        if not urlsplit(siteurl).scheme:
            siteurl = ((site.settings.get("ATLAS_PRINT") or {}).get("siteurl") or LOCAL_SITEURL).rstrip("/") + siteurl
        self.public = siteurl
        options = site.settings.get("ATLAS_PRINT") or {}
        self.cache = Path(options.get("cache") or build_cache(site) / "atlas-print")

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
        return {"place": place, "permanent_url": url, "qr": qr_svg(url, title, self.cache)}

    def page_context(self, views, parts, context) -> None:
        if len(parts) == 2 and parts[0] == "centres":
            context["atlas_print"] = {"url": self.site.url(views.lang, *parts, PRINT)}


def register():
    connect_extension("atlas_print", PrintBuild)
