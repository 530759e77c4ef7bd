"""What the maps add to the pages (template context) and the files they load (GeoJSON, scripts, vendor)."""

from __future__ import annotations

import hashlib
import html
import json
import shutil
from importlib.metadata import version
from pathlib import Path

from atlas_site.i18n import plural_samples
from atlas_site.kept_by_key import write_cache_file
from atlas_site.labels import DISCIPLINES, KINDS, PRECISIONS
from atlas_site.site import PageSpec, build_cache_dir
from atlas_site.views import sort_key

from .definitions import assets, bounds_of, build_map, factory_script
from .settings import VENDOR_FILES, maps_settings
from .topojson import outlines_geojson

FILTERS = ("country", "kind", "discipline", "programme")
OUTLINE_FILES = {"detail": "data/outlines.geojson", "world": "data/outlines.world.geojson"}
# Embeddable maps (small pages meant for an iframe): /<lang>/embed/network/, /<lang>/embed/countries/<cc>/,
# /<lang>/embed/centres/<slug>/. Hosting lets other sites frame only these (plugins/atlas_publish/headers.py).
EMBED = "embed"
EMBED_SIZE = (600, 400)  # width and height of the iframe in the snippet, in CSS pixels


def dumps(data) -> str:
    """Deterministic JSON: sorted keys, no spaces, UTF-8."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


class MapBuild:
    """The maps of one build of the site: made on the first page, written after the last."""

    def __init__(self, site):
        self.site = site
        self.config = maps_settings(site.settings)
        self.static = f"{site.siteurl}/theme"
        self.data = f"{site.siteurl}/data"
        self.definitions: dict[str, str] = {}
        self._assets: dict[str, dict] = {}
        self._items: dict[tuple, list] = {}
        self._strings: dict[str, dict] = {}
        self._place_assets = None

    def worker_state(self) -> dict:
        return {"definitions": self.definitions, "assets": self._assets}

    def merge_worker_state(self, state: dict) -> None:
        self.definitions.update(state["definitions"])
        self._assets.update(state["assets"])

    # -- map definitions (folium) ----------------------------------------------------------------
    def definition(self, name: str, records=None) -> dict:
        """Build (once) the folium map `name`; return the scripts and styles the page must load."""
        if name not in self._assets:
            cluster = records is not None
            points = [(r["coordinates"]["lat"], r["coordinates"]["lon"]) for r in records or []]
            script, found = self.cached_definition(name, points, cluster)
            self.definitions[name] = script
            found["js"] += [f"{self.static}/maps/{name}.js", f"{self.static}/js/atlas-map.js"]
            found["css"].append(f"{self.static}/css/map.css")
            self._assets[name] = found
        self.site.attach(f"theme/maps/{name}.js")  # a page reused from the previous build brings its copy
        return self._assets[name]

    def cached_definition(self, name: str, points: list, cluster: bool) -> tuple[str, dict]:
        """folium's script and assets for a map, from the build cache when the same map was made before (folium
        and its templates take longer to load than a rebuild of one page takes to render)."""
        source = Path(__file__).with_name("definitions.py").read_bytes()
        text = json.dumps([name, points, cluster, self.static, self.config], sort_keys=True, default=str)
        key = hashlib.sha256(source + f"\0{version('folium')}\0{text}".encode()).hexdigest()
        path = build_cache_dir(self.site.theme) / "atlas-maps" / f"{key}.json"
        try:
            cached = json.loads(path.read_text(encoding="utf-8"))
            return cached["script"], cached["assets"]
        except (OSError, ValueError, KeyError):
            pass
        fmap = build_map(self.config, self.static, bounds_of(points), cluster=cluster)
        script, found = factory_script(name, fmap), assets(fmap)
        write_cache_file(path, json.dumps({"script": script, "assets": found}).encode("utf-8"))
        return script, found

    # -- page contexts ---------------------------------------------------------------------------
    def page_context(self, views, parts: tuple, context: dict) -> None:
        site = self.site
        if parts in ((), ("centres",)):
            context["atlas_map"] = self.network(views, "network", site.places(), context.get("places"))
        elif len(parts) == 2 and parts[0] == "countries":
            code = parts[1].upper()
            records = [r for r in site.places() if r["country"] == code]
            if records:
                context["atlas_map"] = self.network(views, f"country-{code.lower()}", records, context.get("places"))
            if code in self.embed_countries():
                context["atlas_embed"] = self.snippet(views, ("countries", parts[1]), context["country_name"])
        elif len(parts) == 2 and parts[0] == "centres":
            record = site.atlas.records["centre"].get(parts[1])
            if record is not None and record["kind"] != "former-member" and record.get("coordinates"):
                context["atlas_map"] = self.place(views, record, context["place"])
                context["atlas_embed"] = self.snippet(views, ("centres", record.slug), context["place"]["name"])

    def network(self, views, name: str, records, cards=None) -> dict:
        lang, _ = views.lang, views._
        records = [r for r in records if r.get("coordinates")]
        by_slug = {r.slug: r for r in records}
        if cards is None:
            cards = views.place_cards(records)
        entries = [
            {
                "place": card,
                "disciplines": " ".join(by_slug[card["slug"]]["disciplines"]),
                "programmes": " ".join(by_slug[card["slug"]].get("programmes") or []),
            }
            for card in cards
            if card["slug"] in by_slug
        ]
        filters = self.filters(views, records)
        return {
            "type": "network",
            "definition": name,
            "assets": self.definition(name, records),
            "places_url": f"{self.data}/places.{lang}.geojson",
            "outlines_url": f"{self.site.siteurl}/{OUTLINE_FILES['detail']}",
            "world_outlines_url": f"{self.site.siteurl}/{OUTLINE_FILES['world']}" if name == "network" else None,
            "world_max_zoom": self.config["outline_world_max_zoom"],
            "scope_country": name[len("country-") :].upper() if name.startswith("country-") else None,
            "entries": entries,
            "total": len(entries),
            "filters": filters,
            "legend": [
                {"kind": k, "label": _(KINDS[k][0])} for k in self.site.kinds() if any(r["kind"] == k for r in records)
            ],
            "has_area": any(r["coordinates"]["precision"] != "site" for r in records),
            "strings": self.strings(views),
        }

    def filters(self, views, records) -> list[dict]:
        _ = views._
        countries = sorted({r["country"] for r in records})
        kinds = [k for k in KINDS if any(r["kind"] == k for r in records)]
        disciplines = [d for d in DISCIPLINES if any(d in r["disciplines"] for r in records)]
        programmes = sorted({p for r in records for p in r.get("programmes") or []})
        filters = [
            (
                "country",
                _("Country"),
                _("All countries"),
                sorted(((c, views.fmt.country(c)) for c in countries), key=lambda o: sort_key(o[1])),
            ),
            ("kind", _("Kind"), _("All kinds"), [(k, _(KINDS[k][0])) for k in kinds]),
            (
                "discipline",
                _("Discipline"),
                _("All disciplines"),
                sorted(((d, _(DISCIPLINES[d])) for d in disciplines), key=lambda o: sort_key(o[1])),
            ),
            (
                "programme",
                _("Residency programme"),
                _("All programmes"),
                sorted(
                    (
                        (p, views.link("programme", p)["name"])
                        for p in programmes
                        if p in self.site.atlas.records["programme"]
                    ),
                    key=lambda o: sort_key(o[1]),
                ),
            ),
        ]
        return [
            {
                "name": name,
                "label": label,
                "all": every,
                "options": [{"value": value, "label": text} for value, text in options],
            }
            for name, label, every, options in filters
            if len(options) > 1
        ]

    def strings(self, views) -> dict:
        """Interface strings the script needs, in the page's language (plural forms by CLDR category)."""
        if views.lang not in self._strings:
            _, ngettext = views._, views.fmt.translations.ngettext
            samples = plural_samples(views.lang)
            self._strings[views.lang] = {
                "zoomIn": _("Zoom in"),
                "zoomOut": _("Zoom out"),
                "close": _("Close"),
                "comma": _(", "),
                "cluster": {
                    cat: ngettext("Group of %(num)s place", "Group of %(num)s places", n) for cat, n in samples
                },
                "status": {
                    cat: ngettext("%(num)s place shown out of %(total)s", "%(num)s places shown out of %(total)s", n)
                    for cat, n in samples
                },
                "noResult": _("No place matches these filters."),
            }
        return self._strings[views.lang]

    def place(self, views, record, view) -> dict:
        coords = view["coordinates"]
        precision = coords["precision"]
        if self._place_assets is None:
            self._place_assets = self.definition("place")
        return {
            "type": "place",
            "definition": "place",
            "assets": self._place_assets,
            "outlines_url": f"{self.site.siteurl}/{OUTLINE_FILES['detail']}",
            "lat": coords["lat"],
            "lon": coords["lon"],
            "precision": precision,
            "radius": self.config["precision_radius"].get(precision, 0),
            "zoom": self.config["place_zoom"][precision],
            "zoom_without_tiles": self.config["place_zoom_without_tiles"],
            "kind": record["kind"],
            "strings": {"zoomIn": views._("Zoom in"), "zoomOut": views._("Zoom out")},
        }

    # -- embeddable maps -------------------------------------------------------------------------
    def embed_places(self) -> list:
        """The places that have an embeddable map: current places with a position (as their pages' maps)."""
        return [r for r in self.site.places() if r.get("coordinates")]

    def embed_countries(self) -> list[str]:
        return sorted({r["country"] for r in self.embed_places()})

    def add_specs(self, specs: list) -> None:
        """The embed pages, through atlas_site's page_specs_hook: written in every language like any page."""
        specs.append(
            PageSpec(
                (EMBED, "network"), "embed.html", self.embed_network, indexable=False, depends=self.site.lists_depend()
            )
        )
        for code in self.embed_countries():
            specs.append(
                PageSpec(
                    (EMBED, "countries", code.lower()),
                    "embed.html",
                    lambda v, c=code: self.embed_country(v, c),
                    indexable=False,
                    depends=self.site.lists_depend(),
                )
            )
        for record in self.embed_places():
            specs.append(
                PageSpec(
                    (EMBED, "centres", record.slug),
                    "embed.html",
                    lambda v, r=record: self.embed_place(v, r),
                    indexable=False,
                    depends=self.site.place_depends(record),
                )
            )

    def embed_title(self, views, kind: str, name: str = "") -> str:
        _ = views._
        if kind == "network":
            return _("Map of the network")
        if kind == "countries":
            return _("Map of the places in %(country)s") % {"country": name}
        return _("Map of %(name)s") % {"name": name}

    def _embed(self, views, parts: tuple, full: tuple, title: str, atlas_map: dict, **extra) -> dict:
        """What every embed page needs: its map, title, and the full page it stands for (canonical, link)."""
        site = self.site
        return {
            "atlas_map": atlas_map,
            # The full page is the one to index and share (the embed page is noindex); its language versions
            # are the alternates.
            "canonical": site.absolute(site.url(views.lang, *full)),
            "alternates": [{"lang": code, "url": site.absolute(site.url(code, *full))} for code in site.languages],
            "x_default": site.absolute(site.url(site.default_language, *full)),
            "embed": {
                "kind": parts[0],
                "title": title,
                "full_url": site.url(views.lang, *full),
                "list_url": None,
                "text_lang": None,
                **extra,
            },
        }

    def embed_network(self, views) -> dict:
        records = self.embed_places()
        atlas_map = self.network(views, "network", records, cards=[])
        return self._embed(
            views,
            ("network",),
            (),
            self.embed_title(views, "network"),
            atlas_map,
            list_url=self.site.url(views.lang, "centres"),
        )

    def embed_country(self, views, code: str) -> dict:
        records = [r for r in self.embed_places() if r["country"] == code]
        atlas_map = self.network(views, f"country-{code.lower()}", records, cards=[])
        name = views.fmt.country(code)
        return self._embed(
            views,
            ("countries", code.lower()),
            ("countries", code.lower()),
            self.embed_title(views, "countries", name),
            atlas_map,
        )

    def embed_place(self, views, record) -> dict:
        view = views.place(record)
        return self._embed(
            views,
            ("centres", record.slug),
            ("centres", record.slug),
            self.embed_title(views, "centres", view["name"]),
            self.place(views, record, view),
            text_lang=view["text_lang"] if view["text_lang"] != views.lang else None,
            name=view["name"],
        )

    def snippet(self, views, parts: tuple, name: str) -> dict:
        """The iframe code shown on a place or country page, to copy into another site."""
        url = self.site.url(views.lang, EMBED, *parts)
        title = self.embed_title(views, parts[0], name) + " · " + views._("Atlas of the Centres culturels de rencontre")
        width, height = EMBED_SIZE
        code = (
            f'<iframe src="{html.escape(url, quote=True)}" title="{html.escape(title, quote=True)}"'
            f' width="{width}" height="{height}" loading="lazy"></iframe>'
        )
        return {"url": url, "title": title, "code": code}

    # -- files -----------------------------------------------------------------------------------
    def places_geojson(self, views) -> dict:
        _ = views._
        decimals = self.config["coordinate_decimals"]
        features, countries, kinds = [], set(), set()
        for record in sorted(self.site.places(), key=lambda r: r.slug):
            if not record.get("coordinates"):
                continue
            view = views.place(record)
            coords = view["coordinates"]
            properties = {
                "name": view["name"],
                "url": view["url"],
                "kind": record["kind"],
                "town": record["town"],
                "country": record["country"],
                "precision": coords["precision"],
            }
            if view["text_lang"] != views.lang:
                properties["lang"] = view["text_lang"]
            countries.add(record["country"])
            kinds.add(record["kind"])
            features.append(
                {
                    "type": "Feature",
                    "id": record.slug,
                    "properties": properties,
                    "geometry": {
                        "type": "Point",
                        "coordinates": [round(float(coords["lon"]), decimals), round(float(coords["lat"]), decimals)],
                    },
                }
            )
        return {
            "type": "FeatureCollection",
            "features": features,
            # Foreign members (RFC 7946 §6.1): labels in the file's language, shared by every feature.
            "labels": {
                "kinds": {k: _(KINDS[k][0]) for k in sorted(kinds)},
                "countries": {c: views.fmt.country(c) for c in sorted(countries)},
                "precision": {p: _(PRECISIONS[p]) for p in sorted(PRECISIONS)},
                "approximate": _("Approximate location: %(precision)s"),
            },
            "radius": self.config["precision_radius"],
        }

    def write(self, output: Path, views_by_lang: dict) -> list[str]:
        output = Path(output)
        written = []

        def put(relative: str, make, depends: tuple) -> None:
            """Write make()'s text, unless the previous build's copy shows the same records (depends)."""
            written.append(relative)
            if self.site.unchanged_file(relative, depends):
                return
            target = output / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(make(), encoding="utf-8")

        for lang, views in views_by_lang.items():
            put(
                f"data/places.{lang}.geojson",
                lambda views=views: dumps(self.places_geojson(views)) + "\n",
                self.site.lists_depend(),
            )
        config = self.config
        for name, level in sorted(config["outline_levels"].items()):
            # Outlines come from the npm package and the settings only: no record changes them.
            source = config["node_modules"] / config["outlines"]
            put(
                OUTLINE_FILES[name],
                lambda level=level, source=source: (
                    dumps(
                        outlines_geojson(
                            source,
                            level["tolerance"],
                            level["decimals"],
                            level["min_area"],
                            config["outline_min_lat"],
                            level["borders"],
                        )
                    )
                    + "\n"
                ),
                (("file", str(source)),),
            )
        for name in sorted(self.definitions):
            relative = f"theme/maps/{name}.js"
            target = output / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(self.definitions[name], encoding="utf-8")
            written.append(relative)
        for package, name in VENDOR_FILES:
            relative = f"theme/vendor/{package}/{name.removeprefix('dist/')}"
            (output / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(self.config["node_modules"] / package / name, output / relative)
            written.append(relative)
        return written
