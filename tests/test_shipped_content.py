"""The atlas's own content: clean check, complete texts, cited sources, former members kept apart."""

from __future__ import annotations

import io

import pytest
from atlas_records import load_atlas
from support import LANGUAGES, ROOT, soup_of

import tasks


@pytest.fixture(scope="module")
def atlas():
    return load_atlas(ROOT, LANGUAGES, "fr")


def _folders(name: str) -> list[str]:
    return sorted(p.name for p in (ROOT / name).iterdir() if p.is_dir() and not p.name.startswith("."))


PLACES = _folders("centres")
PROGRAMMES = _folders("programmes")


def test_shipped_content_passes_check_with_no_error_and_no_warning():
    stream = io.StringIO()
    errors = tasks.run_check(ROOT, stream=stream)
    lines = stream.getvalue().splitlines()
    assert errors == 0, "\n".join(lines)
    assert lines[-1].endswith(": 0 error(s), 0 warning(s)."), "\n".join(lines)
    assert len(lines) == 1, "\n".join(lines)


def test_every_place_and_programme_folder_is_a_record(atlas):
    assert sorted(atlas.records["centre"]) == PLACES
    assert sorted(atlas.records["programme"]) == PROGRAMMES
    assert len(PLACES) > 10


@pytest.mark.parametrize("slug", PLACES)
def test_place_has_name_and_summary_in_every_language(atlas, slug):
    record = atlas.records["centre"][slug]
    for lang in LANGUAGES:
        assert lang in record.texts, f"{slug}: no index.{lang}.md"
        fields = record.texts[lang].fields
        for key in ("name", "summary"):
            assert isinstance(fields.get(key), str) and fields[key].strip(), f"{slug}: index.{lang}.md has no {key}"


@pytest.mark.parametrize(("kind", "slug"), [("centre", s) for s in PLACES] + [("programme", s) for s in PROGRAMMES])
def test_record_cites_at_least_one_source(atlas, kind, slug):
    sources = atlas.records[kind][slug].get("sources") or []
    assert sources, f"{slug} cites no source"
    assert all(url.startswith(("https://", "http://")) for url in sources), sources


def test_no_former_member_is_listed_on_the_places_page(atlas, real_build):
    former = [r.slug for r in atlas.of_type("centre") if r["kind"] == "former-member"]
    current = [r.slug for r in atlas.of_type("centre") if r["kind"] != "former-member"]
    assert former, "the shipped content has no former member any more: this test needs another example"
    hrefs = {a["href"] for a in soup_of(real_build, "/fr/centres/").find_all("a", href=True)}
    assert {f"/fr/centres/{slug}/" for slug in current} <= hrefs
    assert not {f"/fr/centres/{slug}/" for slug in former} & hrefs


def test_real_build_has_every_place_in_every_language(real_build):
    for lang in LANGUAGES:
        for slug in PLACES:
            assert (real_build / lang / "centres" / slug / "index.html").is_file(), f"/{lang}/centres/{slug}/"


def test_every_page_of_the_real_site_declares_its_language_canonical_and_alternates(real_build):
    from bs4 import BeautifulSoup

    languages = {"fr", "en", "ar", "zh"}
    faults = []
    for page in sorted(real_build.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        if 'http-equiv="refresh"' in text:
            continue  # alias redirects and the root: they only point elsewhere
        soup = BeautifulSoup(text, "html.parser")
        relative = page.relative_to(real_build)
        lang = relative.parts[0] if relative.parts[0] in languages else None
        html = soup.find("html")
        alternates = {link.get("hreflang") for link in soup.find_all("link", rel="alternate") if link.get("hreflang")}
        if lang and html.get("lang") != lang:
            faults.append(f"{relative}: lang={html.get('lang')!r}")
        if html.get("dir") != ("rtl" if lang == "ar" else "ltr"):
            faults.append(f"{relative}: dir={html.get('dir')!r}")
        if lang and not soup.find("link", rel="canonical"):
            faults.append(f"{relative}: no canonical link")
        if lang and not (languages | {"x-default"}) <= alternates:
            faults.append(f"{relative}: hreflang alternates {sorted(alternates)}")
    assert faults == []


def test_no_page_of_the_real_site_shows_a_line_break_backslash(real_build):
    """Editors end lines with a backslash to break them (CommonMark): the pages show breaks, not backslashes."""
    shown = [
        str(page.relative_to(real_build))
        for page in sorted(real_build.rglob("index.html"))
        if "\\\n" in soup_of(real_build, str(page.parent.relative_to(real_build))).get_text()
    ]
    assert shown == []
    address = soup_of(real_build, "/fr/contact/").find(string=lambda text: "Hôtel de Massa" in text).parent
    assert address.name == "p" and len(address.find_all("br")) == 3
