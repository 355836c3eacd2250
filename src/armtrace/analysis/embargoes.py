"""The shipped table of UN arms embargoes (data/embargoes.yaml) and date logic over partial dates.

Incident dates are often a year or a month. A period is compared with an embargo's span: wholly inside
is "certain", overlapping is "possible" — a 2011 delivery to Libya may predate 26 February 2011.
"""

from __future__ import annotations

import calendar
import functools
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

DATA = Path(__file__).with_name("data") / "embargoes.yaml"
SCOPES = ("country", "non_state", "listed")


@dataclass(frozen=True)
class Resolution:
    number: int
    year: int
    date: date
    role: str  # set | modify
    text: str
    cite: str

    @property
    def label(self) -> str:
        return f"{self.number} ({self.year})"


@dataclass(frozen=True)
class Listing:
    actor: str  # reference/actors.yaml id
    reference: str
    listed: date
    cite: str


@dataclass(frozen=True)
class Embargo:
    id: str
    name: str
    scope: str
    country: str | None
    start: date
    end: date | None
    resolutions: tuple[Resolution, ...]
    exemptions: tuple[dict, ...] = ()
    listed: tuple[Listing, ...] = ()
    region: str | None = None
    from_country: bool = False
    notes: str | None = None
    extra: dict = field(default_factory=dict)

    def in_force(self, on: date) -> list[Resolution]:
        """The resolutions that set or had changed the embargo by `on`."""
        return [r for r in self.resolutions if r.date <= on]

    def exemptions_on(self, on: date) -> list[dict]:
        return [e for e in self.exemptions if not e.get("since") or e["since"] <= on]


def _embargo(raw: dict) -> Embargo:
    for key in ("id", "name", "scope", "start", "resolutions"):
        if raw.get(key) in (None, ""):
            raise ValueError(f"embargoes.yaml: {raw.get('id')!r} lacks {key}")
    if raw["scope"] not in SCOPES:
        raise ValueError(f"embargoes.yaml: {raw['id']!r} has unknown scope {raw['scope']!r}")
    resolutions = tuple(
        Resolution(r["number"], r["year"], r["date"], r["role"], r["text"], r["cite"])
        for r in raw["resolutions"]
    )
    listed = tuple(
        Listing(e["actor"], str(e["reference"]), e["listed"], e["cite"])
        for e in raw.get("listed") or ()
    )
    return Embargo(
        id=raw["id"],
        name=raw["name"],
        scope=raw["scope"],
        country=raw.get("country"),
        start=raw["start"],
        end=raw.get("end"),
        resolutions=resolutions,
        exemptions=tuple(raw.get("exemptions") or ()),
        listed=listed,
        region=raw.get("region"),
        from_country=bool(raw.get("from_country")),
        notes=raw.get("notes"),
    )


@functools.cache
def load_embargoes(path: Path = DATA) -> tuple[Embargo, ...]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))["embargoes"]
    return tuple(_embargo(e) for e in raw)


def period(value: str) -> tuple[date, date]:
    """First and last day of a YYYY, YYYY-MM or YYYY-MM-DD date."""
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 1:
        return date(parts[0], 1, 1), date(parts[0], 12, 31)
    if len(parts) == 2:
        last = calendar.monthrange(parts[0], parts[1])[1]
        return date(parts[0], parts[1], 1), date(parts[0], parts[1], last)
    day = date(*parts)
    return day, day


def overlap(first: date, last: date, start: date, end: date | None) -> str | None:
    """'certain' if [first, last] lies inside [start, end), 'possible' if they overlap, else None."""
    if last < start or (end is not None and first >= end):
        return None
    inside = first >= start and (end is None or last < end)
    return "certain" if inside else "possible"
