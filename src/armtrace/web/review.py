"""Review actions on incidents: accept, reject, edit a field, merge two. Each adds statements (never a
silent overwrite: the edited value keeps its history as statements by extractor and analyst) and one
audit entry, in the caller's transaction.

A review decision is a statement with field "review" and value "accepted" or "rejected[: note]"; the
latest one stands, and an incident with none is in the review queue.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from armtrace.analysis.models import ScreeningFlag
from armtrace.records.models import Item
from armtrace.store.models import (
    Incident,
    IncidentActor,
    IncidentWeapon,
    Statement,
    analyst_statement,
)
from armtrace.vocabulary import GRADES, INCIDENT_TYPES, MODALITIES
from armtrace.web.accounts import now
from armtrace.web.audit import append
from armtrace.web.models import RESTRICTABLE, Restriction

DECISIONS = ("accepted", "rejected")
_ISO2 = re.compile(r"^[A-Z]{2}$")
_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
_FILLABLE = ("date", "date_precision", "place", "country", "lat", "lon", "geo_precision")


def _one_of(allowed: tuple[str, ...]) -> Callable[[str | None], str | None]:
    def check(value: str | None) -> str | None:
        if value not in allowed:
            raise ValueError(f"must be one of {', '.join(allowed)}")
        return value

    return check


def _pattern(regex: re.Pattern[str], what: str) -> Callable[[str | None], str | None]:
    def check(value: str | None) -> str | None:
        if value is None or value == "":
            return None
        value = value.strip().upper() if what == "ISO2" else value.strip()
        if not regex.match(value):
            raise ValueError(f"must be {what} or empty")
        return value

    return check


def _text(value: str | None) -> str | None:
    value = (value or "").strip()
    if len(value) > 255:
        raise ValueError("at most 255 characters")
    return value or None


EDITABLE: dict[str, Callable[[str | None], str | None]] = {
    "type": _one_of(INCIDENT_TYPES),
    "grade": _one_of(GRADES),
    "modality": _one_of(MODALITIES),
    "date": _pattern(_DATE, "YYYY[-MM[-DD]]"),
    "place": _text,
    "country": _pattern(_ISO2, "ISO2"),
    "origin": _pattern(_ISO2, "ISO2"),
    "destination": _pattern(_ISO2, "ISO2"),
}


def snapshot(incident: Incident) -> dict:
    """The assembled fields an audit entry records before and after a change."""
    return {
        "id": incident.id,
        **{f: getattr(incident, f) for f in EDITABLE},
        "via": incident.via,
        "weapons": [[w.category, w.model, w.quantity] for w in incident.weapons],
        "actors": [[a.name, a.role] for a in incident.actors],
    }


def _statement(incident: Incident, field: str, value: str | None, user: str) -> Statement:
    return analyst_statement(incident, field, value, user, incident.grade, now())


def review_status(incident: Incident) -> str | None:
    decisions = [s.value for s in incident.statements if s.field == "review" and s.value]
    return decisions[-1].split(":", 1)[0] if decisions else None


def decide(
    session: Session, incident: Incident, decision: str, user: str, note: str | None = None
) -> None:
    if decision not in DECISIONS:
        raise ValueError(f"decision must be one of {', '.join(DECISIONS)}")
    before = review_status(incident)
    value = f"{decision}: {note.strip()}" if note and note.strip() else decision
    incident.statements.append(_statement(incident, "review", value, user))
    append(session, user, f"incident.{decision[:-2]}", ("incident", incident.id), before, value)


def edit(session: Session, incident: Incident, field: str, value: str | None, user: str) -> None:
    check = EDITABLE.get(field)
    if check is None:
        raise ValueError(f"field must be one of {', '.join(EDITABLE)}")
    clean = check(value)
    before = getattr(incident, field)
    setattr(incident, field, clean)
    incident.statements.append(_statement(incident, field, clean, user))
    append(
        session, user, "incident.edit", ("incident", incident.id), {field: before}, {field: clean}
    )


def merge(session: Session, keep: Incident, drop: Incident, user: str) -> None:
    """`drop` folds into `keep`: its statements (with their spans) move over, its weapons and actors not
    already there are added, empty fields are filled, and what pointed at it now points at `keep`."""
    if keep.id == drop.id:
        raise ValueError("an incident cannot be merged with itself")
    before = {"keep": snapshot(keep), "drop": snapshot(drop)}
    _take_parts(keep, drop)
    for name in _FILLABLE:
        if getattr(keep, name) is None and getattr(drop, name) is not None:
            setattr(keep, name, getattr(drop, name))
    if GRADES.index(drop.grade) > GRADES.index(keep.grade):
        keep.grade = drop.grade
    session.flush()
    for table in (Statement, Item, ScreeningFlag):
        session.execute(
            update(table).where(table.incident_id == drop.id).values(incident_id=keep.id)
        )
    session.expire(drop)
    session.delete(drop)
    session.flush()
    session.expire(keep)
    keep = session.get(Incident, keep.id)
    keep.statements.append(_statement(keep, "merged", drop.id, user))
    append(session, user, "incident.merge", ("incident", keep.id), before, snapshot(keep))


def _take_parts(keep: Incident, drop: Incident) -> None:
    have = {(w.category, w.model, w.quantity) for w in keep.weapons}
    for w in drop.weapons:
        if (w.category, w.model, w.quantity) not in have:
            keep.weapons.append(
                IncidentWeapon(
                    position=max((x.position for x in keep.weapons), default=-1) + 1,
                    category=w.category,
                    model=w.model,
                    quantity=w.quantity,
                    quantity_text=w.quantity_text,
                )
            )
    named = {(a.name, a.role) for a in keep.actors}
    for a in drop.actors:
        if (a.name, a.role) not in named:
            keep.actors.append(
                IncidentActor(
                    position=max((x.position for x in keep.actors), default=-1) + 1,
                    name=a.name,
                    actor_id=a.actor_id,
                    role=a.role,
                )
            )


def review_queue_ids(session: Session) -> list[str]:
    reviewed = select(Statement.incident_id).where(Statement.field == "review")
    return list(session.scalars(select(Incident.id).where(Incident.id.not_in(reviewed))))


def restrict(
    session: Session, kind: str, target_id: str, user: str, reason: str | None = None
) -> bool:
    """Mark a source or item restricted; False when it already was."""
    if kind not in RESTRICTABLE:
        raise ValueError(f"kind must be one of {', '.join(RESTRICTABLE)}")
    if session.get(Restriction, (kind, target_id)) is not None:
        return False
    session.add(
        Restriction(
            kind=kind, target_id=target_id, reason=reason, restricted_by=user, restricted_at=now()
        )
    )
    append(
        session,
        user,
        "restrict",
        (kind, target_id),
        {"restricted": False},
        {"restricted": True, "reason": reason},
    )
    return True


def unrestrict(session: Session, kind: str, target_id: str, user: str) -> bool:
    row = session.get(Restriction, (kind, target_id))
    if row is None:
        return False
    before = {"restricted": True, "reason": row.reason}
    session.delete(row)
    append(session, user, "unrestrict", (kind, target_id), before, {"restricted": False})
    return True
