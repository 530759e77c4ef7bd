"""Embeddable maps (plugins/atlas_maps): a small page per map meant for other sites' iframes, in every language
(/<lang>/embed/network/, /<lang>/embed/countries/<cc>/, /<lang>/embed/centres/<slug>/), the iframe code shown
on place and country pages, and in a real browser: markers drawn with tiles blocked, no violation for axe-core."""

from __future__ import annotations

from pathlib import Path

import pytest
from atlas_records import load_atlas
from support import CHROMIUM, LANGUAGES, ROOT, axe_violations, soup_of
from test_maps_browser import TILE_HOST, browser, external_hosts, open_map, page, site  # noqa: F401

browser_only = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (invoke browser-deps)")


@pytest.fixture(scope="module")
def places():
    """(current places with a position, former members) of the shipped content."""
    atlas = load_atlas(ROOT, LANGUAGES, "fr")
    records = list(atlas.of_type("centre"))
    current = [r for r in records if r["kind"] != "former-member" and r.get("coordinates")]
    former = [r for r in records if r["kind"] == "former-member"]
    assert current and former
    return current, former


def embed_pages(build: Path, lang: str) -> set[str]:
    return {
        "/" + path.parent.relative_to(build).as_posix() + "/" for path in (build / lang / "embed").rglob("index.html")
    }


# -- the pages ---------------------------------------------------------------------------------------
def test_an_embed_page_for_the_network_each_country_with_places_and_each_current_place(real_build, places):
    current, former = places
    for lang in LANGUAGES:
        expected = {f"/{lang}/embed/network/"}
        expected |= {f"/{lang}/embed/countries/{r['country'].lower()}/" for r in current}
        expected |= {f"/{lang}/embed/centres/{r.slug}/" for r in current}
        assert embed_pages(real_build, lang) == expected
        for record in former:
            assert not (real_build / lang / "embed" / "centres" / record.slug).exists()


@pytest.mark.parametrize(
    ("path", "full"),
    [
        ("embed/network", ""),
        ("embed/countries/fr", "countries/fr"),
        ("embed/centres/abbaye-de-noirlac", "centres/abbaye-de-noirlac"),
    ],
)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_embed_page_is_a_map_alone_that_links_to_its_full_page(real_build, lang, path, full):
    soup = soup_of(real_build, f"/{lang}/{path}/")
    html = soup.find("html")
    assert html["lang"] == lang and html["dir"] == ("rtl" if lang == "ar" else "ltr")
    assert soup.title.get_text(strip=True)
    assert soup.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    full_url = f"/{lang}/{full}/" if full else f"/{lang}/"
    assert soup.find("link", rel="canonical")["href"] == full_url
    alternates = {link["hreflang"]: link["href"] for link in soup.find_all("link", rel="alternate", hreflang=True)}
    assert set(alternates) == {*LANGUAGES, "x-default"}
    assert alternates["en"] == full_url.replace(f"/{lang}/", "/en/", 1)
    # No header, menu, language switcher or footer of the site: the map and a line of links.
    assert not soup.select("header, nav, footer, .site-header, .site-footer")
    root = soup.select_one("#atlas_map[data-atlas-map]")
    assert root is not None and root.get("aria-label")
    view = soup.select_one(".embed__links a[target=_top]")
    assert view["href"] == full_url
    if path == "embed/network":  # text alternative of the network map: the list of every place
        assert soup.select_one(f'.embed__links a[href="/{lang}/centres/"][target=_top]')
    # Scripts are the site's own files only: no inline script (the Content-Security-Policy forbids them).
    for script in soup.find_all("script"):
        assert script.get("src", "").startswith("/theme/") or script.get("type") == "application/ld+json"
    sources = {script["src"] for script in soup.find_all("script", src=True)}
    assert "/theme/js/atlas-map.js" in sources and "/theme/vendor/leaflet/leaflet.js" in sources


def test_former_members_and_their_pages_have_no_embed_code(real_build, places):
    _, former = places
    for record in former:
        assert not soup_of(real_build, f"/fr/centres/{record.slug}/").select(".map-embed")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_code_on_place_and_country_pages_frames_an_existing_embed_page(real_build, lang):
    from bs4 import BeautifulSoup

    for url, embed in (
        (f"/{lang}/centres/abbaye-de-noirlac/", f"/{lang}/embed/centres/abbaye-de-noirlac/"),
        (f"/{lang}/countries/fr/", f"/{lang}/embed/countries/fr/"),
    ):
        section = soup_of(real_build, url).select_one("details.map-embed")
        assert section is not None and section.summary.get_text(strip=True), url
        code = section.select_one("pre code").get_text()
        iframe = BeautifulSoup(code, "html.parser").find("iframe")
        assert iframe["src"] == embed
        assert (real_build / embed.strip("/") / "index.html").is_file()
        assert iframe["title"] and iframe["loading"] == "lazy"
        assert (iframe["width"], iframe["height"]) == ("600", "400")
        assert section.select_one(f'a[href="{embed}"]')
    # The iframe's title is in the page's language.
    titles = {
        lang: BeautifulSoup(
            soup_of(real_build, f"/{lang}/countries/fr/").select_one("details.map-embed pre code").get_text(),
            "html.parser",
        ).iframe["title"]
        for lang in LANGUAGES
    }
    assert len(set(titles.values())) == len(LANGUAGES)


# -- in a browser -----------------------------------------------------------------------------------
@browser_only
@pytest.mark.parametrize(
    "path", ["/fr/embed/network/", "/ar/embed/countries/fr/", "/zh/embed/centres/abbaye-de-noirlac/"]
)
def test_an_embed_page_draws_its_map_without_tiles_and_asks_only_for_tiles_elsewhere(page, path):  # noqa: F811
    open_map(page, path)
    drawn = (
        page.locator("#atlas_map .leaflet-marker-icon").count()
        + page.locator("#atlas_map .leaflet-overlay-pane path").count()
    )
    assert drawn > 0
    if "/centres/" not in path:
        assert int(page.locator("#atlas_map").get_attribute("data-markers")) > 1
    box = page.locator("#atlas_map").bounding_box()
    assert box["height"] > 0.6 * page.viewport_size["height"]  # the map fills the frame
    assert external_hosts(page) <= {TILE_HOST}


@browser_only
def test_the_network_embed_has_as_many_markers_as_the_full_map_and_tab_reaches_them(page):  # noqa: F811
    open_map(page, "/en/centres/")
    total = int(page.locator("#atlas_map").get_attribute("data-markers"))
    open_map(page, "/en/embed/network/")
    assert int(page.locator("#atlas_map").get_attribute("data-markers")) == total
    page.focus("#atlas_map")
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.matches('.leaflet-marker-icon:not(.atlas-cluster)')"):
            break
    else:
        pytest.fail("no marker reached with Tab")
    page.keyboard.press("Enter")
    link = page.locator("#atlas_map .leaflet-popup .atlas-popup__title a")
    link.wait_for(timeout=5000)
    assert link.get_attribute("href").startswith("/en/centres/")
    assert page.evaluate("() => document.querySelector('base').target") == "_top"  # opens the atlas, not in the frame


@browser_only
@pytest.mark.parametrize("path", ["/fr/embed/network/", "/ar/embed/network/", "/ar/embed/centres/aria-corse/"])
def test_axe_finds_no_violation_on_embed_pages(page, path):  # noqa: F811
    open_map(page, path)
    page.wait_for_timeout(400)  # let the markers' fade-in end: axe measures contrast on what is painted
    violations = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in axe_violations(page)]
    assert violations == []
