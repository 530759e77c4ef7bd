"""A small TopoJSON decoder: Natural Earth outlines (world-atlas) to compact GeoJSON, at build time."""

from __future__ import annotations

import json
from pathlib import Path

from atlas_records.country_outlines import decode_arc


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Every arc as absolute [lon, lat] points (undoing quantisation and delta encoding)."""
    return [decode_arc(topology, index) for index in range(len(topology["arcs"]))]


def simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas–Peucker, keeping both ends (so arcs shared by two countries still meet)."""
    if tolerance <= 0 or len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        dx, dy = bx - ax, by - ay
        length2 = dx * dx + dy * dy
        best, index = -1.0, None
        for i in range(first + 1, last):
            px, py = points[i]
            if length2 == 0:
                distance2 = (px - ax) ** 2 + (py - ay) ** 2
            else:
                t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length2))
                distance2 = (px - ax - t * dx) ** 2 + (py - ay - t * dy) ** 2
            if distance2 > best:
                best, index = distance2, i
        if index is not None and best > tolerance * tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


class Decoder:
    """Turns arcs references into GeoJSON coordinates, rounded and without repeated points."""

    def __init__(self, topology: dict, tolerance: float = 0.0, decimals: int = 6):
        self.decimals = decimals
        self.arcs = [self._round(simplify(arc, tolerance)) for arc in decode_arcs(topology)]

    def _round(self, points):
        out = []
        for x, y in points:
            point = [_number(x, self.decimals), _number(y, self.decimals)]
            if not out or out[-1] != point:
                out.append(point)
        return out

    def arc(self, index: int) -> list[list[float]]:
        return self.arcs[index] if index >= 0 else self.arcs[~index][::-1]

    def line(self, indexes: list[int]) -> list[list[float]]:
        points = []
        for index in indexes:
            arc = self.arc(index)
            points.extend(arc[1:] if points and arc and points[-1] == arc[0] else arc)
        return points

    def ring(self, indexes: list[int]) -> list[list[float]] | None:
        """A closed ring, or None when simplification left less than a triangle."""
        points = unwrap(self.line(indexes))
        if points and points[0] != points[-1]:
            if abs(points[-1][0] - points[0][0]) > 180:
                # A ring around a pole (Antarctica): close it along the pole, not across the map.
                pole = -90 if sum(p[1] for p in points) < 0 else 90
                points += [[points[-1][0], pole], [points[0][0], pole]]
            points.append(points[0])
        return points if len(points) >= 4 else None

    def polygon(self, rings: list[list[int]]) -> list | None:
        outer, *holes = [self.ring(r) for r in rings]
        if outer is None:
            return None
        return [outer, *(h for h in holes if h is not None)]

    def geometry(self, obj: dict) -> dict | None:
        kind = obj["type"]
        if kind == "Polygon":
            polygon = self.polygon(obj["arcs"])
            return polygon and {"type": "Polygon", "coordinates": polygon}
        if kind == "MultiPolygon":
            polygons = [p for p in (self.polygon(rings) for rings in obj["arcs"]) if p]
            return polygons and {"type": "MultiPolygon", "coordinates": polygons}
        if kind == "LineString":
            return {"type": "LineString", "coordinates": self.line(obj["arcs"])}
        if kind == "MultiLineString":
            return {"type": "MultiLineString", "coordinates": [self.line(a) for a in obj["arcs"]]}
        if kind == "Point":
            return {"type": "Point", "coordinates": self._point(obj["coordinates"], obj, None)}
        return None

    def _point(self, coordinates, obj, topology):
        return coordinates

    def feature(self, obj: dict) -> dict | None:
        geometry = self.geometry(obj)
        if not geometry:
            return None
        feature = {"type": "Feature", "properties": dict(obj.get("properties") or {}), "geometry": geometry}
        if "id" in obj:
            feature["id"] = obj["id"]
        return feature

    def features(self, collection: dict) -> list[dict]:
        """The features of one object (a GeometryCollection or a single geometry)."""
        objs = collection["geometries"] if collection["type"] == "GeometryCollection" else [collection]
        return [f for f in (self.feature(o) for o in objs) if f]

    def mesh(self, collection: dict) -> dict:
        """Arcs shared by two geometries (inner borders) as one MultiLineString, each arc drawn once."""
        seen: dict[int, int] = {}
        for obj in collection["geometries"]:
            for index in {i if i >= 0 else ~i for i in _flatten(obj.get("arcs") or [])}:
                seen[index] = seen.get(index, 0) + 1
        lines = [self.arcs[i] for i in sorted(seen) if seen[i] > 1 and len(self.arcs[i]) > 1]
        return {"type": "MultiLineString", "coordinates": lines}


def _number(value: float, decimals: int) -> float | int:
    """value rounded to decimals; a whole number is written without '.0' (the same number, fewer bytes)."""
    value = round(value, decimals) + 0.0
    return int(value) if value.is_integer() else value


def unwrap(points: list[list[float]]) -> list[list[float]]:
    """Shift longitudes by 360° where a ring crosses the antimeridian, so no edge spans the whole map."""
    out, shift = [], 0.0
    for index, (lon, lat) in enumerate(points):
        if index:
            previous = points[index - 1][0]
            if lon - previous > 180:
                shift -= 360
            elif previous - lon > 180:
                shift += 360
        out.append([_number(lon + shift, 6), lat])
    return out


def _flatten(nested):
    for item in nested:
        if isinstance(item, list):
            yield from _flatten(item)
        else:
            yield item


def ring_area(ring: list[list[float]]) -> float:
    """Area of a ring in square degrees (shoelace formula)."""
    return abs(sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:], strict=False))) / 2


def outlines_geojson(
    path: Path, tolerance: float, decimals: int, min_area: float = 0.0, min_lat: float = -90.0, borders: bool = True
) -> dict:
    """Land (filled) and borders between countries, from world-atlas countries TopoJSON."""
    topology = json.loads(Path(path).read_text(encoding="utf-8"))
    decoder = Decoder(topology, tolerance, decimals)
    objects = topology["objects"]
    features = []
    for feature in decoder.features(objects["land"] if "land" in objects else objects["countries"]):
        geometry = feature["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        polygons = [p for p in polygons if ring_area(p[0]) >= min_area and max(q[1] for q in p[0]) > min_lat]
        if polygons:
            features.append(
                {
                    "type": "Feature",
                    "properties": {"layer": "land"},
                    "geometry": {"type": "MultiPolygon", "coordinates": polygons},
                }
            )
    if borders and "countries" in objects:
        features.append(
            {"type": "Feature", "properties": {"layer": "borders"}, "geometry": decoder.mesh(objects["countries"])}
        )
    return {"type": "FeatureCollection", "features": features}
