"""Atlas maps: Leaflet maps made with folium at build time, with their data as per-language GeoJSON.

Hooks into atlas_site (register this plugin after it): page_context adds `atlas_map` to the context of
the home page, the places index, the country pages and the place pages (and `atlas_embed`, the iframe
snippet, to the country and place pages that have a map); page_specs_hook adds the embed pages
(/<lang>/embed/network/, /<lang>/embed/countries/<cc>/, /<lang>/embed/centres/<slug>/: a map alone, for
other sites' iframes); site_written writes the GeoJSON, the map definitions and the Leaflet files copied
from node_modules.
"""

from __future__ import annotations

import sys
import weakref

from atlas_site.site import page_context, page_specs_hook, site_written
from pelican import signals

from .compact import compact_files
from .maps import MapBuild
from .settings import MapsSettingsError, maps_settings

_builds: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _enabled(settings: dict) -> bool:
    return any(getattr(p, "__name__", p).split(".")[-1] == "atlas_maps" for p in settings.get("PLUGINS") or [])


def check_settings(pelican) -> None:
    """Check ATLAS_MAPS once at start-up; a mistake stops the build with a message naming the setting."""
    try:
        maps_settings(pelican.settings)
    except MapsSettingsError as error:
        print(f"pelicanconf: {error}", file=sys.stderr)
        raise SystemExit(2) from None


def _build_of(site) -> MapBuild | None:
    if not _enabled(site.settings):
        return None
    if site not in _builds:
        _builds[site] = MapBuild(site)
    return _builds[site]


def on_page_context(site, views, parts, context) -> None:
    build = _build_of(site)
    if build is not None:
        build.page_context(views, parts, context)


def on_page_specs(site, specs) -> None:
    build = _build_of(site)
    if build is not None:
        build.add_specs(specs)


def on_site_written(site, output, views_by_lang) -> None:
    build = _build_of(site)
    if build is not None:
        build.write(output, views_by_lang)


def compact_static(pelican) -> None:
    """After Pelican copied the theme's static files: shrink our script and stylesheet (bytes per map page)."""
    if _enabled(pelican.settings):
        compact_files(pelican.output_path, ["theme/js/atlas-map.js", "theme/css/map.css"])


def register():
    signals.initialized.connect(check_settings)
    signals.finalized.connect(compact_static)
    page_context.connect(on_page_context)
    page_specs_hook.connect(on_page_specs)
    site_written.connect(on_site_written)
