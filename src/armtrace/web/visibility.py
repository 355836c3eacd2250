"""What a user may see. Viewers never see a restricted source or item, nor anything that rests on one:
an incident with any statement from a restricted report is hidden whole (its fields came from that
report), and so are the flows, actors, places, flags and exports computed from it.

The filters extend the shared ones (store.queries, analysis.flows) rather than copy them.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, select

from armtrace.analysis.flows import FlowFilter
from armtrace.store.models import Incident, Statement
from armtrace.store.queries import IncidentFilter
from armtrace.web.models import Restriction, User

ROLE_RANK = {"viewer": 0, "analyst": 1, "admin": 2}


def role_sees_restricted(role: str) -> bool:
    return ROLE_RANK.get(role, -1) >= ROLE_RANK["analyst"]


def sees_restricted(user: User) -> bool:
    return role_sees_restricted(user.role)


def restricted_ids(kind: str) -> Select:
    return select(Restriction.target_id).where(Restriction.kind == kind)


def incident_visible() -> ColumnElement[bool]:
    """True for an incident whose every source is unrestricted."""
    tainted = select(Statement.incident_id).where(Statement.source_id.in_(restricted_ids("source")))
    return Incident.source_id.not_in(restricted_ids("source")) & Incident.id.not_in(tainted)


@dataclass(frozen=True)
class VisibleIncidentFilter(IncidentFilter):
    hide_restricted: bool = True

    def apply(self, query: Select) -> Select:
        query = super().apply(query)
        return query.where(incident_visible()) if self.hide_restricted else query


@dataclass(frozen=True)
class VisibleFlowFilter(FlowFilter):
    hide_restricted: bool = True

    def apply(self, query: Select) -> Select:
        query = super().apply(query)
        return query.where(incident_visible()) if self.hide_restricted else query
