"""`armtrace report`: one self-contained HTML file people print — a flow map on Natural Earth outlines,
charts, tables and numbered source notes — with nothing fetched from the network when it is opened.

Everything is drawn here as inline SVG from shipped data (data/world-110m.json, the gazetteer's country
points), so the file reads the same offline, in an archive, or printed to PDF years later. Every figure
links to the incidents it rests on, and every incident to the numbered sources behind it.
"""

from __future__ import annotations

import functools
import json
import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from sqlalchemy import select
from sqlalchemy.orm import Session

from armtrace.analysis.build_basemap import project
from armtrace.analysis.embargoes import load_embargoes
from armtrace.analysis.flows import (
    Aggregate,
    FlowFilter,
    actor_flows,
    country_flows,
    transit_routes,
)
from armtrace.analysis.models import ScreeningFlag
from armtrace.analysis.render import country_point
from armtrace.analysis.screening import KEY, evidence_for, hits_query
from armtrace.reference.actors import load_actors
from armtrace.reference.places import load_gazetteer
from armtrace.store.models import Incident, Source, Statement

BASEMAP = Path(__file__).with_name("data") / "world-110m.json"
TEMPLATES = Path(__file__).with_name("templates")
# Colours the map uses; the screenshot test looks for ORIGIN and DESTINATION pixels.
COLOURS = {
    "sea": "#eef4f8",
    "land": "#dcdcdc",
    "origin": "#b2182b",
    "destination": "#f4a582",
    "both": "#7f3b08",
    "flow": "#2166ac",
}
QUOTE_CHARS = 280
SHOWN_INCIDENTS_PER_ROW = 8


@functools.cache
def basemap() -> dict:
    return json.loads(BASEMAP.read_text(encoding="utf-8"))


class Footnotes:
    """Sources numbered in the order they are first cited, as notes in a printed report are."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}

    def cite(self, source_ids: list[str] | set[str]) -> list[int]:
        for sid in sorted(source_ids):
            self.numbers.setdefault(sid, len(self.numbers) + 1)
        return sorted(self.numbers[s] for s in source_ids)


@dataclass
class Report:
    title: str
    generated: str
    filters: dict[str, str]
    totals: dict[str, int]
    map: dict
    charts: list[dict]
    flows: list[dict]
    routes: list[dict]
    actors: list[dict]
    flags: list[dict]
    incidents: list[dict]
    sources: list[dict]
    colours: dict[str, str] = field(default_factory=lambda: dict(COLOURS))


# --- map --------------------------------------------------------------------------------------------


def _xy(iso2: str) -> tuple[float, float] | None:
    point = country_point(iso2)
    return project(*point) if point else None


def _curve(a: tuple[float, float], b: tuple[float, float]) -> str:
    """A quadratic arc bowed to the left of the direction of travel, so A→B and B→A stay apart."""
    (x1, y1), (x2, y2) = a, b
    dx, dy = x2 - x1, y2 - y1
    cx, cy = (x1 + x2) / 2 + dy * 0.2, (y1 + y2) / 2 - dx * 0.2
    return f"M{x1:.1f} {y1:.1f}Q{cx:.1f} {cy:.1f} {x2:.1f} {y2:.1f}"


def flow_map(flows: list[Aggregate], anchors: dict[tuple[str, ...], str]) -> dict:
    """Countries coloured by role and one arc per drawable edge, widest for the most incidents."""
    roles: dict[str, set[str]] = {}
    arcs, points = [], []
    top = max((f.incident_count for f in flows), default=1)
    for agg in flows:
        a, b = _xy(agg.path[0]), _xy(agg.path[-1])
        if a is None or b is None:
            continue  # '?' or a country the gazetteer has no point for
        points += [a, b]
        roles.setdefault(agg.path[0], set()).add("origin")
        roles.setdefault(agg.path[-1], set()).add("destination")
        arcs.append(
            {
                "d": _curve(a, b),
                "width": round(0.8 + 4.2 * math.sqrt(agg.incident_count / top), 2),
                "label": f"{' → '.join(agg.path)}: {agg.incident_count} incidents",
                "anchor": anchors.get(agg.path, ""),
            }
        )
    countries = []
    for iso2, d in basemap()["countries"].items():
        role = roles.get(iso2, set())
        kind = "both" if len(role) == 2 else next(iter(role), "land")
        countries.append({"iso2": iso2, "d": d, "fill": COLOURS[kind], "role": kind})
    return {
        "view": _view(points),
        "width": basemap()["width"],
        "height": basemap()["height"],
        "countries": countries,
        "arcs": arcs,
        "credit": basemap()["source"],
    }


def _view(points: list[tuple[float, float]]) -> str:
    """The SVG viewBox: the region the flows cover, padded, at the page's aspect; the world if none."""
    width, height = basemap()["width"], basemap()["height"]
    if not points:
        return f"0 0 {width} {height}"
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    w = max(max(xs) - min(xs), 200.0) * 1.3
    h = max(max(ys) - min(ys), w / 2.2) * 1.3
    w = min(max(w, h * 2.2), width)
    h = min(w / 2.2, height)
    x = min(max((min(xs) + max(xs)) / 2 - w / 2, 0.0), width - w)
    y = min(max((min(ys) + max(ys)) / 2 - h / 2, 0.0), height - h)
    return f"{x:.1f} {y:.1f} {w:.1f} {h:.1f}"


