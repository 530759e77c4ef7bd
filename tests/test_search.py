"""Full-text search (atlas_search, Pagefind extended): pages, header form, filters, and searches in a real browser.

The kind and country filters are Pagefind metadata of the place pages, filtered by atlas-search.js (Pagefind's own
filter index is not reproducible between builds).

The browser searches use words taken from the sample site's descriptions; the centres expected in the results
are computed from the record files (every centre whose description in that language has the word).
"""

from __future__ import annotations

import functools
import gzip
import json
import os
import re
import shutil
import threading
import time
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from urllib.parse import quote

import pytest
from support import (
    AXE,
    CHROMIUM,
    LANGUAGES,
    PHONE,
    ROOT,
    SAMPLE_SITE,
    LocalServer,
    axe_violations,
    copy_sample_site,
    insert_after,
    launch_chromium,
    layout_shift,
    serve_scripts_late,
    soup_of,
    tree_digest,
    watch_layout_shifts,
)

# A word of a centre's description in each language (Chinese: a word inside an unsegmented sentence).
WORDS = {"fr": "résidences", "en": "residencies", "ar": "إقامات", "zh": "驻留"}
ABBEY = "abbaye-d-exemple"
# A word of several centres' descriptions, in both countries, in each language.
MANY_WORDS = {"fr": "inventé", "en": "made", "ar": "مخترع", "zh": "虚构"}


def body_of(path: Path) -> str:
    return path.read_text(encoding="utf-8").split("---", 2)[2]


def centres_described_with(word: str, lang: str) -> set[str]:
    """URLs of the sample centres whose description in lang contains word: what a search must find."""
    return {
        f"/{lang}/centres/{path.parent.name}/"
        for path in (SAMPLE_SITE / "centres").glob(f"*/index.{lang}.md")
        if word in body_of(path)
    }


# -- the built pages ----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_search_page_per_language_loads_pagefind_from_the_site_without_inline_script(sample_build, lang):
    soup = soup_of(sample_build, f"/{lang}/search/")
    assert soup.html["lang"] == lang
    scripts = soup.find_all("script")
    assert [s["src"] for s in scripts if s.get("src")] == ["/theme/js/atlas-search.js"]
    assert all(s.get("src") or s.get("type") == "application/ld+json" for s in scripts), "inline script"
    box = soup.select_one("#atlas-search")
    translations = json.loads(box["data-translations"])
    assert set(translations) >= {"zero_results", "results", "results_label"}
    # The count's sentence in each CLDR plural category of the language (Intl.PluralRules gives the category).
    categories = {"fr": {"one", "many", "other"}, "en": {"one", "other"}, "zh": {"other"}}
    categories["ar"] = {"zero", "one", "two", "few", "many", "other"}
    assert set(translations["results"]) == categories[lang]
    assert all("[SEARCH_TERM]" in said for said in translations["results"].values())
    assert "[COUNT]" in translations["results"]["other"]
    status = soup.select_one("#atlas-search-status")
    assert status["role"] == "status" and status["aria-live"] == "polite"
    assert json.loads(box["data-bundles"]) == [f"/pagefind/{lang}/0/"]  # a small site: its index in one bundle
    assert (sample_build / "pagefind" / lang / "0" / "pagefind.js").is_file()
    # The form is in the page (drawn before the script runs: nothing moves when it does), labelled, with the
    # filters' choices in the page's language: every kind and country of the places, by key, after "all".
    form = box.select_one("form.atlas-search__form[role=search]")
    field = form.select_one("input#atlas-search-input[type=search][name=q]")
    assert form.select_one(f"label[for={field['id']}]").get_text(strip=True)
    assert form.select_one("fieldset.atlas-search__filters > legend").get_text(strip=True)
    kinds = {"ccr", "international-member", "associate", "former-member"}
    for name, keys in (("kind", kinds), ("country", {"FR", "BE"})):
        select = form.select_one(f"select#atlas-search-{name}[name={name}]")
        assert form.select_one(f"label[for=atlas-search-{name}]").get_text(strip=True)
        options = select.find_all("option")
        assert options[0]["value"] == "" and options[0].get_text(strip=True)
        assert {o["value"] for o in options[1:]} == keys
    assert (sample_build / "theme" / "js" / "atlas-search.js").is_file()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_has_a_labelled_search_form_to_its_language(sample_build, lang):
    for url in (f"/{lang}/", f"/{lang}/centres/{ABBEY}/", f"/{lang}/programmes/"):
        form = soup_of(sample_build, url).select_one("form.site-search[role=search]")
        assert form is not None, url
        assert form["action"] == f"/{lang}/search/" and form["method"] == "get"
        field = form.select_one("input[name=q]")
        assert form.select_one(f"label[for={field['id']}]").get_text(strip=True)


