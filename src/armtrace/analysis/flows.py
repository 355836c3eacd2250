"""Flows, transit routes and actor-to-actor chains, each figure with the incidents and sources it rests on.

Only asserted incidents count: a denied, hypothetical or historical transfer is not a flow.

Built for a million incidents: country flows are grouped in SQL (counts, grade and type mix, date window,
stated quantities per category), routes and actor chains read only the incidents that have a transit or
a chain, as plain tuples on the Core connection. The incident and source ids behind each figure are
read on demand — the first time any aggregate of a result is asked for them (JSON, CSV, a report's
citations), one streaming query fills them for the whole result.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import Session

from armtrace.store.models import Incident, IncidentActor, IncidentVia, IncidentWeapon, Statement
from armtrace.store.queries import IncidentFilter

# Roles along a supply chain, in order: weapons pass from a supplier through traffickers to a recipient.
CHAIN_ROLES = ("supplier", "trafficker", "recipient")

# The columns an incident brings to a flow (and to the ATT evidence built from flows).
INCIDENT_COLUMNS = (
    Incident.id,
    Incident.type,
    Incident.date,
    Incident.grade,
    Incident.origin,
    Incident.destination,
    Incident.country,
)


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

Path = tuple[str, ...]


class _Ids:
    """The incident and source ids of every aggregate of one result, read once, when first wanted."""

    def __init__(self, load: Callable[[], tuple[dict[Path, set[str]], dict[Path, set[str]]]]):
        self._load = load
        self._incidents: dict[Path, set[str]] | None = None
        self._sources: dict[Path, set[str]] = {}

    def _ensure(self) -> None:
        if self._incidents is None:
            self._incidents, self._sources = self._load()

    def incidents(self, path: Path) -> set[str]:
        self._ensure()
        assert self._incidents is not None
        return self._incidents.setdefault(path, set())

    def sources(self, path: Path) -> set[str]:
        self._ensure()
        return self._sources.setdefault(path, set())


@dataclass
class Aggregate:
    """One edge (two nodes) or one route (origin, transit countries…, destination)."""

    path: tuple[str, ...]
    incident_count: int = 0
    items: int = 0  # sum of the quantities stated
    unquantified: int = 0  # weapon mentions with no number ("weapons", "several rockets")
    categories: Counter[str] = field(default_factory=Counter)  # mentions per category
    category_items: Counter[str] = field(default_factory=Counter)  # stated quantity per category
    grades: Counter[str] = field(default_factory=Counter)
    types: Counter[str] = field(default_factory=Counter)
    first: str | None = None
    last: str | None = None
    ids: _Ids | None = field(default=None, repr=False, compare=False)

    @property
    def incidents(self) -> set[str]:
        """The incidents behind the figure (read on demand)."""
        return self.ids.incidents(self.path) if self.ids else set()

    @property
    def sources(self) -> set[str]:
        """The sources whose statements the incidents rest on (read on demand)."""
        return self.ids.sources(self.path) if self.ids else set()

    def add_counts(
        self, grade: str, type_: str, n: int, first: str | None, last: str | None
    ) -> None:
        self.incident_count += n
        self.grades[grade] += n
        self.types[type_] += n
        if first:
            self.first = min(self.first or first, first)
        if last:
            self.last = max(self.last or last, last)

    def add_weapons(self, category: str, mentions: int, quantified: int, total: int | None) -> None:
        self.categories[category] += mentions
        self.unquantified += mentions - quantified
        if quantified:
            self.items += total or 0
            self.category_items[category] += total or 0

    def as_dict(self) -> dict:
        return {
            "path": list(self.path),
            "incidents": self.incident_count,
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


def _sorted(aggregates: Iterable[Aggregate]) -> list[Aggregate]:
    return sorted(aggregates, key=lambda a: (-a.incident_count, -a.items, a.path))


def _rows(session: Session, query: Select) -> Iterator[tuple]:
    """Plain tuples from the Core connection: no ORM row handling."""
    return iter(session.connection().execute(query).fetchall())


def _date_column(session: Session):  # type: ignore[no-untyped-def]
    """Incident dates compared as Python compares strings (byte order), on either backend."""
    if session.get_bind().dialect.name == "postgresql":
        return Incident.date.collate("C")
    return Incident.date


def _filtered_ids(flt: FlowFilter) -> Select:
    return flt.apply(select(Incident.id))


def _reached(origin: str | None, destination: str | None, country: str | None) -> str | None:
    """Where the weapons went: the stated destination, else the country where they turned up (a
    seizure in Egypt of Libyan weapons is a Libya → Egypt movement even when no destination is named)."""
    if destination:
        return destination
    return country if country and country != origin else None


def _reached_sql():  # type: ignore[no-untyped-def]
    """_reached as a SQL expression."""
    return case(
        (and_(Incident.destination.is_not(None), Incident.destination != ""), Incident.destination),
        (
            and_(
                Incident.country.is_not(None),
                Incident.country != "",
                or_(Incident.origin.is_(None), Incident.country != Incident.origin),
            ),
            Incident.country,
        ),
        else_=None,
    )


def _weapon_join(flt: FlowFilter, query: Select) -> Select:
    query = query.join(IncidentWeapon, IncidentWeapon.incident_id == Incident.id)
    if flt.category:  # a category filter counts only that category's items
        query = query.where(IncidentWeapon.category == flt.category)
    return query


_WEAPON_SUMS = (
    IncidentWeapon.category,
    func.count(),
    func.count(IncidentWeapon.quantity),
    func.sum(IncidentWeapon.quantity),
)


# --- country flows: grouped in SQL --------------------------------------------------------------------


def country_flows(session: Session, flt: FlowFilter = ALL) -> list[Aggregate]:
    """Origin → destination edges between countries."""
    target = _reached_sql().label("target")
    # grouped by an expression, not the bare column: SQLite would otherwise walk the origin index
    # (a random table read per row) to save a sort; where `moved` holds it equals the origin
    origin_key = func.coalesce(Incident.origin, "").label("origin")
    moved = and_(Incident.origin.is_not(None), Incident.origin != "", target.is_not(None))
    moved = and_(moved, Incident.origin != target)
    date = _date_column(session)
    counts = flt.apply(
        select(
            origin_key,
            target,
            Incident.grade,
            Incident.type,
            func.count(),
            func.min(date),
            func.max(date),
        ).where(moved)
    ).group_by(origin_key, target, Incident.grade, Incident.type)

    def load() -> tuple[dict[Path, set[str]], dict[Path, set[str]]]:
        incidents: dict[Path, set[str]] = defaultdict(set)
        for origin, to, iid in _rows(
            session, flt.apply(select(Incident.origin, target, Incident.id).where(moved))
        ):
            incidents[(origin, to)].add(iid)
        sources: dict[Path, set[str]] = defaultdict(set)
        query = flt.apply(
            select(Incident.origin, target, Statement.source_id)
            .join(Statement, Statement.incident_id == Incident.id)
            .where(moved)
        ).distinct()
        for origin, to, sid in _rows(session, query):
            sources[(origin, to)].add(sid)
        return incidents, sources

    ids = _Ids(load)
    aggregates: dict[Path, Aggregate] = {}
    for origin, to, grade, type_, n, first, last in _rows(session, counts):
        path = (origin, to)
        agg = aggregates.get(path)
        if agg is None:
            agg = aggregates[path] = Aggregate(path, ids=ids)
        agg.add_counts(grade, type_, n, first, last)
    weapons = _weapon_join(flt, flt.apply(select(origin_key, target, *_WEAPON_SUMS).where(moved)))
    weapons = weapons.group_by(origin_key, target, IncidentWeapon.category)
    for origin, to, category, mentions, quantified, total in _rows(session, weapons):
        agg = aggregates.get((origin, to))
        if agg is not None:
            agg.add_weapons(category, mentions, quantified, total)
    return _sorted(aggregates.values())


# --- routes and actor chains: paths made in Python, over the few incidents that have them -------------


def _by_incident_paths(
    session: Session,
    flt: FlowFilter,
    having: Select,
    paths_of: Callable[[tuple], Iterable[Path]],
) -> list[Aggregate]:
    """Aggregates over incidents in `having` (a select of incident ids): paths from `paths_of(row)`;
    weapons grouped per incident in SQL; sources on demand."""
    scope = flt.apply(select(*INCIDENT_COLUMNS)).where(Incident.id.in_(having))
    aggregates: dict[Path, Aggregate] = {}
    keyed: dict[str, list[Aggregate]] = defaultdict(list)
    members: dict[Path, set[str]] = defaultdict(set)
    for row in _rows(session, scope):
        iid, type_, date, grade = row[0], row[1], row[2], row[3]
        for path in paths_of(row):
            if iid in members[path]:
                continue
            members[path].add(iid)
            agg = aggregates.get(path)
            if agg is None:
                agg = aggregates[path] = Aggregate(path)
            agg.add_counts(grade, type_, 1, date, date)
            keyed[iid].append(agg)
    if not aggregates:
        return []

    def load() -> tuple[dict[Path, set[str]], dict[Path, set[str]]]:
        sources: dict[Path, set[str]] = defaultdict(set)
        query = (
            select(Statement.incident_id, Statement.source_id)
            .where(Statement.incident_id.in_(scope.with_only_columns(Incident.id)))
            .distinct()
        )
        for iid, sid in _rows(session, query):
            for agg in keyed.get(iid, ()):
                sources[agg.path].add(sid)
        return members, sources

    ids = _Ids(load)
    for agg in aggregates.values():
        agg.ids = ids
    weapons = _weapon_join(flt, scope.with_only_columns(Incident.id, *_WEAPON_SUMS))
    weapons = weapons.group_by(Incident.id, IncidentWeapon.category)
    for iid, category, mentions, quantified, total in _rows(session, weapons):
        for agg in keyed.get(iid, ()):
            agg.add_weapons(category, mentions, quantified, total)
    return _sorted(aggregates.values())


def _vias(session: Session, flt: FlowFilter) -> dict[str, list[str]]:
    rows = _rows(
        session,
        select(IncidentVia.incident_id, IncidentVia.country)
        .where(IncidentVia.incident_id.in_(_filtered_ids(flt)))
        .order_by(IncidentVia.incident_id, IncidentVia.position),
    )
    vias: dict[str, list[str]] = defaultdict(list)
    for incident_id, country in rows:
        vias[incident_id].append(country)
    return vias


def transit_routes(session: Session, flt: FlowFilter = ALL) -> list[Aggregate]:
    """Whole routes origin → transit countries → destination, from incidents that name a transit."""
    vias = _vias(session, flt)
    if not vias:
        return []

    def paths(row: tuple) -> Iterator[Path]:
        iid, origin, destination, country = row[0], row[4], row[5], row[6]
        through = vias.get(iid)
        if not through:
            return
        path = [origin or "?", *through, _reached(origin, destination, country)]
        cleaned = [p or "?" for i, p in enumerate(path) if i == 0 or p != path[i - 1]]
        if len(cleaned) >= 3:
            yield tuple(cleaned)

    return _by_incident_paths(session, flt, select(IncidentVia.incident_id), paths)


def _actor_chains(session: Session, flt: FlowFilter) -> dict[str, dict[str, list[str]]]:
    """incident id → role → actor keys (reference id where known, else the name as written)."""
    rows = _rows(
        session,
        select(
            IncidentActor.incident_id,
            IncidentActor.role,
            IncidentActor.actor_id,
            IncidentActor.name,
        )
        .where(
            IncidentActor.incident_id.in_(_filtered_ids(flt).where(Incident.id.in_(_chained()))),
            IncidentActor.role.in_(CHAIN_ROLES),
        )
        .order_by(IncidentActor.incident_id, IncidentActor.position),
    )
    chains: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for incident_id, role, actor_id, name in rows:
        key = actor_id or name
        if key not in chains[incident_id][role]:
            chains[incident_id][role].append(key)
    return chains


def _chained() -> Select:
    """Incidents naming actors in at least two roles of a chain (a chain has two ends at least)."""
    return (
        select(IncidentActor.incident_id)
        .where(IncidentActor.role.in_(CHAIN_ROLES))
        .group_by(IncidentActor.incident_id)
        .having(func.count(IncidentActor.role.distinct()) >= 2)
    )


def actor_flows(session: Session, flt: FlowFilter = ALL) -> list[Aggregate]:
    """Supplier → trafficker → recipient edges; supplier → recipient where no trafficker is named."""
    chains = _actor_chains(session, flt)

    def paths(row: tuple) -> Iterator[Path]:
        roles = chains.get(row[0])
        if not roles:
            return
        suppliers, traffickers, recipients = (roles.get(r, []) for r in CHAIN_ROLES)
        steps = [s for s in (suppliers, traffickers, recipients) if s]
        for left, right in zip(steps, steps[1:], strict=False):
            for a in left:
                for b in right:
                    if a != b:
                        yield (a, b)

    return _by_incident_paths(session, flt, _chained(), paths)
