"""Flows, transit routes and actor-to-actor chains, each figure with the incidents and sources it rests on.

Only asserted incidents count: a denied, hypothetical or historical transfer is not a flow. Rows are read
with plain column queries and aggregated while streaming, so a million incidents fit in memory as ids,
not as ORM objects.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from armtrace.store.models import Incident, IncidentActor, IncidentVia, IncidentWeapon, Statement
from armtrace.store.queries import IncidentFilter

# Roles along a supply chain, in order: weapons pass from a supplier through traffickers to a recipient.
CHAIN_ROLES = ("supplier", "trafficker", "recipient")


@dataclass(frozen=True)
class FlowFilter:
    since: str | None = None
    until: str | None = None
    category: str | None = None
    grade_at_least: str | None = None
    country: str | None = None  # origin, destination or a transit country
    actor: str | None = None  # actor id (reference/actors.yaml) or name as written, any case
    types: tuple[str, ...] = ()  # incident types; empty: all

    def apply(self, query: Select) -> Select:
        # Never include unasserted claims: a flow must rest on something a source asserts happened.
        base = IncidentFilter(
            category=self.category,
            grade_at_least=self.grade_at_least,
            since=self.since,
            until=self.until,
        )
        query = base.apply(query)
        if self.types:
            query = query.where(Incident.type.in_(self.types))
        if self.country:
            c = self.country.upper()
            via = select(IncidentVia.incident_id).where(IncidentVia.country == c)
            query = query.where(
                or_(Incident.origin == c, Incident.destination == c, Incident.id.in_(via))
            )
        if self.actor:
            a = self.actor.casefold()
            named = select(IncidentActor.incident_id).where(
                or_(func.lower(IncidentActor.name) == a, IncidentActor.actor_id == a)
            )
            query = query.where(Incident.id.in_(named))
        return query


ALL = FlowFilter()


@dataclass
class Aggregate:
    """One edge (two nodes) or one route (origin, transit countries…, destination)."""

    path: tuple[str, ...]
    incidents: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)
    items: int = 0  # sum of the quantities stated
    unquantified: int = 0  # weapon mentions with no number ("weapons", "several rockets")
    categories: Counter[str] = field(default_factory=Counter)  # mentions per category
    category_items: Counter[str] = field(default_factory=Counter)  # stated quantity per category
    grades: Counter[str] = field(default_factory=Counter)
    types: Counter[str] = field(default_factory=Counter)
    first: str | None = None
    last: str | None = None

    def add_incident(self, incident_id: str, type_: str, date: str | None, grade: str) -> None:
        if incident_id in self.incidents:
            return
        self.incidents.add(incident_id)
        self.grades[grade] += 1
        self.types[type_] += 1
        if date:
            self.first = min(self.first or date, date)
            self.last = max(self.last or date, date)

    def add_weapon(self, category: str, quantity: int | None) -> None:
        self.categories[category] += 1
        if quantity is None:
            self.unquantified += 1
        else:
            self.items += quantity
            self.category_items[category] += quantity

    def as_dict(self) -> dict:
        return {
            "path": list(self.path),
            "incidents": len(self.incidents),
            "items": self.items,
            "unquantified_mentions": self.unquantified,
            "categories": dict(self.categories.most_common()),
            "category_items": dict(self.category_items.most_common()),
            "grades": dict(self.grades.most_common()),
            "types": dict(self.types.most_common()),
            "first": self.first,
            "last": self.last,
            "incident_ids": sorted(self.incidents),
            "source_ids": sorted(self.sources),
        }


_INCIDENT_COLUMNS = (
    Incident.id,
    Incident.type,
    Incident.date,
    Incident.grade,
    Incident.origin,
    Incident.destination,
    Incident.country,
)


def _filtered_ids(flt: FlowFilter) -> Select:
    return flt.apply(select(Incident.id))


def _reached(origin: str | None, destination: str | None, country: str | None) -> str | None:
    """Where the weapons went: the stated destination, else the country where they turned up (a
    seizure in Egypt of Libyan weapons is a Libya → Egypt movement even when no destination is named)."""
    if destination:
        return destination
    return country if country and country != origin else None


def _vias(session: Session, flt: FlowFilter) -> dict[str, list[str]]:
    rows = session.execute(
        select(IncidentVia.incident_id, IncidentVia.country)
        .where(IncidentVia.incident_id.in_(_filtered_ids(flt)))
        .order_by(IncidentVia.incident_id, IncidentVia.position)
    )
    vias: dict[str, list[str]] = defaultdict(list)
    for incident_id, country in rows:
        vias[incident_id].append(country)
    return vias


def _attach_details(session: Session, flt: FlowFilter, keyed: dict[str, list[Aggregate]]) -> None:
    """Weapons and sources of each incident into the aggregates it belongs to."""
    ids = _filtered_ids(flt)
    weapons = select(
        IncidentWeapon.incident_id, IncidentWeapon.category, IncidentWeapon.quantity
    ).where(IncidentWeapon.incident_id.in_(ids))
    if flt.category:  # a category filter counts only that category's items
        weapons = weapons.where(IncidentWeapon.category == flt.category)
    for incident_id, category, quantity in session.execute(weapons):
        for agg in keyed.get(incident_id, ()):
            agg.add_weapon(category, quantity)
    sources = (
        select(Statement.incident_id, Statement.source_id)
        .where(Statement.incident_id.in_(ids))
        .distinct()
    )
    for incident_id, source_id in session.execute(sources):
        for agg in keyed.get(incident_id, ()):
            agg.sources.add(source_id)


def _aggregate(
    session: Session,
    flt: FlowFilter,
    paths_of: Callable[[tuple], Iterable[tuple[str, ...]]],
) -> list[Aggregate]:
    """Group incidents by the paths `paths_of(row)` gives for each; then weapons and sources."""
    aggregates: dict[tuple[str, ...], Aggregate] = {}
    keyed: dict[str, list[Aggregate]] = defaultdict(list)
    for row in session.execute(flt.apply(select(*_INCIDENT_COLUMNS))):
        for path in paths_of(row):
            agg = aggregates.get(path)
            if agg is None:
                agg = aggregates[path] = Aggregate(path)
            agg.add_incident(row.id, row.type, row.date, row.grade)
            keyed[row.id].append(agg)
    _attach_details(session, flt, keyed)
    return sorted(aggregates.values(), key=lambda a: (-len(a.incidents), -a.items, a.path))


def country_flows(session: Session, flt: FlowFilter = ALL) -> list[Aggregate]:
    """Origin → destination edges between countries."""

    def paths(row: tuple) -> Iterator[tuple[str, ...]]:
        target = _reached(row.origin, row.destination, row.country)
        if row.origin and target and row.origin != target:
            yield (row.origin, target)

    return _aggregate(session, flt, paths)


def transit_routes(session: Session, flt: FlowFilter = ALL) -> list[Aggregate]:
    """Whole routes origin → transit countries → destination, from incidents that name a transit."""
    vias = _vias(session, flt)

    def paths(row: tuple) -> Iterator[tuple[str, ...]]:
        through = vias.get(row.id)
        if not through:
            return
        path = [row.origin or "?", *through, _reached(row.origin, row.destination, row.country)]
        cleaned = [p or "?" for i, p in enumerate(path) if i == 0 or p != path[i - 1]]
        if len(cleaned) >= 3:
            yield tuple(cleaned)

    return _aggregate(session, flt, paths)


def _actor_chains(session: Session, flt: FlowFilter) -> dict[str, dict[str, list[str]]]:
    """incident id → role → actor keys (reference id where known, else the name as written)."""
    rows = session.execute(
        select(
            IncidentActor.incident_id,
            IncidentActor.role,
            IncidentActor.actor_id,
            IncidentActor.name,
        ).where(
            IncidentActor.incident_id.in_(_filtered_ids(flt)),
            IncidentActor.role.in_(CHAIN_ROLES),
        )
    )
    chains: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for incident_id, role, actor_id, name in rows:
        key = actor_id or name
        if key not in chains[incident_id][role]:
            chains[incident_id][role].append(key)
    return chains


def actor_flows(session: Session, flt: FlowFilter = ALL) -> list[Aggregate]:
    """Supplier → trafficker → recipient edges; supplier → recipient where no trafficker is named."""
    chains = _actor_chains(session, flt)

    def paths(row: tuple) -> Iterator[tuple[str, ...]]:
        roles = chains.get(row.id)
        if not roles:
            return
        suppliers, traffickers, recipients = (roles.get(r, []) for r in CHAIN_ROLES)
        steps = [s for s in (suppliers, traffickers, recipients) if s]
        for left, right in zip(steps, steps[1:], strict=False):
            for a in left:
                for b in right:
                    if a != b:
                        yield (a, b)

    return _aggregate(session, flt, paths)
