"""Atlas print: a one-page printable fact sheet per place (/<lang>/centres/<slug>/print/) with a QR code of the
place's permanent URL (qr_codes.py: an SVG written into the page). Settings: ATLAS_PRINT = {"siteurl": ...}, the public
address encoded in the QR codes when SITEURL is not absolute (local builds; default http://127.0.0.1:8000), and
"cache", the folder of the QR codes already drawn, one file per language (default <atlas root>/.cache/atlas-print)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from atlas_site.cache_pruning import prune_unused
from atlas_site.extensions import connect_extension, plugin_enabled
from atlas_site.site import PageSpec, build_cache_dir

from .qr_codes import QrCodes

PRINT = "print"
LOCAL_SITEURL = "http://127.0.0.1:8000"


def enabled(settings: dict) -> bool:
    return plugin_enabled(settings, "atlas_print")


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

    def write(self, output, views_by_lang) -> None:
        # Older builds kept each code in a file of its own, in two-character folders, which nothing reads now.
        prune_unused(self.cache)

    def page_context(self, views, parts, context) -> None:
        if len(parts) == 2 and parts[0] == "centres":
            context["atlas_print"] = {"url": self.site.url(views.lang, *parts, PRINT)}


def register():
    connect_extension("atlas_print", PrintBuild)
