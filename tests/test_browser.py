"""The built site in a real browser: no request leaves 127.0.0.1, and axe-core finds no WCAG A/AA violation."""

from __future__ import annotations

import functools
import io
import os
import threading
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from support import AXE, CHROMIUM, LocalServer, axe_violations, launch_chromium

# The only outside requests a page may make: map tiles of the maps' base layer (aborted in the tests all
# the same). Scripts, styles, fonts or data from elsewhere fail the tests. Empty this set to forbid tiles too.
TILE_HOSTS = {"tile.openstreetmap.org"}


def _unavailable(reason: str):
    """Skip on a workstation without the browser; in CI a missing browser is a failure."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so the browser tests must run)")
    pytest.skip(reason)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def _serve(folder: Path):
    server = LocalServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture(scope="module")
def sample_server(sample_build):
    server, url = _serve(sample_build)
    yield url
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def real_server(real_build):
    server, url = _serve(real_build)
    yield url
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing: install Debian's chromium (invoke browser-deps)")
    if not AXE.is_file():
        _unavailable(f"{AXE} is missing: run npm ci (invoke browser-deps)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -r requirements.txt)")
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


class Visit:
    """One page load with every request off 127.0.0.1 aborted and recorded."""

    def __init__(self, browser, **options):
        self.context = browser.new_context(**options)
        self.blocked: list[str] = []
        self.blocked_types: dict[str, str] = {}
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()

    def _route(self, route):
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            self.blocked_types[route.request.url] = route.request.resource_type
            route.abort()

    def unexpected_outside_requests(self) -> list[str]:
        """Blocked requests other than the map's base-layer tiles (images only, from TILE_HOSTS)."""
        return [
            url
            for url in self.blocked
            if not (self.blocked_types[url] == "image" and urlsplit(url).hostname in TILE_HOSTS)
        ]

    def open(self, url: str):
        response = self.page.goto(url, wait_until="load")
        assert response is not None and response.status == 200, f"{url}: HTTP {response and response.status}"
        return self.page

    def axe_violations(self) -> list[dict]:
        return axe_violations(self.page)

    def close(self):
        self.context.close()


@pytest.fixture
def visit(browser):
    opened = Visit(browser)
    yield opened
    opened.close()


