"""Cached files (photos, share cards) put into the site: linked beside a page, or into a folder made for them."""

from __future__ import annotations

import os

from atlas_images.images import publish_cached


def test_cached_files_go_beside_pages_and_into_folders_not_made_yet(tmp_path):
    cache, output = tmp_path / "cache", tmp_path / "output"
    cache.mkdir()
    card, photo = cache / "card", cache / "photo"
    card.write_bytes(b"card")
    photo.write_bytes(b"photo")
    for cached in (card, photo):
        os.chmod(cached, 0o644)
    (output / "fr" / "centres" / "abbaye").mkdir(parents=True)

    published = publish_cached(
        {"fr/centres/abbaye/card.png": card, "fr/centres/abbaye/photos/cloitre.jpg": photo}, output
    )

    assert published == ["fr/centres/abbaye/card.png", "fr/centres/abbaye/photos/cloitre.jpg"]
    assert (output / "fr/centres/abbaye/card.png").read_bytes() == b"card"
    assert (output / "fr/centres/abbaye/photos/cloitre.jpg").read_bytes() == b"photo"
    assert (output / "fr/centres/abbaye/card.png").stat().st_ino == card.stat().st_ino  # linked, not copied