def test_only_record_pages_are_indexed(sample_build):
    assert soup_of(sample_build, f"/fr/centres/{ABBEY}/").select_one("main[data-pagefind-body]")
    assert soup_of(sample_build, "/fr/programmes/programme-fictif/").select_one("main[data-pagefind-body]")
    for url in ("/fr/", "/fr/centres/", "/fr/search/"):
        assert not soup_of(sample_build, url).select("[data-pagefind-body]"), url


@pytest.mark.parametrize("lang", LANGUAGES)
def test_place_page_carries_kind_and_country_as_metadata_labelled_on_the_search_page(sample_build, lang):
    soup = soup_of(sample_build, f"/{lang}/centres/{ABBEY}/")
    assert not soup.select("[data-pagefind-filter]"), "Pagefind's filter index is not reproducible"
    meta = dict(el["data-pagefind-meta"].split(":", 1) for el in soup.select("[data-pagefind-meta]"))
    assert meta == {"kind": "ccr", "country": "FR", "url": f"/{lang}/centres/{ABBEY}/"}
    search = soup_of(sample_build, f"/{lang}/search/")
    labels = {
        name: {o["value"]: o.get_text(strip=True) for o in search.select(f"#atlas-search-{name} option")}
        for name in ("kind", "country")
    }
    kind_link = soup.select_one(f'a[href="/{lang}/kinds/ccr/"]').get_text(strip=True)
    country_link = soup.select_one(f'a[href="/{lang}/countries/fr/"]').get_text(strip=True)
    assert (labels["kind"]["ccr"], labels["country"]["FR"]) == (kind_link, country_link)


def indexed_pages(bundle: Path) -> dict[str, dict]:
    """The pages a Pagefind bundle holds, by the URL a result links to (their `url` metadata): its fragments
    are gzipped JSON after a signature."""
    pages = {}
    for fragment in (bundle / "fragment").glob("*.pf_fragment"):
        page = json.loads(gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd"))
        pages[page["meta"]["url"]] = page
    return pages


@pytest.mark.parametrize("lang", LANGUAGES)
def test_index_holds_the_description_not_the_page_furniture(sample_build, lang):
    # Text every place page carries (embed code, links to the fact sheet and the calendar, sources, the
    # precision note) would make a search for "iframe" or "calendar" return every centre.
    url = f"/{lang}/centres/{ABBEY}/"
    # Pagefind's Chinese segmentation puts zero-width spaces between words.
    content = indexed_pages(sample_build / "pagefind" / lang / "0")[url]["content"].replace("\u200b", "")
    page = soup_of(sample_build, url)
    position = page.find("span", dir="ltr", string=re.compile(r"^-?[0-9.]+, -?[0-9.]+$"))
    furniture = [
        "<iframe",
        page.select_one(".print-link a").get_text(strip=True),
        page.select_one(".data-extras a").get_text(strip=True),
        page.select_one(".sources p").get_text(strip=True),
        position.parent.get_text(" ", strip=True).removeprefix(position.get_text()).strip(" ()"),
    ]
    # The terms of the facts, the same on every place page ("Heritage", "Website"...), not their values.
    terms = [term.get_text(strip=True) for term in page.select("main dl.facts dt")]
    said = " ".join(path.read_text(encoding="utf-8") for path in (SAMPLE_SITE / "centres" / ABBEY).glob("index.*"))
    furniture += [term for term in terms if term not in said]  # a word its record uses stays searchable
    assert len(terms) > 5
    assert WORDS[lang] in content
    assert position.get_text() in content, "the coordinates stay searchable"
    assert page.select_one("main dl.facts dd a").get_text(strip=True) in content, "the values stay searchable"
    assert [text for text in furniture if text in content] == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_index_of_a_country_holds_its_places_not_the_maps_controls(sample_build, lang):
    # The map's legend, skip link, status and filters on every country page made a search for "legend" or
    # "zoom" return every country.
    url = f"/{lang}/countries/fr/"
    content = indexed_pages(sample_build / "pagefind" / lang / "0")[url]["content"].replace("\u200b", "")
    page = soup_of(sample_build, url)
    controls = [
        page.select_one(".map-skip").get_text(strip=True),
        page.select_one(".map-legend__title").get_text(strip=True),
        # Of the legend, the entry for groups of places (its kinds are also the places' kinds, which stay).
        page.select_one(".map-legend__items .atlas-cluster").next_sibling.strip(),
        page.select_one(".map-status").get_text(strip=True),
        page.select_one(".map-list__title").get_text(strip=True),
    ]
    places = [title.get_text(strip=True) for title in page.select("[data-map-list] .card__title")]
    assert places and all(name in content for name in places)
    assert [text for text in controls if text in content] == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_term_and_its_description_stay_two_words_in_the_index(sample_build, lang):
    # <dt>Kind</dt><dd>Seminar</dd> with nothing between them was indexed as the one word "KindSeminar".
    checked = 0
    for url, page in indexed_pages(sample_build / "pagefind" / lang / "0").items():
        content = page["content"].replace("\u200b", "")
        for term in soup_of(sample_build, url).select("main dl dt"):
            if term.find_parent(attrs={"data-pagefind-ignore": True}) is None:
                checked += 1
                assert not re.search(re.escape(term.get_text(strip=True)) + r"\w", content), (url, term)
    assert checked


def test_one_index_per_language(sample_build):
    for lang in LANGUAGES:
        entry = json.loads((sample_build / "pagefind" / lang / "0" / "pagefind-entry.json").read_text(encoding="utf-8"))
        assert list(entry["languages"]) == [lang]
        assert entry["languages"][lang]["page_count"] > 0


def test_bundles_hold_the_index_and_not_pagefinds_own_search_interfaces(sample_build):
    from atlas_search.search import PREBUILT_UI

    bundles = sorted(path.parent for path in (sample_build / "pagefind").glob("*/*/pagefind-entry.json"))
    assert len(bundles) >= len(LANGUAGES)
    for bundle in bundles:
        names = {path.name for path in bundle.iterdir()}
        assert {"pagefind.js", "pagefind-worker.js", "pagefind-entry.json"} <= names, bundle
        assert not names & {*PREBUILT_UI, "pagefind-ui.js"}, bundle  # about 400 KB a shard, loaded by no page


def test_search_bundle_is_not_in_the_url_manifest(sample_build):
    import tasks

    assert not [url for url in tasks.published_urls(sample_build) if url.startswith("/pagefind/")]


def test_expected_results_come_from_the_records():
    for lang, word in WORDS.items():
        assert f"/{lang}/centres/{ABBEY}/" in centres_described_with(word, lang), (lang, word)


# -- in a browser, under the site's content security policy ------------------------------------------


def _csp() -> str:
    from atlas_publish.headers import security_headers

    policy = security_headers({})["Content-Security-Policy"]
    if "'wasm-unsafe-eval'" not in policy:
        # Pagefind compiles WebAssembly; see test_site_csp_allows_pagefind_webassembly.
        policy = policy.replace("script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'")
    return policy


class _CSPHandler(SimpleHTTPRequestHandler):
    policy = ""

    def end_headers(self):
        self.send_header("Content-Security-Policy", self.policy)
        super().end_headers()

    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def search_server(sample_build):
    handler = type("Handler", (_CSPHandler,), {"policy": _csp()})
    server = LocalServer(("127.0.0.1", 0), functools.partial(handler, directory=str(sample_build)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing (CI is set, so the browser tests must run)")
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (invoke browser-deps)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, search_server):
    context = browser.new_context()
    outside, violations = [], []
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(search_server)
            else (outside.append(route.request.url), route.abort())
        ),
    )
    page = context.new_page()
    page.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message.text))
    page.outside, page.csp_violations = outside, violations
    yield page
    context.close()