def readable(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"]:
            lines.append(f"    at {' '.join(map(str, node['target']))}: {node['html'][:160]}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n      ")
            lines.append(f"      {summary}")
    return "\n".join(lines)


SAMPLE_PAGES = [
    ("/fr/", "fr", "ltr"),
    ("/fr/centres/abbaye-d-exemple/", "fr", "ltr"),
    ("/ar/centres/abbaye-d-exemple/", "ar", "rtl"),
    ("/ar/centres/prieure-imaginaire/", "ar", "rtl"),  # French text shown as a fallback
    ("/zh/programmes/programme-fictif/", "zh", "ltr"),
]


@pytest.mark.parametrize(("path", "lang", "direction"), SAMPLE_PAGES)
def test_sample_page_has_no_wcag_violation_and_no_outside_request(visit, sample_server, path, lang, direction):
    page = visit.open(sample_server + path)
    assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == [lang, direction]
    violations = visit.axe_violations()
    assert not violations, f"axe found {len(violations)} violation(s) on {path}:\n{readable(violations)}"
    assert visit.unexpected_outside_requests() == [], f"requests outside 127.0.0.1 on {path}"


def test_stylesheet_is_served_and_applied(visit, sample_server):
    page = visit.open(sample_server + "/fr/")
    sheets = page.evaluate("[...document.styleSheets].map(s => s.href)")
    assert sample_server + "/theme/css/atlas.css" in sheets
    assert page.evaluate("document.styleSheets[0].cssRules.length") > 0


def test_svg_icon_looks_like_the_drawn_png_icon(visit, sample_server, sample_build):
    """favicon.svg (written as text) and apple-touch-icon.png (drawn by Pillow) come from one geometry."""
    from PIL import Image, ImageChops, ImageDraw

    page = visit.page
    page.set_viewport_size({"width": 180, "height": 180})
    visit.open(sample_server + "/favicon.svg")
    shown = Image.open(io.BytesIO(page.screenshot())).convert("RGB")
    drawn = Image.open(sample_build / "apple-touch-icon.png").convert("RGB")
    inside = Image.new("L", (180, 180), 0)
    ImageDraw.Draw(inside).ellipse((10, 10, 170, 170), fill=255)  # the SVG's corners are rounded, the PNG's not
    far_off = ImageChops.difference(shown, drawn).convert("L").point(lambda value: 255 if value > 48 else 0)
    differing = ImageChops.multiply(far_off, inside).histogram()[255]
    assert differing < 180 * 2, f"{differing} pixels differ: the SVG and the PNG icons are not the same drawing"


@pytest.mark.parametrize(
    ("languages", "home"),
    [
        (["fr-FR"], "fr"),
        (["en-GB", "fr"], "en"),
        (["ar-LB"], "ar"),
        (["zh-TW"], "zh"),
        (["de-DE", "ar", "en"], "ar"),  # the first one the atlas is written in
        (["de-DE"], "fr"),  # none of them: the default language
    ],
)
def test_root_sends_the_browser_to_the_home_in_its_language(browser, sample_server, languages, home):
    context = browser.new_context(locale=languages[0])
    try:
        # Playwright's locale gives a single navigator.languages entry: the visitor's other languages are added.
        context.add_init_script(f"Object.defineProperty(navigator, 'languages', {{get: () => {languages!r}}});")
        page = context.new_page()
        page.goto(sample_server + "/")
        page.wait_for_url(f"{sample_server}/{home}/", timeout=10_000)
        assert page.evaluate("document.documentElement.lang") == home
    finally:
        context.close()


def test_root_without_javascript_sends_the_browser_to_the_french_home(browser, sample_server):
    context = browser.new_context(locale="ar-LB", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(sample_server + "/")
        page.wait_for_url(sample_server + "/fr/", timeout=10_000)
        assert page.evaluate("document.documentElement.lang") == "fr"
    finally:
        context.close()


def test_alias_sends_the_browser_to_the_current_page(visit, sample_server):
    page = visit.page
    page.goto(sample_server + "/en/centres/old-slug/")
    page.wait_for_url(sample_server + "/en/centres/chateau-de-nullepart/", timeout=10_000)


def test_shipped_place_page_has_no_wcag_violation_and_no_outside_request(visit, real_server, real_build):
    places = sorted((real_build / "fr" / "centres").iterdir())
    slug = "abbaye-de-royaumont" if (real_build / "fr/centres/abbaye-de-royaumont").is_dir() else places[0].name
    path = f"/fr/centres/{slug}/"
    visit.open(real_server + path)
    violations = visit.axe_violations()
    assert not violations, f"axe found {len(violations)} violation(s) on {path}:\n{readable(violations)}"
    assert visit.unexpected_outside_requests() == [], f"requests outside 127.0.0.1 on {path}"


def test_outside_requests_are_caught(visit, sample_server):
    # Guards the checks above: a page reaching outside 127.0.0.1 must be noticed.
    page = visit.open(sample_server + "/fr/")
    page.evaluate("fetch('https://example.org/tracker.js').catch(() => null)")
    page.wait_for_timeout(200)
    assert "https://example.org/tracker.js" in visit.unexpected_outside_requests()


def test_axe_reports_a_violation_added_to_a_page(visit, sample_server):
    # Guards the checks above: the axe run must see what is wrong with the page.
    page = visit.open(sample_server + "/fr/")
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"/none.png\">')")
    assert "image-alt" in [v["id"] for v in visit.axe_violations()]


# -- dark pages ---------------------------------------------------------------------------------------------
DARK_PAGES = [
    "/fr/",  # the network map, its filters and list, the kind badges
    "/ar/centres/abbaye-d-exemple/",  # the facts, a place map, the sources
    "/ar/centres/prieure-imaginaire/",  # the notice of a text in another language
    "/en/programmes/programme-fictif/",  # a table of figures, the calls' status
    "/zh/statistics/",  # the charts
    "/fr/search/?q=abbaye",
]


def luminance(css_colour: str) -> float:
    red, green, blue = (int(part) / 255 for part in css_colour[css_colour.index("(") + 1 : -1].split(",")[:3])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def colour_of(page, selector: str, prop: str) -> str:
    return page.eval_on_selector(selector, f"e => getComputedStyle(e)[{prop!r}]")


def background_of(page) -> str:
    """The page's background: the body's, else (transparent) the root element's."""
    body = colour_of(page, "body", "backgroundColor")
    return colour_of(page, "html", "backgroundColor") if body == "rgba(0, 0, 0, 0)" else body


@pytest.fixture
def dark_visit(browser):
    opened = Visit(browser, color_scheme="dark")
    yield opened
    opened.close()


@pytest.mark.parametrize("path", DARK_PAGES)
def test_dark_preference_gives_dark_pages_without_wcag_violation(dark_visit, sample_server, path):
    page = dark_visit.open(sample_server + path)
    page.wait_for_timeout(500)  # the map, the charts or the search results drawn by their scripts
    assert luminance(background_of(page)) < 0.1
    assert luminance(colour_of(page, "main", "color")) > 0.8
    violations = dark_visit.axe_violations()
    assert not violations, f"axe found {len(violations)} violation(s) on {path}:\n{readable(violations)}"


def test_a_map_keeps_its_light_palette_on_a_dark_page(dark_visit, sample_server):
    page = dark_visit.open(sample_server + "/en/centres/abbaye-d-exemple/")
    page.wait_for_selector(".atlas-map .leaflet-control-attribution a")
    assert luminance(colour_of(page, ".atlas-map .leaflet-control-attribution", "backgroundColor")) > 0.9
    assert luminance(colour_of(page, ".atlas-map .leaflet-control-attribution a", "color")) < 0.3
    assert luminance(colour_of(page, "main a[href]", "color")) > 0.4  # the page's links are light


@pytest.mark.parametrize("path", ["/fr/", "/en/centres/abbaye-d-exemple/", "/ar/centres/abbaye-d-exemple/print/"])
def test_a_page_printed_with_a_dark_preference_is_dark_on_white(dark_visit, sample_server, path):
    page = dark_visit.open(sample_server + path)
    page.emulate_media(media="print", color_scheme="dark")
    assert luminance(background_of(page)) > 0.95
    assert luminance(colour_of(page, "main", "color")) < 0.1


# A page of each kind whose widest part once made a 320-pixel screen scroll sideways: the map's and the search's
# filters (a select is as wide as its longest option), a fact sheet's QR code beside its title, a programme's
# table of figures. With the element shown only once its script ran, when there is one.
NARROW_PAGES = [
    ("/en/", ".map-filters:not([hidden]) select"),
    ("/ar/centres/", ".map-filters:not([hidden]) select"),
    ("/fr/search/?q=abbaye", ".atlas-search__result-link"),
    ("/ar/centres/chartreuse-de-neuville/print/", None),
    ("/fr/programmes/odyssee/", None),
    ("/zh/centres/abbaye-de-noirlac/", None),
]


@pytest.mark.parametrize(("path", "shown"), NARROW_PAGES)
def test_shipped_page_fits_a_320_pixel_screen_without_scrolling_sideways(visit, real_server, path, shown):
    """WCAG 1.4.10, reflow: 320 CSS pixels wide, a page scrolls up and down only."""
    visit.page.set_viewport_size({"width": 320, "height": 640})
    page = visit.open(real_server + path)
    if shown:
        page.wait_for_selector(shown, timeout=10_000)
    wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => !e.closest('.leaflet-container') && e.getBoundingClientRect().right > innerWidth + 1)
            .map(e => e.tagName + ' ' + (e.textContent || '').trim().slice(0, 40))"""
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 320, wide[-5:]
