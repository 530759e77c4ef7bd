"""Editors' tools: `invoke check`, new records from templates, schema comments, `invoke geocode`."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from atlas_publish.geocode import geocode_records, make_geocoder
from atlas_publish.scaffold import ScaffoldError, new_record, schema_comment
from atlas_records.schemas import RECORD_TYPES

import tasks

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_SITE = ROOT / "tests" / "sample-site"
LANGUAGES = ["fr", "en", "ar", "zh"]


@pytest.fixture
def atlas(tmp_path) -> Path:
    root = tmp_path / "atlas"
    shutil.copytree(SAMPLE_SITE, root)
    return root


def check(root: Path) -> tuple[int, str]:
    stream = io.StringIO()
    errors = tasks.run_check(root, stream=stream)
    return errors, stream.getvalue()


# -- invoke check ---------------------------------------------------------------------------------------
def test_check_is_fast_on_the_shipped_content():
    start = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "invoke", "check"], cwd=ROOT, capture_output=True, text=True)
    elapsed = time.monotonic() - start
    assert result.returncode == 0, result.stdout + result.stderr
    assert elapsed < 5, f"`invoke check` took {elapsed:.1f} s"
    assert re.search(r"Checked \d+ records: 0 error\(s\)", result.stdout)


def test_check_with_a_wrong_setting_names_it_without_a_traceback(monkeypatch, capsys):
    settings = tasks._settings("pelicanconf.py")
    monkeypatch.setattr(tasks, "_settings", lambda name: {**settings, "ATLAS": {"languages": "fr"}})
    with pytest.raises(SystemExit) as stopped:
        tasks.check.body(None)
    assert stopped.value.code == 2
    assert "pelicanconf: ATLAS['languages']" in capsys.readouterr().err


def test_check_prints_path_line_field_message_and_github_annotations(atlas, monkeypatch):
    record = atlas / "centres" / "abbaye-d-exemple" / "index.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace("country: FR", "country: FRA"), encoding="utf-8")
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    errors, plain = check(atlas)
    assert errors == 1
    assert "centres/abbaye-d-exemple/index.yaml:3: country: " in plain
    assert "::error" not in plain
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    _, annotated = check(atlas)
    assert "::error file=centres/abbaye-d-exemple/index.yaml,line=3::country: " in annotated
    assert "::warning file=centres/prieure-imaginaire" in annotated  # warnings are annotated too


# -- schema comments -------------------------------------------------------------------------------------
def test_every_shipped_record_points_at_its_schema():
    missing = []
    for record_type, (folder, schema_file) in RECORD_TYPES.items():
        for facts in sorted((ROOT / folder).glob("*/index.yaml")):
            first = facts.read_text(encoding="utf-8").splitlines()[0]
            expected = schema_comment(record_type)
            if first != expected:
                missing.append(f"{facts.relative_to(ROOT)}: first line should be {expected!r}")
            target = (facts.parent / expected.split("$schema=", 1)[1]).resolve()
            assert target == (ROOT / "plugins" / "atlas_records" / "schemas" / schema_file).resolve()
    assert not missing, "\n".join(missing)


# -- new records -----------------------------------------------------------------------------------------
FILL = {
    "kind": {"centre": "ccr", "event": "rencontres"},
    "country": "FR",
    "region": "Région d'Exemple",
    "department": "Exemple (99)",
    "town": "Exempleville",
    "address": "1 place de l'Abbaye, Exempleville",
    "lat": "46.5",
    "lon": "2.5",
    "precision": "town",
    "basis": "memory",
    "source": "https://example.org/source",
    "building": "abbey",
    "type": "monument-historique",
    "year": "1990",
    "disciplines": "music",
    "since": "2001",
    "until": "2010",
    "status_confirmed": "true",
    "founding_member": "false",
    "website": "https://example.org/",
    "programmes": "programme-fictif",
    "aliases": "ancien-nom-du-nouveau",
    "sources": "https://example.org/sources",
    "last_verified": "2024-01-31",
    "countries": "MA",
    "min_months": "1",
    "max_months": "3",
    "amount": "1000",
    "currency": "EUR",
    "per": "month",
    "opens": "2024-01-01",
    "deadline": "2024-03-01",
    "for_year": "2025",
    "joint_with": "",
    "measure": "residencies",
    "value": "12",
    "qualifier": "exact",
    "start": "2024-05-01",
    "end": "2024-05-02",
    "possible_years": None,
    "places": "abbaye-d-exemple",
    "name": "Nouveau",
    "summary": "Une ligne.",
    "place": "Ailleurs",
    "eligibility": "Tous les artistes.",
    "funders": "Une fondation",
}


# Optional blocks an editor deletes when there is nothing to say (a photo needs its file in the bundle).
DELETE_BLOCKS = {"photos"}


def fill(path: Path, record_type: str) -> None:
    """Replace every TODO as an editor would (deleting possible_years, which only goes with --MM-DD dates)."""
    lines, skip_deeper_than = [], None
    for line in path.read_text(encoding="utf-8").splitlines():
        indent = len(line) - len(line.lstrip())
        if skip_deeper_than is not None:
            if line.strip() and indent > skip_deeper_than:
                continue
            skip_deeper_than = None
        match = re.match(r"^\s*(?:- )?([a-z_]+):", line)
        if match and match.group(1) in DELETE_BLOCKS and not line.lstrip().startswith("#"):
            skip_deeper_than = indent
        elif line.lstrip().startswith("#") or "TODO" not in line:
            lines.append(line)
        elif match:
            value = FILL[match.group(1)]
            value = value[record_type] if isinstance(value, dict) else value
            if value is not None:
                lines.append(line.replace("TODO", value))
        else:
            lines.append("Une description tirée des sources.")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize("record_type", ["centre", "programme", "event"])
def test_a_new_record_fails_check_until_its_placeholders_are_filled(atlas, record_type):
    written = new_record(record_type, "nouveau-venu", atlas, LANGUAGES)
    folder = atlas / RECORD_TYPES[record_type][0] / "nouveau-venu"
    assert sorted(p.name for p in written) == sorted(["index.yaml"] + [f"index.{lang}.md" for lang in LANGUAGES])
    facts = (folder / "index.yaml").read_text(encoding="utf-8")
    assert facts.splitlines()[0] == schema_comment(record_type)
    errors, printed = check(atlas)
    assert errors > 0
    rel = f"{RECORD_TYPES[record_type][0]}/nouveau-venu/index.yaml"
    kind_line = next(i for i, line in enumerate(facts.splitlines(), 1) if re.match(r"^(kind|since):", line))
    assert re.search(rf"^{rel}:{kind_line}: (kind|since): placeholder TODO of a new record", printed, re.M), printed
    assert f"{RECORD_TYPES[record_type][0]}/nouveau-venu/index.fr.md:" in printed
    assert "is not one of" not in printed, "one clear message per placeholder, not the schema's as well"
    for path in written:
        fill(path, record_type)
    errors, printed = check(atlas)
    assert errors == 0, printed
    assert tasks.build_site(output=atlas.parent / "site", root=atlas) == 0
    path = RECORD_TYPES[record_type][0].split("/")[-1]
    assert (atlas.parent / "site" / "fr" / path / "nouveau-venu" / "index.html").is_file()


def test_a_new_record_never_overwrites(atlas):
    before = (atlas / "centres" / "abbaye-d-exemple" / "index.yaml").read_text(encoding="utf-8")
    with pytest.raises(ScaffoldError, match="already exists"):
        new_record("centre", "abbaye-d-exemple", atlas, LANGUAGES)
    assert (atlas / "centres" / "abbaye-d-exemple" / "index.yaml").read_text(encoding="utf-8") == before
    with pytest.raises(ScaffoldError, match="alias"):
        new_record("centre", "old-slug", atlas, LANGUAGES)
    with pytest.raises(ScaffoldError, match="not a slug.*did you mean 'nouveau-lieu'"):
        new_record("centre", "Nouveau Lieu", atlas, LANGUAGES)
    assert not (atlas / "centres" / "old-slug").exists()


def save_in_latin_1(path: Path) -> bytes:
    """Rewrite a record's facts as a Windows editor might: Latin-1, with an accented comment."""
    text = path.read_text(encoding="utf-8") + "# Vérifié à la main\n"
    path.write_bytes(text.encode("latin-1"))
    return path.read_bytes()