def count_said(lang: str, count: int, term: str) -> str:
    """How the status says the number of results, as gettext picks the form from the catalogue's Plural-Forms."""
    from atlas_site.i18n import load_translations

    ngettext = load_translations(ROOT / "theme" / "translations", lang).ngettext
    return ngettext("%(count)s result for %(term)s", "%(count)s results for %(term)s", count) % {
        "count": count,
        "term": term,
    }


def _hrefs(page, links: str = ".atlas-search__result-link") -> list[str]:
    """The addresses of the links shown (by default, the results in the page's language)."""
    return page.eval_on_selector_all(links, "links => links.map(a => a.getAttribute('href'))")


def _result_urls(page, present=(), absent=()) -> set[str]:
    """Result URLs once the results shown include every URL of present and none of absent (they load in turns)."""
    page.wait_for_function(
        """([present, absent]) => {
            const links = [...document.querySelectorAll('.atlas-search__result-link')];
            const found = new Set(links.map(a => a.getAttribute('href').split('#')[0]));
            return found.size > 0 && present.every(u => found.has(u)) && absent.every(u => !found.has(u));
        }""",
        arg=[list(present), list(absent)],
        timeout=15_000,
    )
    return {href.split("#")[0] for href in _hrefs(page)}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_search_finds_a_centre_by_a_word_of_its_description(page, search_server, lang):
    word = WORDS[lang]
    expected = centres_described_with(word, lang)
    page.goto(f"{search_server}/{lang}/search/?q={quote(word)}")
    found = _result_urls(page, present=expected)
    assert expected <= found
    assert all(url.startswith(f"/{lang}/") for url in found), "results from another language's index"
    status = page.locator("#atlas-search-status")
    status.wait_for(state="attached")
    page.wait_for_function("document.getElementById('atlas-search-status').textContent.length > 0")
    assert word in status.text_content()
    assert page.outside == [] and page.csp_violations == []


