"""The site's icons are drawn once per version into the build cache and linked into each build's site."""

from __future__ import annotations

from atlas_site.icons import ICON_FILES, write_icons


def test_icons_are_drawn_once_then_linked_from_the_cache(tmp_path):
    cache = tmp_path / "cache"
    (cache / "0123456789abcdef").mkdir(parents=True)  # the icons of an earlier version of the drawing
    for output in (tmp_path / "one", tmp_path / "two"):
        output.mkdir()
        assert sorted(write_icons(output, cache)) == sorted(ICON_FILES.values())
        if output.name == "one":
            drawn = {path.name: path.stat().st_mtime_ns for path in cache.glob("*/*")}
    assert {path.name: path.stat().st_mtime_ns for path in cache.glob("*/*")} == drawn  # not drawn again
    [folder] = list(cache.iterdir())  # the earlier version's folder is gone
    for name in ICON_FILES.values():
        assert (tmp_path / "two" / name).stat().st_ino == (folder / name).stat().st_ino  # linked, not written
        assert (tmp_path / "one" / name).read_bytes() == (folder / name).read_bytes()


def test_icons_are_written_when_the_cache_cannot_be(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    output = tmp_path / "site"
    output.mkdir()
    write_icons(output, blocked / "cache")
    assert all((output / name).stat().st_size > 0 for name in ICON_FILES.values())