def test_a_new_record_is_written_beside_a_record_saved_in_latin_1(atlas):
    """new-centre reads the other records (for their old slugs): one not in UTF-8 is left to `invoke check`."""
    save_in_latin_1(atlas / "centres" / "saline-fictive" / "index.yaml")
    written = new_record("centre", "nouveau-venu", atlas, LANGUAGES)
    assert (atlas / "centres" / "nouveau-venu" / "index.yaml") in written
    with pytest.raises(ScaffoldError, match="alias"):
        new_record("centre", "old-slug", atlas, LANGUAGES)  # the UTF-8 records are still read


def test_invoke_new_centre_refuses_an_existing_centre():
    existing = sorted(p.name for p in (ROOT / "centres").iterdir() if p.is_dir())[0]
    before = {p.name: p.read_bytes() for p in (ROOT / "centres" / existing).iterdir()}
    result = subprocess.run(
        [sys.executable, "-m", "invoke", "new-centre", existing], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode != 0 and "already exists" in result.stderr
    assert {p.name: p.read_bytes() for p in (ROOT / "centres" / existing).iterdir()} == before


# -- invoke geocode --------------------------------------------------------------------------------------
ANSWERS = {
    "1 place de l'Abbaye, Exempleville": [
        {
            "place_id": 1,
            "osm_type": "node",
            "osm_id": 1,
            "lat": "47.1234567",
            "lon": "2.5678912",
            "class": "amenity",
            "type": "arts_centre",
            "addresstype": "amenity",
            "display_name": "Abbaye d'Exemple, 1 place de l'Abbaye, Exempleville, France",
            "boundingbox": ["47.12", "47.13", "2.56", "2.57"],
            "importance": 0.5,
        }
    ],
    "Nullepart-sur-Meuse": [
        {
            "place_id": 2,
            "osm_type": "relation",
            "osm_id": 2,
            "lat": "50.4567891",
            "lon": "5.1234567",
            "class": "boundary",
            "type": "administrative",
            "addresstype": "village",
            "display_name": "Nullepart-sur-Meuse, Belgique",
            "boundingbox": ["50.4", "50.5", "5.1", "5.2"],
        }
    ],
    "Région d'Exemple": [
        {
            "place_id": 3,
            "osm_type": "relation",
            "osm_id": 3,
            "lat": "47",
            "lon": "2",
            "class": "boundary",
            "type": "administrative",
            "addresstype": "state",
            "display_name": "Région d'Exemple, France",
        }
    ],
}


class FakeNominatim(BaseHTTPRequestHandler):
    """Answers /search like Nominatim (format=json); 'Broken' gets a server error."""

    requests: list = []

    def do_GET(self):
        query = parse_qs(urlsplit(self.path).query)
        FakeNominatim.requests.append((time.monotonic(), self.headers.get("User-Agent"), query))
        q = query.get("q", [""])[0]
        if q == "Broken":
            self.send_response(500)
            self.end_headers()
            return
        body = json.dumps(ANSWERS.get(q, [])).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def nominatim():
    FakeNominatim.requests = []
    server = tasks.LocalServer(("127.0.0.1", 0), FakeNominatim)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _strip_coordinates(path: Path, address: str) -> str:
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"^coordinates:\n(  .*\n)+", "", text, flags=re.M)
    text = text.replace("\nheritage:", f"\naddress: {address}  # from the centre's own contact page\nheritage:", 1)
    path.write_text(text, encoding="utf-8")
    return text