# --- charts -------------------------------------------------------------------------------------------


def bar_chart(title: str, counts: list[tuple[str, int]], unit: str = "incidents") -> dict:
    """Horizontal bars, as data for the template's SVG: label, value, bar length in user units."""
    top = max((n for _, n in counts), default=1) or 1
    return {
        "title": title,
        "unit": unit,
        "height": 18 * len(counts) + 6,
        "bars": [
            {"label": label, "value": n, "length": round(300 * n / top, 1), "y": 18 * i + 3}
            for i, (label, n) in enumerate(counts)
        ],
    }


def _charts(session: Session, flt: FlowFilter) -> tuple[list[dict], int]:
    types: Counter[str] = Counter()
    years: Counter[str] = Counter()
    grades: Counter[str] = Counter()
    rows = session.execute(flt.apply(select(Incident.type, Incident.date, Incident.grade)))
    for type_, date_, grade in rows:
        types[type_] += 1
        years[date_[:4] if date_ else "undated"] += 1
        grades[grade] += 1
    charts = [
        bar_chart("Incidents by type", types.most_common()),
        bar_chart("Incidents by year", sorted(years.items())),
        bar_chart("Incidents by grade of evidence", grades.most_common()),
    ]
    return charts, sum(types.values())


# --- tables -------------------------------------------------------------------------------------------


def _label(node: str) -> str:
    try:
        return load_actors().get(node).name
    except KeyError:
        pass
    gazetteer = load_gazetteer()
    if len(node) == 2 and gazetteer.is_known_country(node):
        return f"{gazetteer.country(node).name} ({node})"
    return node


def _rows(aggregates: list[Aggregate], prefix: str, notes: Footnotes) -> list[dict]:
    rows = []
    for i, agg in enumerate(aggregates, 1):
        d = agg.as_dict()
        rows.append(
            {
                "anchor": f"{prefix}-{i}",
                "path": " → ".join(_label(n) for n in agg.path),
                "incidents": d["incidents"],
                "quantity": d["items"],  # not "items": the template would see dict.items
                "unquantified": d["unquantified_mentions"],
                "categories": ", ".join(f"{k} {v}" for k, v in d["categories"].items()),
                "grades": ", ".join(f"{k} {v}" for k, v in d["grades"].items()),
                "window": f"{d['first']} – {d['last']}" if d["first"] else "undated",
                "incident_ids": d["incident_ids"],
                "notes": notes.cite(d["source_ids"]),
            }
        )
    return rows


def _flags(session: Session, flt: FlowFilter, wanted: set[str] | None) -> list[dict]:
    """Screening hits computed now (read-only), with the analyst's status where a flag is stored."""
    stored = {tuple(getattr(f, c) for c in KEY): f for f in session.scalars(select(ScreeningFlag))}
    names = {e.id: e.name for e in load_embargoes()}
    hits = [
        h for h in session.execute(hits_query(session)) if wanted is None or h.incident_id in wanted
    ]
    rows = []
    for hit in sorted(hits, key=lambda h: (h.embargo_id, h.incident_date or "", h.incident_id)):
        flag = stored.get(tuple(getattr(hit, c) for c in KEY))
        rows.append(
            {
                "incident": hit.incident_id,
                "embargo": names[hit.embargo_id],
                "basis": f"{hit.basis} {_label(hit.target)}",
                "date": hit.incident_date or "undated (≤ publication)",
                "resolutions": hit.resolutions,
                "certainty": hit.certainty,
                "grade": hit.grade,
                "status": flag.status if flag else "not yet screened",
                "reason": flag.exemption_reason if flag else None,
            }
        )
    return rows