def test_search_page_does_not_move_when_its_script_arrives_late(page, search_server):
    """The form is in the page: a script slow to arrive (a phone's network) adds results, not the form, so
    nothing on the page shifts (Lighthouse measured a layout shift of 0.11 when the script wrote it)."""
    watch_layout_shifts(page)
    serve_scripts_late(page)
    page.set_viewport_size(PHONE)  # the footer is in view
    page.goto(f"{search_server}/fr/search/")
    form = page.locator("form.atlas-search__form")
    assert form.is_visible() and page.locator("#atlas-search-kind option").count() > 1
    page.wait_for_function("() => document.querySelector('.atlas-search__results') !== null")
    page.wait_for_timeout(300)
    assert layout_shift(page) == 0
    page.locator("#atlas-search-input").fill(WORDS["fr"])
    page.wait_for_function("() => document.querySelectorAll('.atlas-search__result-link').length > 0")


def test_words_typed_before_the_script_arrives_are_searched_when_it_does(page, search_server):
    serve_scripts_late(page, delay=1.5)
    page.goto(f"{search_server}/en/search/", wait_until="commit")
    page.locator("#atlas-search-input").fill(WORDS["en"])  # typed while the script is on its way
    expected = centres_described_with(WORDS["en"], "en")
    assert expected <= _result_urls(page, present=expected)