def test_geocode_fills_coordinates_into_the_text_and_caches_the_answers(atlas, nominatim):
    abbey = atlas / "centres" / "abbaye-d-exemple" / "index.yaml"
    chateau = atlas / "centres" / "chateau-de-nullepart" / "index.yaml"
    before = _strip_coordinates(abbey, "1 place de l'Abbaye, Exempleville")
    _strip_coordinates(chateau, "Nullepart-sur-Meuse")
    cache = atlas / "geocode-cache.json"
    geocode = make_geocoder(nominatim, "http", user_agent="accr-atlas-tests/1.0 (test suite)")
    outcomes = geocode_records(atlas, geocode, cache, today=dt.date(2024, 5, 1))

    assert [o.status for o in outcomes] == ["geocoded", "geocoded"], outcomes
    assert len(FakeNominatim.requests) == 2
    (first, agent, query), (second, _, _) = FakeNominatim.requests
    assert agent == "accr-atlas-tests/1.0 (test suite)"
    assert query["countrycodes"] == ["fr"]
    assert second - first >= 0.95, "at most one request per second"
    text = abbey.read_text(encoding="utf-8")
    assert text == before.replace(
        "# from the centre's own contact page\n",
        "# from the centre's own contact page\n"
        "# Geocoded by `invoke geocode` from the address on 2024-05-01 (OpenStreetMap Nominatim).\n"
        "coordinates:\n  lat: 47.12346\n  lon: 2.56789\n  precision: site\n  basis: geocoded\n",
    )
    assert "precision: town" in chateau.read_text(encoding="utf-8")
    assert check(atlas)[0] == 0, check(atlas)[1]
    saved = json.loads(cache.read_text(encoding="utf-8"))
    assert saved["FR|1 place de l'Abbaye, Exempleville"]["precision"] == "site"

    # The cache answers the next time: no request at all.
    abbey.write_text(before, encoding="utf-8")
    outcomes = geocode_records(atlas, geocode, cache, today=dt.date(2024, 5, 1))
    assert [o.status for o in outcomes] == ["geocoded"] and len(FakeNominatim.requests) == 2


