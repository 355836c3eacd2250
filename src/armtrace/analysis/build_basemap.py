"""Build data/world-110m.json, the country outlines the printable report draws its flow map on.

Input: countries-110m.json from the world-atlas npm package (TopoJSON of Natural Earth 1:110m cultural
boundaries, public domain; https://www.naturalearthdata.com, https://github.com/topojson/world-atlas):

    cd /tmp && npm pack world-atlas@2 && tar xzf world-atlas-2.*.tgz
    python -m armtrace.analysis.build_basemap /tmp/package/countries-110m.json

Output: SVG path strings in the Equal Earth projection (Šavrič, Patterson & Jenny 2018), keyed by ISO2.
world-atlas names countries by ISO 3166-1 numeric id; pycountry (the `reference` extra) maps them.
Projecting here, once, keeps the report free of any map library: `project()` is all it needs at run time.
"""

from __future__ import annotations

import json
import math
import sys
from datetime import date
from pathlib import Path

OUT = Path(__file__).with_name("data") / "world-110m.json"
WIDTH = 1000.0  # SVG user units across the whole world
# Equal Earth polynomial coefficients
A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
_M = math.sqrt(3) / 2
_X_MAX = 2 * math.sqrt(3) * math.pi / (3 * A1)  # x at longitude 180, latitude 0
SCALE = WIDTH / 2 / _X_MAX
# The map stops at 60° S: Antarctica carries no arms flows and would take a fifth of the page.
SOUTH = -60.0
# Features world-atlas gives without a numeric id (not ISO members); drawn with the state they are
# usually shown under in UN maps, or their own user-assigned code.
UNNUMBERED = {"N. Cyprus": "CY", "Somaliland": "SO", "Kosovo": "XK"}


def _raw(lon: float, lat: float) -> tuple[float, float]:
    lam, phi = math.radians(lon), math.radians(lat)
    theta = math.asin(_M * math.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = lam * math.cos(theta) / (_M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)))
    y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))
    return x, y


_TOP = _raw(0, 90)[1]
HEIGHT = round((_TOP - _raw(0, SOUTH)[1]) * SCALE, 1)


def project(lon: float, lat: float) -> tuple[float, float]:
    """(lon, lat) in degrees to SVG (x, y): origin top left, y down, 0…WIDTH × 0…HEIGHT."""
    x, y = _raw(lon, max(lat, SOUTH))
    return (x + _X_MAX) * SCALE, (_TOP - y) * SCALE


def _arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Decode the delta-encoded, quantized arcs into (lon, lat) points."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    decoded = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        decoded.append(points)
    return decoded


def _ring(indexes: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]  # ~i: arc i walked backwards
        points.extend(arc[1:] if points else arc)  # consecutive arcs share their end point
    return points


def _unwrap(ring: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Rings that touch the antimeridian (Russia, Fiji) carry points on both ±180: pull the few on the
    far side onto the near edge, or the projected ring would streak across the whole map."""
    lons = [lon for lon, _ in ring]
    if max(lons) - min(lons) <= 180:
        return ring
    east = sum(lon > 0 for lon in lons) >= len(lons) / 2
    edge = 180.0 if east else -180.0
    return [(edge if (lon < 0) == east else lon, lat) for lon, lat in ring]


def _path(ring: list[tuple[float, float]]) -> str:
    """'Mx yx y…Z' with one decimal; points that round onto the previous one are dropped."""
    out: list[str] = []
    last = None
    for lon, lat in _unwrap(ring):
        x, y = project(lon, lat)
        point = f"{x:.1f} {y:.1f}"
        if point != last:
            out.append(point)
            last = point
    return "M" + " ".join(out) + "Z" if len(out) > 2 else ""


def _polygons(geometry: dict) -> list[list[list[int]]]:
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["arcs"]
    return []


def _iso2(geometry: dict) -> str | None:
    import pycountry  # only needed to build; the optional `reference` extra

    name = geometry.get("properties", {}).get("name")
    if "id" not in geometry:
        return UNNUMBERED.get(name)
    country = pycountry.countries.get(numeric=geometry["id"])
    return country.alpha_2 if country else None


def build(topojson: Path) -> dict:
    topology = json.loads(topojson.read_text(encoding="utf-8"))
    arcs = _arcs(topology)
    paths: dict[str, list[str]] = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        iso2 = _iso2(geometry)
        if iso2 is None or iso2 == "AQ":
            continue
        for polygon in _polygons(geometry):
            d = "".join(_path(_ring(ring, arcs)) for ring in polygon)
            if d:
                paths.setdefault(iso2, []).append(d)
    return {
        "source": "Natural Earth 1:110m admin 0 countries (public domain), via world-atlas 2 "
        "countries-110m.json (ISC); built by armtrace.analysis.build_basemap on "
        + date.today().isoformat(),
        "projection": "Equal Earth",
        "width": WIDTH,
        "height": HEIGHT,
        "countries": {k: "".join(v) for k, v in sorted(paths.items())},
    }


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    data = build(Path(argv[0]))
    OUT.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{len(data['countries'])} countries written to {OUT} ({OUT.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
