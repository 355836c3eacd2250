"""Actors, incidents and items as FollowTheMoney entities (JSON lines), for Aleph and OpenSanctions tools.

Each line is one entity in FtM's shape: ``{"id", "schema", "properties": {name: [values]}}``, every value
a string. Schemata used (all in the stock FtM model, so `ftm validate` and Aleph accept them):

- actors: ``Person`` for people, ``Company`` for companies, ``PublicBody`` for states and their forces,
  ``Organization`` for armed groups and the rest (unknown names as written: ``LegalEntity``);
- incidents: ``Event`` — ``name``, ``date``, ``country`` (where, origin, destination, transit),
  ``location``, ``summary``, ``involved`` (the actors' entity ids), ``sourceUrl``, ``publisher``, and
  each statement the incident rests on as a ``notes`` value
  ``"<field>: <value> — <source id> [start:end] «span text»"``; the grade goes into ``keywords``;
- items: ``Asset`` (name: model and serial), with ``description`` (markings), ``country`` and
  ``notes``; an ``UnknownLink`` (subject: the incident's Event, object: the item, role
  "documented in") joins an item to the incident it was documented in.

Ids are stable (prefix + armtrace id), so a re-export updates the same entities in Aleph.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterator
from typing import TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from armtrace.records.models import Item
from armtrace.reference.actors import load_actors
from armtrace.store.models import Incident, IncidentActor, IncidentVia, Source, Statement

PREFIX = "armtrace"
ACTOR_SCHEMA = {
    "person": "Person",
    "company": "Company",
    "state": "PublicBody",
    "state_force": "PublicBody",
    "armed_group": "Organization",
    "organisation": "Organization",
}


def _entity(id_: str, schema: str, props: dict[str, list[str] | str | None]) -> dict:
    clean: dict[str, list[str]] = {}
    for key, value in props.items():
        values = value if isinstance(value, list) else [value]
        kept = [str(v) for v in values if v not in (None, "")]
        if kept:
            clean[key] = sorted(set(kept), key=kept.index)
    return {"id": id_, "schema": schema, "properties": clean}


def actor_entity_id(actor_id: str | None, name: str) -> str:
    if actor_id:
        return f"{PREFIX}-actor-{actor_id}"
    return f"{PREFIX}-actor-{hashlib.sha1(name.casefold().encode()).hexdigest()[:16]}"


def _actors(session: Session, only: set[str] | None) -> tuple[list[dict], dict[str, list[str]]]:
    index = load_actors()
    entities: dict[str, dict] = {}
    involved: dict[str, list[str]] = defaultdict(list)
    rows = session.execute(
        select(IncidentActor.incident_id, IncidentActor.actor_id, IncidentActor.name).order_by(
            IncidentActor.incident_id, IncidentActor.position
        )
    )
    for incident_id, actor_id, name in rows:
        if only is not None and incident_id not in only:
            continue
        eid = actor_entity_id(actor_id, name)
        involved[incident_id].append(eid)
        if eid in entities:
            if (
                name not in entities[eid]["properties"].get("alias", [])
                and name != entities[eid]["properties"].get("name", [""])[0]
            ):
                entities[eid]["properties"].setdefault("alias", []).append(name)
            continue
        known = None
        if actor_id:
            try:
                known = index.get(actor_id)
            except KeyError:
                known = None
        if known is not None:
            entities[eid] = _entity(
                eid,
                ACTOR_SCHEMA.get(known.kind, "Organization"),
                {
                    "name": known.name,
                    "alias": [a for a in known.aliases if a != known.name]
                    + ([name] if name != known.name else []),
                    "country": known.country.lower() if known.country else None,
                    "notes": known.cite,
                    "keywords": known.kind,
                },
            )
        else:
            entities[eid] = _entity(eid, "LegalEntity", {"name": name})
    return list(entities.values()), involved


def _incidents(
    session: Session, involved: dict[str, list[str]], only: set[str] | None
) -> Iterator[dict]:
    vias: dict[str, list[str]] = defaultdict(list)
    for incident_id, country in session.execute(
        select(IncidentVia.incident_id, IncidentVia.country).order_by(
            IncidentVia.incident_id, IncidentVia.position
        )
    ):
        vias[incident_id].append(country)
    notes: dict[str, list[str]] = defaultdict(list)
    span_sources: dict[str, set[str]] = defaultdict(set)
    for st, text in session.execute(
        select(Statement, Source.text)
        .join(Source, Source.id == Statement.source_id)
        .order_by(Statement.incident_id, Statement.id)
    ):
        quote = (text or "")[st.start : st.end].strip()
        value = f" {st.value}" if st.value else ""
        notes[st.incident_id].append(
            f"{st.field}:{value} — {st.source_id} [{st.start}:{st.end}] «{quote}»"
        )
        span_sources[st.incident_id].add(st.source_id)
    sources = {s.id: s for s in session.scalars(select(Source).execution_options(yield_per=1000))}
    query = select(Incident).where(Incident.modality == "asserted").order_by(Incident.id)
    if only is not None:  # the incidents a filter chose (it decides about unasserted ones too)
        query = select(Incident).order_by(Incident.id)
    for inc in session.scalars(query):
        if only is not None and inc.id not in only:
            continue
        src = sources.get(inc.source_id)
        route = " → ".join(c for c in [inc.origin, *vias.get(inc.id, []), inc.destination] if c)
        countries = [inc.country, inc.origin, inc.destination, *vias.get(inc.id, [])]
        yield _entity(
            f"{PREFIX}-incident-{inc.id}",
            "Event",
            {
                "name": f"{inc.type} {route}".strip() + (f" ({inc.date})" if inc.date else ""),
                "date": inc.date,
                "country": [c.lower() for c in countries if c],
                "location": inc.place,
                "summary": f"{inc.type}, grade {inc.grade}" + (f", {route}" if route else ""),
                "involved": involved.get(inc.id, []),
                "notes": notes.get(inc.id, []),
                "keywords": [inc.type, inc.grade],
                "sourceUrl": src.url if src else None,
                "publisher": src.title if src else None,
                "recordId": inc.id,
            },
        )


def _items(session: Session, events: set[str], only: set[str] | None) -> Iterator[dict]:
    for item in session.scalars(select(Item).order_by(Item.id)):
        if only is not None and item.incident_id not in only:
            continue
        eid = f"{PREFIX}-item-{item.id}"
        label = " ".join(p for p in (item.manufacturer, item.model, item.serial) if p)
        yield _entity(
            eid,
            "Asset",
            {
                "name": label or f"item {item.id}",
                "description": item.markings,
                "country": item.country.lower() if item.country else None,
                "notes": [
                    f"{k}: {v}"
                    for k, v in (
                        ("category", item.category),
                        ("calibre", item.calibre),
                        ("country mark", item.country_mark),
                        ("year mark", item.year_mark),
                        ("import marks", item.import_marks),
                        ("place", item.place),
                        ("date", item.date),
                        ("context", item.context),
                        ("documented by", item.documented_by),
                    )
                    if v
                ],
                "recordId": item.id,
            },
        )
        if item.incident_id and item.incident_id in events:
            yield _entity(
                f"{PREFIX}-link-{item.id}-{item.incident_id}",
                "UnknownLink",
                {
                    "subject": f"{PREFIX}-incident-{item.incident_id}",
                    "object": eid,
                    "role": "documented in",
                },
            )


def ftm_entities(session: Session, only: set[str] | None = None) -> Iterator[dict]:
    """Actors first, then incidents (Events) and items (Assets and their links). With `only`, just
    those incidents, the actors involved in them and the items documented in them."""
    actors, involved = _actors(session, only)
    yield from actors
    events: set[str] = set()
    for event in _incidents(session, involved, only):
        events.add(event["properties"]["recordId"][0])
        yield event
    yield from _items(session, events, only)


def write_ftm(session: Session, out: TextIO, only: set[str] | None = None) -> int:
    n = 0
    for entity in ftm_entities(session, only):
        out.write(json.dumps(entity, ensure_ascii=False, sort_keys=True) + "\n")
        n += 1
    return n
