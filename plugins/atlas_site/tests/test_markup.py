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
