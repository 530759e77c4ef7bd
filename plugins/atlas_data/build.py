"""One build of the open data: the pages it adds, what it adds to every page, and the files it writes."""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax.saxutils import escape, quoteattr

from atlas_site.i18n import N_
from atlas_site.kept_by_key import KeptByKey
from atlas_site.labels import DISCIPLINES, KINDS, MEASURES
from atlas_site.site import PageSpec, build_cache_dir
from atlas_site.views import sort_key

from .charts import bar_chart
from .feeds import FEEDS, Calendars, atom, feed_uuid
from .model import Exports, collect_calls, event_is_past, event_span, figures_csv, place_statistics, year_confirmed
from .settings import data_settings

logger = logging.getLogger(__name__)

DATA_PAGE = ("data",)
STATISTICS_PAGE = ("statistics",)
CALENDAR_PAGES = {
    "upcoming": ("calendar",),
    "closing-soon": ("calendar", "closing-soon"),
    "past": ("calendar", "past"),
}
CALENDAR_TITLES = {
    "upcoming": N_("Calendar: calls and events"),
    "closing-soon": N_("Calls closing soon"),
    "past": N_("Past calls and events"),
}
CALENDAR_TABS = {
    "upcoming": N_("Upcoming and open"),
    "closing-soon": N_("Closing soon"),
    "past": N_("Past calls and events"),
}

STATISTIC_TITLES = {
    "places-by-country": (N_("Places by country"), N_("Country")),
    "places-by-kind": (N_("Places by kind"), N_("Kind")),
    "places-by-region": (N_("Places by region"), N_("Region")),
    "label-years": (N_("Places by year of the label or of joining the network"), N_("Year")),
    "disciplines": (N_("Places by discipline"), N_("Discipline")),
}

