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
def test_qr_code_encodes_the_permanent_url(sample_build, lang):
    import segno

    sheet = soup_of(sample_build, f"/{lang}/centres/{ABBEY}/print/")
    url = f"http://127.0.0.1:8000/{lang}/centres/{ABBEY}/"  # no absolute SITEURL locally: ATLAS_PRINT's default
    svg = sheet.select_one("svg.qr-code")
    assert svg["role"] == "img" and url in svg["aria-label"]
    assert sheet.select_one(".factsheet__qr figcaption").get_text(strip=True) == url
    drawn = re.findall(r'd="([^"]+)"', str(svg))[-1]  # the dark modules' path
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="svg", xmldecl=False, nl=False, omitsize=True, border=2)
    assert f'd="{drawn}"' in buffer.getvalue().decode(), "the QR code does not encode the page's permanent URL"


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
    assert sorted(p.name for p in cache.iterdir()) == sorted(f"qr-codes.{lang}.pickle" for lang in LANGUAGES)
    (cache / "qr-codes.fr.pickle").write_bytes(b"not a pickle")
    assert tasks.build_site(output=tmp_path / "second", root=SAMPLE_SITE, overrides=overrides) == 0
    for lang in LANGUAGES:
        first, second = (
            soup_of(tmp_path / build, f"/{lang}/centres/{ABBEY}/print/").select_one("svg.qr-code")
            for build in ("first", "second")
        )
        assert first is not None and str(first) == str(second)
