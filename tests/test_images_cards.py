"""Share cards (atlas_cards): a 1200×630 PNG per place and programme per language, Arabic shaped right to left,
Chinese drawn with a font that has its glyphs, referenced by og:image and twitter:image, cached by content."""

from __future__ import annotations

import pytest
from PIL import Image, ImageChops, ImageFont, features
from support import LANGUAGES, SAMPLE_SITE, copy_sample_site, soup_of

ABBEY = "abbaye-d-exemple"


def records(kind: str) -> list[str]:
    return sorted(p.name for p in (SAMPLE_SITE / kind).iterdir() if p.is_dir())


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_place_and_programme_has_its_card_in_the_sharing_metadata(sample_build, lang):
    pages = [("centres", slug) for slug in records("centres")] + [("programmes", s) for s in records("programmes")]
    assert len(pages) >= 5
    for section, slug in pages:
        url = f"/{lang}/{section}/{slug}/card.png"
        with Image.open(sample_build / url.lstrip("/")) as card:
            assert (card.format, card.size) == ("PNG", (1200, 630))
        soup = soup_of(sample_build, f"/{lang}/{section}/{slug}/")
        assert soup.find("meta", property="og:image")["content"] == url
        assert soup.find("meta", attrs={"name": "twitter:image"})["content"] == url
        assert soup.find("meta", property="og:image:width")["content"] == "1200"
        assert soup.find("meta", property="og:image:alt")["content"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_other_pages_share_the_card_of_the_atlas_in_their_language(sample_build, lang):
    card = f"/{lang}/card.png"
    with Image.open(sample_build / card.lstrip("/")) as image:
        assert (image.format, image.size) == ("PNG", (1200, 630))
    for url in (f"/{lang}/", f"/{lang}/centres/", f"/{lang}/countries/fr/", f"/{lang}/history/", f"/{lang}/search/"):
        soup = soup_of(sample_build, url)
        assert soup.find("meta", property="og:image")["content"] == card, url
        assert soup.find("meta", attrs={"name": "twitter:image"})["content"] == card, url
        assert soup.find("meta", property="og:image:alt")["content"].startswith(
            soup.find("meta", property="og:site_name")["content"]
        )
    cards = {path.read_bytes() for path in sample_build.glob("*/card.png")}
    assert len(cards) == len(LANGUAGES), "one card per language, each in its language"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_fact_sheet_is_shared_with_its_place_card(sample_build, lang):
    sheet = soup_of(sample_build, f"/{lang}/centres/{ABBEY}/print/")
    assert sheet.find("meta", property="og:image")["content"] == f"/{lang}/centres/{ABBEY}/card.png"


def test_a_page_with_a_card_asks_for_the_large_twitter_card(sample_build):
    # "summary" shows a small square cut out of the 1200×630 card, with its text cut off.
    for url in ("/fr/", f"/ar/centres/{ABBEY}/", "/zh/programmes/programme-fictif/"):
        assert (
            soup_of(sample_build, url).find("meta", attrs={"name": "twitter:card"})["content"] == "summary_large_image"
        )


def test_arabic_is_shaped_by_libraqm():
    from atlas_cards.cards import FONTS

    assert features.check("raqm"), "Pillow lacks libraqm: Arabic would be drawn unjoined and left to right"
    shaped = ImageFont.truetype(FONTS["bold"], 60, layout_engine=ImageFont.Layout.RAQM)
    unshaped = ImageFont.truetype(FONTS["bold"], 60, layout_engine=ImageFont.Layout.BASIC)
    word = "بببب"  # joined forms are much narrower than four isolated letters
    assert shaped.getlength(word, direction="rtl", language="ar") < 0.7 * unshaped.getlength(word)


def _ink_columns(card: Image.Image, top: int, bottom: int) -> tuple[int, int]:
    """First and last columns with white text pixels between two heights (the name's lines)."""
    box = card.convert("L").crop((30, top, 1170, bottom)).point(lambda v: 255 if v > 240 else 0).getbbox()
    assert box, "no text drawn there"
    return box[0] + 30, box[2] + 30


def test_arabic_card_is_right_aligned_and_french_card_left_aligned(sample_build):
    with Image.open(sample_build / f"ar/centres/{ABBEY}/card.png") as card:
        left, right = _ink_columns(card, 150, 400)
    assert right > 1080 and left > 300, (left, right)
    with Image.open(sample_build / f"fr/centres/{ABBEY}/card.png") as card:
        left, right = _ink_columns(card, 150, 400)
    assert left < 120, (left, right)


def test_chinese_names_use_a_font_with_chinese_glyphs():
    from atlas_cards.cards import font_for

    name = (SAMPLE_SITE / "centres" / ABBEY / "index.zh.md").read_text(encoding="utf-8").split("name:")[1].split()[0]
    font = font_for(name, 60, bold=True)
    masks = {bytes(font.getmask(char)) for char in name[:4]}
    assert len(masks) == len(set(name[:4])), "the glyphs are all the same box: the font lacks Chinese"


def test_cards_are_cached_by_their_inputs(tmp_path, monkeypatch):
    import tasks

    monkeypatch.setenv("ATLAS_CACHE", str(tmp_path / "cache"))
    root = copy_sample_site(tmp_path / "site")
    assert tasks.build_site(output=tmp_path / "one", root=root) == 0
    cache = tmp_path / "cache" / "atlas-cards"
    first = {p.name: p.stat().st_mtime_ns for p in cache.rglob("*.png")}
    assert len(first) == 4 * (len(records("centres")) + len(records("programmes")) + 1)  # + the atlas's own
    text = root / "centres" / ABBEY / "index.en.md"
    text.write_text(
        text.read_text(encoding="utf-8").replace("name: Example Abbey", "name: Sample Abbey"), encoding="utf-8"
    )
    assert tasks.build_site(output=tmp_path / "two", root=root) == 0
    second = {p.name: p.stat().st_mtime_ns for p in cache.rglob("*.png")}
    new = set(second) - set(first)
    assert len(new) == 1, "only the English card of the renamed place is drawn again"
    assert all(second[name] == first[name] for name in first)


@pytest.mark.parametrize("lang", ["fr", "ar", "zh"])
def test_saved_card_has_the_colours_it_was_drawn_with(tmp_path, lang):
    from atlas_cards.cards import card_png, render_card

    text = (SAMPLE_SITE / "centres" / ABBEY / f"index.{lang}.md").read_text(encoding="utf-8")
    name = text.split("name:")[1].splitlines()[0].strip()
    fields = {"lang": lang, "rtl": lang == "ar", "name": name, "kind": name, "where": name, "site": name}
    drawn = render_card(fields)
    card_png(drawn, tmp_path / "card.png")
    with Image.open(tmp_path / "card.png") as saved:
        assert saved.size == (1200, 630)
        difference = ImageChops.difference(drawn, saved.convert("RGB"))
    assert max(high for _, high in difference.getextrema()) <= 8, "a colour of the drawing is not in the palette"


@pytest.mark.parametrize("lang", ["fr", "ar", "zh"])
def test_a_name_too_long_for_three_lines_is_cut_with_an_ellipsis(lang):
    """A name that does not fit in three lines at the smallest size is cut where a word (a character in
    Chinese) ends, and says so with "…": a cut name must not read as the whole name."""
    from atlas_cards.cards import TEXT_WIDTH, name_lines, render_card

    text = (SAMPLE_SITE / "centres" / ABBEY / f"index.{lang}.md").read_text(encoding="utf-8")
    name = text.split("name:")[1].splitlines()[0].strip()
    joiner = "" if lang == "zh" else " "
    options = {"direction": "rtl" if lang == "ar" else "ltr", "language": lang}
    too_long = joiner.join([name] * (400 // len(name) + 1))  # some 400 characters: more than 3 lines hold
    for given, cut in ((name, False), (too_long, True)):
        fields = {"lang": lang, "rtl": lang == "ar", "name": given, "kind": "", "where": "", "site": ""}
        lines, font, _ = name_lines(fields)
        assert all(font.getlength(line, **options) <= TEXT_WIDTH for line in lines), lines
        drawn = joiner.join(lines)
        if cut:
            assert len(lines) == 3 and drawn.endswith("…"), lines
            assert given.startswith(drawn[:-1]) and len(drawn) < len(given)
        else:
            assert drawn == given, lines
        assert render_card(fields).size == (1200, 630)
