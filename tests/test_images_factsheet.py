"""Printable fact sheets (atlas_print): one page per place and language, with a QR code of its permanent URL."""

from __future__ import annotations

import io
import re

import pytest
from support import CHROMIUM, LANGUAGES, SAMPLE_SITE, launch_chromium, soup_of

ABBEY = "abbaye-d-exemple"
PLACES = sorted(p.name for p in (SAMPLE_SITE / "centres").iterdir() if p.is_dir())


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_place_has_a_fact_sheet_linked_from_its_page(sample_build, lang):
    for slug in PLACES:
        sheet = soup_of(sample_build, f"/{lang}/centres/{slug}/print/")
        assert sheet.html["lang"] == lang and sheet.html["dir"] == ("rtl" if lang == "ar" else "ltr")
        assert sheet.find("link", rel="canonical")["href"] == f"/{lang}/centres/{slug}/"
        assert sheet.find("meta", attrs={"name": "robots"})["content"] == "noindex"
        assert not sheet.find_all("script")
        page = soup_of(sample_build, f"/{lang}/centres/{slug}/")
        assert page.select_one(f'a[href="/{lang}/centres/{slug}/print/"]')


@pytest.mark.parametrize("lang", LANGUAGES)
def test_qr_code_is_labelled_with_the_permanent_url(sample_build, lang):
    sheet = soup_of(sample_build, f"/{lang}/centres/{ABBEY}/print/")
    url = f"http://127.0.0.1:8000/{lang}/centres/{ABBEY}/"  # no absolute SITEURL locally: ATLAS_PRINT's default
    svg = sheet.select_one("svg.qr-code")
    assert svg["role"] == "img" and url in svg["aria-label"] and url in svg.title.get_text()
    assert sheet.select_one(".factsheet__qr figcaption").get_text(strip=True) == url


@pytest.mark.parametrize("lang", LANGUAGES)
def test_qr_code_as_chromium_draws_it_reads_as_the_permanent_url(browser, sample_build, lang):
    """Read by ZXing (zxing-cpp), an encoder-independent reader, from a screenshot of the sheet as printed."""
    import zxingcpp
    from PIL import Image

    page = browser.new_page()
    page.goto((sample_build / lang / "centres" / ABBEY / "print" / "index.html").as_uri())
    page.add_style_tag(content=(sample_build / "theme" / "css" / "factsheet.css").read_text(encoding="utf-8"))
    page.emulate_media(media="print")
    shot = page.locator("svg.qr-code").screenshot()
    page.close()
    image = Image.open(io.BytesIO(shot))
    assert image.width < 200  # 9rem: a code as small as the sheet prints it, about 4 pixels a module
    codes = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert [c.text for c in codes] == [f"http://127.0.0.1:8000/{lang}/centres/{ABBEY}/"]
    assert codes[0].ec_level == "M"


def test_qr_code_uses_the_public_siteurl_when_publishing(monkeypatch):
    from atlas_print import PrintBuild

    class Site:
        siteurl = "https://example.org/atlas"
        settings = {}
        config = {"root": "/nonexistent"}
        theme = "/nonexistent/theme"

        def url(self, lang, *parts):
            return f"{self.siteurl}/{lang}/{'/'.join(parts)}/"

    assert PrintBuild(Site()).permanent_url("ar", "x") == "https://example.org/atlas/ar/centres/x/"


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (invoke browser-deps)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.mark.parametrize("lang", ["fr", "ar", "zh"])
def test_fact_sheet_prints_on_one_page(browser, sample_build, lang):
    page = browser.new_page()
    page.goto((sample_build / lang / "centres" / ABBEY / "print" / "index.html").as_uri())
    # file:// URLs: the stylesheet's absolute path /theme/... is resolved against the build folder.
    css = (sample_build / "theme" / "css" / "factsheet.css").read_text(encoding="utf-8")
    page.add_style_tag(content=css)
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    page.close()
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1


def test_qr_codes_are_kept_in_one_file_per_language_and_a_damaged_one_is_drawn_again(tmp_path):
    import tasks

    cache = tmp_path / "qr-cache"
    overrides = {"ATLAS_PRINT": {"cache": str(cache)}}
    assert tasks.build_site(output=tmp_path / "first", root=SAMPLE_SITE, overrides=overrides) == 0
    kept = sorted(p.name for p in cache.iterdir() if not p.name.startswith("."))
    assert kept == sorted(f"qr-codes.{lang}.pickle" for lang in LANGUAGES)
    (cache / "qr-codes.fr.pickle").write_bytes(b"not a pickle")
    assert tasks.build_site(output=tmp_path / "second", root=SAMPLE_SITE, overrides=overrides) == 0
    for lang in LANGUAGES:
        first, second = (
            soup_of(tmp_path / build, f"/{lang}/centres/{ABBEY}/print/").select_one("svg.qr-code")
            for build in ("first", "second")
        )
        assert first is not None and str(first) == str(second)


def test_qr_codes_of_the_older_one_file_each_layout_leave_the_cache(tmp_path):
    import os
    import time

    import tasks

    cache = tmp_path / "qr-cache"
    month_ago = time.time() - 30 * 86400
    old = cache / "3f" / "3fa4.svg"  # as builds before the one-file-per-language layout kept a code
    old.parent.mkdir(parents=True)
    old.write_text("<svg/>", encoding="utf-8")
    os.utime(old, (month_ago, month_ago))
    overrides = {"ATLAS_PRINT": {"cache": str(cache)}}
    assert tasks.build_site(output=tmp_path / "site", root=SAMPLE_SITE, overrides=overrides) == 0
    assert not old.exists()
    assert sorted(p.name for p in cache.glob("qr-codes.*")) == sorted(f"qr-codes.{lang}.pickle" for lang in LANGUAGES)