def test_search_page_without_javascript_shows_the_notice_and_not_the_form(browser, search_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{search_server}/en/search/")
    assert page.locator("#atlas-search .notice").is_visible()
    assert not page.locator("form.atlas-search__form").is_visible()
    assert page.locator("form.atlas-search__form").count() == 1
    context.close()


def test_a_result_links_to_its_page_and_a_section_of_it_to_its_heading(page, search_server, sample_build):
    # Pagefind reads the pages from links named by number: the URLs come from each page's `url` metadata.
    programme = "/en/programmes/programme-fictif/"
    heading = soup_of(sample_build, programme).select_one("main h2[id]")
    page.goto(f"{search_server}/en/search/?q={quote(heading.get_text(strip=True).split()[-1])}")
    _result_urls(page, present=[programme])
    result = page.locator(".atlas-search__result").filter(has=page.locator(f'a[href="{programme}"]'))
    sections = result.locator(".atlas-search__subresult-link")
    sections.first.wait_for()
    assert f"{programme}#{heading['id']}" in [a.get_attribute("href") for a in sections.all()]


def test_header_form_by_keyboard_then_filter_by_country(page, search_server):
    page.goto(f"{search_server}/en/centres/{ABBEY}/")
    page.get_by_label("Search the atlas").first.focus()
    page.keyboard.type("made")
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/search/?q=made")
    both = [f"/en/centres/{ABBEY}/", "/en/centres/chateau-de-nullepart/"]  # in France and in Belgium
    assert set(both) <= _result_urls(page, present=both)
    # The country filter, labelled in English, with the abbey's country; chosen by keyboard.
    country = page.get_by_label("Country", exact=True)
    country.focus()
    page.keyboard.press("End")  # the last country: France (Belgium, France)
    assert country.evaluate("select => select.selectedOptions[0].textContent") == "France"
    country.dispatch_event("change")
    filtered = _result_urls(page, present=both[:1], absent=both[1:])
    assert both[0] in filtered and both[1] not in filtered
    assert "country=FR" in page.url
    assert page.csp_violations == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_filter_by_kind_then_by_country_narrows_the_results(page, search_server, lang):
    """Centres of both countries and of several kinds have the word: each filter keeps only its own."""
    word = MANY_WORDS[lang]
    everything = centres_described_with(word, lang)
    abbey = f"/{lang}/centres/{ABBEY}/"
    page.goto(f"{search_server}/{lang}/search/?q={quote(word)}")
    assert everything <= _result_urls(page, present=everything)
    page.locator("#atlas-search-kind").select_option("ccr")
    kept = _result_urls(page, present=[abbey], absent=everything - {abbey})
    assert kept == {abbey}
    page.wait_for_function(
        "said => document.getElementById('atlas-search-status').textContent.startsWith(said)",
        arg=count_said(lang, 1, word),
    )
    page.locator("#atlas-search-kind").select_option("")
    page.locator("#atlas-search-country").select_option("FR")
    belgian = {f"/{lang}/centres/chateau-de-nullepart/"} & everything
    assert belgian and everything - belgian, "the word must be in centres of both countries"
    french = _result_urls(page, present=everything - belgian, absent=belgian)
    assert everything - belgian <= french and not french & belgian
    page.locator("#atlas-search-country").select_option("BE")
    assert _result_urls(page, present=belgian, absent=everything - belgian) == belgian
    # A filtered search has an address of its own.
    page.goto(f"{search_server}/{lang}/search/?q={quote(word)}&kind=ccr")
    assert page.locator("#atlas-search-kind").input_value() == "ccr"
    assert _result_urls(page, present=[abbey], absent=everything - {abbey}) == {abbey}
    assert page.outside == [] and page.csp_violations == []


def _other_groups(page) -> dict[str, dict]:
    """The other languages' results, once shown: by language, their heading, direction and links."""
    page.wait_for_selector(".atlas-search__other-link", timeout=15_000)
    return {
        group["lang"]: group
        for group in page.evaluate(
            """() => [...document.querySelectorAll('.atlas-search__other')].map(section => {
                const heading = section.querySelector('h3'), list = section.querySelector('ol');
                return {
                    lang: heading.lang, dir: heading.dir, name: heading.textContent,
                    list: [list.lang, list.dir],
                    links: [...list.querySelectorAll('.atlas-search__other-link')].map(a => a.getAttribute('href')),
                    all: section.querySelector('.atlas-search__other-all').getAttribute('href'),
                    after_own_results: Boolean(document.querySelector('.atlas-search__results')
                        .compareDocumentPosition(section) & Node.DOCUMENT_POSITION_FOLLOWING),
                };
            })"""
        )
    }


# No result in the page's language, then the other languages' results: two sentences, written as each script
# writes them (the catalogues' strings for no result and for the results below).
@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_number_of_results_is_said_in_the_plural_form_its_number_takes(page, search_server, lang):
    """Arabic says 1, 2, 3 to 10, and 11 to 99 results four ways. The script picks the catalogue's form through
    Intl.PluralRules; gettext picks it from the catalogue's Plural-Forms: both must give the same sentence."""
    word = WORDS["ar"] if lang == "ar" else MANY_WORDS[lang]  # in two Arabic pages: the dual, not the plural
    counts = []
    for query in (f"q={quote(word)}", f"q={quote(word)}&kind=ccr"):
        page.goto(f"{search_server}/{lang}/search/?{query}")
        count = len(_result_urls(page))  # fewer than a page of results: all are shown
        page.wait_for_function("() => !document.querySelector('.atlas-search__results[aria-busy=true]')")
        assert page.text_content("#atlas-search-status").startswith(count_said(lang, count, word))
        counts.append(count)
    assert counts[1] == 1 < counts[0]
    if lang == "ar":
        assert counts[0] == 2, "the Arabic word is in two of the sample's pages: the dual form"


STATUS_THEN_OTHER_LANGUAGES = {
    "fr": "Aucun résultat pour {word}. Les résultats dans les autres langues suivent, plus bas.",
    "zh": "没有“{word}”的结果。其他语言的结果列在下方。",
    "en": "No results for {word}. Results in other languages are listed below.",
}


@pytest.mark.parametrize("lang, other", [("fr", "en"), ("zh", "en"), ("en", "ar")])
def test_a_word_only_in_another_language_finds_its_pages_under_that_language(page, search_server, lang, other):
    word = WORDS[other]
    assert not centres_described_with(word, lang), "the word must not be in the page language's descriptions"
    expected = centres_described_with(word, other)
    page.goto(f"{search_server}/{lang}/search/?q={quote(word)}&kind=ccr")

    groups = _other_groups(page)

    assert list(groups) == [other]
    group = groups[other]
    direction = "rtl" if other == "ar" else "ltr"
    assert (group["lang"], group["dir"]) == (other, direction) and group["list"] == [other, direction]
    assert group["name"] == {"en": "English", "ar": "العربية"}[other]  # the language's own name
    assert group["links"] and all(url.startswith(f"/{other}/") for url in group["links"])
    assert f"/{other}/centres/{ABBEY}/" in expected and group["links"] == [f"/{other}/centres/{ABBEY}/"]  # kind ccr
    assert group["after_own_results"]
    assert group["all"] == f"/{other}/search/?q={quote(word)}&kind=ccr"
    assert _hrefs(page) == []
    page.wait_for_function("document.getElementById('atlas-search-status').textContent.length > 0")
    assert page.text_content("#atlas-search-status") == STATUS_THEN_OTHER_LANGUAGES[lang].format(word=word)
    assert page.outside == [] and page.csp_violations == []


def test_a_page_found_in_the_page_language_is_not_listed_again_under_another(page, search_server):
    """A word of the abbey's description in both French and English: its French page is a result, so its English
    page is not listed again among the results in other languages."""
    shared = sorted(
        set(re.findall(r"\w{5,}", body_of(SAMPLE_SITE / "centres" / ABBEY / "index.fr.md")))
        & set(re.findall(r"\w{5,}", body_of(SAMPLE_SITE / "centres" / ABBEY / "index.en.md")))
    )
    assert shared, "the abbey's French and English descriptions must share a word"
    page.goto(f"{search_server}/fr/search/?q={quote(shared[0])}&kind=ccr")  # the abbey's kind
    own = _result_urls(page, present=[f"/fr/centres/{ABBEY}/"])
    page.wait_for_selector(".atlas-search__others[aria-busy=false]", state="attached", timeout=15_000)

    others = _hrefs(page, ".atlas-search__other-link")
    assert f"/en/centres/{ABBEY}/" not in others
    assert not {re.sub(r"^/[a-z]+/", "/", url) for url in others} & {url.removeprefix("/fr") for url in own}
    assert page.locator(".atlas-search__others").is_hidden() == (others == [])


def test_site_csp_allows_pagefind_webassembly():
    from atlas_publish.headers import security_headers

    policy = security_headers({})["Content-Security-Policy"]
    script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    assert "'wasm-unsafe-eval'" in script_src, "Pagefind compiles WebAssembly: the site's CSP must allow it"
    assert not {"'unsafe-inline'", "'unsafe-eval'"} & set(script_src.split()), "and no more than that"


@pytest.mark.parametrize("lang, word_of", [("fr", "fr"), ("ar", "ar"), ("ar", "en")])
def test_search_page_with_results_has_no_wcag_violation(browser, search_server, lang, word_of):
    """word_of: the language whose word is searched (another one's: its results only, under its name)."""
    if not AXE.is_file():
        pytest.skip("axe-core is missing: run npm ci (invoke browser-deps)")
    context = browser.new_context(bypass_csp=True)  # axe is added as an inline script
    page = context.new_page()
    page.goto(f"{search_server}/{lang}/search/?q={quote(WORDS[word_of])}")
    if word_of == lang:
        _result_urls(page)
    else:
        assert _other_groups(page)
    violations = axe_violations(page)
    context.close()
    assert [(v["id"], [n["html"][:120] for n in v["nodes"]]) for v in violations] == []


# -- an index split into shards -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sharded_build(tmp_path_factory):
    """The sample site with its search index split into shards of at most two pages."""
    import tasks

    output = tmp_path_factory.mktemp("sharded") / "output"
    assert tasks.build_site(output=output, root=SAMPLE_SITE, overrides={"ATLAS_SEARCH": {"shard_pages": 2}}) == 0
    return output


def shard_urls(bundle: Path) -> set[str]:
    """URLs of the pages a Pagefind bundle holds."""
    return set(indexed_pages(bundle))


def test_the_pages_linked_for_pagefind_are_not_published_and_are_deleted_after_the_build(sample_build, sharded_build):
    for output in (sample_build, sharded_build):
        assert not (output / ".pagefind-pages").exists()
        assert len(list((output / "pagefind").glob("*/*/pagefind-entry.json"))) >= len(LANGUAGES)
        deadline = time.monotonic() + 30
        while list(output.parent.glob("*pagefind-pages*")) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not list(output.parent.glob("*pagefind-pages*")), "the links set aside were not deleted"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_sharded_index_is_searched_as_one(browser, sharded_build, lang):
    word = MANY_WORDS[lang]
    expected = centres_described_with(word, lang)
    bundles = json.loads(soup_of(sharded_build, f"/{lang}/search/").select_one("#atlas-search")["data-bundles"])
    shards = [shard_urls(sharded_build / bundle.strip("/")) for bundle in bundles]
    assert len(bundles) > 1 and all(shards), "every shard listed holds pages"
    assert sum(len(urls) for urls in shards) == len(set().union(*shards)), "a page in two shards"
    holding = [i for i, urls in enumerate(shards) if urls & expected]
    assert len(holding) > 1, "the pages to find are in one shard: the test would not show the shards merged"
    handler = type("Handler", (_CSPHandler,), {"policy": _csp()})
    server = LocalServer(("127.0.0.1", 0), functools.partial(handler, directory=str(sharded_build)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/{lang}/search/?q={quote(word)}")
        assert expected <= _result_urls(page, present=expected)
        page.close()
    finally:
        server.shutdown()
        server.server_close()


def test_a_failed_pagefind_run_fails_the_build_and_leaves_the_previous_output(tmp_path, monkeypatch, capfd):
    """One shard of one language fails while the others index (shards of two pages: many runs, queued)."""
    from atlas_search.search import pagefind_command

    import tasks

    real = " ".join(f"'{part}'" for part in pagefind_command())
    failing = tmp_path / "pagefind"
    failing.write_text(
        f'#!/bin/sh\ncase "$*" in *pagefind/ar/1*) echo "pagefind: broken" >&2; exit 3;; esac\nexec {real} "$@"\n'
    )
    failing.chmod(0o755)
    output = tmp_path / "output"
    output.mkdir()
    (output / "index.html").write_text("the previous build", encoding="utf-8")
    before = tree_digest(output)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(failing))
    monkeypatch.setenv("ATLAS_CACHE", str(tmp_path / "cache"))  # bundles kept by other builds: no run at all

    status = tasks.build_site(output=output, root=SAMPLE_SITE, overrides={"ATLAS_SEARCH": {"shard_pages": 2}})

    stderr = capfd.readouterr().err
    assert status != 0
    assert "search: Pagefind failed (exit status 3)" in stderr
    assert "Traceback" not in stderr
    assert tree_digest(output) == before
    assert not list(tmp_path.glob(".output.building-*")), "the failed build's folder was left"


def test_a_run_of_a_segmented_language_runs_alone(tmp_path, monkeypatch):
    """Chinese runs load Pagefind's dictionary: none overlaps another run (shards of two pages: many runs)."""
    from atlas_search.search import SEGMENTED, pagefind_command

    import tasks

    real = " ".join(f"'{part}'" for part in pagefind_command())
    log = tmp_path / "runs.log"
    recording = tmp_path / "pagefind"
    recording.write_text(
        "#!/bin/sh\n"
        f'bundle=$(echo "$*" | grep -o "pagefind/[a-z]*/[0-9]*" | tail -n 1)\n'
        f'echo "start $bundle" >> {log}\n{real} "$@"; status=$?\necho "end $bundle" >> {log}\nexit $status\n'
    )
    recording.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(recording))
    monkeypatch.setenv("ATLAS_CACHE", str(tmp_path / "cache"))

    assert (
        tasks.build_site(output=tmp_path / "output", root=SAMPLE_SITE, overrides={"ATLAS_SEARCH": {"shard_pages": 2}})
        == 0
    )

    running, segmented_runs = set(), 0
    for event, bundle in (line.split() for line in log.read_text().splitlines()):
        if event == "end":
            running.remove(bundle)
            continue
        alone = bundle.split("/")[1] in SEGMENTED
        segmented_runs += alone
        assert not running if alone else not any(b.split("/")[1] in SEGMENTED for b in running), (bundle, running)
        running.add(bundle)
    assert segmented_runs > 1 and not running


def recording_pagefind(tmp_path: Path, monkeypatch) -> Path:
    """Run Pagefind through a script that logs the bundle each run makes; returns the log."""
    from atlas_search.search import pagefind_command

    real = " ".join(f"'{part}'" for part in pagefind_command())
    log = tmp_path / "runs.log"
    log.touch()
    recording = tmp_path / "pagefind"
    recording.write_text(
        f'#!/bin/sh\necho "$*" | grep -o "pagefind/[a-z]*/[0-9]*" | tail -n 1 >> {log}\nexec {real} "$@"\n'
    )
    recording.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(recording))
    return log


