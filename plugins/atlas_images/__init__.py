"""Atlas images: the photos of a place, published as responsive WebP and JPEG copies without any metadata.

A photo lives in its record's bundle (centres/<slug>/photos/*.jpg) and is described under `photos:` in
index.yaml (alt text per language, credit, licence, source; see the centre schema). The build:
- turns it upright (EXIF orientation), then writes 480/960/1600-pixel-wide WebP and JPEG copies (never
  wider than the original) with no EXIF, GPS, XMP or ICC data; the original is never copied to the site;
- caches the copies by a hash of the original's bytes and of the encoding settings (ATLAS_IMAGES['cache'], settings.py);
- gives place pages `atlas_images.photos` for <picture> elements with srcset, sizes, width and height.
"""

from __future__ import annotations

from atlas_site.extensions import connect_extension, stop_on_settings_error

from .images import ImageBuild, publish_photo
from .settings import ImagesSettingsError, images_settings

__all__ = ["ImageBuild", "publish_photo"]


check_settings = stop_on_settings_error(images_settings, ImagesSettingsError)


def register():
    from pelican import signals

    signals.initialized.connect(check_settings)
    connect_extension("atlas_images", ImageBuild)