# Field descriptions of the downloads, shown on the data page ("<lang>" stands for each language code).
TYPES = {
    "text": N_("text"),
    "code": N_("code"),
    "number": N_("number"),
    "url": N_("URL"),
    "list": N_("list"),
    "boolean": N_("true or false"),
    "date": N_("date (YYYY-MM-DD)"),
    "object": N_("object"),
}
PLACE_FIELDS = [
    ("id", "code", N_("Permanent identifier of the place: the last part of its page address.")),
    ("url_<lang>", "url", N_("Address of its page in each language.")),
    ("name_<lang>", "text", N_("Name in each language; empty when there is no text in that language.")),
    ("summary_<lang>", "text", N_("One-line summary in each language; empty when there is no text in that language.")),
    (
        "kind",
        "code",
        N_(
            "What the place is to the network: ccr (labelled centre), associate, international-member "
            "or rehabilitation-project. Former members are not included."
        ),
    ),
    ("country", "code", N_("ISO 3166-1 alpha-2 country code.")),
    ("region", "text", N_("Region or province, in its own official spelling.")),
    ("department", "text", N_("French département with its number.")),
    ("town", "text", N_("Commune or town, in its own official spelling.")),
    ("latitude", "number", N_("WGS84 latitude, rounded to the digits its precision supports.")),
    ("longitude", "number", N_("WGS84 longitude, rounded to the digits its precision supports.")),
    (
        "precision",
        "code",
        N_("What the position stands for: site (the building itself), or only the town, city or country."),
    ),
    (
        "basis",
        "code",
        N_("Where the position comes from: source, geocoded, or memory (not yet checked against a gazetteer)."),
    ),
    ("building", "code", N_("Type of heritage building or site.")),
    ("built", "text", N_("When it was built or founded: a year, a century written C12, or a range written 1650/1680.")),
    ("protections", "list", N_("Heritage protections stated by a source, each as type or type:year.")),
    ("disciplines", "list", N_("Artistic and cultural fields (codes).")),
    (
        "member_since",
        "number",
        N_("Year of the label or of joining the network; when two sources disagree, the first year given."),
    ),
    ("member_since_other", "number", N_("The other year, when two sources disagree.")),
    ("founding_member", "boolean", N_("One of the sites behind the label in 1972.")),
    ("status_confirmed", "boolean", N_("false when the sources do not confirm the current status.")),
    ("website", "url", N_("Official website, when a source confirms it.")),
    ("programmes", "list", N_("Residency programmes hosted (ids of programmes.json).")),
    ("sources", "list", N_("URLs the facts come from.")),
    ("last_verified", "date", N_("When the record was last checked against its sources.")),
]
PROGRAMME_FIELDS = [
    ("id", "code", N_("Permanent identifier of the programme.")),
    ("urls", "object", N_("Address of its page in each language.")),
    (
        "name, summary, eligibility",
        "object",
        N_("Texts in each language; null when there is no text in that language."),
    ),
    ("funders", "object", N_("Funders named in each language.")),
    ("since, until", "number", N_("Years the programme started and ended.")),
    ("countries", "list", N_("Countries the programme is specifically about (ISO 3166-1 alpha-2).")),
    ("duration", "object", N_("Shortest and longest residency in months, with its source.")),
    ("stipend", "object", N_("Amount, currency and period of the stipend, with its source.")),
    ("calls", "list", N_("Calls for applications: deadline, opening date, residency year, joint programmes, source.")),
    ("figures", "list", N_("Published figures: measure, value, qualifier (exact, more-than or about), year, source.")),
    ("hosts", "list", N_("Places documented as hosts (ids of places.geojson).")),
    ("sources, last_verified", "list", N_("URLs the facts come from, and when they were last checked.")),
]
EVENT_FIELDS = [
    ("id", "code", N_("Permanent identifier of the event.")),
    ("urls", "object", N_("Address of its page in each language.")),
    ("name, summary, place_text", "object", N_("Texts in each language; null when there is no text in that language.")),
    ("kind", "code", N_("Kind of meeting.")),
    ("start, end", "text", N_("Dates as YYYY-MM-DD, or --MM-DD when the sources do not give the year.")),
    ("year_confirmed", "boolean", N_("false when the sources leave the year open.")),
    ("possible_years", "list", N_("The years the sources leave open.")),
    ("places", "list", N_("Places where it was held (ids of places.geojson).")),
    ("sources, last_verified", "list", N_("URLs the facts come from, and when they were last checked.")),
]
DOWNLOADS = [
    ("places.geojson", "GeoJSON", N_("Current places of the network, with their position."), PLACE_FIELDS),
    ("places.csv", "CSV", N_("The same places as a table; lists are joined with |."), PLACE_FIELDS),
    ("programmes.json", "JSON", N_("Residency programmes, their calls and published figures."), PROGRAMME_FIELDS),
    ("events.json", "JSON", N_("Meetings of the network."), EVENT_FIELDS),
]


