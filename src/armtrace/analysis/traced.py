"""Embargo screening of traced items: a documented item an analyst confirmed against a transfer record
is flagged when the record's importer (its destination), its exporter (for Libya, whose embargo bars
exports too) or its end user (its recipient) was under a UN arms embargo at the record's date.

Items are few beside incidents (thousands, not millions) and their evidence is the record and the
analyst's decision, not text spans, so this runs in Python over the confirmed pairs.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from armtrace.analysis.embargoes import Embargo, load_embargoes, overlap, period
from armtrace.analysis.models import ScreeningFlag
from armtrace.records.models import Item, MatchDecision, Record
from armtrace.reference.actors import load_actors

STATE_KINDS = ("state", "state_force")


@dataclass(frozen=True)
class ItemHit:
    item: Item
    record: Record
    decision: MatchDecision
    embargo: Embargo
    basis: str  # traced_importer | traced_exporter | traced_end_user
    target: str  # ISO2 or actor id
    certainty: str
    date_basis: str  # record | documented (the record is undated: on or before the item was seen)
    when: date

    @property
    def flag_id(self) -> str:
        key = f"item:{self.item.id}|{self.record.id}|{self.embargo.id}|{self.basis}|{self.target}"
        return hashlib.md5(key.encode()).hexdigest()


def confirmed_transfers(session: Session) -> Iterator[tuple[Item, Record, MatchDecision]]:
    """(item, transfer record, decision) for each pair whose latest decision is a confirmation."""
    latest: dict[tuple[str, str], MatchDecision] = {}
    for decision in session.scalars(select(MatchDecision).order_by(MatchDecision.id)):
        latest[(decision.item_id, decision.record_id)] = decision
    for (item_id, record_id), decision in sorted(latest.items()):
        if decision.decision != "confirmed":
            continue
        record = session.get(Record, record_id)
        if record is not None and record.kind == "transfer":
            yield session.get(Item, item_id), record, decision


def _window(record: Record, item: Item) -> tuple[date, date, str] | None:
    if record.date:
        return *period(record.date), "record"
    if item.date:
        return date(1900, 1, 1), period(item.date)[1], "documented"
    return None


def _end_user(record: Record):  # type: ignore[no-untyped-def]
    return load_actors().lookup(record.end_user) if record.end_user else None


def _targets(record: Record, embargo: Embargo, listed: dict) -> Iterator[tuple[str, str, date]]:
    """(basis, target, covered from) by which the embargo reaches the transfer."""
    end_user = _end_user(record)
    if embargo.country and record.importer == embargo.country:
        non_state = end_user is not None and end_user.kind not in STATE_KINDS
        if embargo.scope == "country" or (embargo.scope == "non_state" and non_state):
            yield "traced_importer", embargo.country, embargo.start
    if embargo.from_country and record.exporter == embargo.country != record.importer:
        yield "traced_exporter", embargo.country, embargo.start
    if end_user is not None:
        for embargo_id, since, _ref in listed.get(end_user.id, []):
            if embargo_id == embargo.id:
                yield "traced_end_user", end_user.id, max(since, embargo.start)


def traced_hits(session: Session, listed: dict) -> Iterator[ItemHit]:
    """`listed`: actor id -> [(embargo id, listed since, reference)] (screening.listed_actors)."""
    embargoes = load_embargoes()
    for item, record, decision in confirmed_transfers(session):
        window = _window(record, item)
        if window is None:
            continue
        first, last, date_basis = window
        for embargo in embargoes:
            for basis, target, start in _targets(record, embargo, listed):
                certainty = overlap(first, last, start, embargo.end)
                if certainty is None:
                    continue
                if date_basis == "documented":
                    certainty = "possible"
                when = min(last, embargo.end) if embargo.end else last
                yield ItemHit(
                    item, record, decision, embargo, basis, target, certainty, date_basis, when
                )


def _evidence(hit: ItemHit) -> list[dict]:
    """The item, the record and the decision, in the shape of an incident's statements."""
    item, record, decision = hit.item, hit.record, hit.decision
    where = ", ".join(x for x in (item.place, item.country) if x) or "place not stated"
    transfer = f"transferred {record.exporter or '?'} → {record.importer or '?'}"
    transfer += f" for {record.end_user}" if record.end_user else ""
    transfer += f" ({record.reference})" if record.reference else ""
    transfer += f" on {record.date}" if record.date else ", undated"
    model = " ".join(x for x in (item.model, item.serial) if x)
    return [
        {
            "field": "item",
            "value": model or item.id,
            "source": f"item:{item.id}",
            "start": 0,
            "end": 0,
            "grade": "confirmed",
            "text": f"documented at {where}" + (f" on {item.date}" if item.date else ""),
        },
        {
            "field": "transfer_record",
            "value": record.reference or record.id,
            "source": f"{record.source_file}#{record.row_number}",
            "start": 0,
            "end": 0,
            "grade": "confirmed",
            "text": transfer,
        },
        {
            "field": "match",
            "value": decision.decision,
            "source": f"analyst:{decision.analyst}",
            "start": 0,
            "end": 0,
            "grade": "confirmed",
            "text": f"{decision.decided_at:%Y-%m-%d}"
            + (f": {decision.note}" if decision.note else ""),
        },
    ]


def _values(hit: ItemHit) -> dict:
    return {
        "incident_id": hit.item.incident_id,
        "item_id": hit.item.id,
        "record_id": hit.record.id,
        "embargo_id": hit.embargo.id,
        "basis": hit.basis,
        "target": hit.target,
        "incident_date": hit.record.date or hit.item.date,
        "date_basis": hit.date_basis,
        "certainty": hit.certainty,
        "resolutions": "; ".join(r.label for r in hit.embargo.in_force(hit.when)),
        # an analyst confirmed the item against the record: item-level, documentary evidence
        "grade": "confirmed",
        "evidence": json.dumps(_evidence(hit), ensure_ascii=False),
    }


def write_item_flags(session: Session, listed: dict) -> tuple[int, int]:
    """Insert or update the traced items' flags (status and exemption stay the analyst's)."""
    total = new = 0
    now = datetime.now()
    for hit in traced_hits(session, listed):
        total += 1
        values = _values(hit)
        flag = session.get(ScreeningFlag, hit.flag_id)
        if flag is None:
            session.add(
                ScreeningFlag(
                    id=hit.flag_id, status="open", created_at=now, updated_at=now, **values
                )
            )
            new += 1
        elif any(getattr(flag, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(flag, k, v)
            flag.updated_at = now
    session.flush()
    return total, new
