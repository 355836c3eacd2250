"""The map's period slider: two year sliders (from, to) over the years the data covers, and a bar per
year of the incidents matching the other filters, each bar a link to that year's map.

It works without script (the page has none and its policy forbids it): the sliders are range inputs of
the filter form, the bars are plain links. A slider left at its end means "no limit" rather than that
year, so the whole period still includes the incidents whose date is unknown.
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlencode

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from armtrace.store.models import Incident
from armtrace.web.visibility import VisibleFlowFilter

Bounds = tuple[int, int] | None
BAR_WIDTH = 12  # SVG units per year; the chart is scaled to the page


def _year_of() -> object:
    return func.substr(Incident.date, 1, 4)


def _years(rows: list[tuple[str | None, int]]) -> list[tuple[int, int]]:
    return sorted((int(y), n) for y, n in rows if y and y.isdigit())


def year_bounds(session: Session, flt: VisibleFlowFilter) -> Bounds:
    """The first and last year of the incidents `flt` lets through (no other filter applied)."""
    query: Select = flt.apply(select(func.min(Incident.date), func.max(Incident.date)))
    low, high = session.execute(query).one()
    if not (low and high and low[:4].isdigit() and high[:4].isdigit()):
        return None
    return int(low[:4]), int(high[:4])


def slider_year(value: str | None, bounds: Bounds, edge: int) -> str | None:
    """A slider's year as a `since`/`until` value; None when invalid or at its end (`edge`)."""
    if bounds is None or not value or not value.isdigit():
        return None
    year = int(value)
    if not bounds[0] <= year <= bounds[1] or year == edge:
        return None
    return str(year)


def period_view(
    session: Session, flt: VisibleFlowFilter, filters: dict[str, str | None], bounds: Bounds
) -> dict | None:
    """What the template draws: slider positions and one bar per year (the other filters applied,
    the period not, so the bars show where the chosen period sits)."""
    if bounds is None:
        return None
    whole = replace(flt, since=None, until=None)
    year = _year_of()
    rows = session.execute(whole.apply(select(year, func.count())).group_by(year)).all()
    counts = _years([(y, n) for y, n in rows])
    top = max((n for _, n in counts), default=1)
    others = {k: v for k, v in filters.items() if v and k not in ("since", "until")}
    since, until = filters["since"], filters["until"]
    low = int(since[:4]) if since else bounds[0]
    high = int(until[:4]) if until else bounds[1]
    bars = [
        {
            "year": y,
            "n": n,
            "x": (y - bounds[0]) * BAR_WIDTH,
            "h": round(40 * n / top, 1),
            "chosen": low <= y <= high,
            "href": "/map?" + urlencode({**others, "since": str(y), "until": str(y)}),
        }
        for y, n in counts
    ]
    return {
        "min": bounds[0],
        "max": bounds[1],
        "low": max(low, bounds[0]),
        "high": min(high, bounds[1]),
        "bars": bars,
        "width": (bounds[1] - bounds[0] + 1) * BAR_WIDTH,
    }
