"""Markdown bodies (markup.py): what editors write, as HTML."""

from __future__ import annotations

import pytest
from atlas_records.text_markup import LEVEL_1_HEADING, markup_problems
from atlas_site.markup import MarkdownRenderer, link_atlas_pages, markdown_converter
from bs4 import BeautifulSoup


def test_a_backslash_at_the_end_of_a_line_breaks_the_line():
    html = MarkdownRenderer().render("Association (ACCR)\\\nHôtel de Massa\\\n75014 Paris")
    assert html.count("<br>") == 2
    assert "\\" not in html


def test_a_backslash_in_code_or_escaping_a_character_is_kept_as_written():
    html = MarkdownRenderer().render("A `path\\` and an \\*asterisk\\*, not emphasis.")
    assert "<code>path\\</code>" in html
    assert "*asterisk*" in html and "<em>" not in html and "<br>" not in html


def test_two_trailing_spaces_still_break_the_line():
    assert MarkdownRenderer().render("first line  \nsecond line").count("<br>") == 1


def test_scripts_images_frames_and_handlers_never_come_out_even_if_the_check_is_skipped():
    """The check refuses these (atlas_records/text_markup.py); the renderer removes them all the same."""
    html = MarkdownRenderer().render(
        "<script>alert('pwned')</script>\n\n<img src=x onerror=\"alert('pwned')\">\n\n"
        '<p onclick="alert(1)">Click <a href="javascript:alert(1)">here</a>'
        ' <iframe src="https://evil.example"></iframe></p>\n\n![x](https://tracker.example/pixel.png)'
    )
    assert "Click" in html
    for bad in ("alert(", "onerror", "onclick", "javascript:", "<iframe", "<img", "<script", "example"):
        assert bad not in html, (bad, html)


def test_a_fenced_block_is_published_as_code_as_the_checks_read_it():
    """The checks do not read fenced blocks (text_markup.lines_outside_code): what they hold must not come out as
    a link or a heading, nor leave its fences as loose backticks."""
    html = MarkdownRenderer().render("Before.\n\n```\n[a](atlas:nowhere)\n# Not a heading\n```\n\n~~~\n<b>t</b>\n~~~")
    assert html.count("<pre><code>") == 2
    assert "[a](atlas:nowhere)\n# Not a heading" in html and "&lt;b&gt;t&lt;/b&gt;" in html
    assert "<a " not in html and "<h1" not in html and "`" not in html and "~" not in html


# (text, the line the check must report a level-1 heading at, or None): the renderer decides which are headings.
LEVEL_1_CASES = [
    ("Intro.\n\n# Title", 3),
    ("#Title", 1),
    ("## Title", None),
    ("  # Title", None),
    ("> # Title", 1),
    ("> > #Title", 1),
    ("- # Title", 1),
    ("1. # Title", 1),
    ("Term\n:   # Title", 2),
    ("- item\n\n    # Title", 3),
    ("- item\nlazy line\n\n    # Title", 4),
    ("A paragraph.\n\n    # code", None),
    ("- item\n\nA paragraph.\n\n    # code", None),
    ("Title\n=====", 1),
    ("> Title\n> ===", 1),
    ("Title\n-----", None),
    ("```\n# code\n```", None),
    ("~~~~\n# code\n~~~~", None),
    ("```python\n# code\n```", None),
    ("```\n# Title, the fence never closed", 2),
    ("  ```\n# Title\n  ```", 2),
    ("| a |\n|---|\n| # b |", None),
    ("A #hashtag in a line.", None),
]


@pytest.mark.parametrize(("text", "line"), LEVEL_1_CASES, ids=[repr(text) for text, _ in LEVEL_1_CASES])
def test_the_check_finds_a_level_1_heading_where_the_renderer_makes_one(text, line):
    """The check reads the Markdown line by line; the renderer is the judge of what is a heading."""
    made = "<h1>" in markdown_converter().convert(text)
    assert made == (line is not None), "the case's expectation is wrong about the renderer"
    found = [number for number, message, _ in markup_problems(text, 1) if message == LEVEL_1_HEADING]
    assert found == ([line] if line else [])


