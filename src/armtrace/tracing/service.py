"""Tracing against the store: build the matcher from stored records, trace items, record analysts'
decisions (append-only), and read a confirmed match back as a chain of custody."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from armtrace.records.models import Item, MatchDecision, Record
from armtrace.store import Store
from armtrace.store.models import Incident, analyst_statement
from armtrace.tracing.engine import Matcher, Thresholds, TraceResult
from armtrace.tracing.fields import Marks, marks

DECISIONS = ("confirmed", "rejected")


def record_marks(record: Record) -> Marks:
    return marks(
        record.id,
        serial=record.serial,
        serial_from=record.serial_from,
        serial_to=record.serial_to,
        model=record.model,
        category=record.category,
        manufacturer=record.manufacturer,
        country=record.country_of_manufacture,
        year=record.year,
        calibre=record.calibre,
    )


def item_marks(item: Item) -> Marks:
    return marks(
        item.id,
        serial=item.serial,
        model=item.model,
        category=item.category,
        manufacturer=item.manufacturer,
        country=item.country_mark,
        year=item.year_mark,
        calibre=item.calibre,
    )


def trace_items(
    store: Store, item_ids: Iterable[str] | None = None, thresholds: Thresholds | None = None
) -> Iterator[tuple[TraceResult, dict[str, str]]]:
    """(result, {record id: latest analyst decision}) per item, in item order.

    A rejected pair no longer counts towards the decision; a confirmed pair makes the item a match
    whatever the score, since an analyst has seen the weapon and the record.
    """
    with store.session() as session:
        matcher = Matcher((record_marks(r) for r in session.scalars(select(Record))), thresholds)
        query = select(Item).order_by(Item.created_at, Item.id)
        if item_ids is not None:
            query = query.where(Item.id.in_(list(item_ids)))
        items = list(session.scalars(query))
        verdicts = latest_decisions(session, [i.id for i in items])
    for item in items:
        result = matcher.trace(item_marks(item))
        yield _apply_verdicts(result, verdicts.get(item.id, {}), matcher), verdicts.get(item.id, {})


def _apply_verdicts(result: TraceResult, verdicts: dict[str, str], matcher: Matcher) -> TraceResult:
    if not verdicts:
        return result
    kept = [c for c in result.candidates if verdicts.get(c.record) != "rejected"]
    if any(v == "confirmed" for v in verdicts.values()):
        return TraceResult(result.item, "match", kept)
    decision = (
        matcher._decide(kept, result.unregistered)
        if len(kept) != len(result.candidates)
        else result.decision
    )
    return TraceResult(result.item, decision, kept, result.unregistered)


def latest_decisions(session, item_ids: list[str]) -> dict[str, dict[str, str]]:  # type: ignore[no-untyped-def]
    """{item: {record: decision}} where the latest decision on each pair stands."""
    found: dict[str, dict[str, str]] = {}
    for start in range(0, len(item_ids), 500):
        query = (
            select(MatchDecision)
            .where(MatchDecision.item_id.in_(item_ids[start : start + 500]))
            .order_by(MatchDecision.id)
        )
        for row in session.scalars(query):
            found.setdefault(row.item_id, {})[row.record_id] = row.decision
    return found


def decide(
    store: Store,
    item_id: str,
    record_id: str,
    decision: str,
    analyst: str,
    note: str | None = None,
    score: float | None = None,
) -> MatchDecision:
    """Record an analyst's confirm or reject. Never overwrites: each call adds a row.

    Confirming also upgrades the incident the item was documented in to grade "confirmed", with a
    statement that names the analyst and the record (item-level evidence).
    """
    if decision not in DECISIONS:
        raise ValueError(f"decision must be one of {', '.join(DECISIONS)}")
    if not analyst.strip():
        raise ValueError("an analyst must be named")
    now = datetime.now(UTC).replace(tzinfo=None)
    with store.transaction() as session:
        item, record = session.get(Item, item_id), session.get(Record, record_id)
        if item is None or record is None:
            raise LookupError(
                f"no item {item_id!r}" if item is None else f"no record {record_id!r}"
            )
        row = MatchDecision(
            item_id=item_id,
            record_id=record_id,
            decision=decision,
            score=score,
            analyst=analyst,
            note=note,
            decided_at=now,
        )
        session.add(row)
        if decision == "confirmed" and item.incident_id:
            _confirm_incident(session, item.incident_id, record, analyst, now)
    return row


def _confirm_incident(
    session, incident_id: str, record: Record, analyst: str, now: datetime
) -> None:  # type: ignore[no-untyped-def]
    incident = session.get(Incident, incident_id)
    if incident is None:
        return
    incident.grade = "confirmed"
    evidence = f"item traced to {record.kind} record {record.id}"
    value = f"confirmed: {evidence}"
    session.add(analyst_statement(incident, "grade", value, analyst, "confirmed", now))
    # The record says where the weapon was last held legally: with the place it was documented,
    # the incident becomes a flow (origin → country) resting on this item. An origin the report
    # already gave is kept; the analyst sees both in the statements.
    origin = _custody_country(record)
    if origin and not incident.origin and origin != incident.country:
        incident.origin = origin
        value = f"{origin}: {evidence}"
        session.add(analyst_statement(incident, "origin", value, analyst, "confirmed", now))


def _custody_country(record: Record) -> str | None:
    """The country whose legal custody the record shows: the depot's, the importer's, the maker's."""
    if record.kind == "stockpile" and record.country:
        return record.country
    if record.kind == "transfer" and record.importer:
        return record.importer
    return record.country_of_manufacture


