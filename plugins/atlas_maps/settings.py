"""The ATLAS_MAPS settings namespace: defaults in one place, checked once at start-up."""

from __future__ import annotations

from pathlib import Path

from atlas_site.settings import PROJECT, merged_namespace, whole_number

DEFAULTS = {
    # Background tiles (fetched by the visitor's browser, never by the build) and their attribution.
    "tiles": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    "attribution": '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
    "max_zoom": 19,
    # Radius in metres of the area drawn for places known only to this precision (never a pin).
    "precision_radius": {"town": 3000, "city": 15000, "country": 250000},
    # Zoom of the small map of a place page, by precision.
    "place_zoom": {"site": 12, "town": 11, "city": 9, "country": 5},
    # Zoom a place's map goes out to when none of its first tiles loaded (offline, blocked, a tile server
    # refusing the site): at the place's own zoom the outlines show only land, there they show the region.
    "place_zoom_without_tiles": 6,
    # Markers closer than this many pixels are grouped in a cluster.
    "cluster_radius": 60,
    # Where `npm ci` installs the front-end packages (leaflet, leaflet.markercluster, world-atlas).
    "node_modules": str(PROJECT / "node_modules"),
    # Natural Earth country outlines drawn under the markers, so maps read without tiles.
    "outlines": "world-atlas/countries-110m.json",
    # Outlines at two levels of detail: "world" (small, for the network map up to outline_world_max_zoom:
    # the land only) and "detail" (land and the borders between countries, loaded when zooming in and on
    # country and place maps). Each is simplified to `tolerance` degrees, rounded to `decimals`, without
    # islands under `min_area` square degrees; land wholly south of outline_min_lat (Antarctica) is left out.
    "outline_levels": {
        "world": {"tolerance": 1.0, "decimals": 1, "min_area": 2.0, "borders": False},
        "detail": {"tolerance": 0.05, "decimals": 2, "min_area": 0.1, "borders": True},
    },
    "outline_world_max_zoom": 2,
    "outline_min_lat": -60,
    # Decimals kept in the places' GeoJSON (never more than the record's precision allows).
    "coordinate_decimals": 5,
}

# Files copied from node_modules into output/theme/vendor/ (package, file).
VENDOR_FILES = [
    ("leaflet", "dist/leaflet.js"),
    ("leaflet", "dist/leaflet.css"),
    # leaflet.css names these (layers control, default marker); the maps use neither, but links stay whole.
    ("leaflet", "dist/images/layers.png"),
    ("leaflet", "dist/images/layers-2x.png"),
    ("leaflet", "dist/images/marker-icon.png"),
    ("leaflet", "dist/images/marker-icon-2x.png"),
    ("leaflet", "dist/images/marker-shadow.png"),
    ("leaflet.markercluster", "dist/leaflet.markercluster.js"),
    ("leaflet.markercluster", "dist/MarkerCluster.css"),
]


class MapsSettingsError(Exception):
    """A setting of the ATLAS_MAPS namespace is wrong; the message names it."""


def maps_settings(settings: dict) -> dict:
    """Merge ATLAS_MAPS over the defaults and check it, naming the faulty setting."""
    merged = merged_namespace(settings, "ATLAS_MAPS", DEFAULTS, MapsSettingsError)
    tiles = merged["tiles"]
    if not isinstance(tiles, str) or not tiles.startswith(("https://", "http://")) or "{z}" not in tiles:
        raise MapsSettingsError("ATLAS_MAPS['tiles'] must be an http(s) URL template with {z}, {x} and {y}")
    if not isinstance(merged["attribution"], str) or not merged["attribution"].strip():
        raise MapsSettingsError("ATLAS_MAPS['attribution'] must name the tiles' source (their licence requires it)")
    if not whole_number(merged["max_zoom"], 1, 22):
        raise MapsSettingsError("ATLAS_MAPS['max_zoom'] must be a whole number from 1 to 22")
    for key, keys in (
        ("precision_radius", ("town", "city", "country")),
        ("place_zoom", ("site", "town", "city", "country")),
    ):
        value = merged[key]
        if (
            not isinstance(value, dict)
            or sorted(value) != sorted(keys)
            or not all(isinstance(v, int | float) and not isinstance(v, bool) and v > 0 for v in value.values())
        ):
            raise MapsSettingsError(f"ATLAS_MAPS[{key!r}] must give a positive number for each of {', '.join(keys)}")
    fallback = merged["place_zoom_without_tiles"]
    if not whole_number(fallback, 1, merged["max_zoom"]):
        raise MapsSettingsError("ATLAS_MAPS['place_zoom_without_tiles'] must be a whole number from 1 to max_zoom")
    if not whole_number(merged["cluster_radius"], 1):
        raise MapsSettingsError("ATLAS_MAPS['cluster_radius'] must be a positive whole number of pixels")
    if not whole_number(merged["coordinate_decimals"], 1, 7):
        raise MapsSettingsError("ATLAS_MAPS['coordinate_decimals'] must be a whole number from 1 to 7")
    levels = merged["outline_levels"]
    if not isinstance(levels, dict) or sorted(levels) != ["detail", "world"]:
        raise MapsSettingsError("ATLAS_MAPS['outline_levels'] must give the levels 'world' and 'detail'")
    for name, level in sorted(levels.items()):
        where = f"ATLAS_MAPS['outline_levels'][{name!r}]"
        if not isinstance(level, dict) or sorted(level) != ["borders", "decimals", "min_area", "tolerance"]:
            raise MapsSettingsError(f"{where} must give tolerance, decimals, min_area and borders")
        if not isinstance(level["borders"], bool):
            raise MapsSettingsError(f"{where}['borders'] must be True or False")
        if not whole_number(level["decimals"], 0, 6):
            raise MapsSettingsError(f"{where}['decimals'] must be a whole number from 0 to 6")
        for key in ("tolerance", "min_area"):
            if not isinstance(level[key], int | float) or isinstance(level[key], bool) or level[key] < 0:
                raise MapsSettingsError(f"{where}[{key!r}] must be a number of degrees, 0 or more")
    if not whole_number(merged["outline_world_max_zoom"], 0, 22):
        raise MapsSettingsError("ATLAS_MAPS['outline_world_max_zoom'] must be a zoom level from 0 to 22")
    min_lat = merged["outline_min_lat"]
    if not isinstance(min_lat, int | float) or isinstance(min_lat, bool) or not -90 <= min_lat <= 0:
        raise MapsSettingsError("ATLAS_MAPS['outline_min_lat'] must be a latitude from -90 to 0")
    if not isinstance(merged["node_modules"], str | Path):
        raise MapsSettingsError("ATLAS_MAPS['node_modules'] must be the folder `npm ci` installs into")
    modules = Path(merged["node_modules"])
    outlines = merged["outlines"]
    if not (isinstance(outlines, str) and outlines.endswith(".json") and "/" in outlines):
        raise MapsSettingsError("ATLAS_MAPS['outlines'] must name a TopoJSON file as '<package>/<file>.json'")
    missing = [
        f"{package}/{name}"
        for package, name in [*VENDOR_FILES, tuple(outlines.split("/", 1))]
        if not (modules / package / name).is_file()
    ]
    if missing:
        raise MapsSettingsError(f"ATLAS_MAPS['node_modules'] {str(modules)!r} lacks {missing[0]}: run `npm ci`")
    merged["node_modules"] = modules
    return merged