# (text, whether the check reports its link): the rendered page decides which links lead somewhere.
LINK_CASES = [
    ("[site](https://example.org/a)", False),
    ("[site](HTTP://EXAMPLE.ORG)", False),
    ("[write](mailto:contact@example.org)", False),
    ("[place](atlas:centres/abbaye-d-exemple)", False),
    ("[place](ATLAS:centres/abbaye-d-exemple)", True),
    ("[article](https://fr.wikipedia.org/wiki/Saline_(Arc))", False),
    ("[site](www.example.org)", True),
    ("[site](<example.org/page>)", True),
    ('[site](example.org "Example")', True),
    ("[place](/fr/centres/abbaye-d-exemple/)", True),
    ("[place](../abbaye-d-exemple/)", True),
    ('<a href="page.html">page</a>', True),
    ("[call](tel:+33100000000)", True),
    ("<a href='ftp://example.org/file'>file</a>", True),
    ("[nothing]()", True),
    ("[below](#history)", True),
    ('<a href="#top">top</a>', True),
    ("[site][ref]\n\n[ref]: www.example.org", True),
    ('[site][ref]\n\n[ref]: https://example.org "Example"', False),
    ("<https://example.org>", False),
    ("Words [in brackets] (example.org), not a link.", False),
]


@pytest.mark.parametrize(("text", "reported"), LINK_CASES, ids=[repr(text) for text, _ in LINK_CASES])
def test_the_check_reports_a_link_the_published_page_would_break(text, reported):
    """A link works when the page keeps an address a reader's browser can follow from any page: a web or mail
    address, or one the site makes a page's address in each language (link_atlas_pages)."""
    # The site's own address stands for the page's: a path an editor wrote is then told apart from it.
    html = link_atlas_pages(MarkdownRenderer().render(text), lambda *parts: "https://atlas.test/" + "/".join(parts))
    links = BeautifulSoup(html, "html.parser").find_all("a")
    broken = any(not link.get("href", "").lower().startswith(("https://", "http://", "mailto:")) for link in links)
    assert broken == reported, "the case's expectation is wrong about the rendered page"
    found = [message for _, message, _ in markup_problems(text, 1) if "link" in message]
    assert bool(found) == reported, found


def test_a_link_to_a_part_of_the_page_is_reported_as_no_heading_has_an_anchor():
    html = BeautifulSoup(MarkdownRenderer().render("## History\n\nSee [below](#history)."), "html.parser")
    assert html.find("h2") and not html.find(id=True), "a heading has an anchor now: the check should accept it"
    found = [message for _, message, _ in markup_problems("See [below](#history).", 1)]
    assert found == ["link '#history' leads to no part of the page: a text's headings have no anchor to link"]


# (text, the attributes the check warns the page would lose): the rendered page decides which it keeps.
ATTRIBUTE_CASES = [
    ('<span style="color: red">Red</span>', {"style"}),
    ('<p class="intro" onclick="go()">Text</p>', {"class", "onclick"}),
    ('<a href="https://example.org" target=_blank title="Example">site</a>', {"target"}),
    ('<abbr title="Association des Centres culturels de rencontre">ACCR</abbr>', set()),
    ('<span lang="en" dir="ltr">in English</span>', set()),
    ('<table><tr><td colspan="2">both</td></tr></table>', {"colspan"}),
    ("Line<br/>break and a rule:<hr />", set()),
]


@pytest.mark.parametrize(("text", "lost"), ATTRIBUTE_CASES, ids=[text for text, _ in ATTRIBUTE_CASES])
def test_the_check_warns_of_each_attribute_the_published_text_loses(text, lost):
    html = BeautifulSoup(MarkdownRenderer().render(text), "html.parser")
    written = BeautifulSoup(text, "html.parser")
    dropped = {name for tag in written.find_all(True) for name in tag.attrs} - {
        name for tag in html.find_all(True) for name in tag.attrs
    }
    assert dropped == lost, "the case's expectation is wrong about the rendered page"
    warned = {message.split("=")[0].split()[-1] for _, message, severity in markup_problems(text, 1)}
    assert warned == lost


def test_an_atlas_link_in_capitals_is_told_to_be_written_in_lower_case():
    """The site makes only atlas: (in lower case) a page's address: ATLAS: would be published as written."""
    html = link_atlas_pages(MarkdownRenderer().render("[p](ATLAS:centres/x)"), lambda *parts: "/fr/centres/x/")
    assert 'href="ATLAS:centres/x"' in html
    [(_, message, severity)] = markup_problems("[p](ATLAS:centres/x)", 1)
    assert severity == "error" and message.endswith("write atlas: in lower case, atlas:centres/x")
