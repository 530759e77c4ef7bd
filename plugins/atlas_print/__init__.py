"""Atlas print: a one-page printable fact sheet per place (/<lang>/centres/<slug>/print/) with a QR code of the
place's permanent URL (qr_codes.py: an SVG written into the page). Settings: ATLAS_PRINT (settings.py): the address
the QR codes give when SITEURL is not absolute, and the folder of the QR codes already drawn."""

from __future__ import annotations

from urllib.parse import urlsplit

from atlas_site.cache_pruning import prune_unused
from atlas_site.extensions import connect_extension, plugin_enabled, stop_on_settings_error
from atlas_site.site import PageSpec, build_cache_dir

from .qr_codes import QrCodes
from .settings import PrintSettingsError, print_settings

PRINT = "print"


def enabled(settings: dict) -> bool:
    return plugin_enabled(settings, "atlas_print")


class PrintBuild:
    def __init__(self, site):
        self.site = site
        options = print_settings(site.settings)
        siteurl = site.siteurl
        if not urlsplit(siteurl).scheme:
            siteurl = options["siteurl"].rstrip("/") + siteurl
        self.public = siteurl
        self.cache = options["cache"] or build_cache_dir(site.theme) / "atlas-print"
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


check_settings = stop_on_settings_error(print_settings, PrintSettingsError)


def register():
    from pelican import signals

    signals.initialized.connect(check_settings)
    connect_extension("atlas_print", PrintBuild)
