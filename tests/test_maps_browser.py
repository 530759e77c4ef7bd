"""Maps in a real browser (Debian chromium through Playwright): tiles blocked, every other request local."""

from __future__ import annotations

import functools
import http.server
import io
import threading
from pathlib import Path

import pytest
from PIL import Image
from support import (
    CHROMIUM,
    PHONE,
    ROOT,
    LocalServer,
    axe_violations,
    launch_chromium,
    layout_shift,
    serve_scripts_late,
    watch_layout_shifts,
)

sync_api = pytest.importorskip("playwright.sync_api")

TILE_HOST = "tile.openstreetmap.org"

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (invoke browser-deps)")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site(real_build):
    server = LocalServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(real_build)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, site):
    """A page whose requests outside 127.0.0.1 are aborted and recorded in page.outside."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.outside = []
    page.errors = []

    def route(route):
        url = route.request.url
        if url.startswith(site + "/"):
            route.continue_()
        else:
            page.outside.append(url)
            route.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.site = site
    yield page
    context.close()


def open_map(page, path: str):
    page.goto(page.site + path)
    page.wait_for_selector("#atlas_map[data-ready]", timeout=10000)
    page.wait_for_selector("#atlas_map .leaflet-atlas-outlines-pane path", timeout=10000)
    assert not page.errors, page.errors


def counts(page) -> tuple[int, int]:
    return page.evaluate("""() => [
        Number(document.querySelector('#atlas_map').dataset.markers),
        document.querySelectorAll('[data-map-list] li[data-place]:not([hidden])').length]""")


def external_hosts(page) -> set[str]:
    return {url.split("/")[2] for url in page.outside}


@pytest.mark.parametrize("path", ["/fr/", "/fr/centres/", "/ar/centres/", "/zh/countries/fr/", "/en/countries/au/"])
def test_network_and_country_maps_draw_without_tiles(page, path):
    open_map(page, path)
    markers, items = counts(page)
    assert markers == items > 0
    assert page.locator("#atlas_map .leaflet-marker-icon").count() > 0
    assert external_hosts(page) <= {TILE_HOST}


@pytest.mark.parametrize("path", ["/fr/centres/abbaye-de-noirlac/", "/ar/centres/aria-corse/"])
def test_place_map_draws_without_tiles(page, path):
    open_map(page, path)
    drawn = (
        page.locator("#atlas_map .leaflet-marker-icon").count()
        + page.locator("#atlas_map .leaflet-overlay-pane path").count()
    )
    assert drawn == 1
    assert external_hosts(page) <= {TILE_HOST}


def test_place_map_without_tiles_goes_out_to_where_the_outlines_show_the_region(page):
    open_map(page, "/fr/centres/abbaye-de-noirlac/")  # site precision: zoom 12 with tiles
    page.wait_for_selector('#atlas_map[data-tiles="missing"]', timeout=10000)
    root = page.locator("#atlas_map")
    near, region = int(root.get_attribute("data-zoom")), int(root.get_attribute("data-zoom-without-tiles"))
    assert region < near
    page.wait_for_function(f"performance.getEntriesByType('resource').some(e => e.name.includes('/{region}/'))")
    asked = {url.split("/")[3] for url in page.outside if TILE_HOST in url}
    assert {str(near), str(region)} <= asked  # the place's zoom first, then the region's
    assert page.locator("#atlas_map .leaflet-marker-icon").count() == 1  # the place is still marked


def test_place_map_with_tiles_stays_at_the_places_zoom(browser, site):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tile = io.BytesIO()
    Image.new("RGB", (256, 256), (230, 230, 220)).save(tile, "PNG")
    served = []

    def route(route):
        if route.request.url.startswith(site + "/"):
            route.continue_()
        elif TILE_HOST in route.request.url:
            served.append(route.request.url)
            route.fulfill(status=200, content_type="image/png", body=tile.getvalue())
        else:
            route.abort()

    context.route("**/*", route)
    page = context.new_page()
    try:
        page.goto(site + "/fr/centres/abbaye-de-noirlac/")
        page.wait_for_selector("#atlas_map[data-ready]", timeout=10000)
        page.wait_for_function(f"performance.getEntriesByType('resource').some(e => e.name.includes('{TILE_HOST}'))")
        page.wait_for_timeout(1000)  # time for a fallback that must not come
        assert served, "no tile asked"
        assert page.locator("#atlas_map").get_attribute("data-tiles") is None
        assert all("/12/" in url for url in served[-4:]), served[-4:]  # the place's own zoom
    finally:
        context.close()


def test_approximate_place_is_an_area_not_a_pin(page):
    open_map(page, "/fr/centres/aria-corse/")  # town precision
    assert page.locator("#atlas_map .leaflet-marker-icon").count() == 0
    assert page.locator("#atlas_map .leaflet-overlay-pane path").count() == 1


def test_filter_drives_map_list_and_url_and_survives_reload(page):
    open_map(page, "/fr/centres/")
    total = counts(page)[0]
    page.select_option("#filter-kind", "international-member")
    page.wait_for_function("location.search.includes('kind=international-member')")
    markers, items = counts(page)
    assert markers == items and 0 < items < total
    status = page.locator("[data-map-status]").inner_text()
    assert str(items) in status and str(total) in status
    page.select_option("#filter-country", "CN")
    page.wait_for_function("location.search.includes('country=CN')")
    assert counts(page)[0] == counts(page)[1] < items
    url = page.url
    page.reload()
    page.wait_for_selector("#atlas_map[data-ready]")
    assert page.url == url
    assert page.input_value("#filter-kind") == "international-member"
    assert page.input_value("#filter-country") == "CN"
    assert counts(page)[0] == counts(page)[1] < items
    page.click("[data-map-filters] button[type=reset]")
    page.wait_for_function("!location.search")
    assert counts(page) == [total, total]


def _tab_until(page, selector: str, limit: int = 60) -> bool:
    page.focus("#atlas_map")
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => !!document.activeElement.matches({selector!r})"):
            return True
    return False


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_tab_reaches_a_marker_and_enter_opens_its_popup(page, lang):
    open_map(page, f"/{lang}/centres/")
    assert _tab_until(page, ".leaflet-marker-icon:not(.atlas-cluster)")
    page.keyboard.press("Enter")
    popup = page.locator("#atlas_map .leaflet-popup")
    popup.wait_for(timeout=5000)
    link = popup.locator(".atlas-popup__title a")
    assert link.get_attribute("href").startswith(f"/{lang}/centres/")
    body = popup.locator(".atlas-popup__body")
    assert body.get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    assert body.get_attribute("lang") == lang
    assert page.evaluate("() => document.activeElement.closest('.leaflet-popup') !== null")
    page.keyboard.press("Escape")
    popup.wait_for(state="detached", timeout=5000)
    assert page.evaluate("() => document.activeElement.classList.contains('leaflet-marker-icon')")


def test_cluster_is_announced_with_its_count_and_keeps_the_focus(page):
    open_map(page, "/fr/centres/")
    assert _tab_until(page, ".atlas-cluster")
    label = page.evaluate("() => document.activeElement.textContent")
    assert any(ch.isdigit() for ch in label) and "Groupe" in label or "Group" in label
    page.keyboard.press("Enter")
    page.wait_for_timeout(1200)
    assert page.evaluate("() => document.activeElement !== document.body")
    assert page.evaluate("() => document.querySelector('#atlas_map').contains(document.activeElement)")
    assert page.evaluate("() => window.scrollY") > 0


def test_skip_link_moves_past_the_map(page):
    open_map(page, "/fr/centres/")
    page.focus("a.map-skip")
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "map-list-title"


@pytest.mark.parametrize(
    "path",
    ["/fr/", "/en/centres/", "/ar/countries/fr/", "/en/centres/abbaye-de-noirlac/", "/fr/embed/centres/ambronay/"],
)
@pytest.mark.parametrize("viewport", [PHONE, {"width": 1280, "height": 1400}], ids=["phone", "desktop"])
def test_nothing_moves_when_the_map_scripts_arrive_late(page, path, viewport):
    """The map's box, its filters and legend are in the page from the start: the scripts draw in them. When
    they were hidden until the script showed them, what followed moved down (0.024 on a place page, 0.072 on an
    embedded map)."""
    watch_layout_shifts(page)
    serve_scripts_late(page)
    page.set_viewport_size(viewport)
    open_map(page, path)
    page.wait_for_timeout(300)
    assert layout_shift(page) == 0


def test_list_works_without_javascript(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/fr/centres/")
    assert page.locator("[data-map-list] li[data-place]").count() > 0
    assert not page.locator("[data-map-list] li[data-place]").first.is_hidden()
    assert page.locator("#atlas_map").is_hidden()
    context.close()


@pytest.mark.parametrize("path", ["/fr/centres/", "/ar/centres/", "/ar/centres/abbaye-de-noirlac/"])
def test_axe_finds_no_violation_on_map_pages(page, path):
    open_map(page, path)
    page.wait_for_timeout(400)  # let the markers' fade-in end: axe measures contrast on what is painted
    violations = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in axe_violations(page)]
    assert violations == []


def _csp(build: Path) -> str | None:
    headers = build / "_headers"
    if not headers.is_file():
        return None
    for line in headers.read_text(encoding="utf-8").splitlines():
        if line.strip().startswith("Content-Security-Policy:"):
            return line.split(":", 1)[1].strip()
    return None


@pytest.mark.parametrize("path", ["/fr/centres/", "/ar/centres/aria-corse/"])
def test_maps_work_under_the_sites_content_security_policy(browser, real_build, path):
    policy = _csp(real_build)
    if policy is None:
        pytest.skip("the build writes no Content-Security-Policy")

    class WithPolicy(_Quiet):
        def end_headers(self):
            self.send_header("Content-Security-Policy", policy)
            super().end_headers()

    server = LocalServer(("127.0.0.1", 0), functools.partial(WithPolicy, directory=str(real_build)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    context = browser.new_context()
    page = context.new_page()
    page.add_init_script(
        "window.__violations = [];"
        "document.addEventListener('securitypolicyviolation', e => window.__violations.push("
        "e.violatedDirective + ' ' + e.blockedURI));"
    )
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base) else route.abort())
    try:
        page.goto(base + path)
        page.wait_for_selector("#atlas_map[data-ready]", timeout=10000)
        page.wait_for_selector("#atlas_map .leaflet-atlas-outlines-pane path", timeout=10000)
        assert page.evaluate("window.__violations") == []
    finally:
        context.close()
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("path, has_list", [("/fr/centres/abbaye-de-noirlac/", False), ("/ar/centres/", True)])
def test_printed_map_leaves_out_its_controls_and_keeps_its_attribution(page, path, has_list):
    open_map(page, path)
    controls = "#atlas_map .leaflet-control-zoom, .map-filters, .map-skip, .map-embed"
    assert any(element.is_visible() for element in page.locator(controls).all()), "controls on screen"

    page.emulate_media(media="print")

    assert not [element for element in page.locator(controls).all() if element.is_visible()]
    assert page.locator("#atlas_map").is_visible()
    assert page.locator("#atlas_map .leaflet-control-attribution").is_visible()
    assert page.locator("[data-map-list] li[data-place]").first.is_visible() == has_list


def test_a_printed_list_shows_every_place_not_only_those_on_screen(page):
    """The list's cards are rendered only on screen (content-visibility: auto); printed, every one is."""
    open_map(page, "/en/centres/")
    titles = page.locator("[data-map-list] li[data-place] .card__title")  # what a skipped card does not render
    assert titles.count() > 20
    rendered = "(title) => title.checkVisibility({contentVisibilityAuto: true})"
    assert not all(title.evaluate(rendered) for title in titles.all()), "on screen, cards out of view are skipped"

    page.emulate_media(media="print")

    place = "(title) => title.closest('li').dataset.place"  # a skipped title has no rendered text to name it
    skipped = [title.evaluate(place) for title in titles.all() if not title.evaluate(rendered)]
    assert not skipped, skipped


WAITING = "Map: if it does not appear, every place it shows is also given as text."


def said_in(lang: str, message: str) -> str:
    """message as the language's catalogue words it (English: the message itself)."""
    from babel.messages.pofile import read_po

    with (ROOT / "theme" / "translations" / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle).get(message).string or message


@pytest.mark.parametrize(
    "path, lang", [("/fr/centres/abbaye-de-noirlac/", "fr"), ("/ar/centres/", "ar"), ("/zh/embed/network/", "zh")]
)
def test_a_map_whose_script_never_runs_says_its_places_are_also_given_as_text(page, path, lang):
    """The box is in the page from the start; if its script is lost on the way, the box says so in the page's
    language and direction instead of staying empty. When the script runs, it takes the words away."""
    page.route("**/atlas-map.js", lambda route: route.abort())
    page.goto(page.site + path)
    waiting = page.locator("#atlas_map [data-map-waiting]")
    assert waiting.is_visible()
    assert waiting.inner_text() == said_in(lang, WAITING) != WAITING
    assert waiting.get_attribute("dir") == page.locator("html").get_attribute("dir")

    page.unroute("**/atlas-map.js")
    open_map(page, path)
    assert page.locator("#atlas_map [data-map-waiting]").count() == 0
