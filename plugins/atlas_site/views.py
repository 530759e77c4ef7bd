"""Language-specific views of records, as plain dicts the templates read."""

from __future__ import annotations

import datetime as dt
import unicodedata
from functools import partial

from .labels import BUILDINGS, DISCIPLINES, EVENT_KINDS, KINDS, MEASURES, PRECISIONS, PROTECTIONS, QUALIFIERS
from .markup import link_atlas_pages

_DECIMALS = {("site", "source"): 4, ("site", "geocoded"): 4, ("site", "memory"): 3, "town": 2, "city": 1, "country": 0}


def sort_key(name: str) -> str:
    """Alphabetical order that ignores accents and case ('Écrire' sorts with 'E')."""
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)).casefold()


class Views:
    """Builds the views of one language; one instance per language per build."""

    def __init__(self, site, lang: str, fmt):
        self.site = site
        self.lang = lang
        self.fmt = fmt
        self._ = fmt.gettext
        self._places: dict[str, dict] = {}  # a place is shown on its page and on many lists: built once

    # -- texts -----------------------------------------------------------------------------------
    def text_fields(self, record) -> tuple[dict, str]:
        """Front matter of the page's language, else of the first fallback that has it."""
        for lang in self.site.chain(self.lang):
            if lang in record.texts:
                return record.texts[lang].fields, lang
        return {"name": record.slug, "summary": ""}, self.lang

    def body(self, record) -> tuple[str, str | None]:
        """Rendered body and the language it is in (None when there is no body in any language)."""
        for lang in self.site.chain(self.lang):
            text = record.texts.get(lang)
            if text is not None and text.has_body:
                html = link_atlas_pages(self.site.markdown.render(text.body), partial(self.site.url, self.lang))
                return html, lang
        return "", None

    def common(self, record, kind_path: str) -> dict:
        fields, fields_lang = self.text_fields(record)
        body, body_lang = self.body(record)
        return {
            "slug": record.slug,
            "name": fields.get("name", record.slug),
            "summary": fields.get("summary", ""),
            "fields": fields,
            "text_lang": fields_lang,
            "body": body,
            "body_lang": body_lang,
            "url": self.site.url(self.lang, kind_path, record.slug),
            "sources": record.get("sources") or [],
            "last_verified": self.fmt.date(record["last_verified"]) if record.get("last_verified") else None,
            "source_file": self.site.atlas.relative(record.folder),
        }

    # -- places ----------------------------------------------------------------------------------
    def place(self, record) -> dict:
        """The place's view (a new dict each call, built once per language and build)."""
        view = self._places.get(record.slug)
        if view is None:
            view = self._places[record.slug] = self._place(record)
        return dict(view)

    def _place(self, record) -> dict:
        view = self.common(record, "centres")
        kind = record["kind"]
        # A former member is on no kind, country or discipline page, and its country or discipline may have none
        # (no current place there): its page names them without a link.
        current = kind != "former-member"
        view.update(
            kind=kind,
            kind_label=self._(KINDS[kind][0]),
            kind_url=self.site.url(self.lang, "kinds", kind) if current else None,
            country=record["country"],
            country_name=self.fmt.country(record["country"]),
            country_url=self.site.url(self.lang, "countries", record["country"].lower()) if current else None,
            region=record.get("region"),
            department=record.get("department"),
            town=record["town"],
            coordinates=self.coordinates(record.get("coordinates")),
            building=self._(BUILDINGS[record["heritage"]["building"]]),
            period=self.period(record["heritage"].get("period")),
            protections=[self.protection(p) for p in record["heritage"].get("protection") or []],
            disciplines=[
                {
                    "label": self._(DISCIPLINES[d]),
                    "url": self.site.url(self.lang, "disciplines", d) if current else None,
                    "key": d,
                }
                for d in record["disciplines"]
            ],
            membership=self.membership(record["membership"]),
            website=record.get("website"),
            programmes=[self.link("programme", slug) for slug in record.get("programmes") or []],
            events=[self.link("event", e.slug) for e in self.site.events_at(record.slug)],
            is_current=current,
        )
        return view

    def coordinates(self, coords) -> dict | None:
        if not coords:
            return None
        precision, basis = coords["precision"], coords["basis"]
        decimals = _DECIMALS.get((precision, basis), _DECIMALS.get(precision, 2))
        return {
            # Shown only to the digits the precision supports: a town-level guess is not a GPS fix.
            "lat": f"{coords['lat']:.{decimals}f}",
            "lon": f"{coords['lon']:.{decimals}f}",
            "precision": precision,
            "precision_label": self._(PRECISIONS[precision]),
            "approximate": basis == "memory" or precision != "site",
            "checked": basis != "memory",
            "source": coords.get("source"),
        }

    def period(self, period) -> str | None:
        if not period:
            return None
        if "year" in period:
            return self.fmt.year(period["year"])
        if "century" in period:
            return self.fmt.century(period["century"])
        if "to" in period:
            return f"{self.fmt.year(period['from'])}–{self.fmt.year(period['to'])}"
        return self._("from %(year)s") % {"year": self.fmt.year(period["from"])}

    def protection(self, protection) -> str:
        label = self._(PROTECTIONS[protection["type"]])
        if "year" in protection:
            return self._("%(label)s (%(year)s)") % {"label": label, "year": self.fmt.year(protection["year"])}
        return label

    def membership(self, membership) -> dict:
        return {
            "since": self.fmt.years(membership["since"]) if "since" in membership else None,
            "disputed": isinstance(membership.get("since"), list),
            "until": self.fmt.year(membership["until"]) if membership.get("until") else None,
            "status_confirmed": membership.get("status_confirmed", True),
            "founding_member": membership.get("founding_member", False),
        }

    def link(self, record_type: str, slug: str) -> dict:
        record = self.site.atlas.records[record_type][slug]
        fields, lang = self.text_fields(record)
        return {
            "name": fields.get("name", slug),
            "url": self.site.url(self.lang, self.site.PATHS[record_type], slug),
            "lang": lang,
            "summary": fields.get("summary", ""),
        }

    def place_cards(self, records) -> list[dict]:
        cards = [self.place(r) for r in records]
        return sorted(cards, key=lambda c: sort_key(c["name"]))

    # -- programmes ------------------------------------------------------------------------------
    def programme(self, record) -> dict:
        view = self.common(record, "programmes")
        fields = view["fields"]
        duration, stipend = record.get("duration"), record.get("stipend")
        view.update(
            since=self.fmt.year(record["since"]),
            until=self.fmt.year(record["until"]) if record.get("until") else None,
            eligibility=fields.get("eligibility"),
            funders=fields.get("funders") or [],
            duration=duration
            and {
                "text": self._("%(min)s to %(max)s months")
                % {"min": self.fmt.number(duration["min_months"]), "max": self.fmt.number(duration["max_months"])},
                "source": duration["source"],
            },
            stipend=stipend
            and {
                "text": self._("%(amount)s per month")
                % {"amount": self.fmt.money(stipend["amount"], stipend["currency"])},
                "source": stipend["source"],
            },
            calls=[self.call(c) for c in sorted(record.get("calls") or [], key=lambda c: c["deadline"], reverse=True)],
            figures=[
                self.figure(f) for f in sorted(record.get("figures") or [], key=lambda f: (f["year"], f["measure"]))
            ],
            countries=[
                {"name": self.fmt.country(c), "url": self.site.url(self.lang, "countries", c.lower())}
                for c in record.get("countries") or []
            ],
            hosts=self.place_cards(self.site.hosts_of(record.slug)),
        )
        return view

    def call(self, call) -> dict:
        deadline = dt.date.fromisoformat(call["deadline"])
        return {
            "deadline": self.fmt.date(deadline),
            "deadline_iso": call["deadline"],
            "opens": self.fmt.date(call["opens"]) if call.get("opens") else None,
            "for_year": self.fmt.year(call["for_year"]) if call.get("for_year") else None,
            "joint_with": [self.link("programme", s) for s in call.get("joint_with") or []],
            "is_past": deadline < self.site.today,
            "source": call["source"],
        }

    def figure(self, figure) -> dict:
        value = self.fmt.number(figure["value"])
        qualifier = figure.get("qualifier", "exact")
        template = QUALIFIERS[qualifier]
        return {
            "measure": self._(MEASURES[figure["measure"]]),
            "value": (self._(template) if qualifier != "exact" else template) % {"value": value},
            "year": self.fmt.year(figure["year"]),
            "source": figure["source"],
        }

    # -- events ----------------------------------------------------------------------------------
    def event(self, record) -> dict:
        view = self.common(record, "events")
        view.update(
            kind_label=self._(EVENT_KINDS[record["kind"]]),
            when=self.event_dates(record),
            year_open=record["start"].startswith("--"),
            places=[self.link("centre", s) for s in record.get("places") or []],
            place_text=view["fields"].get("place"),
            sort_date=self.site.event_sort_date(record),
            is_past=self.site.event_sort_date(record) < self.site.today,
        )
        return view

    def event_dates(self, record) -> str:
        start, end = record["start"], record.get("end")
        if start.startswith("--"):
            days = self.fmt.month_day_range(_month_day(start), _month_day(end) if end else None)
            years = [self.fmt.year(y) for y in record["possible_years"]]
            if len(years) == 1:
                return self._("%(days)s, year unconfirmed (probably %(year)s)") % {"days": days, "year": years[0]}
            return self._("%(days)s, year unconfirmed (%(years)s)") % {
                "days": days,
                "years": self._(" or ").join(years),
            }
        return self.fmt.date_range(dt.date.fromisoformat(start), dt.date.fromisoformat(end) if end else None)


def _month_day(value: str) -> tuple[int, int]:
    return int(value[2:4]), int(value[5:7])
