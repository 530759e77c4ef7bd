"""Language-neutral facts computed once per build from the records: calls, datable events, exports, counts."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import Counter
from dataclasses import dataclass

from atlas_site.labels import DISCIPLINES, KINDS
from atlas_site.views import Views


@dataclass(frozen=True)
class Call:
    """One call for applications; a joint call listed by several programmes is one call."""

    id: str
    programmes: tuple[str, ...]
    deadline: dt.date
    opens: dt.date | None
    for_year: int | None
    sources: tuple[str, ...]
    last_verified: str

    def status(self, today: dt.date, closing_days: int) -> str:
        if self.deadline < today:
            return "past"
        if self.deadline <= today + dt.timedelta(days=closing_days):
            return "closing-soon"
        return "open"


def collect_calls(programmes) -> list[Call]:
    """Every call of every programme, joint calls merged, in deadline order then id."""
    groups: dict[tuple, dict] = {}
    for record in sorted(programmes, key=lambda r: r.slug):
        for call in record.get("calls") or []:
            members = tuple(sorted({record.slug, *(call.get("joint_with") or [])}))
            key = (call["deadline"], members)
            group = groups.setdefault(key, {"opens": None, "for_year": None, "sources": [], "verified": []})
            group["opens"] = group["opens"] or call.get("opens")
            group["for_year"] = group["for_year"] or call.get("for_year")
            if call["source"] not in group["sources"]:
                group["sources"].append(call["source"])
            group["verified"].append(record["last_verified"])
    calls = []
    for (deadline, members), group in groups.items():
        calls.append(
            Call(
                id=f"{'-'.join(members)}-{deadline}",
                programmes=members,
                deadline=dt.date.fromisoformat(deadline),
                opens=dt.date.fromisoformat(group["opens"]) if group["opens"] else None,
                for_year=group["for_year"],
                sources=tuple(group["sources"]),
                last_verified=max(group["verified"]),
            )
        )
    return sorted(calls, key=lambda c: (c.deadline, c.id))


def year_confirmed(event) -> bool:
    return not event["start"].startswith("--")


def event_span(event) -> tuple[dt.date, dt.date] | None:
    """First and last day of an event whose year is confirmed; None when the year is open."""
    if not year_confirmed(event):
        return None
    start = dt.date.fromisoformat(event["start"])
    end = dt.date.fromisoformat(event["end"]) if event.get("end") else start
    return start, end


def event_is_past(event, today: dt.date) -> bool:
    """Over before the build date; an event with an open year is past only if it is in every possible year."""
    span = event_span(event)
    if span:
        return span[1] < today
    last = event.get("end") or event["start"]
    return dt.date(max(event["possible_years"]), int(last[2:4]), int(last[5:7])) < today


def first_year(since) -> int | None:
    """The label year; when two sources disagree, the first one given."""
    if since is None:
        return None
    return since[0] if isinstance(since, list) else since


def text_of(record, lang: str, field: str):
    """A front matter field in exactly that language (no fallback), or None."""
    text = record.texts.get(lang)
    return text.fields.get(field) if text else None


# -- exports -------------------------------------------------------------------------------------


def _built(period) -> str | None:
    if not period:
        return None
    if "year" in period:
        return str(period["year"])
    if "century" in period:
        return f"C{period['century']}"
    return f"{period['from']}/{period.get('to', '')}"


def _protection(p) -> str:
    return f"{p['type']}:{p['year']}" if "year" in p else p["type"]


class Exports:
    """The downloadable files, made once per build (bytes, so pages can state sizes and counts)."""

    def __init__(self, site, config: dict, published_slugs: set[str]):
        self.site = site
        self.config = config
        self.languages = site.languages
        self.published = published_slugs
        self.licence = {
            "licence": config["licence_name"],
            "licence_url": config["licence_url"],
            "attribution": site.settings.get("SITENAME", ""),
        }

    def page_urls(self, *parts) -> dict:
        return {lang: self.site.absolute(self.site.url(lang, *parts)) for lang in self.languages}

    def texts(self, record, field: str) -> dict:
        return {lang: text_of(record, lang, field) for lang in self.languages}

    # places ----------------------------------------------------------------------------------------
    def place_properties(self, record) -> dict:
        views = Views(self.site, self.site.default_language, self.site.formatters[self.site.default_language])
        coords = views.coordinates(record.get("coordinates")) or {}
        membership = record["membership"]
        since = membership.get("since")
        props = {"id": record.slug}
        for lang in self.languages:
            props[f"url_{lang}"] = self.site.absolute(self.site.url(lang, "centres", record.slug))
        for lang in self.languages:
            props[f"name_{lang}"] = text_of(record, lang, "name")
        for lang in self.languages:
            props[f"summary_{lang}"] = text_of(record, lang, "summary")
        raw = record.get("coordinates") or {}
        props.update(
            kind=record["kind"],
            country=record["country"],
            region=record.get("region"),
            department=record.get("department"),
            town=record["town"],
            latitude=float(coords["lat"]) if coords else None,
            longitude=float(coords["lon"]) if coords else None,
            precision=raw.get("precision"),
            basis=raw.get("basis"),
            building=record["heritage"]["building"],
            built=_built(record["heritage"].get("period")),
            protections=[_protection(p) for p in record["heritage"].get("protection") or []],
            disciplines=list(record["disciplines"]),
            member_since=first_year(since),
            member_since_other=since[1] if isinstance(since, list) else None,
            founding_member=bool(membership.get("founding_member", False)),
            status_confirmed=bool(membership.get("status_confirmed", True)),
            website=record.get("website"),
            programmes=list(record.get("programmes") or []),
            sources=list(record["sources"]),
            last_verified=record["last_verified"],
        )
        return props

    def places(self):
        return sorted(self.site.places(), key=lambda r: r.slug)

    def places_geojson(self) -> bytes:
        features = []
        for record in self.places():
            props = self.place_properties(record)
            geometry = None
            if props["latitude"] is not None:
                geometry = {"type": "Point", "coordinates": [props["longitude"], props["latitude"]]}
            features.append({"type": "Feature", "id": record.slug, "geometry": geometry, "properties": props})
        return _json({"type": "FeatureCollection", **self.licence, "features": features})

    def places_csv(self) -> bytes:
        rows = [self.place_properties(r) for r in self.places()]
        header = list(rows[0]) if rows else ["id"]
        return _csv(header, [[_cell(row[k]) for k in header] for row in rows])

    # programmes ------------------------------------------------------------------------------------
    def programme_item(self, record) -> dict:
        hosts = sorted(r.slug for r in self.site.hosts_of(record.slug) if r.slug in self.published)
        return {
            "id": record.slug,
            "urls": self.page_urls("programmes", record.slug),
            "name": self.texts(record, "name"),
            "summary": self.texts(record, "summary"),
            "eligibility": self.texts(record, "eligibility"),
            "funders": self.texts(record, "funders"),
            "since": record["since"],
            "until": record.get("until"),
            "countries": list(record.get("countries") or []),
            "duration": record.get("duration"),
            "stipend": record.get("stipend"),
            "calls": [
                {
                    "deadline": c["deadline"],
                    "opens": c.get("opens"),
                    "for_year": c.get("for_year"),
                    "joint_with": list(c.get("joint_with") or []),
                    "source": c["source"],
                }
                for c in sorted(record.get("calls") or [], key=lambda c: c["deadline"])
            ],
            "figures": [
                {
                    "measure": f["measure"],
                    "value": f["value"],
                    "qualifier": f.get("qualifier", "exact"),
                    "year": f["year"],
                    "source": f["source"],
                }
                for f in sorted(record.get("figures") or [], key=lambda f: (f["year"], f["measure"]))
            ],
            "hosts": hosts,
            "sources": list(record["sources"]),
            "last_verified": record["last_verified"],
        }

    def programmes_json(self) -> bytes:
        items = [self.programme_item(r) for r in sorted(self.site.atlas.of_type("programme"), key=lambda r: r.slug)]
        return _json({**self.licence, "programmes": items})

    # events ----------------------------------------------------------------------------------------
    def event_item(self, record) -> dict:
        return {
            "id": record.slug,
            "urls": self.page_urls("events", record.slug),
            "name": self.texts(record, "name"),
            "summary": self.texts(record, "summary"),
            "place_text": self.texts(record, "place"),
            "kind": record["kind"],
            "start": record["start"],
            "end": record.get("end"),
            "year_confirmed": year_confirmed(record),
            "possible_years": list(record.get("possible_years") or []),
            "places": [s for s in record.get("places") or [] if s in self.published],
            "sources": list(record["sources"]),
            "last_verified": record["last_verified"],
        }

    def events_json(self) -> bytes:
        items = [self.event_item(r) for r in sorted(self.site.atlas.of_type("event"), key=lambda r: r.slug)]
        return _json({**self.licence, "events": items})

    def files(self) -> dict[str, bytes]:
        return {
            "places.geojson": self.places_geojson(),
            "places.csv": self.places_csv(),
            "programmes.json": self.programmes_json(),
            "events.json": self.events_json(),
        }


def _json(data) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "|".join(str(v) for v in value)
    return str(value)


def _csv(header: list[str], rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


# -- statistics ----------------------------------------------------------------------------------


@dataclass
class Count:
    key: str | int
    value: int


@dataclass
class Statistic:
    """One table of counts: its id (also the CSV name), the CSV column of its keys, and the counts."""

    id: str
    key_column: str
    counts: list[Count]
    notes: dict

    def csv(self) -> bytes:
        return _csv([self.key_column, "places"], [[c.key, c.value] for c in self.counts])


def place_statistics(places) -> list[Statistic]:
    """Counts of the published places, computed from the records (never typed by hand)."""
    by_country = Counter(r["country"] for r in places)
    by_kind = Counter(r["kind"] for r in places)
    by_region = Counter(r.get("region") or "" for r in places)
    years = Counter(first_year(r["membership"].get("since")) for r in places)
    unknown_years = years.pop(None, 0)
    disputed = sorted(
        (r.slug, r["membership"]["since"]) for r in places if isinstance(r["membership"].get("since"), list)
    )
    by_discipline = Counter(d for r in places for d in r["disciplines"])
    return [
        Statistic("places-by-country", "country", [Count(k, v) for k, v in sorted(by_country.items())], {}),
        Statistic("places-by-kind", "kind", [Count(k, by_kind[k]) for k in KINDS if by_kind.get(k)], {}),
        Statistic(
            "places-by-region",
            "region",
            [Count(k, v) for k, v in sorted(by_region.items(), key=lambda kv: (kv[0] == "", kv[0]))],
            {},
        ),
        Statistic(
            "label-years",
            "year",
            [Count(k, v) for k, v in sorted(years.items())],
            {"unknown": unknown_years, "disputed": disputed},
        ),
        Statistic(
            "disciplines", "discipline", [Count(k, by_discipline[k]) for k in DISCIPLINES if by_discipline.get(k)], {}
        ),
    ]


def figures_csv(programmes) -> bytes:
    rows = []
    for record in sorted(programmes, key=lambda r: r.slug):
        for f in sorted(record.get("figures") or [], key=lambda f: (f["measure"], f["year"])):
            rows.append([record.slug, f["measure"], f["year"], f["value"], f.get("qualifier", "exact"), f["source"]])
    return _csv(["programme", "measure", "year", "value", "qualifier", "source"], rows)
