"""The atlas_data plugin: open-data exports, statistics, calendars and feeds, sitemaps, sharing metadata.

Expected values are computed here from the records (atlas_records), never read back from the output.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest
from atlas_data.charts import bar_chart
from atlas_data.settings import DataSettingsError, data_settings
from atlas_records import load_atlas
from bs4 import BeautifulSoup
from icalendar import Calendar

import tasks

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "sample-site"
LANGUAGES = ["fr", "en", "ar", "zh"]
BUILD_DATE = dt.date(2024, 6, 1)
EPOCH = str(int(dt.datetime(2024, 6, 1, 12, tzinfo=dt.UTC).timestamp()))
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
ATOM = "{http://www.w3.org/2005/Atom}"

EXTRA_CALLS = """\
  - deadline: 2024-06-20
    opens: 2024-05-01
    source: https://example.org/programme-fictif/appel-2024
  - deadline: 2024-09-30
    for_year: 2025
    source: https://example.org/programme-fictif/appel-2025
"""
OPEN_YEAR_EVENT = """\
kind: seminar
start: "--09-10"
possible_years: [2024, 2025]
places: [abbaye-d-exemple]
sources:
  - https://example.org/seminaire/
last_verified: 2024-03-02
"""


def _sample_copy(folder: Path) -> Path:
    """The sample site plus a call closing soon, an open call and an event whose year is unconfirmed."""
    root = folder / "site"
    shutil.copytree(SAMPLE, root)
    programme = root / "programmes" / "programme-fictif" / "index.yaml"
    text = programme.read_text(encoding="utf-8").replace("calls:\n", "calls:\n" + EXTRA_CALLS, 1)
    programme.write_text(text, encoding="utf-8")
    event = root / "content" / "events" / "seminaire-sans-annee"
    event.mkdir()
    (event / "index.yaml").write_text(OPEN_YEAR_EVENT, encoding="utf-8")
    (event / "index.fr.md").write_text(
        "---\nname: Séminaire sans année\nsummary: Année non confirmée.\n---\n", encoding="utf-8"
    )
    return root


def _build(root: Path, output: Path) -> Path:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        assert tasks.build_site(output=output, root=root) == 0
    return output


class Built:
    def __init__(self, root: Path, output: Path):
        self.root = root
        self.output = output
        self.atlas = load_atlas(root, LANGUAGES, "fr")
        assert not self.atlas.errors

    def records(self, record_type):
        return self.atlas.of_type(record_type)

    @property
    def published(self):
        return {r.slug: r for r in self.records("centre") if r["kind"] != "former-member"}

    def html(self, *parts) -> BeautifulSoup:
        return BeautifulSoup((self.output.joinpath(*parts) / "index.html").read_text(encoding="utf-8"), "html.parser")

    def pages(self, lang):
        """Every real page of a language (alias redirects left out)."""
        for path in sorted((self.output / lang).rglob("index.html")):
            soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
            if soup.find("meta", attrs={"http-equiv": "refresh"}):
                continue
            yield path, soup


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    folder = tmp_path_factory.mktemp("data-sample")
    root = _sample_copy(folder)
    return Built(root, _build(root, folder / "output"))


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    folder = tmp_path_factory.mktemp("data-real")
    return Built(ROOT, _build(ROOT, folder / "output"))


@pytest.fixture(scope="module", params=["sample", "real"])
def site(request):
    return request.getfixturevalue(request.param)


# -- exports -------------------------------------------------------------------------------------


def test_geojson_holds_exactly_the_published_places(site):
    data = json.loads((site.output / "data" / "places.geojson").read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
    assert data["licence"] == "CC BY 4.0"
    ids = [f["properties"]["id"] for f in data["features"]]
    assert sorted(ids) == sorted(site.published)
    for feature in data["features"]:
        record = site.published[feature["id"]]
        lon, lat = feature["geometry"]["coordinates"]
        assert abs(lat - record["coordinates"]["lat"]) < 0.05 and abs(lon - record["coordinates"]["lon"]) < 0.05
        assert feature["properties"]["kind"] == record["kind"] != "former-member"
        assert feature["properties"]["name_fr"] == record.texts["fr"].fields["name"]


def test_csv_holds_exactly_the_published_places(site):
    text = (site.output / "data" / "places.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert sorted(r["id"] for r in rows) == sorted(site.published)
    for row in rows:
        record = site.published[row["id"]]
        assert row["country"] == record["country"]
        assert row["disciplines"].split("|") == list(record["disciplines"])
        assert row["name_en"] == (record.texts["en"].fields["name"] if "en" in record.texts else "")


def test_programmes_and_events_json(site):
    programmes = json.loads((site.output / "data" / "programmes.json").read_text(encoding="utf-8"))
    assert programmes["licence_url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert sorted(p["id"] for p in programmes["programmes"]) == sorted(r.slug for r in site.records("programme"))
    for item in programmes["programmes"]:
        assert set(item["hosts"]) <= set(site.published)
        record = site.atlas.records["programme"][item["id"]]
        assert sorted(c["deadline"] for c in item["calls"]) == sorted(c["deadline"] for c in record.get("calls") or [])
    events = json.loads((site.output / "data" / "events.json").read_text(encoding="utf-8"))
    assert sorted(e["id"] for e in events["events"]) == sorted(r.slug for r in site.records("event"))
    for item in events["events"]:
        assert item["year_confirmed"] == (not site.atlas.records["event"][item["id"]]["start"].startswith("--"))


# -- calendars -----------------------------------------------------------------------------------


def _calendar(path: Path) -> Calendar:
    return Calendar.from_ical(path.read_bytes())


def _uids(calendar: Calendar) -> set[str]:
    return {str(e["UID"]) for e in calendar.walk("VEVENT")}


def test_ics_events_have_stable_uids_and_leave_out_unconfirmed_years(site):
    confirmed = {r.slug for r in site.records("event") if not r["start"].startswith("--")}
    for lang in LANGUAGES:
        calendar = _calendar(site.output / lang / "calendar" / "events.ics")
        assert _uids(calendar) == {f"event-{slug}@accr-atlas" for slug in confirmed}
        for event in calendar.walk("VEVENT"):
            assert event.decoded("DTSTAMP") == dt.datetime(2024, 6, 1, tzinfo=dt.UTC)
            record = site.atlas.records["event"][str(event["UID"])[len("event-") :].split("@")[0]]
            assert event.decoded("DTSTART") == dt.date.fromisoformat(record["start"])


def test_ics_calls_programme_and_centre_feeds(site):
    calls = {(c["deadline"], p.slug) for p in site.records("programme") for c in p.get("calls") or []}
    calendar = _calendar(site.output / "en" / "calendar" / "calls.ics")
    deadlines = sorted(e.decoded("DTSTART").isoformat() for e in calendar.walk("VEVENT"))
    assert deadlines == sorted({d for d, _ in calls})  # a joint call is one entry
    for programme in site.records("programme"):
        feed = _calendar(site.output / "en" / "calendar" / "programmes" / f"{programme.slug}.ics")
        assert sorted(e.decoded("DTSTART").isoformat() for e in feed.walk("VEVENT")) == sorted(
            c["deadline"] for c in programme.get("calls") or []
        )
    for centre in site.records("centre"):
        feed = _calendar(site.output / "fr" / "calendar" / "centres" / f"{centre.slug}.ics")
        expected = {
            f"event-{e.slug}@accr-atlas"
            for e in site.records("event")
            if centre.slug in (e.get("places") or []) and not e["start"].startswith("--")
        }
        assert _uids(feed) == expected


def test_call_before_build_date_is_past(sample):
    past = sample.html("fr", "calendar", "past")
    upcoming = sample.html("fr", "calendar")
    soon = sample.html("fr", "calendar", "closing-soon")
    past_ids = {li["data-call"]: li["data-status"] for li in past.select("li[data-call]")}
    assert past_ids == {"programme-fictif-2021-02-28": "past"}
    upcoming_ids = {li["data-call"]: li["data-status"] for li in upcoming.select("li[data-call]")}
    assert upcoming_ids == {"programme-fictif-2024-06-20": "closing-soon", "programme-fictif-2024-09-30": "open"}
    assert [li["data-call"] for li in soon.select("li[data-call]")] == ["programme-fictif-2024-06-20"]
    # Every call and every event whose year is known has its "add to calendar" link.
    for li in past.select("li[data-call]") + upcoming.select("li[data-call]"):
        assert li.find("a", href=lambda h: h and h.endswith(".ics"))
    open_year = upcoming.select_one('li[data-event="seminaire-sans-annee"]')
    assert open_year is not None and not open_year.find("a", href=lambda h: h and h.endswith(".ics"))
    assert sample.html("fr", "events", "rencontres-exemple-2023").find(
        "a", href=lambda h: h and h.endswith("/calendar/events/rencontres-exemple-2023.ics")
    )


def test_atom_feeds_parse(site):
    for lang in LANGUAGES:
        for name in ("events", "calls", "updates"):
            feed = ET.parse(site.output / lang / "feeds" / f"{name}.atom.xml").getroot()
            assert feed.tag == f"{ATOM}feed"
            ids = [e.findtext(f"{ATOM}id") for e in feed.findall(f"{ATOM}entry")]
            assert len(ids) == len(set(ids))
            if name == "events":
                assert len(ids) == len(site.records("event"))
        head = site.html(lang).head
        feeds = {link["href"] for link in head.find_all("link", type="application/atom+xml")}
        assert feeds == {f"/{lang}/feeds/{name}.atom.xml" for name in ("events", "calls", "updates")}


def test_builds_are_reproducible(sample, tmp_path):
    again = _build(sample.root, tmp_path / "again")
    for folder in ("data", "fr/calendar", "ar/feeds"):
        for path in sorted((sample.output / folder).rglob("*")):
            if path.is_file() and path.suffix != ".html":
                assert path.read_bytes() == (again / path.relative_to(sample.output)).read_bytes(), path


# -- statistics ----------------------------------------------------------------------------------


def _table(soup, table_id) -> dict[str, int]:
    table = soup.find("table", id=f"table-{table_id}")
    return {tr["data-key"]: int(tr.find("td")["data-value"]) for tr in table.select("tbody tr")}


def test_statistics_counts_equal_the_records(site):
    places = list(site.published.values())

    def first(since):
        return since[0] if isinstance(since, list) else since

    expected = {
        "places-by-country": Counter(r["country"] for r in places),
        "places-by-kind": Counter(r["kind"] for r in places),
        "places-by-region": Counter(r.get("region") or "" for r in places),
        "label-years": Counter(str(first(r["membership"]["since"])) for r in places if "since" in r["membership"]),
        "disciplines": Counter(d for r in places for d in r["disciplines"]),
    }
    for lang in LANGUAGES:
        soup = site.html(lang, "statistics")
        for table_id, counts in expected.items():
            assert _table(soup, table_id) == dict(counts), (lang, table_id)
            svg = soup.find("svg", attrs={"aria-labelledby": f"{table_id}-title {table_id}-desc"})
            assert svg["role"] == "img" and svg.find("title") and svg.find("desc")
            assert len(svg.find_all("rect")) == len(counts)
        csv_text = (site.output / "data" / "statistics" / "places-by-country.csv").read_text(encoding="utf-8")
        assert {r["country"]: int(r["places"]) for r in csv.DictReader(io.StringIO(csv_text))} == dict(
            expected["places-by-country"]
        )
    statistics = site.html("en", "statistics")
    for programme in site.records("programme"):
        for figure in programme.get("figures") or []:
            table = statistics.find("table", id=f"table-figures-{programme.slug}-{figure['measure']}")
            row = table.find("tr", attrs={"data-key": str(figure["year"])})
            assert int(row.find("td")["data-value"]) == figure["value"]
            assert row.find("a", href=figure["source"])


def test_chart_is_mirrored_in_rtl():
    rows = [("Un", 3, "3"), ("Deux", 1, "1")]
    ltr = BeautifulSoup(bar_chart("c", "T", "D", rows), "html.parser")
    rtl = BeautifulSoup(bar_chart("c", "T", "D", rows, rtl=True), "html.parser")
    width = float(ltr.svg["viewbox"].split()[2])
    for soup, is_rtl in ((ltr, False), (rtl, True)):
        label, rect = soup.find("text"), soup.find("rect")
        bar_start, bar_end = float(rect["x"]), float(rect["x"]) + float(rect["width"])
        if is_rtl:
            assert float(label["x"]) > bar_end and bar_end < width
        else:
            assert float(label["x"]) <= bar_start
    assert rtl.svg["direction"] == "rtl" and "direction" not in ltr.svg.attrs


# -- sitemaps and metadata -----------------------------------------------------------------------


def test_sitemaps_list_every_page_with_alternates(site):
    index = ET.parse(site.output / "sitemap.xml").getroot()
    assert [loc.text for loc in index.iter(f"{SITEMAP}loc")] == [f"/sitemap-{lang}.xml" for lang in LANGUAGES]
    # A local build has no public address, and robots.txt takes only an absolute one (publishing gives one).
    assert "Sitemap:" not in (site.output / "robots.txt").read_text(encoding="utf-8")
    for lang in LANGUAGES:
        urlset = ET.parse(site.output / f"sitemap-{lang}.xml").getroot()
        urls = {}
        for url in urlset.findall(f"{SITEMAP}url"):
            links = {link.get("hreflang"): link.get("href") for link in url.findall(f"{XHTML}link")}
            urls[url.findtext(f"{SITEMAP}loc")] = links
        pages = {
            "/" + str(path.parent.relative_to(site.output)) + "/"
            for path, soup in site.pages(lang)
            if not soup.find("meta", attrs={"name": "robots", "content": re.compile("noindex")})
        }
        assert set(urls) == pages
        for loc, links in urls.items():
            assert set(links) == {*LANGUAGES, "x-default"}
            assert links[lang] == loc and links["x-default"] == loc.replace(f"/{lang}/", "/fr/", 1)


def test_every_page_has_sharing_metadata(sample):
    for lang in LANGUAGES:
        for path, soup in sample.pages(lang):
            props = {
                m["property"]: m["content"]
                for m in soup.find_all("meta", property=True)
                if m["property"] != "og:locale:alternate"
            }
            assert {"og:title", "og:description", "og:url", "og:type", "og:locale"} <= set(props), path
            assert props["og:url"] == soup.find("link", rel="canonical")["href"]
            assert props["og:title"].strip()
            alternates = soup.find_all("meta", property="og:locale:alternate")
            assert len(alternates) == len(LANGUAGES) - 1
            # Every page has a share card (its record's, else the atlas's): the large Twitter card shows it whole.
            assert props["og:image"].endswith("/card.png"), path
            assert soup.find("meta", attrs={"name": "twitter:card"})["content"] == "summary_large_image"


@pytest.mark.parametrize(
    ("parts", "kind"),
    [
        (("centres", "abbaye-d-exemple"), "Place"),
        (("programmes", "programme-fictif"), "Grant"),
        (("events", "rencontres-exemple-2023"), "Event"),
        (("events", "seminaire-sans-annee"), "Event"),
        (("data",), "Dataset"),
    ],
)
def test_jsonld(sample, parts, kind):
    for lang in LANGUAGES:
        scripts = sample.html(lang, *parts).find_all("script", type="application/ld+json")
        assert len(scripts) == 1
        data = json.loads(scripts[0].string)
        assert data["@context"] == "https://schema.org" and data["@type"] == kind
        assert data["url"] == f"/{lang}/{'/'.join(parts)}/"
        if parts[-1] == "seminaire-sans-annee":
            assert "startDate" not in data  # never a guessed year
        if parts[-1] == "rencontres-exemple-2023":
            assert (data["startDate"], data["endDate"]) == ("2023-06-15", "2023-06-17")


def test_data_page_documents_every_download(sample):
    for lang in LANGUAGES:
        soup = sample.html(lang, "data")
        links = {a["href"] for a in soup.select("main a[download]")}
        assert {f"/data/{name}" for name in ("places.geojson", "places.csv", "programmes.json", "events.json")} <= links
        assert soup.find("a", rel="license", href="https://creativecommons.org/licenses/by/4.0/")
        assert len(soup.select("table.fields")) == 4


# -- settings ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "named"),
    [
        ({"colour": 1}, "ATLAS_DATA['colour']"),
        ({"closing_soon_days": 0}, "ATLAS_DATA['closing_soon_days']"),
        ({"og_locales": {"fr": "fr_FR"}}, "ATLAS_DATA['og_locales']"),
        ({"licence_url": "creativecommons.org"}, "ATLAS_DATA['licence_url']"),
        ({"download_dir": "../up"}, "ATLAS_DATA['download_dir']"),
    ],
)
def test_settings_errors_name_the_setting(given, named):
    with pytest.raises(DataSettingsError, match=named.replace("[", r"\[").replace("]", r"\]")):
        data_settings({"ATLAS_DATA": given})


def test_settings_defaults():
    config = data_settings({})
    assert config["licence_name"] == "CC BY 4.0" and config["closing_soon_days"] == 30
