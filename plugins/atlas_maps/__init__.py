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

from atlas_site.extensions import connect_extension
from pelican import signals

from .maps import MapBuild
from .settings import MapsSettingsError, maps_settings


def check_settings(pelican) -> None:
    """Check ATLAS_MAPS once at start-up; a mistake stops the build with a message naming the setting."""
    try:
        maps_settings(pelican.settings)
    except MapsSettingsError as error:
        print(f"pelicanconf: {error}", file=sys.stderr)
        raise SystemExit(2) from None


def register():
    signals.initialized.connect(check_settings)
    connect_extension("atlas_maps", MapBuild)
