"""Atlas maps: Leaflet maps made with folium at build time, with their data as per-language GeoJSON.

Hooks into atlas_site (register this plugin after it): page_context adds `atlas_map` to the context of
the home page, the places index, the country pages and the place pages (and `atlas_embed`, the iframe
snippet, to the country and place pages that have a map); page_specs_hook adds the embed pages
(/<lang>/embed/network/, /<lang>/embed/countries/<cc>/, /<lang>/embed/centres/<slug>/: a map alone, for
other sites' iframes); site_written writes the GeoJSON, the map definitions and the Leaflet files copied
from node_modules.
"""

from __future__ import annotations

from atlas_site.extensions import connect_extension, stop_on_settings_error
from pelican import signals

from .maps import MapBuild
from .settings import MapsSettingsError, maps_settings

check_settings = stop_on_settings_error(maps_settings, MapsSettingsError)


def register():
    signals.initialized.connect(check_settings)
    connect_extension("atlas_maps", MapBuild)
