"""`invoke geocode`: fill the missing coordinates of records that give an `address`, with Nominatim.

Only this command ever geocodes (the build never does). Each answer is kept in a committed cache
(geocode-cache.json), so an address is asked once; the coordinates are written into the record's
index.yaml as text, so the rest of the file and its comments stay as the editor wrote them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

from atlas_records.records import read_editor_file
from atlas_records.strict_yaml import load

USER_AGENT = "accr-atlas-geocoder/1.0 (atlas of the Centres culturels de rencontre; `invoke geocode`)"
CACHE_NAME = "geocode-cache.json"

# Nominatim's addresstype (or type) -> the atlas' precision. Anything coarser than a city is refused.
_PRECISION = {
    **dict.fromkeys(["city"], "city"),
    **dict.fromkeys(
        [
            "town",
            "village",
            "hamlet",
            "suburb",
            "quarter",
            "neighbourhood",
            "municipality",
            "borough",
            "city_district",
            "isolated_dwelling",
            "locality",
            "farm",
            "road",
            "square",
            "postcode",
        ],
        "town",
    ),
    **dict.fromkeys(["country"], "country"),
}
_TOO_VAGUE = {"state", "region", "province", "county", "state_district", "district", "continent", "archipelago"}
_DECIMALS = {"site": 5, "town": 4, "city": 3, "country": 2}


class GeocodeError(Exception):
    """An address could not be geocoded; the message says which and why."""


@dataclass
class Outcome:
    path: str
    address: str
    status: str  # "geocoded", "failed"
    message: str = ""


def precision_of(raw: dict) -> str:
    kind = raw.get("addresstype") or raw.get("type") or ""
    if kind in _TOO_VAGUE:
        raise GeocodeError(f"the best match is a whole {kind}, too vague for the atlas")
    return _PRECISION.get(kind, "site")


def make_geocoder(
    domain: str = "nominatim.openstreetmap.org",
    scheme: str = "https",
    user_agent: str = USER_AGENT,
    # Nominatim allows one request per second at most; the margin absorbs network jitter, which can bring
    # two requests closer together on arrival than they were when sent.
    min_delay_seconds: float = 1.2,
    max_retries: int = 2,
    error_wait_seconds: float = 5.0,
    timeout: float = 10,
):
    """Nominatim's geocode(), at most one request per min_delay_seconds; errors are raised, never swallowed."""
    from geopy.extra.rate_limiter import RateLimiter
    from geopy.geocoders import Nominatim

    client = Nominatim(user_agent=user_agent, domain=domain, scheme=scheme, timeout=timeout)
    return RateLimiter(
        client.geocode,
        min_delay_seconds=min_delay_seconds,
        max_retries=max_retries,
        error_wait_seconds=error_wait_seconds,
        swallow_exceptions=False,
    )


def load_cache(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def save_cache(path: Path, cache: dict) -> None:
    path.write_text(json.dumps(cache, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def cache_key(address: str, country: str | None) -> str:
    return f"{country or ''}|{' '.join(address.split())}"


def lookup(geocode, address: str, country: str | None) -> dict:
    """Ask the geocoder once; the answer as a cache entry (lat, lon, precision, what matched)."""
    kwargs = {"exactly_one": True}
    if country:
        kwargs["country_codes"] = country.lower()
    location = geocode(address, **kwargs)
    if location is None:
        raise GeocodeError("no match for this address")
    raw = location.raw or {}
    precision = precision_of(raw)
    return {
        "lat": float(location.latitude),
        "lon": float(location.longitude),
        "precision": precision,
        "type": raw.get("addresstype") or raw.get("type") or "",
        "display_name": raw.get("display_name", ""),
    }


def coordinates_block(entry: dict, today: dt.date) -> list[str]:
    decimals = _DECIMALS[entry["precision"]]
    return [
        f"# Geocoded by `invoke geocode` from the address on {today.isoformat()} (OpenStreetMap Nominatim).",
        "coordinates:",
        f"  lat: {entry['lat']:.{decimals}f}",
        f"  lon: {entry['lon']:.{decimals}f}",
        f"  precision: {entry['precision']}",
        "  basis: geocoded",
    ]


def insert_coordinates(text: str, block: list[str]) -> str:
    """The file's text with the coordinates block after the address field; nothing else changes."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if re.match(r"^address\s*:", line)), None)
    if start is None:
        raise GeocodeError("no top-level 'address:' line to put the coordinates after")
    end = start + 1
    # A multi-line address value continues on indented lines (or blank lines within it).
    while end < len(lines) and (lines[end].startswith((" ", "\t")) or not lines[end].strip()):
        end += 1
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    if end > 0 and not lines[end - 1].endswith("\n"):
        lines[end - 1] += "\n"
    newline = "\r\n" if lines[start].endswith("\r\n") else "\n"
    return "".join(lines[:end] + [line + newline for line in block] + lines[end:])


def records_to_geocode(root: Path) -> list[tuple[Path, str, str | None]]:
    """(index.yaml, address, country) of every record that gives an address and no coordinates."""
    found = []
    for facts in sorted(Path(root).glob("**/index.yaml")):
        if any(part.startswith(".") or part in ("node_modules", "output") for part in facts.relative_to(root).parts):
            continue
        text, _ = read_editor_file(facts, str(facts))
        if text is None:
            continue  # not UTF-8: `invoke check` says where; writing coordinates into it would damage it
        doc, _ = load(text, str(facts))
        data = doc.data if doc else None
        if isinstance(data, dict) and isinstance(data.get("address"), str) and "coordinates" not in data:
            country = data.get("country") if isinstance(data.get("country"), str) else None
            found.append((facts, data["address"], country))
    return found


def geocode_records(root: Path, geocode, cache_path: Path, today: dt.date | None = None) -> list[Outcome]:
    """Geocode every record that needs it; write the coordinates and the cache; return what happened."""
    from geopy.exc import GeopyError

    root = Path(root)
    today = today or dt.date.today()
    cache = load_cache(cache_path)
    outcomes = []
    for facts, address, country in records_to_geocode(root):
        rel = str(facts.relative_to(root))
        key = cache_key(address, country)
        try:
            entry = cache.get(key)
            if entry is None:
                entry = lookup(geocode, address, country)
                cache[key] = entry
                save_cache(cache_path, cache)  # kept even if a later address fails
            text = facts.read_text(encoding="utf-8")
            facts.write_text(insert_coordinates(text, coordinates_block(entry, today)), encoding="utf-8")
            doc, problems = load(facts.read_text(encoding="utf-8"), rel)
            if doc is None or problems:
                facts.write_text(text, encoding="utf-8")
                raise GeocodeError("writing the coordinates would break the file; it was left as it was")
            matched = f"{entry['type'] or 'match'}: {entry['display_name']}"
            outcomes.append(Outcome(rel, address, "geocoded", f"{entry['precision']} precision ({matched})"))
        except (GeocodeError, GeopyError) as error:
            outcomes.append(
                Outcome(
                    rel,
                    address,
                    "failed",
                    f"{type(error).__name__}: {error}" if isinstance(error, GeopyError) else str(error),
                )
            )
    return outcomes
