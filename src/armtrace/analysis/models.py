"""Tables for embargo screening: imported sanctions-list entries and the flags `armtrace screen` raises.

A flag's id is derived from (incident, embargo, basis), so screening again updates a flag in place and an
analyst's exemption survives re-runs.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from armtrace.store.models import Base


class SanctionsListing(Base):
    """One individual or entity from an imported sanctions list (UN XML, OpenSanctions FtM)."""

    __tablename__ = "sanctions_listings"
    __table_args__ = (Index("ix_sanctions_listings_actor", "actor_id"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # "un:QDe.135", "os:NK-..."
    list_name: Mapped[str] = mapped_column(String(32))  # un_consolidated | opensanctions
    reference: Mapped[str | None] = mapped_column(String(64))  # UN reference number
    kind: Mapped[str] = mapped_column(String(16))  # entity | individual
    name: Mapped[str] = mapped_column(String(512))
    aliases: Mapped[str] = mapped_column(Text, default="[]")  # JSON list
    program: Mapped[str | None] = mapped_column(String(128))  # UN_LIST_TYPE or programId
    embargo_id: Mapped[str | None] = mapped_column(String(32))  # embargoes.yaml regime, if known
    listed_on: Mapped[date | None] = mapped_column(Date)
    actor_id: Mapped[str | None] = mapped_column(String(64))  # reference/actors.yaml id, if matched
    matched_alias: Mapped[str | None] = mapped_column(String(512))
    source_file: Mapped[str] = mapped_column(String(255))
    imported_at: Mapped[datetime] = mapped_column(DateTime)


class ScreeningFlag(Base):
    """An incident, or a traced item, whose destination or recipient was under a UN arms embargo at
    its date. An item's flag names the item and the transfer record it was traced to."""

    __tablename__ = "screening_flags"
    __table_args__ = (
        Index("ix_screening_flags_key", "incident_id", "embargo_id", "basis", "target"),
        Index("ix_screening_flags_item", "item_id"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    incident_id: Mapped[str | None] = mapped_column(String(48))  # None on an item's flag
    item_id: Mapped[str | None] = mapped_column(String(32))  # a traced item's flag
    record_id: Mapped[str | None] = mapped_column(String(32))  # the transfer record traced to
    embargo_id: Mapped[str] = mapped_column(String(32), index=True)
    basis: Mapped[str] = mapped_column(String(16))  # destination, origin, recipient, trafficker…
    target: Mapped[str] = mapped_column(String(64))  # ISO2 or actor id
    incident_date: Mapped[str | None] = mapped_column(String(10))
    date_basis: Mapped[str] = mapped_column(String(16))  # incident | published (date unknown)
    certainty: Mapped[str] = mapped_column(String(16))  # certain | possible (partial dates)
    resolutions: Mapped[str] = mapped_column(
        Text
    )  # "1970 (2011); 2009 (2011)" in force at the date
    grade: Mapped[str] = mapped_column(String(16))
    evidence: Mapped[str] = mapped_column(
        Text
    )  # JSON list of statements {source, start, end, text}
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | exempted
    exemption_reason: Mapped[str | None] = mapped_column(Text)
    analyst: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