def _incidents(session: Session, ids: list[str], notes: Footnotes) -> list[dict]:
    """The incidents the tables cite, each with its sources' note numbers and a quoted span."""
    quotes = evidence_for(session, ids)
    sources: dict[str, set[str]] = {}
    rows = session.execute(
        select(Statement.incident_id, Statement.source_id).where(Statement.incident_id.in_(ids))
    )
    for incident_id, source_id in rows:
        sources.setdefault(incident_id, set()).add(source_id)
    found = []
    for inc in session.scalars(select(Incident).where(Incident.id.in_(ids)).order_by(Incident.id)):
        spans = quotes.get(inc.id, [])
        span = next((s for s in spans if s["field"] == "evidence"), spans[0] if spans else None)
        text = " ".join(span["text"].split()) if span else ""
        found.append(
            {
                "id": inc.id,
                "type": inc.type,
                "date": inc.date or "undated",
                "grade": inc.grade,
                "where": " → ".join(x for x in (inc.origin, inc.destination) if x)
                or (inc.country or ""),
                "place": inc.place or inc.country or "",
                "quote": text[:QUOTE_CHARS] + ("…" if len(text) > QUOTE_CHARS else ""),
                "notes": notes.cite(sources.get(inc.id, {inc.source_id})),
            }
        )
    return found


def _sources(session: Session, notes: Footnotes) -> list[dict]:
    ids = list(notes.numbers)
    rows = {s.id: s for s in session.scalars(select(Source).where(Source.id.in_(ids)))}
    listed = []
    for sid, n in sorted(notes.numbers.items(), key=lambda kv: kv[1]):
        src = rows.get(sid)
        listed.append(
            {
                "n": n,
                "id": sid,
                "title": (src.title if src else None) or (src.key if src else sid),
                "publisher": src.publisher if src else None,
                "published": src.published.isoformat() if src and src.published else None,
                # only web addresses become links: a file path or other scheme stays text
                "url": src.url if src and src.url else None,
                "linkable": bool(src and src.url and src.url.startswith(("http://", "https://"))),
            }
        )
    return listed


def _filters_shown(flt: FlowFilter) -> dict[str, str]:
    shown = {
        "since": flt.since,
        "until": flt.until,
        "category": flt.category,
        "grade at least": flt.grade_at_least,
        "country": flt.country,
        "actor": flt.actor,
    }
    return {k: v for k, v in shown.items() if v}


def _filtered_ids(session: Session, flt: FlowFilter) -> set[str] | None:
    if flt == FlowFilter():
        return None  # no filter: every incident, no need to hold the ids
    return set(session.scalars(flt.apply(select(Incident.id))))


def build_report(
    session: Session, flt: FlowFilter, title: str = "Arms flows report", limit: int = 25
) -> Report:
    notes = Footnotes()
    flows = country_flows(session, flt)
    routes, chains = transit_routes(session, flt)[:limit], actor_flows(session, flt)[:limit]
    flow_rows = _rows(flows[:limit], "flow", notes)
    anchors = {agg.path: row["anchor"] for agg, row in zip(flows, flow_rows, strict=False)}
    route_rows, actor_rows = _rows(routes, "route", notes), _rows(chains, "chain", notes)
    flags = _flags(session, flt, _filtered_ids(session, flt))[: limit * 4]
    cited = {i for r in (*flow_rows, *route_rows, *actor_rows) for i in r["incident_ids"]}
    cited |= {f["incident"] for f in flags}
    charts, incident_total = _charts(session, flt)
    incidents = _incidents(session, sorted(cited), notes)
    return Report(
        title=title,
        generated=datetime.now().strftime("%Y-%m-%d %H:%M"),
        filters=_filters_shown(flt),
        totals={"incidents": incident_total, "flows": len(flows), "flags": len(flags)},
        map=flow_map(flows[: limit * 4], anchors),
        charts=charts,
        flows=flow_rows,
        routes=route_rows,
        actors=actor_rows,
        flags=flags,
        incidents=incidents,
        sources=_sources(session, notes),
    )


@functools.cache
def _environment() -> Environment:
    # autoescape: every string from a report or a database is escaped, in text and in attributes
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["shown"] = SHOWN_INCIDENTS_PER_ROW
    return env


def render_html(report: Report) -> str:
    return _environment().get_template("report.html").render(r=report)


def write_report(
    session: Session, flt: FlowFilter, path: Path, title: str = "Arms flows report", limit: int = 25
) -> Report:
    report = build_report(session, flt, title, limit)
    path.write_text(render_html(report), encoding="utf-8")
    return report