def decision_history(store: Store, item_id: str) -> list[MatchDecision]:
    """Every decision on the item, oldest first: the audit trail."""
    with store.session() as session:
        query = (
            select(MatchDecision).where(MatchDecision.item_id == item_id).order_by(MatchDecision.id)
        )
        return list(session.scalars(query))


@dataclass
class CustodyStep:
    stage: str  # manufacture, transfer, stockpile, collection, destruction, documented
    date: str | None
    text: str
    record: str | None = None


@dataclass
class Custody:
    item: str
    steps: list[CustodyStep]
    diversion: CustodyStep | None  # the last point of legal custody, or where it was lost/looted
    diversion_reason: str


_KIND_ORDER = {"transfer": 1, "stockpile": 2, "collection": 3, "destruction": 3}


def chain_of_custody(store: Store, item_id: str) -> Custody:
    """Manufacture → transfers → holder's stockpile → diversion → where documented, from the records
    an analyst confirmed for the item."""
    with store.session() as session:
        item = session.get(Item, item_id)
        if item is None:
            raise LookupError(f"no item {item_id!r}")
        verdicts = latest_decisions(session, [item_id]).get(item_id, {})
        confirmed = [
            r for rid, v in verdicts.items() if v == "confirmed" for r in [session.get(Record, rid)]
        ]
    records = sorted(confirmed, key=lambda r: (r.date or "", _KIND_ORDER.get(r.kind, 9)))
    steps = [_manufacture(records)] if records else []
    steps += [_step(r) for r in records]
    steps.append(CustodyStep("documented", item.date, _documented_text(item)))
    diversion, reason = _diversion(records, steps)
    return Custody(item_id, [s for s in steps if s is not None], diversion, reason)


def _manufacture(records: list[Record]) -> CustodyStep | None:
    made = next((r for r in records if r.manufacturer or r.year or r.country_of_manufacture), None)
    if made is None:
        return None
    text = f"made by {made.manufacturer or 'unknown maker'} in {made.country_of_manufacture or '?'}"
    return CustodyStep("manufacture", str(made.year) if made.year else None, text, made.id)


def _step(r: Record) -> CustodyStep:
    if r.kind == "transfer":
        text = f"transferred {r.exporter or '?'} → {r.importer or '?'}"
        text += f" for {r.end_user}" if r.end_user else ""
        text += f" ({r.reference})" if r.reference else ""
    elif r.kind == "stockpile":
        text = f"held by {r.holder or '?'} at {r.depot or r.place or '?'}"
        text += f", {r.country}" if r.country else ""
        text += f"; status {r.status}" if r.status else ""
    elif r.kind == "collection":
        text = f"collected by {r.programme or '?'} in {r.community or r.place or '?'}"
    else:
        text = f"destroyed by {r.holder or r.programme or '?'} ({r.method or 'method not stated'})"
    return CustodyStep(r.kind, r.date, text, r.id)


def _documented_text(item: Item) -> str:
    where = ", ".join(x for x in (item.place, item.country) if x) or "place not stated"
    text = f"documented at {where}"
    text += f" ({item.context})" if item.context else ""
    return text + (f" by {item.documented_by}" if item.documented_by else "")


def _diversion(records: list[Record], steps: list[CustodyStep]) -> tuple[CustodyStep | None, str]:
    by_record = {s.record: s for s in steps if s is not None and s.record}
    lost = [r for r in records if r.kind == "stockpile" and r.status in ("lost", "looted")]
    if lost:
        return by_record[lost[-1].id], f"recorded as {lost[-1].status}"
    legal = [r for r in records if r.kind in ("stockpile", "transfer")]
    if legal:
        return by_record[legal[-1].id], "last recorded legal custody before it was documented"
    return None, "no confirmed record of legal custody"