def bundles_made(log: Path) -> list[str]:
    return log.read_text().split()


def test_a_build_of_pages_an_earlier_build_indexed_runs_no_pagefind_and_gives_the_same_bundles(tmp_path, monkeypatch):
    import tasks

    log = recording_pagefind(tmp_path, monkeypatch)
    monkeypatch.setenv("ATLAS_CACHE", str(tmp_path / "cache"))
    first, second = tmp_path / "first", tmp_path / "second"
    assert tasks.build_site(output=first, root=SAMPLE_SITE) == 0
    assert sorted(bundles_made(log)) == [f"pagefind/{lang}/0" for lang in sorted(LANGUAGES)]

    log.write_text("")
    assert tasks.build_site(output=second, root=SAMPLE_SITE) == 0

    assert bundles_made(log) == []
    assert tree_digest(second / "pagefind") == tree_digest(first / "pagefind")
    assert ABBEY in json.dumps(list(indexed_pages(second / "pagefind" / "fr" / "0")))


def test_a_page_changed_since_the_kept_bundles_is_indexed_again_with_its_shard_only(tmp_path, monkeypatch):
    import tasks

    site = copy_sample_site(tmp_path / "site")
    log = recording_pagefind(tmp_path, monkeypatch)
    monkeypatch.setenv("ATLAS_CACHE", str(tmp_path / "cache"))
    sharding = {"ATLAS_SEARCH": {"shard_pages": 2}}
    assert tasks.build_site(output=tmp_path / "first", root=site, overrides=sharding) == 0
    text = site / "centres" / ABBEY / "index.en.md"
    text.write_text(text.read_text(encoding="utf-8") + "\nA zanzibarine word.\n", encoding="utf-8")
    log.write_text("")

    output = tmp_path / "second"
    assert tasks.build_site(output=output, root=site, overrides=sharding) == 0

    holding = [bundle for bundle in output.glob("pagefind/en/*") if f"/en/centres/{ABBEY}/" in shard_urls(bundle)]
    assert [str(bundle.relative_to(output)) for bundle in holding] == bundles_made(log)
    assert "zanzibarine" in indexed_pages(holding[0])[f"/en/centres/{ABBEY}/"]["content"]


