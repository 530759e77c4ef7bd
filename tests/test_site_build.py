"""The sample site built with the project's pelicanconf.py, checked page by page."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from xml.etree import ElementTree

import pytest
import yaml
from babel.dates import format_date, format_interval
from bs4 import BeautifulSoup
from PIL import Image
from support import LANGUAGES, SAMPLE_SITE, copy_sample_site, soup_of, text_of, tree_digest

ABBEY = "abbaye-d-exemple"
PRIORY = "prieure-imaginaire"  # texts in fr and en only
FORMER = "saline-fictive"
CASTLE = "chateau-de-nullepart"  # international member in BE, alias old-slug
PROGRAMME = "programme-fictif"
EVENT = "rencontres-exemple-2023"


def front_matter(path) -> dict:
    """Name and summary as written in a fixture text file."""
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])


def body_of(path) -> str:
    return path.read_text(encoding="utf-8").split("---", 2)[2].strip()


def soup_of_file(path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def links(soup) -> set[str]:
    return {a["href"] for a in soup.find_all("a", href=True)}


# -- languages and URLs ------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_language_has_its_prefixed_home(sample_build, lang):
    soup = soup_of(sample_build, f"/{lang}/")
    assert soup.html["lang"] == lang
    menu = [a["href"] for a in soup.select("nav.site-nav a")]
    assert menu, "the home has no main menu"
    assert all(href.startswith(f"/{lang}/") for href in menu), menu
    assert soup.select_one("a.site-title")["href"] == f"/{lang}/"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_declares_its_language_and_direction(sample_build, lang):
    pages = sorted((sample_build / lang).rglob("index.html"))
    assert len(pages) > 20
    expected_dir = "rtl" if lang == "ar" else "ltr"
    for page in pages:
        html = soup_of(sample_build, "/" + str(page.parent.relative_to(sample_build))).html
        assert (html.get("lang"), html.get("dir")) == (lang, expected_dir), page


@pytest.mark.parametrize("lang", LANGUAGES)
def test_place_page_has_hreflang_alternates_x_default_and_canonical(sample_build, lang):
    soup = soup_of(sample_build, f"/{lang}/centres/{ABBEY}/")
    language_links = soup.find_all("link", rel="alternate", hreflang=True)  # feeds are alternates too
    alternates = {link["hreflang"]: link["href"] for link in language_links}
    assert len(language_links) == len(alternates), "an hreflang is given twice"
    expected = {code: f"/{code}/centres/{ABBEY}/" for code in LANGUAGES}
    expected["x-default"] = f"/fr/centres/{ABBEY}/"
    assert alternates == expected
    canonical = soup.find_all("link", rel="canonical")
    assert [link["href"] for link in canonical] == [f"/{lang}/centres/{ABBEY}/"]


@pytest.mark.parametrize("path", [f"centres/{ABBEY}", "programmes/" + PROGRAMME, "history", "countries/be"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_language_switcher_links_to_the_same_page_in_each_language(sample_build, lang, path):
    soup = soup_of(sample_build, f"/{lang}/{path}/")
    switcher = soup.select("nav.language-switcher a")
    assert {a["hreflang"]: a["href"] for a in switcher} == {code: f"/{code}/{path}/" for code in LANGUAGES}
    for a in switcher:
        assert a["lang"] == a["hreflang"]
        assert (sample_build / a["href"].strip("/") / "index.html").is_file(), a["href"]
    assert [a["hreflang"] for a in switcher if a.get("aria-current")] == [lang]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_place_page_shows_the_name_written_for_its_language(sample_build, lang):
    expected = front_matter(SAMPLE_SITE / "centres" / ABBEY / f"index.{lang}.md")["name"]
    soup = soup_of(sample_build, f"/{lang}/centres/{ABBEY}/")
    assert soup.h1.get_text(strip=True) == expected
    assert soup.select_one(".notice--fallback") is None
    assert soup.select_one(".prose").get("lang") is None


@pytest.mark.parametrize(("lang", "fallback"), [("ar", "fr"), ("zh", "en")])
def test_place_without_a_translation_shows_a_fallback_notice_and_marks_the_text_language(sample_build, lang, fallback):
    assert not (SAMPLE_SITE / "centres" / PRIORY / f"index.{lang}.md").exists()
    source = SAMPLE_SITE / "centres" / PRIORY / f"index.{fallback}.md"
    soup = soup_of(sample_build, f"/{lang}/centres/{PRIORY}/")
    assert soup.html["lang"] == lang
    assert soup.select_one(".notice--fallback") is not None, "no fallback notice"
    prose = soup.select_one(".prose")
    assert prose["lang"] == fallback
    assert prose["dir"] == "ltr"
    assert text_of(prose) == body_of(source)
    name = soup.h1.find(attrs={"lang": fallback})
    assert name is not None and name.get_text(strip=True) == front_matter(source)["name"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_alias_redirects_to_the_current_slug(sample_build, lang):
    soup = soup_of(sample_build, f"/{lang}/centres/old-slug/")
    target = f"/{lang}/centres/{CASTLE}/"
    refresh = soup.find("meta", attrs={"http-equiv": "refresh"})
    assert refresh is not None
    delay, url = (part.strip() for part in refresh["content"].split(";", 1))
    assert delay == "0"
    assert url == f"url={target}"
    assert soup.find("link", rel="canonical")["href"] == target
    assert target in links(soup)
    assert (sample_build / target.strip("/") / "index.html").is_file()


def test_alias_is_not_built_as_a_place_of_its_own(sample_build):
    places = soup_of(sample_build, "/fr/centres/")
    assert "/fr/centres/old-slug/" not in links(places)


def test_root_index_sends_to_the_visitors_language_and_else_to_french_home(sample_build):
    soup = soup_of(sample_build, "/")
    refresh = soup.find("meta", attrs={"http-equiv": "refresh"})
    assert refresh["content"].replace(" ", "") == "0;url=/fr/"
    assert refresh.parent.name == "noscript"  # else it would win over the script's choice
    script = soup.find("script", attrs={"data-homes": True})
    assert json.loads(script["data-homes"]) == {code: f"/{code}/" for code in LANGUAGES}
    assert script["data-default"] == "/fr/"
    assert (sample_build / script["src"].lstrip("/")).is_file()
    assert soup.find("link", rel="canonical")["href"] == "/fr/"
    assert {f"/{code}/" for code in LANGUAGES} <= links(soup)


# -- what is listed where -----------------------------------------------------------------------------


def test_places_list_shows_current_places_but_not_former_members(sample_build):
    hrefs = links(soup_of(sample_build, "/fr/centres/"))
    for slug in (ABBEY, PRIORY, CASTLE):
        assert f"/fr/centres/{slug}/" in hrefs
    assert f"/fr/centres/{FORMER}/" not in hrefs


@pytest.mark.parametrize("lang", LANGUAGES)
def test_former_member_is_on_no_kind_page(sample_build, lang):
    kinds = sorted((sample_build / lang / "kinds").iterdir())
    assert [k.name for k in kinds] == ["associate", "ccr", "international-member"]
    name = front_matter(SAMPLE_SITE / "centres" / FORMER / f"index.{lang}.md")["name"]
    for kind in kinds:
        soup = soup_of(sample_build, f"/{lang}/kinds/{kind.name}/")
        assert f"/{lang}/centres/{FORMER}/" not in links(soup)
        assert name not in text_of(soup)


def test_former_member_is_listed_on_the_history_page(sample_build):
    soup = soup_of(sample_build, "/fr/history/")
    assert f"/fr/centres/{FORMER}/" in links(soup)
    name = front_matter(SAMPLE_SITE / "centres" / FORMER / "index.fr.md")["name"]
    assert name in text_of(soup)
    assert f"/fr/centres/{ABBEY}/" not in links(soup)


def test_former_member_still_has_its_own_page_marked_as_history(sample_build):
    soup = soup_of(sample_build, f"/fr/centres/{FORMER}/")
    assert soup.select_one(".notice--history") is not None
    assert soup_of(sample_build, f"/fr/centres/{ABBEY}/").select_one(".notice--history") is None


@pytest.mark.parametrize("lang", LANGUAGES)
def test_former_member_names_its_disciplines_without_linking_pages_that_leave_it_out(sample_build, lang):
    facts = soup_of(sample_build, f"/{lang}/centres/{FORMER}/").select_one("dl.facts")
    # Its only discipline is no current place's: that discipline has no page at all.
    assert not (sample_build / lang / "disciplines" / "crafts").exists()
    disciplines = facts.find_all("dd")[3]
    assert disciplines.find("li") is not None and disciplines.find("a") is None, disciplines
    current = soup_of(sample_build, f"/{lang}/centres/{ABBEY}/").select_one("dl.facts").find_all("dd")[3]
    assert all((sample_build / a["href"].strip("/") / "index.html").is_file() for a in current.find_all("a"))
    assert current.find("a") is not None


def test_former_member_alone_in_its_country_links_no_country_page(tmp_path):
    import tasks

    root = copy_sample_site(tmp_path / "site")
    record = root / "centres" / FORMER / "index.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace("country: FR", "country: CH"), encoding="utf-8")
    assert tasks.build_site(output=tmp_path / "out", root=root) == 0

    assert not (tmp_path / "out" / "fr" / "countries" / "ch").exists()
    location = soup_of(tmp_path / "out", f"/fr/centres/{FORMER}/").select_one("dl.facts").find_all("dd")[1]
    assert "Suisse" in location.get_text() and location.find("a") is None, location


@pytest.mark.parametrize(
    "path",
    [
        "countries",
        "countries/fr",
        "countries/be",
        "countries/ma",
        "kinds/ccr",
        "kinds/associate",
        "kinds/international-member",
        "disciplines",
        "disciplines/music",
        "disciplines/literature",
        "disciplines/visual-arts",
        "disciplines/theatre",
        "programmes",
        f"programmes/{PROGRAMME}",
        "events",
        f"events/{EVENT}",
        "history",
        "network",
    ],
)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_listing_and_record_pages_exist_in_every_language(sample_build, lang, path):
    soup = soup_of(sample_build, f"/{lang}/{path}/")
    assert soup.h1 is not None and soup.h1.get_text(strip=True)


def test_kind_and_discipline_pages_only_exist_for_current_places(sample_build):
    # The only former member is the only place in 'crafts'.
    assert not (sample_build / "fr" / "kinds" / "former-member").exists()
    assert not (sample_build / "fr" / "disciplines" / "crafts").exists()


def test_country_page_lists_the_places_of_that_country_only(sample_build):
    belgium = links(soup_of(sample_build, "/fr/countries/be/"))
    assert f"/fr/centres/{CASTLE}/" in belgium
    assert f"/fr/centres/{ABBEY}/" not in belgium
    france = links(soup_of(sample_build, "/fr/countries/fr/"))
    assert {f"/fr/centres/{ABBEY}/", f"/fr/centres/{PRIORY}/"} <= france
    assert f"/fr/centres/{FORMER}/" not in france


def test_country_introduction_is_shown_on_its_country_page(sample_build):
    summary = front_matter(SAMPLE_SITE / "content" / "countries" / "ma" / "index.fr.md")["summary"]
    assert summary in text_of(soup_of(sample_build, "/fr/countries/ma/"))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_programme_page_lists_its_host_place(sample_build, lang):
    soup = soup_of(sample_build, f"/{lang}/programmes/{PROGRAMME}/")
    hosts = soup.find(id="hosts").find_parent("section")
    assert links(hosts) == {f"/{lang}/centres/{ABBEY}/"}
    name = front_matter(SAMPLE_SITE / "centres" / ABBEY / f"index.{lang}.md")["name"]
    assert name in text_of(hosts)


def test_place_page_links_its_programme_and_event(sample_build):
    hrefs = links(soup_of(sample_build, f"/en/centres/{ABBEY}/"))
    assert {f"/en/programmes/{PROGRAMME}/", f"/en/events/{EVENT}/"} <= hrefs
    assert f"/en/programmes/{PROGRAMME}/" not in links(soup_of(sample_build, f"/en/centres/{PRIORY}/"))


def test_event_page_links_the_place_where_it_was_held(sample_build):
    assert f"/zh/centres/{ABBEY}/" in links(soup_of(sample_build, f"/zh/events/{EVENT}/"))


# -- dates -------------------------------------------------------------------------------------------


def test_babel_gives_each_language_its_own_date_format():
    # Guards the tests below: a date format that ignored the locale would make them meaningless.
    formatted = {lang: format_date(dt.date(2024, 3, 15), "long", locale=lang) for lang in LANGUAGES}
    assert len(set(formatted.values())) == len(LANGUAGES)
    assert "mars" in formatted["fr"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_event_dates_are_formatted_for_the_page_language(sample_build, lang):
    facts = yaml.safe_load((SAMPLE_SITE / "content" / "events" / EVENT / "index.yaml").read_text(encoding="utf-8"))
    start, end = facts["start"], facts["end"]  # PyYAML reads them as dates
    expected = format_interval(start, end, "yMMMd", locale=lang)
    soup = soup_of(sample_build, f"/{lang}/events/{EVENT}/")
    values = [dd.get_text(strip=True) for dd in soup.select("dl.facts dd")]
    assert expected in values, values
    assert start.isoformat() not in soup.get_text()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_last_verified_date_is_formatted_for_the_page_language(sample_build, lang):
    facts = yaml.safe_load((SAMPLE_SITE / "centres" / ABBEY / "index.yaml").read_text(encoding="utf-8"))
    expected = format_date(facts["last_verified"], "long", locale=lang)
    sources = soup_of(sample_build, f"/{lang}/centres/{ABBEY}/").select_one("section.sources")
    assert expected in sources.get_text()
    assert facts["last_verified"].isoformat() not in sources.get_text()


# -- the site's icon ------------------------------------------------------------------------------------
ICON_RELS = ("icon", "apple-touch-icon")


def icon_links(soup) -> set[tuple[str, str]]:
    return {(" ".join(link["rel"]), link["href"]) for link in soup.find_all("link", rel=ICON_RELS)}


def test_every_page_links_the_site_icons_and_they_are_written(sample_build):
    pages = [
        path
        for path in sample_build.rglob("*.html")
        if "embed" not in path.parts and "http-equiv" not in path.read_text(encoding="utf-8")  # framed, redirects
    ]
    assert len(pages) > 50
    found = {path.relative_to(sample_build).as_posix(): icon_links(soup_of_file(path)) for path in pages}
    expected = {("icon", "/favicon.ico"), ("icon", "/favicon.svg"), ("apple-touch-icon", "/apple-touch-icon.png")}
    assert {page: links for page, links in found.items() if links != expected} == {}
    for _, href in expected:
        assert (sample_build / href.lstrip("/")).stat().st_size > 0


def test_site_icons_have_the_sizes_browsers_and_phones_ask_for(sample_build):
    with Image.open(sample_build / "favicon.ico") as ico:
        assert ico.info["sizes"] == {(16, 16), (32, 32), (48, 48)}
        ico.size = (48, 48)
        small = ico.convert("RGBA")
    with Image.open(sample_build / "apple-touch-icon.png") as touch:
        assert touch.size == (180, 180)
        assert touch.mode == "RGB"  # iOS shows transparency as black
        touch.load()
    gold, navy, white = (255, 210, 122), (31, 51, 80), (255, 255, 255)
    for image, corner_alpha in ((small, 0), (touch.convert("RGBA"), 255)):
        size = image.width
        assert image.getpixel((size // 2, size // 2))[:3] == gold
        assert image.getpixel((size // 2, round(size * 10 / 64)))[:3] == white  # on the ring (radius 22 of 64)
        assert image.getpixel((size // 2, round(size * 3 / 64)))[:3] == navy
        assert image.getpixel((0, 0))[3] == corner_alpha  # the ICO's corners are rounded, the phone's square
    svg = ElementTree.fromstring((sample_build / "favicon.svg").read_bytes())
    assert svg.tag == "{http://www.w3.org/2000/svg}svg" and svg.get("viewBox") == "0 0 64 64"


# -- footer links -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_page_marked_in_footer_is_linked_from_every_page_footer_in_its_language(sample_build, lang):
    pages = SAMPLE_SITE / "content" / "pages"
    assert yaml.safe_load((pages / "history" / "index.yaml").read_text(encoding="utf-8"))["in_footer"] is True
    assert "in_footer" not in yaml.safe_load((pages / "network" / "index.yaml").read_text(encoding="utf-8"))
    text = pages / "history" / f"index.{lang}.md"
    name = front_matter(text if text.is_file() else pages / "history" / "index.fr.md")["name"]
    for url in (f"/{lang}/", f"/{lang}/centres/{ABBEY}/", f"/{lang}/search/"):
        footer = {a["href"]: a.get_text(strip=True) for a in soup_of(sample_build, url).select("footer.site-footer a")}
        assert footer.get(f"/{lang}/history/") == name, url
        assert f"/{lang}/network/" not in footer, url
    not_found = soup_of_file(sample_build / lang / "404.html")
    assert f"/{lang}/history/" in {a["href"] for a in not_found.select("footer.site-footer a")}


# -- links between pages in the texts -----------------------------------------------------------------------
def test_atlas_links_in_a_text_lead_to_the_pages_in_the_readers_language(tmp_path):
    import tasks

    root = copy_sample_site(tmp_path / "site")
    text = root / "content" / "pages" / "network" / "index.fr.md"
    links = [
        f"Voir [l'abbaye](atlas:centres/{ABBEY}), [le château][c],",
        f"[ses appels](atlas:programmes/{PROGRAMME}#calls), [la Belgique](atlas:countries/be),",
        "[les données](atlas:data) et [l'histoire](atlas:history/).",
        "",
        f"[c]: atlas:centres/{CASTLE}",
    ]
    text.write_text(text.read_text(encoding="utf-8") + "\n" + "\n".join(links) + "\n", encoding="utf-8")
    (root / "content" / "pages" / "network" / "index.ar.md").unlink()  # the Arabic page shows the French text
    assert tasks.build_site(output=tmp_path / "out", root=root) == 0
    for lang in ("fr", "ar"):
        prose = soup_of(tmp_path / "out", f"/{lang}/network/").select_one(".prose")
        hrefs = [a["href"] for a in prose.find_all("a")]
        assert hrefs == [
            f"/{lang}/centres/{ABBEY}/",
            f"/{lang}/centres/{CASTLE}/",
            f"/{lang}/programmes/{PROGRAMME}/#calls",
            f"/{lang}/countries/be/",
            f"/{lang}/data/",
            f"/{lang}/history/",
        ]
        for href in hrefs:
            assert (tmp_path / "out" / href.split("#")[0].strip("/") / "index.html").is_file(), href


# One wrong setting per plugin's namespace. Those of ATLAS_IMAGES, ATLAS_CARDS and ATLAS_PRINT were not checked
# (a misspelt name was ignored: the QR codes then gave the local address), and several others met a traceback.
WRONG_SETTINGS = [
    ({"ATLAS": {"rtl_languages": -1}}, "ATLAS['rtl_languages']"),
    ({"ATLAS_MAPS": {"outlines": {}}}, "ATLAS_MAPS['outlines']"),
    ({"ATLAS_DATA": {"updates_feed_size": 0}}, "ATLAS_DATA['updates_feed_size']"),
    ({"ATLAS_SEARCH": {"shard_pages": "500"}}, "ATLAS_SEARCH['shard_pages']"),
    ({"ATLAS_IMAGES": {"cache": -1}}, "ATLAS_IMAGES['cache']"),
    ({"ATLAS_CARDS": {"cahce": "/tmp/cards"}}, "ATLAS_CARDS['cahce'] is not a setting; known: cache"),
    ({"ATLAS_PRINT": {"site_url": "https://example.org"}}, "ATLAS_PRINT['site_url'] is not a setting"),
    ({"ATLAS_PRINT": {"siteurl": "example.org"}}, "ATLAS_PRINT['siteurl'] must be an http(s) address"),
]


@pytest.mark.parametrize(("overrides", "named"), WRONG_SETTINGS, ids=[named for _, named in WRONG_SETTINGS])
def test_a_wrong_setting_stops_the_build_at_start_up_naming_it(tmp_path, capfd, overrides, named):
    import tasks

    output = tmp_path / "output"
    output.mkdir()
    (output / "index.html").write_text("the previous build", encoding="utf-8")
    before = tree_digest(output)
    status = tasks.build_site(output=output, root=SAMPLE_SITE, overrides=overrides)
    stderr = capfd.readouterr().err
    assert status == 2, stderr
    assert f"pelicanconf: {named}" in stderr and "Traceback" not in stderr
    assert "Checked" not in stderr, "the records were checked before the settings"
    assert tree_digest(output) == before


@pytest.mark.parametrize("places", ["moved away", "in another folder"])
def test_an_atlas_without_a_place_is_not_built(tmp_path, capfd, places):
    import tasks

    root = copy_sample_site(tmp_path / "site")
    if places == "moved away":
        shutil.rmtree(root / "centres")
    else:
        (root / "centres").rename(root / "places")
    output = tmp_path / "output"

    assert tasks.build_site(output=output, root=root) == 1

    stderr = capfd.readouterr().err
    assert f"centres/: (atlas): no place in the atlas: centres/ has no <slug>/index.yaml; is {root}" in stderr
    assert "Traceback" not in stderr
    assert not output.exists()
