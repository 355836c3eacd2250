"""Incidents written straight into a store, so analysis tests state exactly what the database holds."""

from __future__ import annotations

import hashlib
from datetime import datetime

import pytest
from sqlalchemy.orm import Session

from armtrace.store.models import (
    Incident,
    IncidentActor,
    IncidentVia,
    IncidentWeapon,
    Source,
    Statement,
)

NOW = datetime(2024, 1, 1)


def add_source(session: Session, key: str, text: str = "", published: str | None = None) -> str:
    sid = hashlib.sha1(key.encode()).hexdigest()[:32]
    if session.get(Source, sid) is None:
        session.add(
            Source(
                id=sid,
                key=key,
                title=key,
                published=datetime.fromisoformat(published).date() if published else None,
                format="txt",
                text=text or f"Report {key}.",
                ingested_at=NOW,
            )
        )
        session.flush()
    return sid


def add_incident(
    session: Session,
    iid: str,
    type_: str = "trafficking",
    *,
    source: str = "s1",
    date: str | None = "2012-05-01",
    origin: str | None = None,
    destination: str | None = None,
    country: str | None = None,
    via: tuple[str, ...] = (),
    weapons: tuple[tuple[str, int | None], ...] = (("assault_rifle", None),),
    actors: tuple[tuple[str, str, str | None], ...] = (),  # (name, role, actor_id)
    grade: str = "reported",
    modality: str = "asserted",
    extra_sources: tuple[str, ...] = (),
) -> Incident:
    sid = add_source(session, source)
    inc = Incident(
        id=iid,
        source_id=sid,
        position=0,
        type=type_,
        date=date,
        date_precision="day" if date and len(date) == 10 else "year",
        country=country,
        origin=origin,
        destination=destination,
        grade=grade,
        modality=modality,
        created_at=NOW,
    )
    inc.weapons = [
        IncidentWeapon(position=i, category=c, quantity=q) for i, (c, q) in enumerate(weapons)
    ]
    inc.vias = [IncidentVia(position=i, country=c) for i, c in enumerate(via)]
    inc.actors = [
        IncidentActor(position=i, name=n, role=r, actor_id=a) for i, (n, r, a) in enumerate(actors)
    ]
    text_len = len(f"Report {source}.")
    statements = [("type", type_, sid)] + [("origin", origin, sid)] * bool(origin)
    statements += [("evidence", None, add_source(session, s)) for s in extra_sources]
    inc.statements = [
        Statement(
            field=f,
            value=v,
            source_id=s,
            start=0,
            end=text_len,
            grade=grade,
            author="test",
            created_at=NOW,
        )
        for f, v, s in statements
    ]
    session.add(inc)
    return inc


@pytest.fixture
def session(store):  # type: ignore[no-untyped-def]
    with store.session() as s:
        yield s
