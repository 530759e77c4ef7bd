"""The bundle cache (bundle_cache.py): what a load reads afresh, and when its file is written again."""

from __future__ import annotations

from pathlib import Path

from atlas_records import load_atlas
from atlas_records.bundle_cache import CACHE_NAME

LANGS = ["fr", "en"]
TEXT = "---\nname: Lieu fictif {slug}\nsummary: Un lieu inventé pour un test.\n---\n{body}\n"
PLACE = """\
kind: ccr
country: FR
town: Villefictive
coordinates: {lat: 45.0, lon: 4.0, precision: town, basis: memory}
heritage: {building: abbey}
disciplines: [music]
membership: {since: 1990}
sources: [https://example.org/]
last_verified: 2024-01-01
"""
PLACES = 150  # more than a hundred: one bundle read afresh is then too few to write the file again


def write_places(root: Path) -> list[str]:
    slugs = [f"lieu-{number:03d}" for number in range(PLACES)]
    for slug in slugs:
        folder = root / "centres" / slug
        folder.mkdir(parents=True)
        (folder / "index.yaml").write_text(PLACE, encoding="utf-8")
        for lang in LANGS:
            (folder / f"index.{lang}.md").write_text(TEXT.format(slug=slug, body="Corps."), encoding="utf-8")
    return slugs


def edit(root: Path, slug: str, body: str) -> None:
    (root / "centres" / slug / "index.en.md").write_text(TEXT.format(slug=slug, body=body), encoding="utf-8")


def bodies(root: Path, cache: Path, slugs: list[str]) -> list[str]:
    atlas = load_atlas(root, LANGS, "fr", cache_dir=cache)
    assert not atlas.problems
    return [atlas.records["centre"][slug].texts["en"].body.strip() for slug in slugs]


def test_a_few_bundles_read_afresh_leave_the_cache_file_as_it_is_until_more_do(tmp_path):
    root, cache = tmp_path / "atlas", tmp_path / "cache"
    slugs = write_places(root)
    bodies(root, cache, slugs[:1])
    written = (cache / CACHE_NAME).read_bytes()

    edit(root, slugs[0], "Edited once.")
    assert bodies(root, cache, slugs[:1]) == ["Edited once."], "an edited record is read afresh"
    assert (cache / CACHE_NAME).read_bytes() == written, "one bundle in 150: not worth 20 MB at 2,000 places"
    assert bodies(root, cache, slugs[:1]) == ["Edited once."], "and again on the next load"

    edit(root, slugs[1], "Edited too.")
    assert bodies(root, cache, slugs[:2]) == ["Edited once.", "Edited too."]
    assert (cache / CACHE_NAME).read_bytes() != written, "two bundles in 150: written again"