def _jsonld(data: dict) -> str:
    """JSON for a <script> element: '<', '>' and '&' escaped so it can never close the element."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


class DataBuild:
    """Made once per AtlasSite: the language-neutral work is done here, once."""

    def __init__(self, site):
        self.site = site
        self.config = data_settings(site.settings)
        self.calendar_cache = KeptByKey(build_cache_dir(site.theme) / "atlas-data" / "place-calendars.pickle")
        self.place_calendars: list[str] = []  # written, or kept from the previous build, by language_written
        self.today = site.today
        self.published = {r.slug for r in site.places()}
        self.calls = collect_calls(site.atlas.of_type("programme"))
        self.events = sorted(site.atlas.of_type("event"), key=lambda r: (site.event_sort_date(r), r.slug))
        self.files = self.open_data(Exports(site, self.config, self.published))
        self.statistics = place_statistics(site.places())
        self.figures_csv = figures_csv(site.atlas.of_type("programme"))

    def open_data(self, exports) -> dict[str, bytes]:
        """The downloads, from the build cache when the records as lists show them did not change (they hold
        facts and front matter, never descriptions): most rebuilds do not make them again."""
        site = self.site
        key = site.render_cache.key("open data", "", site.dependencies.digests(site.lists_depend()))
        cache = KeptByKey(build_cache_dir(site.theme) / "atlas-data" / "open-data.pickle")
        files = cache.get(key)
        if files is None:
            files = cache.put(key, exports.files())
        cache.save()
        return files

    # -- URLs ------------------------------------------------------------------------------------
    def file_url(self, *parts: str) -> str:
        return f"{self.site.siteurl}/" + "/".join(parts)

    def download_url(self, *parts: str) -> str:
        return self.file_url(self.config["download_dir"], *parts)

    def ics_path(self, lang: str, *parts: str) -> tuple[str, ...]:
        return (lang, "calendar", *parts[:-1], f"{parts[-1]}.ics")

    def ics_url(self, lang: str, *parts: str) -> str:
        return self.file_url(*self.ics_path(lang, *parts))

    def feed_path(self, lang: str, name: str) -> tuple[str, ...]:
        return (lang, "feeds", f"{name}.atom.xml")

    # -- pages -----------------------------------------------------------------------------------
    def add_specs(self, specs: list[PageSpec]) -> None:
        taken = {spec.parts for spec in specs}
        mine = [
            PageSpec(DATA_PAGE, "data.html", self.data_context, depends=self.site.lists_depend()),
            PageSpec(STATISTICS_PAGE, "statistics.html", self.statistics_context, depends=self.site.lists_depend()),
        ]
        mine += [
            PageSpec(
                parts,
                "calendar.html",
                lambda v, w=which: self.calendar_context(v, w),
                depends=self.site.lists_depend(),
            )
            for which, parts in CALENDAR_PAGES.items()
        ]
        for spec in mine:
            if spec.parts in taken:
                raise SystemExit(
                    f"atlas_data: the page /<lang>/{'/'.join(spec.parts)}/ is also an editorial page; "
                    "rename that page's folder"
                )
        specs.extend(mine)

    def data_context(self, views) -> dict:
        _ = views._
        downloads = []
        for name, fmt_name, description, fields in DOWNLOADS:
            data = self.files[name]
            downloads.append(
                {
                    "name": name,
                    "url": self.download_url(name),
                    "format": fmt_name,
                    "description": _(description),
                    "size": views.fmt.number(round(len(data) / 1024, 1)),
                    "fields": [{"name": f, "type": _(TYPES[t]), "description": _(d)} for f, t, d in fields],
                }
            )
        return {
            "licence_name": self.config["licence_name"],
            "licence_url": self.config["licence_url"],
            "downloads": downloads,
            "languages": ", ".join(self.site.languages),
            "statistics_url": self.site.url(views.lang, *STATISTICS_PAGE),
            "calendar_url": self.site.url(views.lang, *CALENDAR_PAGES["upcoming"]),
            "feeds": self.feed_links(views),
            "calendars": self.calendar_links(views),
        }

    def feed_links(self, views) -> list[dict]:
        return [
            {"title": views._(title), "url": self.file_url(*self.feed_path(views.lang, name))}
            for name, title in FEEDS.items()
        ]

    def calendar_links(self, views) -> list[dict]:
        return [
            {"title": views._("All events"), "url": self.ics_url(views.lang, "events")},
            {"title": views._("All calls for applications"), "url": self.ics_url(views.lang, "calls")},
        ]

    # statistics --------------------------------------------------------------------------------
    def statistic_label(self, views, stat_id: str, key) -> str:
        if stat_id == "places-by-country":
            return views.fmt.country(key)
        if stat_id == "places-by-kind":
            return views._(KINDS[key][1])
        if stat_id == "places-by-region":
            return key or views._("Region not stated")
        if stat_id == "label-years":
            return views.fmt.year(key)
        return views._(DISCIPLINES[key])

    def chart(self, views, chart_id: str, title: str, rows: list[dict]) -> dict:
        rtl = self.site.direction(views.lang) == "rtl"
        desc = "; ".join(f"{r['label']}: {r['shown']}" for r in rows)
        svg = bar_chart(chart_id, title, desc, [(r["label"], r["value"], r["shown"]) for r in rows], rtl=rtl)
        return {"id": chart_id, "title": title, "svg": svg, "rows": rows}

    def statistics_context(self, views) -> dict:
        _ = views._
        charts = []
        for stat in self.statistics:
            title, column = STATISTIC_TITLES[stat.id]
            rows = [
                {
                    "key": c.key,
                    "label": self.statistic_label(views, stat.id, c.key),
                    "value": c.value,
                    "shown": views.fmt.number(c.value),
                }
                for c in stat.counts
            ]
            if stat.id in ("places-by-country", "places-by-region", "disciplines"):
                rows.sort(key=lambda r: (-r["value"], r["key"] == "", sort_key(r["label"])))
            chart = self.chart(views, stat.id, _(title), rows)
            chart.update(column=_(column), csv_url=self.download_url("statistics", f"{stat.id}.csv"), notes=[])
            if stat.id == "label-years":
                for slug, years in stat.notes["disputed"]:
                    link = views.link("centre", slug)
                    chart["notes"].append(
                        {
                            "link": link,
                            "text": _(
                                "The sources disagree on the year (%(first)s or %(second)s): counted at %(first)s."
                            )
                            % {"first": views.fmt.year(years[0]), "second": views.fmt.year(years[1])},
                        }
                    )
                if stat.notes["unknown"]:
                    chart["notes"].append(
                        {
                            "link": None,
                            "text": _("Places whose year no source gives, not counted: %(count)s.")
                            % {"count": views.fmt.number(stat.notes["unknown"])},
                        }
                    )
            charts.append(chart)
        return {
            "place_count": len(self.published),
            "charts": charts,
            "programmes": self.figure_charts(views),
            "figures_csv_url": self.download_url("statistics", "programme-figures.csv"),
            "data_url": self.site.url(views.lang, *DATA_PAGE),
        }

    def figure_charts(self, views) -> list[dict]:
        programmes = []
        for record in self.site.sorted_programmes():
            by_measure = defaultdict(list)
            for figure in record.get("figures") or []:
                by_measure[figure["measure"]].append(figure)
            if not by_measure:
                continue
            link = views.link("programme", record.slug)
            charts = []
            for measure in (m for m in MEASURES if m in by_measure):
                rows = []
                for figure in sorted(by_measure[measure], key=lambda f: f["year"]):
                    view = views.figure(figure)
                    rows.append(
                        {
                            "key": figure["year"],
                            "label": view["year"],
                            "value": figure["value"],
                            "shown": view["value"],
                            "source": figure["source"],
                        }
                    )
                title = views._("%(programme)s: %(measure)s") % {
                    "programme": link["name"],
                    "measure": views._(MEASURES[measure]),
                }
                charts.append(self.chart(views, f"figures-{record.slug}-{measure}", title, rows))
            programmes.append({"link": link, "charts": charts})
        return programmes

    # calendar ----------------------------------------------------------------------------------
    def call_view(self, views, call) -> dict:
        return {
            "id": call.id,
            "programmes": [views.link("programme", slug) for slug in call.programmes],
            "deadline": views.fmt.date(call.deadline),
            "deadline_iso": call.deadline.isoformat(),
            "opens": views.fmt.date(call.opens) if call.opens else None,
            "not_yet_open": bool(call.opens and call.opens > self.today),
            "for_year": views.fmt.year(call.for_year) if call.for_year else None,
            "status": call.status(self.today, self.config["closing_soon_days"]),
            "sources": list(call.sources),
            "ics_url": self.ics_url(views.lang, "calls", call.id),
        }

    def event_view(self, views, record) -> dict:
        view = views.event(record)
        span = event_span(record)
        view.update(
            start_iso=span[0].isoformat() if span else None,
            ics_url=self.ics_url(views.lang, "events", record.slug) if span else None,
            year_confirmed=span is not None,
            past=event_is_past(record, self.today),
        )
        return view

    def calendar_context(self, views, which: str) -> dict:
        calls = [self.call_view(views, c) for c in self.calls]
        events = [self.event_view(views, r) for r in self.events]
        if which == "past":
            calls = [c for c in calls if c["status"] == "past"][::-1]
            events = [e for e in events if e["past"]][::-1]
        elif which == "closing-soon":
            calls = [c for c in calls if c["status"] == "closing-soon"]
            events = []
        else:
            calls = [c for c in calls if c["status"] != "past"]
            events = [e for e in events if not e["past"]]
        return {
            "which": which,
            "title": views._(CALENDAR_TITLES[which]),
            "tabs": [
                {"label": views._(CALENDAR_TABS[w]), "url": self.site.url(views.lang, *parts), "current": w == which}
                for w, parts in CALENDAR_PAGES.items()
            ],
            "calls": calls,
            "events": events,
            "closing_soon_days": views.fmt.number(self.config["closing_soon_days"]),
            "today": views.fmt.date(self.today),
            "feeds": self.feed_links(views),
            "calendars": self.calendar_links(views),
        }

    # -- every page ------------------------------------------------------------------------------
    def page_context(self, views, parts: tuple[str, ...], context: dict) -> None:
        lang = views.lang
        locales = self.config["og_locales"]
        record_page = (
            len(parts) == 2
            and parts[0] in ("centres", "programmes", "events")
            or (len(parts) == 1 and parts[0] in self.site.atlas.records.get("page", {}))
        )
        context["atlas_data"] = {
            "og_type": "article" if record_page else "website",
            "og_locale": locales[lang],
            "og_locale_alternates": [locales[code] for code in self.site.languages if code != lang],
            "twitter_card": self.config["twitter_card"],
            "feeds": self.feed_links(views),
            "jsonld": self.jsonld(views, parts, context),
            "nav": [
                {
                    "label": views._("Calendar"),
                    "url": self.site.url(lang, *CALENDAR_PAGES["upcoming"]),
                    "current": parts[:1] == CALENDAR_PAGES["upcoming"],
                },
                {
                    "label": views._("The network in numbers"),
                    "url": self.site.url(lang, *STATISTICS_PAGE),
                    "current": parts == STATISTICS_PAGE,
                },
                {"label": views._("Open data"), "url": self.site.url(lang, *DATA_PAGE), "current": parts == DATA_PAGE},
            ],
            "extras": self.extras(views, parts),
        }

    def extras(self, views, parts) -> dict | None:
        """Calendar links shown on event, programme and place pages."""
        if len(parts) != 2:
            return None
        section, slug = parts
        lang = views.lang
        if section == "events":
            record = self.site.atlas.records["event"][slug]
            confirmed = year_confirmed(record)
            return {
                "kind": "event",
                "event_ics": self.ics_url(lang, "events", slug) if confirmed else None,
                "year_open": not confirmed,
                "calls": [],
                "feed": None,
            }
        if section == "programmes":
            # A closed call has nothing to add to a calendar; the programme page lists it with its status.
            calls = [self.call_view(views, c) for c in self.calls if slug in c.programmes and c.deadline >= self.today]
            return {
                "kind": "programme",
                "feed": self.ics_url(lang, "programmes", slug),
                "calls": calls[::-1],
                "event_ics": None,
                "year_open": False,
            }
        if section == "centres":
            return {
                "kind": "centre",
                "feed": self.ics_url(lang, "centres", slug),
                "calls": [],
                "event_ics": None,
                "year_open": False,
            }
        return None

    def jsonld(self, views, parts, context) -> str | None:
        canonical = context["canonical"]
        if len(parts) == 2 and parts[0] == "centres":
            return _jsonld(self.place_jsonld(views, context["place"], canonical))
        if len(parts) == 2 and parts[0] == "programmes":
            return _jsonld(self.programme_jsonld(context["programme"], canonical))
        if len(parts) == 2 and parts[0] == "events":
            return _jsonld(self.event_jsonld(views, parts[1], context["event"], canonical))
        if parts == DATA_PAGE:
            return _jsonld(self.dataset_jsonld(views, canonical))
        return None

    def place_jsonld(self, views, place: dict, canonical: str) -> dict:
        record = self.site.atlas.records["centre"][place["slug"]]
        address = {"@type": "PostalAddress", "addressLocality": place["town"], "addressCountry": place["country"]}
        if place.get("region"):
            address["addressRegion"] = place["region"]
        data = {
            "@context": "https://schema.org",
            "@type": "Place",
            "name": place["name"],
            "description": place["summary"],
            "url": canonical,
            "address": address,
        }
        coords = record.get("coordinates")
        # A position is given only for the building itself, checked: an area or an unchecked guess is not a point.
        if coords and coords["precision"] == "site" and coords["basis"] != "memory":
            data["geo"] = {
                "@type": "GeoCoordinates",
                "latitude": float(place["coordinates"]["lat"]),
                "longitude": float(place["coordinates"]["lon"]),
            }
        if place.get("website"):
            data["sameAs"] = place["website"]
        return data

    def programme_jsonld(self, programme: dict, canonical: str) -> dict:
        data = {
            "@context": "https://schema.org",
            "@type": "Grant",
            "name": programme["name"],
            "description": programme["summary"],
            "url": canonical,
        }
        if programme["funders"]:
            data["funder"] = [{"@type": "Organization", "name": f} for f in programme["funders"]]
        return data

    def event_jsonld(self, views, slug: str, event: dict, canonical: str) -> dict:
        record = self.site.atlas.records["event"][slug]
        data = {
            "@context": "https://schema.org",
            "@type": "Event",
            "name": event["name"],
            "description": event["summary"],
            "url": canonical,
        }
        span = event_span(record)
        if span:  # never a guessed year
            data["startDate"] = span[0].isoformat()
            data["endDate"] = span[1].isoformat()
        if event["places"]:
            data["location"] = [
                {"@type": "Place", "name": p["name"], "url": self.site.absolute(p["url"])} for p in event["places"]
            ]
        elif event["place_text"]:
            data["location"] = {"@type": "Place", "name": event["place_text"]}
        return data

    def dataset_jsonld(self, views, canonical: str) -> dict:
        formats = {"GeoJSON": "application/geo+json", "CSV": "text/csv", "JSON": "application/json"}
        return {
            "@context": "https://schema.org",
            "@type": "Dataset",
            "name": views._("Atlas of the Centres culturels de rencontre"),
            "description": views._(
                "Open data of the atlas: places, residency programmes and events of the network, "
                "compiled from cited public sources."
            ),
            "url": canonical,
            "license": self.config["licence_url"],
            "isAccessibleForFree": True,
            "distribution": [
                {
                    "@type": "DataDownload",
                    "name": name,
                    "encodingFormat": formats[fmt_name],
                    "contentUrl": self.site.absolute(self.download_url(name)),
                }
                for name, fmt_name, _d, _f in DOWNLOADS
            ],
        }

    # -- files -----------------------------------------------------------------------------------
    def language_written(self, output: Path, lang: str) -> None:
        """Write the language's place calendars (one per place) in the process that rendered it: with two
        rendering processes, a language's calendars are written while the other process is still rendering."""
        for parts, data in self.place_calendar_files(self.site.views_by_lang[lang]).items():
            target = output.joinpath(*parts)
            self.site.render_cache.make_folder(target.parent)
            target.write_bytes(data)
            self.place_calendars.append("/".join(parts))

    def worker_state(self) -> dict:
        return {"place_calendars": self.place_calendars, "cached": self.calendar_cache.used}

    def merge_worker_state(self, state: dict) -> None:
        self.place_calendars += state["place_calendars"]
        self.calendar_cache.used.update(state["cached"])

    def write(self, output: Path, views_by_lang: dict) -> None:
        written = self.write_files(output, views_by_lang)
        self.calendar_cache.save()
        logger.info("Atlas data: wrote %d files", len(written) + len(self.place_calendars))

    def write_files(self, output: Path, views_by_lang: dict) -> list[str]:
        written = {}
        for name, data in self.files.items():
            written[(self.config["download_dir"], name)] = data
        for stat in self.statistics:
            written[(self.config["download_dir"], "statistics", f"{stat.id}.csv")] = stat.csv()
        written[(self.config["download_dir"], "statistics", "programme-figures.csv")] = self.figures_csv
        kept = []
        for views in views_by_lang.values():
            written.update(self.calendar_files(views))
            written.update(self.feed_files(views))
        written.update(self.sitemap_files(kept))
        for parts, data in sorted(written.items()):
            target = output.joinpath(*parts)
            self.site.render_cache.make_folder(target.parent)
            target.write_bytes(data)
        return sorted(["/".join(parts) for parts in written] + kept)

    def calendar_files(self, views) -> dict:
        """The calendars of one language, except those of its places (place_calendar_files)."""
        lang, _ = views.lang, views._
        cal = Calendars(self, views)
        files = {}
        events = {r.slug: cal.event(r) for r in self.events}
        calls = {c.id: cal.call(c) for c in self.calls}
        files[self.ics_path(lang, "events")] = cal.calendar(_("Events of the network"), events.values())
        files[self.ics_path(lang, "calls")] = cal.calendar(_("Calls for applications"), calls.values())
        for slug, vevent in events.items():
            if vevent is not None:
                files[self.ics_path(lang, "events", slug)] = cal.calendar(views.link("event", slug)["name"], [vevent])
        for call in self.calls:
            name = _("Application deadline: %(programmes)s") % {
                "programmes": _(", ").join(views.link("programme", s)["name"] for s in call.programmes)
            }
            files[self.ics_path(lang, "calls", call.id)] = cal.calendar(name, [calls[call.id]])
        for record in sorted(self.site.atlas.of_type("programme"), key=lambda r: r.slug):
            name = views.link("programme", record.slug)["name"]
            files[self.ics_path(lang, "programmes", record.slug)] = cal.calendar(
                _("Calls for applications: %(name)s") % {"name": name},
                [calls[c.id] for c in self.calls if record.slug in c.programmes],
            )
        return files

    def place_calendar_files(self, views) -> dict:
        """The calendar of each place in one language. One whose place and events did not change is taken from
        the previous build (and listed in place_calendars) instead of being made again."""
        lang, _ = views.lang, views._
        cal = Calendars(self, views)
        events = {r.slug: cal.event(r) for r in self.events}
        files = {}
        for record in sorted(self.site.atlas.of_type("centre"), key=lambda r: r.slug):
            path = self.ics_path(lang, "centres", record.slug)
            shows = (("record", "centre", record.slug), ("summaries", "event"))
            relative = "/".join(path)
            key = self.site.file_key(relative, shows)
            data = self.calendar_cache.get(key)  # also keeps it cached when the previous build's file stays
            if self.site.unchanged_file(relative, shows, key):
                self.place_calendars.append(relative)
                continue
            if data is None:
                name = views.link("centre", record.slug)["name"]
                events_here = [events[e.slug] for e in self.events if record.slug in (e.get("places") or [])]
                data = self.calendar_cache.put(key, cal.calendar(_("Events at %(name)s") % {"name": name}, events_here))
            files[path] = data
        return files

    def feed_files(self, views) -> dict:
        lang, _ = views.lang, views._
        domain = self.config["uid_domain"]
        author = _("Atlas of the Centres culturels de rencontre")
        entries = {"events": [], "calls": [], "updates": []}
        for record in sorted(self.events, key=lambda r: (self.site.event_sort_date(r), r.slug), reverse=True):
            view = views.event(record)
            entries["events"].append(
                {
                    "id": feed_uuid(domain, lang, "event", record.slug),
                    "title": view["name"],
                    "url": self.site.absolute(view["url"]),
                    "updated": record["last_verified"],
                    "summary": f"{view['when']} — {view['summary']}",
                    "lang": view["text_lang"],
                }
            )
        for call in sorted(self.calls, key=lambda c: (c.deadline, c.id), reverse=True):
            view = self.call_view(views, call)
            names = _(", ").join(p["name"] for p in view["programmes"])
            entries["calls"].append(
                {
                    "id": feed_uuid(domain, lang, "call", call.id),
                    "title": _("Call for applications: %(programmes)s") % {"programmes": names},
                    "url": self.site.absolute(view["programmes"][0]["url"]),
                    "updated": call.last_verified,
                    "summary": _("Deadline: %(deadline)s") % {"deadline": view["deadline"]},
                }
            )
        records = [(r, "centre") for r in self.site.places()]
        records += [(r, t) for t in ("programme", "event") for r in self.site.atlas.of_type(t)]
        records.sort(key=lambda rt: (rt[0]["last_verified"], rt[1], rt[0].slug), reverse=True)
        for record, record_type in records[: self.config["updates_feed_size"]]:
            link = views.link(record_type, record.slug)
            entries["updates"].append(
                {
                    "id": feed_uuid(domain, lang, "update", record_type, record.slug, record["last_verified"]),
                    "title": link["name"],
                    "url": self.site.absolute(link["url"]),
                    "updated": record["last_verified"],
                    "summary": link["summary"],
                    "lang": link["lang"],
                }
            )
        files = {}
        pages = {"events": CALENDAR_PAGES["upcoming"], "calls": CALENDAR_PAGES["upcoming"], "updates": ()}
        for name, title in FEEDS.items():
            path = self.feed_path(lang, name)
            files[path] = atom(
                feed_id=feed_uuid(domain, lang, "feed", name),
                title=_(title),
                lang=lang,
                self_url=self.site.absolute(self.file_url(*path)),
                page_url=self.site.absolute(self.site.url(lang, *pages[name])),
                author=author,
                entries=entries[name],
                fallback_date=self.today,
            )
        return files

    def sitemap_files(self, kept: list) -> dict:
        """The sitemaps; a language's is taken from the previous build (listed in kept) when the pages did not
        change: which pages exist follows from the records as lists show them."""
        site = self.site
        files = {}
        specs = site.page_specs()
        for lang in site.languages:
            if site.unchanged_file(f"sitemap-{lang}.xml", site.lists_depend()):
                kept.append(f"sitemap-{lang}.xml")
                continue
            out = [
                '<?xml version="1.0" encoding="utf-8"?>',
                '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
                'xmlns:xhtml="http://www.w3.org/1999/xhtml">',
            ]
            for spec in (s for s in specs if s.indexable):
                out.append("<url>")
                out.append(f"<loc>{escape(site.absolute(site.url(lang, *spec.parts)))}</loc>")
                for code in site.languages:
                    href = quoteattr(site.absolute(site.url(code, *spec.parts)))
                    out.append(f'<xhtml:link rel="alternate" hreflang="{code}" href={href}/>')
                href = quoteattr(site.absolute(site.url(site.default_language, *spec.parts)))
                out.append(f'<xhtml:link rel="alternate" hreflang="x-default" href={href}/>')
                out.append("</url>")
            out.append("</urlset>")
            files[(f"sitemap-{lang}.xml",)] = ("\n".join(out) + "\n").encode("utf-8")
        index = [
            '<?xml version="1.0" encoding="utf-8"?>',
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
        ]
        index += [
            f"<sitemap><loc>{escape(site.absolute(self.file_url(f'sitemap-{lang}.xml')))}</loc></sitemap>"
            for lang in site.languages
        ]
        index.append("</sitemapindex>")
        files[("sitemap.xml",)] = ("\n".join(index) + "\n").encode("utf-8")
        robots = "User-agent: *\nAllow: /\n"
        sitemap = site.absolute(self.file_url("sitemap.xml"))
        if urlsplit(sitemap).scheme:  # robots.txt takes only an absolute address: public builds have one
            robots += f"\nSitemap: {sitemap}\n"
        files[("robots.txt",)] = robots.encode("utf-8")
        return files
