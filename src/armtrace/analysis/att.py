"""ATT risk evidence (Arms Trade Treaty, articles 6 and 7; diversion, article 11): for a proposed export
from X to Y (and an end user Z), what the store holds about Y and Z, each item with its citations.

Evidence and indicators only. The assessment is a human decision; nothing here weighs, scores or
recommends. Every item names the incidents, sources, records or resolutions it rests on, so a reader can
check it, and an empty section says "nothing found in this store", not "no risk".
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date

from sqlalchemy import Row, Select, and_, or_, select
from sqlalchemy.orm import Session

from armtrace.analysis.embargoes import Embargo, load_embargoes
from armtrace.analysis.flows import INCIDENT_COLUMNS, FlowFilter, country_flows, transit_routes
from armtrace.analysis.models import ScreeningFlag
from armtrace.analysis.screening import evidence_for, listed_actors
from armtrace.records.models import Item, MatchDecision, Record, TraceRequest
from armtrace.reference.actors import Actor, load_actors
from armtrace.reference.places import load_gazetteer
from armtrace.store.models import Incident, IncidentActor, Source, Statement
from armtrace.tracing.requests import effective_status

STATE_KINDS = ("state", "state_force")
# Quotes longer than this are cut: the span offsets in the evidence still point to the whole passage.
QUOTE_CHARS = 300


@dataclass
class Party:
    """The importer or the end user: a country (ISO2) or a reference actor."""

    query: str
    country: str | None = None
    actor: Actor | None = None

    @property
    def label(self) -> str:
        return self.actor.name if self.actor else (self.country or self.query)


@dataclass
class Section:
    key: str
    title: str
    indicators: dict[str, object] = field(default_factory=dict)
    evidence: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Assessment:
    exporter: str
    importer: str
    end_user: str | None
    category: str | None
    as_of: date
    sections: list[Section]
    sources: dict[str, dict]  # source id -> title, url, publisher, published

    def as_dict(self) -> dict:
        d = asdict(self)
        d["as_of"] = self.as_of.isoformat()
        d["decision"] = None  # deliberately: the assessment is the analyst's, not armtrace's
        return d

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)


def resolve_party(text: str) -> Party:
    """ISO2 country code, else a reference actor by id or any alias; else the text as written."""
    text = text.strip()
    if len(text) == 2 and load_gazetteer().is_known_country(text.upper()):
        return Party(text, country=text.upper())
    actors = load_actors()
    try:
        actor = actors.get(text.casefold())
    except KeyError:
        actor = actors.lookup(text)
    if actor is not None:
        return Party(text, country=actor.country, actor=actor)
    return Party(text)


# --- embargo status ---------------------------------------------------------------------------------


def _plain(entry: dict) -> dict:
    """YAML gives dates as date objects; evidence is JSON."""
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in entry.items()}


def _embargo_entry(embargo: Embargo, party: Party, why: str, as_of: date) -> dict:
    in_force = embargo.start <= as_of and (embargo.end is None or as_of < embargo.end)
    return {
        "party": party.label,
        "embargo": embargo.id,
        "name": embargo.name,
        "why": why,
        "status": "in force" if in_force else ("lifted" if embargo.end else "not yet in force"),
        "start": embargo.start.isoformat(),
        "end": embargo.end.isoformat() if embargo.end else None,
        "resolutions": [
            {"label": r.label, "date": r.date.isoformat(), "text": r.text, "cite": r.cite}
            for r in embargo.in_force(as_of)
        ],
        "exemptions": [_plain(e) for e in embargo.exemptions_on(as_of)] if in_force else [],
    }


def _embargoes_on(session: Session, party: Party, as_of: date) -> list[dict]:
    entries = []
    for embargo in load_embargoes():
        if party.country and embargo.country == party.country and embargo.scope == "country":
            entries.append(_embargo_entry(embargo, party, f"whole country {party.country}", as_of))
        elif party.country and embargo.country == party.country and embargo.scope == "non_state":
            where = f" ({embargo.region})" if embargo.region else ""
            why = f"non-state actors in {party.country}{where}"
            entries.append(_embargo_entry(embargo, party, why, as_of))
    if party.actor is not None:
        regimes = {e.id: e for e in load_embargoes()}
        for embargo_id, since, reference in listed_actors(session).get(party.actor.id, []):
            entry = _embargo_entry(regimes[embargo_id], party, f"listed {reference}", as_of)
            entry["listed_on"] = since.isoformat()
            if since > as_of:
                entry["status"] = "not yet listed"
            entries.append(entry)
    return entries


def _listed_in(session: Session, country: str) -> list[dict]:
    """Listed groups based in the country: arms reaching them there would be under a UN embargo."""
    actors = load_actors()
    found = []
    for actor_id, listings in sorted(listed_actors(session).items()):
        try:
            actor = actors.get(actor_id)
        except KeyError:
            continue
        if actor.country == country:
            for embargo_id, since, reference in listings:
                found.append(
                    {
                        "actor": actor.id,
                        "name": actor.name,
                        "embargo": embargo_id,
                        "reference": reference,
                        "listed_on": since.isoformat(),
                    }
                )
    return found


def _flags_for(session: Session, targets: list[str]) -> list[dict]:
    rows = session.scalars(
        select(ScreeningFlag)
        .where(ScreeningFlag.target.in_(targets))
        .order_by(ScreeningFlag.incident_date, ScreeningFlag.id)
    )
    return [
        {
            "flag": f.id,
            "incident": f.incident_id,
            "item": f.item_id,
            "embargo": f.embargo_id,
            "basis": f.basis,
            "date": f.incident_date,
            "resolutions": f.resolutions,
            "certainty": f.certainty,
            "status": f.status,
        }
        for f in rows
    ]


def embargo_section(session: Session, parties: list[Party], as_of: date) -> Section:
    section = Section("embargo", "UN arms embargo status")
    for party in parties:
        section.evidence.extend(_embargoes_on(session, party, as_of))
    importer = parties[0]
    listed = _listed_in(session, importer.country) if importer.country else []
    targets = [p.country or "" for p in parties] + [p.actor.id for p in parties if p.actor]
    flags = _flags_for(session, [t for t in targets if t])
    section.indicators = {
        "in_force": sorted({e["embargo"] for e in section.evidence if e["status"] == "in force"}),
        "lifted": sorted({e["embargo"] for e in section.evidence if e["status"] == "lifted"}),
        "listed_groups_based_in_importer": sorted({x["actor"] for x in listed}),
        "screening_flags": len(flags),
    }
    section.evidence.extend({"listed_group": x} for x in listed)
    section.evidence.extend({"screening_flag": f} for f in flags)
    if not flags:
        section.notes.append("screening flags come from `armtrace screen`; none stored for these")
    return section


# --- incidents as cited evidence ----------------------------------------------------------------------


def _incident_query(category: str | None) -> Select:
    # Asserted incidents only, and with a weapon of the category when one is given (FlowFilter does both).
    return FlowFilter(category=category).apply(select(*INCIDENT_COLUMNS))


def _sources_of(session: Session, ids: list[str]) -> dict[str, list[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for start in range(0, len(ids), 2000):
        rows = session.execute(
            select(Statement.incident_id, Statement.source_id).where(
                Statement.incident_id.in_(ids[start : start + 2000])
            )
        )
        for incident_id, source_id in rows:
            found[incident_id].add(source_id)
    return {k: sorted(v) for k, v in found.items()}


def _cited(session: Session, rows: list[tuple[Row, str]]) -> list[dict]:
    """(incident row, why) pairs as evidence entries with sources and the quoted span."""
    ids = sorted({row.id for row, _ in rows})
    sources = _sources_of(session, ids)
    quotes = evidence_for(session, ids)
    entries: dict[str, dict] = {}
    for row, why in rows:
        entry = entries.get(row.id)
        if entry is not None:  # one incident, several reasons
            entry["why"].append(why)
            continue
        spans = quotes.get(row.id, [])
        quote = next((s for s in spans if s["field"] == "evidence"), spans[0] if spans else None)
        entries[row.id] = {
            "incident": row.id,
            "type": row.type,
            "date": row.date,
            "grade": row.grade,
            "origin": row.origin,
            "destination": row.destination,
            "country": row.country,
            "why": [why],
            "sources": sources.get(row.id, []),
            "quote": _quote(quote),
        }
    return sorted(entries.values(), key=lambda e: (e["date"] or "9999", e["incident"]))


def _quote(span: dict | None) -> dict | None:
    if span is None:
        return None
    text = " ".join(
        span["text"].split()
    )  # spans keep the page's line breaks; a quote reads as one line
    cut = text[:QUOTE_CHARS] + ("…" if len(text) > QUOTE_CHARS else "")
    return {"source": span["source"], "start": span["start"], "end": span["end"], "text": cut}


def _grades(entries: list[dict]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for e in entries:
        counts[e["grade"]] += 1
    return dict(sorted(counts.items(), key=lambda kv: -kv[1]))


# --- diversion history --------------------------------------------------------------------------------


def _traced_items(session: Session, country: str) -> list[dict]:
    """Items an analyst confirmed as matching a record of the country (imported by it, or in its
    stockpile ledger), found wherever they turned up. The latest decision on a pair stands."""
    decisions = select(
        MatchDecision.item_id, MatchDecision.record_id, MatchDecision.decision
    ).order_by(MatchDecision.decided_at, MatchDecision.id)
    decided: dict[tuple[str, str], str] = {}
    for item_id, record_id, decision in session.execute(decisions):
        decided[(item_id, record_id)] = decision
    confirmed = {pair for pair, d in decided.items() if d == "confirmed"}
    if not confirmed:
        return []
    rows = session.execute(
        select(Item, Record)
        .join(MatchDecision, MatchDecision.item_id == Item.id)
        .join(Record, Record.id == MatchDecision.record_id)
        .where(
            or_(
                Record.importer == country,
                and_(Record.country == country, Record.kind != "transfer"),
            )
        )
        .distinct()
    )
    found = []
    for item, record in rows:
        if (item.id, record.id) not in confirmed:
            continue
        found.append(
            {
                "item": item.id,
                "serial": item.serial,
                "model": item.model,
                "found_in": item.country,
                "found_on": item.date,
                "context": item.context,
                "documented_by": item.documented_by,
                "incident": item.incident_id,
                "record": record.id,
                "record_kind": record.kind,
                "record_file": record.source_file,
                "record_row": record.row_number,
                "outside_importer": item.country is not None and item.country != country,
            }
        )
    return found


def diversion_section(
    session: Session, country: str, category: str | None, key: str = "diversion"
) -> Section:
    section = Section(key, f"Diversion history from {country}")
    query = _incident_query(category).where(
        or_(
            and_(Incident.origin == country, Incident.type != "transfer"),
            and_(Incident.type == "looting", Incident.country == country),
        )
    )
    rows = []
    for row in session.execute(query):
        if row.type == "looting" and row.country == country:
            rows.append((row, f"looting in {country}"))
        if row.origin == country and row.type != "transfer":
            rows.append((row, f"{row.type} of weapons from {country}"))
    section.evidence = _cited(session, rows)
    traced = _traced_items(session, country)
    section.evidence.extend({"traced_item": t} for t in traced)
    incidents = [e for e in section.evidence if "incident" in e]
    section.indicators = {
        "incidents": len(incidents),
        "looting_incidents": sum(e["type"] == "looting" for e in incidents),
        "found_elsewhere": sorted(
            {e["country"] for e in incidents if e["country"] and e["country"] != country}
        ),
        "grades": _grades(incidents),
        "traced_items": len(traced),
        "traced_items_found_outside": sum(t["outside_importer"] for t in traced),
    }
    if not traced:
        section.notes.append(
            "no item in the tracing tables is confirmed to a record of this country"
        )
    return section


# --- onward flows -------------------------------------------------------------------------------------


def _re_exports(session: Session, country: str, category: str | None) -> list[dict]:
    query = select(Record).where(Record.kind == "transfer", Record.exporter == country)
    if category:
        query = query.where(Record.category == category)
    return [
        {
            "record": r.id,
            "file": r.source_file,
            "row": r.row_number,
            "importer": r.importer,
            "end_user": r.end_user,
            "category": r.category,
            "quantity": r.quantity,
            "date": r.date,
            "reference": r.reference,
        }
        for r in session.scalars(query.order_by(Record.date, Record.id))
    ]


def onward_section(session: Session, country: str, category: str | None) -> Section:
    section = Section("onward", f"Onward flows from {country}")
    flt = FlowFilter(category=category, country=country)
    edges = [a for a in country_flows(session, flt) if a.path[0] == country]
    transits = [a for a in transit_routes(session, flt) if country in a.path[1:-1]]
    section.evidence = [{"flow": a.as_dict()} for a in edges]
    section.evidence += [{"transit_route": a.as_dict()} for a in transits]
    records = _re_exports(session, country, category)
    section.evidence += [{"recorded_transfer": r} for r in records]
    section.indicators = {
        "destinations": [a.path[1] for a in edges],
        "incidents": len({i for a in edges for i in a.incidents}),
        "items_stated": sum(a.items for a in edges),
        "transit_routes_through": len(transits),
        "recorded_transfers_from": len(records),
    }
    return section


# --- misuse -------------------------------------------------------------------------------------------


def _forces_of(country: str) -> list[str]:
    return [a.id for a in load_actors() if a.country == country and a.kind in STATE_KINDS]


def _recipients_in(session: Session, country: str) -> list[str]:
    """Reference actors named as recipients of weapons going to the country."""
    rows = session.execute(
        select(IncidentActor.actor_id)
        .join(Incident, Incident.id == IncidentActor.incident_id)
        .where(
            Incident.modality == "asserted",
            Incident.destination == country,
            IncidentActor.role == "recipient",
            IncidentActor.actor_id.is_not(None),
        )
        .distinct()
    )
    return sorted(r for (r,) in rows)


def misuse_section(
    session: Session, country: str, end_user: Party | None, category: str | None
) -> Section:
    section = Section("misuse", f"Use of weapons in {country} or by its forces and recipients")
    forces, recipients = _forces_of(country), _recipients_in(session, country)
    watched = {a: "forces of " + country for a in forces}
    watched.update({a: f"recipient of weapons into {country}" for a in recipients})
    if end_user and end_user.actor:
        watched[end_user.actor.id] = "the end user"
    users: dict[str, list[str]] = defaultdict(list)
    if watched:
        rows = session.execute(
            select(IncidentActor.incident_id, IncidentActor.actor_id).where(
                IncidentActor.actor_id.in_(sorted(watched))
            )
        )
        for incident_id, actor_id in rows:
            users[incident_id].append(actor_id)
    query = _incident_query(category).where(
        Incident.type == "use",
        or_(Incident.country == country, Incident.id.in_(sorted(users))),
    )
    rows_why = []
    for row in session.execute(query):
        if row.country == country:
            rows_why.append((row, f"use in {country}"))
        for actor_id in users.get(row.id, []):
            rows_why.append((row, f"use by {actor_id} ({watched[actor_id]})"))
    section.evidence = _cited(session, rows_why)
    section.indicators = {
        "use_incidents": len(section.evidence),
        "in_country": sum(any(w.startswith("use in") for w in e["why"]) for e in section.evidence),
        "by_watched_actors": sum(
            any(w.startswith("use by") for w in e["why"]) for e in section.evidence
        ),
        "watched_actors": sorted(watched),
        "grades": _grades(section.evidence),
    }
    return section


# --- trace-request cooperation ------------------------------------------------------------------------


def cooperation_section(session: Session, country: str, as_of: date) -> Section:
    section = Section("cooperation", f"Cooperation of {country} with ITI trace requests")
    requests = list(
        session.scalars(
            select(TraceRequest).where(TraceRequest.state == country).order_by(TraceRequest.id)
        )
    )
    sent = [r for r in requests if r.sent_on is not None]
    days = [(r.answered_on - r.sent_on).days for r in sent if r.answered_on and r.sent_on]
    section.evidence = [
        {
            "request": r.id,
            "item": r.item_id,
            "status": effective_status(r, as_of),
            "sent_on": r.sent_on.isoformat() if r.sent_on else None,
            "answered_on": r.answered_on.isoformat() if r.answered_on else None,
        }
        for r in requests
    ]
    section.indicators = {
        "requests_sent": len(sent),
        "answered": len(days),
        "overdue": sum(e["status"] == "overdue" for e in section.evidence),
        "response_rate": round(len(days) / len(sent), 2) if sent else None,
        "median_days_to_answer": statistics.median(days) if days else None,
    }
    if not sent:
        section.notes.append("no trace request to this state is recorded: cooperation is unknown")
    return section


# --- prior supplies and the whole assessment ------------------------------------------------------------


def prior_section(session: Session, exporter: str, importer: str, category: str | None) -> Section:
    section = Section("prior", f"Documented earlier movements {exporter} → {importer}")
    flows = country_flows(session, FlowFilter(category=category, country=exporter))
    edges = [a for a in flows if a.path == (exporter, importer)]
    section.evidence = [{"flow": a.as_dict()} for a in edges]
    section.indicators = {"incidents": sum(a.incident_count for a in edges)}
    return section


def _source_index(session: Session, sections: list[Section]) -> dict[str, dict]:
    ids: set[str] = set()
    for section in sections:
        for e in section.evidence:
            ids.update(e.get("sources", ()))
            for key in ("flow", "transit_route"):
                ids.update(e.get(key, {}).get("source_ids", ()))
    rows = session.execute(
        select(Source.id, Source.title, Source.url, Source.publisher, Source.published).where(
            Source.id.in_(sorted(ids))
        )
    )
    return {
        r.id: {
            "title": r.title,
            "url": r.url,
            "publisher": r.publisher,
            "published": r.published.isoformat() if r.published else None,
        }
        for r in rows
    }


def assess(
    session: Session,
    exporter: str,
    importer: str,
    end_user: str | None = None,
    category: str | None = None,
    as_of: date | None = None,
) -> Assessment:
    """Gather the evidence about an export from `exporter` to `importer` (ISO2), with citations."""
    as_of = as_of or date.today()
    exporter, importer = exporter.upper(), importer.upper()
    gazetteer = load_gazetteer()
    for code in (exporter, importer):
        if not gazetteer.is_known_country(code):
            raise ValueError(f"{code!r} is not an ISO 3166 alpha-2 country code")
    parties = [Party(importer, country=importer)]
    user = resolve_party(end_user) if end_user else None
    if user is not None:
        parties.append(user)
    sections = [
        embargo_section(session, parties, as_of),
        diversion_section(session, importer, category),
        onward_section(session, importer, category),
        misuse_section(session, importer, user, category),
        cooperation_section(session, importer, as_of),
        prior_section(session, exporter, importer, category),
    ]
    if user is not None and user.country and user.country != importer:
        # an end user based elsewhere: its own country's diversion record matters as much
        sections.insert(2, diversion_section(session, user.country, category, "diversion_end_user"))
    return Assessment(
        exporter,
        importer,
        user.label if user else None,
        category,
        as_of,
        sections,
        _source_index(session, sections),
    )
