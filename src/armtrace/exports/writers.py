"""Writers for incident records (see store.queries.incident_record)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import TextIO

from armtrace.reference.places import load_gazetteer

FORMATS = ("jsonl", "csv", "geojson")

CSV_COLUMNS = (
    "id",
    "type",
    "date",
    "date_precision",
    "location",
    "place",
    "lat",
    "lon",
    "geo_precision",
    "origin",
    "via",
    "destination",
    "categories",
    "models",
    "quantities",
    "actors",
    "grade",
    "modality",
    "sources",
)


def write_export(records: Iterable[dict], fmt: str, out: TextIO) -> int:
    writer = {"jsonl": _jsonl, "csv": _csv, "geojson": _geojson}.get(fmt)
    if writer is None:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return writer(records, out)


def _jsonl(records: Iterable[dict], out: TextIO) -> int:
    n = 0
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        n += 1
    return n


def _csv(records: Iterable[dict], out: TextIO) -> int:
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    n = 0
    for r in records:
        n += 1
        weapons = r["weapons"]
        writer.writerow(
            {
                **r,
                "via": ";".join(r["via"]),
                "categories": ";".join(w["category"] for w in weapons),
                "models": ";".join(w["model"] or "" for w in weapons),
                "quantities": ";".join(
                    "" if w["quantity"] is None else str(w["quantity"]) for w in weapons
                ),
                "actors": ";".join(f"{a['name']} ({a['role']})" for a in r["actors"]),
                "sources": ";".join(r["sources"]),
            }
        )
    return n


def _geojson(records: Iterable[dict], out: TextIO) -> int:
    """Points where the incident happened; an incident known only by country sits on the country's
    representative point, and says so in geo_precision."""
    gazetteer = load_gazetteer()
    features = []
    for r in records:
        lat, lon = r["lat"], r["lon"]
        if lat is None and r["location"] and gazetteer.is_known_country(r["location"]):
            country = gazetteer.country(r["location"])
            lat, lon = country.lat, country.lon
            r = {**r, "geo_precision": "country"}
        if lat is None or lon is None:
            continue
        props = {k: v for k, v in r.items() if k not in {"lat", "lon", "statements"}}
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": props,
            }
        )
    json.dump({"type": "FeatureCollection", "features": features}, out, ensure_ascii=False)
    out.write("\n")
    return len(features)
