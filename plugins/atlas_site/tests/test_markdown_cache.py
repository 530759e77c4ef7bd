"""The Markdown cache (markup.py): bodies reused by the next build, and when its file is written again."""

from __future__ import annotations

from pathlib import Path

from atlas_site.markup import MarkdownRenderer

BODIES = [f"Body number {number}, with *emphasis*." for number in range(150)]  # one in a hundred is then one


def build(cache: Path, bodies: list[str]) -> tuple[list[str], int]:
    """Render bodies as a build does, save the cache; return the HTML and how many were converted afresh."""
    renderer = MarkdownRenderer(cache)
    renderer.expect(len(bodies))
    converted = []
    convert = renderer._md.convert
    renderer._md.convert = lambda text: converted.append(text) or convert(text)
    html = [renderer.render(body) for body in bodies]
    renderer.save(bodies)
    return html, len(converted)


def cache_file(cache: Path) -> bytes:
    (path,) = cache.iterdir()
    return path.read_bytes()


def test_bodies_rendered_by_an_earlier_build_are_not_converted_again(tmp_path):
    first, converted = build(tmp_path, BODIES)
    assert converted == len(BODIES) and first[0] == "<p>Body number 0, with <em>emphasis</em>.</p>"

    again, converted = build(tmp_path, BODIES)
    assert again == first and converted == 0


def test_a_few_bodies_converted_afresh_leave_the_cache_file_as_it_is_until_more_are(tmp_path):
    build(tmp_path, BODIES)
    written = cache_file(tmp_path)

    one_edited = ["Edited once.", *BODIES[1:]]
    assert build(tmp_path, one_edited)[1] == 1
    assert cache_file(tmp_path) == written, "one body in 150: not worth rewriting 17 MB at 2,000 places"
    assert build(tmp_path, one_edited)[1] == 1, "converted again by the next build"

    two_edited = ["Edited once.", "Edited too.", *BODIES[2:]]
    assert build(tmp_path, two_edited)[1] == 2
    assert cache_file(tmp_path) != written, "two bodies in 150: written again"
    assert build(tmp_path, two_edited)[1] == 0


def test_an_unreadable_cache_file_is_rendered_again_and_replaced(tmp_path):
    first, _ = build(tmp_path, BODIES)
    (path,) = tmp_path.iterdir()
    path.write_bytes(b"not marshal data")

    again, converted = build(tmp_path, BODIES)
    assert again == first and converted == len(BODIES)
    assert build(tmp_path, BODIES)[1] == 0


def test_a_build_with_few_pages_to_render_converts_their_bodies_without_reading_the_cache(tmp_path, monkeypatch):
    first, _ = build(tmp_path, BODIES)
    read, read_bytes = [], Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda path: read.append(path) or read_bytes(path))
    renderer = MarkdownRenderer(tmp_path)
    renderer.expect(2)

    assert [renderer.render(body) for body in BODIES[:2]] == first[:2]
    renderer.save(BODIES)

    assert not [path for path in read if path.is_relative_to(tmp_path)]
    assert build(tmp_path, BODIES)[1] == 0, "the cache is as it was"
