"""Markdown bodies (markup.py): what editors write, as HTML."""

from __future__ import annotations

from atlas_site.markup import MarkdownRenderer


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
