"""Whether a place's coordinates fall in its country, by Natural Earth's outlines (world-atlas, 1:50m).

A point far outside its country is an editor's slip: latitude and longitude swapped, a sign lost, another
place's numbers. At 1:50m a coast or border is a few kilometres from the real one, and a place by the sea or on
a small island may fall just outside: only a point more than TOLERANCE_KM away is reported. The outlines are
read only when a record is checked afresh (the checks of the others are kept), only the arcs of the countries
asked about are decoded, and each country's polygons are kept in the cache folder: a rebuild after editing one
place spent 0.1 s reading the 750 KB of outlines to check it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import marshal
import math
import os
from functools import cached_property
from pathlib import Path

from babel.core import get_global

TOLERANCE_KM = 50
KM_PER_DEGREE = 111.2  # of latitude, and of longitude at the equator

Ring = list[tuple[float, float]]  # (lon, lat) points, closed


class CountryOutlines:
    """One load's outlines: polygons by ISO 3166-1 alpha-2 code, decoded when first asked for."""

    def __init__(self, path: Path, cache_dir: Path | None = None):
        self.path = Path(path)
        self._kept = Path(cache_dir) / "country-outlines" if cache_dir else None
        self._polygons: dict[str, list[list[Ring]]] = {}
        self._arcs: dict[int, list[tuple[float, float]]] = {}
        self._boxes: dict[str, list[tuple[float, float, float, float]]] = {}

    @cached_property
    def digest(self) -> bytes:
        """The outlines' bytes, for the keys of the kept checks: other outlines, other answers."""
        return hashlib.sha256(self.path.read_bytes()).digest()

    @cached_property
    def _topology(self) -> dict:
        return json.loads(self.path.read_text(encoding="utf-8"))

    @cached_property
    def _geometries(self) -> dict[str, list[dict]]:
        """TopoJSON geometries by alpha-2 code (world-atlas names countries by their numeric code)."""
        numeric = get_global("territory_aliases")  # CLDR: "250" -> ["FR"]
        geometries: dict[str, list[dict]] = {}
        for geometry in self._topology["objects"]["countries"]["geometries"]:
            codes = numeric.get(str(geometry.get("id", "")))
            if codes and len(codes) == 1:
                geometries.setdefault(codes[0], []).append(geometry)
        return geometries

    def _arc(self, index: int) -> list[tuple[float, float]]:
        """One arc's points, decoded when a country first uses it: a 1:50m world has 1,959 arcs, and decoding
        them all took 0.5 s, for the few countries of a check."""
        if index < 0:
            return self._arc(~index)[::-1]
        if index not in self._arcs:
            self._arcs[index] = decode_arc(self._topology, index)
        return self._arcs[index]

    def _ring(self, indexes: list[int]) -> Ring:
        points: Ring = []
        for index in indexes:
            arc = self._arc(index)
            points.extend(arc[1:] if points else arc)  # each arc starts where the one before ends
        return points

    def polygons(self, code: str) -> list[list[Ring]]:
        """The polygons of a country (outer ring, then holes); none for a country the outlines do not have."""
        if code not in self._polygons:
            kept = self._kept / f"{self.digest.hex()[:24]}-{code}.marshal" if self._kept else None
            found = _read_kept(kept)
            if found is None:
                found = self._decoded_polygons(code)
                _keep(kept, found)
            self._polygons[code] = found
            # Canada's 1:50m outline has thousands of points, most on islands: a box rules them out at once.
            self._boxes[code] = [_box(polygon[0]) for polygon in found]
        return self._polygons[code]

    def _decoded_polygons(self, code: str) -> list[list[Ring]]:
        found = []
        for geometry in self._geometries.get(code, []):
            if geometry["type"] == "Polygon":
                found.append([self._ring(ring) for ring in geometry["arcs"]])
            elif geometry["type"] == "MultiPolygon":
                found.extend([self._ring(ring) for ring in polygon] for polygon in geometry["arcs"])
        return found

    def has(self, code: str) -> bool:
        return bool(self.polygons(code))

    def distance_km(self, lat: float, lon: float, code: str) -> float:
        """0 when the point is in the country, else its distance in km to the country's nearest edge."""
        polygons = self.polygons(code)
        boxes = self._boxes[code]
        if any(
            west <= lon <= east and south <= lat <= north and _in_polygon(lon, lat, polygon)
            for polygon, (west, south, east, north) in zip(polygons, boxes, strict=True)
        ):
            return 0.0
        return min((_distance_to_ring_km(lon, lat, ring) for polygon in polygons for ring in polygon), default=0.0)

    def countries_at(self, lat: float, lon: float) -> list[str]:
        """The codes of the countries whose outline holds the point (decodes every country: for messages)."""
        return [code for code in sorted(self._geometries) if any(_in_polygon(lon, lat, p) for p in self.polygons(code))]


def _read_kept(path: Path | None) -> list | None:
    if path is None:
        return None
    with contextlib.suppress(OSError, EOFError, ValueError, TypeError):
        return marshal.loads(path.read_bytes())
    return None


def _keep(path: Path | None, polygons: list) -> None:
    """Write for the next loads; a cache that cannot be written only makes them slower."""
    if path is None:
        return
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.partial")
        partial.write_bytes(marshal.dumps(polygons))
        os.replace(partial, path)


def decode_arc(topology: dict, index: int) -> list[tuple[float, float]]:
    """An arc of a TopoJSON topology as absolute (lon, lat) points, undoing quantisation and delta encoding."""
    transform = topology.get("transform")
    arc = topology["arcs"][index]
    if not transform:
        return [(p[0], p[1]) for p in arc]
    (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    x = y = 0
    points = []
    for dx, dy, *_ in arc:
        x += dx
        y += dy
        points.append((x * sx + tx, y * sy + ty))
    return points


def _box(ring: Ring) -> tuple[float, float, float, float]:
    xs, ys = [x for x, _ in ring], [y for _, y in ring]
    return min(xs), min(ys), max(xs), max(ys)


def _in_ring(x: float, y: float, ring: Ring) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def _in_polygon(x: float, y: float, polygon: list[Ring]) -> bool:
    outer, *holes = polygon
    return _in_ring(x, y, outer) and not any(_in_ring(x, y, hole) for hole in holes)


def _distance_to_ring_km(lon: float, lat: float, ring: Ring) -> float:
    """Shortest distance from the point to the ring's edges, on a plane tangent at the point (fine at the
    tens of kilometres this is about)."""
    scale = math.cos(math.radians(lat))
    best = math.inf
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        ax, ay = (x1 - lon) * scale, y1 - lat
        bx, by = (x2 - lon) * scale, y2 - lat
        dx, dy = bx - ax, by - ay
        length2 = dx * dx + dy * dy
        t = 0.0 if length2 == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / length2))
        best = min(best, math.hypot(ax + t * dx, ay + t * dy))
    return best * KM_PER_DEGREE