@pytest.mark.parametrize("lang", ["fr", "ar", "zh"])
def test_pagefind_makes_the_same_bundle_from_the_index_documents_as_from_the_pages(sample_build, tmp_path, lang):
    """Pagefind is given each page's index document (its <html> tag and <main>), not the page: it must index
    nothing less. Fails when a Pagefind attribute or the page's title moves out of <main>."""
    from atlas_search.documents import index_document
    from atlas_search.search import ENTRY, _sort_entry, _start

    pages = sorted(
        path
        for path in (sample_build / lang).rglob("index.html")
        if soup_of(sample_build, str(path.parent.relative_to(sample_build))).select("[data-pagefind-body]")
    )
    assert len(pages) > 5
    bundles = {}
    for name, read in (("pages", Path.read_bytes), ("documents", lambda p: index_document(p.read_bytes()))):
        site = tmp_path / name
        site.mkdir()
        for number, path in enumerate(pages):
            (site / f"{number}.html").write_bytes(read(path))
        bundle = tmp_path / f"{name}-bundle"
        assert _start(site, bundle, quiet=True).wait() == 0
        _sort_entry(bundle / ENTRY)
        bundles[name] = tree_digest(bundle)
    assert sum(path.stat().st_size for path in (tmp_path / "documents").iterdir()) < sum(
        path.stat().st_size for path in pages
    )
    assert bundles["documents"] == bundles["pages"]
    assert len(indexed_pages(tmp_path / "documents-bundle")) == len(pages)