def test_geocode_reports_failures_and_leaves_those_records_alone(atlas, nominatim):
    files = {}
    for slug, address in (
        ("abbaye-d-exemple", "Nowhere at all"),
        ("chateau-de-nullepart", "Broken"),
        ("saline-fictive", "Région d'Exemple"),
    ):
        path = atlas / "centres" / slug / "index.yaml"
        files[path] = _strip_coordinates(path, address)
    geocode = make_geocoder(nominatim, "http", min_delay_seconds=0.0, max_retries=0, error_wait_seconds=0.0)
    outcomes = {o.path.split("/")[1]: o for o in geocode_records(atlas, geocode, atlas / "cache.json")}
    assert {o.status for o in outcomes.values()} == {"failed"}
    assert "no match" in outcomes["abbaye-d-exemple"].message
    assert "GeocoderServiceError" in outcomes["chateau-de-nullepart"].message
    assert "too vague" in outcomes["saline-fictive"].message
    for path, text in files.items():
        assert path.read_text(encoding="utf-8") == text


def test_geocode_leaves_a_record_saved_in_latin_1_to_the_check(atlas, nominatim):
    """A record whose file is not UTF-8 is not rewritten (it would be damaged); the others are geocoded."""
    abbey = atlas / "centres" / "abbaye-d-exemple" / "index.yaml"
    chateau = atlas / "centres" / "chateau-de-nullepart" / "index.yaml"
    _strip_coordinates(abbey, "1 place de l'Abbaye, Exempleville")
    _strip_coordinates(chateau, "Nullepart-sur-Meuse")
    before = save_in_latin_1(chateau)
    geocode = make_geocoder(nominatim, "http", min_delay_seconds=0.0)
    outcomes = geocode_records(atlas, geocode, atlas / "cache.json", today=dt.date(2024, 5, 1))
    assert [(o.path, o.status) for o in outcomes] == [("centres/abbaye-d-exemple/index.yaml", "geocoded")]
    assert chateau.read_bytes() == before
    errors, printed = check(atlas)
    assert errors == 1 and "centres/chateau-de-nullepart/index.yaml:" in printed and "is not UTF-8" in printed
