"""The map page: flows between countries and incidents as dots, drawn as inline SVG on the shipped
Natural Earth outlines (analysis/data/world-110m.json), with a GET form of filters.

Nothing is fetched from elsewhere: no tiles, no fonts, no script. The page is rendered on the server
and escaped by Jinja2's autoescape like every other page, under the same Content-Security-Policy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from html import escape

from fastapi import APIRouter, Request
from fastapi.responses import Response
from markupsafe import Markup
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from armtrace.analysis.build_basemap import project
from armtrace.analysis.flows import country_flows
from armtrace.analysis.render import country_point
from armtrace.analysis.report import COLOURS, _view, basemap, flow_map
from armtrace.store.models import Incident, IncidentVia
from armtrace.vocabulary import GRADES, INCIDENT_TYPES, WEAPON_CATEGORIES
from armtrace.web.cache import data_version, result_cache
from armtrace.web.deps import DB
from armtrace.web.models import User
from armtrace.web.pages import _env, render, signed_in
from armtrace.web.period import Bounds, period_view, slider_year, year_bounds
from armtrace.web.visibility import VisibleFlowFilter, sees_restricted

router = APIRouter(include_in_schema=False)
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
COUNTRY = re.compile(r"^[A-Za-z]{2}$")
MAX_DOTS = 500  # incidents drawn (and listed) at most; the page says how many matched
MAX_ARCS = 200


@dataclass(frozen=True)
class MapFilter(VisibleFlowFilter):
    """The flow filter, with `country` also matching where an incident happened (a seizure in EG of
    weapons from LY is drawn LY → EG, so filtering on EG must find it)."""

    def apply(self, query: Select) -> Select:
        c = self.country
        query = VisibleFlowFilter.apply(
            VisibleFlowFilter(**{**self.__dict__, "country": None}), query
        )
        if not c:
            return query
        via = select(IncidentVia.incident_id).where(IncidentVia.country == c)
        return query.where(
            or_(
                Incident.origin == c,
                Incident.destination == c,
                Incident.country == c,
                Incident.id.in_(via),
            )
        )


def _pick(value: str | None, allowed: tuple[str, ...]) -> str | None:
    return value if value in allowed else None


def _match(value: str | None, pattern: re.Pattern[str]) -> str | None:
    return value if value and pattern.match(value) else None


def map_filters(q: dict[str, str], bounds: Bounds = None) -> dict[str, str | None]:
    """The form's values, each kept only when valid (a bad value is dropped, never an error).
    `since`/`until` (a link's exact dates) win over the period slider's years (`from`/`to`)."""
    actor = (q.get("actor") or "").strip()[:255] or None
    country = _match(q.get("country"), COUNTRY)
    low, high = bounds or (0, 0)
    return {
        "since": _match(q.get("since"), DATE) or slider_year(q.get("from"), bounds, low),
        "until": _match(q.get("until"), DATE) or slider_year(q.get("to"), bounds, high),
        "type": _pick(q.get("type"), INCIDENT_TYPES),
        "category": _pick(q.get("category"), WEAPON_CATEGORIES),
        "grade": _pick(q.get("grade"), GRADES),
        "actor": actor if actor and "\x00" not in actor else None,
        "country": country.upper() if country else None,
    }


def _dot(incident: Incident) -> tuple[float, float] | None:
    if incident.lat is not None and incident.lon is not None:
        return project(incident.lon, incident.lat)
    for iso2 in (incident.country, incident.destination, incident.origin):
        point = country_point(iso2) if iso2 else None
        if point:
            return project(*point)
    return None


@lru_cache(maxsize=1)
def basemap_svg() -> bytes:
    """Every country outline in land colour: one file the browser fetches once and keeps, so a map
    page carries only the countries its flows colour (the outlines are ~250 KB of the page)."""
    world = basemap()
    paths = "".join(
        f'<path d="{escape(d)}" data-iso2="{escape(iso2)}"/>'
        for iso2, d in world["countries"].items()
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {world["width"]} {world["height"]}" '
        f'width="{world["width"]}" height="{world["height"]}">'
        f'<g fill="{COLOURS["land"]}" stroke="#fff" stroke-width=".4">{paths}</g></svg>'
    ).encode()


@router.get("/map/basemap.svg")
def basemap_file() -> Response:
    """The shipped Natural Earth outlines (public data: no login needed), cached by the browser."""
    headers = {
        "Cache-Control": "public, max-age=86400",
        "Content-Security-Policy": "default-src 'none'",
        "X-Content-Type-Options": "nosniff",
    }
    return Response(basemap_svg(), media_type="image/svg+xml", headers=headers)


@router.get("/map")
def map_page(request: Request, session: DB) -> Response:
    user, row = signed_in(request, session)
    cache, version, visible = result_cache(request), data_version(session), sees_restricted(user)
    everything = MapFilter(hide_restricted=not visible)
    bounds = cache.get(years_key(version, visible), lambda: year_bounds(session, everything))
    filters = map_filters(dict(request.query_params), bounds)
    key = map_key(version, visible, filters)
    body = cache.get(key, lambda: map_body(session, user, filters, bounds))
    return render("map.html", user=user, csrf=row.csrf, body=body)


def years_key(version: tuple, visible: bool) -> tuple:
    return ("/map:years", version, visible)


def map_key(version: tuple, visible: bool, filters: dict[str, str | None]) -> tuple:
    # keyed on the valid filters only: a dropped bad value shares the entry of the map without it
    return ("/map", version, visible, tuple(sorted(filters.items())))


def map_body(
    session: Session, user: User, filters: dict[str, str | None], bounds: Bounds
) -> Markup:
    """The page's content under the navigation: the same for every user of one visibility."""
    flt = MapFilter(
        since=filters["since"],
        until=filters["until"],
        category=filters["category"],
        grade_at_least=filters["grade"],
        country=filters["country"],
        actor=filters["actor"],
        types=(filters["type"],) if filters["type"] else (),
        hide_restricted=not sees_restricted(user),
    )
    flows = country_flows(session, flt)
    drawn = flow_map(flows[:MAX_ARCS], {})
    # newest first, undated last on both backends (PostgreSQL would put NULL first in DESC)
    newest = (Incident.date.is_(None), Incident.date.desc(), Incident.id)
    query = flt.apply(select(Incident)).order_by(*newest)
    incidents = list(session.scalars(query.limit(MAX_DOTS)))
    dots = _dots(incidents)
    if dots and not drawn["arcs"]:  # no flows drawn: frame the incidents instead of the world
        drawn["view"] = _view([(d["x"], d["y"]) for d in dots])
    html = _env.get_template("map_body.html").render(
        filters=filters,
        period=period_view(session, flt, filters, bounds),
        types=INCIDENT_TYPES,
        categories=WEAPON_CATEGORIES,
        grades=GRADES,
        map=drawn,
        flows=[
            {"path": " → ".join(f.path), "incidents": f.incident_count, "items": f.items}
            for f in flows[:MAX_ARCS]
        ],
        dots=dots,
        incidents=incidents,
        shown=len(incidents),
        capped=len(incidents) == MAX_DOTS,
    )
    return Markup(html)  # rendered with autoescape: safe to insert as it is


def _dots(incidents: list[Incident]) -> list[dict]:
    dots = []
    for incident in incidents:
        xy = _dot(incident)
        if xy is not None:
            dots.append(
                {
                    "id": incident.id,
                    "x": round(xy[0], 1),
                    "y": round(xy[1], 1),
                    "label": f"{incident.date or '?'} {incident.type} {incident.place or ''}",
                }
            )
    return dots
