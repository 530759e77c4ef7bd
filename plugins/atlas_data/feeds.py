"""iCalendar files (built with the icalendar package) and Atom feeds, in one language."""

from __future__ import annotations

import datetime as dt
import uuid
from xml.sax.saxutils import escape, quoteattr

from atlas_site.i18n import N_
from icalendar import Calendar, Event

from .model import Call, event_span

ATOM_NS = "http://www.w3.org/2005/Atom"


def stamp(day: dt.date) -> dt.datetime:
    """DTSTAMP from the build date (not the clock), so the same build date gives the same files."""
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


class Calendars:
    """Builds the VEVENTs and calendars of one language."""

    def __init__(self, build, views):
        self.build = build
        self.site = build.site
        self.views = views
        self._ = views._
        self.domain = build.config["uid_domain"]

    def absolute(self, url: str) -> str | None:
        url = self.site.absolute(url)
        return url if url.startswith(("http://", "https://")) else None

    def event(self, record) -> Event | None:
        """The event as a VEVENT, or None when its year is unconfirmed (never guessed)."""
        span = event_span(record)
        if span is None:
            return None
        fields, _lang = self.views.text_fields(record)
        vevent = Event()
        vevent.add("uid", f"event-{record.slug}@{self.domain}")
        vevent.add("dtstamp", stamp(self.site.today))
        vevent.add("dtstart", span[0])
        vevent.add("dtend", span[1] + dt.timedelta(days=1))
        vevent.add("summary", fields.get("name", record.slug))
        page = self.site.url(self.views.lang, "events", record.slug)
        description = [fields.get("summary", "")] + list(record["sources"])
        vevent.add("description", "\n".join(d for d in description if d))
        places = [self.views.link("centre", s)["name"] for s in record.get("places") or []]
        location = "; ".join(places) or fields.get("place")
        if location:
            vevent.add("location", location)
        if self.absolute(page):
            vevent.add("url", self.absolute(page))
        vevent.add("last-modified", stamp(dt.date.fromisoformat(record["last_verified"])))
        return vevent

    def call(self, call: Call) -> Event:
        """The deadline of a call as an all-day VEVENT."""
        names = [self.views.link("programme", slug)["name"] for slug in call.programmes]
        vevent = Event()
        vevent.add("uid", f"call-{call.id}@{self.domain}")
        vevent.add("dtstamp", stamp(self.site.today))
        vevent.add("dtstart", call.deadline)
        vevent.add("dtend", call.deadline + dt.timedelta(days=1))
        vevent.add("summary", self._("Application deadline: %(programmes)s") % {"programmes": self._(", ").join(names)})
        lines = []
        if call.opens:
            lines.append(self._("Applications open on %(date)s.") % {"date": self.views.fmt.date(call.opens)})
        if call.for_year:
            lines.append(self._("For the residency year %(year)s.") % {"year": self.views.fmt.year(call.for_year)})
        lines += list(call.sources)
        vevent.add("description", "\n".join(lines))
        page = self.absolute(self.site.url(self.views.lang, "programmes", call.programmes[0]))
        if page:
            vevent.add("url", page)
        vevent.add("last-modified", stamp(dt.date.fromisoformat(call.last_verified)))
        return vevent

    def calendar(self, name: str, components) -> bytes:
        cal = Calendar()
        cal.add("prodid", f"-//{self.domain}//atlas_data//{self.views.lang.upper()}")
        cal.add("version", "2.0")
        cal.add("calscale", "GREGORIAN")
        cal.add("method", "PUBLISH")
        cal.add("x-wr-calname", name)
        for component in components:
            if component is not None:
                cal.add_component(component)
        return cal.to_ical()


def feed_uuid(domain: str, *parts: str) -> str:
    """A stable Atom id, derived from names (never random)."""
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, "/".join([domain, *parts])))


def _updated(day: str | dt.date) -> str:
    return f"{day}T00:00:00Z"


def atom(
    *,
    feed_id: str,
    title: str,
    lang: str,
    self_url: str,
    page_url: str,
    author: str,
    entries: list[dict],
    fallback_date: dt.date,
) -> bytes:
    """An Atom 1.0 feed; entries: id, title, url, updated (YYYY-MM-DD), summary, lang (of the texts)."""
    updated = max((e["updated"] for e in entries), default=str(fallback_date))
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="{ATOM_NS}" xml:lang={quoteattr(lang)}>',
        f"<id>{escape(feed_id)}</id>",
        f"<title>{escape(title)}</title>",
        f"<updated>{_updated(updated)}</updated>",
        f"<author><name>{escape(author)}</name></author>",
        f'<link rel="self" type="application/atom+xml" href={quoteattr(self_url)}/>',
        f'<link rel="alternate" type="text/html" href={quoteattr(page_url)}/>',
    ]
    for entry in entries:
        text_lang = f" xml:lang={quoteattr(entry['lang'])}" if entry.get("lang") and entry["lang"] != lang else ""
        out += [
            "<entry>",
            f"<id>{escape(entry['id'])}</id>",
            f"<title{text_lang}>{escape(entry['title'])}</title>",
            f'<link rel="alternate" type="text/html" href={quoteattr(entry["url"])}/>',
            f"<updated>{_updated(entry['updated'])}</updated>",
            f"<summary{text_lang}>{escape(entry['summary'])}</summary>",
            "</entry>",
        ]
    out.append("</feed>")
    return ("\n".join(out) + "\n").encode("utf-8")


FEEDS = {
    "events": N_("Events of the network"),
    "calls": N_("Calls for applications"),
    "updates": N_("Recently checked records"),
}