def test_a_template_change_outside_main_indexes_no_page_again_and_one_inside_indexes_them_all(tmp_path, monkeypatch):
    import tasks

    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    log = recording_pagefind(tmp_path, monkeypatch)
    monkeypatch.setenv("ATLAS_CACHE", str(tmp_path / "cache"))
    settings = {"THEME": str(theme)}
    assert tasks.build_site(output=tmp_path / "first", root=SAMPLE_SITE, overrides=settings) == 0
    every_bundle = sorted(bundles_made(log))
    page = f"fr/centres/{ABBEY}/index.html"

    footer = theme / "templates" / "partials" / "footer.html"
    footer.write_text(footer.read_text(encoding="utf-8") + "<!-- a change to every page's footer -->\n")
    log.write_text("")
    assert tasks.build_site(output=tmp_path / "second", root=SAMPLE_SITE, overrides=settings) == 0

    assert (tmp_path / "second" / page).read_bytes() != (tmp_path / "first" / page).read_bytes()
    assert bundles_made(log) == []
    assert tree_digest(tmp_path / "second" / "pagefind") == tree_digest(tmp_path / "first" / "pagefind")

    base = theme / "templates" / "base.html"
    insert_after(base, "{% block content %}{% endblock %}", "<!-- a change inside every page's main -->")
    assert tasks.build_site(output=tmp_path / "third", root=SAMPLE_SITE, overrides=settings) == 0
    assert sorted(bundles_made(log)) == every_bundle


def _built_bundle(tmp_path: Path) -> Path:
    """A bundle as Pagefind leaves it, reduced to one fragment."""
    built = tmp_path / "built"
    (built / "fragment").mkdir(parents=True)
    (built / "fragment" / "a.pf_fragment").write_bytes(b"fragment")
    return built


def test_a_shard_keeps_its_most_recently_used_bundles_only(tmp_path):
    from atlas_search.shard_cache import KEPT, ShardCache

    kept = ShardCache(tmp_path / "cache")
    built = _built_bundle(tmp_path)
    for number in range(KEPT):
        kept.store("pagefind/fr/0", f"digest-{number}", built)
        time.sleep(0.01)  # distinct times of use
    assert kept.find("pagefind/fr/0", "digest-0") is not None  # used again: now the most recent

    kept.store("pagefind/fr/0", "digest-new", built)

    assert kept.find("pagefind/fr/0", "digest-1") is None
    for digest in ("digest-0", "digest-2", "digest-new"):
        entry = kept.find("pagefind/fr/0", digest)
        assert (entry / "fragment" / "a.pf_fragment").read_bytes() == b"fragment"
    assert kept.find("pagefind/en/0", "digest-0") is None


def test_a_bundle_left_half_stored_by_a_stopped_build_is_deleted_once_stale(tmp_path):
    from atlas_search.shard_cache import STALE, ShardCache

    kept = ShardCache(tmp_path / "cache")
    built = _built_bundle(tmp_path)
    slot = tmp_path / "cache" / "fr" / "0"
    stale, storing = slot / ".digest-old.1.1" / "fragment", slot / ".digest-now.2.2" / "fragment"
    for folder in (stale, storing):
        folder.mkdir(parents=True)
    long_ago = time.time() - STALE - 60
    os.utime(stale.parent, (long_ago, long_ago))

    kept.store("pagefind/fr/0", "digest-new", built)

    assert not stale.parent.exists()
    assert storing.is_dir(), "another build may be storing it"
    assert kept.find("pagefind/fr/0", "digest-new") is not None


@pytest.mark.parametrize(
    "given, named",
    [({"shard_pages": 0}, "ATLAS_SEARCH['shard_pages']"), ({"shards": 4}, "ATLAS_SEARCH['shards']")],
)
def test_a_wrong_search_setting_is_named(given, named):
    from atlas_search.settings import SearchSettingsError, search_settings

    with pytest.raises(SearchSettingsError, match=re.escape(named)):
        search_settings({"ATLAS_SEARCH": given})
