"""Maps (plugins/atlas_maps): settings, the TopoJSON decoder, and what the build writes for the maps."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from atlas_maps import check_settings
from atlas_maps.settings import DEFAULTS, MapsSettingsError, maps_settings
from atlas_maps.topojson import Decoder, outlines_geojson
from support import LANGUAGES, ROOT, soup_of

MAP_PAGES = ["", "centres", "countries/fr"]


# -- settings --------------------------------------------------------------------------------------
def test_defaults_give_openstreetmap_with_its_attribution():
    config = maps_settings({})
    assert "openstreetmap.org" in config["tiles"]
    assert "OpenStreetMap" in config["attribution"]
    assert config["precision_radius"]["town"] == 3000 and config["precision_radius"]["city"] == 15000


@pytest.mark.parametrize(
    ("given", "named"),
    [
        ({"tile": "x"}, "ATLAS_MAPS['tile']"),
        ({"tiles": "tile.example.org/{z}/{x}/{y}.png"}, "ATLAS_MAPS['tiles']"),
        ({"attribution": " "}, "ATLAS_MAPS['attribution']"),
        ({"precision_radius": {"town": 3000}}, "ATLAS_MAPS['precision_radius']"),
        ({"node_modules": "/nonexistent"}, "ATLAS_MAPS['node_modules']"),
        ({"outline_levels": {"world": {}}}, "ATLAS_MAPS['outline_levels']"),
        ({"place_zoom_without_tiles": 0}, "ATLAS_MAPS['place_zoom_without_tiles']"),
        ({"place_zoom_without_tiles": 20, "max_zoom": 18}, "ATLAS_MAPS['place_zoom_without_tiles']"),
        ({"outlines": {}}, "ATLAS_MAPS['outlines']"),
        ({"node_modules": 1}, "ATLAS_MAPS['node_modules']"),
        ({"max_zoom": True}, "ATLAS_MAPS['max_zoom']"),
    ],
)
def test_a_wrong_setting_is_named(given, named):
    with pytest.raises(MapsSettingsError, match=re.escape(named)):
        maps_settings({"ATLAS_MAPS": given})


def test_start_up_check_stops_the_build_with_the_setting_named(capsys):
    class FakePelican:
        settings = {"ATLAS_MAPS": {"max_zoom": 40}}

    with pytest.raises(SystemExit):
        check_settings(FakePelican())
    assert "ATLAS_MAPS['max_zoom']" in capsys.readouterr().err


def test_pelicanconf_uses_the_one_namespace():
    sys.path.insert(0, str(ROOT))
    import pelicanconf

    assert "atlas_maps" in pelicanconf.PLUGINS
    assert pelicanconf.PLUGINS.index("atlas_maps") > pelicanconf.PLUGINS.index("atlas_site")
    assert set(pelicanconf.ATLAS_MAPS) <= set(DEFAULTS)


# -- TopoJSON --------------------------------------------------------------------------------------
TOPOLOGY = {
    "type": "Topology",
    "transform": {"scale": [0.5, 0.5], "translate": [10, 20]},
    "arcs": [[[0, 0], [2, 0], [0, 2]], [[2, 2], [-2, 0], [0, -2]], [[2, 0], [2, 0], [0, 2], [-2, 0]]],
    "objects": {
        "countries": {
            "type": "GeometryCollection",
            "geometries": [
                {"type": "Polygon", "arcs": [[0, 1]], "id": "A", "properties": {"name": "A"}},
                {"type": "Polygon", "arcs": [[2, ~0]], "id": "B", "properties": {"name": "B"}},
            ],
        },
    },
}


def test_decoder_undoes_quantisation_and_delta_encoding():
    decoder = Decoder(TOPOLOGY)
    assert decoder.arc(0) == [[10.0, 20.0], [11.0, 20.0], [11.0, 21.0]]
    assert decoder.arc(~0) == [[11.0, 21.0], [11.0, 20.0], [10.0, 20.0]]
    a, b = decoder.features(TOPOLOGY["objects"]["countries"])
    assert a["id"] == "A" and a["geometry"]["type"] == "Polygon"
    ring = a["geometry"]["coordinates"][0]
    assert ring[0] == ring[-1] and len(ring) == 5
    assert b["geometry"]["coordinates"][0][0] == [11.0, 20.0]


def test_mesh_draws_each_shared_border_once():
    mesh = Decoder(TOPOLOGY).mesh(TOPOLOGY["objects"]["countries"])
    assert mesh == {"type": "MultiLineString", "coordinates": [[[10.0, 20.0], [11.0, 20.0], [11.0, 21.0]]]}


def test_world_outlines_never_draw_across_the_map():
    config = maps_settings({})
    outlines = outlines_geojson(config["node_modules"] / config["outlines"], 0.15, 1)
    layers = [f["properties"]["layer"] for f in outlines["features"]]
    assert layers[0] == "land" and layers[-1] == "borders"
    for feature in outlines["features"]:
        geometry = feature["geometry"]
        lines = (
            [ring for polygon in geometry["coordinates"] for ring in polygon]
            if geometry["type"] == "MultiPolygon"
            else geometry["coordinates"]
        )
        for line in lines:
            # (a ring around the pole may close along the pole itself, which Mercator never shows)
            assert all(
                abs(b[0] - a[0]) <= 180 or abs(a[1]) == abs(b[1]) == 90 for a, b in zip(line, line[1:], strict=False)
            )


# -- what the build writes -------------------------------------------------------------------------
def _map_files(build: Path) -> dict[str, bytes]:
    files = {}
    for pattern in ("data/places.*.geojson", "data/outlines*.geojson", "theme/maps/*.js", "theme/vendor/**/*"):
        for path in sorted(build.glob(pattern)):
            if path.is_file():
                files[str(path.relative_to(build))] = path.read_bytes()
    return files


def test_places_geojson_per_language(real_build):
    from atlas_records import load_atlas

    atlas = load_atlas(ROOT, LANGUAGES, "fr")
    current = {r.slug for r in atlas.of_type("centre") if r["kind"] != "former-member"}
    for lang in LANGUAGES:
        data = json.loads((real_build / "data" / f"places.{lang}.geojson").read_text(encoding="utf-8"))
        assert {f["id"] for f in data["features"]} == current
        for feature in data["features"]:
            assert feature["properties"]["url"] == f"/{lang}/centres/{feature['id']}/"
            assert feature["properties"]["kind"] != "former-member"
        assert set(data["labels"]["kinds"]) <= {"ccr", "associate", "international-member", "rehabilitation-project"}


def test_vendor_files_come_from_node_modules(real_build):
    modules = maps_settings({})["node_modules"]
    assert (real_build / "theme/vendor/leaflet/leaflet.js").read_bytes() == (
        modules / "leaflet/dist/leaflet.js"
    ).read_bytes()
    assert (real_build / "theme/vendor/leaflet.markercluster/leaflet.markercluster.js").is_file()
    assert not (ROOT / "theme" / "static" / "vendor").exists(), "vendor files are copied at build time, never committed"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("page", [*MAP_PAGES, "centres/abbaye-de-noirlac"])
def test_map_pages_have_no_inline_script_and_load_only_local_files(real_build, lang, page):
    soup = soup_of(real_build, f"/{lang}/{page}/")
    assert soup.select_one("#atlas_map") is not None
    for script in soup.find_all("script"):
        if script.get("type", "").endswith("json"):
            continue  # a data block (JSON-LD), never run: CSP script-src does not apply to it
        assert script.get("src"), f"inline script on /{lang}/{page}/"
        assert script["src"].startswith("/"), script["src"]
    for link in soup.find_all("link", rel="stylesheet"):
        assert link["href"].startswith("/")
    assert soup.find(attrs={"onclick": True}) is None and soup.find(attrs={"onload": True}) is None


@pytest.mark.parametrize("lang", LANGUAGES)
def test_network_map_lists_every_current_place_with_its_filters(real_build, lang):
    soup = soup_of(real_build, f"/{lang}/centres/")
    data = json.loads((real_build / "data" / f"places.{lang}.geojson").read_text(encoding="utf-8"))
    items = soup.select("[data-map-list] li[data-place]")
    assert sorted(li["data-place"] for li in items) == sorted(f["id"] for f in data["features"])
    assert {s["name"] for s in soup.select("[data-map-filters] select")} == {
        "country",
        "kind",
        "discipline",
        "programme",
    }
    assert soup.select_one("[data-map-status]")["aria-live"] == "polite"
    assert soup.select_one("a.map-skip")["href"] == "#map-list-title"
    assert soup.select_one("#atlas_map")["data-places"] == f"/data/places.{lang}.geojson"


def test_country_maps_only_for_countries_with_places(real_build):
    for page in sorted((real_build / "fr" / "countries").iterdir()):
        if not page.is_dir():
            continue
        soup = soup_of(real_build, f"/fr/countries/{page.name}/")
        places = soup.select("[data-map-list] li[data-place]")
        assert (soup.select_one("#atlas_map") is not None) == bool(places)
        assert all(li["data-country"] == page.name.upper() for li in places)


def test_former_members_have_no_map(real_build):
    from atlas_records import load_atlas

    atlas = load_atlas(ROOT, LANGUAGES, "fr")
    for record in atlas.of_type("centre"):
        if record["kind"] == "former-member":
            assert soup_of(real_build, f"/fr/centres/{record.slug}/").select_one("#atlas_map") is None


def test_place_map_is_small_and_has_only_its_own_data(real_build):
    soup = soup_of(real_build, "/en/centres/abbaye-de-noirlac/")
    element = soup.select_one("#atlas_map")
    assert element["data-atlas-map"] == "place"
    assert {"data-lat", "data-lon", "data-precision"} <= set(element.attrs)
    html = (real_build / "en/centres/abbaye-de-noirlac/index.html").read_text(encoding="utf-8")
    added = str(element) + "".join(
        str(t) for t in soup.head.find_all(["script", "link"]) if "vendor" in str(t) or "map" in str(t)
    )
    assert len(added.encode()) <= 1024, f"the small map adds {len(added.encode())} bytes"
    assert '.geojson" as="fetch' not in html and "data-places=" not in html  # no network data here


def test_approximate_places_carry_their_precision(real_build):
    data = json.loads((real_build / "data/places.fr.geojson").read_text(encoding="utf-8"))
    assert data["radius"]["town"] == 3000 and data["radius"]["city"] == 15000
    precisions = {f["properties"]["precision"] for f in data["features"]}
    assert {"site", "town"} <= precisions


def test_map_files_are_deterministic(real_build, tmp_path):
    import tasks

    again = tmp_path / "again"
    assert tasks.build_site(output=again) == 0
    first, second = _map_files(real_build), _map_files(again)
    assert first.keys() == second.keys() and first
    changed = [name for name in first if first[name] != second[name]]
    assert not changed, f"not byte-identical: {changed}"
    for name, content in first.items():
        if name.endswith(".js") and name.startswith("theme/maps/"):
            assert not re.search(rb"[0-9a-f]{32}", content), f"uuid-like name in {name}"


def test_network_map_loads_small_world_outlines_and_country_maps_the_detailed_ones(real_build):
    network = soup_of(real_build, "/fr/centres/").select_one("#atlas_map")
    assert network["data-outlines-world"] == "/data/outlines.world.geojson"
    assert network["data-outlines"] == "/data/outlines.geojson"
    country = soup_of(real_build, "/fr/countries/fr/").select_one("#atlas_map")
    assert country["data-scope-country"] == "FR" and not country.get("data-outlines-world")
    world = json.loads((real_build / "data/outlines.world.geojson").read_text(encoding="utf-8"))
    assert [f["properties"]["layer"] for f in world["features"]] == ["land"]
    assert (real_build / "data/outlines.world.geojson").stat().st_size < 15000
