"""Tables. An incident row is the assembled view; its statements carry the provenance of every field.

Every value that came from evidence is a statement: (incident, field, value, source, span, grade, author).
Later issues (clustering, review, tracing) add statements rather than overwrite values.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Source(Base):
    """A report. Its id is derived from its text, so the same report ingested twice is one row."""

    __tablename__ = "sources"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), index=True)  # file stem or input id
    title: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    publisher: Mapped[str | None] = mapped_column(String(255))
    published: Mapped[date | None] = mapped_column(Date)
    format: Mapped[str] = mapped_column(String(16))
    path: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    ingested_at: Mapped[datetime] = mapped_column(DateTime)

    incidents: Mapped[list[Incident]] = relationship(
        back_populates="source", order_by="Incident.position"
    )


class Incident(Base):
    __tablename__ = "incidents"

    id: Mapped[str] = mapped_column(String(48), primary_key=True)
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # order within its first source
    type: Mapped[str] = mapped_column(String(16), index=True)
    date: Mapped[str | None] = mapped_column(String(10))  # YYYY, YYYY-MM or YYYY-MM-DD
    date_precision: Mapped[str | None] = mapped_column(String(8))
    place: Mapped[str | None] = mapped_column(String(255))
    country: Mapped[str | None] = mapped_column(String(2), index=True)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    geo_precision: Mapped[str | None] = mapped_column(String(8))
    origin: Mapped[str | None] = mapped_column(String(2), index=True)
    destination: Mapped[str | None] = mapped_column(String(2), index=True)
    grade: Mapped[str] = mapped_column(String(16))
    modality: Mapped[str] = mapped_column(String(16), default="asserted")
    created_at: Mapped[datetime] = mapped_column(DateTime)

    source: Mapped[Source] = relationship(back_populates="incidents")
    weapons: Mapped[list[IncidentWeapon]] = relationship(
        order_by="IncidentWeapon.position", cascade="all, delete-orphan"
    )
    vias: Mapped[list[IncidentVia]] = relationship(
        order_by="IncidentVia.position", cascade="all, delete-orphan"
    )
    actors: Mapped[list[IncidentActor]] = relationship(
        order_by="IncidentActor.position", cascade="all, delete-orphan"
    )
    statements: Mapped[list[Statement]] = relationship(
        order_by="Statement.id", cascade="all, delete-orphan"
    )

    @property
    def via(self) -> list[str]:
        return [v.country for v in self.vias]


# The list order (undated last, then date, id) as an index, so a page is an index walk (migration 0008).
Index("ix_incidents_list_order", Incident.date.is_(None), Incident.date, Incident.id)


class IncidentWeapon(Base):
    __tablename__ = "incident_weapons"

    incident_id: Mapped[str] = mapped_column(ForeignKey("incidents.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    category: Mapped[str] = mapped_column(String(32), index=True)
    model: Mapped[str | None] = mapped_column(String(64))
    quantity: Mapped[int | None] = mapped_column(Integer)
    quantity_text: Mapped[str | None] = mapped_column(String(128))


class IncidentVia(Base):
    __tablename__ = "incident_vias"

    incident_id: Mapped[str] = mapped_column(ForeignKey("incidents.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    country: Mapped[str] = mapped_column(String(2))


class IncidentActor(Base):
    __tablename__ = "incident_actors"

    incident_id: Mapped[str] = mapped_column(ForeignKey("incidents.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    actor_id: Mapped[str | None] = mapped_column(String(64))  # reference/actors.yaml id, if known
    role: Mapped[str] = mapped_column(String(16))


class Statement(Base):
    """One claim about one field of an incident, tied to the exact span of the source that states it."""

    __tablename__ = "statements"
    __table_args__ = (Index("ix_statements_source", "source_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    incident_id: Mapped[str] = mapped_column(ForeignKey("incidents.id"), index=True)
    field: Mapped[str] = mapped_column(String(16))
    value: Mapped[str | None] = mapped_column(Text)
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id"))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    grade: Mapped[str] = mapped_column(String(16))
    author: Mapped[str] = mapped_column(String(64))  # the extractor and its version, or an analyst
    created_at: Mapped[datetime] = mapped_column(DateTime)


def analyst_statement(
    incident: Incident, field: str, value: str | None, analyst: str, grade: str, at: datetime
) -> Statement:
    """An analyst's decision about an incident (a review, an edit, a trace's confirmation). No span
    of the report states it: 0..0 on the incident's source, authored by the analyst."""
    return Statement(
        incident_id=incident.id,
        field=field,
        value=value,
        source_id=incident.source_id,
        start=0,
        end=0,
        grade=grade,
        author=f"analyst:{analyst}"[:64],
        created_at=at,
    )


# Tables of the other domains live with their code but on this Base, so migrations and metadata see
# one schema wherever the store is opened.
import armtrace.analysis.models  # noqa: E402,F401
import armtrace.records.models  # noqa: E402,F401
import armtrace.web.models  # noqa: E402,F401
