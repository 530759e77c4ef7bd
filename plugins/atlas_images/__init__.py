"""Atlas images: the photos of a place, published as responsive WebP and JPEG copies without any metadata.

A photo lives in its record's bundle (centres/<slug>/photos/*.jpg) and is described under `photos:` in
index.yaml (alt text per language, credit, licence, source; see the centre schema). The build:
- turns it upright (EXIF orientation), then writes 480/960/1600-pixel-wide WebP and JPEG copies (never
  wider than the original) with no EXIF, GPS, XMP or ICC data; the original is never copied to the site;
- caches the copies by a hash of the original's bytes and of the encoding settings (ATLAS_IMAGES['cache']);
- gives place pages `atlas_images.photos` for <picture> elements with srcset, sizes, width and height.
"""

from __future__ import annotations

import weakref

from atlas_site.site import page_context, site_written

from .images import ImageBuild, enabled, publish_photo

__all__ = ["ImageBuild", "publish_photo"]

_builds: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _build_of(site) -> ImageBuild | None:
    if not enabled(site.settings):
        return None
    if site not in _builds:
        _builds[site] = ImageBuild(site)
    return _builds[site]


def on_page_context(site, views, parts, context) -> None:
    build = _build_of(site)
    if build is not None:
        build.page_context(views, parts, context)


def on_site_written(site, output, views_by_lang) -> None:
    build = _build_of(site)
    if build is not None:
        build.write(output)


def register():
    page_context.connect(on_page_context)
    site_written.connect(on_site_written)
