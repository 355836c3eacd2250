"""Tables for records (stockpile ledgers, transfers, collections, destructions), documented items,
analysts' match decisions and ITI trace requests. They live on the store's `Base`: one metadata.

Append-only where the history is the evidence: a match decision is never updated (the latest one for a
pair stands), and every status change of a trace request is an event row.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from armtrace.store.models import Base


class Record(Base):
    """One row of an imported register. Its id is derived from its content: re-import is idempotent."""

    __tablename__ = "records"
    __table_args__ = (Index("ix_records_kind_source", "kind", "source_file"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # stockpile, transfer, collection, destruction
    source_file: Mapped[str] = mapped_column(String(255))
    row_number: Mapped[int] = mapped_column(Integer)
    # what the record is about
    category: Mapped[str | None] = mapped_column(String(32))
    model: Mapped[str | None] = mapped_column(String(64))
    manufacturer: Mapped[str | None] = mapped_column(String(128))
    country_of_manufacture: Mapped[str | None] = mapped_column(String(2))
    calibre: Mapped[str | None] = mapped_column(String(32))
    serial: Mapped[str | None] = mapped_column(String(64))
    serial_norm: Mapped[str | None] = mapped_column(String(64), index=True)
    serial_from: Mapped[str | None] = mapped_column(String(64))
    serial_to: Mapped[str | None] = mapped_column(String(64))
    lot: Mapped[str | None] = mapped_column(String(64))
    year: Mapped[int | None] = mapped_column(Integer)
    quantity: Mapped[int | None] = mapped_column(Integer)
    # who held it, where, when
    holder: Mapped[str | None] = mapped_column(String(255))
    depot: Mapped[str | None] = mapped_column(String(255))
    place: Mapped[str | None] = mapped_column(String(255))
    country: Mapped[str | None] = mapped_column(String(2))
    status: Mapped[str | None] = mapped_column(
        String(16)
    )  # in_store, issued, lost, looted, destroyed
    date: Mapped[str | None] = mapped_column(String(10))  # as-of date, transfer or event date
    security_status: Mapped[str | None] = mapped_column(Text)
    last_audit: Mapped[str | None] = mapped_column(String(10))
    # transfers
    exporter: Mapped[str | None] = mapped_column(String(2))
    importer: Mapped[str | None] = mapped_column(String(2))
    end_user: Mapped[str | None] = mapped_column(String(255))
    reference: Mapped[str | None] = mapped_column(String(128))  # licence, contract, ATT report
    # collection programmes and destruction
    programme: Mapped[str | None] = mapped_column(String(255))
    community: Mapped[str | None] = mapped_column(String(255))
    in_return: Mapped[str | None] = mapped_column(Text)
    method: Mapped[str | None] = mapped_column(String(64))
    notes: Mapped[str | None] = mapped_column(Text)
    imported_at: Mapped[datetime] = mapped_column(DateTime)


class Item(Base):
    """A weapon documented in the field, its marks as read (serial with `?` for illegible characters)."""

    __tablename__ = "items"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    serial: Mapped[str | None] = mapped_column(String(64))
    serial_norm: Mapped[str | None] = mapped_column(String(64), index=True)
    markings: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(32))
    model: Mapped[str | None] = mapped_column(String(64))
    manufacturer: Mapped[str | None] = mapped_column(String(128))
    calibre: Mapped[str | None] = mapped_column(String(32))
    country_mark: Mapped[str | None] = mapped_column(String(64))
    year_mark: Mapped[str | None] = mapped_column(String(16))
    import_marks: Mapped[str | None] = mapped_column(Text)
    place: Mapped[str | None] = mapped_column(String(255))
    country: Mapped[str | None] = mapped_column(String(2))
    date: Mapped[str | None] = mapped_column(String(10))
    context: Mapped[str | None] = mapped_column(Text)  # seized from, found in, surrendered by
    documented_by: Mapped[str | None] = mapped_column(String(128))
    incident_id: Mapped[str | None] = mapped_column(String(48))  # the incident it was documented in
    created_at: Mapped[datetime] = mapped_column(DateTime)

    photos: Mapped[list[ItemPhoto]] = relationship(
        order_by="ItemPhoto.position", cascade="all, delete-orphan"
    )


class ItemPhoto(Base):
    """A photo of an item: its path and the SHA-256 of its bytes at documentation time."""

    __tablename__ = "item_photos"

    item_id: Mapped[str] = mapped_column(ForeignKey("items.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    path: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))


class MatchDecision(Base):
    """An analyst's confirm or reject of an (item, record) pair. Never updated: the latest stands."""

    __tablename__ = "match_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    item_id: Mapped[str] = mapped_column(ForeignKey("items.id"), index=True)
    record_id: Mapped[str] = mapped_column(ForeignKey("records.id"), index=True)
    decision: Mapped[str] = mapped_column(String(16))  # confirmed, rejected
    score: Mapped[float | None] = mapped_column(Float)
    analyst: Mapped[str] = mapped_column(String(128))
    note: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime] = mapped_column(DateTime)


class TraceRequest(Base):
    """An ITI trace request to the state of manufacture or last legal import."""

    __tablename__ = "trace_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    item_id: Mapped[str] = mapped_column(ForeignKey("items.id"), index=True)
    state: Mapped[str] = mapped_column(String(2), index=True)  # requested state, ISO2
    reason: Mapped[str] = mapped_column(Text)  # why the item is considered illicit
    intended_use: Mapped[str] = mapped_column(Text)
    requester: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16))  # draft, sent, acknowledged, answered
    created_at: Mapped[datetime] = mapped_column(DateTime)
    sent_on: Mapped[date | None] = mapped_column(Date)
    acknowledged_on: Mapped[date | None] = mapped_column(Date)
    answered_on: Mapped[date | None] = mapped_column(Date)
    answer: Mapped[str | None] = mapped_column(Text)

    events: Mapped[list[TraceRequestEvent]] = relationship(
        order_by="TraceRequestEvent.id", cascade="all, delete-orphan"
    )


class TraceRequestEvent(Base):
    """One status change of a trace request, with who and when."""

    __tablename__ = "trace_request_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("trace_requests.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    happened_on: Mapped[date] = mapped_column(Date)
    analyst: Mapped[str] = mapped_column(String(128))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(DateTime)
