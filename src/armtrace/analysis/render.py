"""Writers for flow aggregates: JSON, CSV and GeoJSON (lines between the countries' points)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import TextIO

from armtrace.analysis.flows import Aggregate
from armtrace.reference.places import load_gazetteer

FORMATS = ("table", "json", "csv", "geojson")

CSV_COLUMNS = (
    "path",
    "incidents",
    "items",
    "unquantified_mentions",
    "categories",
    "grades",
    "types",
    "first",
    "last",
    "incident_ids",
    "source_ids",
)


def _joined(counter: dict[str, int]) -> str:
    return ";".join(f"{k}:{v}" for k, v in counter.items())


def write_json(aggregates: Iterable[Aggregate], out: TextIO) -> None:
    json.dump([a.as_dict() for a in aggregates], out, ensure_ascii=False, indent=1)
    out.write("\n")


def write_csv(aggregates: Iterable[Aggregate], out: TextIO) -> None:
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for agg in aggregates:
        d = agg.as_dict()
        writer.writerow(
            {
                **d,
                "path": " > ".join(d["path"]),
                "categories": _joined(d["categories"]),
                "grades": _joined(d["grades"]),
                "types": _joined(d["types"]),
                "incident_ids": ";".join(d["incident_ids"]),
                "source_ids": ";".join(d["source_ids"]),
            }
        )


def country_point(iso2: str) -> tuple[float, float] | None:
    """(lon, lat) of a country's representative point in the gazetteer, or None if unknown."""
    gazetteer = load_gazetteer()
    if not gazetteer.is_known_country(iso2):
        return None
    place = gazetteer.country(iso2)
    if place.lat is None or place.lon is None:
        return None
    return (place.lon, place.lat)


def write_geojson(aggregates: Iterable[Aggregate], out: TextIO) -> int:
    """A LineString per edge or route through the countries' points; paths with an unknown country
    ('?' or an actor) have no geometry and are left out, as the count returned says."""
    features = []
    for agg in aggregates:
        points = [country_point(node) for node in agg.path]
        if any(p is None for p in points):
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [list(p) for p in points]},
                "properties": agg.as_dict(),
            }
        )
    json.dump({"type": "FeatureCollection", "features": features}, out, ensure_ascii=False)
    out.write("\n")
    return len(features)
